import axios from 'axios';
import { startSandbox } from '../../apps/sandbox/src/sandbox.app';
import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

const KEY_MS = 1500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const label = (text: string) => ({ '@odata.type': 'Microsoft.Dynamics.CRM.Label', LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: 1033 }] });

const propertyTable = {
  '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
  SchemaName: 'crm_Property',
  DisplayName: label('Property'),
  DisplayCollectionName: label('Properties'),
  OwnershipType: 'UserOwned',
  HasActivities: true,
  HasNotes: true,
  Attributes: [
    {
      '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
      SchemaName: 'crm_Name',
      IsPrimaryName: true,
      MaxLength: 100,
      RequiredLevel: { Value: 'ApplicationRequired' },
      DisplayName: label('Name'),
    },
  ],
};

const stringColumn = (schemaName: string, maxLength = 100) => ({
  '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata',
  SchemaName: schemaName,
  MaxLength: maxLength,
  RequiredLevel: { Value: 'None' },
  DisplayName: label(schemaName),
});

/** Metadata writes: custom tables, columns, relationships, global option sets and asynchronously built keys. */
describe('Dataverse sandbox: metadata writes', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('metadata', { keyActivationMs: KEY_MS, customTableLimit: 3 });
  });

  afterAll(async () => {
    await sb?.close();
  });

  beforeEach(async () => {
    await sb.reset();
  });

  const ok = async (method: string, path: string, body?: unknown) => {
    const res = await sb.call(method, path, { body });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.data)}`);
    return res;
  };

  it('creates a custom table that is immediately writable with the standard columns', async () => {
    const res = await ok('POST', 'EntityDefinitions', propertyTable);
    expect(res.status).toBe(204);
    expect(res.headers['odata-entityid']).toMatch(/\/EntityDefinitions\([0-9a-f-]{36}\)$/);
    const def = await sb.call('GET', "EntityDefinitions(LogicalName='crm_property')");
    expect(def.data).toMatchObject({ LogicalName: 'crm_property', SchemaName: 'crm_Property', EntitySetName: 'crm_properties', PrimaryIdAttribute: 'crm_propertyid', PrimaryNameAttribute: 'crm_name', OwnershipType: 'UserOwned', IsCustomEntity: true });
    const names = def.data.Attributes.map((a: any) => a.LogicalName);
    expect(names).toEqual(expect.arrayContaining(['crm_propertyid', 'crm_name', 'ownerid', 'createdon', 'modifiedon', 'statecode', 'statuscode', 'overriddencreatedon']));
    const byId = await sb.call('GET', res.headers['odata-entityid'].replace(/^.*\/api\/data\/v9\.2\//, ''));
    expect(byId.data.LogicalName).toBe('crm_property');

    const created = await sb.call('POST', 'crm_properties', { body: { crm_name: '1 Main St' }, headers: { Prefer: 'return=representation' } });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ crm_name: '1 Main St', statecode: 0, statuscode: 1 });
    const tooLong = await sb.call('POST', 'crm_properties', { body: { crm_name: 'x'.repeat(101) } });
    expect(tooLong.data.error.code).toBe('0x80044331');
    // activities and notes can be regarding a custom table
    const task = await sb.call('POST', 'tasks', { body: { subject: 'Inspect', 'regardingobjectid_crm_property_task@odata.bind': `/crm_properties(${created.data.crm_propertyid})` } });
    expect(task.status).toBe(204);

    const again = await sb.call('POST', 'EntityDefinitions', { body: propertyTable });
    expect(again.status).toBe(400);
    const noPrefix = await sb.call('POST', 'EntityDefinitions', { body: { ...propertyTable, SchemaName: 'Property' } });
    expect(noPrefix.status).toBe(400);
    expect(noPrefix.data.error.message).toMatch(/publisher prefix/);
  });

  it('refuses data into a column before it exists and accepts it after; every column type', async () => {
    const before = await sb.call('POST', 'contacts', { body: { lastname: 'Lee', crm_creditscore: 700 } });
    expect(before.status).toBe(400);
    expect(before.data.error).toEqual({ code: '0x0', message: expect.stringContaining("Invalid property 'crm_creditscore' was found in entity 'Microsoft.Dynamics.CRM.contact'") });

    await ok('POST', 'GlobalOptionSetDefinitions', {
      '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata',
      Name: 'crm_loanpurpose',
      OptionSetType: 'Picklist',
      Options: [{ Value: 100000000, Label: label('Purchase') }, { Value: 100000001, Label: label('Refinance') }],
    });
    const sets = await sb.call('GET', 'GlobalOptionSetDefinitions');
    expect(sets.data.value).toHaveLength(1);
    const set = await sb.call('GET', "GlobalOptionSetDefinitions(Name='crm_loanpurpose')");
    expect(set.data).toMatchObject({ Name: 'crm_loanpurpose', IsGlobal: true, Options: [{ Value: 100000000 }, { Value: 100000001 }] });

    const columns = [
      { '@odata.type': 'Microsoft.Dynamics.CRM.IntegerAttributeMetadata', SchemaName: 'crm_CreditScore', RequiredLevel: { Value: 'None' } },
      { '@odata.type': 'Microsoft.Dynamics.CRM.MemoAttributeMetadata', SchemaName: 'crm_Notes', MaxLength: 50 },
      { '@odata.type': 'Microsoft.Dynamics.CRM.DecimalAttributeMetadata', SchemaName: 'crm_Rate' },
      { '@odata.type': 'Microsoft.Dynamics.CRM.MoneyAttributeMetadata', SchemaName: 'crm_Income' },
      { '@odata.type': 'Microsoft.Dynamics.CRM.BooleanAttributeMetadata', SchemaName: 'crm_Veteran', OptionSet: { TrueOption: { Value: 1 }, FalseOption: { Value: 0 } } },
      { '@odata.type': 'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata', SchemaName: 'crm_BirthDate', Format: 'DateOnly' },
      { '@odata.type': 'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata', SchemaName: 'crm_LastCall', Format: 'DateAndTime' },
      { '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata', SchemaName: 'crm_Tier', OptionSet: { '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata', IsGlobal: false, OptionSetType: 'Picklist', Options: [{ Value: 1, Label: label('Gold') }, { Value: 2, Label: label('Silver') }] } },
      { '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata', SchemaName: 'crm_Purpose', 'GlobalOptionSet@odata.bind': `/GlobalOptionSetDefinitions(${set.data.MetadataId})` },
      stringColumn('crm_Nickname', 10),
    ];
    for (const c of columns) expect((await ok('POST', "EntityDefinitions(LogicalName='contact')/Attributes", c)).status).toBe(204);

    const body = { lastname: 'Lee', crm_creditscore: 700, crm_notes: 'n', crm_rate: 6.25, crm_income: 85000.5, crm_veteran: true, crm_birthdate: '1980-02-03', crm_lastcall: '2024-01-02T03:04:05Z', crm_tier: 1, crm_purpose: 100000001, crm_nickname: 'Al' };
    const after = await sb.call('POST', 'contacts', { body, headers: { Prefer: 'return=representation' } });
    expect(after.status).toBe(201);
    expect(after.data).toMatchObject(body);
    expect((await sb.call('POST', 'contacts', { body: { lastname: 'x', crm_tier: 3 } })).data.error.code).toBe('0x8004431A');
    expect((await sb.call('POST', 'contacts', { body: { lastname: 'x', crm_purpose: 1 } })).data.error.code).toBe('0x8004431A');
    expect((await sb.call('POST', 'contacts', { body: { lastname: 'x', crm_nickname: 'x'.repeat(11) } })).data.error.code).toBe('0x80044331');
    expect((await sb.call('POST', 'contacts', { body: { lastname: 'x', crm_birthdate: '1980-02-03T00:00:00Z' } })).status).toBe(400);

    const attrs = await sb.call('GET', "EntityDefinitions(LogicalName='contact')/Attributes");
    const tier = attrs.data.value.find((a: any) => a.LogicalName === 'crm_tier');
    expect(tier).toMatchObject({ AttributeType: 'Picklist', IsCustomAttribute: true, OptionSet: { IsGlobal: false } });
    expect(attrs.data.value.find((a: any) => a.LogicalName === 'crm_birthdate')).toMatchObject({ AttributeType: 'DateTime', Format: 'DateOnly' });
    expect((await sb.call('POST', "EntityDefinitions(LogicalName='contact')/Attributes", { body: stringColumn('crm_Nickname') })).status).toBe(400);
    expect((await sb.call('POST', "EntityDefinitions(LogicalName='contact')/Attributes", { body: { '@odata.type': 'Microsoft.Dynamics.CRM.ImageAttributeMetadata', SchemaName: 'crm_Photo' } })).status).toBe(501);
  });

  it('creates 1:N and N:N relationships', async () => {
    await ok('POST', 'EntityDefinitions', propertyTable);
    await ok('POST', 'RelationshipDefinitions', {
      '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
      SchemaName: 'crm_account_crm_property',
      ReferencedEntity: 'account',
      ReferencingEntity: 'crm_property',
      CascadeConfiguration: { Assign: 'NoCascade', Delete: 'RemoveLink', Merge: 'NoCascade', Reparent: 'NoCascade', Share: 'NoCascade', Unshare: 'NoCascade' },
      Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', SchemaName: 'crm_AccountId', DisplayName: label('Account'), RequiredLevel: { Value: 'None' } },
    });
    await ok('POST', 'RelationshipDefinitions', {
      '@odata.type': 'Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata',
      SchemaName: 'crm_contact_crm_property',
      Entity1LogicalName: 'contact',
      Entity2LogicalName: 'crm_property',
      IntersectEntityName: 'crm_contact_crm_property',
    });
    const acct = await sb.call('POST', 'accounts', { body: { name: 'Owner LLC' }, headers: { Prefer: 'return=representation' } });
    // the single-valued navigation property of a custom lookup is its SchemaName
    const prop = await sb.call('POST', 'crm_properties', { body: { crm_name: '2 Oak Ave', 'crm_AccountId@odata.bind': `/accounts(${acct.data.accountid})` }, headers: { Prefer: 'return=representation' } });
    expect(prop.status).toBe(201);
    expect(prop.data._crm_accountid_value).toBe(acct.data.accountid);
    const one = await sb.call('GET', "RelationshipDefinitions(SchemaName='crm_account_crm_property')");
    expect(one.data).toMatchObject({ ReferencedEntity: 'account', ReferencingEntity: 'crm_property', ReferencingAttribute: 'crm_accountid', CascadeConfiguration: { Delete: 'RemoveLink' } });
    const nn = await sb.call('GET', "RelationshipDefinitions(SchemaName='crm_contact_crm_property')");
    expect(nn.data).toMatchObject({ RelationshipType: 'ManyToManyRelationship', Entity1LogicalName: 'contact', Entity2LogicalName: 'crm_property', IntersectEntityName: 'crm_contact_crm_property' });
    const all = await sb.call('GET', 'RelationshipDefinitions');
    expect(all.data.value.some((r: any) => r.SchemaName === 'contact_customer_accounts')).toBe(true);
  });

  it('builds a key asynchronously: key addressing refused while Pending, accepted once Active', async () => {
    await ok('POST', "EntityDefinitions(LogicalName='lead')/Attributes", stringColumn('crm_SourceId'));
    const key = await ok('POST', "EntityDefinitions(LogicalName='lead')/Keys", { SchemaName: 'crm_lead_sourceid', DisplayName: label('Source id'), KeyAttributes: ['crm_sourceid'] });
    expect(key.status).toBe(204);
    const status = async () => (await sb.call('GET', "EntityDefinitions(LogicalName='lead')/Keys")).data.value[0].EntityKeyIndexStatus;
    expect(await status()).toBe('Pending');
    // a record written before the index is built still gets indexed
    expect((await sb.call('POST', 'leads', { body: { lastname: 'Early', crm_sourceid: 'L-0' } })).status).toBe(204);
    const pending = await sb.call('PATCH', "leads(crm_sourceid='L-1')", { body: { lastname: 'Lee' } });
    expect(pending.status).toBe(400);
    expect(pending.data.error.message).toMatch(/The key in the request URI is not valid/);
    const bindPending = await sb.call('POST', 'tasks', { body: { subject: 's', "regardingobjectid_lead_task@odata.bind": "/leads(crm_sourceid='L-0')" } });
    expect(bindPending.status).toBe(400);

    await sleep(KEY_MS * 0.6);
    expect(await status()).toBe('InProgress');
    await sleep(KEY_MS * 0.6 + 300);
    expect(await status()).toBe('Active');
    expect((await sb.call('PATCH', "leads(crm_sourceid='L-1')", { body: { lastname: 'Lee' } })).status).toBe(204);
    expect((await sb.call('GET', "leads(crm_sourceid='L-0')?$select=lastname")).data.lastname).toBe('Early');
    const dup = await sb.call('POST', 'leads', { body: { lastname: 'Dup', crm_sourceid: 'l-1' } });
    expect(dup.status).toBe(412);
    expect(dup.data.error.code).toBe('0x80060892');
    const tooMany = await sb.call('POST', "EntityDefinitions(LogicalName='contact')/Keys", { body: { SchemaName: 'crm_wide', KeyAttributes: Array.from({ length: 17 }, () => 'lastname') } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.data.error.message).toMatch(/at most 16 columns/);
  });

  it('adds a further key to a table that has one: addressed, bound and enforced once Active', async () => {
    const c1 = await sb.call('POST', 'contacts', { body: { lastname: 'Lee', emailaddress1: 'ann@x.com', crm_sourceid: 'C-1' } });
    expect(c1.status).toBe(204);
    await ok('POST', "EntityDefinitions(LogicalName='contact')/Keys", { SchemaName: 'crm_contact_email', KeyAttributes: ['emailaddress1'] });
    const keys = async () => (await sb.call('GET', "EntityDefinitions(LogicalName='contact')/Keys?$select=LogicalName,EntityKeyIndexStatus")).data.value;
    expect(await keys()).toEqual([
      { LogicalName: 'crm_contact_sourceid_key', EntityKeyIndexStatus: 'Active' },
      { LogicalName: 'crm_contact_email', EntityKeyIndexStatus: 'Pending' },
    ]);
    expect((await sb.call('PATCH', "contacts(emailaddress1='ann@x.com')", { body: { jobtitle: 'x' } })).status).toBe(400);
    await sleep(KEY_MS + 400);
    expect((await keys())[1].EntityKeyIndexStatus).toBe('Active');

    const upd = await sb.call('PATCH', "contacts(emailaddress1='ANN@x.com')", { body: { jobtitle: 'Broker' } });
    expect(upd.status).toBe(204);
    expect(upd.headers['odata-entityid']).toMatch(/contacts\(emailaddress1='ANN%40x.com'\)$/);
    expect((await sb.call('GET', "contacts(crm_sourceid='C-1')?$select=jobtitle")).data.jobtitle).toBe('Broker');
    const created = await sb.call('PATCH', "contacts(emailaddress1='bob@x.com')", { body: { lastname: 'Bob' }, headers: { Prefer: 'return=representation' } });
    expect(created.status).toBe(201);
    expect(created.data.emailaddress1).toBe('bob@x.com');
    expect((await sb.call('PATCH', "contacts(emailaddress1='nobody@x.com')", { body: { lastname: 'x' }, headers: { 'If-Match': '*' } })).status).toBe(404);
    const dup = await sb.call('POST', 'contacts', { body: { lastname: 'Dup', emailaddress1: 'BOB@x.com' } });
    expect(dup.status).toBe(412);
    expect(dup.data.error).toEqual({ code: '0x80060892', message: expect.stringContaining('crm_contact_email') });
    const bound = await sb.call('POST', 'tasks', { body: { subject: 's', "regardingobjectid_contact_task@odata.bind": "/contacts(emailaddress1='bob@x.com')" } });
    expect(bound.status).toBe(204);
    const missing = await sb.call('POST', 'tasks', { body: { subject: 's', "regardingobjectid_contact_task@odata.bind": "/contacts(emailaddress1='zed@x.com')" } });
    expect(missing.data.error.code).toBe('0x80060891');
    expect((await sb.call('POST', "EntityDefinitions(LogicalName='contact')/Keys", { body: { SchemaName: 'crm_contact_email2', KeyAttributes: ['emailaddress1'] } })).status).toBe(400);

    // a further key over existing duplicates fails to build
    await ok('POST', 'contacts', { lastname: 'Same', telephone1: '555' });
    await ok('POST', 'contacts', { lastname: 'Same', telephone1: '555' });
    await ok('POST', "EntityDefinitions(LogicalName='contact')/Keys", { SchemaName: 'crm_contact_phone', KeyAttributes: ['telephone1'] });
    await sleep(KEY_MS + 400);
    expect((await keys())[2]).toEqual({ LogicalName: 'crm_contact_phone', EntityKeyIndexStatus: 'Failed' });
    // reset drops the index with the key: duplicates are accepted again
    await sb.reset();
    await ok('POST', 'contacts', { lastname: 'A', emailaddress1: 'same@x.com' });
    await ok('POST', 'contacts', { lastname: 'B', emailaddress1: 'same@x.com' });
  });

  it('marks a key Failed when existing records share a value', async () => {
    await ok('POST', "EntityDefinitions(LogicalName='lead')/Attributes", stringColumn('crm_SourceId'));
    await ok('POST', 'leads', { lastname: 'A', crm_sourceid: 'same' });
    await ok('POST', 'leads', { lastname: 'B', crm_sourceid: 'SAME' });
    await ok('POST', "EntityDefinitions(LogicalName='lead')/Keys", { SchemaName: 'crm_lead_sourceid', KeyAttributes: ['crm_sourceid'] });
    await sleep(KEY_MS + 400);
    expect((await sb.call('GET', "EntityDefinitions(LogicalName='lead')/Keys")).data.value[0].EntityKeyIndexStatus).toBe('Failed');
    expect((await sb.call('PATCH', "leads(crm_sourceid='same')", { body: { lastname: 'x' } })).status).toBe(400);
  });

  it('refuses a custom table past SANDBOX_CUSTOM_TABLE_LIMIT', async () => {
    for (const n of ['A', 'B', 'C']) await ok('POST', 'EntityDefinitions', { ...propertyTable, SchemaName: `crm_Table${n}` });
    const fourth = await sb.call('POST', 'EntityDefinitions', { body: { ...propertyTable, SchemaName: 'crm_TableD' } });
    expect(fourth.status).toBe(400);
    expect(fourth.data.error.message).toMatch(/limit of 3 custom tables/);
  });

  it('keeps custom metadata across a restart, and reset clears it', async () => {
    await ok('POST', 'EntityDefinitions', propertyTable);
    await ok('POST', "EntityDefinitions(LogicalName='crm_property')/Keys", { SchemaName: 'crm_property_name', KeyAttributes: ['crm_name'] });
    const again = await startSandbox({ port: 0, databaseUrl: sb.options.databaseUrl, schema: sb.options.schema, logLevel: 'silent', keyActivationMs: KEY_MS });
    try {
      const headers = { Authorization: `Bearer ${await sb.token()}` };
      const def = await axios.get(`${again.apiUrl}/EntityDefinitions(LogicalName='crm_property')/Keys`, { headers });
      expect(def.data.value[0].KeyAttributes).toEqual(['crm_name']);
      await sleep(KEY_MS + 400);
      const put = await axios.patch(`${again.apiUrl}/crm_properties(crm_name='9 Elm')`, { statecode: 0 }, { headers, validateStatus: () => true });
      expect(put.status).toBe(204);
    } finally {
      await again.close();
    }
    await sb.reset();
    expect((await sb.call('GET', "EntityDefinitions(LogicalName='crm_property')")).status).toBe(404);
    expect((await sb.call('GET', 'crm_properties')).status).toBe(404);
  });
});
