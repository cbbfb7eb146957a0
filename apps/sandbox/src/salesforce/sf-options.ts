import { readFileSync } from 'fs';
import { z } from 'zod';
import { DEMO_JWT_PUBLIC_KEY } from './demo-jwt/demo-keys';

/**
 * What an operator or a test may change while the sandbox runs (PATCH /_sandbox/salesforce/settings). Every
 * documented limit and every behaviour the reference marks as unconfirmed is one of these.
 */
export interface SalesforceSettings {
  /** access token lifetime, seconds (a connected app's session timeout; 2 h by default) */
  tokenTtlSeconds: number;
  /** API requests per rolling 24 h before 403 REQUEST_LIMIT_EXCEEDED (Enterprise: 100,000 + 1,000 per licence) */
  dailyApiRequests: number;
  /** Bulk API 2.0 ingest records per rolling 24 h */
  dailyBulkRecords: number;
  /** Bulk batches per rolling 24 h (shared with Bulk v1); every internal batch of an ingest job counts */
  dailyBulkBatches: number;
  /** Bulk 2.0 query jobs per 24 h, reported by /limits */
  dailyBulkQueryJobs: number;
  /** records per sObject Collections request */
  collectionLimit: number;
  /** largest query page (Salesforce: 2000); Sforce-Query-Options batchSize may ask for less */
  queryPageSize: number;
  /** ms a closed ingest job waits in UploadComplete, then again in InProgress, before its result */
  bulkProcessingDelayMs: number;
  /** bytes per PUT …/batches (Salesforce: 150 MB) */
  bulkUploadMaxBytes: number;
  /** rows per internal bulk batch (Salesforce: 10,000) */
  bulkInternalBatchSize: number;
  /** characters per CSV field (Salesforce: 32,000) */
  bulkMaxFieldChars: number;
  /** decoded bytes of ContentVersion.VersionData through the JSON API */
  maxFileBytes: number;
  /** the org permission "Set Audit Fields upon Record Creation" */
  auditFieldsOnCreate: boolean;
  /** custom fields without FieldPermissions for the integration user are invisible (describe) and INVALID_FIELD (writes) */
  strictFieldSecurity: boolean;
  /**
   * An upsert that matches and repeats a create-only field (QuoteLineItem.QuoteId, ContentVersion.PathOnClient):
   * false accepts it when the value is unchanged, true refuses it like an update (INVALID_FIELD_FOR_INSERT_UPDATE)
   */
  upsertRejectsCreateOnlyFields: boolean;
  /** from this API version an upsert that updates answers 200 {created:false}; before it, 204 */
  upsertUpdateBodyFromVersion: number;
  /** how long a deleted record stays visible to queryAll (the recycle bin keeps 15 days) */
  deletedRetentionSeconds: number;
  /** Retry-After of an injected 429 without its own */
  faultRetryAfterSeconds: number;
  /** storage the org reports in /limits */
  dataStorageMb: number;
  fileStorageMb: number;
}

export interface SalesforceSandboxOptions {
  clientId: string;
  clientSecret: string;
  /** PEM of the connected app's certificate public key, for JWT bearer assertions */
  jwtPublicKey: string;
  /** the org's 18-character id, in token ids and access tokens */
  orgId: string;
  settings: SalesforceSettings;
}

export const DEFAULT_SALESFORCE_SETTINGS: SalesforceSettings = {
  tokenTtlSeconds: 7200,
  dailyApiRequests: 100_000,
  dailyBulkRecords: 150_000_000,
  dailyBulkBatches: 15_000,
  dailyBulkQueryJobs: 10_000,
  collectionLimit: 200,
  queryPageSize: 2000,
  bulkProcessingDelayMs: 500,
  bulkUploadMaxBytes: 150 * 1024 * 1024,
  bulkInternalBatchSize: 10_000,
  bulkMaxFieldChars: 32_000,
  maxFileBytes: 37_748_736,
  auditFieldsOnCreate: false,
  strictFieldSecurity: true,
  upsertRejectsCreateOnlyFields: false,
  upsertUpdateBodyFromVersion: 46,
  deletedRetentionSeconds: 15 * 24 * 3600,
  faultRetryAfterSeconds: 5,
  dataStorageMb: 5120,
  fileStorageMb: 10240,
};

const int = (min: number) => z.coerce.number().int().min(min);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Settings checked on PATCH /_sandbox/salesforce/settings: every key optional, unknown keys refused. */
export const settingsPatchSchema = z
  .object({
    tokenTtlSeconds: z.number().int().min(1),
    dailyApiRequests: z.number().int().min(1),
    dailyBulkRecords: z.number().int().min(1),
    dailyBulkBatches: z.number().int().min(1),
    dailyBulkQueryJobs: z.number().int().min(1),
    collectionLimit: z.number().int().min(1).max(2000),
    queryPageSize: z.number().int().min(1).max(2000),
    bulkProcessingDelayMs: z.number().int().min(0),
    bulkUploadMaxBytes: z.number().int().min(1),
    bulkInternalBatchSize: z.number().int().min(1),
    bulkMaxFieldChars: z.number().int().min(1),
    maxFileBytes: z.number().int().min(1),
    auditFieldsOnCreate: z.boolean(),
    strictFieldSecurity: z.boolean(),
    upsertRejectsCreateOnlyFields: z.boolean(),
    upsertUpdateBodyFromVersion: z.number().min(31).max(62),
    deletedRetentionSeconds: z.number().int().min(0),
    faultRetryAfterSeconds: z.number().int().min(0),
    dataStorageMb: z.number().int().min(1),
    fileStorageMb: z.number().int().min(1),
  })
  .partial()
  .strict();

const envSchema = z.object({
  SANDBOX_SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SANDBOX_SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  SANDBOX_SALESFORCE_JWT_PUBLIC_KEY: z.string().min(1).optional(),
  SANDBOX_SALESFORCE_TOKEN_TTL_SECONDS: int(1).optional(),
  SANDBOX_SALESFORCE_DAILY_API_REQUESTS: int(1).optional(),
  SANDBOX_SALESFORCE_DAILY_BULK_RECORDS: int(1).optional(),
  SANDBOX_SALESFORCE_DAILY_BULK_BATCHES: int(1).optional(),
  SANDBOX_SALESFORCE_COLLECTION_LIMIT: int(1).max(2000).optional(),
  SANDBOX_SALESFORCE_QUERY_PAGE_SIZE: int(1).max(2000).optional(),
  SANDBOX_SALESFORCE_BULK_DELAY_MS: int(0).optional(),
  SANDBOX_SALESFORCE_BULK_UPLOAD_MAX_BYTES: int(1).optional(),
  SANDBOX_SALESFORCE_BULK_BATCH_SIZE: int(1).optional(),
  SANDBOX_SALESFORCE_MAX_FILE_BYTES: int(1).optional(),
  SANDBOX_SALESFORCE_AUDIT_FIELDS: bool.optional(),
  SANDBOX_SALESFORCE_STRICT_FLS: bool.optional(),
  SANDBOX_SALESFORCE_UPSERT_BODY_FROM_VERSION: z.coerce.number().min(31).max(62).optional(),
  SANDBOX_SALESFORCE_DELETED_RETENTION_SECONDS: int(0).optional(),
});

export type SalesforceOptionsInput = Partial<Omit<SalesforceSandboxOptions, 'settings'>> & { settings?: Partial<SalesforceSettings> };

/** SANDBOX_SALESFORCE_* variables; throws one line naming a bad one. */
export function salesforceOptionsFromEnv(env: Record<string, string | undefined>): SalesforceOptionsInput {
  const raw = Object.fromEntries(Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`sandbox configuration: ${String(issue.path[0])} is invalid: ${issue.message}`);
  }
  const e = parsed.data;
  const s: Partial<SalesforceSettings> = {};
  const put = <K extends keyof SalesforceSettings>(k: K, v: SalesforceSettings[K] | undefined) => {
    if (v !== undefined) s[k] = v;
  };
  put('tokenTtlSeconds', e.SANDBOX_SALESFORCE_TOKEN_TTL_SECONDS);
  put('dailyApiRequests', e.SANDBOX_SALESFORCE_DAILY_API_REQUESTS);
  put('dailyBulkRecords', e.SANDBOX_SALESFORCE_DAILY_BULK_RECORDS);
  put('dailyBulkBatches', e.SANDBOX_SALESFORCE_DAILY_BULK_BATCHES);
  put('collectionLimit', e.SANDBOX_SALESFORCE_COLLECTION_LIMIT);
  put('queryPageSize', e.SANDBOX_SALESFORCE_QUERY_PAGE_SIZE);
  put('bulkProcessingDelayMs', e.SANDBOX_SALESFORCE_BULK_DELAY_MS);
  put('bulkUploadMaxBytes', e.SANDBOX_SALESFORCE_BULK_UPLOAD_MAX_BYTES);
  put('bulkInternalBatchSize', e.SANDBOX_SALESFORCE_BULK_BATCH_SIZE);
  put('maxFileBytes', e.SANDBOX_SALESFORCE_MAX_FILE_BYTES);
  put('auditFieldsOnCreate', e.SANDBOX_SALESFORCE_AUDIT_FIELDS);
  put('strictFieldSecurity', e.SANDBOX_SALESFORCE_STRICT_FLS);
  put('upsertUpdateBodyFromVersion', e.SANDBOX_SALESFORCE_UPSERT_BODY_FROM_VERSION);
  put('deletedRetentionSeconds', e.SANDBOX_SALESFORCE_DELETED_RETENTION_SECONDS);
  const out: SalesforceOptionsInput = { settings: s };
  if (e.SANDBOX_SALESFORCE_CLIENT_ID) out.clientId = e.SANDBOX_SALESFORCE_CLIENT_ID;
  if (e.SANDBOX_SALESFORCE_CLIENT_SECRET) out.clientSecret = e.SANDBOX_SALESFORCE_CLIENT_SECRET;
  if (e.SANDBOX_SALESFORCE_JWT_PUBLIC_KEY) {
    try {
      out.jwtPublicKey = readFileSync(e.SANDBOX_SALESFORCE_JWT_PUBLIC_KEY, 'utf8');
    } catch (err) {
      throw new Error(`sandbox configuration: SANDBOX_SALESFORCE_JWT_PUBLIC_KEY cannot be read: ${(err as Error).message}`);
    }
  }
  return out;
}

export function resolveSalesforceOptions(input: SalesforceOptionsInput = {}): SalesforceSandboxOptions {
  return {
    clientId: input.clientId ?? 'ferry-demo',
    clientSecret: input.clientSecret ?? 'ferry-demo-secret',
    jwtPublicKey: input.jwtPublicKey ?? DEMO_JWT_PUBLIC_KEY,
    orgId: input.orgId ?? '00D5g00000FerryAAA',
    settings: { ...DEFAULT_SALESFORCE_SETTINGS, ...input.settings },
  };
}
