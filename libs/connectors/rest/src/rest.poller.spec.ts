import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { RecordMessage, SourceConnector, SourceMessage, StreamState } from '@ferry/connectors/core';
import { testApiConnector, testCompany } from '../testing/test-api.connector';
import { writePath } from './rest-json.path';
import { pollStream, PollStreamOptions } from './rest.poller';
import { SourceApiError } from './source-api.error';

/**
 * pollStream against a small in-memory API that follows the connector's spec, so the paging, dedupe and state logic
 * is tested without the sandbox and its database. The test changes `rows` between requests to play a live source.
 */
interface Row {
  key: string;
  modified: number;
  deleted: boolean;
  data: Record<string, unknown>;
  /** serve the tombstone as `{ id, <flag>: true }` and nothing else */
  bare?: boolean;
}

interface FakeApi {
  url: string;
  rows: Row[];
  requests: string[];
  /** runs before each request is answered; may return a canned answer */
  before?: (n: number, req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: unknown } | void;
  close(): Promise<void>;
}

async function fakeApi(connector: SourceConnector, stream: string, credential = 'k'): Promise<FakeApi> {
  const spec = connector.api;
  const def = connector.streams().find((s) => s.name === stream)!;
  const api: FakeApi = { url: '', rows: [], requests: [], close: async () => undefined };
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    api.requests.push(req.url ?? '/');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const canned = api.before?.(api.requests.length, req);
    if (canned) return send(canned.status, canned.body, canned.headers);
    const u = new URL(req.url ?? '/', 'http://x');
    const expected = spec.auth.scheme ? `${spec.auth.scheme} ${credential}` : credential;
    if (req.headers[spec.auth.header.toLowerCase()] !== expected) return send(401, { error: { message: 'invalid API key' } });
    if (u.pathname !== def.api!.path) return send(404, { error: { message: 'no such resource' } });
    const q = u.searchParams;
    const size = Math.min(spec.pagination.maxPageSize, Number(q.get(spec.pagination.sizeParam) ?? 10));
    const sinceText = q.get(spec.modifiedSince.param);
    const since = sinceText === null ? -Infinity : spec.modifiedSince.format === 'iso' ? Date.parse(sinceText) : Number(sinceText);
    const withDeleted = q.get(spec.deletes.includeParam) === 'true';
    let rows = api.rows
      .filter((r) => r.modified >= since && (withDeleted || !r.deleted))
      .sort((a, b) => a.modified - b.modified || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const body: Record<string, unknown> = {};
    if (spec.pagination.style === 'page') {
      const page = Number(q.get(spec.pagination.pageParam) ?? spec.pagination.firstPage) - spec.pagination.firstPage;
      rows = rows.slice(page * size, page * size + size);
    } else {
      const cursor = q.get(spec.pagination.cursorParam);
      if (cursor) {
        const [m, k] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, string];
        rows = rows.filter((r) => r.modified > m || (r.modified === m && r.key > k));
      }
      const more = rows.length > size;
      rows = rows.slice(0, size);
      const last = rows[rows.length - 1];
      writePath(body, spec.pagination.nextCursorPath, more ? Buffer.from(JSON.stringify([last.modified, last.key])).toString('base64url') : null);
    }
    writePath(
      body,
      spec.itemsPath,
      rows.map((r) =>
        r.deleted && r.bare
          ? { id: r.key, [spec.deletes.flagField]: true }
          : { ...connector.toApiItem(stream, r.data), ...(r.deleted ? { [spec.deletes.flagField]: true } : {}) },
      ),
    );
    send(200, body);
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () => new Promise((resolve) => server.close(() => resolve()));
  return api;
}

const company = (i: number, modified: number): Row => {
  const data = testCompany(i, modified) as unknown as Record<string, unknown>;
  return { key: data.company_id as string, modified, deleted: false, data };
};

/** A change in the source: the row's time and the record's own cursor field move together. */
const touch = (row: Row, modified: number, deleted = row.deleted): void => {
  row.modified = modified;
  row.data.updated_at = modified;
  row.deleted = deleted;
};

async function collect(options: PollStreamOptions, stopAfterStates = Infinity): Promise<{ records: RecordMessage[]; messages: SourceMessage[]; states: StreamState[] }> {
  const messages: SourceMessage[] = [];
  const states: StreamState[] = [];
  for await (const m of pollStream(options)) {
    messages.push(m);
    if (m.type === 'state') {
      states.push(JSON.parse(JSON.stringify(m.state)) as StreamState);
      if (states.length >= stopAfterStates) break;
    }
  }
  return { records: messages.filter((m): m is RecordMessage => m.type === 'record'), messages, states };
}

const keysOf = (records: RecordMessage[]) => records.map((r) => r.record.company_id as string);

describe.each(['page', 'cursor'] as const)('pollStream with %s pagination', (style) => {
  const connector = testApiConnector({ system: 'fake-crm', pagination: style, maxPageSize: 5 });
  let api: FakeApi;
  const base = (over: Partial<PollStreamOptions> = {}): PollStreamOptions => ({
    baseUrl: api.url,
    credential: 'k',
    connector,
    stream: 'company',
    ...over,
  });

  beforeEach(async () => {
    api = await fakeApi(connector, 'company');
    // 3 s apart (beyond the overlap), except nine records sharing one millisecond across the page boundaries
    for (let i = 0; i < 4; i++) api.rows.push(company(i, 10_000 + i * 3000));
    for (let i = 4; i < 13; i++) api.rows.push(company(i, 30_000));
    for (let i = 13; i < 16; i++) api.rows.push(company(i, 40_000 + (i - 13) * 3000));
  });
  afterEach(() => api.close());

  it('reads every record once, with a state after every page and the last one complete', async () => {
    const { records, states, messages } = await collect(base());
    expect(keysOf(records).sort()).toEqual(api.rows.map((r) => r.key).sort());
    expect(messages[messages.length - 1].type).toBe('state');
    expect(states[states.length - 1]).toEqual({ watermark: 46_000, seenAtWatermark: ['CO-0000015'], complete: true });
    expect(states.slice(0, -1).every((s) => !s.complete)).toBe(true);
    expect(records[0].origin.resource).toMatch(/^\/v2\/companies\?/);
    // records are typed by the connector: the API's ISO time is back to epoch millis
    expect(records.find((r) => r.record.company_id === 'CO-0000004')?.record.updated_at).toBe(30_000);
  });

  it('resumed from the state after any page, misses nothing and repeats nothing', async () => {
    const all = api.rows.map((r) => r.key).sort();
    const { states } = await collect(base());
    for (let cut = 1; cut < states.length; cut++) {
      const first = await collect(base(), cut);
      const rest = await collect(base({ state: first.states[cut - 1] }));
      const seen = [...keysOf(first.records), ...keysOf(rest.records)];
      expect({ cut, keys: seen.sort() }).toEqual({ cut, keys: all });
    }
  });

  it('the next pass finds a record written later at the watermark millisecond, and only what changed', async () => {
    const first = await collect(base());
    const state = first.states[first.states.length - 1];
    api.rows.push(company(99, 46_000)); // same millisecond as the watermark, committed after the first pass
    touch(api.rows.find((r) => r.key === 'CO-0000002')!, 50_000);
    touch(api.rows.find((r) => r.key === 'CO-0000003')!, 50_000, true);
    const second = await collect(base({ state }));
    expect(second.records.map((r) => [r.record.company_id, r.deleted ?? false])).toEqual([
      ['CO-0000099', false],
      ['CO-0000002', false],
      ['CO-0000003', true],
    ]);
    expect(second.states[second.states.length - 1]).toMatchObject({ watermark: 50_000, seenAtWatermark: ['CO-0000002', 'CO-0000003'] });
  });

  it('emits a bare tombstone without a time as a delete, and lets it move no watermark', async () => {
    const first = await collect(base());
    const bare = api.rows.find((r) => r.key === 'CO-0000015')!;
    touch(bare, 60_000, true);
    bare.bare = true;
    touch(api.rows.find((r) => r.key === 'CO-0000001')!, 55_000);
    const second = await collect(base({ state: first.states[first.states.length - 1] }));
    expect(second.records.map((r) => [r.record.company_id, r.deleted ?? false, r.record.updated_at])).toEqual([
      ['CO-0000001', false, 55_000],
      ['CO-0000015', true, null],
    ]);
    expect(second.states[second.states.length - 1]).toMatchObject({ watermark: 55_000, seenAtWatermark: ['CO-0000001'] });
  });

  it('places a tombstone the connector gives no time by the time in the item', async () => {
    const first = await collect(base());
    touch(api.rows.find((r) => r.key === 'CO-0000002')!, 70_000, true);
    // a connector whose tombstones keep only the key, like Leaf360's; the item itself still says updatedAt
    const original = connector.fromApiItem.bind(connector);
    const spy = jest.spyOn(connector, 'fromApiItem').mockImplementation((s, item) => {
      const out = original(s, item);
      return 'record' in out && item[connector.api.deletes.flagField] === true ? { record: { ...out.record, updated_at: null } } : out;
    });
    try {
      const second = await collect(base({ state: first.states[first.states.length - 1] }));
      expect(second.records.map((r) => [r.record.company_id, r.deleted])).toEqual([['CO-0000002', true]]);
      expect(second.states[second.states.length - 1]).toMatchObject({ watermark: 70_000, seenAtWatermark: ['CO-0000002'] });
    } finally {
      spy.mockRestore();
    }
  });

  it('turns a bad item into a reject naming the resource and the item, and goes on', async () => {
    const bad = company(50, 20_000);
    api.rows.push(bad);
    const original = connector.toApiItem.bind(connector);
    const spy = jest.spyOn(connector, 'toApiItem').mockImplementation((s, r) => {
      const item = original(s, r);
      return r.company_id === bad.key ? { ...item, updatedAt: 'last tuesday' } : item;
    });
    try {
      const { records, messages } = await collect(base());
      const rejects = messages.filter((m) => m.type === 'reject');
      expect(rejects).toHaveLength(1);
      expect(rejects[0]).toMatchObject({ code: 'BAD_TIMESTAMP', origin: { resource: expect.stringMatching(/^\/v2\/companies\?/) } });
      expect(rejects[0].type === 'reject' && rejects[0].reason).toMatch(/fake-crm company item CO-0000050 from GET http:\/\/127\.0\.0\.1:\d+\/v2\/companies .*updatedAt "last tuesday" is not an ISO 8601 time/);
      expect(records).toHaveLength(api.rows.length - 1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('pollStream on a page-numbered API that changes during the pass', () => {
  const connector = testApiConnector({ system: 'fake-crm', pagination: 'page', maxPageSize: 4 });
  let api: FakeApi;
  beforeEach(async () => {
    api = await fakeApi(connector, 'company');
  });
  afterEach(() => api.close());

  it('misses nothing when records read on an earlier page are updated between requests', async () => {
    for (let i = 0; i < 20; i++) api.rows.push(company(i, 1000 * (i + 1)));
    // After the first page, two records already read move to the end; plain page 2 would now skip two records.
    api.before = (n) => {
      if (n === 2) {
        for (const key of ['CO-0000000', 'CO-0000001']) touch(api.rows.find((r) => r.key === key)!, 100_000);
      }
    };
    const { records } = await collect({ baseUrl: api.url, credential: 'k', connector, stream: 'company' });
    const keys = keysOf(records);
    expect(new Set(keys)).toEqual(new Set(api.rows.map((r) => r.key)));
    // each moved record is read twice: once as it was, once changed
    expect(keys.filter((k) => k === 'CO-0000000')).toHaveLength(2);
    expect(keys).toHaveLength(22);
  });

  it('reads a same-millisecond group larger than a page', async () => {
    for (let i = 0; i < 11; i++) api.rows.push(company(i, 5000));
    api.rows.push(company(11, 6000));
    const { records, states } = await collect({ baseUrl: api.url, credential: 'k', connector, stream: 'company' });
    expect(keysOf(records).sort()).toEqual(api.rows.map((r) => r.key).sort());
    expect(states[states.length - 1]).toMatchObject({ watermark: 6000, seenAtWatermark: ['CO-0000011'] });
  });

  it('refuses a server that ignores the page parameter instead of looping', async () => {
    for (let i = 0; i < 10; i++) api.rows.push(company(i, 1000 * i));
    api.before = (_n, req) => {
      const u = new URL(req.url ?? '/', 'http://x');
      u.searchParams.delete('page');
      u.searchParams.delete('updated_since');
      req.url = `${u.pathname}?${u.searchParams.toString()}`;
    };
    await expect(collect({ baseUrl: api.url, credential: 'k', connector, stream: 'company' })).rejects.toThrow(/returned the same page twice .*does it honour "page"/);
  });
});

describe('pollStream errors and retries', () => {
  const connector = testApiConnector({ system: 'fake-crm', pagination: 'cursor', maxPageSize: 5 });
  let api: FakeApi;
  beforeEach(async () => {
    api = await fakeApi(connector, 'company');
    api.rows.push(company(1, 1000));
  });
  afterEach(() => api.close());
  const options = (over: Partial<PollStreamOptions> = {}): PollStreamOptions => ({ baseUrl: api.url, credential: 'k', connector, stream: 'company', ...over });

  it('a wrong credential is one SourceApiError naming the URL, the header and what to do', async () => {
    const err = await collect(options({ credential: 'wrong' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceApiError);
    expect(err).toMatchObject({ code: 'SOURCE_API_AUTH', disposition: 'fatal', status: 401, stream: 'company' });
    expect((err as Error).message).toMatch(
      /^fake-crm API refused the credential at GET http:\/\/127\.0\.0\.1:\d+\/v2\/companies\?limit=5&with_deleted=true \(401: invalid API key\); check the fake-crm API key Ferry was given \(sent as Authorization Bearer …\)/,
    );
    expect(api.requests).toHaveLength(1);
  });

  it('a forbidden answer is an authentication error too', async () => {
    api.before = () => ({ status: 403, body: { message: 'key lacks the contacts scope' } });
    await expect(collect(options())).rejects.toMatchObject({ code: 'SOURCE_API_AUTH', status: 403, message: expect.stringContaining('(403: key lacks the contacts scope)') });
  });

  it('an unreachable host is one SourceApiError without retries', async () => {
    await api.close();
    const err = await collect(options()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SOURCE_API_UNREACHABLE', disposition: 'retry' });
    expect((err as Error).message).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+\/v2\/companies.* \(ECONNREFUSED\); check the base URL and that the service is running/);
  });

  it('waits as long as Retry-After says, then goes on', async () => {
    api.before = (n) => (n <= 2 ? { status: 429, headers: { 'Retry-After': '1' }, body: { error: { message: 'slow down' } } } : undefined);
    const notices: number[] = [];
    const started = Date.now();
    const { records } = await collect(options({ onRetry: (n) => notices.push(n.waitMs) }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(notices).toEqual([1000, 1000]);
    expect(records).toHaveLength(1);
  });

  it('gives up after the retries with a throttling error, and at once when Retry-After is beyond what it waits', async () => {
    api.before = () => ({ status: 429, headers: { 'Retry-After': '0' } });
    await expect(collect(options({ maxRetries: 2 }))).rejects.toMatchObject({ code: 'SOURCE_API_THROTTLED', disposition: 'wait' });
    expect(api.requests).toHaveLength(3);
    api.requests.length = 0;
    api.before = () => ({ status: 429, headers: { 'Retry-After': '3600' } });
    await expect(collect(options({ maxWaitMs: 5000 }))).rejects.toThrow(/asks to wait 3600 s, longer than the 5 s this poller waits/);
    expect(api.requests).toHaveLength(1);
  });

  it('backs off on 503 without Retry-After and names the status when it stays', async () => {
    api.before = () => ({ status: 503 });
    const waits: number[] = [];
    await expect(collect(options({ maxRetries: 3, backoffBaseMs: 10, onRetry: (n) => waits.push(n.waitMs) }))).rejects.toMatchObject({
      code: 'SOURCE_API_UNAVAILABLE',
      status: 503,
    });
    expect(waits).toEqual([10, 20, 40]);
  });

  it('stops quietly when the signal aborts', async () => {
    const ctl = new AbortController();
    api.before = () => {
      ctl.abort();
      return { status: 503 };
    };
    const { messages } = await collect(options({ signal: ctl.signal }));
    expect(messages).toEqual([]);
  });

  it('says which streams exist when asked for another, and refuses a stream the API does not offer', async () => {
    await expect(collect(options({ stream: 'deal' }))).rejects.toThrow(/fake-crm has no stream "deal": choose one of company, contact/);
  });
});
