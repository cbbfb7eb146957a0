import { SampleDraws } from '@ferry/connectors/core';

/**
 * Seeded randomness for the Interactive sample. Each row gets its own generator, seeded from
 * (seed, stream, row index), so any row can be recomputed on its own: a note can ask which company its
 * contact has without the contacts being kept in memory, and the sample streams in one pass.
 */

/** MurmurHash3's finaliser: a cheap, well-mixed 32-bit hash. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Folds a numeric or text seed into 32 bits (FNV-1a for text). */
export function seedOf(seed: number | string): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`sample seed must be a finite number, got ${seed}`);
    return mix32((Math.trunc(seed) >>> 0) ^ mix32(Math.floor(Math.trunc(seed) / 4294967296) >>> 0));
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return mix32(h >>> 0);
}

export class Rng extends SampleDraws {
  private s: number;

  constructor(seed: number) {
    super();
    this.s = seed >>> 0;
  }

  static row(seed: number, stream: number, index: number): Rng {
    return new Rng(mix32(seed ^ mix32(Math.imul(stream + 0x51, 0x9e3779b1) ^ mix32(index ^ 0x5bd1e995))));
  }

  /** mulberry32, uniform in [0, 1) */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), this.s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
