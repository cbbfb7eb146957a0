import { finiteSeed, lowbiasMix, seedHigh, Sfc32, textSeed } from '@ferry/connectors/core';

/** The Planports sample's seeding: sfc32 per (seed, stream, index) (its constants pin the fixtures). */
export function seedOf(seed: number | string): number {
  if (typeof seed !== 'number') return textSeed(seed, lowbiasMix);
  const whole = finiteSeed(seed);
  return lowbiasMix(whole ^ lowbiasMix(seedHigh(whole) + 0x3c6ef372));
}

export { Sfc32 as Rng };
