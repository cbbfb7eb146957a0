import * as fs from 'fs';
import { z } from 'zod';
import { FerryError } from '@ferry/common';
import { readEnvFile } from '@ferry/config';
import { SOURCE_SYSTEMS, type SourceSystem } from '@ferry/connectors/core';
import { DESTINATION_SYSTEMS } from '@ferry/destinations/registry';

/**
 * A migration's run configuration, as `ferry init` stores it: where the source and the destination are, and the
 * options the services take. Credentials are stored by reference only (the name of an environment variable, or a
 * secrets file's path); `runEnv` reads their values when `ferry run` starts the services, and never stores them.
 */

/** Settings that hold a credential: the only ones that may come from a reference. */
export const CREDENTIAL_SETTINGS = [
  'DATAVERSE_CLIENT_ID', 'DATAVERSE_CLIENT_SECRET', 'FERRY_SOURCE_API_KEY',
  'SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET', 'SALESFORCE_USERNAME', 'SALESFORCE_JWT_KEY_FILE',
] as const;
export type CredentialSetting = (typeof CREDENTIAL_SETTINGS)[number];

const httpUrl = z.string().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '' && !u.username && !u.password;
  } catch {
    return false;
  }
}, 'must be an http(s) URL without credentials in it');

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be the name of an environment variable (letters, digits, _), not its value');

const sourceSystem = z.enum(SOURCE_SYSTEMS as unknown as [SourceSystem, ...SourceSystem[]]);

const sourceSchema = z.discriminatedUnion('mode', [
  z.object({ system: sourceSystem, mode: z.literal('export'), exportDir: z.string().min(1, 'must be a folder') }),
  z.object({ system: sourceSystem, mode: z.literal('api'), apiUrl: httpUrl }),
]);

const destinationSchema = z.object({
  kind: z.string().refine((k) => (DESTINATION_SYSTEMS as readonly string[]).includes(k), `must be one of ${DESTINATION_SYSTEMS.join(', ')}`),
  /** the built-in sandbox (Dataverse, or Salesforce under /salesforce), started by `ferry run` on this port; null for a real org */
  sandbox: z.object({ port: z.number().int().min(1).max(65535) }).nullable(),
  /**
   * Dynamics: the org's URL (its Web API base is <url>/api/data/v9.2 unless the URL already names one). Salesforce:
   * the login URL (https://login.salesforce.com, https://test.salesforce.com or the org's My Domain URL).
   */
  url: httpUrl.optional(),
  tokenUrl: httpUrl.optional(),
  scope: z.string().min(1).optional(),
});

export const runConfigSchema = z
  .object({
    version: z.literal(1),
    /** the map template `ferry init` drafted from, e.g. leaf360-dynamics */
    route: z.string().regex(/^[a-z0-9-]+$/, 'must be a route name such as leaf360-dynamics'),
    source: sourceSchema,
    destination: destinationSchema,
    credentials: z.object({
      env: z.record(z.enum(CREDENTIAL_SETTINGS), envName).default({}),
      secretsFile: z.string().min(1).optional(),
    }),
    options: z.object({
      ownerPolicy: z.enum(['fallback', 'queue']).default('fallback'),
      fallbackOwnerEmail: z.string().email('must be an email address'),
      ownerRefreshSeconds: z.number().int().min(1).max(86_400).optional(),
      loadBatchSize: z.number().int().min(1).max(10_000).optional(),
      extractBatch: z.number().int().min(1).max(50_000).optional(),
      extractConcurrency: z.number().int().min(1).max(64).optional(),
      pollIntervalMs: z.number().int().min(50).max(3_600_000).optional(),
      partitions: z.number().int().min(1).max(1000).optional(),
      customTableLimit: z.number().int().min(0).optional(),
      maxUploadBytes: z.number().int().min(1).max(131_072_000).optional(),
      /** Salesforce: REST API version, Bulk threshold and the shares of the daily allocations Ferry may use */
      apiVersion: z.string().regex(/^\d{2}\.0$/, 'must look like 62.0').optional(),
      bulkThreshold: z.number().int().min(1).max(10_000).optional(),
      apiShare: z.number().gt(0).max(1).optional(),
      bulkRecordShare: z.number().gt(0).max(1).optional(),
    }),
  })
  .superRefine((c, ctx) => {
    const d = c.destination;
    if (!d.sandbox && d.kind === 'salesforce') {
      if (!d.url) ctx.addIssue({ code: 'custom', path: ['destination', 'url'], message: 'is required unless the destination is the built-in sandbox (the login URL, e.g. https://login.salesforce.com)' });
      const has = (s: CredentialSetting) => Boolean(c.credentials.env[s] || c.credentials.secretsFile);
      if (!has('SALESFORCE_CLIENT_ID')) ctx.addIssue({ code: 'custom', path: ['credentials', 'env', 'SALESFORCE_CLIENT_ID'], message: 'must name where the connected app\'s consumer key comes from (an environment variable or a secrets file)' });
      if (c.credentials.env.SALESFORCE_JWT_KEY_FILE && !has('SALESFORCE_USERNAME')) {
        ctx.addIssue({ code: 'custom', path: ['credentials', 'env', 'SALESFORCE_USERNAME'], message: 'must name where the username comes from (the JWT bearer flow signs in as that user)' });
      }
      if (!c.credentials.env.SALESFORCE_JWT_KEY_FILE && !has('SALESFORCE_CLIENT_SECRET')) {
        ctx.addIssue({ code: 'custom', path: ['credentials', 'env', 'SALESFORCE_CLIENT_SECRET'], message: 'must name where the client secret comes from, or name SALESFORCE_JWT_KEY_FILE and SALESFORCE_USERNAME for the JWT bearer flow' });
      }
    } else if (!d.sandbox) {
      if (!d.url) ctx.addIssue({ code: 'custom', path: ['destination', 'url'], message: 'is required unless the destination is the built-in sandbox' });
      if (!d.tokenUrl) ctx.addIssue({ code: 'custom', path: ['destination', 'tokenUrl'], message: 'is required for a real org (its OAuth token endpoint)' });
      for (const s of ['DATAVERSE_CLIENT_ID', 'DATAVERSE_CLIENT_SECRET'] as const) {
        if (!c.credentials.env[s] && !c.credentials.secretsFile) {
          ctx.addIssue({ code: 'custom', path: ['credentials', 'env', s], message: 'must name where the credential comes from (an environment variable or a secrets file)' });
        }
      }
    }
    if (c.source.mode === 'api' && !c.credentials.env.FERRY_SOURCE_API_KEY && !c.credentials.secretsFile) {
      ctx.addIssue({ code: 'custom', path: ['credentials', 'env', 'FERRY_SOURCE_API_KEY'], message: 'must name where the source API key comes from (an environment variable or a secrets file)' });
    }
    const [sourceOfRoute] = c.route.split('-');
    if (sourceOfRoute !== c.source.system) {
      ctx.addIssue({ code: 'custom', path: ['route'], message: `reads ${sourceOfRoute}, not the source ${c.source.system}` });
    }
  });

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;

/**
 * Validates a configuration; a mistake becomes one line naming the field (through `label`, e.g. the CLI flag that
 * sets it) and what is wrong.
 */
export function parseRunConfig(input: unknown, label: (path: string) => string = (p) => p): RunConfig {
  const r = runConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = label(issue.path.join('.'));
  let message = issue.message;
  if (issue.code === 'invalid_enum_value') message = `must be one of ${issue.options.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.received === 'undefined') message = 'is required';
  if (issue.code === 'invalid_union_discriminator') message = `must be one of ${issue.options.join(', ')}`;
  throw new FerryError('BAD_CONFIG', `${where} ${message}`, 'fatal');
}

export function sandboxBaseUrl(port: number): string {
  return `http://127.0.0.1:${port}`;
}

/** Where the built-in sandbox wipes the records of one destination's org (each destination has its own). */
export function sandboxResetUrl(kind: string, port: number): string {
  return kind === 'dynamics' ? `${sandboxBaseUrl(port)}/_sandbox/reset` : `${sandboxBaseUrl(port)}/_sandbox/${kind}/reset`;
}

/** The Dataverse Web API base for an org URL: as given when it already names one, else <url>/api/data/v9.2. */
export function webApiUrl(orgUrl: string): string {
  const u = orgUrl.replace(/\/+$/, '');
  return /\/api\/data\/v\d/.test(u) ? u : `${u}/api/data/v9.2`;
}

/** Reads a secrets file in KEY=VALUE or JSON ({"KEY": "value"}) form; one line naming the file if unreadable. */
export function readSecretsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new FerryError('SECRETS_UNREADABLE', `secrets file ${file} cannot be read; create it or fix --secrets-file`, 'fatal');
  }
  if (text.trimStart().startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new FerryError('SECRETS_UNREADABLE', `secrets file ${file} starts like JSON but does not parse as JSON`, 'fatal');
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new FerryError('SECRETS_UNREADABLE', `secrets file ${file} must hold one JSON object of names to values`, 'fatal');
    return Object.fromEntries(Object.entries(doc as Record<string, unknown>).filter(([, v]) => typeof v === 'string' || typeof v === 'number').map(([k, v]) => [k, String(v)]));
  }
  return readEnvFile(file, true);
}

export interface RunEnvContext {
  migration: string;
  runId: string;
  databaseUrl: string;
  kafkaBrokers: string;
  registryUrl: string;
  /** records per object for a sample run (`ferry run --sample N`), passed to the extractor */
  samplePerObject?: number;
  /** where credential references are looked up (the CLI's own environment) */
  env?: NodeJS.ProcessEnv;
}

/**
 * The environment the services get, derived from the stored configuration only: pointing a migration at real
 * endpoints is configuration, not code. Credential values are read here from their references and go only into
 * the children's environment.
 */
export function runEnv(c: RunConfig, ctx: RunEnvContext): Record<string, string> {
  const from = ctx.env ?? process.env;
  const env: Record<string, string> = {
    FERRY_MIGRATION: ctx.migration,
    FERRY_RUN: ctx.runId,
    DATABASE_URL: ctx.databaseUrl,
    KAFKA_BROKERS: ctx.kafkaBrokers,
    SCHEMA_REGISTRY_URL: ctx.registryUrl,
    FERRY_SOURCE: c.source.system,
    FERRY_SOURCE_MODE: c.source.mode,
    FERRY_OWNER_POLICY: c.options.ownerPolicy,
    FERRY_FALLBACK_OWNER_EMAIL: c.options.fallbackOwnerEmail,
  };
  if (c.source.mode === 'export') env.FERRY_EXPORT_DIR = c.source.exportDir;
  else env.FERRY_SOURCE_API_URL = c.source.apiUrl;

  Object.assign(env, destinationEnv(c, from));

  const o = c.options;
  const optional: Record<string, number | undefined> = {
    FERRY_OWNER_REFRESH_S: o.ownerRefreshSeconds,
    FERRY_LOAD_BATCH_SIZE: o.loadBatchSize,
    FERRY_EXTRACT_BATCH: o.extractBatch,
    FERRY_EXTRACT_CONCURRENCY: o.extractConcurrency,
    FERRY_POLL_INTERVAL_MS: o.pollIntervalMs,
    FERRY_TOPIC_PARTITIONS: o.partitions,
    DATAVERSE_CUSTOM_TABLE_LIMIT: o.customTableLimit,
    [c.destination.kind === 'salesforce' ? 'SALESFORCE_MAX_FILE_BYTES' : 'DATAVERSE_MAX_UPLOAD_BYTES']: o.maxUploadBytes,
    SALESFORCE_BULK_THRESHOLD: o.bulkThreshold,
    SALESFORCE_API_SHARE: o.apiShare,
    SALESFORCE_BULK_RECORD_SHARE: o.bulkRecordShare,
    FERRY_SAMPLE_PER_OBJECT: ctx.samplePerObject,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) env[k] = String(v);
  if (o.apiVersion) env.SALESFORCE_API_VERSION = o.apiVersion;

  if (c.source.mode === 'api') Object.assign(env, credentials(c, ['FERRY_SOURCE_API_KEY'], from));
  return env;
}

/** The destination's endpoints and credentials from the configuration (what `ferry schema` and the services need). */
export function destinationEnv(c: RunConfig, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  const d = c.destination;
  if (d.kind === 'salesforce') return salesforceEnv(c, from);
  if (d.sandbox) {
    const base = sandboxBaseUrl(d.sandbox.port);
    Object.assign(env, {
      SANDBOX_PORT: String(d.sandbox.port),
      // One schema per sandbox port: two sandboxes on one database (a demo beside a test) never reset each other.
      SANDBOX_DB_SCHEMA: from.SANDBOX_DB_SCHEMA ?? `sandbox_dataverse_${d.sandbox.port}`,
      DATAVERSE_URL: `${base}/api/data/v9.2`,
      DATAVERSE_TOKEN_URL: `${base}/login/ferry-demo-tenant/oauth2/v2.0/token`,
      DATAVERSE_SCOPE: `${base}/.default`,
      DATAVERSE_CLIENT_ID: 'ferry-demo',
      DATAVERSE_CLIENT_SECRET: 'ferry-demo-secret',
    });
  } else {
    env.DATAVERSE_URL = webApiUrl(d.url!);
    env.DATAVERSE_TOKEN_URL = d.tokenUrl!;
    env.DATAVERSE_SCOPE = d.scope ?? `${new URL(d.url!).origin}/.default`;
  }

  const wanted: CredentialSetting[] = d.sandbox ? [] : ['DATAVERSE_CLIENT_ID', 'DATAVERSE_CLIENT_SECRET'];
  return Object.assign(env, credentials(c, wanted, from));
}

/**
 * Salesforce: the sandbox's login URL (`<base>/salesforce`) with the demo connected app, or a real org's login URL
 * with the credentials its references give: client credentials, or the JWT bearer flow when SALESFORCE_JWT_KEY_FILE
 * is named (in the environment references or the secrets file).
 */
function salesforceEnv(c: RunConfig, from: NodeJS.ProcessEnv): Record<string, string> {
  const d = c.destination;
  if (d.sandbox) {
    return {
      SANDBOX_PORT: String(d.sandbox.port),
      SANDBOX_DB_SCHEMA: from.SANDBOX_DB_SCHEMA ?? `sandbox_dataverse_${d.sandbox.port}`,
      SALESFORCE_LOGIN_URL: `${sandboxBaseUrl(d.sandbox.port)}/salesforce`,
      SALESFORCE_CLIENT_ID: 'ferry-demo',
      SALESFORCE_CLIENT_SECRET: 'ferry-demo-secret',
    };
  }
  const jwt = Boolean(c.credentials.env.SALESFORCE_JWT_KEY_FILE) || (!c.credentials.env.SALESFORCE_CLIENT_SECRET && c.credentials.secretsFile !== undefined && 'SALESFORCE_JWT_KEY_FILE' in readSecretsFile(c.credentials.secretsFile));
  const wanted: CredentialSetting[] = jwt ? ['SALESFORCE_CLIENT_ID', 'SALESFORCE_USERNAME', 'SALESFORCE_JWT_KEY_FILE'] : ['SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET'];
  return { SALESFORCE_LOGIN_URL: d.url!.replace(/\/+$/, ''), ...credentials(c, wanted, from) };
}

/**
 * Credential values from their references: a named environment variable wins over the secrets file; a reference
 * that gives nothing is a mistake named by its setting and where it was to come from (never a value).
 */
function credentials(c: RunConfig, wanted: CredentialSetting[], from: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  let fromFile: Record<string, string> | null = null;
  for (const setting of wanted) {
    const ref = c.credentials.env[setting];
    if (!ref && c.credentials.secretsFile) fromFile ??= readSecretsFile(c.credentials.secretsFile);
    const value = ref ? from[ref] : fromFile?.[setting];
    if (value === undefined || value === '') {
      const where = ref ? `environment variable ${ref}` : `secrets file ${c.credentials.secretsFile ?? '(none configured)'}`;
      throw new FerryError('CREDENTIAL_MISSING', `${setting} is to come from ${where}, which does not provide it; set it there (the value is never stored)`, 'fatal');
    }
    out[setting] = value;
  }
  return out;
}

/** Settings safe to show: the environment without any credential's value. */
export function redactRunEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, (CREDENTIAL_SETTINGS as readonly string[]).includes(k) ? '***' : v]));
}
