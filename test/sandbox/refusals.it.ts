import axios from 'axios';
import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

/** What the sandbox does not implement is refused in the platform's error shape, never answered with every row. */
describe('Dataverse sandbox: unsupported requests and token audience', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('refusals');
    await sb.reset();
    await sb.call('POST', 'accounts', { body: { name: 'A' } });
  });

  afterAll(async () => {
    await sb?.close();
  });

  const expectError = (res: { status: number; data: any }, status: number, text: RegExp) => {
    expect(res.status).toBe(status);
    expect(res.data).toEqual({ error: { code: expect.stringMatching(/^0x/), message: expect.stringMatching(text) } });
  };

  it.each([
    ['accounts?fetchXml=%3Cfetch%3E%3Centity%20name%3D%22account%22%2F%3E%3C%2Ffetch%3E', 501, /fetchXml/],
    ['accounts?$apply=groupby((name))', 501, /\$apply/],
    ['accounts?$expand=primarycontactid', 501, /\$expand/],
    ['accounts?savedQuery=00000000-0000-0000-0000-000000000000', 501, /savedQuery/],
    ['accounts?$search=contoso', 501, /\$search/],
    ['accounts?$frobnicate=1', 400, /\$frobnicate/],
    ['accounts?colour=blue', 400, /colour/],
    ['accounts?$filter=name eq @p1&@p1=%27A%27', 501, /@p1/],
    ['EntityDefinitions?$expand=OneToManyRelationships', 501, /\$expand/],
    ["EntityDefinitions(LogicalName='account')?$expand=Attributes($filter=IsCustomAttribute eq true)", 501, /\$filter/],
    ['RelationshipDefinitions?$select=SchemaName', 400, /\$select/],
    ['EntityDefinitions?$filter=LogicalName eq %27account%27', 400, /\$filter/],
    ['RetrieveVersion()', 501, /RetrieveVersion/],
    ['accounts/Microsoft.Dynamics.CRM.Frobnicate()', 501, /Frobnicate/],
    ['$metadata', 501, /\$metadata/],
  ])('GET %s is refused', async (path, status, text) => {
    expectError(await sb.call('GET', path), status, text);
  });

  it('refuses unimplemented actions and options on writes too', async () => {
    expectError(await sb.call('POST', 'WinOpportunity', { body: {} }), 501, /WinOpportunity/);
    expectError(await sb.call('POST', 'accounts?$expand=primarycontactid', { body: { name: 'B' } }), 501, /\$expand/);
    const list = await sb.call('GET', 'accounts?$select=name');
    expect(list.data.value).toHaveLength(1);
  });

  it('serves $select and $expand=Attributes(...),Keys(...) on EntityDefinitions, as the reference reads them', async () => {
    const res = await sb.call('GET', "EntityDefinitions(LogicalName='account')?$select=EntitySetName,PrimaryIdAttribute");
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ EntitySetName: 'accounts', PrimaryIdAttribute: 'accountid' });
    expect(res.data.Attributes).toBeUndefined();
    const full = await sb.call(
      'GET',
      "EntityDefinitions(LogicalName='contact')?$select=EntitySetName,PrimaryIdAttribute&$expand=Attributes($select=LogicalName,MaxLength),Keys($select=KeyAttributes,EntityKeyIndexStatus)",
    );
    expect(full.status).toBe(200);
    expect(full.data.Keys).toEqual([{ KeyAttributes: ['crm_sourceid'], EntityKeyIndexStatus: 'Active' }]);
    expect(full.data.Attributes).toContainEqual({ LogicalName: 'lastname', MaxLength: 50 });
    expect(full.data.Attributes).toContainEqual({ LogicalName: 'createdon' });
    const one = await sb.call('GET', "EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='emailaddress1')?$select=MaxLength");
    expect(one.data).toMatchObject({ MaxLength: 100 });
    expect((await sb.call('GET', "EntityDefinitions(LogicalName='contact')?$select=Nope")).status).toBe(400);
  });

  it('refuses a token issued for another organization with 401', async () => {
    const form = (scope: string) =>
      new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ferry-demo', client_secret: 'ferry-demo-secret', scope }).toString();
    const other = await axios.post(sb.tokenUrl, form('https://contoso.crm.dynamics.com/.default'));
    expect(other.status).toBe(200);
    const refused = await sb.api.get('accounts', { headers: { Authorization: `Bearer ${other.data.access_token}` } });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer authorization_uri=/);

    // localhost and 127.0.0.1 name the same loopback organization
    const local = await axios.post(sb.tokenUrl, form(`${sb.url.replace('127.0.0.1', 'localhost')}/.default`));
    const ok = await sb.api.get('accounts', { headers: { Authorization: `Bearer ${local.data.access_token}` } });
    expect(ok.status).toBe(200);
  });

  it('checks the audience against SANDBOX_ORG_URL when it is set', async () => {
    const org = await startTestSandbox('refusals_org', { orgUrl: 'https://ferry.crm.dynamics.com' });
    try {
      const form = (scope: string) =>
        new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ferry-demo', client_secret: 'ferry-demo-secret', scope }).toString();
      const own = await axios.post(org.tokenUrl, form(`${org.url}/.default`));
      expect((await org.api.get('accounts', { headers: { Authorization: `Bearer ${own.data.access_token}` } })).status).toBe(401);
      const right = await axios.post(org.tokenUrl, form('https://ferry.crm.dynamics.com/.default'));
      expect((await org.api.get('accounts', { headers: { Authorization: `Bearer ${right.data.access_token}` } })).status).toBe(200);
    } finally {
      await org.close();
    }
  });
});
