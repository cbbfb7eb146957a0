/**
 * Distinct counting in fixed memory: an exact set of value hashes up to a cap, then a HyperLogLog sketch.
 * Hashes are 53 bits from two independent 32-bit lanes, so the exact set confuses two values only with
 * odds around 1 in 10^12 at the cap, and the sketch draws its register index and rank from different lanes.
 */

export interface ValueHash {
  /** lane one: register index and the low bits of the exact key */
  a: number;
  /** lane two: rank (leading zeros) and the high bits of the exact key */
  b: number;
}

/** Two multiply-xorshift lanes over the UTF-16 code units, each finished with an avalanche step. */
export function hashValue(text: string): ValueHash {
  let a = 0x9e3779b9 ^ text.length;
  let b = 0x41c6ce57 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x85ebca6b);
    a = (a << 13) | (a >>> 19);
    b = Math.imul(b ^ c, 0xc2b2ae35);
    b = (b << 17) | (b >>> 15);
  }
  a = Math.imul(a ^ (a >>> 16), 0x7feb352d);
  a = Math.imul(a ^ (a >>> 15), 0x846ca68b);
  a ^= a >>> 16;
  b ^= Math.imul(a, 0x27d4eb2f);
  b = Math.imul(b ^ (b >>> 16), 0x7feb352d);
  b = Math.imul(b ^ (b >>> 15), 0x846ca68b);
  b ^= b >>> 16;
  return { a: a >>> 0, b: b >>> 0 };
}

/** The hash as one exact number below 2^53 (the set key). */
const exactKey = (h: ValueHash) => (h.b >>> 11) * 0x100000000 + h.a;

export class HyperLogLog {
  private readonly registers: Uint8Array;
  private readonly m: number;

  /** 2^precision registers of one byte; the standard error is about 1.04 / sqrt(2^precision) */
  constructor(readonly precision = 14) {
    if (!Number.isInteger(precision) || precision < 4 || precision > 18) throw new RangeError(`HyperLogLog precision ${precision} is outside 4..18`);
    this.m = 1 << precision;
    this.registers = new Uint8Array(this.m);
  }

  add(h: ValueHash): void {
    const index = h.a & (this.m - 1);
    // leading zeros of a 32-bit word, plus one; an all-zero word counts as 33
    const rank = h.b === 0 ? 33 : Math.clz32(h.b) + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  /**
   * Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017): it
   * works from the histogram of register values and needs neither a switch to linear counting for small
   * sets nor bias tables for the range between, where the original estimator errs by a few percent.
   */
  estimate(): number {
    const q = 32;
    const m = this.m;
    const c = new Array<number>(q + 2).fill(0);
    for (let i = 0; i < m; i++) c[this.registers[i]]++;
    let z = m * tau(1 - c[q + 1] / m);
    for (let k = q; k >= 1; k--) z = 0.5 * (z + c[k]);
    z += m * sigma(c[0] / m);
    return Math.round(m * m / (2 * Math.LN2 * z));
  }

  /** the sketch's relative standard error */
  get standardError(): number {
    return 1.04 / Math.sqrt(this.m);
  }
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  for (;;) {
    x *= x;
    const before = z;
    z += x * y;
    y += y;
    if (z === before) return z;
  }
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  for (;;) {
    x = Math.sqrt(x);
    const before = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
    if (z === before) return z / 3;
  }
}

export interface DistinctCount {
  value: number;
  exact: boolean;
}

/**
 * Exact up to `cap` distinct values, then the sketch's estimate. The sketch is fed from the first value, so
 * the switch loses nothing; memory is the cap plus 2^precision bytes, never a function of the input.
 */
export class DistinctCounter {
  private exact: Set<number> | null = new Set();
  private readonly sketch: HyperLogLog;

  constructor(
    readonly cap = 10_000,
    precision = 14,
  ) {
    this.sketch = new HyperLogLog(precision);
  }

  add(text: string): void {
    this.addHash(hashValue(text));
  }

  addHash(h: ValueHash): void {
    this.sketch.add(h);
    if (this.exact) {
      this.exact.add(exactKey(h));
      if (this.exact.size > this.cap) this.exact = null;
    }
  }

  count(): DistinctCount {
    if (this.exact) return { value: this.exact.size, exact: true };
    return { value: this.sketch.estimate(), exact: false };
  }
}
