import type { ColumnType } from '@ferry/contracts';

/**
 * One value in the form both sides can be compared in: what the map produced (Ferry's carried form: epoch millis,
 * days since 1970, decimal text) and what the destination returns (its wire form: ISO text, numbers) normalise to
 * the same text when they mean the same thing. Empty text and null are both "no value".
 */
export function normalizeValue(type: ColumnType, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && value === '') return null;
  switch (type) {
    // the map carries the file's path, the destination holds its body: the diff checks one is there
    case 'file':
      return 'a file';
    case 'datetime': {
      // Dataverse keeps whole seconds.
      const ms = typeof value === 'number' ? value : Date.parse(String(value));
      if (Number.isNaN(ms)) return `invalid:${String(value)}`;
      return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    }
    case 'dateonly': {
      if (typeof value === 'number') return new Date(value * 86_400_000).toISOString().slice(0, 10);
      const s = String(value);
      return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : `invalid:${s}`;
    }
    case 'money':
    case 'decimal': {
      const n = Number(value);
      // Money is held to 4 decimal places at most (Dataverse's money precision); compare there.
      return Number.isFinite(n) ? String(Math.round(n * 10_000) / 10_000) : `invalid:${String(value)}`;
    }
    case 'double': {
      const n = Number(value);
      return Number.isFinite(n) ? String(Number(n.toPrecision(12))) : `invalid:${String(value)}`;
    }
    case 'integer':
    case 'bigint':
    case 'picklist': {
      const n = Number(value);
      return Number.isFinite(n) ? String(Math.trunc(n)) : `invalid:${String(value)}`;
    }
    case 'boolean':
      if (typeof value === 'boolean') return String(value);
      if (value === 1 || value === 'true' || value === '1') return 'true';
      if (value === 0 || value === 'false' || value === '0') return 'false';
      return `invalid:${String(value)}`;
    case 'uniqueidentifier':
      return String(value).toLowerCase();
    default:
      // Text as written; line endings are the only thing a destination may rewrite without changing the value.
      return String(value).replace(/\r\n/g, '\n');
  }
}

/** What one source record's map output says a destination record should hold. */
export interface Contribution {
  /** the source object and key it came from */
  object: string;
  sourceKey: string;
  merge: 'last-wins' | 'non-empty-wins' | string;
  /** column → value as the map produced it */
  columns: Record<string, unknown>;
  /** lookup column → the parent's destination id (null: no parent), resolved through the id map */
  lookups: Record<string, string | null>;
}

export interface Mismatch {
  entity: string;
  /** destination key */
  key: string;
  /** the source records that make it, `object:key` */
  sources: string[];
  /** `(row)` when the whole record is missing */
  column: string;
  kind: 'missing' | 'value' | 'lookup';
  expected: string | null;
  actual: string | null;
}

/**
 * Compares a destination row with every source record that contributes to it. A column matches when the row
 * holds a value one of them gives (a many:1 merge keeps one of them: the last, or the last non-empty); a merge
 * that keeps non-empty values is satisfied by an empty contribution only if every contribution is empty.
 */
export function compareRecord(
  entity: string,
  key: string,
  types: Map<string, ColumnType>,
  contributions: Contribution[],
  actual: Record<string, unknown> | null,
  /** the parent id a destination image holds in a lookup column (each destination has its own image form) */
  lookupOf: (image: Record<string, unknown>, column: string) => string | null,
): Mismatch[] {
  const sources = contributions.map((c) => `${c.object}:${c.sourceKey}`);
  if (!actual) return [{ entity, key, sources, column: '(row)', kind: 'missing', expected: 'a record with this key', actual: null }];
  const out: Mismatch[] = [];
  const columns = new Set(contributions.flatMap((c) => Object.keys(c.columns)));
  for (const column of [...columns].sort()) {
    const type = types.get(column) ?? 'string';
    const offered = contributions.filter((c) => column in c.columns).map((c) => ({ merge: c.merge, v: normalizeValue(type, c.columns[column]) }));
    const got = normalizeValue(type, actual[column]);
    if (acceptable(offered, got)) continue;
    out.push({ entity, key, sources, column, kind: 'value', expected: describe(offered), actual: got });
  }
  const lookups = new Set(contributions.flatMap((c) => Object.keys(c.lookups)));
  for (const column of [...lookups].sort()) {
    const offered = contributions.filter((c) => column in c.lookups).map((c) => ({ merge: c.merge, v: c.lookups[column]?.toLowerCase() ?? null }));
    const raw = lookupOf(actual, column);
    const got = raw === null || raw === '' ? null : raw.toLowerCase();
    if (acceptable(offered, got)) continue;
    out.push({ entity, key, sources, column, kind: 'lookup', expected: describe(offered), actual: got });
  }
  return out;
}

function acceptable(offered: Array<{ merge: string; v: string | null }>, got: string | null): boolean {
  if (offered.some((o) => o.v === got)) {
    // An empty row value is right only where a merge could have left it empty.
    return got !== null || offered.every((o) => o.v === null || (o.merge !== 'non-empty-wins' && o.merge !== 'fills-existing'));
  }
  // Keeping non-empty values: an empty contribution never clears a column, so null offered by one is no answer.
  return false;
}

function describe(offered: Array<{ v: string | null }>): string | null {
  const values = [...new Set(offered.map((o) => o.v))];
  if (values.length === 1) return values[0];
  return values.map((v) => (v === null ? '(empty)' : v)).join(' | ');
}
