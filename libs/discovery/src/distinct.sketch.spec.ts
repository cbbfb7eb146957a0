import { DistinctCounter, hashValue, HyperLogLog } from './distinct.sketch';

const relErr = (estimate: number, truth: number) => Math.abs(estimate - truth) / truth;

describe('hashValue', () => {
  it('is deterministic and spreads near-identical inputs', () => {
    expect(hashValue('ct_1')).toEqual(hashValue('ct_1'));
    const a = hashValue('ct_1');
    const b = hashValue('ct_2');
    expect(a.a).not.toBe(b.a);
    expect(a.b).not.toBe(b.b);
  });

  it('has no collisions over 200,000 sequential keys', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) {
      const h = hashValue(`co_${i}`);
      seen.add(`${h.a}:${h.b}`);
    }
    expect(seen.size).toBe(200_000);
  });

  it('fills the register index bits evenly', () => {
    const buckets = new Array(16).fill(0);
    for (let i = 0; i < 160_000; i++) buckets[hashValue(`v${i}`).a & 15]++;
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(400);
  });
});

describe('HyperLogLog', () => {
  // 2^14 registers: standard error 0.8%, so 3% is more than three standard errors
  it.each([
    ['sequential ids', (i: number) => `ct_${i}`],
    ['emails', (i: number) => `person.${i}@mail${i % 97}.example`],
    ['numbers as text', (i: number) => String(i * 7919)],
    ['uuid-like text', (i: number) => `${(i * 2654435761) >>> 0}-${i.toString(16)}-${(i * 40503) & 0xffff}`],
  ])('estimates 100,000 distinct %s within 3%%', (_what, make) => {
    const h = new HyperLogLog(14);
    for (let round = 0; round < 2; round++) for (let i = 0; i < 100_000; i++) h.add(hashValue(make(i)));
    expect(relErr(h.estimate(), 100_000)).toBeLessThan(0.03);
  });

  it('estimates 1,000,000 distinct within 3%, and small sets closely', () => {
    const big = new HyperLogLog(14);
    for (let i = 0; i < 1_000_000; i++) big.add(hashValue(`k${i}`));
    expect(relErr(big.estimate(), 1_000_000)).toBeLessThan(0.03);
    const small = new HyperLogLog(14);
    for (let i = 0; i < 500; i++) small.add(hashValue(`k${i}`));
    expect(relErr(small.estimate(), 500)).toBeLessThan(0.03);
    const tiny = new HyperLogLog(14);
    for (let i = 0; i < 10; i++) tiny.add(hashValue(`k${i}`));
    expect(tiny.estimate()).toBe(10);
    expect(new HyperLogLog(14).estimate()).toBe(0);
  });

  it('rejects a precision it cannot hold', () => {
    expect(() => new HyperLogLog(3)).toThrow(/outside 4..18/);
    expect(new HyperLogLog(14).standardError).toBeCloseTo(0.008125, 5);
  });
});

describe('DistinctCounter', () => {
  it('is exact up to the cap, repeated values counted once', () => {
    const c = new DistinctCounter(1000);
    for (let i = 0; i < 5000; i++) c.add(`v${i % 1000}`);
    expect(c.count()).toEqual({ value: 1000, exact: true });
  });

  it('becomes an estimate past the cap and stays within a few percent', () => {
    const c = new DistinctCounter(1000);
    for (let i = 0; i < 100_000; i++) c.add(`v${i}`);
    const r = c.count();
    expect(r.exact).toBe(false);
    expect(relErr(r.value, 100_000)).toBeLessThan(0.03);
  });

  it('holds no exact set once past the cap, so memory stays flat', () => {
    const c = new DistinctCounter(100);
    for (let i = 0; i < 10_000; i++) c.add(`v${i}`);
    expect((c as unknown as { exact: Set<number> | null }).exact).toBeNull();
  });
});
