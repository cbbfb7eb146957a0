import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { z, ZodError, ZodTypeAny } from 'zod';

/** Raised for a wrong or missing setting; the CLI and every service print its one-line message and exit. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Names of settings whose values must never appear in logs or error messages. */
const SECRET_NAMES = new Set(['KAFKA_SASL_PASSWORD', 'SCHEMA_REGISTRY_PASSWORD', 'DATAVERSE_CLIENT_SECRET', 'SALESFORCE_CLIENT_SECRET', 'FERRY_DASHBOARD_TOKEN', 'FERRY_METRICS_TOKEN', 'SANDBOX_ADMIN_TOKEN', 'FERRY_SOURCE_API_KEY']);

export function ferryHome(): string {
  return process.env.FERRY_HOME ?? path.join(os.homedir(), '.ferry');
}

/**
 * Where values come from, strongest first: the process environment, a secrets file (FERRY_SECRETS_FILE),
 * then the endpoints `npm run infra:up` wrote to <FERRY_HOME>/infra.env. Schema defaults apply last.
 */
export function settingSources(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const fromInfra = readEnvFile(path.join(env.FERRY_HOME ?? ferryHome(), 'infra.env'));
  const fromSecrets = env.FERRY_SECRETS_FILE ? readEnvFile(env.FERRY_SECRETS_FILE, true) : {};
  return { ...fromInfra, ...fromSecrets, ...env };
}

export function readEnvFile(file: string, required = false): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    if (required) throw new ConfigError(`FERRY_SECRETS_FILE: cannot read ${file}; create it or unset the variable`);
    return {};
  }
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

const url = (what: string, protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol) && new URL(v).host !== '';
    } catch {
      return false;
    }
  }, `must be a ${what} URL`);
const pgUrl = () => url('postgres://', ['postgres:', 'postgresql:']);
const httpUrl = () => url('http(s)://', ['http:', 'https:']);

/** Every setting Ferry knows, in one place. A service validates only the pieces it uses. */
export const settings = {
  database: {
    DATABASE_URL: pgUrl().default('postgres://postgres@127.0.0.1:5432/ferry'),
  },
  kafka: {
    KAFKA_BROKERS: z
      .string()
      .regex(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, 'must be host:port[,host:port…]')
      .default('127.0.0.1:9092'),
    KAFKA_CLIENT_ID: z.string().default('ferry'),
    SCHEMA_REGISTRY_URL: httpUrl().default('http://127.0.0.1:8081/apis/ccompat/v7'),
    FERRY_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(3),
    /** copies of each topic Ferry creates: 1 on a single broker (the default), 3 on a production cluster */
    KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).default(1),
    /** min.insync.replicas of each topic Ferry creates (with acks=all, the copies a write needs); unset: the broker's default */
    KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(32).optional(),
  },
  /** how Ferry's Kafka clients connect and sign in, and how it signs in to the schema registry; read by every client */
  kafkaSecurity: {
    /** TLS to the brokers; `true` is implied by any KAFKA_SSL_* file */
    KAFKA_SSL: z.enum(['true', 'false']).default('false'),
    /** PEM file of the CA that signed the brokers' certificates; unset: the system's trusted CAs */
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    /** PEM files of Ferry's client certificate and key, for brokers that authenticate clients by certificate (mTLS) */
    KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
    KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
    /** `false` accepts any broker certificate: only ever for a test cluster with a self-signed certificate */
    KAFKA_SSL_REJECT_UNAUTHORIZED: z.enum(['true', 'false']).default('true'),
    KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    /** HTTP basic auth for the registry (Confluent Cloud: the Schema Registry API key and secret) */
    SCHEMA_REGISTRY_USERNAME: z.string().min(1).optional(),
    SCHEMA_REGISTRY_PASSWORD: z.string().min(1).optional(),
  },
  migration: {
    FERRY_MIGRATION: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes').default('demo'),
    FERRY_RUN: z.string().min(1).default('run-1'),
  },
  extractor: {
    FERRY_SOURCE: z.enum(['planports', 'profi', 'interactive', 'leaf360', 'export']).default('leaf360'),
    /** export: read the files of FERRY_EXPORT_DIR and diff each new drop; api: poll the source's REST API */
    FERRY_SOURCE_MODE: z.enum(['export', 'api']).default('export'),
    FERRY_EXPORT_DIR: z.string().min(1).optional(),
    /** the walking skeleton's name for FERRY_EXPORT_DIR, still honoured */
    LEAF360_EXPORT_DIR: z.string().min(1).optional(),
    FERRY_SOURCE_API_URL: httpUrl().optional(),
    FERRY_SOURCE_API_KEY: z.string().min(1).optional(),
    /** comma-separated streams to extract, or `all`; default: the objects the route maps */
    FERRY_STREAMS: z.string().optional(),
    FERRY_POLL_INTERVAL_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
    FERRY_EXPORT_WATCH_MS: z.coerce.number().int().min(100).max(3_600_000).default(2000),
    FERRY_POLL_OVERLAP_MS: z.coerce.number().int().min(0).max(3_600_000).default(2000),
    FERRY_EXTRACT_BATCH: z.coerce.number().int().min(1).max(50_000).default(2000),
    /** stream passes (file reads, API polls) the extractor runs at once; the others wait for a slot */
    FERRY_EXTRACT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(3),
    /** run the extractor's Kafka producer in a thread of its own (on by default; `false` keeps it on the main thread) */
    FERRY_PRODUCER_THREAD: z.enum(['true', 'false']).default('true'),
    /**
     * a sample run (`ferry run --sample N`): N records per source object (an even spread chosen by key hash), plus every
     * parent they reference, so each lookup can resolve; unset reads everything
     */
    FERRY_SAMPLE_PER_OBJECT: z.coerce.number().int().min(1).max(10_000_000).optional(),
  },
  dataverse: {
    DATAVERSE_URL: httpUrl().default('http://127.0.0.1:8181/api/data/v9.2'),
    DATAVERSE_TOKEN_URL: httpUrl().default('http://127.0.0.1:8181/login/ferry-demo-tenant/oauth2/v2.0/token'),
    DATAVERSE_CLIENT_ID: z.string().min(1).default('ferry-demo'),
    DATAVERSE_CLIENT_SECRET: z.string().min(1).default('ferry-demo-secret'),
    DATAVERSE_SCOPE: z.string().default('http://127.0.0.1:8181/.default'),
    /** the org's attachment limit (organization.maxuploadfilesize) on the base64 body; Dataverse's default is 5 MB */
    DATAVERSE_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1).max(131_072_000).default(5_242_880),
    /** custom tables the org's licence allows (Sales Professional: 15); unset for no limit (Sales Enterprise) */
    DATAVERSE_CUSTOM_TABLE_LIMIT: z.coerce.number().int().min(0).optional(),
    /** how long `ferry schema apply` waits for new alternate keys to become Active */
    DATAVERSE_KEY_ACTIVATION_TIMEOUT_S: z.coerce.number().int().min(1).max(86_400).default(300),
    /** `false` writes every record through $batch; by default tables that take them get bulk messages (UpsertMultiple, CreateMultiple) */
    DATAVERSE_BULK: z.enum(['true', 'false']).default('true'),
    /** most requests in flight at once; within it Ferry follows the org's x-ms-dop-hint (the platform refuses past 52) */
    DATAVERSE_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(52).default(16),
  },
  salesforce: {
    /** where Ferry signs in: https://login.salesforce.com, https://test.salesforce.com, a My Domain URL, or the sandbox's `<base>/salesforce` */
    SALESFORCE_LOGIN_URL: httpUrl().default('http://127.0.0.1:8181/salesforce'),
    /** the connected app's consumer key */
    SALESFORCE_CLIENT_ID: z.string().min(1).default('ferry-demo'),
    /** client credentials flow; leave unset and give SALESFORCE_JWT_KEY_FILE + SALESFORCE_USERNAME for the JWT bearer flow */
    SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
    /** JWT bearer flow: the user Ferry acts as (pre-authorized for the connected app) */
    SALESFORCE_USERNAME: z.string().min(1).optional(),
    /** JWT bearer flow: PEM file of the private key whose certificate the connected app holds */
    SALESFORCE_JWT_KEY_FILE: z.string().min(1).optional(),
    /** REST API version, set explicitly (jsforce alone would use 50.0) */
    SALESFORCE_API_VERSION: z.string().regex(/^\d{2}\.0$/, 'must look like 62.0').default('62.0'),
    /** records per entity batch at or above which a Bulk API 2.0 job is used instead of sObject Collections */
    SALESFORCE_BULK_THRESHOLD: z.coerce.number().int().min(1).max(10_000).default(2000),
    /** share of the org's daily API request allocation Ferry may use; it stops cleanly before passing it */
    SALESFORCE_API_SHARE: z.coerce.number().gt(0).max(1).default(0.8),
    /** share of the Bulk API 2.0 daily records (15,000 batches of 10,000) Ferry may use */
    SALESFORCE_BULK_RECORD_SHARE: z.coerce.number().gt(0).max(1).default(0.8),
    /** largest ContentVersion.VersionData, base64 as sent: a JSON body takes 37.5 MB of base64 */
    SALESFORCE_MAX_FILE_BYTES: z.coerce.number().int().min(1).max(39_321_600).default(39_321_600),
  },
  resolver: {
    FERRY_FALLBACK_OWNER_EMAIL: z.string().email('must be an email address'),
    /** fallback: unmatched owners get the fallback owner; queue: their records wait until `ferry owners map` or the user appears */
    FERRY_OWNER_POLICY: z.enum(['fallback', 'queue']).default('fallback'),
    /** how often the resolver re-reads the destination's users and the hand-made owner mappings */
    FERRY_OWNER_REFRESH_S: z.coerce.number().int().min(1).max(86_400).default(30),
    /**
     * how often the resolver checks the planner statistics of the parking and id-map tables it joins (0: never, for
     * a database whose autovacuum is tuned for them); it analyzes a table once FERRY_ANALYZE_ROWS of it changed
     */
    FERRY_ANALYZE_INTERVAL_S: z.coerce.number().int().min(0).max(86_400).default(30),
    FERRY_ANALYZE_ROWS: z.coerce.number().int().min(1).default(1000),
  },
  loader: {
    /**
     * records per destination write at most; unset, the destination's own choice (Dataverse 1,000, Salesforce 10,000);
     * either way capped by what the destination accepts (Dataverse $batch 1,000, Salesforce Bulk 2.0 job 10,000)
     */
    FERRY_LOAD_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).optional(),
  },
  logging: {
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
} as const;

type Shape = Record<string, ZodTypeAny>;
type Merge<T extends readonly Shape[]> = T extends readonly [infer H extends Shape, ...infer R extends Shape[]]
  ? { [K in keyof H]: z.output<H[K]> } & Merge<R>
  : unknown;

/**
 * Validates the given setting groups at start-up. On failure it throws a ConfigError whose message is one
 * line naming the variable and what is wrong, never echoing a secret's value.
 */
export function loadConfig<const T extends readonly Shape[]>(groups: T, env: NodeJS.ProcessEnv = process.env): Merge<T> {
  const shape: Shape = Object.assign({}, ...groups);
  const sources = settingSources(env);
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const v = sources[key];
    input[key] = v === '' ? undefined : v;
  }
  try {
    return z.object(shape).parse(input) as Merge<T>;
  } catch (e) {
    if (e instanceof ZodError) {
      const issue = e.issues[0];
      const name = String(issue.path[0]);
      const problem = input[name] === undefined ? 'is not set' : `is invalid: ${issue.message}`;
      const shown = SECRET_NAMES.has(name) || input[name] === undefined ? '' : ` (got "${input[name]}")`;
      throw new ConfigError(`configuration: ${name} ${problem}${shown}`);
    }
    throw e;
  }
}

type SourceName = 'planports' | 'profi' | 'interactive' | 'leaf360' | 'export';
export type SourceSettings =
  | { system: SourceName; mode: 'export'; exportDir: string }
  | { system: SourceName; mode: 'api'; apiUrl: string; apiKey: string };

/** Which source the extractor reads, with the settings that mode needs; one line naming what is missing. */
export function sourceSettings(env: NodeJS.ProcessEnv = process.env): SourceSettings {
  const c = loadConfig([settings.extractor], env);
  if (c.FERRY_SOURCE_MODE === 'export') {
    const dir = c.FERRY_EXPORT_DIR ?? c.LEAF360_EXPORT_DIR;
    if (!dir) throw new ConfigError('configuration: FERRY_EXPORT_DIR is not set (the folder holding the source export; or set FERRY_SOURCE_MODE=api)');
    return { system: c.FERRY_SOURCE, mode: 'export', exportDir: dir };
  }
  if (c.FERRY_SOURCE === 'export') throw new ConfigError('configuration: FERRY_SOURCE_MODE is "api", but the export source is read from a folder: set FERRY_SOURCE_MODE=export and FERRY_EXPORT_DIR');
  if (!c.FERRY_SOURCE_API_URL) throw new ConfigError('configuration: FERRY_SOURCE_API_URL is not set (the source API base URL, needed with FERRY_SOURCE_MODE=api)');
  if (!c.FERRY_SOURCE_API_KEY) throw new ConfigError('configuration: FERRY_SOURCE_API_KEY is not set (the source API key or token; put it in the environment or FERRY_SECRETS_FILE)');
  return { system: c.FERRY_SOURCE, mode: 'api', apiUrl: c.FERRY_SOURCE_API_URL, apiKey: c.FERRY_SOURCE_API_KEY };
}

/** A URL safe to print: the password, if any, is masked. */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return value;
  }
}

/** The replication of the topics Ferry creates, checked: min.insync.replicas cannot exceed the copies there are. */
export function topicReplication(env: NodeJS.ProcessEnv = process.env): { replicationFactor: number; minInsyncReplicas?: number } {
  const c = loadConfig([settings.kafka], env);
  const min = c.KAFKA_MIN_INSYNC_REPLICAS;
  if (min !== undefined && min > c.KAFKA_REPLICATION_FACTOR) {
    throw new ConfigError(`configuration: KAFKA_MIN_INSYNC_REPLICAS=${min} is more than KAFKA_REPLICATION_FACTOR=${c.KAFKA_REPLICATION_FACTOR}: no write could ever be acknowledged`);
  }
  return { replicationFactor: c.KAFKA_REPLICATION_FACTOR, ...(min !== undefined ? { minInsyncReplicas: min } : {}) };
}

export interface KafkaTls {
  /** PEM text, read from the files named by the settings */
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

export interface KafkaSasl {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaSecurity {
  ssl?: KafkaTls;
  sasl?: KafkaSasl;
}

/**
 * TLS and SASL for the Kafka clients, from KAFKA_SSL* and KAFKA_SASL_*; empty for a plain local broker. Certificate
 * files are read here so a wrong path fails at start-up in one line; the password is never part of a message.
 */
export function kafkaSecurity(env: NodeJS.ProcessEnv = process.env): KafkaSecurity {
  const c = loadConfig([settings.kafkaSecurity], env);
  const out: KafkaSecurity = {};
  const files = { ca: c.KAFKA_SSL_CA_FILE, cert: c.KAFKA_SSL_CERT_FILE, key: c.KAFKA_SSL_KEY_FILE };
  if (c.KAFKA_SSL === 'true' || Object.values(files).some(Boolean)) {
    if (!files.cert !== !files.key) throw new ConfigError('configuration: KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (a client certificate and its key); set both or neither');
    const tls: KafkaTls = { rejectUnauthorized: c.KAFKA_SSL_REJECT_UNAUTHORIZED === 'true' };
    for (const [k, file] of Object.entries(files) as Array<[keyof typeof files, string | undefined]>) {
      if (file) tls[k] = readPem(`KAFKA_SSL_${k.toUpperCase()}_FILE`, file);
    }
    out.ssl = tls;
  }
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = c;
  if (mechanism || username || password) {
    if (!mechanism) throw new ConfigError('configuration: KAFKA_SASL_MECHANISM is not set (plain, scram-sha-256 or scram-sha-512), but a SASL username or password is');
    if (!username) throw new ConfigError(`configuration: KAFKA_SASL_USERNAME is not set (needed with KAFKA_SASL_MECHANISM=${mechanism})`);
    if (!password) throw new ConfigError(`configuration: KAFKA_SASL_PASSWORD is not set (needed with KAFKA_SASL_MECHANISM=${mechanism}; put it in the environment or FERRY_SECRETS_FILE)`);
    out.sasl = { mechanism, username, password };
  }
  return out;
}

/** Basic auth for the schema registry, or null when it needs none. */
export function registryAuth(env: NodeJS.ProcessEnv = process.env): { username: string; password: string } | null {
  const c = loadConfig([settings.kafkaSecurity], env);
  if (!c.SCHEMA_REGISTRY_USERNAME && !c.SCHEMA_REGISTRY_PASSWORD) return null;
  if (!c.SCHEMA_REGISTRY_USERNAME) throw new ConfigError('configuration: SCHEMA_REGISTRY_USERNAME is not set, but SCHEMA_REGISTRY_PASSWORD is');
  if (!c.SCHEMA_REGISTRY_PASSWORD) throw new ConfigError('configuration: SCHEMA_REGISTRY_PASSWORD is not set, but SCHEMA_REGISTRY_USERNAME is (put it in the environment or FERRY_SECRETS_FILE)');
  return { username: c.SCHEMA_REGISTRY_USERNAME, password: c.SCHEMA_REGISTRY_PASSWORD };
}

function readPem(name: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`configuration: ${name}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
