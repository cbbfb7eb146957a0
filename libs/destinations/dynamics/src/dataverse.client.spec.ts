import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { DataverseClient, guessPrimaryIdAttribute } from './dataverse.client';
import { DataverseError } from './dataverse.error';
import { Semaphore } from '@ferry/common';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

describe('DataverseClient (against a scripted server)', () => {
  let server: Server | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise((resolve) => s.close(resolve));
  });

  const clientFor = (url: string, extra: Partial<ConstructorParameters<typeof DataverseClient>[0]> = {}) =>
    new DataverseClient({
      baseUrl: `${url}/api/data/v9.2`,
      tokenUrl: `${url}/token`,
      clientId: 'id',
      clientSecret: 'secret',
      scope: `${url}/.default`,
      backoffBaseMs: 10,
      ...extra,
    });

  it('fetches one token for concurrent calls and refreshes it before expiry', async () => {
    let tokens = 0;
    const s = await serve((req, res, body) => {
      if (req.url === '/token') {
        tokens++;
        expect(new URLSearchParams(body).get('grant_type')).toBe('client_credentials');
        return json(res, 200, { token_type: 'Bearer', expires_in: 1, access_token: `t${tokens}` });
      }
      expect(req.headers.authorization).toBe(`Bearer t${tokens}`);
      json(res, 200, { '@odata.count': 7, value: [] });
    });
    server = s.server;
    const client = clientFor(s.url);
    expect(await Promise.all([client.count('accounts'), client.count('accounts'), client.count('accounts')])).toEqual([7, 7, 7]);
    expect(tokens).toBe(1);
    await new Promise((r) => setTimeout(r, 1000));
    await client.count('accounts');
    expect(tokens).toBe(2);
  });

  it('waits as long as Retry-After says on 429, and backs off on 5xx', async () => {
    let calls = 0;
    const s = await serve((req, res) => {
      if (req.url === '/token') return json(res, 200, { access_token: 't', expires_in: 3599 });
      calls++;
      if (calls === 1) return json(res, 429, { error: { code: '0x80072322', message: 'slow down' } }, { 'Retry-After': '1' });
      if (calls === 2) return json(res, 503, { error: { code: '0x80040216', message: 'busy' } });
      json(res, 200, { '@odata.count': 1 });
    });
    server = s.server;
    const client = clientFor(s.url);
    const started = Date.now();
    expect(await client.count('accounts')).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(client.metrics).toMatchObject({ retries: 2, throttled: 1 });
  });

  it('gives up on a 5xx other than 503 after maxRetries with a retryable DataverseError', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/token') return json(res, 200, { access_token: 't', expires_in: 3599 });
      json(res, 502, { error: { code: '0x80040216', message: 'down' } });
    });
    server = s.server;
    const err = await clientFor(s.url, { maxRetries: 2, backoffBaseMs: 10 }).count('accounts').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataverseError);
    expect(err).toMatchObject({ status: 502, code: '0x80040216', retryable: true });
  });

  it('waits out a storm of 429 and 503 far longer than maxRetries, and gives up only past outageLimitMs', async () => {
    let calls = 0;
    const s = await serve((req, res) => {
      if (req.url === '/token') return json(res, 200, { access_token: 't', expires_in: 3599 });
      calls++;
      if (calls <= 12) return json(res, calls % 2 ? 429 : 503, { error: { code: '0x80072322', message: 'storm' } }, { 'Retry-After': '0' });
      json(res, 200, { '@odata.count': 3, value: [] });
    });
    server = s.server;
    expect(await clientFor(s.url, { maxRetries: 1, backoffBaseMs: 5 }).count('accounts')).toBe(3);
    expect(calls).toBe(13);
    calls = 0;
    const err = await clientFor(s.url, { maxRetries: 1, backoffBaseMs: 5, outageLimitMs: 1 }).count('accounts').catch((e: unknown) => e);
    // past the outage limit it gives up with the storm's last answer: 429 or 503, depending on how fast the retry came
    expect(err).toMatchObject({ retryable: true });
    expect([429, 503]).toContain((err as { status: number }).status);
  });

  it('computes backoff as base * 2^n, capped, unless the server names a delay', () => {
    const client = clientFor('http://127.0.0.1:9', { backoffBaseMs: 1000, maxBackoffMs: 60_000 });
    expect([1, 2, 3, 6, 7].map((n) => client.retryDelayMs(n))).toEqual([2000, 4000, 8000, 60_000, 60_000]);
    const throttled = { response: { headers: { 'retry-after': '7' } } } as never;
    expect(client.retryDelayMs(3, throttled)).toBe(7000);
  });

  it('maps upsert responses of a $batch to per-item results', async () => {
    const s = await serve((req, res, body) => {
      if (req.url === '/token') return json(res, 200, { access_token: 't', expires_in: 3599 });
      expect(req.url).toBe('/api/data/v9.2/$batch');
      expect(req.headers.prefer).toBe('odata.continue-on-error');
      expect(body).toContain("PATCH http://127.0.0.1:");
      expect(body).toContain("/api/data/v9.2/opportunities(crm_sourceid='O''1')?$select=opportunityid HTTP/1.1");
      const b = 'batchresponse_x';
      const part = (status: string, payload: string) =>
        `--${b}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP/1.1 ${status}\r\nContent-Type: application/json\r\n\r\n${payload}\r\n`;
      res.writeHead(200, { 'Content-Type': `multipart/mixed; boundary=${b}` });
      res.end(
        part('201 Created', '{"opportunityid":"11111111-1111-4111-8111-111111111111"}') +
          part('200 OK', '{"opportunityid":"22222222-2222-4222-8222-222222222222"}') +
          part('400 Bad Request', '{"error":{"code":"0x80044331","message":"too long"}}') +
          `--${b}--\r\n`,
      );
    });
    server = s.server;
    const results = await clientFor(s.url).upsertMany('opportunities', 'crm_sourceid', [
      { key: "O'1", body: {} },
      { key: 'O2', body: {} },
      { key: 'O3', body: {} },
    ]);
    expect(results).toEqual([
      { key: "O'1", ok: true, id: '11111111-1111-4111-8111-111111111111', created: true },
      { key: 'O2', ok: true, id: '22222222-2222-4222-8222-222222222222', created: false },
      { key: 'O3', ok: false, status: 400, code: '0x80044331', message: 'too long' },
    ]);
  });

  it('sends as many requests at once as x-ms-dop-hint suggests, never more than maxConcurrency', async () => {
    let hint = 2;
    let inFlight = 0;
    let most = 0;
    const s = await serve((req, res) => {
      if (req.url === '/token') return json(res, 200, { access_token: 't', expires_in: 3599 });
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        json(res, 200, { '@odata.count': 1, value: [] }, { 'x-ms-dop-hint': String(hint) });
      }, 30);
    });
    server = s.server;
    const client = clientFor(s.url, { maxConcurrency: 5 });
    expect(client.concurrency).toBe(4);
    await client.count('accounts');
    expect([client.dopHint, client.concurrency]).toEqual([2, 2]);
    most = 0;
    await Promise.all(Array.from({ length: 8 }, () => client.count('accounts')));
    expect(most).toBe(2);
    hint = 9;
    await client.count('accounts');
    most = 0;
    await Promise.all(Array.from({ length: 12 }, () => client.count('accounts')));
    expect([client.dopHint, client.concurrency, most]).toEqual([9, 5, 5]);
  });

  it('sends one fewer request at once after each refusal for concurrency, and waits as Retry-After says', async () => {
    let refusals = 2;
    const s = await serve((req, res) => {
      if (req.url === '/token') return json(res, 200, { access_token: 't', expires_in: 3599 });
      if (refusals-- > 0) return json(res, 429, { error: { code: '0x80072326', message: 'Number of concurrent requests exceeded the limit of 52.' } }, { 'Retry-After': '0' });
      json(res, 200, { '@odata.count': 3, value: [] });
    });
    server = s.server;
    const client = clientFor(s.url);
    expect(await client.count('accounts')).toBe(3);
    expect([client.concurrency, client.metrics.throttled]).toEqual([2, 2]);
  });

  it('guesses primary id columns from entity set names', () => {
    expect(['accounts', 'contacts', 'opportunities', 'systemusers', 'activityparties', 'crm_properties', 'businessunits'].map(guessPrimaryIdAttribute)).toEqual([
      'accountid',
      'contactid',
      'opportunityid',
      'systemuserid',
      'activitypartyid',
      'crm_propertyid',
      'businessunitid',
    ]);
  });

  it('reads both Dataverse and Entra ID error bodies', () => {
    expect(DataverseError.fromBody(412, { error: { code: '0x80060892', message: 'dup' } })).toMatchObject({ code: '0x80060892', retryable: false });
    const aad = DataverseError.fromBody(401, { error: 'invalid_client', error_description: 'AADSTS7000215: bad secret\r\nTrace ID: x' });
    expect(aad).toMatchObject({ code: 'invalid_client', message: 'AADSTS7000215: bad secret' });
    expect(DataverseError.fromBody(429, undefined, { 'retry-after': '3' })).toMatchObject({ retryable: true, retryAfterSeconds: 3 });
  });
});

describe('Semaphore', () => {
  it('never runs more than its limit at once', async () => {
    const gate = new Semaphore(3);
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        gate.run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });
});
