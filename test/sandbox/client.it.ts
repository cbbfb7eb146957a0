import { startSandbox } from '../../apps/sandbox/src/sandbox.app';
import { DataverseError } from '@ferry/destinations/dynamics';
import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

describe('DataverseClient against the sandbox', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('client');
  });

  afterAll(async () => {
    await sb?.close();
  });

  beforeEach(async () => {
    await sb.reset();
  });

  const accounts = (n: number, prefix = 'ACC') =>
    Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, body: { name: `Account ${i}`, address1_city: i % 2 ? 'Austin' : 'Boston' } }));

  it('upsertMany twice on the same batch leaves one record each and reports created, then updated, with stable ids', async () => {
    const client = sb.client();
    const items = accounts(250);
    const first = await client.upsertMany('accounts', 'crm_sourceid', items);
    expect(first).toHaveLength(250);
    expect(first.every((r) => r.ok && r.created)).toBe(true);
    const second = await client.upsertMany('accounts', 'crm_sourceid', items);
    expect(second.every((r) => r.ok && !r.created)).toBe(true);
    expect(second.map((r) => r.ok && r.id)).toEqual(first.map((r) => r.ok && r.id));
    expect(second.map((r) => r.key)).toEqual(items.map((i) => i.key));
    expect((await sb.stats()).account).toBe(250);
  });

  it('reports per-item failures without failing the others', async () => {
    const client = sb.client();
    const results = await client.upsertMany('contacts', 'crm_sourceid', [
      { key: 'OK-1', body: { lastname: 'One' } },
      { key: 'BAD-COLUMN', body: { lastname: 'x', crm_nosuchcolumn: 1 } },
      { key: 'BAD-PARENT', body: { lastname: 'x', "parentcustomerid_account@odata.bind": "/accounts(crm_sourceid='NOPE')" } },
      { key: 'a/b', body: { lastname: 'unaddressable' } },
      { key: 'OK-2', body: { lastname: 'Two' } },
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : `${r.status} ${r.code}`))).toEqual([
      'ok',
      '400 0x0',
      '404 0x80060891',
      '400 UnaddressableKey',
      'ok',
    ]);
    expect((await sb.stats()).contact).toBe(2);
  });

  it('chunks more than 1000 items into several batches, in order', async () => {
    const client = sb.client();
    const results = await client.upsertMany('accounts', 'crm_sourceid', accounts(2300, 'BIG'), { select: ['name'] });
    expect(results).toHaveLength(2300);
    expect(results.every((r) => r.ok && r.created)).toBe(true);
    expect(results[2299].key).toBe('BIG-2299');
    const last = results[2299];
    expect(last.ok && last.record?.name).toBe('Account 2299');
    expect(await client.count('accounts')).toBe(2300);
  });

  it('lists every record through nextLink, gets, counts and deletes', async () => {
    const client = sb.client();
    const loaded = await client.upsertMany('accounts', 'crm_sourceid', accounts(23));
    const seen: string[] = [];
    for await (const r of client.listAll('accounts', { select: ['crm_sourceid'], pageSize: 5 })) seen.push(r.crm_sourceid as string);
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);

    const austin = [];
    for await (const r of client.listAll('accounts', { select: ['name'], filter: "address1_city eq 'Austin'", pageSize: 4 })) austin.push(r);
    expect(austin).toHaveLength(11);
    expect(await client.count('accounts', "address1_city eq 'Austin'")).toBe(11);

    const byKey = await client.get('accounts', { crm_sourceid: 'ACC-3' }, { select: ['name'] });
    expect(byKey?.name).toBe('Account 3');
    const id = loaded[3].ok ? loaded[3].id : '';
    expect((await client.get('accounts', id))?.accountid).toBe(id);
    expect(await client.get('accounts', { crm_sourceid: 'missing' })).toBeNull();

    expect(await client.delete('accounts', { crm_sourceid: 'ACC-3' })).toBe(true);
    expect(await client.delete('accounts', id)).toBe(false);
    expect(await client.count('accounts')).toBe(22);
  });

  it('throws a typed, non-retryable DataverseError for request errors', async () => {
    const client = sb.client();
    const err = await client.request({ method: 'GET', url: 'Accounts' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataverseError);
    expect(err).toMatchObject({ status: 404, code: '0x8006088a', retryable: false });
    const bad = await sb.client({ clientSecret: 'wrong' }).count('accounts').catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 401, code: 'invalid_client', retryable: false });
  });

  it('re-authenticates once when the API rejects its cached token', async () => {
    const common = { databaseUrl: sb.options.databaseUrl, schema: sb.options.schema, logLevel: 'silent' };
    const first = await startSandbox({ ...common, port: 0, tokenSigningKey: 'first-signing-key-0123456789' });
    const port = Number(new URL(first.url).port);
    const client = sb.client({ baseUrl: first.apiUrl, tokenUrl: first.tokenUrl });
    expect(await client.count('accounts')).toBe(0);
    await first.close();
    // Same address, another signing key: the token the client holds is no longer accepted.
    const second = await startSandbox({ ...common, port, tokenSigningKey: 'second-signing-key-0123456789' });
    try {
      expect(await client.count('accounts')).toBe(0);
      expect(client.metrics.tokenRefreshes).toBe(1);
    } finally {
      await second.close();
    }
  });

  it('upserts 1000 records in one $batch quickly', async () => {
    const client = sb.client();
    await client.upsertMany('accounts', 'crm_sourceid', [{ key: 'PARENT', body: { name: 'Parent' } }]);
    const items = Array.from({ length: 1000 }, (_, i) => ({
      key: `T-${i}`,
      body: { name: `Account ${i}`, telephone1: '555-0100', crm_industry: 'Mortgage', "parentaccountid@odata.bind": "/accounts(crm_sourceid='PARENT')" },
    }));
    const started = Date.now();
    const created = await client.upsertMany('accounts', 'crm_sourceid', items);
    const createMs = Date.now() - started;
    const again = Date.now();
    const updated = await client.upsertMany('accounts', 'crm_sourceid', items);
    const updateMs = Date.now() - again;
    expect(created.every((r) => r.ok && r.created)).toBe(true);
    expect(updated.every((r) => r.ok && !r.created)).toBe(true);
    process.stdout.write(`client: upsertMany of 1000 records: ${createMs} ms creating, ${updateMs} ms updating\n`);
    expect(createMs).toBeLessThan(3000);
  });
});
