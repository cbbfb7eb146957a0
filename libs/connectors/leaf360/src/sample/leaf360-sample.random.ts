import { Mulberry32, murmur3Mix, rowSeed, seedHigh, textSeed } from '@ferry/connectors/core';

/** The Leaf360 sample's seeding: murmur3-mixed rows of mulberry32 (its constants pin the fixtures). */
export function hashSeed(seed: number | string): number {
  if (typeof seed !== 'number') return textSeed(seed, murmur3Mix);
  return murmur3Mix(Math.trunc(seed) ^ seedHigh(seed));
}

export class SampleRandom extends Mulberry32 {
  static forRow(seed: number, stream: number, index: number): SampleRandom {
    return new SampleRandom(rowSeed(murmur3Mix, seed, Math.imul(stream + 1, 0x9e3779b9), index + 0x632be5ab));
  }
}
