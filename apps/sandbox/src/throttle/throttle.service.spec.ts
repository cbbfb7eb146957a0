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
