import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

describe('Dataverse sandbox: service protection', () => {
  describe('request count per sliding window', () => {
    let sb: TestSandbox;

    beforeAll(async () => {
      sb = await startTestSandbox('throttle', { throttle: { requestLimit: 5, windowSeconds: 2 } });
    });

    afterAll(async () => {
      await sb?.close();
    });

    beforeEach(async () => {
      await sb.reset();
    });

    it('answers 429 with Retry-After and the documented code once the limit is exceeded, and recovers', async () => {
      for (let i = 0; i < 5; i++) expect((await sb.call('GET', 'accounts')).status).toBe(200);
      const throttled = await sb.call('GET', 'accounts');
      expect(throttled.status).toBe(429);
      expect(throttled.data.error).toEqual({
        code: '0x80072322',
        message: 'Number of requests exceeded the limit of 5 over time window of 2 seconds.',
      });
      const retryAfter = Number(throttled.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);
      expect(throttled.headers['x-ms-dop-hint']).toBe('4');
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      expect((await sb.call('GET', 'accounts')).status).toBe(200);
    });

    it('tells per user what it admitted and refused, by limit (GET /_sandbox/throttle)', async () => {
      for (let i = 0; i < 6; i++) await sb.call('GET', 'accounts');
      const res = await fetch(`${sb.url}/_sandbox/throttle`);
      const body = (await res.json()) as { limits: { requestLimit: number }; users: Record<string, { admitted: number; refused: Record<string, number>; peakInFlight: number; window: { requests: number } }> };
      expect(body.limits.requestLimit).toBe(5);
      expect(body.users[sb.options.clientId]).toMatchObject({ admitted: 5, refused: { requests: 1, executionTime: 0, concurrency: 0 }, peakInFlight: 1, window: { requests: 5 } });
      await new Promise((r) => setTimeout(r, 2100));
    });

    it('counts a $batch of many writes as one request', async () => {
      const parts = Array.from({ length: 20 }, (_, i) => ({ method: 'PATCH', url: `accounts(crm_sourceid='T-${i}')`, body: { name: `n${i}` } }));
      for (let i = 0; i < 5; i++) expect((await sb.batch(parts)).status).toBe(200);
      expect((await sb.batch(parts)).status).toBe(429);
      await new Promise((r) => setTimeout(r, 2100));
    });

    it('the client rides through 429s by honouring Retry-After', async () => {
      const client = sb.client({ maxRetries: 6 });
      const started = Date.now();
      const results = [];
      for (let i = 0; i < 12; i++) {
        results.push(await client.upsertMany('accounts', 'crm_sourceid', [{ key: `CR-${i}`, body: { name: `n${i}` } }]));
      }
      expect(results.flat().every((r) => r.ok)).toBe(true);
      expect(client.metrics.throttled).toBeGreaterThan(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect((await sb.stats()).account).toBe(12);
    });
  });

  describe('concurrency and execution time', () => {
    let sb: TestSandbox;

    beforeAll(async () => {
      sb = await startTestSandbox('concurrency', { throttle: { concurrencyLimit: 2, executionTimeLimitMs: 600_000 } });
    });

    afterAll(async () => {
      await sb?.close();
    });

    it('refuses requests beyond the concurrency cap at once with 0x80072326', async () => {
      const parts = (n: number) =>
        Array.from({ length: 300 }, (_, i) => ({ method: 'PATCH', url: `contacts(crm_sourceid='C${n}-${i}')`, body: { lastname: `l${i}` } }));
      const token = await sb.token();
      expect(token).toBeTruthy();
      const results = await Promise.all(Array.from({ length: 8 }, (_, n) => sb.batch(parts(n))));
      const statuses = results.map((r) => r.status);
      expect(statuses).toContain(200);
      expect(statuses).toContain(429);
      const refused = results.find((r) => r.status === 429)!;
      expect(JSON.parse(refused.raw).error.code).toBe('0x80072326');
    });

    it('trips the execution-time limit after it is exceeded', async () => {
      const tight = await startTestSandbox('exectime', { throttle: { executionTimeLimitMs: 1 } });
      try {
        const parts = Array.from({ length: 200 }, (_, i) => ({ method: 'PATCH', url: `contacts(crm_sourceid='X-${i}')`, body: { lastname: 'x' } }));
        expect((await tight.batch(parts)).status).toBe(200);
        const next = await tight.call('GET', 'contacts?$top=1');
        expect(next.status).toBe(429);
        expect(next.data.error.code).toBe('0x80072321');
        expect(next.data.error.message).toMatch(/^Combined execution time of incoming requests exceeded limit of 1 milliseconds over time window of 300 seconds/);
        expect(Number(next.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        await tight.close();
      }
    });
  });
});
