import { ThrottleOptions, resolveSandboxOptions } from '../sandbox.options';
import { DataverseHttpError } from '../web-api/dataverse-http.error';
import { ThrottleService } from './throttle.service';

const service = (throttle: Partial<ThrottleOptions>) => new ThrottleService(resolveSandboxOptions({ throttle }));

function refusal(fn: () => unknown): DataverseHttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DataverseHttpError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('ThrottleService', () => {
  it('admits the limit per window, then answers 429 with the seconds until a slot frees', () => {
    const t = service({ requestLimit: 3, windowSeconds: 10 });
    for (const at of [0, 1000, 2000]) t.admit('app', at).release();
    const err = refusal(() => t.admit('app', 2500));
    expect(err.status).toBe(429);
    expect(err.code).toBe('0x80072322');
    expect(err.message).toBe('Number of requests exceeded the limit of 3 over time window of 10 seconds.');
    expect(err.headers['Retry-After']).toBe('8');
    expect(() => t.admit('other-app', 2500)).not.toThrow();
    expect(() => t.admit('app', 10_001)).not.toThrow();
  });

  it('counts per user what it admitted and refused, by limit, and the most requests in flight', () => {
    const t = service({ requestLimit: 3, windowSeconds: 10, concurrencyLimit: 2 });
    const a = t.admit('app', 0);
    const b = t.admit('app', 0);
    refusal(() => t.admit('app', 0));
    a.release();
    b.release();
    t.admit('app', 1).release();
    refusal(() => t.admit('app', 2));
    const usage = t.usage(3)['app'];
    expect(usage).toMatchObject({ admitted: 3, refused: { requests: 1, executionTime: 0, concurrency: 1 }, peakInFlight: 2, inFlight: 0, window: { requests: 3 } });
    t.reset();
    expect(t.usage()).toEqual({});
  });

  it('refuses every request during a storm with its status and Retry-After, and admits again when it ends', () => {
    const t = service({ stormRetryAfterSeconds: 7 });
    t.startStorm(503, 30, undefined, 1000);
    const err = refusal(() => t.admit('app', 1500));
    expect([err.status, err.headers['Retry-After']]).toEqual([503, '7']);
    t.startStorm(429, 10, 2, 2000);
    expect(refusal(() => t.admit('other-app', 11_999)).headers['Retry-After']).toBe('2');
    expect(t.stormState(11_999)).toMatchObject({ status: 429, refused: 1, active: true });
    expect(() => t.admit('app', 12_000).release()).not.toThrow();
    expect(t.stormState(12_000)?.active).toBe(false);
    t.startStorm(429, 60, undefined, 13_000);
    t.startStorm(429, 0, undefined, 13_001);
    expect(() => t.admit('app', 13_002)).not.toThrow();
  });

  it('caps concurrent requests per user at once', () => {
    const t = service({ concurrencyLimit: 2 });
    const a = t.admit('app');
    t.admit('app');
    expect(refusal(() => t.admit('app')).code).toBe('0x80072326');
    a.release();
    a.release();
    expect(() => t.admit('app')).not.toThrow();
  });
});
