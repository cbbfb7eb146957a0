import { Client } from 'pg';
import pino from 'pino';
import { CreateSandboxOptions, RunningSandbox, startSandbox } from '../../sandbox.app';
import type { SourceSandboxOptions } from '../source-sandbox.options';
import type { LoadResult } from '../source-loader.service';
import type { AppliedChange, BurstRequest } from '../source-mutation.service';
import type { LoggedChange } from '../source-record.store';

/** A sandbox for tests and benchmarks: its own two schemas (dropped on close), a free port, helpers for the source endpoints. */
export interface SourceSandboxHarness {
  sandbox: RunningSandbox;
  apiKey: string;
  apiUrl(system: string): string;
  /** an admin call below /_sandbox/sources; never throws on a status */
  admin<T = any>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; data: T }>;
  load(system: string, dir: string): Promise<LoadResult>;
  mutate(system: string, burst: Partial<BurstRequest>): Promise<AppliedChange[]>;
  changes(system: string, since?: number): Promise<LoggedChange[]>;
  setChangesPerSecond(n: number): Promise<void>;
  close(): Promise<void>;
}

async function dropSchemas(databaseUrl: string, schemas: string[]): Promise<void> {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  try {
    for (const s of schemas) await pg.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  } finally {
    await pg.end();
  }
}

export interface StartSourceSandbox {
  /** names the two schemas: sbx_src_<name>_<pid> and …_api */
  name: string;
  databaseUrl: string;
  source?: Partial<SourceSandboxOptions>;
  sandbox?: CreateSandboxOptions;
  /** keep what the schemas hold (a restart); by default they are dropped first */
  keepData?: boolean;
}

export async function startSourceSandbox(opts: StartSourceSandbox): Promise<SourceSandboxHarness> {
  const { databaseUrl, source = {}, sandbox: extra = {} } = opts;
  const schema = `sbx_src_${opts.name}_${process.pid}`;
  const sourceSchema = source.schema ?? `${schema}_api`;
  if (!opts.keepData) await dropSchemas(databaseUrl, [schema, sourceSchema]);
  const sandbox = await startSandbox({
    port: 0,
    databaseUrl,
    schema,
    poolSize: 6,
    logger: pino({ level: process.env.SANDBOX_TEST_LOG_LEVEL ?? 'silent' }),
    ...extra,
    source: { ratePerSecond: 0, ...source, schema: sourceSchema },
  });
  const auth: Record<string, string> = extra.adminToken ? { authorization: `Bearer ${extra.adminToken}` } : {};
  const admin = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/_sandbox/sources${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...auth },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, data: (text ? JSON.parse(text) : undefined) as T };
  };
  const ok = async <T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await admin<T>(method, path, body);
    if (res.status !== 200) throw new Error(`${method} /_sandbox/sources${path}: ${res.status} ${JSON.stringify(res.data)}`);
    return res.data;
  };
  return {
    sandbox,
    apiKey: sandbox.options.source.apiKey,
    apiUrl: (system) => sandbox.sourceApiUrl(system),
    admin,
    load: (system, dir) => ok<LoadResult>('POST', `/${system}/load`, { dir }),
    mutate: async (system, burst) => (await ok<{ changes: AppliedChange[] }>('POST', `/${system}/mutate`, burst)).changes,
    changes: async (system, since = 0) => (await ok<{ changes: LoggedChange[] }>('GET', `/${system}/changes?since=${since}`)).changes,
    setChangesPerSecond: async (n) => {
      await ok('POST', '/mutation', { changesPerSecond: n });
    },
    close: async () => {
      await sandbox.close();
      await dropSchemas(databaseUrl, [schema, sourceSchema]);
    },
  };
}
