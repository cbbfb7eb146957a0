import { createCoercer, loadRecordSchema, type Coercer, type RejectCode, type SourceApiSpec } from '@ferry/connectors/core';
import { LEAF360_FIELDS, LEAF360_STREAMS, leaf360Key, type Leaf360FieldSpec, type Leaf360Stream } from './leaf360.records';
import { LEAF360_CATALOG } from './leaf360.catalog';

/**
 * The Leaf360 REST API: bearer token, cursor pages of at most 250 items, `modified_since` in ISO 8601,
 * tombstones on request. An item is the record in the API's own shape:
 *
 *   { "id": "dl_0000001", "created_at": "…Z", "updated_at": "…Z",
 *     "properties": { "dealname": "…", "loan_amount": "350000.00", "closedate": "2024-06-30", … },
 *     "associations": { "company": "co_0000001", "contact": null },
 *     "owner": { "email": "alicia.moreno@contoso-lending.example" },
 *     "custom_fields": { "loan_number": "LN-2024-000123" } }
 *
 * Lookup fields (the catalog's references) become associations named without their `_id`, the stream's
 * owner email becomes `owner`, times are ISO 8601 and dates YYYY-MM-DD. A deleted record comes back as
 * `{ "id": …, "is_deleted": true }` when the request says `include_deleted=true`.
 */
export const LEAF360_API: SourceApiSpec = {
  auth: { header: 'Authorization', scheme: 'Bearer' },
  pagination: { style: 'cursor', cursorParam: 'cursor', sizeParam: 'limit', maxPageSize: 250, nextCursorPath: 'next_cursor' },
  modifiedSince: { param: 'modified_since', format: 'iso' },
  itemsPath: 'items',
  deletes: { includeParam: 'include_deleted', flagField: 'is_deleted' },
};

/** The field each stream's API item carries as `owner: { email }`. */
const OWNER_FIELD: Partial<Record<Leaf360Stream, string>> = {
  contact: 'loan_officer',
  deal: 'loan_officer',
  engagement: 'owner_email',
  attachment: 'uploaded_by',
  report: 'owner_email',
};

const TOP_LEVEL = new Set(['created_at', 'updated_at']);

interface ApiShape {
  key: string;
  path: string;
  /** record field → association name */
  associations: Map<string, string>;
  owner: string | null;
  fields: readonly Leaf360FieldSpec[];
}

const shapes = new Map<Leaf360Stream, ApiShape>();

function shapeOf(stream: string): ApiShape {
  if (!(LEAF360_STREAMS as readonly string[]).includes(stream)) {
    throw new Error(`leaf360 has no stream "${stream}" (streams: ${LEAF360_STREAMS.join(', ')})`);
  }
  const s = stream as Leaf360Stream;
  let shape = shapes.get(s);
  if (!shape) {
    const def = LEAF360_CATALOG.find((d) => d.name === s)!;
    shape = {
      key: leaf360Key(s),
      path: def.api?.path ?? `/${s}`,
      associations: new Map(def.references.map((r) => [r.field, r.field.replace(/_id$/, '')])),
      owner: OWNER_FIELD[s] ?? null,
      fields: LEAF360_FIELDS[s],
    };
    shapes.set(s, shape);
  }
  return shape;
}

const coercers = new Map<string, Coercer>();
function coercerFor(stream: Leaf360Stream): Coercer {
  let c = coercers.get(stream);
  if (!c) {
    // strict, unlike the export: the API writes JSON in fixed formats, so a value it cannot type is a fault to
    // report, not an export's drift to empty
    c = createCoercer(loadRecordSchema('leaf360', stream), undefined, { values: 'strict' });
    coercers.set(stream, c);
  }
  return c;
}

const isoTime = (v: unknown) => (typeof v === 'number' ? new Date(v).toISOString() : null);
const isoDate = (v: unknown) => (typeof v === 'number' ? new Date(v * 86_400_000).toISOString().slice(0, 10) : null);

function encode(spec: Leaf360FieldSpec, v: unknown): unknown {
  if (v === undefined) return spec.kind === 'text-map' ? {} : spec.kind === 'text-list' || spec.kind === 'map-list' ? [] : null;
  if (spec.kind === 'timestamp') return isoTime(v);
  if (spec.kind === 'date') return isoDate(v);
  return v;
}

/** A record as the API serves it: the inverse of leaf360FromApiItem. */
export function leaf360ToApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
  const shape = shapeOf(stream);
  const item: Record<string, unknown> = { id: record[shape.key] };
  const properties: Record<string, unknown> = {};
  const associations: Record<string, unknown> = {};
  for (const spec of shape.fields) {
    if (spec.name === shape.key) continue;
    const value = record[spec.name];
    const association = shape.associations.get(spec.name);
    if (TOP_LEVEL.has(spec.name)) item[spec.name] = encode(spec, value);
    else if (association) associations[association] = value ?? null;
    else if (spec.name === shape.owner) item.owner = value == null ? null : { email: value };
    else properties[spec.name] = encode(spec, value);
  }
  item.properties = properties;
  if (shape.associations.size > 0) item.associations = associations;
  item.custom_fields = { ...((record.custom as Record<string, string> | undefined) ?? {}) };
  return item;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type FromApi = { record: Record<string, unknown> } | { code: RejectCode; reason: string };

/**
 * An API item as a record of its stream, typed by the same schema-driven coercion as the export; a tombstone
 * (`is_deleted: true`) becomes a record carrying only its key. A problem names the resource, the item and the
 * property.
 */
export function leaf360FromApiItem(stream: string, item: Record<string, unknown>): FromApi {
  const shape = shapeOf(stream);
  const s = stream as Leaf360Stream;
  if (!isObject(item)) return { code: 'BAD_RECORD', reason: `${shape.path}: an item must be an object, not ${JSON.stringify(item)?.slice(0, 80)}` };
  const rawId = item.id;
  const id = typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : rawId;
  if (typeof id !== 'string' || id.trim() === '') {
    return { code: 'MISSING_VALUE', reason: `${shape.path}: an item has no id (${JSON.stringify(item).slice(0, 120)})` };
  }
  const at = `${shape.path} item ${id}`;
  if (item[LEAF360_API.deletes.flagField] === true) return { record: tombstone(s, shape, id.trim()) };
  for (const part of ['properties', 'associations', 'custom_fields'] as const) {
    if (item[part] !== undefined && item[part] !== null && !isObject(item[part])) {
      return { code: 'BAD_RECORD', reason: `${at}: "${part}" must be an object, not ${JSON.stringify(item[part]).slice(0, 80)}` };
    }
  }
  if (item.owner !== undefined && item.owner !== null && !(isObject(item.owner) && (item.owner.email === null || typeof item.owner.email === 'string'))) {
    return { code: 'BAD_RECORD', reason: `${at}: "owner" must be an object with an email, not ${JSON.stringify(item.owner).slice(0, 80)}` };
  }
  const values: Record<string, unknown> = { ...((item.properties as Record<string, unknown> | undefined) ?? {}) };
  delete values.custom;
  values[shape.key] = id;
  for (const t of TOP_LEVEL) if (t in item) values[t] = item[t];
  const associations = (item.associations as Record<string, unknown> | undefined) ?? {};
  for (const [field, name] of shape.associations) values[field] = associations[name] ?? null;
  for (const name of Object.keys(associations)) {
    if (![...shape.associations.values()].includes(name)) values[`association_${name}`] = associations[name];
  }
  if (shape.owner) values[shape.owner] = isObject(item.owner) ? item.owner.email : null;
  values.custom = (item.custom_fields as Record<string, unknown> | undefined) ?? {};
  const out = coercerFor(s)(values);
  return out.ok ? { record: out.record } : { code: out.code, reason: `${at}: ${out.reason.replace(/^column /, 'property ')}` };
}

function tombstone(stream: Leaf360Stream, shape: ApiShape, id: string): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const spec of LEAF360_FIELDS[stream]) record[spec.name] = encode(spec, undefined);
  record[shape.key] = id;
  record.custom = {};
  return record;
}
