import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { createLogger, pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { RoutePlan } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import { createDestination } from '@ferry/destinations/registry';
import { DataverseClient } from '@ferry/destinations/dynamics';
import { createKafka } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate, type CompiledRouteMap } from '@ferry/mapping';
import { replayPhase, RouteStack, startRouteStack } from '@ferry/ops';
import { SourceDiff, type DiffReport } from '@ferry/parity';
import { connectDataSource, CutoverVerdictRepository, MapVersionRepository, ParkingRepository, SourceRecordRepository } from '@ferry/persistence';
import type { DataSource } from 'typeorm';
import { settled } from './support/settle';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..');
const cfg = loadConfig([settings.kafka]);
const PORT = 18351;
const PER_OBJECT = 25;

/**
 * A sample run (FERRY_SAMPLE_PER_OBJECT, what `ferry run --sample N` sets) of a generated Leaf360 export, then
 * `ferry diff` and `ferry cutover` on it: clean when nothing was touched, and exactly the record and column that
 * was changed, or the row that was removed, behind Ferry's back.
 */
describe('sample run, diff and the cutover parity gate', () => {
  const migration = uniqueMigration('sample-diff');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-sample-diff-'));
  const exportDir = path.join(workDir, 'export');
  let db: DataSource;
  let stack: RouteStack;
  let map: CompiledRouteMap;
  let plan: RoutePlan;
  let client: DataverseClient;
  let env: Record<string, string>;
  let manifest: { counts: Record<string, number> };
  const t0 = Date.now();
  const step = (what: string) => process.stderr.write(`[sample-diff ${((Date.now() - t0) / 1000).toFixed(0)} s] ${what}\n`);
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  const admin = kafka.admin();
  const saved = { sample: process.env.FERRY_SAMPLE_PER_OBJECT, schema: process.env.SANDBOX_DB_SCHEMA };

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    manifest = await sourceConnector('leaf360').generate({ records: 1500, seed: 12, out: exportDir, brokenReferences: false });
    const draft = await draftFromTemplate(db, migration, 'leaf360-dynamics', 'sample-diff test');
    await new MapVersionRepository(db, migration).confirm(draft.version, 'sample-diff test');
    map = (await confirmedMap(db, migration))!;
    plan = map.plan;
    // The services inherit this process's environment: the sample setting, and a sandbox schema of this suite's own.
    process.env.FERRY_SAMPLE_PER_OBJECT = String(PER_OBJECT);
    process.env.SANDBOX_DB_SCHEMA = 'sandbox_sample_diff';
    stack = await startRouteStack(
      {
        plan, migration, exportDir, logDir: path.join(workDir, 'logs'), sandboxPort: PORT, databaseUrl: testDatabaseUrl(),
        kafkaBrokers: cfg.KAFKA_BROKERS, registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 2, resetSandbox: true,
        beforeServices: async (e) => {
          env = e;
          const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...e });
          await destination.applySchema(await destination.planSchema(plan));
        },
      },
      db,
    );
    client = new DataverseClient({
      baseUrl: `${stack.sandboxUrl}/api/data/v9.2`,
      tokenUrl: `${stack.sandboxUrl}/login/ferry-demo-tenant/oauth2/v2.0/token`,
      clientId: 'ferry-demo',
      clientSecret: 'ferry-demo-secret',
      scope: `${stack.sandboxUrl}/.default`,
    });
  });

  afterAll(async () => {
    await stack?.stop();
    process.env.FERRY_SAMPLE_PER_OBJECT = saved.sample;
    process.env.SANDBOX_DB_SCHEMA = saved.schema;
    if (saved.sample === undefined) delete process.env.FERRY_SAMPLE_PER_OBJECT;
    if (saved.schema === undefined) delete process.env.SANDBOX_DB_SCHEMA;
    await admin.disconnect();
    await db?.destroy();
  });

  const settle = () => settled({ db, admin, plan, migration, services: stack.services }, 240_000, 'the sample run to reconcile');

  const diff = (o: { sample?: number; objects?: string[] } = {}): Promise<DiffReport> =>
    new SourceDiff({ db, migration, map, connector: sourceConnector('leaf360'), exportDir, destination: createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env }) }).run(o);

  const ferry = (args: string[]) =>
    run(process.execPath, [path.join(root, 'bin', 'ferry.js'), ...args, '--migration', migration, '--export', exportDir], {
      env: { ...process.env, ...env, DATABASE_URL: testDatabaseUrl() },
      timeout: 240_000,
    }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  const contactRow = async () => {
    for await (const r of client.listAll('contacts', { select: ['contactid', 'crm_sourceid', 'jobtitle'], pageSize: 50 })) {
      if (r.crm_sourceid && r.jobtitle) return r as { contactid: string; crm_sourceid: string; jobtitle: string };
    }
    throw new Error('no migrated contact with a job title');
  };

  it('moves N records per object with their parents, and reconciles with nothing waiting', async () => {
    const p = await settle();
    step('sample run settled');
    const live = new Map((await new SourceRecordRepository(db, migration).counts()).map((c) => [c.stream, c.live]));
    for (const object of plan.sourceObjects) {
      const read = live.get(`leaf360.${object}`) ?? 0;
      // every object is represented, with at least N of its records (all of a smaller one) and never all of a large one
      expect(read).toBeGreaterThanOrEqual(Math.min(PER_OBJECT, manifest.counts[object] - 5));
      if (manifest.counts[object] > 4 * PER_OBJECT) expect(read).toBeLessThan(manifest.counts[object] / 2);
    }
    expect(p.entities.reduce((s, e) => s + e.waiting, 0)).toBe(0);
    expect((await new ParkingRepository(db, migration).countByEntity()).size).toBe(0);
    expect(p.entities.reduce((s, e) => s + e.loaded, 0)).toBeGreaterThan(100);
  });

  it('diffs clean when the destination holds what the source had', async () => {
    const r = await diff();
    if (!r.clean) throw new Error(`unexpected mismatches:\n${JSON.stringify(r.mismatches.slice(0, 20), null, 1)}`);
    expect(r.objects.every((o) => o.missing === 0 && o.found > 0 && o.compared === o.source - o.unmapped)).toBe(true);
  });

  it('reports exactly the record and column changed behind Ferry\'s back, and exits 1', async () => {
    const row = await contactRow();
    await client.request({ method: 'PATCH', url: `contacts(${row.contactid})`, data: { jobtitle: 'Changed behind Ferry' } });
    const r = await diff({ objects: ['contact'] });
    expect(r.mismatches).toEqual([
      { entity: 'contact', key: row.crm_sourceid, sources: [`contact:${row.crm_sourceid}`], column: 'jobtitle', kind: 'value', expected: row.jobtitle, actual: 'Changed behind Ferry' },
    ]);
    expect(r.objects[0].differing).toBe(1);

    const cli = await ferry(['diff', '--json']);
    expect(cli.code).toBe(1);
    const json = JSON.parse(cli.stdout) as DiffReport;
    expect(json.mismatches.map((m) => `${m.entity}/${m.key}/${m.column}`)).toEqual([`contact/${row.crm_sourceid}/jobtitle`]);
    await client.request({ method: 'PATCH', url: `contacts(${row.contactid})`, data: { jobtitle: row.jobtitle } });
  });

  /** A migrated contact no other record points at: removing it touches no other row (no cascade, no cleared lookup). */
  const unreferencedContact = async () => {
    const res = await fetch(`${stack.sandboxUrl}/_sandbox/snapshot`);
    const rows = ((await res.json()) as { records: Array<{ entity: string; id: string; data: Record<string, unknown> }> }).records;
    const referenced = new Set(rows.flatMap((r) => Object.values(r.data).flatMap((v) => (v && typeof v === 'object' && 'id' in v ? [String((v as { id: unknown }).id)] : []))));
    const row = rows.find((r) => r.entity === 'contact' && r.data[plan.keyColumn] && !referenced.has(r.id));
    if (!row) throw new Error('every migrated contact is referenced by another record');
    return { contactid: row.id, crm_sourceid: String(row.data[plan.keyColumn]) };
  };

  it('cutover fails its parity gate on a row removed behind Ferry\'s back, and passes once it is back', async () => {
    const row = await unreferencedContact();
    await client.delete('contacts', row.contactid);
    step('contact removed');
    const failed = await ferry(['cutover', '--sample-size', '10', '--drain-timeout', '120']);
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toEqual([expect.stringMatching(/parity gate FAILED with 1 mismatch; not cut over/)]);
    expect(failed.stdout).toContain(row.crm_sourceid);
    expect(failed.stdout).toMatch(/│ contact +│.*DIFFERS/);
    const verdicts = new CutoverVerdictRepository(db, migration);
    const v1 = await verdicts.latest();
    expect(v1).toMatchObject({ passed: false, sampleSize: 10, mismatchCount: 1 });
    expect(v1!.mismatches).toEqual([
      { entity: 'contact', key: row.crm_sourceid, sources: [`contact:${row.crm_sourceid}`], column: '(row)', kind: 'missing', expected: 'loaded by Ferry, gone from the destination', actual: null },
    ]);
    expect(v1!.objects.find((o) => o.object === 'contact')).toMatchObject({ missing: 1 });
    expect(await verdicts.cutOverAt()).toBeNull();

    step('first cutover refused');
    // Replaying the load phase writes the row again (an upsert by key); then the gate passes.
    await replayPhase(kafka, plan, migration, 'load', { kind: 'beginning' });
    await pollUntil(async () => (await client.get('contacts', { [plan.keyColumn]: row.crm_sourceid })) !== null, { timeoutMs: 180_000, intervalMs: 1000, what: 'the replayed load to restore the row' });
    step('row restored');
    await settle();
    step('settled again');
    const passed = await ferry(['cutover', '--sample-size', '10', '--drain-timeout', '120']);
    expect(passed.stderr).toBe('');
    expect(passed.code).toBe(0);
    expect(passed.stdout).toMatch(/parity gate PASSED; cut over at/);
    const v2 = await verdicts.latest();
    expect(v2).toMatchObject({ passed: true, mismatchCount: 0 });
    expect(v2!.objects.map((o) => o.object).sort()).toEqual([...plan.sourceObjects].sort());
    expect(await verdicts.cutOverAt()).toEqual(v2!.checkedAt);
  }, 900_000);
});
