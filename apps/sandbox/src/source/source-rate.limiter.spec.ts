import { SourceRateLimiter, TokenBucket } from './source-rate.limiter';

describe('TokenBucket', () => {
  it('admits a burst, then one request per 1/rate seconds', () => {
    const b = new TokenBucket(4, 2, 0);
    expect([b.take(0), b.take(0)]).toEqual([0, 0]);
    expect(b.take(0)).toBe(250);
    expect(b.take(100)).toBe(150);
    expect(b.take(250)).toBe(0);
    expect(b.take(250)).toBe(250);
  });

  it('saves up no more than the burst', () => {
    const b = new TokenBucket(10, 3, 0);
    for (let i = 0; i < 3; i++) b.take(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBe(0);
    expect(b.take(60_000)).toBe(100);
  });
});

describe('SourceRateLimiter', () => {
  it('answers whole seconds of Retry-After, at least one, per system', () => {
    const l = new SourceRateLimiter(0.5, 1);
    expect(l.admit('a', 0)).toBe(0);
    expect(l.admit('a', 0)).toBe(2);
    expect(l.admit('a', 1500)).toBe(1);
    expect(l.admit('b', 0)).toBe(0);
    l.reset('a');
    expect(l.admit('a', 1500)).toBe(0);
  });

  it('does not limit when the rate is 0', () => {
    const l = new SourceRateLimiter(0, 1);
    for (let i = 0; i < 1000; i++) expect(l.admit('a', 0)).toBe(0);
  });
});
