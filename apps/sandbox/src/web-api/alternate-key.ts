import { createHash } from 'crypto';
import { KeyValues, KeySyntaxError, UNADDRESSABLE_KEY_CHARS, parseKeySegment } from '@ferry/destinations/dynamics';
import { EntityKeyMetadata, EntityTable } from '../metadata/entity-metadata';
import { Errors } from './dataverse-http.error';

/**
 * A record's address: its GUID, or an alternate key's values. The table's first key lives in the records' alt_key
 * column; a further key (`secondary`) is found through its own unique index, and its `altKey` carries the key name.
 */
export type RecordAddress = { kind: 'id'; id: string } | { kind: 'key'; altKey: string; values: KeyValues; secondary?: EntityKeyMetadata };

/** Name of the unique index that enforces a further alternate key of a table. */
export function secondaryIndexName(table: string, key: string): string {
  return `records_key_${createHash('sha1').update(`${table}.${key}`).digest('hex').slice(0, 20)}`;
}

/**
 * The stored form of an alternate-key value. Lower-cased because the platform's SQL collation is case-insensitive:
 * 'ABC' and 'abc' are the same key there, so they are here.
 */
export function canonicalKey(values: (string | number)[]): string {
  const parts = values.map((v) => String(v).toLowerCase());
  return parts.length === 1 ? parts[0] : JSON.stringify(parts);
}

/** The key value a record's columns give it, or null when a key column is empty or the key is not active. */
export function keyOfData(table: EntityTable, data: Record<string, unknown>): string | null {
  const key = table.key;
  if (!key || key.status !== 'Active') return null;
  const values: (string | number)[] = [];
  for (const a of key.keyAttributes) {
    const v = data[a];
    if (v === null || v === undefined || v === '') return null;
    values.push(v as string | number);
  }
  return canonicalKey(values);
}

/** Reads what stands between a record segment's parentheses: a GUID or the table's alternate key. */
export function parseAddress(table: EntityTable, text: string): RecordAddress {
  let ref;
  try {
    ref = parseKeySegment(text);
  } catch (err) {
    if (err instanceof KeySyntaxError) throw Errors.invalidKey(table.logicalName);
    throw err;
  }
  if (ref.kind === 'id') return ref;
  const names = Object.keys(ref.values);
  const matches = (k: EntityKeyMetadata) => names.length === k.keyAttributes.length && k.keyAttributes.every((a) => names.includes(a));
  // A key that is not Active is not addressable yet (the platform's exact answer for that case is not known [U]).
  const key = table.meta.keys.find((k) => k.status === 'Active' && matches(k));
  if (!key) throw Errors.invalidKey(table.logicalName);
  for (const v of Object.values(ref.values)) {
    const bad = UNADDRESSABLE_KEY_CHARS.exec(String(v));
    if (bad) throw Errors.dangerousPath(bad[0]);
  }
  const canonical = canonicalKey(key.keyAttributes.map((a) => ref.values[a]));
  if (key === table.key) return { kind: 'key', altKey: canonical, values: ref.values };
  return { kind: 'key', altKey: `${key.logicalName}|${canonical}`, values: ref.values, secondary: key };
}
