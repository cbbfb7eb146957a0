import type { RejectCode, SourceApiSpec } from '@ferry/connectors/core';
import { planportsStream } from './planports.catalog';
import { planportsFields, type PlanportsField } from './planports.schema';

/**
 * Planports' REST API (a paid add-on, so many customers only have the Excel export): an `X-Api-Key` header,
 * numbered pages from 1 of at most 200 items under `data`, `updated_since` in ISO 8601, and deleted records
 * listed as `{id, deleted: true, updated_at}` when asked with `include_deleted=true`.
 */
export const PLANPORTS_API: SourceApiSpec = {
  auth: { header: 'X-Api-Key' },
  pagination: { style: 'page', pageParam: 'page', sizeParam: 'per_page', maxPageSize: 200, firstPage: 1 },
  modifiedSince: { param: 'updated_since', format: 'iso' },
  itemsPath: 'data',
  deletes: { includeParam: 'include_deleted', flagField: 'deleted' },
};

/**
 * Where a flat record field sits in the API's item. By default the key is `id`, a reference `owner_id` is
 * `owner: {id}`, and every other field keeps its name; the groups below are how the API nests the rest.
 */
const NESTED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  contact: {
    whatsapp_phone: 'whatsapp.phone',
    whatsapp_opt_in: 'whatsapp.opt_in',
    whatsapp_last_message_at: 'whatsapp.last_message_at',
    whatsapp_message_count: 'whatsapp.message_count',
    whatsapp_conversation_ids: 'whatsapp.conversation_ids',
    source_platform: 'attribution.platform',
    meta_form_id: 'attribution.meta.form_id',
    meta_campaign: 'attribution.meta.campaign',
    google_ads_campaign: 'attribution.google_ads.campaign',
    google_click_id: 'attribution.google_ads.gclid',
    tiktok_campaign: 'attribution.tiktok.campaign',
    tiktok_ad_id: 'attribution.tiktok.ad_id',
  },
  lead: {
    source_platform: 'source.platform',
    campaign_name: 'source.campaign.name',
    campaign_id: 'source.campaign.id',
    ad_id: 'source.ad_id',
    form_id: 'source.form.id',
    form_name: 'source.form.name',
  },
  activity: {
    call_direction: 'call.direction',
    call_disposition: 'call.disposition',
    call_duration_seconds: 'call.duration_seconds',
    email_direction: 'email.direction',
    email_from: 'email.from',
    email_to: 'email.to',
    location: 'meeting.location',
    meeting_url: 'meeting.url',
  },
  order: {
    payment_status: 'payment.status',
    payment_method: 'payment.method',
    installments: 'payment.installments',
    paid_amount: 'payment.paid_amount',
    settlement_date: 'payment.settlement_date',
    invoice_number: 'payment.invoice_number',
  },
};

/** Text fields the API returns as arrays: ';'-joined ids. */
const ID_LISTS: Readonly<Record<string, readonly string[]>> = { contact: ['whatsapp_conversation_ids'] };
/** Text fields the API returns as JSON arrays; the record keeps them as compact JSON text. */
const JSON_FIELDS: Readonly<Record<string, readonly string[]>> = {
  board_automation_rule: ['conditions', 'actions'],
  workflow_automation: ['conditions', 'actions'],
};

type Shape = 'plain' | 'reference' | 'id-list' | 'json';

interface ApiField {
  field: PlanportsField;
  path: string[];
  shape: Shape;
}

const layouts = new Map<string, { key: string; cursor: string | null; fields: ApiField[] }>();

function layout(stream: string) {
  let hit = layouts.get(stream);
  if (hit) return hit;
  const def = planportsStream(stream);
  const refs = new Set(def.references.map((r) => r.field));
  const fields = planportsFields(stream).map((field): ApiField => {
    if (field.name === def.key) return { field, path: ['id'], shape: 'plain' };
    if (field.name === 'custom') return { field, path: ['custom_fields'], shape: 'plain' };
    if (refs.has(field.name)) return { field, path: [field.name.replace(/_id$/, ''), 'id'], shape: 'reference' };
    const nested = NESTED[stream]?.[field.name];
    const shape: Shape = ID_LISTS[stream]?.includes(field.name) ? 'id-list' : JSON_FIELDS[stream]?.includes(field.name) ? 'json' : 'plain';
    return { field, path: nested ? nested.split('.') : [field.name], shape };
  });
  hit = { key: def.key, cursor: def.cursor, fields };
  layouts.set(stream, hit);
  return hit;
}

const DAY = 86_400_000;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;

const isoDate = (days: number) => new Date(days * DAY).toISOString().slice(0, 10);

/** A record value as the API writes it. */
function toApiValue(f: ApiField, value: unknown): unknown {
  if (value === null || value === undefined) return f.shape === 'id-list' ? [] : null;
  switch (f.field.kind) {
    case 'timestamp':
      return new Date(value as number).toISOString();
    case 'date':
      return isoDate(value as number);
    default:
      if (f.shape === 'id-list') return (value as string).split(';');
      if (f.shape === 'json') return JSON.parse(value as string);
      return value;
  }
}

class ItemProblem extends Error {
  constructor(
    readonly code: RejectCode,
    message: string,
  ) {
    super(message);
  }
}

/** An API value as the record holds it; throws ItemProblem naming what is wrong. */
function fromApiValue(f: ApiField, value: unknown, where: string): unknown {
  if (f.shape === 'id-list') {
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '' || v.includes(';'))) {
      throw new ItemProblem('BAD_RECORD', `${where} should be an array of ids, got ${JSON.stringify(value)}`);
    }
    return value.length ? value.join(';') : null;
  }
  if (f.shape === 'json') {
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value)) throw new ItemProblem('BAD_RECORD', `${where} should be an array, got ${JSON.stringify(value)}`);
    return JSON.stringify(value);
  }
  if (value === null || value === undefined) {
    if (f.field.kind === 'map') return {};
    if (!f.field.nullable) throw new ItemProblem('MISSING_VALUE', `${where} is required but missing`);
    return null;
  }
  switch (f.field.kind) {
    case 'string':
      if (typeof value !== 'string') throw new ItemProblem('BAD_RECORD', `${where} should be text, got ${JSON.stringify(value)}`);
      return value;
    case 'money': {
      const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
      if (typeof text !== 'string' || !DECIMAL.test(text)) {
        throw new ItemProblem('BAD_DECIMAL', `${where} should be a decimal amount such as "1500.00", got ${JSON.stringify(value)}`);
      }
      const [whole, fraction = ''] = text.split('.');
      return fraction.length >= 2 ? text : `${whole}.${fraction.padEnd(2, '0')}`;
    }
    case 'int':
    case 'long':
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || (f.field.kind === 'int' && Math.abs(value) > 2 ** 31 - 1)) {
        throw new ItemProblem('BAD_NUMBER', `${where} should be a whole number, got ${JSON.stringify(value)}`);
      }
      return value;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ItemProblem('BAD_NUMBER', `${where} should be a number, got ${JSON.stringify(value)}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new ItemProblem('BAD_BOOLEAN', `${where} should be true or false, got ${JSON.stringify(value)}`);
      return value;
    case 'timestamp': {
      const ms = typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : NaN;
      if (!Number.isFinite(ms)) {
        throw new ItemProblem('BAD_TIMESTAMP', `${where} should be an ISO 8601 time with a zone, got ${JSON.stringify(value)}`);
      }
      return ms;
    }
    case 'date': {
      const m = typeof value === 'string' ? ISO_DATE.exec(value) : null;
      const days = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY : NaN;
      if (!m || !Number.isInteger(days) || isoDate(days) !== value) {
        throw new ItemProblem('BAD_DATE', `${where} should be a date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
      }
      return days;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) throw new ItemProblem('BAD_RECORD', `${where} should be an object, got ${JSON.stringify(value)}`);
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === null || v === undefined) continue;
        out[k] = typeof v === 'string' ? v : JSON.stringify(v);
      }
      return out;
    }
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown, shape: Shape): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    // A missing reference is `owner: null`, not `owner: {id: null}`.
    if (shape === 'reference' && value === null) {
      node[path[i]] = null;
      return;
    }
    node = (node[path[i]] ??= {}) as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
}

function getPath(source: Record<string, unknown>, path: string[], where: string): unknown {
  let node: unknown = source;
  for (let i = 0; i < path.length; i++) {
    if (node === null || node === undefined) return null;
    if (typeof node !== 'object' || Array.isArray(node)) {
      throw new ItemProblem('BAD_RECORD', `${where}: ${path.slice(0, i).join('.')} should be an object, got ${JSON.stringify(node)}`);
    }
    node = (node as Record<string, unknown>)[path[i]];
  }
  return node;
}

/** A flat record as the API returns it. */
export function toPlanportsApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const f of layout(stream).fields) {
    const value = f.field.kind === 'map' ? (record[f.field.name] ?? {}) : toApiValue(f, record[f.field.name]);
    setPath(item, f.path, value, f.shape);
  }
  return item;
}

/** One API item as a flat record, or the reject it earns. Tombstones become a record with only key and cursor. */
export function fromPlanportsApiItem(
  stream: string,
  item: Record<string, unknown>,
): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
  const { key, cursor, fields } = layout(stream);
  const id = item?.id;
  if (typeof id !== 'string' || id.trim() === '') {
    return { code: 'MISSING_VALUE', reason: `Planports ${stream} item has no id: ${JSON.stringify(item).slice(0, 200)}` };
  }
  try {
    const record: Record<string, unknown> = {};
    if (item.deleted === true) {
      for (const f of fields) record[f.field.name] = f.field.kind === 'map' ? {} : null;
      record[key] = id;
      if (cursor) record[cursor] = fromApiValue(fields.find((f) => f.field.name === cursor)!, item.updated_at, `${stream} ${id}: updated_at`);
      return { record };
    }
    for (const f of fields) {
      const where = `${stream} ${id}: ${f.path.join('.')}`;
      record[f.field.name] = fromApiValue(f, getPath(item, f.path, `${stream} ${id}`), where);
    }
    return { record };
  } catch (err) {
    if (err instanceof ItemProblem) return { code: err.code, reason: `Planports ${err.message}` };
    throw err;
  }
}
