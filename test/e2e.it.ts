import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { createLogger, pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { consumerGroups } from '@ferry/contracts';
import type { RoutePlan } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import { createDestination } from '@ferry/destinations/registry';
import { DataverseClient } from '@ferry/destinations/dynamics';
import { createKafka } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate, templateMap } from '@ferry/mapping';
import { groupLag, replayPhase, RouteStack, startRouteStack } from '@ferry/ops';
import { connectDataSource, MapVersionRepository } from '@ferry/persistence';
import type { DataSource } from 'typeorm';
import { settled } from './support/settle';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const cfg = loadConfig([settings.kafka]);

describe('ferry demo --once (the CLI, end to end)', () => {
  it('migrates a generated Leaf360 export and exits 0 with a reconciled table', async () => {
    const { stdout } = await run(
      process.execPath,
      [path.join(root, 'bin', 'ferry.js'), 'demo', '--once', '--records', '700', '--sandbox-port', '18181', '--stall-timeout', '90'],
      { env: { ...process.env, DATABASE_URL: testDatabaseUrl(), FERRY_HOME: path.join(os.tmpdir(), 'ferry-e2e-home') }, timeout: 240_000 },
    ).catch((e: Error & { stdout?: string }) => {
      // The demo explains a failure on stdout (the table, which service stopped, where its log is): show it.
      throw new Error(`${e.message}\n${e.stdout ?? ''}`);
    });
    expect(stdout).toMatch(/map: the leaf360-dynamics template, confirmed automatically by the demo as leaf360-dynamics@1#[0-9a-f]{12}/);
    expect(stdout).toMatch(/reconciled in/);
    // Every source object the template reads and every entity it writes has a row, and every row reconciled.
    const { plan } = templateMap('leaf360-dynamics');
    const okRows = stdout.split('\n').filter((l) => /│/.test(l) && /\bok\b/.test(l));
    expect(okRows).toHaveLength(plan.sourceObjects.length + plan.entities.length);
    for (const name of ['company', 'contact', 'deal', 'account', 'opportunity']) expect(stdout).toMatch(new RegExp(`│ ${name} +│`));
  });

  it('fails with one line, not a stack trace, for a wrong DATABASE_URL', async () => {
    const err = await run(process.execPath, [path.join(root, 'bin', 'ferry.js'), 'status'], {
      env: { ...process.env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).toBe(1);
    const lines = (err as { stderr: string }).stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ferry: PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere does not answer/);
  });
});

describe('a user mistake gets one line and a non-zero exit', () => {
  const ferry = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [path.join(root, 'bin', 'ferry.js'), ...args], { env: { ...process.env, DATABASE_URL: testDatabaseUrl(), ...env } }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it.each([
    [['status'], { KAFKA_BROKERS: '127.0.0.1:1' }, /^ferry: Kafka at 127\.0\.0\.1:1 does not answer/],
    [['status'], { KAFKA_BROKERS: 'not a broker list' }, /^ferry: configuration: KAFKA_BROKERS is invalid/],
    [['replay', '--phase', 'load'], {}, /^ferry: give exactly one of --from-beginning or --from/],
    [['replay', '--phase', 'load', '--from', 'yesterday'], {}, /^ferry: --from "yesterday" is not an ISO 8601 time/],
    [['status', '--migration', 'no-such-migration'], {}, /^ferry: no migration named "no-such-migration"/],
  ])('ferry %j with %j', async (args, env, expected) => {
    const r = await ferry(args as string[], env as Record<string, string>);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(expected as RegExp);
  });
});

describe('replaying the load phase', () => {
  const migration = uniqueMigration('replay');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-replay-'));
  let db: DataSource;
  let stack: RouteStack;
  let plan: RoutePlan;
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  const admin = kafka.admin();

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    await sourceConnector('leaf360').generate({ records: 600, seed: 7, out: path.join(workDir, 'export'), brokenReferences: false });
    const draft = await draftFromTemplate(db, migration, 'leaf360-dynamics', 'e2e test');
    await new MapVersionRepository(db, migration).confirm(draft.version, 'e2e test');
    plan = (await confirmedMap(db, migration))!.plan;
    stack = await startRouteStack(
      {
        plan, migration, exportDir: path.join(workDir, 'export'),
        logDir: path.join(workDir, 'logs'), sandboxPort: 18182, databaseUrl: testDatabaseUrl(), kafkaBrokers: cfg.KAFKA_BROKERS,
        registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 3, resetSandbox: true,
        beforeServices: async (env) => {
          const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
          await destination.applySchema(await destination.planSchema(plan));
        },
      },
      db,
    );
  });

  afterAll(async () => {
    await stack?.stop();
    await admin.disconnect();
    await db?.destroy();
  });

  const settle = () => settled({ db, admin, plan, migration, services: stack.services }, 180_000, 'the migration to reconcile');

  async function snapshot(): Promise<Map<string, Record<string, unknown>>> {
    const client = new DataverseClient({
      baseUrl: `${stack.sandboxUrl}/api/data/v9.2`,
      tokenUrl: `${stack.sandboxUrl}/login/ferry-demo-tenant/oauth2/v2.0/token`,
      clientId: 'ferry-demo',
      clientSecret: 'ferry-demo-secret',
      scope: `${stack.sandboxUrl}/.default`,
    });
    const all = new Map<string, Record<string, unknown>>();
    const tables = [['accounts', 'accountid'], ['contacts', 'contactid'], ['opportunities', 'opportunityid']];
    for (const [set, id] of tables) {
      for await (const r of client.listAll(set)) {
        const { modifiedon: _m, versionnumber: _v, '@odata.etag': _e, ...content } = r as Record<string, unknown>;
        all.set(`${set}/${String(r[id])}`, content);
      }
    }
    return all;
  }

  it('leaves the sandbox record count and content unchanged', async () => {
    const first = await settle();
    const snapshotted = ['account', 'contact', 'opportunity'];
    const loadedBefore = first.entities.filter((e) => snapshotted.includes(e.entity)).reduce((s, r) => s + r.loaded, 0);
    expect(loadedBefore).toBeGreaterThan(150);
    const before = await snapshot();
    expect(before.size).toBe(loadedBefore);
    const auditBefore = Number((await db.query(`SELECT count(*) AS n FROM ferry.audit_log WHERE migration_id = $1`, [migration]))[0].n);

    const r = await replayPhase(kafka, plan, migration, 'load', { kind: 'beginning' });
    expect(r.pausedRunningConsumers).toBe(true);

    // The replay really ran: every record was written again (audited as an update)...
    await pollUntil(
      async () => {
        const [{ n }] = await db.query(`SELECT count(*) AS n FROM ferry.audit_log WHERE migration_id = $1`, [migration]);
        const lag = (await groupLag(admin, plan, migration)).find((g) => g.group === consumerGroups.load(migration));
        // Each record is written at least once more; versions of one record read in one chunk are written once.
        return Number(n) >= auditBefore + first.entities.reduce((s, e) => s + e.loaded, 0) && lag?.totalLag === 0;
      },
      { timeoutMs: 180_000, intervalMs: 1000, what: 'the replayed load to finish' },
    );
    const after = await settle();
    // ...and nothing changed: same counts, same records, same content.
    expect({ sources: after.sources, entities: after.entities }).toEqual({ sources: first.sources, entities: first.entities });
    expect(await snapshot()).toEqual(before);
  });
});
