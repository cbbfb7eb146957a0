import { SampleDraws } from '@ferry/connectors/core';

/**
 * Seeded randomness for the sample. Every row draws from its own generator seeded by (seed, stream, index), so
 * a row's content depends on nothing written before it: the sample can be produced in one pass without
 * holding earlier rows, and a deal can recompute the company its contact was given.
 */

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashSeed(seed: number | string): number {
  if (typeof seed === 'number') return fmix32(Math.trunc(seed) ^ Math.trunc(seed / 0x1_0000_0000));
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return fmix32(h);
}

export class SampleRandom extends SampleDraws {
  private state: number;

  constructor(seed: number) {
    super();
    this.state = seed >>> 0;
  }

  static forRow(seed: number, stream: number, index: number): SampleRandom {
    return new SampleRandom(fmix32(seed ^ fmix32(Math.imul(stream + 1, 0x9e3779b9) ^ fmix32(index + 0x632be5ab))));
  }

  /** mulberry32: uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
