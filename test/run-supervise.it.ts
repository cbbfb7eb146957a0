import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { pollUntil } from '@ferry/common';
import { sourceConnector } from '@ferry/connectors/registry';
import { connectDataSource, MigrationRunRepository, ServiceStateRepository } from '@ferry/persistence';
import type { DataSource } from 'typeorm';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

const exec = promisify(execFile);
const root = path.resolve(__dirname, '..');
const ferryBin = path.join(root, 'bin', 'ferry.js');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-run-it-'));
const env = { ...process.env, DATABASE_URL: testDatabaseUrl(), FERRY_HOME: home, LOG_LEVEL: 'info' };

const ferry = (args: string[], extra: Record<string, string> = {}) =>
  exec(process.execPath, [ferryBin, ...args], { env: { ...env, ...extra }, timeout: 120_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

/** A `ferry run` in the background, its output collected. */
function startRun(args: string[]): { child: ChildProcess; output: () => string; exit: Promise<number | null> } {
  let text = '';
  const child = spawn(process.execPath, [ferryBin, 'run', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exit };
}

describe('ferry init, run (supervised), stop', () => {
  const migration = uniqueMigration('run');
  const exportDir = path.join(home, 'export');
  let db: DataSource;
  const runs: ChildProcess[] = [];

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await sourceConnector('leaf360').generate({ records: 1500, seed: 12, out: exportDir, brokenReferences: false });
  });

  afterAll(async () => {
    for (const c of runs) if (c.exitCode === null) c.kill('SIGTERM');
    await db?.destroy();
  });

  it('init stores the migration and drafts its map; the run waits for a confirmed map', async () => {
    const r = await ferry(['init', '--migration', migration, '--source', 'leaf360', '--export', exportDir, '--sandbox', '--sandbox-port', '18220', '--load-batch-size', '100']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`migration ${migration} created \\(route leaf360-dynamics\\)`));
    expect(r.stdout).toMatch(/map: version 1 drafted from the leaf360-dynamics template\. Review it with `ferry map show/);

    const early = await ferry(['run', '--migration', migration, '--once']);
    expect(early.code).toBe(1);
    expect(early.stderr.trim()).toMatch(/^ferry: migration \S+ has no confirmed map: review it with `ferry map show/);

    const list = JSON.parse((await ferry(['list', '--json'])).stdout) as Array<{ migration: string; state: string; route: string }>;
    expect(list.find((m) => m.migration === migration)).toMatchObject({ state: 'created', route: 'leaf360-dynamics' });
    expect((await ferry(['map', 'confirm', '--migration', migration, '--by', 'run-supervise test'])).code).toBe(0);
  });

  it('restarts a service killed with -9 mid-run, counts the restart, and reconciles', async () => {
    const run = startRun(['--migration', migration, '--once', '--stall-timeout', '240']);
    runs.push(run.child);
    const states = new ServiceStateRepository(db, migration);
    // Mid-run: the transformer is up and records are flowing, but not all are loaded yet.
    const victim = await pollUntil(
      async () => {
        const t = (await states.all()).find((s) => s.service === 'transformer' && s.status === 'running' && s.pid);
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ferry.recon_record WHERE migration_id = $1 AND extracted_at IS NOT NULL`, [migration]);
        return t && n > 0 ? t : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 250, what: `the transformer to be running with records extracted\n${run.output()}` },
    );
    process.kill(victim.pid!, 'SIGKILL');
    const restarted = await pollUntil(
      async () => {
        const t = (await states.all()).find((s) => s.service === 'transformer');
        return t && t.restarts === 1 && t.status === 'running' && t.pid !== victim.pid ? t : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the transformer to be restarted' },
    );
    expect(restarted.lastExitSignal).toBe('SIGKILL');

    const code = await run.exit;
    const text = run.output();
    if (code !== 0) throw new Error(`ferry run --once exited ${code}:\n${text}`);
    expect(text).toMatch(/! transformer was killed \(SIGKILL\): restarting in 1 s \(restart 1\)/);
    expect(text).toMatch(/reconciled in [\d.]+ s \(1 service restart\(s\)\)/);
    expect(text).not.toMatch(/"level":/); // no raw JSON log lines on the terminal
    const supervisorLog = fs.readFileSync(path.join(home, 'migrations', migration, 'logs', 'supervisor.log'), 'utf8');
    expect(supervisorLog).toMatch(/transformer was killed by SIGKILL after [\d.]+ s; restarting in 1\.0 s \(restart 1\)/);
    const after = await states.all();
    expect(after.map((s) => s.service).sort()).toEqual(['extractor', 'loader', 'reconciler', 'resolver', 'sandbox', 'transformer']);
    expect(after.every((s) => s.status === 'stopped' && s.pid === null)).toBe(true);
    expect((await new MigrationRunRepository(db, migration).get())).toMatchObject({ status: 'stopped', stopReason: 'reconciled' });
  });

  it('a second run resumes; a concurrent one is refused; ferry stop ends it cleanly', async () => {
    const run = startRun(['--migration', migration, '--no-progress']);
    runs.push(run.child);
    await pollUntil(
      async () => {
        const s = await new ServiceStateRepository(db, migration).all();
        return s.filter((x) => x.status === 'running').length === 6 || undefined;
      },
      { timeoutMs: 180_000, intervalMs: 250, what: `the resumed run's services to be running\n${run.output()}` },
    );
    const second = await ferry(['run', '--migration', migration, '--once']);
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(new RegExp(`^ferry: migration ${migration} is already running \\(ferry run pid ${run.child.pid} on `));
    const listed = JSON.parse((await ferry(['list', '--json'])).stdout) as Array<{ migration: string; state: string }>;
    expect(listed.find((m) => m.migration === migration)?.state).toBe('running');

    const pids = (await new ServiceStateRepository(db, migration).all()).map((s) => s.pid!);
    const stop = await ferry(['stop', '--migration', migration]);
    expect(stop.stderr).toBe('');
    expect(stop.stdout).toMatch(new RegExp(`^stopped ferry run \\(pid ${run.child.pid}\\) of ${migration}`));
    expect(await run.exit).toBe(0);
    expect(run.output()).toMatch(/stopped \S+; `ferry run --migration \S+` resumes where it is/);
    for (const pid of pids) expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
    expect((await new ServiceStateRepository(db, migration).all()).every((s) => s.status === 'stopped' && s.restarts === 0)).toBe(true);
    // Resumed, not restarted from scratch: nothing was extracted twice (one row per source record, as before).
    const [{ dup }] = await db.query(
      `SELECT count(*)::int - count(DISTINCT (object_type, source_key))::int AS dup FROM ferry.recon_record WHERE migration_id = $1`, [migration]);
    expect(dup).toBe(0);
    const again = await ferry(['stop', '--migration', migration]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`ferry: migration ${migration} is not running`);
  });
});

describe('ferry init refuses mistakes and never stores a credential', () => {
  let db: DataSource;
  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => db?.destroy());

  const org = ['--source', 'leaf360', '--export', root, '--destination-url', 'https://contoso.crm4.dynamics.com',
    '--token-url', 'https://login.microsoftonline.com/tenant/oauth2/v2.0/token', '--fallback-owner', 'admin@contoso.example'];

  it.each([
    [['init', '--source', 'leaf360', '--sandbox'], /^ferry: give exactly one of --export <folder> or --api <base URL>$/],
    [['init', ...org, '--client-id-env', 'CID'], /^ferry: --client-secret-env must name where the credential comes from/],
    [['init', ...org, '--client-id-env', 'CID', '--client-secret-env', 'not a name!'], /^ferry: --client-secret-env must be the name of an environment variable/],
    [['init', ...org.map((a) => (a === root ? '/no/such/export' : a)), '--client-id-env', 'CID', '--client-secret-env', 'CSECRET'], /^ferry: --export \/no\/such\/export: no such folder$/],
    [['init', '--source', 'leaf360', '--export', root, '--sandbox', '--route', 'leaf360-salesforce'], /^ferry: no map template for route "leaf360-salesforce"/],
    [['init', '--source', 'leaf360', '--export', root, '--sandbox', '--owner-policy', 'maybe'], /^ferry: --owner-policy must be one of fallback, queue$/],
  ])('ferry %j: one line, exit 1', async (args, expected) => {
    const r = await ferry(args as string[]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(expected as RegExp);
  });

  it('stores the names of the variables, not their values', async () => {
    const migration = uniqueMigration('init-secret');
    const secrets = { CONTOSO_CLIENT_ID: 'client-id-4f1c9b2e', CONTOSO_SECRET: 'very-secret-value-7d2a9e' };
    const secretsFile = path.join(home, 'api.env');
    fs.writeFileSync(secretsFile, 'FERRY_SOURCE_API_KEY=api-key-value-83b1c0\n');
    const r = await ferry(['init', '--migration', migration, ...org, '--client-id-env', 'CONTOSO_CLIENT_ID', '--client-secret-env', 'CONTOSO_SECRET', '--secrets-file', secretsFile], secrets);
    expect(r.stderr).toBe('');
    const stored: string[] = (await db.query(
      `SELECT to_jsonb(t)::text AS row FROM ferry.migration_config t WHERE migration_id = $1
       UNION ALL SELECT to_jsonb(t)::text FROM ferry.migration t WHERE migration_id = $1
       UNION ALL SELECT to_jsonb(t)::text FROM ferry.map_version t WHERE migration_id = $1`, [migration],
    )).map((x: { row: string }) => x.row);
    expect(stored).toHaveLength(3);
    const everything = stored.join('\n') + r.stdout;
    expect(everything).toContain('CONTOSO_SECRET');
    expect(everything).toContain(secretsFile);
    for (const value of [...Object.values(secrets), 'api-key-value-83b1c0']) expect(everything).not.toContain(value);
    const again = await ferry(['init', '--migration', migration, ...org, '--client-id-env', 'A', '--client-secret-env', 'B']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(new RegExp(`^ferry: migration ${migration} already exists`));
  });
});
