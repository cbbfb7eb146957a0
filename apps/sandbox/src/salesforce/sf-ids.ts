const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The three-character suffix that makes a 15-character id case-insensitive: one bit per upper-case letter. */
export function idSuffix(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    out += SUFFIX.charAt(bits);
  }
  return out;
}

/** A record id: key prefix, a two-character pod, then the counter in base 62, plus the checksum suffix. */
export function makeId(prefix: string, counter: number): string {
  let n = Math.max(0, Math.floor(counter));
  let digits = '';
  for (let i = 0; i < 10; i++) {
    digits = BASE62.charAt(n % 62) + digits;
    n = Math.floor(n / 62);
  }
  const id15 = `${prefix}5g${digits}`;
  return id15 + idSuffix(id15);
}

/** The 18-character form of a 15- or 18-character id, or null when the text cannot be an id. */
export function canonicalId(value: unknown): string | null {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value)) return null;
  const id15 = value.slice(0, 15);
  const suffix = idSuffix(id15);
  if (value.length === 18 && value.slice(15).toUpperCase() !== suffix) return null;
  return id15 + suffix;
}

export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';
