import { SampleDraws } from '@ferry/connectors/core';

/**
 * Seeded randomness for the Profi sample. Each row draws from its own generator, seeded by (seed, topic,
 * index), so any row can be recomputed on its own: a session finds its enrollment's client, and a duplicate
 * client copies an earlier client's email, without the generator holding earlier rows in memory.
 */

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit seed from a number or a text seed. */
export function seedOf(seed: number | string): number {
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new RangeError(`sample seed must be a finite number, got ${seed}`);
    return avalanche((Math.trunc(seed) >>> 0) ^ avalanche(Math.trunc(seed / 0x1_0000_0000) >>> 0));
  }
  let h = 0x9747b28c;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x5bd1e995);
  return avalanche(h);
}

export class ProfiRandom extends SampleDraws {
  private s: number;

  private constructor(state: number) {
    super();
    this.s = state >>> 0;
  }

  static of(seed: number, topic: number, index: number): ProfiRandom {
    return new ProfiRandom(avalanche(seed ^ avalanche(Math.imul(topic + 0x3c6e, 0x9e3779b1) ^ avalanche(index ^ 0x5f356495))));
  }

  /** uniform in [0, 1): splitmix32 */
  next(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  }
}
