import { finiteSeed, lowbiasMix, rowSeed, seedHigh, SplitMix32, textSeed } from '@ferry/connectors/core';

/** The Profi sample's seeding: low-bias-mixed rows of a splitmix generator (its constants pin the fixtures). */
export function seedOf(seed: number | string): number {
  if (typeof seed !== 'number') return textSeed(seed, lowbiasMix, 0x9747b28c, 0x5bd1e995);
  const whole = finiteSeed(seed);
  return lowbiasMix((whole >>> 0) ^ (lowbiasMix(seedHigh(whole) >>> 0)));
}

export class ProfiRandom extends SplitMix32 {
  static of(seed: number, topic: number, index: number): ProfiRandom {
    return new ProfiRandom(rowSeed(lowbiasMix, seed, Math.imul(topic + 0x3c6e, 0x9e3779b1), index ^ 0x5f356495));
  }
}
