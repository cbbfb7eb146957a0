import { SampleDraws } from '@ferry/connectors/core';

/**
 * Seeded randomness for the Planports sample. Each row draws from a generator seeded by (seed, stream, index),
 * so a row never depends on the rows written before it: a quote can recompute its lines to total them, and a
 * line can recompute its quote's currency, without either being held in memory.
 */

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit seed from a number or a string (FNV-1a over UTF-16 units, then mixed). */
export function seedOf(seed: number | string): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`sample seed must be a finite number or a string, got ${seed}`);
    return avalanche(Math.trunc(seed) ^ avalanche(Math.trunc(seed / 0x1_0000_0000) + 0x3c6ef372));
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return avalanche(h);
}

/** sfc32, four words of state; fast and good enough for test data. */
export class Rng extends SampleDraws {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0, index = 0) {
    super();
    this.a = avalanche(seed ^ 0x9e3779b9);
    this.b = avalanche(Math.imul(stream + 1, 0x85ebca6b) ^ seed);
    this.c = avalanche(Math.imul(index + 1, 0xc2b2ae35) ^ avalanche(index / 0x1_0000_0000));
    this.d = 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** uniform in [0, 1) */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
}
