import { MappingRejection } from './converter';

/** Trims; empty becomes null. */
export function text(v: string | null | undefined): string | null {
  if (v == null) return null;
  const t = v.trim();
  return t === '' ? null : t;
}

/** Enforces a destination column's maximum length before the destination refuses the whole write. */
export function limit(entity: string, column: string, v: string | null, max: number): string | null {
  if (v != null && [...v].length > max) {
    throw new MappingRejection(
      'VALUE_TOO_LONG',
      `${entity}.${column} allows ${max} characters; the value has ${[...v].length} ("${[...v].slice(0, 40).join('')}…")`,
    );
  }
  return v;
}

export function required(entity: string, column: string, v: string | null, from: string): string {
  if (v == null) throw new MappingRejection('MISSING_VALUE', `${entity}.${column} is required but the source's ${from} is empty`);
  return v;
}

export function normalizeEmail(v: string | null | undefined): string | null {
  const t = text(v);
  return t ? t.toLowerCase() : null;
}

/** Dataverse URL columns take bare domains badly in forms; give them a scheme. */
export function websiteUrl(domain: string | null | undefined): string | null {
  const t = text(domain);
  if (!t) return null;
  return /^https?:\/\//i.test(t) ? t : `https://${t}`;
}
