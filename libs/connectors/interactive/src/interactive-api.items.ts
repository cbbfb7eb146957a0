import { createCoercer, loadRecordSchema, PreparedReject, type AvroSchema, type Coercer, type RejectCode } from '@ferry/connectors/core';
import type { InteractiveApiItem } from './interactive.api';
import { interactiveStream } from './interactive.catalog';
import { flattenItem } from './interactive-export.rows';

/**
 * The API's item envelope ⇄ a flat record. Every property travels as text, as the API sends it: times as
 * ISO 8601 in UTC, dates as YYYY-MM-DD, booleans as "true"/"false", money as its exact decimal text. The
 * record's custom values become properties of their own, so what the account added survives a round trip.
 */

type FieldKind = 'timestamp' | 'date' | 'boolean' | 'number' | 'text';

interface StreamShape {
  key: string;
  hasTimes: boolean;
  kinds: Map<string, FieldKind>;
  coerce: Coercer;
}

const shapes = new Map<string, StreamShape>();

function kindOf(type: unknown): FieldKind {
  const branch = Array.isArray(type) ? type.find((t) => t !== 'null') : type;
  if (typeof branch === 'object' && branch !== null) {
    const t = branch as { type: string; logicalType?: string };
    if (t.logicalType === 'timestamp-millis') return 'timestamp';
    if (t.logicalType === 'date') return 'date';
    return kindOf(t.type);
  }
  if (branch === 'boolean') return 'boolean';
  if (branch === 'int' || branch === 'long' || branch === 'float' || branch === 'double') return 'number';
  return 'text';
}

function shapeOf(stream: string): StreamShape {
  let shape = shapes.get(stream);
  if (!shape) {
    const def = interactiveStream(stream);
    const schema: AvroSchema = loadRecordSchema('interactive', stream);
    const fields = schema.fields as Array<{ name: string; type: unknown }>;
    const kinds = new Map(fields.filter((f) => f.name !== 'custom').map((f) => [f.name, kindOf(f.type)]));
    // strict, unlike the export: the API writes JSON in fixed formats, so a value it cannot type is a fault to
    // report, not an export's drift to empty
    const coerce = createCoercer(schema, { file: def.api?.path ?? stream, format: 'json', columns: { id: def.key } }, { values: 'strict' });
    shape = { key: def.key, hasTimes: kinds.has('created_at') && kinds.has('updated_at'), kinds, coerce };
    shapes.set(stream, shape);
  }
  return shape;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

function dateText(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
}

function propertyText(kind: FieldKind, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'timestamp':
      return new Date(v as number).toISOString();
    case 'date':
      return dateText(v as number);
    default:
      return String(v);
  }
}

/** One record as the item the API returns for it. */
export function toInteractiveApiItem(stream: string, record: Record<string, unknown>): InteractiveApiItem {
  const { key, hasTimes, kinds } = shapeOf(stream);
  const properties: Record<string, string | null> = {};
  for (const [field, kind] of kinds) {
    if (field === key || (hasTimes && (field === 'created_at' || field === 'updated_at'))) continue;
    properties[field] = propertyText(kind, record[field]);
  }
  const custom = (record.custom ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(custom)) if (!(k in properties)) properties[k] = v;
  return {
    id: String(record[key]),
    properties,
    createdAt: hasTimes ? propertyText('timestamp', record.created_at) : null,
    updatedAt: hasTimes ? propertyText('timestamp', record.updated_at) : null,
    archived: false,
  };
}

/** One API item as a record of the stream, or why it cannot be one (the reason names the item). */
export function fromInteractiveApiItem(
  stream: string,
  item: Record<string, unknown>,
): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
  const { hasTimes, coerce } = shapeOf(stream);
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    return { code: 'BAD_RECORD', reason: `${stream} item is ${JSON.stringify(item)}, not an object` };
  }
  const where = `${stream} item ${typeof item.id === 'string' || typeof item.id === 'number' ? item.id : '(no id)'}`;
  const prepared = flattenItem(item, hasTimes);
  if (prepared instanceof PreparedReject) return { code: prepared.code, reason: `${where}: ${prepared.reason}` };
  const out = coerce(prepared);
  return out.ok ? { record: out.record } : { code: out.code, reason: `${where}: ${out.reason}` };
}
