import { createHash } from 'crypto';
import type { AvroSchema } from '@ferry/connectors/core';
import {
  keyField,
  OWNER_EMAIL_FIELD,
  referenceField,
  SYNTHETIC_KEY_FIELD,
  type ExportFieldType,
  type ExportObject,
  type ExportSourceDocument,
} from './export-source.document';

const AVRO: Record<ExportFieldType, unknown> = {
  string: 'string',
  long: 'long',
  double: 'double',
  boolean: 'boolean',
  date: { type: 'int', logicalType: 'date' },
  timestamp: { type: 'long', logicalType: 'timestamp-millis' },
  money: 'string',
  percent: 'string',
};

const pascal = (s: string) => s.replace(/(^|_)([a-z0-9])/g, (_m, _p, c: string) => c.toUpperCase());

/**
 * The Avro record of one export object, generated from the confirmed description: every field optional except
 * the key (the single key column, or `ferry_key` hashed from a composite one), the keys found for references by
 * name and the owner's email when looked up, and `custom` for columns the description does not name (a column
 * added in a later drop lands there, as with the seed connectors).
 */
export function exportRecordSchema(o: ExportObject): AvroSchema {
  const key = keyField(o);
  const fields: Array<Record<string, unknown>> = [];
  if (key === SYNTHETIC_KEY_FIELD) fields.push({ name: SYNTHETIC_KEY_FIELD, type: 'string', doc: `hash of the normalised ${o.key.columns.join(', ')}` });
  for (const f of o.fields) {
    const type = AVRO[f.type];
    const extra: Record<string, unknown> = f.type === 'money' || f.type === 'percent' ? { 'ferry.kind': f.type } : {};
    fields.push(f.field === key ? { name: f.field, type: 'string', doc: f.column } : { name: f.field, type: ['null', type], default: null, doc: f.column, ...extra });
  }
  for (const r of o.references) {
    if (r.by === 'name') fields.push({ name: referenceField(o, r), type: ['null', 'string'], default: null, doc: `key of the ${r.object} whose ${r.targetColumn} is ${r.column}` });
  }
  if (o.owner) fields.push({ name: OWNER_EMAIL_FIELD, type: ['null', 'string'], default: null, doc: `the owner's email (${o.owner.column}, by ${o.owner.by})` });
  fields.push({ name: 'custom', type: { type: 'map', values: 'string' }, default: {} });
  return { type: 'record', name: pascal(o.name), namespace: 'ferry.source.export', fields };
}

export function exportRecordSchemas(doc: ExportSourceDocument): Record<string, AvroSchema> {
  return Object.fromEntries(doc.objects.map((o) => [o.name, exportRecordSchema(o)]));
}

/** How a value is compared when it keys or names a record: trimmed, spaces squeezed, case and accents ignored. */
export function normalKeyValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return text.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * A stable key from a composite natural key: the same normalised values give the same key in every drop, so a
 * re-read upserts the same record. Null when any part is blank (the record is then quarantined).
 */
export function syntheticKey(values: readonly unknown[]): string | null {
  const parts = values.map(normalKeyValue);
  if (parts.some((p) => p === '')) return null;
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}
