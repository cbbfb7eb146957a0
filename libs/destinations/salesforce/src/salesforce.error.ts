/** A failed Salesforce call (or token request), with the platform's errorCode when the server sent one. */
export class SalesforceError extends Error {
  override readonly name = 'SalesforceError';
  /** worth sending again later (throttled, unavailable, locked, no answer) */
  readonly retryable: boolean;
  readonly retryAfterSeconds?: number;

  constructor(
    /** HTTP status; 0 = no response */
    readonly status: number,
    readonly code: string,
    message: string,
    opts: { retryable?: boolean; retryAfterSeconds?: number; fields?: string[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.retryable = opts.retryable ?? isTransient(status, code);
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.fields = opts.fields ?? [];
  }

  readonly fields: string[];
}

/**
 * Codes that say "not now" rather than "this record is wrong": the record is written again later, never
 * dead-lettered. 403 REQUEST_LIMIT_EXCEEDED is the org's rolling API allocation or concurrency cap.
 */
const TRANSIENT_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'REQUEST_LIMIT_EXCEEDED', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG', 'QUERY_TIMEOUT', 'TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED']);

export function isTransient(status: number, code: string): boolean {
  return status === 0 || status === 429 || status === 502 || status === 503 || status === 504 || TRANSIENT_CODES.has(code);
}

/** One error of a record, as single-record calls (`errorCode`) and collections (`statusCode`) give it. */
export interface RecordError {
  code: string;
  message: string;
  fields: string[];
}

/** Reads either error shape: `[{message, errorCode, fields}]`, `{statusCode, message, fields}`, or OAuth's `{error, error_description}`. */
export function recordErrors(body: unknown): RecordError[] {
  const list = Array.isArray(body) ? body : body && typeof body === 'object' ? [body] : [];
  const out: RecordError[] = [];
  for (const e of list as Record<string, unknown>[]) {
    if (!e || typeof e !== 'object') continue;
    // A gateway or proxy in front of the org may answer in its own shape: `{error: {code, message}}`.
    const nested = e.error && typeof e.error === 'object' ? (e.error as Record<string, unknown>) : null;
    const code = e.errorCode ?? e.statusCode ?? nested?.code ?? e.error;
    if (code === undefined) continue;
    out.push({
      code: String(code),
      message: String(e.message ?? nested?.message ?? e.error_description ?? code),
      fields: Array.isArray(e.fields) ? e.fields.map(String) : [],
    });
  }
  return out;
}

/**
 * Bulk API 2.0 failed-results `sf__Error`: `CODE:message:fields`, e.g.
 * `REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --`.
 */
export function parseBulkError(text: string): RecordError {
  const m = /^([A-Z_]+):(.*)$/s.exec(text.trim());
  if (!m) return { code: 'BULK_ERROR', message: text.trim() || 'no reason given', fields: [] };
  let rest = m[2];
  let fields: string[] = [];
  const tail = /:([A-Za-z0-9_,.\s]*?)\s*--\s*$/.exec(rest);
  if (tail) {
    fields = tail[1].split(',').map((f) => f.trim()).filter(Boolean);
    rest = rest.slice(0, tail.index);
  } else {
    rest = rest.replace(/\s*--\s*$/, '');
  }
  return { code: m[1], message: rest.trim(), fields };
}

/**
 * What a person does about a per-record error: the platform's text, then the field(s) it names and the fix.
 * `entity` is the map's lower-case name; field names are Salesforce's API names as the platform reports them.
 */
export function explain(entity: string, e: RecordError): string {
  const on = e.fields.length ? `${entity}.${e.fields.join(', ')}` : entity;
  const said = e.message.replace(/\s+/g, ' ').trim();
  const fix: Record<string, string> = {
    REQUIRED_FIELD_MISSING: `${on} is required in Salesforce: map a value for it (or a default) and run again`,
    STRING_TOO_LONG: `${on} is longer than the field allows: truncate it in the map or widen the field`,
    INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: `${on} holds a value the restricted picklist does not offer: add it to the field's values (ferry schema apply) or fix the value map`,
    INVALID_CROSS_REFERENCE_KEY: `${on} points at a record that does not exist or is of the wrong type: check the lookup's parent landed`,
    DUPLICATE_VALUE: `${on} must be unique and another record holds this value: dedupe the source or merge the records`,
    DUPLICATE_EXTERNAL_ID: `several ${entity} records carry this Ferry key: remove the duplicates in Salesforce`,
    INACTIVE_OWNER_OR_USER: `${on}: the owner (or a user referenced) is inactive: reactivate the user, or map the owner to an active one (ferry owners)`,
    FIELD_INTEGRITY_EXCEPTION: `${on} breaks a Salesforce rule: fix the value in the map`,
    STANDARD_PRICE_NOT_DEFINED: `${on}: the product has no Standard Price Book entry: load its standard price first`,
    INVALID_FIELD: `${on}: Salesforce does not know this field (or it is not visible to the integration user): run ferry schema apply, check field-level security, or fix the map`,
    INVALID_FIELD_FOR_INSERT_UPDATE: `${on} cannot be set by this operation: remove it from the map or check field-level security`,
    INVALID_TYPE_ON_FIELD_IN_RECORD: `${on} has a value of the wrong type: fix the column's type or transform in the map`,
    INVALID_EMAIL_ADDRESS: `${on} is not a valid email address: clean it in the map`,
    MALFORMED_ID: `${on} is not a Salesforce id: check the lookup or owner`,
    FIELD_CUSTOM_VALIDATION_EXCEPTION: `a validation rule on ${entity} refused the record: fix the data or deactivate the rule for the load`,
    CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY: `an automation (trigger, flow) on ${entity} failed: fix it or deactivate it for the load`,
    ENTITY_IS_DELETED: `${entity}: the record (or a parent) is in the recycle bin: restore it or let Ferry create it again`,
    INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY: `${on}: the integration user cannot see the referenced record: grant it access (sharing) and run again`,
    INSUFFICIENT_ACCESS_OR_READONLY: `the integration user may not write this ${entity} record: grant it access and run again`,
    UNKNOWN_RECORD_TYPE: `${on}: no active record type has this DeveloperName: create it (ferry schema apply) or fix the map`,
    UNABLE_TO_LOCK_ROW: `${entity}: the record or its parent stayed locked by other work: it is written again later`,
    REQUEST_LIMIT_EXCEEDED: `${entity}: the org refused more API requests for now: it is written again later`,
  };
  const hint = fix[e.code];
  return hint ? `${hint} (${e.code}: ${said})` : `${on}: ${said} (${e.code})`;
}
