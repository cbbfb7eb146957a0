import axios from 'axios';
import { startSandbox } from '../../apps/sandbox/src/sandbox.app';
import { DEMO_USERS } from '@ferry/demo';
import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const enabledUser = DEMO_USERS.find((u) => !u.isdisabled)!;
const disabledUser = DEMO_USERS.find((u) => u.isdisabled)!;

describe('Dataverse sandbox: Web API', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('webapi');
  });

  afterAll(async () => {
    await sb?.close();
  });

  beforeEach(async () => {
    await sb.reset();
  });

  describe('authentication', () => {
    it('issues a bearer token for the configured client and refuses a wrong secret like Entra ID', async () => {
      const form = (secret: string) =>
        new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ferry-demo', client_secret: secret, scope: `${sb.url}/.default` }).toString();
      const ok = await axios.post(sb.tokenUrl, form('ferry-demo-secret'), { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(ok.status).toBe(200);
      expect(ok.data).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
      expect(typeof ok.data.access_token).toBe('string');

      const bad = await axios.post(sb.tokenUrl, form('nope'), { validateStatus: () => true });
      expect(bad.status).toBe(401);
      expect(bad.data.error).toBe('invalid_client');
      expect(bad.data.error_description).toMatch(/^AADSTS7000215: Invalid client secret provided/);
      expect(bad.data.error_codes).toEqual([7000215]);
    });

    it('answers 401 without a token or with a forged one', async () => {
      const none = await sb.api.get('accounts');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer authorization_uri=/);
      const forged = (await sb.token()).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
      const res = await sb.api.get('accounts', { headers: { Authorization: `Bearer ${forged}` } });
      expect(res.status).toBe(401);
    });
  });

  describe('create', () => {
    it('answers 204 with OData-EntityId, or 201 with the record for return=representation', async () => {
      const plain = await sb.call('POST', 'accounts', { body: { name: 'Contoso', crm_sourceid: 'C-1' } });
      expect(plain.status).toBe(204);
      expect(plain.data).toBeUndefined();
      const m = /\/api\/data\/v9\.2\/accounts\(([0-9a-f-]{36})\)$/.exec(plain.headers['odata-entityid']);
      expect(m).not.toBeNull();
      expect(plain.headers['x-ms-dop-hint']).toBe('4');

      const rep = await sb.call('POST', 'accounts?$select=name,createdon', {
        body: { name: 'Fabrikam', crm_sourcecreatedon: '2020-05-01T10:20:30.456Z' },
        headers: { Prefer: 'return=representation' },
      });
      expect(rep.status).toBe(201);
      expect(rep.headers['odata-entityid']).toBeUndefined();
      expect(rep.data['@odata.etag']).toMatch(/^W\/"\d+"$/);
      expect(rep.data.name).toBe('Fabrikam');
      expect(rep.data.accountid).toMatch(GUID);
      expect(rep.data.createdon).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

      const got = await sb.call('GET', `accounts(${rep.data.accountid})`);
      expect(got.status).toBe(200);
      expect(got.data.crm_sourcecreatedon).toBe('2020-05-01T10:20:30Z');
      expect(got.data._ownerid_value).toBe(DEMO_USERS[0].systemuserid);
      expect(got.data.websiteurl).toBeNull();
    });

    it('enforces SystemRequired and maximum length but not ApplicationRequired', async () => {
      const missing = await sb.call('POST', 'accounts', { body: { telephone1: '1' } });
      expect(missing.status).toBe(400);
      expect(missing.data.error.code).toBe('0x80040200');

      const long = await sb.call('POST', 'accounts', { body: { name: 'x'.repeat(161) } });
      expect(long.status).toBe(400);
      expect(long.data.error).toEqual({
        code: '0x80044331',
        message: "A validation error occurred. The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'.",
      });

      expect((await sb.call('POST', 'contacts', { body: { firstname: 'No last name' } })).status).toBe(204);
      expect((await sb.call('POST', 'opportunities', { body: { estimatedvalue: 10 } })).status).toBe(204);
    });

    it('rejects an unknown column with 400 0x0 and silently drops read-only ones', async () => {
      const res = await sb.call('POST', 'accounts', { body: { name: 'A', crm_nosuchcolumn: 1 } });
      expect(res.status).toBe(400);
      expect(res.data.error.code).toBe('0x0');
      expect(res.data.error.message).toBe(
        "An error occurred while validating input parameters: Microsoft.OData.ODataException: Invalid property 'crm_nosuchcolumn' was found in entity 'Microsoft.Dynamics.CRM.account'.",
      );
      const ok = await sb.call('POST', 'accounts', {
        body: { name: 'A', createdon: '1999-01-01T00:00:00Z', versionnumber: 5 },
        headers: { Prefer: 'return=representation' },
      });
      expect(ok.status).toBe(201);
      expect(ok.data.createdon.startsWith('1999')).toBe(false);
    });

    it('answers 404 0x8006088a for a wrong entity set', async () => {
      const res = await sb.call('POST', 'Account', { body: { name: 'A' } });
      expect(res.status).toBe(404);
      expect(res.data.error).toEqual({ code: '0x8006088a', message: "Resource not found for the segment 'Account'." });
    });

    it('checks types: date-only columns take YYYY-MM-DD, money takes numbers', async () => {
      const ok = await sb.call('POST', 'opportunities?$select=estimatedclosedate,estimatedvalue', {
        body: { name: 'Loan', estimatedclosedate: '2024-03-01', estimatedvalue: 250000.5 },
        headers: { Prefer: 'return=representation' },
      });
      expect(ok.data).toMatchObject({ estimatedclosedate: '2024-03-01', estimatedvalue: 250000.5 });
      const bad = await sb.call('POST', 'opportunities', { body: { name: 'Loan', estimatedclosedate: '2024-03-01T00:00:00Z' } });
      expect(bad.status).toBe(400);
      expect(bad.data.error.message).toMatch(/Edm\.Date/);
      expect((await sb.call('POST', 'opportunities', { body: { estimatedvalue: '12' } })).status).toBe(400);
      const state = await sb.call('POST', 'opportunities', { body: { name: 'Loan', statecode: 7 } });
      expect(state.data.error).toEqual({ code: '0x8004431A', message: 'The picklist value is out of the range.' });
    });

    it('answers 412 0x80060892 when a create repeats an alternate key, case-insensitively', async () => {
      expect((await sb.call('POST', 'accounts', { body: { name: 'A', crm_sourceid: 'dup-1' } })).status).toBe(204);
      const again = await sb.call('POST', 'accounts', { body: { name: 'B', crm_sourceid: 'DUP-1' } });
      expect(again.status).toBe(412);
      expect(again.data.error.code).toBe('0x80060892');
    });
  });

  describe('upsert and update', () => {
    it('PATCH by key creates then updates, 204 both ways, echoing the key in OData-EntityId', async () => {
      const first = await sb.call('PATCH', "accounts(crm_sourceid='K-1')", { body: { name: 'First' } });
      expect(first.status).toBe(204);
      expect(first.headers['odata-entityid']).toBe(`${sb.apiUrl}/accounts(crm_sourceid='K-1')`);
      const second = await sb.call('PATCH', "accounts(crm_sourceid='K-1')", { body: { telephone1: '555', crm_sourceid: 'OTHER' } });
      expect(second.status).toBe(204);
      const got = await sb.call('GET', "accounts(crm_sourceid='K-1')?$select=name,telephone1,crm_sourceid");
      expect(got.data).toMatchObject({ name: 'First', telephone1: '555', crm_sourceid: 'K-1' });
      expect((await sb.stats()).account).toBe(1);
    });

    it('with return=representation answers 201 when created and 200 when updated', async () => {
      const opts = { headers: { Prefer: 'return=representation' } };
      const created = await sb.call('PATCH', "contacts(crm_sourceid='P-1')?$select=contactid", { body: { lastname: 'Lee' }, ...opts });
      expect(created.status).toBe(201);
      const updated = await sb.call('PATCH', "contacts(crm_sourceid='P-1')?$select=contactid,lastname", { body: { lastname: 'Li' }, ...opts });
      expect(updated.status).toBe(200);
      expect(updated.data.contactid).toBe(created.data.contactid);
      expect(updated.data.lastname).toBe('Li');
      expect(Number(updated.data['@odata.etag'].match(/\d+/)[0])).toBeGreaterThan(Number(created.data['@odata.etag'].match(/\d+/)[0]));
    });

    it('upserts by GUID too, creating the record with that id', async () => {
      const id = '0b5c1f3e-1111-4a2b-8c3d-000000000001';
      const res = await sb.call('PATCH', `accounts(${id})`, { body: { name: 'By id' }, headers: { Prefer: 'return=representation' } });
      expect(res.status).toBe(201);
      expect(res.data.accountid).toBe(id);
    });

    it('If-Match: * only updates (404 when missing); If-None-Match: * only creates (412 when present)', async () => {
      const missing = await sb.call('PATCH', `accounts(2f0e1c4a-0000-4000-8000-00000000dead)`, { body: { name: 'x' }, headers: { 'If-Match': '*' } });
      expect(missing.status).toBe(404);
      expect(missing.data.error.message).toBe('account With Id = 2f0e1c4a-0000-4000-8000-00000000dead Does Not Exist');
      const missingKey = await sb.call('PATCH', "accounts(crm_sourceid='none')", { body: { name: 'x' }, headers: { 'If-Match': '*' } });
      expect(missingKey.status).toBe(404);
      expect((await sb.stats()).account).toBe(0);

      const created = await sb.call('PATCH', "accounts(crm_sourceid='M-1')", { body: { name: 'x' }, headers: { 'If-None-Match': '*' } });
      expect(created.status).toBe(204);
      const again = await sb.call('PATCH', "accounts(crm_sourceid='M-1')", { body: { name: 'y' }, headers: { 'If-None-Match': '*' } });
      expect(again.status).toBe(412);
      expect(again.data.error.message).toBe('A record with matching key values already exists.');
      const update = await sb.call('PATCH', "accounts(crm_sourceid='M-1')", { body: { name: 'z' }, headers: { 'If-Match': '*' } });
      expect(update.status).toBe(204);
    });

    it('an upsert that would create without a SystemRequired column fails, but updates without it succeed', async () => {
      const res = await sb.call('PATCH', "accounts(crm_sourceid='R-1')", { body: { telephone1: '1' } });
      expect(res.status).toBe(400);
      expect(res.data.error.code).toBe('0x80040200');
      await sb.call('PATCH', "accounts(crm_sourceid='R-1')", { body: { name: 'ok' } });
      expect((await sb.call('PATCH', "accounts(crm_sourceid='R-1')", { body: { telephone1: '1' } })).status).toBe(204);
    });

    it('refuses a non-key column in the URL and unaddressable key characters', async () => {
      const res = await sb.call('PATCH', "accounts(name='x')", { body: { name: 'x' } });
      expect(res.status).toBe(400);
      expect(res.data.error.message).toMatch(/^The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.account'/);
      const colon = await sb.call('PATCH', `accounts(crm_sourceid='${encodeURIComponent('a:b')}')`, { body: { name: 'x' } });
      expect(colon.status).toBe(400);
    });

    it('two concurrent upserts of one key leave one record', async () => {
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          sb.call('PATCH', "accounts(crm_sourceid='RACE')", { body: { name: `n${i}` }, headers: { Prefer: 'return=representation' } }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(results.map((r) => r.data.accountid)).size).toBe(1);
      expect((await sb.stats()).account).toBe(1);
    });

    it('deletes by id and by key, 404 the second time', async () => {
      await sb.call('PATCH', "accounts(crm_sourceid='D-1')", { body: { name: 'x' } });
      expect((await sb.call('DELETE', "accounts(crm_sourceid='D-1')")).status).toBe(204);
      expect((await sb.call('DELETE', "accounts(crm_sourceid='D-1')")).status).toBe(404);
      expect((await sb.call('GET', "accounts(crm_sourceid='D-1')")).status).toBe(404);
    });
  });

  describe('lookups', () => {
    it('binds by alternate key and by GUID, and reports the documented errors', async () => {
      const parent = await sb.call('PATCH', "accounts(crm_sourceid='PARENT')", { body: { name: 'Parent' }, headers: { Prefer: 'return=representation' } });
      const child = await sb.call('PATCH', "contacts(crm_sourceid='CHILD')?$select=_parentcustomerid_value", {
        body: { lastname: 'Kid', "parentcustomerid_account@odata.bind": "/accounts(crm_sourceid='PARENT')" },
        headers: { Prefer: 'return=representation, odata.include-annotations="*"' },
      });
      expect(child.status).toBe(201);
      expect(child.data._parentcustomerid_value).toBe(parent.data.accountid);
      expect(child.data['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname']).toBe('account');

      const byGuid = await sb.call('POST', 'opportunities', {
        body: { name: 'Deal', 'customerid_contact@odata.bind': `contacts(${child.data.contactid})` },
      });
      expect(byGuid.status).toBe(204);

      const missingKey = await sb.call('POST', 'contacts', { body: { "parentcustomerid_account@odata.bind": "/accounts(crm_sourceid='NOPE')" } });
      expect(missingKey.status).toBe(404);
      expect(missingKey.data.error).toEqual({ code: '0x80060891', message: 'A record with the specified key values does not exist in account entity' });

      const missingGuid = await sb.call('POST', 'contacts', {
        body: { 'parentcustomerid_account@odata.bind': '/accounts(00000000-0000-4000-8000-000000000404)' },
      });
      expect(missingGuid.data.error).toEqual({ code: '0x80040217', message: 'account With Id = 00000000-0000-4000-8000-000000000404 Does Not Exist' });

      const plain = await sb.call('POST', 'contacts', { body: { "parentcustomerid@odata.bind": "/accounts(crm_sourceid='PARENT')" } });
      expect(plain.status).toBe(400);
      expect(plain.data.error.code).toBe('0x80048d19');
      expect(plain.data.error.message).toMatch(/^An undeclared property 'parentcustomerid'/);
    });

    it('assigns owners and refuses a disabled one', async () => {
      const ok = await sb.call('POST', 'accounts?$select=_ownerid_value', {
        body: { name: 'Owned', 'ownerid@odata.bind': `/systemusers(${enabledUser.systemuserid})` },
        headers: { Prefer: 'return=representation' },
      });
      expect(ok.data._ownerid_value).toBe(enabledUser.systemuserid);
      const disabled = await sb.call('POST', 'accounts', { body: { name: 'x', 'ownerid@odata.bind': `/systemusers(${disabledUser.systemuserid})` } });
      expect(disabled.status).toBe(400);
      expect(disabled.data.error).toEqual({ code: '0x8004022b', message: 'The specified owner has been disabled.' });
    });
  });

  describe('queries', () => {
    beforeEach(async () => {
      const batch = Array.from({ length: 23 }, (_, i) => ({
        method: 'PATCH',
        url: `accounts(crm_sourceid='Q-${String(i).padStart(2, '0')}')`,
        body: { name: i % 2 ? `Odd ${i}` : `Even ${i}`, crm_industry: i < 5 ? 'Banking' : null, address1_city: i % 3 === 0 ? 'Austin' : 'Boston' },
      }));
      expect((await sb.batch(batch)).status).toBe(200);
    });

    it('pages with odata.maxpagesize and @odata.nextLink, counting with $count=true', async () => {
      const seen: string[] = [];
      let url: string | undefined = 'accounts?$select=name,crm_sourceid&$count=true';
      let pages = 0;
      while (url) {
        const res: { status: number; headers: Record<string, string>; data: any } = await sb.call('GET', url.replace(sb.apiUrl + '/', ''), {
          headers: { Prefer: 'odata.maxpagesize=10' },
        });
        expect(res.status).toBe(200);
        if (pages === 0) expect(res.data['@odata.count']).toBe(23);
        expect(res.headers['preference-applied']).toBe('odata.maxpagesize=10');
        seen.push(...res.data.value.map((r: { crm_sourceid: string }) => r.crm_sourceid));
        url = res.data['@odata.nextLink'];
        if (url) expect(url).toMatch(/\$skiptoken=/);
        pages++;
      }
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(23);
    });

    it('filters with eq/ne/null/and/or/contains/startswith, case-insensitively, and honours $top', async () => {
      const q = async (filter: string, extra = '') => {
        const res = await sb.call('GET', `accounts?$select=crm_sourceid&$filter=${encodeURIComponent(filter)}${extra}`);
        expect(res.status).toBe(200);
        return res.data.value.length as number;
      };
      expect(await q("crm_industry eq 'banking'")).toBe(5);
      expect(await q('crm_industry eq null')).toBe(18);
      expect(await q('crm_industry ne null')).toBe(5);
      expect(await q("crm_industry ne 'Banking'")).toBe(18);
      expect(await q("crm_industry eq 'Banking' and address1_city eq 'Austin'")).toBe(2);
      expect(await q("(address1_city eq 'Austin' or crm_industry eq 'Banking') and not startswith(name, 'Odd')")).toBe(6);
      expect(await q("contains(name, 'dd 1')")).toBe(6);
      expect(await q("crm_sourceid eq 'q-07'")).toBe(1);
      expect(await q("address1_city eq 'Boston'", '&$top=3')).toBe(3);
      const owner = await q(`_ownerid_value eq ${DEMO_USERS[0].systemuserid}`);
      expect(owner).toBe(23);
    });

    it('refuses $skip, unknown columns in $select and $filter', async () => {
      const skip = await sb.call('GET', 'accounts?$skip=5');
      expect(skip.status).toBe(400);
      const select = await sb.call('GET', 'accounts?$select=nosuch');
      expect(select.status).toBe(400);
      expect(select.data.error).toEqual({ code: '0x80060888', message: "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.account'." });
      expect((await sb.call('GET', `accounts?$filter=${encodeURIComponent("nosuch eq 'x'")}`)).status).toBe(400);
      expect((await sb.call('GET', `accounts?$filter=${encodeURIComponent('name eq')}`)).status).toBe(400);
    });

    it('serves seeded system users read-only, and /$count', async () => {
      const users = await sb.call('GET', `systemusers?$select=fullname,internalemailaddress,isdisabled&$filter=isdisabled eq true`);
      expect(users.data.value).toHaveLength(1);
      expect(users.data.value[0].systemuserid).toBe(disabledUser.systemuserid);
      expect((await sb.call('POST', 'systemusers', { body: { fullname: 'x' } })).status).toBe(405);
      const count = await sb.call('GET', 'accounts/$count');
      expect(count.data).toBe(23);
    });
  });

  it('keeps records across a restart on the same schema', async () => {
    await sb.call('PATCH', "accounts(crm_sourceid='KEEP')", { body: { name: 'Kept' } });
    const again = await startSandbox({ port: 0, databaseUrl: sb.options.databaseUrl, schema: sb.options.schema, logLevel: 'silent' });
    try {
      const token = await sb.token();
      const res = await axios.get(`${again.apiUrl}/accounts(crm_sourceid='KEEP')?$select=name`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.data.name).toBe('Kept');
    } finally {
      await again.close();
    }
  });
});
