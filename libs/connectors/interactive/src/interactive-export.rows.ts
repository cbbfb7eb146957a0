import { PreparedReject } from '@ferry/connectors/core';

/**
 * The shapes Interactive writes that the generic reader cannot type as they stand: the API's item envelope
 * (what the large NDJSON files and every API page hold) and the export's association rows. Each function turns
 * one such value into a flat row of labels the stream's schema names, or a reject saying why it cannot.
 */

export type Prepared = Record<string, unknown> | PreparedReject;

/** Streams whose NDJSON lines are API items: `{ id, properties: {...}, createdAt, updatedAt, archived }`. */
export const ITEM_SHAPED_STREAMS: ReadonlySet<string> = new Set(['company', 'contact', 'deal', 'matter', 'activity', 'note']);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * An API item as one flat row: `id`, every property, then `createdAt` and `updatedAt` (kept only when the
 * stream has those fields or they hold a value). `archived` and `associations` are dropped: deletions are the
 * poller's business and links come from the association stream.
 */
export function flattenItem(item: Record<string, unknown>, hasTimes: boolean): Prepared {
  const { id, properties, createdAt, updatedAt, archived, associations, ...rest } = item;
  void archived;
  void associations;
  if (properties !== undefined && properties !== null && !isPlainObject(properties)) {
    return new PreparedReject('BAD_RECORD', `"properties" is ${shown(properties)}, not an object of property values`);
  }
  const row: Record<string, unknown> = { id };
  if (properties) for (const [k, v] of Object.entries(properties)) if (k !== 'id') row[k] = v;
  if (hasTimes || (createdAt !== null && createdAt !== undefined)) row.createdAt = createdAt;
  if (hasTimes || (updatedAt !== null && updatedAt !== undefined)) row.updatedAt = updatedAt;
  for (const [k, v] of Object.entries(rest)) if (!(k in row)) row[k] = v;
  return row;
}

/** The object pairs an association row may join, each in its canonical order (the type's name). */
const ASSOCIATION_TYPES: Readonly<Record<string, readonly [string, string]>> = {
  contact_company: ['contact', 'company'],
  deal_contact: ['deal', 'contact'],
  matter_contact: ['matter', 'contact'],
  activity_contact: ['activity', 'contact'],
};

const PAIRS = new Map<string, string>();
for (const [type, [a, b]] of Object.entries(ASSOCIATION_TYPES)) {
  PAIRS.set(`${a}>${b}`, type);
  PAIRS.set(`${b}>${a}`, type);
}

const ASSOCIATION_LABELS = new Set(['fromObjectType', 'fromObjectId', 'toObjectType', 'toObjectId', 'label', 'primary']);

const text = (v: unknown) => (v === null || v === undefined ? '' : String(v).trim());

/**
 * An export association row (`fromObjectType`, `fromObjectId`, `toObjectType`, `toObjectId`, `label`,
 * `primary`) as an association record's row. The source has no id for a link, so the key is built from its
 * type, both ids in the type's order, and the label: a link written in either direction gets the same key.
 */
export function associationRow(values: Record<string, unknown>): Prepared {
  const from = text(values.fromObjectType).toLowerCase();
  const to = text(values.toObjectType).toLowerCase();
  const type = PAIRS.get(`${from}>${to}`);
  if (!type) {
    const known = Object.values(ASSOCIATION_TYPES).map(([a, b]) => `${a}-${b}`).join(', ');
    return new PreparedReject('BAD_RECORD', `it links ${from ? `"${from}"` : 'no object type'} to ${to ? `"${to}"` : 'no object type'}; the export's associations join ${known}`);
  }
  const ids: Record<string, string> = {};
  for (const [end, object] of [['fromObjectId', from], ['toObjectId', to]] as const) {
    const id = text(values[end]);
    if (!id) return new PreparedReject('MISSING_VALUE', `${end} is empty: an association needs the ids of both records it links`);
    ids[object] = id;
  }
  const [a, b] = ASSOCIATION_TYPES[type];
  const label = text(values.label);
  const row: Record<string, unknown> = {
    association_id: `${type}:${ids[a]}:${ids[b]}:${label}`,
    association_type: type,
    [`${a}_id`]: ids[a],
    [`${b}_id`]: ids[b],
    label: values.label,
    is_primary: values.primary,
  };
  for (const [k, v] of Object.entries(values)) if (!ASSOCIATION_LABELS.has(k) && !(k in row)) row[k] = v;
  return row;
}
