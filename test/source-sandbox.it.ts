import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { startSourceSandbox, SourceSandboxHarness } from '../apps/sandbox/src/source/testing/source-sandbox.harness';
import { API_ONLY_DIR } from '@ferry/connectors/core';
import { pollUntil } from '@ferry/common';
import { testApiConnector, testCompany, testContact, TEST_BASE_TIME } from '@ferry/connectors/rest/testing';
import { testDatabaseUrl } from './support/it-env';

/**
 * The source sandbox against its own contract: loading an export, serving it as the connector's API spec says
 * (credential, pages, modified-since, tombstones, one item, rate limit) and changing it in mutation mode.
 */

const paged = testApiConnector({ system: 'paged-crm', pagination: 'page', maxPageSize: 50 });
const cursored = testApiConnector({ system: 'cursor-crm', pagination: 'cursor', maxPageSize: 20 });

async function exportDir(name: string, companies: unknown[], contacts: unknown[] | null, extraCompanyLines: string[] = []): Promise<string> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), `ferry-src-${name}-`));
  await fs.writeFile(path.join(dir, 'companies.ndjson'), [...companies.map((c) => JSON.stringify(c)), ...extraCompanyLines].join('\n') + '\n');
  if (contacts) {
    await fs.mkdir(path.join(dir, API_ONLY_DIR));
    await fs.writeFile(path.join(dir, API_ONLY_DIR, 'contact.ndjson'), contacts.map((c) => JSON.stringify(c)).join('\n') + '\n');
  }
  return dir;
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('source sandbox', () => {
  let sb: SourceSandboxHarness;
  let dir: string;
  const companies = Array.from({ length: 120 }, (_, i) => testCompany(i, TEST_BASE_TIME + i * 1000));
  const contacts = Array.from({ length: 30 }, (_, i) => testContact(i, 120, TEST_BASE_TIME + i * 500));

  beforeAll(async () => {
    sb = await startSourceSandbox({ name: 'serve', databaseUrl: testDatabaseUrl(), source: { connectors: [paged, cursored], defaultPageSize: 25 } });
    dir = await exportDir('serve', companies, contacts, ['{not json', JSON.stringify({ name: 'no key' })]);
  });
  afterAll(async () => {
    await sb?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  const page = (system: string, resource: string, query: string, key = sb.apiKey) =>
    get(`${sb.apiUrl(system)}${resource}?${query}`, system === 'paged-crm' ? { 'X-Api-Key': key } : { Authorization: `Bearer ${key}` });

  describe('load', () => {
    it('reads exported streams through the connector and the others from api-only, counting rejects', async () => {
      const result = await sb.load('paged-crm', dir);
      expect(result.streams.company).toMatchObject({ from: 'export', loaded: 120, rejected: 2 });
      expect(result.streams.company.examples).toEqual(['companies.ndjson line 121 is not JSON', 'companies.ndjson line 122 has no company_id']);
      expect(result.streams.contact).toMatchObject({ from: 'api-only', loaded: 30, rejected: 0 });
      expect(result.records).toBe(150);
      const again = await sb.load('paged-crm', dir);
      expect(again.records).toBe(150);
      expect((await sb.admin('GET', '/paged-crm/stats')).data.streams).toEqual({ company: { live: 120, deleted: 0 }, contact: { live: 30, deleted: 0 } });
    });

    it('serves a stream whose api-only file is missing as empty, and says so', async () => {
      const only = await exportDir('no-contacts', companies.slice(0, 3), null);
      try {
        const result = await sb.load('cursor-crm', only);
        expect(result.streams.contact).toMatchObject({ from: 'none', loaded: 0 });
        expect(result.streams.contact.note).toMatch(/api-only\/contact\.ndjson is missing; contact is served empty/);
      } finally {
        await sb.admin('POST', '/cursor-crm/reset');
        await fs.rm(only, { recursive: true, force: true });
      }
    });

    it('answers a bad folder, an unknown system and a bad body with a JSON error naming the problem', async () => {
      const missing = await sb.admin('POST', '/paged-crm/load', { dir: '/nowhere/at/all' });
      expect(missing).toEqual({ status: 400, data: { error: { code: 'bad_request', message: 'load paged-crm: "/nowhere/at/all" is not a folder this sandbox can read' } } });
      const unknown = await sb.admin('POST', '/hubspot/load', { dir });
      expect(unknown.status).toBe(404);
      // The registry's four connectors are served too, next to the two test connectors.
      expect(unknown.data.error.message).toBe('no source system "hubspot" in this sandbox; served: cursor-crm, interactive, leaf360, paged-crm, planports, profi');
      expect((await sb.admin('POST', '/paged-crm/load', ['x'])).data.error.message).toBe('load paged-crm: the body must be a JSON object');
    });
  });

  describe('serving', () => {
    it('refuses a missing or wrong credential with 401 and a JSON error saying what to send', async () => {
      const none = await get(`${sb.apiUrl('paged-crm')}/v2/companies`);
      expect(none.status).toBe(401);
      expect(none.body).toEqual({
        error: { code: 'unauthorized', message: 'missing API key: send X-Api-Key: <key> with the key the sandbox was given (SANDBOX_SOURCE_API_KEY)' },
      });
      const wrong = await page('cursor-crm', '/v2/companies', '', 'not-the-key');
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.message).toMatch(/^invalid API key: send Authorization: Bearer <key>/);
      const lowerScheme = await get(`${sb.apiUrl('cursor-crm')}/v2/companies`, { Authorization: `bearer ${sb.apiKey}` });
      expect(lowerScheme.status).toBe(200);
    });

    it('pages in (modified, key) order, clamps the page size to the maximum, and uses the default when none is asked', async () => {
      const big = await page('paged-crm', '/v2/companies', 'per_page=1000&page=1');
      expect(big.status).toBe(200);
      expect(big.body.data).toHaveLength(50);
      expect(big.body.data.map((i: any) => i.id)).toEqual(companies.slice(0, 50).map((c) => c.company_id));
      const third = await page('paged-crm', '/v2/companies', 'per_page=1000&page=3');
      expect(third.body.data.map((i: any) => i.id)).toEqual(companies.slice(100).map((c) => c.company_id));
      expect((await page('paged-crm', '/v2/companies', 'per_page=1000&page=4')).body.data).toEqual([]);
      expect((await page('paged-crm', '/v2/companies', '')).body.data).toHaveLength(25);
      // the API's own shape, made by the connector
      expect(big.body.data[1]).toEqual({
        id: 'CO-0000001',
        attributes: { name: 'Company 1', industry: companies[1].industry, revenue: companies[1].revenue },
        updatedAt: new Date(TEST_BASE_TIME + 1000).toISOString(),
        custom_fields: {},
      });
    });

    it('follows cursors to the end, each page clamped', async () => {
      await sb.load('cursor-crm', dir);
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await page('cursor-crm', '/v2/companies', `limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.body.results.length).toBeLessThanOrEqual(20);
        ids.push(...res.body.results.map((i: any) => i.id));
        cursor = res.body.meta.next_cursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(6);
      expect(ids).toEqual(companies.map((c) => c.company_id));
    });

    it('filters modified at or after the given time, in the spec format', async () => {
      const at = TEST_BASE_TIME + 100 * 1000;
      const iso = await page('paged-crm', '/v2/companies', `per_page=50&updated_since=${encodeURIComponent(new Date(at).toISOString())}`);
      expect(iso.body.data.map((i: any) => i.id)).toEqual(companies.slice(100).map((c) => c.company_id));
      const ms = await page('cursor-crm', '/v2/companies', `limit=20&modified_after=${at + 1}`);
      expect(ms.body.results.map((i: any) => i.id)).toEqual(companies.slice(101).map((c) => c.company_id));
      const bad = await page('paged-crm', '/v2/companies', 'updated_since=yesterday');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe('updated_since must be an ISO 8601 time such as 2024-05-01T12:00:00.000Z, got "yesterday"');
    });

    it('lists tombstones only when the include-deleted parameter is true, and serves one item by id', async () => {
      const [deleted] = await sb.mutate('paged-crm', { deletes: 1 });
      const resource = deleted.stream === 'company' ? '/v2/companies' : '/v2/contacts';
      const since = `updated_since=${encodeURIComponent(new Date(deleted.modifiedAt).toISOString())}`;
      expect((await page('paged-crm', resource, since)).body.data).toEqual([]);
      const withDeleted = await page('paged-crm', resource, `${since}&include_deleted=true`);
      expect(withDeleted.body.data).toHaveLength(1);
      expect(withDeleted.body.data[0]).toMatchObject({ id: deleted.key, is_deleted: true, updatedAt: new Date(deleted.modifiedAt).toISOString() });
      const live = await page('paged-crm', '/v2/companies', 'per_page=1&include_deleted=true');
      expect(live.body.data[0].is_deleted).toBe(false);

      const gone = await page('paged-crm', `${resource}/${deleted.key}`, '');
      expect(gone.status).toBe(404);
      expect(gone.body.error.message).toBe(`paged-crm ${deleted.stream} "${deleted.key}" does not exist (deleted)`);
      expect((await page('paged-crm', `${resource}/${deleted.key}`, 'include_deleted=true')).body.is_deleted).toBe(true);
      const one = await page('paged-crm', '/v2/contacts/CT-0000007', '');
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({ id: 'CT-0000007', attributes: { email: 'person7@example.com' } });
      expect((await page('paged-crm', '/v2/contacts/CT-9999999', '')).status).toBe(404);
    });

    it('answers unknown resources, bad parameters and writes clearly', async () => {
      const unknown = await page('paged-crm', '/v2/deals', '');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe('paged-crm serves no /v2/deals; its resources are /v2/companies, /v2/contacts');
      expect((await page('paged-crm', '/v2/companies', 'page=0')).body.error.message).toBe('page must be a whole number of at least 1, got "0"');
      expect((await page('paged-crm', '/v2/companies', 'per_page=-3')).status).toBe(400);
      expect((await page('cursor-crm', '/v2/companies', 'cursor=abc')).body.error.message).toBe('cursor "abc" is not a cursor this API issued');
      const post = await fetch(`${sb.apiUrl('paged-crm')}/v2/companies`, { method: 'POST', headers: { 'X-Api-Key': sb.apiKey }, body: '{}' });
      expect(post.status).toBe(405);
    });

    it('leaves the Dataverse emulator where it was', async () => {
      expect((await get(`${sb.sandbox.url}/_sandbox/health`)).body).toEqual({ status: 'ok' });
      const dv = await get(`${sb.sandbox.apiUrl}/accounts`);
      expect(dv.status).toBe(401);
      expect(dv.headers.get('www-authenticate')).toMatch(/^Bearer authorization_uri=/);
    });
  });

  describe('mutation', () => {
    it('a burst makes exactly the changes it reports, logged, sharing one millisecond when asked', async () => {
      const before = Date.now();
      const changes = await sb.mutate('paged-crm', { creates: 4, updates: 6, deletes: 3, sameMillisecond: true });
      expect(changes.map((c) => c.op).sort()).toEqual([...Array(4).fill('create'), ...Array(3).fill('delete'), ...Array(6).fill('update')].sort());
      expect(new Set(changes.map((c) => c.modifiedAt)).size).toBe(1);
      expect(changes[0].modifiedAt).toBeGreaterThanOrEqual(before);
      const logged = await sb.changes('paged-crm', before);
      expect(logged).toEqual(changes.map(({ system: _s, ...c }) => c));

      for (const c of changes) {
        const resource = c.stream === 'company' ? '/v2/companies' : '/v2/contacts';
        const res = await page('paged-crm', `${resource}/${encodeURIComponent(c.key)}`, 'include_deleted=true');
        expect(res.status).toBe(200);
        const last = changes.filter((x) => x.stream === c.stream && x.key === c.key).pop()!;
        expect(res.body.is_deleted).toBe(last.op === 'delete');
        expect(Date.parse(res.body.updatedAt)).toBe(c.modifiedAt);
      }
      for (const c of changes.filter((x) => x.op === 'create')) {
        expect(c.key).toMatch(c.stream === 'company' ? /^CO-\d{7}$/ : /^CT-\d{7}$/);
        expect(c.fields.length).toBeGreaterThanOrEqual(1);
      }
      for (const c of changes.filter((x) => x.op === 'update')) expect(c.fields.length).toBeGreaterThanOrEqual(1);
    });

    it('refuses a burst for a system with nothing loaded, and bad counts', async () => {
      await sb.admin('POST', '/cursor-crm/reset');
      expect((await sb.admin('POST', '/cursor-crm/mutate', { updates: 1 })).data.error.message).toBe(
        'mutate cursor-crm: nothing is loaded for cursor-crm; load an export first',
      );
      expect((await sb.admin('POST', '/paged-crm/mutate', { updates: -1 })).status).toBe(400);
    });

    it('changes records in the background at the asked rate, each change logged and visible', async () => {
      const since = Date.now();
      await sb.setChangesPerSecond(40);
      const started = Date.now();
      await pollUntil(async () => (await sb.changes('paged-crm', since)).length >= 40, { timeoutMs: 20_000, what: '40 background changes' });
      await sb.setChangesPerSecond(0);
      const elapsed = (Date.now() - started) / 1000;
      const logged = await sb.changes('paged-crm', since);
      // at most one second's worth ahead of the rate
      expect(logged.length).toBeLessThanOrEqual(Math.ceil(40 * elapsed) + 40);
      expect(new Set(logged.map((c) => c.op))).toEqual(new Set(['create', 'update', 'delete']));
      const stats = (await sb.admin('GET', '/paged-crm/stats')).data.streams;
      const total = stats.company.live + stats.company.deleted + stats.contact.live + stats.contact.deleted;
      const creates = (await sb.changes('paged-crm', 0)).filter((c) => c.op === 'create').length;
      expect(total).toBe(150 + creates);
      // quiet once stopped
      const count = (await sb.changes('paged-crm', 0)).length;
      await new Promise((r) => setTimeout(r, 400));
      expect((await sb.changes('paged-crm', 0)).length).toBe(count);
    });
  });
});

describe('source sandbox limits and start-up', () => {
  it('rate-limits each system with 429 and Retry-After in whole seconds', async () => {
    const sb = await startSourceSandbox({ name: 'rate', databaseUrl: testDatabaseUrl(), source: { connectors: [paged], ratePerSecond: 2, rateBurst: 2 } });
    try {
      const call = () => get(`${sb.apiUrl('paged-crm')}/v2/companies`, { 'X-Api-Key': sb.apiKey });
      expect([(await call()).status, (await call()).status]).toEqual([200, 200]);
      const limited = await call();
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect(limited.body.error).toEqual({ code: 'rate_limited', message: 'rate limit of 2 requests per second exceeded; retry after 1 s' });
      await new Promise((r) => setTimeout(r, 1000));
      expect((await call()).status).toBe(200);
    } finally {
      await sb.close();
    }
  });

  it('loads folders at start-up once, and keeps the records (and their changes) across a restart', async () => {
    const dir = await exportDir('startup', [testCompany(1, TEST_BASE_TIME), testCompany(2, TEST_BASE_TIME + 1)], [testContact(1, 3, TEST_BASE_TIME)]);
    const start = (keepData: boolean) =>
      startSourceSandbox({ name: 'startup', databaseUrl: testDatabaseUrl(), source: { connectors: [paged], load: [{ system: 'paged-crm', dir }] }, keepData });
    let sb = await start(false);
    try {
      expect((await sb.admin('GET', '/paged-crm/stats')).data.streams).toEqual({ company: { live: 2, deleted: 0 }, contact: { live: 1, deleted: 0 } });
      const [change] = await sb.mutate('paged-crm', { deletes: 1 });
      await sb.sandbox.close();
      sb = await start(true);
      const stats = (await sb.admin('GET', '/paged-crm/stats')).data.streams;
      expect(stats[change.stream].deleted).toBe(1);
    } finally {
      await sb.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('needs the admin token on the source admin endpoints when one is set, but not on the APIs', async () => {
    const sb = await startSourceSandbox({ name: 'admin', databaseUrl: testDatabaseUrl(), source: { connectors: [paged] }, sandbox: { adminToken: 'a-long-enough-admin-token' } });
    try {
      const res = await fetch(`${sb.sandbox.url}/_sandbox/sources/paged-crm/stats`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: 'the sandbox admin endpoints need Authorization: Bearer <SANDBOX_ADMIN_TOKEN>' } });
      expect((await sb.admin('GET', '/paged-crm/stats')).status).toBe(200);
      expect((await get(`${sb.apiUrl('paged-crm')}/v2/companies`, { 'X-Api-Key': sb.apiKey })).status).toBe(200);
    } finally {
      await sb.close();
    }
  });
});
