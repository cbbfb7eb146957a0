import { parseDate, parseMoney, parseTimestamp } from '@ferry/connectors/core';
import { ProfiRandom } from './profi-sample.random';
import { cetOffset, DAY_MS, formatDate, formatMoney, formatPhone, formatTimestamp, moneyText, respellPhone, timestampAsWritten } from './profi-sample.values';

const CURRENCIES = ['EUR', 'CHF', 'GBP', 'USD', 'SEK', 'NOK', 'DKK', 'PLN'];

describe('the sample value spellings', () => {
  it('reads every money spelling back as the exact amount, in every currency, negative or not', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 4000; i++) {
      const rng = ProfiRandom.of(1, 1, i);
      const cents = (rng.chance(0.1) ? -1 : 1) * rng.int(rng.chance(0.5) ? 100_000 : 10_000_000_000);
      const currency = CURRENCIES[i % CURRENCIES.length];
      const text = formatMoney(rng, cents, currency);
      seen.add(text.replace(/\d/g, '9').replace(/9+/g, '9'));
      const parsed = parseMoney(text);
      expect({ text, parsed }).toEqual({ text, parsed: { ok: true, value: moneyText(cents) } });
    }
    expect(seen.size).toBeGreaterThan(15);
    for (const shape of [/^9(\.9)+,9 €$/, /^€9(\.9)*,9$/, /^CHF 9('9)+\.9$/, /^£9(,9)+\.9$/, /^9(\u00a09)+,9 kr$/, /^kr\. 9(\.9)*,9$/, /^-9(\.9)*,9 €$/]) {
      expect([...seen].some((s) => shape.test(s))).toBe(true);
    }
  });

  it('reads every date spelling back as the same day', () => {
    for (let i = 0; i < 3000; i++) {
      const rng = ProfiRandom.of(2, 1, i);
      const days = rng.int(30_000) - 10_000;
      const text = formatDate(rng, days);
      expect({ text, parsed: parseDate(text) }).toEqual({ text, parsed: { ok: true, value: days } });
    }
  });

  it('reads every timestamp spelling back as the instant, to the minute where the spelling has no seconds', () => {
    const kinds = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const rng = ProfiRandom.of(3, 1, i);
      const ms = Date.UTC(2019, 0, 1) + rng.int(7 * 365) * DAY_MS + rng.int(86_400) * 1000;
      const text = formatTimestamp(rng, ms);
      kinds.add(text.replace(/\d/g, '9'));
      expect({ text, parsed: parseTimestamp(text) }).toEqual({ text, parsed: { ok: true, value: timestampAsWritten(text, ms) } });
    }
    expect([...kinds].sort()).toEqual([
      '99.99.9999 99:99',
      '99.99.9999 99:99 +99:99',
      '99.99.9999 99:99 -99:99',
      '99.99.9999 99:99 UTC',
      '9999-99-99 99:99:99',
      '9999-99-99T99:99:99+99:99',
      '9999-99-99T99:99:99.999Z',
      '9999999999999',
    ]);
  });

  it('knows when central Europe is on summer time', () => {
    expect(cetOffset(Date.UTC(2024, 2, 31, 0, 59))).toBe(60);
    expect(cetOffset(Date.UTC(2024, 2, 31, 1, 0))).toBe(120);
    expect(cetOffset(Date.UTC(2024, 9, 27, 0, 59))).toBe(120);
    expect(cetOffset(Date.UTC(2024, 9, 27, 1, 0))).toBe(60);
  });

  it('spells phones many ways, and a duplicate keeps the digits of the number it copies', () => {
    const spellings = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const phone = formatPhone(ProfiRandom.of(4, 1, i), '49', i % 2 === 0);
      spellings.add(phone.replace(/\d/g, '9').replace(/9+/g, '9'));
      expect(respellPhone(phone).replace(/\D/g, '')).toBe(phone.replace(/\D/g, ''));
    }
    expect(spellings.size).toBeGreaterThanOrEqual(5);
  });
});

describe('ProfiRandom', () => {
  it('repeats for the same seed, topic and index, and differs otherwise', () => {
    const draw = (seed: number, topic: number, index: number) => {
      const r = ProfiRandom.of(seed, topic, index);
      return [r.next(), r.int(1000), r.between(5, 9), r.digits(6)];
    };
    expect(draw(1, 2, 3)).toEqual(draw(1, 2, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(2, 2, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(1, 3, 3));
    expect(draw(1, 2, 3)).not.toEqual(draw(1, 2, 4));
  });

  it('draws uniformly enough and respects weights', () => {
    const r = ProfiRandom.of(9, 9, 9);
    const buckets = new Array(10).fill(0);
    let heavy = 0;
    for (let i = 0; i < 20_000; i++) {
      buckets[r.int(10)]++;
      if (r.weighted([['a', 9], ['b', 1]]) === 'a') heavy++;
    }
    for (const b of buckets) expect(b).toBeGreaterThan(1800);
    expect(heavy / 20_000).toBeGreaterThan(0.88);
    expect(heavy / 20_000).toBeLessThan(0.92);
  });
});
