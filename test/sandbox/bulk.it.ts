import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

describe('Dataverse sandbox: CreateMultiple / UpdateMultiple / UpsertMultiple', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('bulk');
  });

  afterAll(async () => {
    await sb?.close();
  });

  beforeEach(async () => {
    await sb.reset();
  });

  const contact = (key: string, extra: Record<string, unknown> = {}) => ({
    '@odata.type': 'Microsoft.Dynamics.CRM.contact',
    '@odata.id': `contacts(crm_sourceid='${key}')`,
    lastname: key,
    ...extra,
  });

  it('UpsertMultiple creates then updates by the key in @odata.id, 204 with no body', async () => {
    const targets = Array.from({ length: 50 }, (_, i) => contact(`U-${i}`));
    const first = await sb.call('POST', 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', { body: { Targets: targets } });
    expect(first.status).toBe(204);
    expect(first.data).toBeUndefined();
    const second = await sb.call('POST', 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', {
      body: { Targets: targets.map((t) => ({ ...t, jobtitle: 'Updated' })) },
    });
    expect(second.status).toBe(204);
    expect((await sb.stats()).contact).toBe(50);
    const updated = await sb.call('GET', `contacts?$count=true&$filter=${encodeURIComponent("jobtitle eq 'Updated'")}`);
    expect(updated.data['@odata.count']).toBe(50);
  });

  it('CreateMultiple answers 200 with the new Ids', async () => {
    const res = await sb.call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
      body: { Targets: [1, 2, 3].map((i) => ({ '@odata.type': 'Microsoft.Dynamics.CRM.account', name: `A${i}` })) },
    });
    expect(res.status).toBe(200);
    expect(res.data.Ids).toHaveLength(3);
    const got = await sb.call('GET', `accounts(${res.data.Ids[2]})?$select=name`);
    expect(got.data.name).toBe('A3');
  });

  it('requires @odata.type on every target', async () => {
    const res = await sb.call('POST', 'accounts/Microsoft.Dynamics.CRM.CreateMultiple', { body: { Targets: [{ name: 'x' }] } });
    expect(res.status).toBe(400);
    expect(res.data.error.message).toMatch(/@odata\.type/);
  });

  it('is all-or-nothing on a standard table', async () => {
    const res = await sb.call('POST', 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', {
      body: { Targets: [contact('OK-1'), contact('OK-2'), contact('BAD', { emailaddress1: 'x'.repeat(101) })] },
    });
    expect(res.status).toBe(400);
    expect(res.data.error.code).toBe('0x80044331');
    expect((await sb.stats()).contact).toBe(0);
  });

  it('UpdateMultiple updates existing records and fails whole when one is missing', async () => {
    await sb.call('POST', 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', { body: { Targets: [contact('E-1'), contact('E-2')] } });
    const ok = await sb.call('POST', 'contacts/Microsoft.Dynamics.CRM.UpdateMultiple', {
      body: { Targets: [contact('E-1', { jobtitle: 'A' }), contact('E-2', { jobtitle: 'A' })] },
    });
    expect(ok.status).toBe(204);
    const missing = await sb.call('POST', 'contacts/Microsoft.Dynamics.CRM.UpdateMultiple', {
      body: { Targets: [contact('E-1', { jobtitle: 'B' }), contact('E-404', { jobtitle: 'B' })] },
    });
    expect(missing.status).toBe(404);
    const e1 = await sb.call('GET', "contacts(crm_sourceid='E-1')?$select=jobtitle");
    expect(e1.data.jobtitle).toBe('A');
  });

  it('works inside a $batch and counts as one request there too', async () => {
    const res = await sb.batch([
      { method: 'POST', url: 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', body: { Targets: [contact('B-1'), contact('B-2')] } },
      { method: 'POST', url: 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple', body: { Targets: [contact('B-3'), contact('B-4', { lastname: 'y'.repeat(51) })] } },
    ], { Prefer: 'odata.continue-on-error' });
    expect(res.parts.map((p) => p.status)).toEqual([204, 400]);
    expect((await sb.stats()).contact).toBe(2);
  });
});
