import { z } from 'zod';
import { DEMO_USERS, DemoUser } from '@ferry/demo';
import { resolveSourceOptions, SourceSandboxOptions, sourceOptionsFromEnv } from './source/source-sandbox.options';
import { resolveSalesforceOptions, SalesforceOptionsInput, SalesforceSandboxOptions, salesforceOptionsFromEnv } from './salesforce/sf-options';

export interface ThrottleOptions {
  /** Requests per user per window before 429 (0x80072322). */
  requestLimit: number;
  windowSeconds: number;
  /** Combined execution time per user per window, in ms, before 429 (0x80072321). */
  executionTimeLimitMs: number;
  /** In-flight requests per user before 429 (0x80072326). */
  concurrencyLimit: number;
  /** Value of the x-ms-dop-hint response header. */
  dopHint: number;
  /** Retry-After (seconds) of the answers during a storm started by POST /_sandbox/storm without its own. */
  stormRetryAfterSeconds: number;
}

export interface SandboxOptions {
  host: string;
  port: number;
  databaseUrl: string;
  schema: string;
  poolSize: number;
  clientId: string;
  clientSecret: string;
  tokenLifetimeSeconds: number;
  /** HMAC key for issued tokens; derived from the client secret when absent. */
  tokenSigningKey?: string;
  /** Origin used in OData-EntityId and nextLink (e.g. http://sandbox:8181); derived from each request when absent. */
  publicUrl?: string;
  /**
   * The organization URL a token's audience must name (the resource of the requested scope `<org>/.default`).
   * When absent: SANDBOX_PUBLIC_URL, else the origin each request arrived on (loopback host names are equivalent).
   */
  orgUrl?: string;
  throttle: ThrottleOptions;
  maxPageSize: number;
  maxBatchRequests: number;
  /** organization.maxuploadfilesize: the cap on a note's base64 documentbody, in characters. */
  maxUploadFileSize: number;
  /** Time from POST …/Keys to an Active (or Failed) index; InProgress from half of it. */
  keyActivationMs: number;
  /** Custom tables POST EntityDefinitions may create; undefined: no limit (Sales Professional: 15). */
  customTableLimit?: number;
  /** Tables (logical names) that refuse CreateMultiple / UpdateMultiple / UpsertMultiple, as some standard tables do. */
  bulkUnsupportedTables: string[];
  /** Alternate keys per table and columns per key (the platform: 10 and 16). */
  maxKeysPerTable: number;
  maxKeyColumns: number;
  users: readonly DemoUser[];
  /** Required as a bearer token on /_sandbox/* when set; mandatory when the sandbox binds beyond loopback. */
  adminToken?: string;
  /** Owner given to records created without an ownerid bind. */
  defaultOwnerId: string;
  logLevel: string;
  /** the source CRMs' APIs under /sources/<system>/api */
  source: SourceSandboxOptions;
  /** the Salesforce org under /salesforce */
  salesforce: SalesforceSandboxOptions;
}

export type SandboxOptionsInput = Partial<Omit<SandboxOptions, 'throttle' | 'source' | 'salesforce'>> & {
  throttle?: Partial<ThrottleOptions>;
  source?: Partial<SourceSandboxOptions>;
  salesforce?: SalesforceOptionsInput;
};

const DEFAULT_THROTTLE: ThrottleOptions = {
  requestLimit: 6000,
  windowSeconds: 300,
  executionTimeLimitMs: 1_200_000,
  concurrencyLimit: 52,
  dopHint: 4,
  stormRetryAfterSeconds: 5,
};

const int = (min: number) => z.coerce.number().int().min(min);
const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);

const envSchema = z.object({
  SANDBOX_HOST: z.string().optional(),
  SANDBOX_PORT: int(0).max(65535).optional(),
  SANDBOX_DATABASE_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  SANDBOX_DB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase SQL identifier').optional(),
  SANDBOX_DB_POOL_SIZE: int(1).optional(),
  SANDBOX_CLIENT_ID: z.string().min(1).optional(),
  SANDBOX_CLIENT_SECRET: z.string().min(1).optional(),
  DATAVERSE_CLIENT_ID: z.string().min(1).optional(),
  DATAVERSE_CLIENT_SECRET: z.string().min(1).optional(),
  SANDBOX_TOKEN_LIFETIME_SECONDS: int(1).optional(),
  SANDBOX_TOKEN_SIGNING_KEY: z.string().min(16).optional(),
  SANDBOX_ADMIN_TOKEN: z.string().min(16).optional(),
  SANDBOX_PUBLIC_URL: z.string().url().optional(),
  SANDBOX_ORG_URL: z.string().url().optional(),
  SANDBOX_THROTTLE_REQUESTS: int(1).optional(),
  SANDBOX_THROTTLE_WINDOW_SECONDS: int(1).optional(),
  SANDBOX_THROTTLE_EXECUTION_MS: int(1).optional(),
  SANDBOX_THROTTLE_CONCURRENCY: int(1).optional(),
  SANDBOX_DOP_HINT: int(1).optional(),
  SANDBOX_STORM_RETRY_AFTER: int(0).optional(),
  SANDBOX_MAX_PAGE_SIZE: int(1).max(5000).optional(),
  SANDBOX_MAX_BATCH_REQUESTS: int(1).optional(),
  SANDBOX_MAX_UPLOAD_FILE_SIZE: int(1).max(131_072_000).optional(),
  SANDBOX_KEY_ACTIVATION_MS: int(0).optional(),
  SANDBOX_CUSTOM_TABLE_LIMIT: int(0).optional(),
  SANDBOX_BULK_UNSUPPORTED_TABLES: z.string().regex(/^[a-z_][a-z0-9_]*(\s*,\s*[a-z_][a-z0-9_]*)*$/, 'must be table logical names separated by commas').optional(),
  SANDBOX_MAX_KEYS_PER_TABLE: int(1).optional(),
  SANDBOX_MAX_KEY_COLUMNS: int(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
});

/** Settings from the environment; every variable is optional. Throws one line naming the bad variable. */
export function sandboxOptionsFromEnv(env: Record<string, string | undefined> = process.env): SandboxOptionsInput {
  const raw = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, blankToUndefined(env[k])]));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`sandbox configuration: ${String(issue.path[0])} is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  const throttle: Partial<ThrottleOptions> = {};
  if (e.SANDBOX_THROTTLE_REQUESTS !== undefined) throttle.requestLimit = e.SANDBOX_THROTTLE_REQUESTS;
  if (e.SANDBOX_THROTTLE_WINDOW_SECONDS !== undefined) throttle.windowSeconds = e.SANDBOX_THROTTLE_WINDOW_SECONDS;
  if (e.SANDBOX_THROTTLE_EXECUTION_MS !== undefined) throttle.executionTimeLimitMs = e.SANDBOX_THROTTLE_EXECUTION_MS;
  if (e.SANDBOX_THROTTLE_CONCURRENCY !== undefined) throttle.concurrencyLimit = e.SANDBOX_THROTTLE_CONCURRENCY;
  if (e.SANDBOX_DOP_HINT !== undefined) throttle.dopHint = e.SANDBOX_DOP_HINT;
  if (e.SANDBOX_STORM_RETRY_AFTER !== undefined) throttle.stormRetryAfterSeconds = e.SANDBOX_STORM_RETRY_AFTER;
  const out: SandboxOptionsInput = { throttle, source: sourceOptionsFromEnv(env), salesforce: salesforceOptionsFromEnv(env) };
  const set = <K extends keyof SandboxOptionsInput>(k: K, v: SandboxOptionsInput[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('host', e.SANDBOX_HOST);
  set('port', e.SANDBOX_PORT);
  set('databaseUrl', e.SANDBOX_DATABASE_URL ?? e.DATABASE_URL);
  set('schema', e.SANDBOX_DB_SCHEMA);
  set('poolSize', e.SANDBOX_DB_POOL_SIZE);
  set('clientId', e.SANDBOX_CLIENT_ID ?? e.DATAVERSE_CLIENT_ID);
  set('clientSecret', e.SANDBOX_CLIENT_SECRET ?? e.DATAVERSE_CLIENT_SECRET);
  set('tokenLifetimeSeconds', e.SANDBOX_TOKEN_LIFETIME_SECONDS);
  set('tokenSigningKey', e.SANDBOX_TOKEN_SIGNING_KEY);
  set('adminToken', e.SANDBOX_ADMIN_TOKEN);
  set('publicUrl', e.SANDBOX_PUBLIC_URL);
  set('orgUrl', e.SANDBOX_ORG_URL);
  set('maxPageSize', e.SANDBOX_MAX_PAGE_SIZE);
  set('maxBatchRequests', e.SANDBOX_MAX_BATCH_REQUESTS);
  set('maxUploadFileSize', e.SANDBOX_MAX_UPLOAD_FILE_SIZE);
  set('keyActivationMs', e.SANDBOX_KEY_ACTIVATION_MS);
  set('customTableLimit', e.SANDBOX_CUSTOM_TABLE_LIMIT);
  set('bulkUnsupportedTables', e.SANDBOX_BULK_UNSUPPORTED_TABLES?.split(',').map((t) => t.trim()));
  set('maxKeysPerTable', e.SANDBOX_MAX_KEYS_PER_TABLE);
  set('maxKeyColumns', e.SANDBOX_MAX_KEY_COLUMNS);
  set('logLevel', e.LOG_LEVEL);
  return out;
}

/** Fills defaults; explicit options win over nothing, never over each other. */
export function resolveSandboxOptions(input: SandboxOptionsInput = {}): SandboxOptions {
  const users = input.users ?? DEMO_USERS;
  const schema = input.schema ?? 'sandbox_dataverse';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`sandbox configuration: schema '${schema}' is not a lowercase SQL identifier`);
  const host = input.host ?? '127.0.0.1';
  const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host);
  if (!loopback && !input.adminToken) {
    throw new Error(`sandbox configuration: SANDBOX_HOST=${host} is reachable beyond this machine; set SANDBOX_ADMIN_TOKEN so /_sandbox/* requires it`);
  }
  return {
    host,
    adminToken: input.adminToken,
    port: input.port ?? 8181,
    databaseUrl: input.databaseUrl ?? 'postgres://postgres@127.0.0.1:5432/ferry',
    schema,
    poolSize: input.poolSize ?? 10,
    clientId: input.clientId ?? 'ferry-demo',
    clientSecret: input.clientSecret ?? 'ferry-demo-secret',
    tokenLifetimeSeconds: input.tokenLifetimeSeconds ?? 3599,
    tokenSigningKey: input.tokenSigningKey,
    publicUrl: input.publicUrl?.replace(/\/+$/, ''),
    orgUrl: input.orgUrl?.replace(/\/+$/, ''),
    throttle: { ...DEFAULT_THROTTLE, ...input.throttle },
    maxPageSize: Math.min(5000, input.maxPageSize ?? 5000),
    maxBatchRequests: input.maxBatchRequests ?? 1000,
    maxUploadFileSize: Math.min(131_072_000, input.maxUploadFileSize ?? 5_242_880),
    keyActivationMs: input.keyActivationMs ?? 10_000,
    customTableLimit: input.customTableLimit,
    bulkUnsupportedTables: input.bulkUnsupportedTables ?? [],
    maxKeysPerTable: input.maxKeysPerTable ?? 10,
    maxKeyColumns: input.maxKeyColumns ?? 16,
    users,
    defaultOwnerId: input.defaultOwnerId ?? users.find((u) => !u.isdisabled)?.systemuserid ?? '00000000-0000-0000-0000-000000000000',
    logLevel: input.logLevel ?? 'info',
    source: resolveSourceOptions(input.source),
    salesforce: resolveSalesforceOptions(input.salesforce),
  };
}
