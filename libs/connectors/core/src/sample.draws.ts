/**
 * The draws every sample generator makes from its seeded source. The generators themselves (`next()`) are in
 * sample.random.ts; each connector picks one and its seeding constants (pinned by its fixtures).
 */
export abstract class SampleDraws {
  /** uniform in [0, 1) */
  abstract next(): number;

  /** whole number in [0, n) */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** whole number in [lo, hi] */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** one item of [item, weight] pairs, by weight */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  /** n decimal digits */
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
}
