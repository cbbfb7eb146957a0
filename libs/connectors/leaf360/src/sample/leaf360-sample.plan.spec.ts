import { goodRowsIn, isMalformedRow, rowsFor } from '@ferry/connectors/core';
import {
  FIXED_GOOD,
  MIN_SAMPLE_RECORDS,
  companyParent,
  contactDuplicate,
  dealFacts,
  planSample,
  stageTimes,
} from './leaf360-sample.plan';
import { LEAF360_STREAMS } from '../leaf360.records';

describe('malformed row placement', () => {
  it.each([
    [200, true],
    [4, true],
    [2, false],
    [0, true],
  ])('agrees with itself for every file size (malformedEvery %i, one in small files: %s)', (malformedEvery, minOneBad) => {
    const plan = { malformedEvery, minOneBad };
    for (let rows = 0; rows < 700; rows++) {
      let bad = 0;
      for (let r = 0; r < rows; r++) if (isMalformedRow(plan, r, rows)) bad++;
      expect(goodRowsIn(plan, rows)).toBe(rows - bad);
    }
    for (let good = 0; good < 600; good++) {
      const rows = rowsFor(plan, good);
      expect(goodRowsIn(plan, rows)).toBe(good);
      expect(goodRowsIn(plan, rows + 1)).toBeGreaterThan(good);
    }
  });

  it('puts one malformed row in the middle of a small file, and none in a file of two rows', () => {
    const plan = { malformedEvery: 200, minOneBad: true };
    expect(Array.from({ length: 11 }, (_, r) => isMalformedRow(plan, r, 11))).toEqual(Array.from({ length: 11 }, (_, r) => r === 5));
    expect(rowsFor(plan, 10)).toBe(11);
    expect(rowsFor(plan, 2)).toBe(3);
    expect(rowsFor(plan, 1)).toBe(1);
    expect(rowsFor({ malformedEvery: 200, minOneBad: false }, 10)).toBe(10);
  });
});

describe('planSample', () => {
  it.each([MIN_SAMPLE_RECORDS, 1000, 3500, 12_345, 1_000_000])('spends exactly %i records, on every stream', (records) => {
    const plan = planSample(records, 7, 200, true);
    let rows = 0;
    for (const s of LEAF360_STREAMS) {
      expect(plan.good[s]).toBeGreaterThan(0);
      rows += s === 'report' ? plan.good[s] : rowsFor(plan, plan.good[s]);
    }
    expect(rows).toBe(records);
    for (const [s, n] of Object.entries(FIXED_GOOD)) expect(plan.good[s as keyof typeof plan.good]).toBe(n);
  });

  it('gives the deals’ stage history one row per stage each deal went through', () => {
    const plan = planSample(5000, 3, 200, true);
    let n = 0;
    for (let k = 0; k < plan.good.deal; k++) {
      const f = dealFacts(plan, k);
      const times = stageTimes(plan, k, f);
      expect(times).toHaveLength(f.stage + 1);
      for (let s = 1; s < times.length; s++) expect(times[s]).toBeGreaterThan(times[s - 1]);
      n += times.length;
    }
    expect(plan.good.deal_stage_history).toBe(n);
  });

  it('refuses a total too small for one of every object', () => {
    expect(() => planSample(MIN_SAMPLE_RECORDS - 1, 1, 200, true)).toThrow(/at least 200 records/);
    expect(() => planSample(1e3 + 0.5, 1, 200, true)).toThrow(RangeError);
  });

  it('leaves the parent cycle out when broken references are off, and never points a company at itself', () => {
    const strict = planSample(3500, 9, 200, false);
    const seen = (plan: typeof strict) => {
      const parents = Array.from({ length: plan.good.company }, (_, p) => companyParent(plan, p));
      parents.forEach((q, p) => expect(q).not.toBe(p));
      return parents.filter((q, p) => q !== null && q < p).length;
    };
    expect(seen(strict)).toBe(0);
    expect(seen({ ...strict, brokenReferences: true })).toBe(1);
  });

  it('finds duplicates only of earlier contacts that are not duplicates themselves', () => {
    const plan = planSample(20_000, 11, 200, true);
    let found = 0;
    for (let j = 0; j < plan.good.contact; j++) {
      const d = contactDuplicate(plan, j);
      if (!d) continue;
      found++;
      expect(d.of).toBeLessThan(j);
      expect(contactDuplicate(plan, d.of)).toBeNull();
    }
    expect(found).toBeGreaterThan(plan.good.contact * 0.005);
  });
});
