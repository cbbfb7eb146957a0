import { z } from 'zod';
import type { SourceConnector } from '@ferry/connectors/core';

/** The source CRMs' APIs the sandbox serves under /sources/<system>/api. */
export interface SourceSandboxOptions {
  /** PostgreSQL schema of the served records and the change log */
  schema: string;
  /** the credential every source API accepts, sent as the connector's `api.auth` header says */
  apiKey: string;
  /** requests per second per system (token bucket); 0: no limit */
  ratePerSecond: number;
  /** requests a client may make at once before the rate applies */
  rateBurst: number;
  /** items per page when the request names no size; capped by the page-size limit */
  defaultPageSize: number;
  /** lower than a connector's `maxPageSize`: clamp to this instead (clients must then ask for no more) */
  maxPageSize?: number;
  /** records per INSERT while loading an export */
  loadBatchSize: number;
  /** background changes per second across the loaded systems; 0: none */
  changesPerSecond: number;
  /** seed of the changes' random choices */
  mutationSeed: number;
  /** export folders loaded at start-up, into systems that hold no records yet */
  load: Array<{ system: string; dir: string }>;
  /** serve these connectors (by `system`) instead of, or besides, the registry's (tests) */
  connectors?: SourceConnector[];
}

export const DEFAULT_SOURCE_API_KEY = 'ferry-source-sandbox-key';

const DEFAULTS: Omit<SourceSandboxOptions, 'connectors'> = {
  schema: 'sandbox_source',
  apiKey: DEFAULT_SOURCE_API_KEY,
  ratePerSecond: 25,
  rateBurst: 50,
  defaultPageSize: 100,
  loadBatchSize: 1000,
  changesPerSecond: 0,
  mutationSeed: 1,
  load: [],
};

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const int = (min: number) => z.coerce.number().int().min(min);

/** `leaf360=/data/leaf360,profi=/data/profi` */
export function parseLoadList(text: string, where: string): Array<{ system: string; dir: string }> {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const m = /^([a-z0-9_-]+)=(.+)$/i.exec(part);
      if (!m) throw new Error(`sandbox configuration: ${where} "${part}" is not <system>=<export folder>`);
      return { system: m[1].toLowerCase(), dir: m[2].trim() };
    });
}

const envSchema = z.object({
  SANDBOX_SOURCE_DB_SCHEMA: z.string().regex(SCHEMA_NAME, 'must be a lowercase SQL identifier').optional(),
  SANDBOX_SOURCE_API_KEY: z.string().min(8).optional(),
  SANDBOX_SOURCE_RATE_PER_SEC: z.coerce.number().min(0).optional(),
  SANDBOX_SOURCE_RATE_BURST: int(1).optional(),
  SANDBOX_SOURCE_DEFAULT_PAGE_SIZE: int(1).optional(),
  SANDBOX_SOURCE_MAX_PAGE_SIZE: int(1).optional(),
  SANDBOX_SOURCE_LOAD_BATCH: int(1).max(20_000).optional(),
  SANDBOX_SOURCE_CHANGES_PER_SECOND: z.coerce.number().min(0).max(100_000).optional(),
  SANDBOX_SOURCE_MUTATION_SEED: z.coerce.number().int().optional(),
  SANDBOX_SOURCE_LOAD: z.string().optional(),
});

/** The source sandbox's variables; every one is optional. Throws one line naming the bad variable. */
export function sourceOptionsFromEnv(env: Record<string, string | undefined>): Partial<SourceSandboxOptions> {
  const raw = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`sandbox configuration: ${String(issue.path[0])} is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  const out: Partial<SourceSandboxOptions> = {};
  const set = <K extends keyof SourceSandboxOptions>(k: K, v: SourceSandboxOptions[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('schema', e.SANDBOX_SOURCE_DB_SCHEMA);
  set('apiKey', e.SANDBOX_SOURCE_API_KEY);
  set('ratePerSecond', e.SANDBOX_SOURCE_RATE_PER_SEC);
  set('rateBurst', e.SANDBOX_SOURCE_RATE_BURST);
  set('defaultPageSize', e.SANDBOX_SOURCE_DEFAULT_PAGE_SIZE);
  set('maxPageSize', e.SANDBOX_SOURCE_MAX_PAGE_SIZE);
  set('loadBatchSize', e.SANDBOX_SOURCE_LOAD_BATCH);
  set('changesPerSecond', e.SANDBOX_SOURCE_CHANGES_PER_SECOND);
  set('mutationSeed', e.SANDBOX_SOURCE_MUTATION_SEED);
  if (e.SANDBOX_SOURCE_LOAD !== undefined) out.load = parseLoadList(e.SANDBOX_SOURCE_LOAD, 'SANDBOX_SOURCE_LOAD');
  return out;
}

export function resolveSourceOptions(input: Partial<SourceSandboxOptions> = {}): SourceSandboxOptions {
  const out: SourceSandboxOptions = { ...DEFAULTS, ...stripUndefined(input) };
  if (!SCHEMA_NAME.test(out.schema)) throw new Error(`sandbox configuration: source schema '${out.schema}' is not a lowercase SQL identifier`);
  if (input.rateBurst === undefined && input.ratePerSecond !== undefined) out.rateBurst = Math.max(1, Math.ceil(input.ratePerSecond));
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
