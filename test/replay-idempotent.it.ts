import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLogger, pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { consumerGroups } from '@ferry/contracts';
import type { ReplayablePhase, RoutePlan } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import { createDestination } from '@ferry/destinations/registry';
import { createKafka } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate } from '@ferry/mapping';
import { assertAlive, groupLag, replayPhase, RouteStack, startRouteStack } from '@ferry/ops';
import { connectDataSource, MapVersionRepository, QualityRepository } from '@ferry/persistence';
import type { DataSource } from 'typeorm';
import { settled } from './support/settle';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

const cfg = loadConfig([settings.kafka]);
const PORT = 18352;

interface SandboxRow {
  entity: string;
  id: string;
  data: Record<string, unknown>;
  createdon: string;
  modifiedon: string;
  versionnumber: string;
}

/**
 * Replaying the transform phase twice and the resolve phase twice (each from the beginning, under running
 * services) rewrites every destination record, and leaves every row of every table of the sandbox as it was: same
 * rows, same ids, same values. Only the system columns a write moves differ: modifiedon and versionnumber.
 */
describe('replaying transform and resolve', () => {
  const migration = uniqueMigration('replay-idem');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-replay-idem-'));
  let db: DataSource;
  let stack: RouteStack;
  let plan: RoutePlan;
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  const admin = kafka.admin();
  const savedSchema = process.env.SANDBOX_DB_SCHEMA;
  const t0 = Date.now();
  const step = (what: string) => process.stderr.write(`[replay-idempotent ${((Date.now() - t0) / 1000).toFixed(0)} s] ${what}\n`);

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    step('database migrated, Kafka admin connected');
    await sourceConnector('leaf360').generate({ records: 1500, seed: 21, out: path.join(workDir, 'export'), brokenReferences: false });
    const draft = await draftFromTemplate(db, migration, 'leaf360-dynamics', 'replay test');
    await new MapVersionRepository(db, migration).confirm(draft.version, 'replay test');
    plan = (await confirmedMap(db, migration))!.plan;
    step('export generated, map confirmed');
    // A sandbox schema of this suite's own, so no other suite's reset touches its rows.
    process.env.SANDBOX_DB_SCHEMA = 'sandbox_replay_idem';
    stack = await startRouteStack(
      {
        plan, migration, exportDir: path.join(workDir, 'export'), logDir: path.join(workDir, 'logs'), sandboxPort: PORT,
        databaseUrl: testDatabaseUrl(), kafkaBrokers: cfg.KAFKA_BROKERS, registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 2, resetSandbox: true,
        beforeServices: async (env) => {
          const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
          step('sandbox up, topics and schemas registered');
          await destination.applySchema(await destination.planSchema(plan));
          step('destination schema applied');
        },
      },
      db,
    );
  });

  afterAll(async () => {
    await stack?.stop();
    if (savedSchema === undefined) delete process.env.SANDBOX_DB_SCHEMA;
    else process.env.SANDBOX_DB_SCHEMA = savedSchema;
    await admin.disconnect();
    await db?.destroy();
  });

  const settle = () => settled({ db, admin, plan, migration, services: stack.services }, 300_000, 'the migration to reconcile');

  const snapshot = async (): Promise<SandboxRow[]> => {
    const res = await fetch(`${stack.sandboxUrl}/_sandbox/snapshot`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { records: SandboxRow[] }).records;
  };

  const audited = async () => Number((await db.query(`SELECT count(*) AS n FROM ferry.audit_log WHERE migration_id = $1`, [migration]))[0].n);

  /** Replays a phase from the beginning and waits until its output has been written to the destination again. */
  async function replayAndWait(phase: ReplayablePhase, rewrites: number): Promise<void> {
    const before = await audited();
    const r = await replayPhase(kafka, plan, migration, phase, { kind: 'beginning' });
    expect(r.pausedRunningConsumers).toBe(true);
    await pollUntil(
      async () => {
        assertAlive(stack.services);
        const lag = (await groupLag(admin, plan, migration)).find((g) => g.group === consumerGroups[phase](migration));
        // Every destination record is written at least once more (versions of one record read in one chunk are written once).
        return (await audited()) >= before + rewrites && lag?.totalLag === 0;
      },
      { timeoutMs: 300_000, intervalMs: 1000, what: `the replayed ${phase} phase to reach the destination` },
    );
    await settle();
    step(`${phase} replayed and settled`);
  }

  const withoutSystemColumns = (rows: SandboxRow[]) => rows.map(({ entity, id, data, createdon }) => ({ entity, id, data, createdon }));

  it('leaves every row and value of the destination unchanged', async () => {
    const first = await settle();
    step('first run settled');
    const loaded = first.entities.reduce((s, e) => s + e.loaded, 0);
    expect(loaded).toBeGreaterThan(500);
    const before = await snapshot();
    const migrated = before.filter((r) => r.data[plan.keyColumn]);
    const qualityBefore = await new QualityRepository(db, migration).all();
    expect(migrated).toHaveLength(loaded);

    for (const phase of ['transform', 'transform', 'resolve', 'resolve'] as const) await replayAndWait(phase, loaded);

    const after = await settle();
    expect({ sources: after.sources, entities: after.entities }).toEqual({ sources: first.sources, entities: first.entities });
    const now = await snapshot();
    expect(now).toHaveLength(before.length);
    expect(withoutSystemColumns(now)).toEqual(withoutSystemColumns(before));
    // The replayed transforms met the same unusable values in the same records: the report counts them once.
    expect(await new QualityRepository(db, migration).all()).toEqual(qualityBefore);
    // The replays did write: every migrated row carries a newer version than before.
    const versionBefore = new Map(migrated.map((r) => [`${r.entity}/${r.id}`, BigInt(r.versionnumber)]));
    const rewritten = now.filter((r) => versionBefore.has(`${r.entity}/${r.id}`) && BigInt(r.versionnumber) > versionBefore.get(`${r.entity}/${r.id}`)!);
    expect(rewritten).toHaveLength(migrated.length);
  }, 1_800_000);
});
