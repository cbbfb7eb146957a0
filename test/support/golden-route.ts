import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createLogger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { RoutePlan } from '@ferry/contracts';
import { createDestination } from '@ferry/destinations/registry';
import { createKafka } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate } from '@ferry/mapping';
import { RouteStack, startRouteStack } from '@ferry/ops';
import { connectDataSource, MapVersionRepository } from '@ferry/persistence';
import type { Progress } from '@ferry/ops';
import { settled } from './settle';
import { testDatabaseUrl, uniqueMigration } from './it-env';

export const ROUTE_FIXTURES = path.join(__dirname, '..', 'fixtures', 'routes');

export interface GoldenStack {
  migration: string;
  db: DataSource;
  admin: Admin;
  plan: RoutePlan;
  stack: RouteStack;
}

/**
 * A route's template confirmed for a new migration, the committed export of its source copied in, and the
 * destination sandbox (given the map's schema) with the five services running on it.
 */
export async function startGoldenStack(route: string, source: string, port: number): Promise<GoldenStack> {
  const cfg = loadConfig([settings.kafka]);
  const migration = uniqueMigration(`golden-${source}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `ferry-golden-${source}-`));
  const admin = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn')).admin();
  const db = await connectDataSource(testDatabaseUrl());
  await db.runMigrations({ transaction: 'each' });
  await admin.connect();
  const exportDir = path.join(workDir, 'export');
  fs.cpSync(path.join(ROUTE_FIXTURES, source), exportDir, { recursive: true });
  const draft = await draftFromTemplate(db, migration, route, 'golden test');
  await new MapVersionRepository(db, migration).confirm(draft.version, 'golden test');
  const plan = (await confirmedMap(db, migration))!.plan;
  const stack = await startPlanStack(db, plan, migration, exportDir, workDir, port);
  return { migration, db, admin, plan, stack };
}

/** The destination sandbox given the confirmed plan's schema, and the five services running the migration on it. */
export async function startPlanStack(db: DataSource, plan: RoutePlan, migration: string, exportDir: string, workDir: string, port: number): Promise<RouteStack> {
  const cfg = loadConfig([settings.kafka]);
  return startRouteStack(
    {
      plan, migration, exportDir, logDir: path.join(workDir, 'logs'), sandboxPort: port, databaseUrl: testDatabaseUrl(),
      kafkaBrokers: cfg.KAFKA_BROKERS, registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 3, resetSandbox: true,
      beforeServices: async (env) => {
        const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
        await destination.applySchema(await destination.planSchema(plan));
      },
    },
    db,
  );
}

export async function stopGoldenStack(g: Partial<GoldenStack>): Promise<void> {
  await g.stack?.stop();
  await g.admin?.disconnect();
  await g.db?.destroy();
}

/** Destination records several source records merge into (`entity:key`): their values depend on arrival order. */
export async function mergedTargets(g: GoldenStack): Promise<Set<string>> {
  const made = await g.db.query(
    `SELECT entity || ':' || target_key AS id FROM ferry.target_source WHERE migration_id = $1 GROUP BY entity, target_key HAVING count(*) > 1`,
    [g.migration],
  );
  return new Set<string>(made.map((r: { id: string }) => r.id));
}

/** Waits for the stack to reconcile, reads the destination's rows, and compares both with the route's golden file. */
export async function expectGoldenRows(
  g: GoldenStack,
  route: string,
  readRows: (merged: Set<string>) => Promise<Record<string, Record<string, unknown>[]>>,
): Promise<void> {
  const result: Progress = await settled({ db: g.db, admin: g.admin, plan: g.plan, migration: g.migration, services: g.stack.services }, 420_000, `${route} to reconcile`);
  const rows = await readRows(await mergedTargets(g));
  const actual = {
    route,
    counts: Object.fromEntries(result.entities.map((e) => [e.entity, { loaded: e.loaded, rejected: e.rejected, waiting: e.waiting }])),
    rows,
  };
  const file = path.join(ROUTE_FIXTURES, `${route}.rows.json`);
  if (process.env.FERRY_UPDATE_GOLDEN === '1') fs.writeFileSync(file, `${JSON.stringify(actual, null, 1)}\n`);
  const golden = JSON.parse(fs.readFileSync(file, 'utf8'));
  expect(actual.counts).toEqual(golden.counts);
  for (const entity of Object.keys(golden.rows)) expect({ entity, rows: actual.rows[entity] }).toEqual({ entity, rows: golden.rows[entity] });
  expect(Object.keys(actual.rows).sort()).toEqual(Object.keys(golden.rows).sort());
}
