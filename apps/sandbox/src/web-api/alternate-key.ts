import { KeyValues, KeySyntaxError, UNADDRESSABLE_KEY_CHARS, parseKeySegment } from '@ferry/destinations/dynamics';
import { EntityTable } from '../metadata/entity-metadata';
import { Errors } from './dataverse-http.error';

export type RecordAddress = { kind: 'id'; id: string } | { kind: 'key'; altKey: string; values: KeyValues };

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
  const key = table.key;
  const names = Object.keys(ref.values);
  if (!key || key.status !== 'Active' || names.length !== key.keyAttributes.length || !key.keyAttributes.every((a) => names.includes(a))) {
    throw Errors.invalidKey(table.logicalName);
  }
  for (const v of Object.values(ref.values)) {
    const bad = UNADDRESSABLE_KEY_CHARS.exec(String(v));
    if (bad) throw Errors.dangerousPath(bad[0]);
  }
  return { kind: 'key', altKey: canonicalKey(key.keyAttributes.map((a) => ref.values[a])), values: ref.values };
}
