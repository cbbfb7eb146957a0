import { finiteSeed, Mulberry32, murmur3Mix, rowSeed, textSeed } from '@ferry/connectors/core';

/** The Interactive sample's seeding: murmur3-mixed rows of mulberry32 (its constants pin the fixtures). */
export function seedOf(seed: number | string): number {
  if (typeof seed !== 'number') return textSeed(seed, murmur3Mix);
  const whole = finiteSeed(seed);
  return murmur3Mix((whole >>> 0) ^ murmur3Mix(Math.floor(whole / 4294967296) >>> 0));
}

export class Rng extends Mulberry32 {
  static row(seed: number, stream: number, index: number): Rng {
    return new Rng(rowSeed(murmur3Mix, seed, Math.imul(stream + 0x51, 0x9e3779b1), index ^ 0x5bd1e995));
  }
}
