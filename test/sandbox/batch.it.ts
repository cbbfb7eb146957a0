import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

describe('Dataverse sandbox: $batch', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('batch');
  });

  afterAll(async () => {
    await sb?.close();
  });

  beforeEach(async () => {
    await sb.reset();
  });

  const good = (key: string) => ({ method: 'PATCH', url: `accounts(crm_sourceid='${key}')`, body: { name: key } });
  const bad = { method: 'POST', url: 'accounts', body: { name: 'bad', crm_nosuchcolumn: 1 } };

  it('stops at the first failure by default: a 4xx envelope holding what ran and the failing part', async () => {
    const res = await sb.batch([good('S-1'), bad, good('S-2')]);
    expect(res.status).toBe(400);
    expect(res.parts.map((p) => p.status)).toEqual([204, 400]);
    expect(JSON.parse(res.parts[1].body as string).error.code).toBe('0x0');
    expect((await sb.stats()).account).toBe(1);
  });

  it('continues past failures with Prefer: odata.continue-on-error and answers 200', async () => {
    const res = await sb.batch([good('C-1'), bad, good('C-2')], { Prefer: 'odata.continue-on-error' });
    expect(res.status).toBe(200);
    expect(res.headers['preference-applied']).toBe('odata.continue-on-error');
    expect(res.parts.map((p) => p.status)).toEqual([204, 400, 204]);
    expect((await sb.stats()).account).toBe(2);
  });

  it('frames the response as batchresponse/changesetresponse parts with HTTP/1.1 status lines', async () => {
    const res = await sb.batch([good('F-1'), { changeSet: [good('F-2'), good('F-3')] }]);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/);
    expect(res.raw).toMatch(/^--batchresponse_[0-9a-f-]{36}\r\nContent-Type: application\/http\r\nContent-Transfer-Encoding: binary\r\n\r\nHTTP\/1\.1 204 No Content\r\n/);
    expect(res.raw).toMatch(/Content-Type: multipart\/mixed; boundary=changesetresponse_[0-9a-f-]{36}\r\n/);
    expect(res.parts.map((p) => [p.status, p.changeSet, p.contentId])).toEqual([
      [204, undefined, undefined],
      [204, 0, '1'],
      [204, 0, '2'],
    ]);
    expect(res.parts[1].headers['odata-entityid']).toBe(`${sb.apiUrl}/accounts(crm_sourceid='F-2')`);
  });

  it('rolls a failing change set back entirely and reports only its failure', async () => {
    const res = await sb.batch([{ changeSet: [good('R-1'), good('R-2'), bad] }, good('R-after')], { Prefer: 'odata.continue-on-error' });
    expect(res.status).toBe(200);
    expect(res.parts.map((p) => [p.status, p.changeSet])).toEqual([
      [400, undefined],
      [204, undefined],
    ]);
    const got = await sb.call('GET', 'accounts?$select=crm_sourceid');
    expect(got.data.value.map((r: { crm_sourceid: string }) => r.crm_sourceid)).toEqual(['R-after']);
  });

  it('resolves $n Content-ID references in URLs and binds inside a change set', async () => {
    const res = await sb.batch([
      {
        changeSet: [
          { method: 'POST', url: 'accounts', body: { name: 'Parent', crm_sourceid: 'P' }, contentId: '1' },
          { method: 'POST', url: 'contacts', body: { lastname: 'Child', 'parentcustomerid_account@odata.bind': '$1' }, contentId: '2' },
          { method: 'PATCH', url: '$1', body: { telephone1: '555-0100' }, contentId: '3' },
          { method: 'PATCH', url: '$2', headers: { Prefer: 'return=representation' }, body: { jobtitle: 'CFO' }, contentId: '4' },
        ],
      },
    ]);
    expect(res.status).toBe(200);
    expect(res.parts.map((p) => p.status)).toEqual([204, 204, 204, 200]);
    const account = await sb.call('GET', "accounts(crm_sourceid='P')?$select=telephone1");
    expect(account.data.telephone1).toBe('555-0100');
    const contact = JSON.parse(res.parts[3].body as string);
    expect(contact._parentcustomerid_value).toBe(account.data.accountid);
    expect(contact.jobtitle).toBe('CFO');
  });

  it('refuses a Content-ID reference the batch never declared', async () => {
    const res = await sb.batch([{ method: 'POST', url: 'contacts', body: { lastname: 'x', 'parentcustomerid_account@odata.bind': '$9' } }]);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.parts[0].body as string).error.message).toBe("Content-ID Reference: '$9' does not exist in the batch context.");
  });

  it('accepts LF-only bodies with absolute inner URLs, as dynamics-web-api sends them', async () => {
    const body = [
      '--dwa_batch_7b1c',
      'Content-Type: multipart/mixed;boundary=changeset_55aa',
      '',
      '--changeset_55aa',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      `POST ${sb.apiUrl}/accounts HTTP/1.1`,
      'Content-Type: application/json',
      '',
      '{"name":"From LF","crm_sourceid":"LF-1"}',
      '--changeset_55aa--',
      '',
      '--dwa_batch_7b1c',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      '',
      `GET ${sb.apiUrl}/accounts?$select=name&$filter=crm_sourceid%20eq%20'LF-1' HTTP/1.1`,
      'Accept: application/json',
      '',
      '',
      '--dwa_batch_7b1c--',
      '',
    ].join('\n');
    const res = await sb.batch(body, { 'Content-Type': 'multipart/mixed;boundary=dwa_batch_7b1c' });
    expect(res.status).toBe(200);
    expect(res.parts.map((p) => p.status)).toEqual([204, 200]);
    expect(JSON.parse(res.parts[1].body as string).value[0].name).toBe('From LF');
  });

  it('answers return=representation per inner request, 201 created then 200 updated', async () => {
    const part = { method: 'PATCH', url: "contacts(crm_sourceid='REP')?$select=contactid", headers: { Prefer: 'return=representation' }, body: { lastname: 'x' } };
    const res = await sb.batch([part, part]);
    expect(res.parts.map((p) => p.status)).toEqual([201, 200]);
    const [a, b] = res.parts.map((p) => JSON.parse(p.body as string).contactid);
    expect(a).toBe(b);
  });

  it('lets a later part bind to a record an earlier part of the same batch created, in order', async () => {
    const res = await sb.batch([
      good('ORDER-PARENT'),
      { method: 'PATCH', url: "accounts(crm_sourceid='ORDER-CHILD')", body: { name: 'child', "parentaccountid@odata.bind": "/accounts(crm_sourceid='ORDER-PARENT')" } },
      { method: 'PATCH', url: "contacts(crm_sourceid='ORDER-C')", body: { lastname: 'c', "parentcustomerid_account@odata.bind": "/accounts(crm_sourceid='ORDER-CHILD')" } },
      { method: 'DELETE', url: "accounts(crm_sourceid='ORDER-PARENT')" },
      { method: 'PATCH', url: "accounts(crm_sourceid='ORDER-X')", body: { name: 'x', "parentaccountid@odata.bind": "/accounts(crm_sourceid='ORDER-PARENT')" } },
    ], { Prefer: 'odata.continue-on-error' });
    expect(res.parts.map((p) => p.status)).toEqual([204, 204, 204, 204, 404]);
    // the child was bound to the parent; deleting the parent then removed the link (account_parent_account is RemoveLink)
    const child = await sb.call('GET', "accounts(crm_sourceid='ORDER-CHILD')?$select=_parentaccountid_value,accountid");
    expect(child.status).toBe(200);
    expect(child.data._parentaccountid_value).toBeNull();
    const contact = await sb.call('GET', "contacts(crm_sourceid='ORDER-C')?$select=_parentcustomerid_value");
    expect(contact.data._parentcustomerid_value).toBe(child.data.accountid);
  });

  it('validates $select before writing', async () => {
    const res = await sb.batch([{ method: 'PATCH', url: "accounts(crm_sourceid='SEL')?$select=nosuch", headers: { Prefer: 'return=representation' }, body: { name: 'x' } }]);
    expect(res.parts[0].status).toBe(400);
    expect((await sb.stats()).account).toBe(0);
  });

  it('refuses GET inside a change set and more than 1000 requests', async () => {
    const get = await sb.batch([{ changeSet: [{ method: 'GET', url: 'accounts' }] }]);
    expect(get.status).toBe(400);
    const many = await sb.batch(Array.from({ length: 1001 }, (_, i) => good(`M-${i}`)));
    expect(many.status).toBe(400);
    expect((await sb.stats()).account).toBe(0);
  });

  it('answers 400 for a body that is not multipart', async () => {
    const res = await sb.call('POST', '$batch', { body: '{}', headers: { 'Content-Type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.data.error.message).toMatch(/malformed/);
  });

  it('survives concurrent batches that upsert the same keys in opposite orders (deadlocks are replayed)', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `DL-${i}`);
    const forward = keys.map((k) => ({ ...good(k), body: { name: `fwd ${k}` } }));
    const backward = [...keys].reverse().map((k) => ({ ...good(k), body: { name: `bwd ${k}` } }));
    const results = await Promise.all([sb.batch(forward), sb.batch(backward), sb.batch(forward), sb.batch(backward)]);
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.parts.every((p) => p.status === 204)).toBe(true);
    }
    expect((await sb.stats()).account).toBe(40);
  });

  it('runs 500 upserts with lookups well under a second', async () => {
    await sb.call('PATCH', "accounts(crm_sourceid='PERF-PARENT')", { body: { name: 'Parent' } });
    const parts = Array.from({ length: 500 }, (_, i) => ({
      method: 'PATCH',
      url: `contacts(crm_sourceid='PERF-${i}')?$select=contactid`,
      headers: { Prefer: 'return=representation' },
      body: { lastname: `L${i}`, emailaddress1: `p${i}@example.com`, "parentcustomerid_account@odata.bind": "/accounts(crm_sourceid='PERF-PARENT')" },
    }));
    const started = Date.now();
    const res = await sb.batch(parts, { Prefer: 'odata.continue-on-error' });
    const elapsed = Date.now() - started;
    expect(res.parts.filter((p) => p.status === 201)).toHaveLength(500);
    expect(elapsed).toBeLessThan(1000);
    process.stdout.write(`sandbox: $batch of 500 upserts took ${elapsed} ms\n`);
  });
});
