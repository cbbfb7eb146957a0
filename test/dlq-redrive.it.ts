import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { DataSource } from 'typeorm';
import { createLogger, pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { RoutePlan } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import { createDestination } from '@ferry/destinations/registry';
import { createKafka } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate, parseRouteMap, routeMapHash, templateFile } from '@ferry/mapping';
import { assertAlive, progress, RouteStack, startRouteStack } from '@ferry/ops';
import { connectDataSource, MapVersionRepository } from '@ferry/persistence';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const cfg = loadConfig([settings.kafka]);
const PORT = 18260;

describe('ferry dlq', () => {
  const migration = uniqueMigration('dlq');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-dlq-'));
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  const admin = kafka.admin();
  let db: DataSource;
  let stack: RouteStack | undefined;
  const ferry = async (args: string[]) => {
    const r = await run(process.execPath, [path.join(root, 'bin', 'ferry.js'), ...args, '--migration', migration], { env: { ...process.env, DATABASE_URL: testDatabaseUrl() }, timeout: 180_000 });
    return r.stdout;
  };
  const start = (plan: RoutePlan, first: boolean) =>
    startRouteStack(
      {
        plan, migration, exportDir: path.join(workDir, 'export'), logDir: path.join(workDir, 'logs'), sandboxPort: PORT, databaseUrl: testDatabaseUrl(),
        kafkaBrokers: cfg.KAFKA_BROKERS, registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 3, resetSandbox: first,
        beforeServices: first
          ? async (env) => {
              const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
              await destination.applySchema(await destination.planSchema(plan));
            }
          : undefined,
      },
      db,
    );
  const settle = (plan: RoutePlan, until: (p: Awaited<ReturnType<typeof progress>>) => boolean = () => true) =>
    pollUntil(
      async () => {
        assertAlive(stack!.services);
        const p = await progress(db, admin, plan, migration);
        return p.settled && until(p) ? p : undefined;
      },
      { timeoutMs: 400_000, intervalMs: 2000, what: 'the migration to reconcile' },
    );

  beforeAll(async () => {
    process.env.SANDBOX_DB_SCHEMA = 'sandbox_dlq_it';
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    await sourceConnector('leaf360').generate({ records: 1500, seed: 5, out: path.join(workDir, 'export'), brokenReferences: false });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await admin.disconnect();
    await db?.destroy();
  });

  it('lists the records a map rule rejected, and a redrive after a fixed map loads them', async () => {
    // Version 1 wants a call's notes: calls logged without any are rejected by the transformer.
    const text = fs.readFileSync(templateFile('leaf360-dynamics'), 'utf8');
    const strict = text.replace('      description: { from: body, type: memo }\n      directioncode:', '      description: { from: body, type: memo, required: true }\n      directioncode:');
    expect(strict).not.toBe(text);
    const doc = parseRouteMap(strict, 'strict.yaml');
    const versions = new MapVersionRepository(db, migration);
    const v1 = await versions.addDraft({ route: doc.route, hash: routeMapHash(doc), document: doc, sourceText: strict, origin: 'dlq test', createdBy: 'dlq test' });
    await versions.confirm(v1.version, 'dlq test');
    const strictPlan = (await confirmedMap(db, migration))!.plan;
    stack = await start(strictPlan, true);
    const first = await settle(strictPlan);
    const calls = () => first.entities.find((e) => e.entity === 'phonecall')!;
    const rejectedCalls = (await db.query(`SELECT count(*)::int AS n FROM ferry.recon_record WHERE migration_id = $1 AND rejected_phase = 'TRANSFORM' AND object_type = 'engagement'`, [migration]))[0].n as number;
    expect(rejectedCalls).toBeGreaterThan(3);
    const loadedBefore = calls().loaded;

    // list: counts by object, phase and code with an example; show: the records with their reason and raw value.
    const list = JSON.parse(await ferry(['dlq', 'list', '--json'])) as { groups: { objectType: string; phase: string; code: string; records: number; exampleReason: string }[] };
    const group = list.groups.find((g) => g.objectType === 'engagement' && g.phase === 'TRANSFORM');
    expect(group).toBeDefined();
    expect(group!.records).toBe(rejectedCalls);
    expect(group!.exampleReason).toMatch(/description/);
    const table = await ferry(['dlq', 'list']);
    expect(table).toMatch(new RegExp(`│ engagement +│ [a-z]* *│ TRANSFORM +│ ${group!.code} +│ ${rejectedCalls} `));
    const shown = JSON.parse(await ferry(['dlq', 'show', '--object', 'engagement', '--code', group!.code, '--page-size', '2', '--json'])) as { total: number; pages: number; letters: { sourceKey: string; file: string; line: number; raw: string }[] };
    expect(shown.total).toBe(rejectedCalls);
    expect(shown.letters).toHaveLength(2);
    expect(shown.letters[0].file).toMatch(/engagements/);
    expect(shown.letters[0].line).toBeGreaterThan(1);
    expect(JSON.parse(shown.letters[0].raw)).toHaveProperty('subject');
    const page = await ferry(['dlq', 'show', '--object', 'engagement', '--since', '1h', '--page-size', '3']);
    expect(page).toMatch(/page 1 of \d+/);

    // The map is fixed (the template: notes optional), confirmed as version 2, and the services restarted on it.
    await stack.stop();
    const v2 = await draftFromTemplate(db, migration, 'leaf360-dynamics', 'dlq test');
    await versions.confirm(v2.version, 'dlq test');
    const fixedPlan = (await confirmedMap(db, migration))!.plan;
    stack = await start(fixedPlan, false);

    const redrive = await ferry(['dlq', 'redrive', '--object', 'engagement']);
    expect(redrive).toMatch(new RegExp(`redrove ${rejectedCalls} record\\(s\\) \\(${rejectedCalls} to transform\\)`));
    // The counts move from rejected to loaded.
    const after = await settle(fixedPlan, (p) => (p.entities.find((e) => e.entity === 'phonecall')?.loaded ?? 0) >= loadedBefore + rejectedCalls);
    expect(after.entities.find((e) => e.entity === 'phonecall')!.loaded).toBe(loadedBefore + rejectedCalls);
    expect(after.sources.find((s) => s.object === 'engagement')!.rejected).toBe(first.sources.find((s) => s.object === 'engagement')!.rejected - rejectedCalls);

    // A second redrive sends nothing and says so.
    const again = await ferry(['dlq', 'redrive', '--object', 'engagement']);
    expect(again).toMatch(/redrove 0 record\(s\)/);
    expect(again).toMatch(new RegExp(`${rejectedCalls} letter\\(s\\) were sent by an earlier redrive`));
  }, 900_000);
});
