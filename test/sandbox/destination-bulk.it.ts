import type { WriteItem } from '@ferry/destinations/core';
import { DynamicsDestination } from '@ferry/destinations/dynamics';
import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

/** The Dynamics destination's bulk path against the sandbox: what it sends, what it reports, what the org then holds. */
describe('DynamicsDestination bulk writes against the sandbox', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('destbulk', { bulkUnsupportedTables: ['account'] });
  });
  afterAll(async () => {
    await sb?.close();
  });
  beforeEach(async () => {
    await sb.reset();
  });

  const contact = (key: string, lastname: string, email?: string): WriteItem => ({
    key,
    columns: { lastname: { type: 'string', value: lastname }, ...(email !== undefined ? { emailaddress1: { type: 'string', value: email } } : {}) },
    lookups: [],
    ownerId: null,
    merge: 'last-wins',
  });
  const write = async (d: DynamicsDestination, entity: string, items: WriteItem[]) => {
    const before = await d.readBefore(entity, items.map((i) => i.key), ['lastname']);
    return d.upsertMany(entity, items, { before });
  };

  it('creates 1,500 contacts in two CreateMultiple calls, then updates them by UpsertMultiple, with ids and created/updated right', async () => {
    const d = new DynamicsDestination(sb.client(), { keyColumn: 'crm_sourceid' });
    const keys = Array.from({ length: 1500 }, (_, i) => `B-${String(i).padStart(5, '0')}`);
    const sent = d.client.metrics.requests;
    const first = await write(d, 'contact', keys.map((k) => contact(k, `L${k}`)));
    expect(first.every((r) => r.ok && r.created)).toBe(true);
    // readBefore in groups, two bulk calls, one metadata read: far fewer than a request per 200 records
    expect(d.client.metrics.requests - sent).toBeLessThanOrEqual(16);
    expect((await sb.stats()).contact).toBe(1500);
    const second = await write(d, 'contact', keys.slice(0, 10).map((k) => contact(k, 'Renamed')).concat(contact('B-NEW', 'New')));
    expect(second.map((r) => r.ok && r.created)).toEqual([...Array(10).fill(false), true]);
    for (const [n, r] of second.slice(0, 10).entries()) expect(r.ok && r.id).toBe(first[n].ok && first[n].id);
    const renamed = await sb.call('GET', `contacts?$count=true&$filter=${encodeURIComponent("lastname eq 'Renamed'")}`);
    expect(renamed.data['@odata.count']).toBe(10);
    expect(d.bulkCounts).toEqual({ records: 1511, fallbacks: 0 });
  });

  it('writes a chunk its all-or-nothing bulk call refused again through $batch: the good records land, the bad one says why', async () => {
    const d = new DynamicsDestination(sb.client(), { keyColumn: 'crm_sourceid' });
    const items = [contact('F-1', 'One'), contact('F-2', 'Two', 'x'.repeat(101)), contact('F-3', 'Three')];
    const results = await write(d, 'contact', items);
    expect(results.map((r) => (r.ok ? r.created : r.code))).toEqual([true, '0x80044331', true]);
    expect((await sb.stats()).contact).toBe(2);
    expect(d.bulkCounts.fallbacks).toBe(3);
    expect(d.bulkSupported('contact')).toBe(true);
  });

  it('learns that a table refuses bulk messages and writes it through $batch from then on', async () => {
    const d = new DynamicsDestination(sb.client(), { keyColumn: 'crm_sourceid' });
    const account = (key: string): WriteItem => ({ key, columns: { name: { type: 'string', value: key } }, lookups: [], ownerId: null, merge: 'last-wins' });
    const first = await write(d, 'account', [account('A-1'), account('A-2')]);
    expect(first.every((r) => r.ok && r.created)).toBe(true);
    expect(d.bulkSupported('account')).toBe(false);
    const refusedBefore = d.bulkCounts.fallbacks;
    const second = await write(d, 'account', [account('A-1'), account('A-3')]);
    expect(second.map((r) => r.ok && r.created)).toEqual([false, true]);
    expect(d.bulkCounts.fallbacks).toBe(refusedBefore);
    expect((await sb.stats()).account).toBe(3);
  });
});
