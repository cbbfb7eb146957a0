import { SampleDraws } from './sample.draws';

/**
 * Seeded randomness for the sample generators. Every generator draws each row from its own small generator,
 * seeded by (seed, stream, row index), so a row never depends on the rows written before it and the sample
 * streams in one pass. The mixers and generators live here once; a connector only picks them and its
 * constants (which pin its fixtures, so they are not shared).
 */

/** A bijective 32-bit finaliser: every input bit moves about half the output bits. */
export type Mix32 = (h: number) => number;

/** MurmurHash3's finaliser. */
export const murmur3Mix: Mix32 = (h) => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

/** The low-bias finaliser (two multiplications, shifts 16/15/16). */
export const lowbiasMix: Mix32 = (h) => {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
};

const TWO_32 = 0x1_0000_0000;

/** A numeric seed's whole part, refusing what cannot seed a sample. */
export function finiteSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`sample seed must be a finite number, got ${seed}`);
  return Math.trunc(seed);
}

/** The high 32 bits of a whole seed (as a seed above 2^32 is written). */
export const seedHigh = (whole: number) => Math.trunc(whole / TWO_32);

/** A text seed folded into 32 bits (FNV-1a over UTF-16 units by default), then mixed. */
export function textSeed(text: string, mix: Mix32, basis = 0x811c9dc5, prime = 0x01000193): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), prime);
  return mix(h >>> 0);
}

/** The state of one row's generator: the seed, the stream's term and the row's term, each mixed in. */
export function rowSeed(mix: Mix32, seed: number, streamTerm: number, indexTerm: number): number {
  return mix(seed ^ mix(streamTerm ^ mix(indexTerm)));
}

/** A generator with one word of state, seeded directly with a row's state. */
abstract class OneWordRandom extends SampleDraws {
  protected s: number;

  constructor(state: number) {
    super();
    this.s = state >>> 0;
  }
}

/** mulberry32. */
export class Mulberry32 extends OneWordRandom {
  /** uniform in [0, 1) */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.s ^ (this.s >>> 15), this.s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** A splitmix-style counter generator: the state stepped by the golden ratio, then mixed. */
export class SplitMix32 extends OneWordRandom {
  /** uniform in [0, 1) */
  next(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296;
  }
}

/** sfc32: four words of state, seeded from (seed, stream, index) and warmed up. */
export class Sfc32 extends SampleDraws {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0, index = 0, mix: Mix32 = lowbiasMix) {
    super();
    this.a = mix(seed ^ 0x9e3779b9);
    this.b = mix(Math.imul(stream + 1, 0x85ebca6b) ^ seed);
    this.c = mix(Math.imul(index + 1, 0xc2b2ae35) ^ mix(index / TWO_32));
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
