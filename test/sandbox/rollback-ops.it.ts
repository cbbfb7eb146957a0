import { DynamicsDestination } from '@ferry/destinations/dynamics';
import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

/** The destination's rollback operations through the client, as Dataverse documents them, against the sandbox. */
describe('rollback writes: restore by id, create with id, delete by id', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    // Three requests per two seconds: the rollback's calls meet 429 + Retry-After and must wait, not fail.
    sb = await startTestSandbox('rollback', { throttle: { requestLimit: 3, windowSeconds: 2 } });
  });

  afterAll(async () => {
    await sb?.close();
  });

  it('puts columns and lookups back, deletes and creates again under the same id, and is idempotent, under throttling', async () => {
    const client = sb.client({ backoffBaseMs: 200 });
    const dest = new DynamicsDestination(client, { keyColumn: 'crm_sourceid' });
    const [a, b] = await client.upsertMany('accounts', 'crm_sourceid', [
      { key: 'A', body: { name: 'Alpha', telephone1: '555-1' } },
      { key: 'B', body: { name: 'Beta' } },
    ]);
    if (!a.ok || !b.ok) throw new Error('seed failed');
    await client.upsertMany('contacts', 'crm_sourceid', [{ key: 'C', body: { lastname: 'Before', jobtitle: null, 'parentcustomerid_account@odata.bind': `/accounts(${a.id})` } }]);
    const before = await dest.readBefore('contact', ['C'], ['lastname', 'jobtitle', 'parentcustomerid', 'ownerid']);
    const image = before.get('C')!;
    const id = String(image.contactid);

    // The migration overwrites the columns and moves the lookup; a restore takes all of it back.
    await client.upsertMany('contacts', 'crm_sourceid', [{ key: 'C', body: { lastname: 'After', jobtitle: 'New', 'parentcustomerid_account@odata.bind': `/accounts(${b.id})` } }]);
    expect(await dest.restoreMany('contact', [{ id, image }])).toEqual([{ id, ok: true }]);
    const restored = await client.get('contacts', id, { select: ['lastname', 'jobtitle', '_parentcustomerid_value'] });
    expect(restored).toMatchObject({ lastname: 'Before', jobtitle: null, _parentcustomerid_value: a.id });

    // A deleted record comes back under its id with its columns and its creation time.
    const whole = (await dest.readWhole('account', ['A'])).get('A')!;
    expect(whole.id).toBe(a.id);
    const created = await client.get('accounts', a.id, { select: ['createdon'] });
    expect(await dest.deleteManyById('account', [a.id])).toEqual([{ id: a.id, ok: true }]);
    expect(await dest.deleteManyById('account', [a.id])).toEqual([{ id: a.id, ok: true, gone: true }]);
    expect(await dest.createManyWithId('account', [whole])).toEqual([{ id: a.id, ok: true }]);
    expect(await dest.createManyWithId('account', [whole])).toEqual([{ id: a.id, ok: true, existed: true }]);
    expect(await client.get('accounts', a.id, { select: ['name', 'telephone1', 'crm_sourceid', 'createdon'] })).toMatchObject({
      name: 'Alpha', telephone1: '555-1', crm_sourceid: 'A', createdon: created!.createdon,
    });
    // A restore of a record that is gone says so.
    const [gone] = await dest.restoreMany('account', [{ id: '00000000-0000-4000-8000-0000000000ff', image: { name: 'x' } }]);
    expect(gone).toMatchObject({ ok: false, gone: true });
    expect(client.metrics.throttled).toBeGreaterThan(0);
  }, 180_000);
});
