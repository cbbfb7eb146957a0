import { lockRetryBatches } from './lock-retry';

describe('lockRetryBatches', () => {
  const rec = (key: string, parent: string) => ({ key, parent });

  it('keeps the records of one parent in one call and every record exactly once', () => {
    const items = [rec('a', 'P1'), rec('b', 'P2'), rec('c', 'P1'), rec('d', 'P3'), rec('e', 'P2')];
    const batches = lockRetryBatches(items, (r) => r.parent, 3);
    const keys = batches.flat().map((r) => r.key);
    expect(keys.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    for (const p of ['P1', 'P2', 'P3']) expect(batches.filter((b) => b.some((r) => r.parent === p))).toHaveLength(1);
    expect(batches.every((b) => b.length <= 3)).toBe(true);
  });

  it('splits a parent larger than a call into consecutive calls', () => {
    const items = Array.from({ length: 5 }, (_, i) => rec(`k${i}`, 'P'));
    const batches = lockRetryBatches(items, (r) => r.parent, 2);
    expect(batches.map((b) => b.map((r) => r.key))).toEqual([['k0', 'k1'], ['k2', 'k3'], ['k4']]);
  });
});
