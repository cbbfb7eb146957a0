import type { StreamDefinition } from '@ferry/connectors/core';

/** mulberry32: the mutation mode's only source of randomness, so a seed replays the same choices. */
export class MutationRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  uuid(): string {
    const hex = (n: number) => Array.from({ length: n }, () => this.int(16).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[this.int(4)]}${hex(3)}-${hex(12)}`;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A new key shaped like an existing one: a fresh UUID for a UUID, otherwise the same prefix with `number` (which the
 * caller keeps above every number a key of the stream ends with, so the key is new) padded to the same width. A key
 * the record holds as a number stays a number.
 */
export function newKeyLike(original: unknown, number: number, rng: MutationRandom): string | number {
  if (typeof original === 'number') return number;
  const text = String(original ?? '');
  if (UUID.test(text)) {
    const id = rng.uuid();
    return text === text.toUpperCase() ? id.toUpperCase() : id;
  }
  const m = /^(.*?)(\d+)$/.exec(text);
  if (m) return `${m[1]}${String(number).padStart(m[2].length, '0')}`;
  return `${text || 'new'}-${number}`;
}

/** Fields a change may touch: plain values other than the key, the cursor, lookups and the custom map. */
export function changeableFields(def: StreamDefinition, record: Record<string, unknown>): string[] {
  const fixed = new Set([def.key, def.cursor ?? '', 'custom', ...def.references.map((r) => r.field)]);
  return Object.keys(record).filter((f) => {
    const v = record[f];
    return !fixed.has(f) && (v === null || ['string', 'number', 'boolean'].includes(typeof v));
  });
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** A different value of the same kind, for a field no other record could lend one for. */
export function alteredValue(value: unknown, rng: MutationRandom): unknown {
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'number') return Number.isInteger(value) ? value + 1 + rng.int(5) : Math.round(value * (1.01 + rng.next() / 10) * 100) / 100 + 0.01;
  if (typeof value !== 'string') return undefined;
  const d = DECIMAL.exec(value);
  if (d) {
    const scale = d[3]?.length ?? 0;
    const step = (1 + rng.int(500)) * 10 ** scale;
    const units = BigInt(`${d[1]}${d[2]}${d[3] ?? ''}`) + BigInt(step);
    const negative = units < 0n;
    const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
    return `${negative ? '-' : ''}${scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits}`;
  }
  if (ISO_DATE.test(value) && Number.isFinite(Date.parse(value))) {
    const shifted = new Date(Date.parse(value) + (1 + rng.int(30)) * 86_400_000).toISOString();
    return value.length === 10 ? shifted.slice(0, 10) : shifted;
  }
  const at = value.indexOf('@');
  if (at > 0) return `${value.slice(0, at)}.${1 + rng.int(99)}${value.slice(at)}`;
  return `${value} (edited)`;
}

/**
 * Changes one or two fields of a record: where another record (the donor) holds a different value it is copied,
 * which keeps picklists, emails and amounts realistic; otherwise the value is altered in kind. Returns a new
 * object and the fields changed.
 */
export function changeFields(
  def: StreamDefinition,
  record: Record<string, unknown>,
  donor: Record<string, unknown> | null,
  rng: MutationRandom,
  howMany: number,
): { data: Record<string, unknown>; fields: string[] } {
  const data = { ...record };
  const fields: string[] = [];
  const candidates = rng.shuffle(changeableFields(def, record));
  for (const f of candidates) {
    if (fields.length >= howMany) break;
    if (donor && f in donor && JSON.stringify(donor[f]) !== JSON.stringify(record[f])) {
      data[f] = donor[f];
      fields.push(f);
    }
  }
  for (const f of candidates) {
    if (fields.length >= howMany) break;
    if (fields.includes(f) || record[f] === null) continue;
    const v = alteredValue(record[f], rng);
    if (v !== undefined && v !== record[f]) {
      data[f] = v;
      fields.push(f);
    }
  }
  return { data, fields };
}
