import { createCoercer, loadRecordSchema, type AvroSchema, type Coercer, type RejectCode, type SourceApiSpec } from '@ferry/connectors/core';
import { PROFI_STREAM_NAMES, profiStream } from './profi.catalog';

/**
 * Profi's REST API: a bearer token, Spring-style pages (`?page=0&size=100`, at most 100 items, the page body
 * `{ content: [...], totalPages, totalElements, number, size }`), `modifiedAfter=<epoch millis>` for deltas,
 * and with `includeDeleted=true` deleted records come back as `{ id, deleted: true, updatedAt }` tombstones.
 */
export const PROFI_API: SourceApiSpec = {
  auth: { header: 'Authorization', scheme: 'Bearer' },
  pagination: { style: 'page', pageParam: 'page', sizeParam: 'size', maxPageSize: 100, firstPage: 0 },
  modifiedSince: { param: 'modifiedAfter', format: 'epoch-ms' },
  itemsPath: 'content',
  deletes: { includeParam: 'includeDeleted', flagField: 'deleted' },
};

/**
 * Where each record field sits in an API item: a dotted path into Profi's camelCase JSON. References are
 * nested objects (`client.id`), money is `{ amount, currency }` with the amount as decimal text, dates are
 * `YYYY-MM-DD` and times ISO 8601 in UTC. Custom field values sit under `customFields` keyed by their label.
 * A field of an array of records names the table its items follow.
 */
type ItemTable = ReadonlyArray<readonly [field: string, path: string, items?: ItemTable]>;

const TIMESTAMPS = [
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
] as const;
const ADDRESS = [
  ['street', 'address.street'],
  ['postal_code', 'address.zip'],
  ['city', 'address.city'],
  ['country', 'address.country'],
] as const;

export const PROFI_API_ITEMS: Readonly<Record<string, ItemTable>> = {
  company: [
    ['company_id', 'id'],
    ['name', 'name'],
    ['company_type', 'type'],
    ['industry', 'industry'],
    ['employee_count', 'employees'],
    ['annual_revenue', 'annualRevenue.amount'],
    ['revenue_currency', 'annualRevenue.currency'],
    ['website', 'website'],
    ['email', 'email'],
    ['phone', 'phone'],
    ...ADDRESS,
    ['vat_id', 'vatId'],
    ['owner_email', 'owner.email'],
    ...TIMESTAMPS,
  ],
  client: [
    ['client_id', 'id'],
    ['salutation', 'salutation'],
    ['first_name', 'firstName'],
    ['last_name', 'lastName'],
    ['email', 'email'],
    ['phone', 'phone'],
    ['mobile', 'mobile'],
    ['lifecycle_stage', 'lifecycleStage'],
    ['company_id', 'company.id'],
    ['coach_id', 'coach.id'],
    ['owner_email', 'owner.email'],
    ['date_of_birth', 'birthDate'],
    ['language', 'language'],
    ...ADDRESS,
    ['source', 'source'],
    ['newsletter_opt_in', 'newsletterOptIn'],
    ...TIMESTAMPS,
  ],
  coach: [
    ['coach_id', 'id'],
    ['first_name', 'firstName'],
    ['last_name', 'lastName'],
    ['email', 'email'],
    ['phone', 'phone'],
    ['role', 'role'],
    ['specialty', 'profile.specialty'],
    ['credentials', 'profile.credentials'],
    ['bio', 'profile.bio'],
    ['languages', 'profile.languages'],
    ['hourly_rate', 'profile.hourlyRate.amount'],
    ['rate_currency', 'profile.hourlyRate.currency'],
    ['timezone', 'timezone'],
    ['active', 'active'],
    ['deactivated_on', 'deactivatedOn'],
    ...TIMESTAMPS,
  ],
  program: [
    ['program_id', 'id'],
    ['name', 'name'],
    ['program_type', 'type'],
    ['description', 'description'],
    ['lead_coach_id', 'leadCoach.id'],
    ['session_count', 'sessionCount'],
    ['duration_weeks', 'durationWeeks'],
    ['price', 'price.amount'],
    ['currency', 'price.currency'],
    ['status', 'status'],
    ['starts_on', 'startDate'],
    ...TIMESTAMPS,
  ],
  enrollment: [
    ['enrollment_id', 'id'],
    ['client_id', 'client.id'],
    ['program_id', 'program.id'],
    ['status', 'status'],
    ['progress_percent', 'progress'],
    ['sessions_included', 'sessions.included'],
    ['sessions_used', 'sessions.used'],
    ['enrolled_on', 'enrolledOn'],
    ['completed_on', 'completedOn'],
    ['price', 'price.amount'],
    ['currency', 'price.currency'],
    ...TIMESTAMPS,
  ],
  session: [
    ['session_id', 'id'],
    ['title', 'title'],
    ['session_type', 'type'],
    ['client_id', 'client.id'],
    ['coach_id', 'coach.id'],
    ['coach_email', 'coach.email'],
    ['program_id', 'program.id'],
    ['enrollment_id', 'enrollment.id'],
    ['starts_at', 'startsAt'],
    ['duration_minutes', 'durationMinutes'],
    ['status', 'status'],
    ['location', 'location'],
    ['meeting_url', 'meetingUrl'],
    ['recording_url', 'recordingUrl'],
    ['fee', 'fee.amount'],
    ['fee_currency', 'fee.currency'],
    ...TIMESTAMPS,
  ],
  payment: [
    ['payment_id', 'id'],
    ['invoice_number', 'invoiceNumber'],
    ['client_id', 'client.id'],
    ['enrollment_id', 'enrollment.id'],
    ['session_id', 'session.id'],
    ['description', 'description'],
    ['amount', 'total.gross'],
    ['tax_amount', 'total.tax'],
    ['currency', 'total.currency'],
    ['status', 'status'],
    ['method', 'method'],
    ['invoice_date', 'invoiceDate'],
    ['due_on', 'dueDate'],
    ['paid_on', 'paidOn'],
    ...TIMESTAMPS,
  ],
  note: [
    ['note_id', 'id'],
    ['client_id', 'client.id'],
    ['session_id', 'session.id'],
    ['author_id', 'author.id'],
    ['title', 'title'],
    ['body_html', 'content.html'],
    ['visibility', 'visibility'],
    ['pinned', 'pinned'],
    ...TIMESTAMPS,
  ],
  attachment: [
    ['attachment_id', 'id'],
    ['client_id', 'client.id'],
    ['note_id', 'note.id'],
    ['uploaded_by', 'uploadedBy.id'],
    ['file_name', 'fileName'],
    ['file_path', 'path'],
    ['content_type', 'mimeType'],
    ['size_bytes', 'size'],
    ['created_at', 'uploadedAt'],
  ],
  custom_field: [
    ['field_id', 'id'],
    ['object', 'entity'],
    ['label', 'label'],
    ['api_name', 'key'],
    ['field_type', 'type'],
    ['options', 'options'],
    ['required', 'required'],
    ...TIMESTAMPS,
  ],
  reminder_sequence: [
    ['sequence_id', 'id'],
    ['name', 'name'],
    ['active', 'enabled'],
    ['trigger_event', 'trigger.event'],
    ['session_type', 'trigger.sessionType'],
    ['program_id', 'trigger.programId'],
    [
      'steps',
      'steps',
      [
        ['position', 'order'],
        ['offset_minutes', 'offsetMinutes'],
        ['channel', 'channel'],
        ['recipient', 'recipient'],
        ['template', 'template'],
        ['subject', 'subject'],
      ],
    ],
    ['created_by', 'createdBy.id'],
    ...TIMESTAMPS,
  ],
};

const CUSTOM_PATH = 'customFields';

type FieldKind = 'timestamp' | 'date' | 'other';

interface StreamCodec {
  key: string;
  table: ItemTable;
  kinds: Map<string, FieldKind>;
  coerce: Coercer;
  /** the same schema with every field optional: a tombstone carries little more than its key */
  coerceDeleted: Coercer;
}

const codecs = new Map<string, StreamCodec>();

function kindOf(type: unknown): FieldKind {
  const branches = Array.isArray(type) ? type : [type];
  for (const b of branches) {
    if (b && typeof b === 'object') {
      const logical = (b as { logicalType?: string }).logicalType;
      if (logical === 'timestamp-millis') return 'timestamp';
      if (logical === 'date') return 'date';
    }
  }
  return 'other';
}

function relaxed(schema: AvroSchema): AvroSchema {
  const fields = (schema.fields as Array<Record<string, unknown>>).map((f) => {
    if (f.name === 'custom' || (Array.isArray(f.type) && f.type.includes('null')) || 'default' in f) return f;
    return { ...f, type: ['null', f.type], default: null };
  });
  return { ...schema, fields };
}

function codec(stream: string): StreamCodec {
  let c = codecs.get(stream);
  if (!c) {
    const definition = profiStream(stream);
    const table = PROFI_API_ITEMS[stream];
    const schema = loadRecordSchema('profi', stream);
    const kinds = new Map<string, FieldKind>();
    for (const f of schema.fields as Array<{ name: string; type: unknown }>) kinds.set(f.name, kindOf(f.type));
    // strict, unlike the export: the API writes JSON in fixed formats, so a value it cannot type is a fault to
    // report, not an export's drift to empty
    const strict = { values: 'strict' } as const;
    c = { key: definition.key, table, kinds, coerce: createCoercer(schema, undefined, strict), coerceDeleted: createCoercer(relaxed(schema), undefined, strict) };
    codecs.set(stream, c);
  }
  return c;
}

function get(item: Record<string, unknown>, path: string): unknown {
  let at: unknown = item;
  for (const step of path.split('.')) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[step];
  }
  return at;
}

function put(item: Record<string, unknown>, path: string, value: unknown): void {
  const steps = path.split('.');
  let at = item;
  for (let i = 0; i < steps.length - 1; i++) {
    const next = at[steps[i]];
    if (next === null || typeof next !== 'object') at[steps[i]] = {};
    at = at[steps[i]] as Record<string, unknown>;
  }
  at[steps[steps.length - 1]] = value;
}

/** An object whose values are all null says nothing more than null: `coach: { id: null }` is `coach: null`. */
function collapse(value: Record<string, unknown>): Record<string, unknown> | null {
  let any = false;
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && k !== CUSTOM_PATH) value[k] = collapse(v as Record<string, unknown>);
    if (value[k] !== null) any = true;
  }
  return any ? value : null;
}

function flatten(table: ItemTable, item: Record<string, unknown>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [field, path, items] of table) {
    const v = get(item, path);
    if (items && Array.isArray(v)) {
      flat[field] = v.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? flatten(items, x as Record<string, unknown>) : x));
    } else if (v !== undefined) flat[field] = v;
  }
  return flat;
}

const DAY_MS = 86_400_000;

/**
 * One API item as a record of the stream: the item's nested shape flattened by PROFI_API_ITEMS, then typed
 * by the same rules as an export row, so an item and a CSV row of the same record give the same record.
 */
export function profiFromApiItem(stream: string, item: Record<string, unknown>): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
  const c = codec(stream);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { code: 'BAD_RECORD', reason: `profi ${stream} item is ${Array.isArray(item) ? 'an array' : String(item)}, not an object` };
  }
  const flat = flatten(c.table, item);
  const custom = item[CUSTOM_PATH];
  if (custom !== undefined && custom !== null) flat.custom = custom;
  const deleted = item[PROFI_API.deletes.flagField] === true;
  const out = (deleted ? c.coerceDeleted : c.coerce)(flat);
  if (!out.ok) {
    const idText = flat[c.key] === undefined || flat[c.key] === null ? 'without an id' : JSON.stringify(flat[c.key]);
    return { code: out.code, reason: `profi ${stream} item ${idText}: ${out.reason}` };
  }
  if (out.record[c.key] === null) return { code: 'MISSING_VALUE', reason: `profi ${stream} tombstone has no id` };
  return { record: out.record };
}

function apiValue(kind: FieldKind | undefined, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (kind === 'timestamp' && typeof v === 'number') return new Date(v).toISOString();
  if (kind === 'date' && typeof v === 'number') return new Date(v * DAY_MS).toISOString().slice(0, 10);
  return v;
}

function unflatten(table: ItemTable, kinds: Map<string, FieldKind> | null, record: Record<string, unknown>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [field, path, items] of table) {
    const v = record[field];
    if (items && Array.isArray(v)) put(item, path, v.map((x) => unflatten(items, null, x as Record<string, unknown>)));
    else put(item, path, apiValue(kinds?.get(field), v));
  }
  return item;
}

/** A record as the item Profi's API returns for it: the inverse of profiFromApiItem. */
export function profiToApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
  const c = codec(stream);
  const item = collapse(unflatten(c.table, c.kinds, record)) ?? {};
  item[CUSTOM_PATH] = { ...((record.custom as Record<string, string> | undefined) ?? {}) };
  return item;
}

/** Every stream has an item table; checked by a test, so a new stream cannot be forgotten here. */
export const PROFI_API_STREAMS: readonly string[] = PROFI_STREAM_NAMES.filter((s) => PROFI_API_ITEMS[s] !== undefined);
