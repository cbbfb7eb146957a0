import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { DataSource } from 'typeorm';
import { createLogger, pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { consumerGroups, DestinationEvent, routeValueSchemas, topics } from '@ferry/contracts';
import type { RoutePlan } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import { createDestination } from '@ferry/destinations/registry';
import { DataverseClient } from '@ferry/destinations/dynamics';
import { AvroCodec, createKafka, RecordProducer } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate } from '@ferry/mapping';
import { assertAlive, groupLag, progress, RouteStack, runRollback, startRouteStack, stopServices } from '@ferry/ops';
import { connectDataSource, MapVersionRepository } from '@ferry/persistence';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const cfg = loadConfig([settings.kafka]);
const PORT = 18250;
const SCHEMA = 'sandbox_rollback_it';

interface Snapshot {
  records: { entity: string; id: string; alt_key: string | null; data: Record<string, unknown>; createdon: string; modifiedon: string; versionnumber: string }[];
  associations: unknown[];
}

/**
 * What must come back identical. Dataverse itself changes `modifiedon` and `versionnumber` on every write, so they
 * are left out; it reads a column never set and a column set to null alike (both null), so null columns are
 * dropped from `data` on both sides; and a record created again under its id gets its old creation time through
 * `overriddencreatedon`, which Dataverse then holds: equal to `createdon`, it is dropped too.
 */
function comparable(s: Snapshot) {
  return {
    records: s.records.map((r) => ({
      entity: r.entity,
      id: r.id,
      alt_key: r.alt_key,
      createdon: r.createdon,
      // A record created again keeps its creation time through overriddencreatedon, which then reads as that time.
      data: Object.fromEntries(Object.entries(r.data).filter(([k, v]) => v !== null && !(k === 'overriddencreatedon' && v === r.createdon))),
    })),
    associations: s.associations,
  };
}

describe('ferry rollback', () => {
  const migration = uniqueMigration('rollback');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-rollback-'));
  const sandboxUrl = `http://127.0.0.1:${PORT}`;
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  const admin = kafka.admin();
  let db: DataSource;
  let stack: RouteStack | undefined;
  let plan: RoutePlan;
  let client: DataverseClient;
  const env = {
    DATABASE_URL: testDatabaseUrl(),
    DATAVERSE_URL: `${sandboxUrl}/api/data/v9.2`,
    DATAVERSE_TOKEN_URL: `${sandboxUrl}/login/ferry-demo-tenant/oauth2/v2.0/token`,
    DATAVERSE_SCOPE: `${sandboxUrl}/.default`,
    DATAVERSE_CLIENT_ID: 'ferry-demo',
    DATAVERSE_CLIENT_SECRET: 'ferry-demo-secret',
  };
  const ferry = (args: string[]) =>
    run(process.execPath, [path.join(root, 'bin', 'ferry.js'), ...args], { env: { ...process.env, ...env }, timeout: 300_000 }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const snapshot = async (): Promise<Snapshot> => (await (await fetch(`${sandboxUrl}/_sandbox/snapshot`)).json()) as Snapshot;

  beforeAll(async () => {
    process.env.SANDBOX_DB_SCHEMA = SCHEMA;
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    await sourceConnector('leaf360').generate({ records: 1500, seed: 11, out: path.join(workDir, 'export'), brokenReferences: false });
    const draft = await draftFromTemplate(db, migration, 'leaf360-dynamics', 'rollback test');
    await new MapVersionRepository(db, migration).confirm(draft.version, 'rollback test');
    plan = (await confirmedMap(db, migration))!.plan;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await admin.disconnect();
    await db?.destroy();
  });

  it('puts back exactly what was there before: created deleted, updated restored, deleted created again; resumable and idempotent', async () => {
    let before: Snapshot | undefined;
    stack = await startRouteStack(
      {
        plan, migration, exportDir: path.join(workDir, 'export'), logDir: path.join(workDir, 'logs'), sandboxPort: PORT,
        databaseUrl: testDatabaseUrl(), kafkaBrokers: cfg.KAFKA_BROKERS, registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 3, resetSandbox: true,
        beforeServices: async (serviceEnv) => {
          const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...serviceEnv });
          await destination.applySchema(await destination.planSchema(plan));
          client = new DataverseClient({ baseUrl: env.DATAVERSE_URL, tokenUrl: env.DATAVERSE_TOKEN_URL, clientId: 'ferry-demo', clientSecret: 'ferry-demo-secret', scope: env.DATAVERSE_SCOPE });
          // Records that were there before: two the sample's keys will hit (the migration overwrites them) and two it never names.
          const [pre] = await client.upsertMany('accounts', 'crm_sourceid', [{ key: 'PRE-ACC-1', body: { name: 'Unrelated Holdings', telephone1: '555-0100', address1_city: 'Reno' } }], { primaryIdAttribute: 'accountid' });
          if (!pre.ok) throw new Error(pre.message);
          const bind = { 'parentcustomerid_account@odata.bind': `/accounts(${pre.id})` };
          const seeded = await client.upsertMany('accounts', 'crm_sourceid', [{ key: 'co_0000001', body: { name: 'Old Lakeshore', websiteurl: 'http://old.example', crm_industry: 'Was here first' } }], { primaryIdAttribute: 'accountid' });
          const contacts = await client.upsertMany(
            'contacts',
            'crm_sourceid',
            [
              { key: 'ct_0000001', body: { lastname: 'Before', firstname: 'Seeded', jobtitle: 'Original title', ...bind } },
              { key: 'ct_0000002', body: { lastname: 'Earlier', emailaddress1: 'earlier@example.com', ...bind } },
              { key: 'PRE-CON-1', body: { lastname: 'Untouched', telephone1: '555-0199', ...bind } },
            ],
            { primaryIdAttribute: 'contactid' },
          );
          for (const r of [...seeded, ...contacts]) if (!r.ok) throw new Error(r.message);
          before = await snapshot();
        },
      },
      db,
    );

    // The migration runs to the end...
    const stack0 = stack;
    await pollUntil(
      async () => {
        assertAlive(stack0.services);
        return (await progress(db, admin, plan, migration)).settled;
      },
      { timeoutMs: 400_000, intervalMs: 2000, what: 'the migration to reconcile' },
    );
    const loadDrained = async () => (await groupLag(admin, plan, migration)).find((g) => g.group === consumerGroups.load(migration))?.totalLag === 0;

    // ...and deletes two records that were there before it (one it had updated, one it had never touched), as a
    // delta delete or `retire: delete` would: DELETE events through the loader.
    const codec = new AvroCodec(cfg.SCHEMA_REGISTRY_URL);
    await codec.registerAll(routeValueSchemas(plan, migration));
    const resolved = topics.resolved(migration, plan.destination, 'contact');
    const [sample] = await readTopic<DestinationEvent>(kafka, codec, resolved, 1, 60_000);
    const producer = new RecordProducer(kafka, codec);
    await producer.connect();
    await producer.send(
      ['ct_0000001', 'PRE-CON-1'].map((key) => ({
        topic: resolved,
        key,
        value: { ...sample.value, envelope: { ...sample.value.envelope, operation: 'DELETE', sourceKey: key }, target: { ...sample.value.target, key }, record: null, lookups: [], owner: null },
      })),
    );
    await producer.disconnect();
    await pollUntil(async () => Number((await db.query(`SELECT count(*) AS n FROM ferry.audit_log WHERE migration_id = $1 AND action = 'deleted'`, [migration]))[0].n) === 2, {
      timeoutMs: 120_000,
      what: 'the two deletes to be audited',
    });
    await pollUntil(async () => (await client.get('contacts', { crm_sourceid: 'PRE-CON-1' })) === null && (await loadDrained()), { timeoutMs: 60_000, what: 'PRE-CON-1 to be deleted' });
    const actions = await db.query(`SELECT action, count(*)::int AS n FROM ferry.audit_log WHERE migration_id = $1 GROUP BY 1`, [migration]);
    const byAction = Object.fromEntries(actions.map((a: { action: string; n: number }) => [a.action, a.n]));
    expect(byAction.created).toBeGreaterThan(500);
    expect(byAction.updated).toBeGreaterThanOrEqual(3);

    // A rollback refuses while the loader runs, and without --yes when there is no terminal.
    const refused = await ferry(['rollback', '--migration', migration, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ferry: \d+ loader\(s\) of .* are running: stop the services/)]);
    await stopServices(stack.services.filter((s) => s.name !== 'sandbox'));
    await pollUntil(async () => ((await admin.describeGroups([consumerGroups.load(migration)])).groups[0]?.members.length ?? 0) === 0, { timeoutMs: 60_000, what: 'the load group to empty' });
    const during = await snapshot();
    expect(comparable(during)).not.toEqual(comparable(before!));
    const noYes = await ferry(['rollback', '--migration', migration]);
    expect(noYes.code).toBe(1);
    expect(noYes.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^ferry: ferry rollback changes the destination .* pass --yes/)]);

    // --dry-run says per entity what it would do and changes nothing.
    const dry = await ferry(['rollback', '--migration', migration, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/│ contact +│ .*restore/);
    expect(dry.stdout).toMatch(/│ account +│ .*delete/);
    expect(dry.stdout).toMatch(/│ contact +│ 2 +│ create again/);
    expect(comparable(await snapshot())).toEqual(comparable(during));

    // Interrupted after a few batches (as Ctrl-C does between batches)...
    const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
    const abort = new AbortController();
    let batches = 0;
    const partial = await runRollback(db, destination, plan, migration, { batchSize: 40, signal: abort.signal, progress: () => ++batches === 4 && abort.abort() });
    expect(partial.interrupted).toBe(true);
    expect(partial.done.restore + partial.done.delete).toBeGreaterThan(0);
    expect(comparable(await snapshot())).not.toEqual(comparable(before!));

    // ...then resumed by the command to the end: identical to before the migration.
    const t0 = Date.now();
    const resumed = await ferry(['rollback', '--migration', migration, '--yes', '--batch-size', '200']);
    const seconds = (Date.now() - t0) / 1000;
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/rollback of .* done: \d+ restored, \d+ deleted, 2 created again/);
    process.stdout.write(`rollback of ${byAction.created} created, ${byAction.updated} updated, 2 deleted records resumed and finished in ${seconds.toFixed(1)} s\n`);
    expect(comparable(await snapshot())).toEqual(comparable(before!));

    // A second rollback does nothing and says so.
    const again = await ferry(['rollback', '--migration', migration, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/nothing to roll back; [\d,]+ audited write\(s\) were already rolled back/);
    expect(comparable(await snapshot())).toEqual(comparable(before!));
  }, 900_000);
});
