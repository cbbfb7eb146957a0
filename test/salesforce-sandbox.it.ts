import { createSign } from 'crypto';
import { Connection } from 'jsforce';
import { Client } from 'pg';
import pino from 'pino';
import { RunningSandbox, startSandbox } from '../apps/sandbox/src/sandbox.app';
import { DEMO_JWT_PRIVATE_KEY } from '../apps/sandbox/src/salesforce/demo-jwt/demo-keys';
import { testDatabaseUrl } from './support/it-env';

const PORT = 8291;
const VERSION = '62.0';

/** The Salesforce sandbox driven by jsforce v3 as Ferry's destination will drive it. */
describe('Salesforce sandbox', () => {
  let sb: RunningSandbox;
  let login: string;
  let conn: Connection;
  let refreshes = 0;
  const schema = `sbx_it_sf_${process.pid}`;
  const databaseUrl = testDatabaseUrl();

  async function dropSchema(): Promise<void> {
    const pg = new Client({ connectionString: databaseUrl });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.end();
  }

  async function token(): Promise<Record<string, string>> {
    const res = await fetch(`${login}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ferry-demo', client_secret: 'ferry-demo-secret' }).toString(),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, string>;
  }

  async function admin(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${sb.url}/_sandbox/salesforce${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async function raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; data: any; text: string }> {
    const res = await fetch(`${login}/services/data/v${VERSION}/${path}`, {
      method,
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let data: unknown = text;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      /* CSV or empty */
    }
    return { status: res.status, headers: res.headers, data, text };
  }

  async function customField(fullName: string, metadata: Record<string, unknown>, grant = true): Promise<void> {
    const res = await raw('POST', 'tooling/sobjects/CustomField', { FullName: fullName, Metadata: metadata });
    expect(res.status).toBe(201);
    if (!grant) return;
    const ps = await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'Ferry_Integration'");
    const [object] = fullName.split('.');
    const fp = await raw('POST', 'sobjects/FieldPermissions', { ParentId: ps.records[0].Id, SobjectType: object, Field: fullName, PermissionsRead: true, PermissionsEdit: true });
    expect(fp.status).toBe(201);
  }

  beforeAll(async () => {
    await dropSchema();
    sb = await startSandbox({
      port: PORT,
      databaseUrl,
      schema,
      poolSize: 6,
      logger: pino({ level: process.env.SANDBOX_TEST_LOG_LEVEL ?? 'silent' }),
      salesforce: { settings: { queryPageSize: 500, bulkProcessingDelayMs: 50 } },
    });
    login = `${sb.url}/salesforce`;
    const t = await token();
    conn = new Connection({
      instanceUrl: t.instance_url,
      accessToken: t.access_token,
      version: VERSION,
      refreshFn: (_c, callback) => {
        refreshes++;
        token().then((r) => callback(null, r.access_token, r as never), (err: Error) => callback(err));
      },
    });
    await customField('Account.Ferry_Key__c', { label: 'Ferry Key', type: 'Text', length: 255, externalId: true, unique: true, caseSensitive: false });
    await customField('Contact.Ferry_Key__c', { label: 'Ferry Key', type: 'Text', length: 255, externalId: true, unique: true });
    await customField('Account.Legacy_Id__c', { label: 'Legacy Id', type: 'Text', length: 40, externalId: true });
    await customField('QuoteLineItem.Ferry_Key__c', { label: 'Ferry Key', type: 'Text', length: 255, externalId: true, unique: true });
  }, 30_000);

  afterAll(async () => {
    await sb?.close();
    await dropSchema();
  });

  it('issues tokens by client credentials and by a JWT bearer assertion, and refuses bad ones', async () => {
    const t = await token();
    expect(t).toMatchObject({ token_type: 'Bearer', instance_url: login });
    expect(t.id).toMatch(/^https:\/\/login\.salesforce\.com\/id\/00D\w+\/005\w{15}$/);
    const bad = await fetch(`${login}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ferry-demo', client_secret: 'nope' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });

    const jwt = (claims: object) => {
      const h = Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url');
      const c = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const sig = createSign('RSA-SHA256').update(`${h}.${c}`).sign(DEMO_JWT_PRIVATE_KEY).toString('base64url');
      return `${h}.${c}.${sig}`;
    };
    const exp = Math.floor(Date.now() / 1000) + 120;
    const grant = async (assertion: string) =>
      fetch(`${login}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) });
    const ok = await grant(jwt({ iss: 'ferry-demo', sub: 'alicia.moreno@contoso-lending.example', aud: login, exp }));
    expect(ok.status).toBe(200);
    const other = await grant(jwt({ iss: 'ferry-demo', sub: 'alicia.moreno@contoso-lending.example', aud: 'https://example.com', exp }));
    expect(await other.json()).toEqual({ error: 'invalid_grant', error_description: 'audience is invalid' });
    const inactive = await grant(jwt({ iss: 'ferry-demo', sub: 'evan.brooks@contoso-lending.example', aud: login, exp }));
    expect(((await inactive.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('answers versioned paths and 404 NOT_FOUND for unknown versions and resources, with Sforce-Limit-Info', async () => {
    const list = await fetch(`${login}/services/data/`);
    const versions = (await list.json()) as { version: string }[];
    expect(versions.map((v) => v.version)).toContain('62.0');
    const res = await raw('GET', 'limits');
    expect(res.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/100000$/);
    expect(res.data.DailyApiRequests.Max).toBe(100000);
    expect(res.data.DailyBulkV2QueryJobs).toBeDefined();
    const old = await fetch(`${login}/services/data/v30.0/sobjects`, { headers: { authorization: `Bearer ${conn.accessToken}` } });
    expect(old.status).toBe(404);
    expect(await old.json()).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
    expect((await raw('GET', 'sobjects/NoSuchThing/describe')).data[0].errorCode).toBe('NOT_FOUND');
    const elsewhere = await fetch(`${login}/nowhere`);
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toEqual([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
  });

  it('describes objects with field metadata, record types, and hides custom fields without field permissions', async () => {
    const d = await conn.sobject('Lead').describe();
    const status = d.fields.find((f) => f.name === 'Status')!;
    expect(status).toMatchObject({ type: 'picklist', restrictedPicklist: true, defaultedOnCreate: true, nillable: false });
    expect(status.picklistValues!.map((p) => p.value)).toContain('Closed - Converted');
    const last = d.fields.find((f) => f.name === 'LastName')!;
    expect(last).toMatchObject({ createable: true, nillable: false, defaultedOnCreate: false, length: 80 });
    expect(d.recordTypeInfos.some((r) => r.master)).toBe(true);
    const acct = await conn.sobject('account').describe();
    expect(acct.name).toBe('Account');
    expect(acct.fields.find((f) => f.name === 'Ferry_Key__c')).toMatchObject({ externalId: true, unique: true, caseSensitive: false, custom: true, idLookup: true });
    expect(acct.fields.find((f) => f.name === 'CreatedDate')!.createable).toBe(false);

    await customField('Account.Hidden__c', { label: 'Hidden', type: 'Text', length: 10 }, false);
    expect((await conn.sobject('Account').describe()).fields.some((f) => f.name === 'Hidden__c')).toBe(false);
    const write = await raw('POST', 'sobjects/Account', { Name: 'X', Hidden__c: 'y' });
    expect(write.status).toBe(400);
    expect(write.data).toEqual([{ message: "No such column 'Hidden__c' on sobject of type Account", errorCode: 'INVALID_FIELD', fields: ['Hidden__c'] }]);
    const refused = await raw('POST', 'tooling/sobjects/CustomField', { FullName: 'ContentDocumentLink.Ferry_Key__c', Metadata: { label: 'K', type: 'Text', length: 10 } });
    expect(refused.status).toBe(400);
    expect(refused.data[0].message).toMatch(/ContentDocumentLink cannot hold custom fields/);
    const listed = await raw('GET', `tooling/query?q=${encodeURIComponent("SELECT Id, DeveloperName, TableEnumOrId FROM CustomField WHERE TableEnumOrId = 'Account'")}`);
    expect(listed.data.records.map((r: { DeveloperName: string }) => r.DeveloperName).sort()).toEqual(['Ferry_Key', 'Hidden', 'Legacy_Id']);
  });

  it('creates, retrieves, updates, upserts and deletes, single and in collections', async () => {
    const one = (await conn.sobject('Account').create({ Name: 'Acme', Ferry_Key__c: 'A-1' })) as { id: string; success: boolean; errors: unknown[] };
    expect(one).toMatchObject({ success: true, errors: [] });
    expect(one.id).toMatch(/^001\w{15}$/);
    const many = await conn.sobject('Account').create([{ Name: 'B', Ferry_Key__c: 'A-2' }, { Ferry_Key__c: 'A-3' }, { Name: 'C', Ferry_Key__c: 'a-1' }]);
    expect(many[0].success).toBe(true);
    expect(many[1]).toMatchObject({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [Name]', fields: ['Name'] }] });
    expect((many[2] as { errors: { statusCode: string }[] }).errors[0].statusCode).toBe('DUPLICATE_VALUE');

    const created = await conn.sobject('Account').upsert({ Name: 'Delta', Ferry_Key__c: 'A-4' }, 'Ferry_Key__c');
    expect(created).toMatchObject({ success: true, created: true });
    const updated = await raw('PATCH', 'sobjects/Account/Ferry_Key__c/a-4', { Name: 'Delta 2' });
    expect(updated.status).toBe(200);
    expect(updated.data).toMatchObject({ id: created.id, success: true, errors: [], created: false });
    const older = await fetch(`${login}/services/data/v45.0/sobjects/Account/Ferry_Key__c/A-4`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${conn.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'Delta 3' }),
    });
    expect(older.status).toBe(204);
    const badField = await raw('PATCH', 'sobjects/Account/Name__c/x', { Name: 'Q' });
    expect(badField.status).toBe(404);
    expect(badField.data[0].errorCode).toBe('NOT_FOUND');

    await conn.sobject('Account').create([{ Name: 'L1', Legacy_Id__c: 'dup' }, { Name: 'L2', Legacy_Id__c: 'DUP' }]);
    const multi = await raw('PATCH', 'sobjects/Account/Legacy_Id__c/dup', { Name: 'L3' });
    expect(multi.status).toBe(300);
    expect(multi.data).toHaveLength(2);

    const bulkUpsert = await conn.sobject('Account').upsert([{ Name: 'E', Ferry_Key__c: 'A-5' }, { Name: 'Acme 2', Ferry_Key__c: 'A-1' }], 'Ferry_Key__c');
    expect(bulkUpsert.map((r) => [r.success, (r as { created: boolean }).created])).toEqual([
      [true, true],
      [true, false],
    ]);
    const got = await conn.sobject('Account').retrieve(one.id);
    expect(got).toMatchObject({ Id: one.id, Name: 'Acme 2', Ferry_Key__c: 'A-1', IsDeleted: false });

    const some = await raw('GET', `composite/sobjects/account?ids=${one.id},001000000000000AAA&fields=Name,ferry_key__c`);
    expect(some.data).toEqual([{ attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${one.id}` }, Name: 'Acme 2', Ferry_Key__c: 'A-1' }, null]);
    await conn.sobject('Account').update({ Id: one.id, Website: 'https://acme.example' });
    const upd = await conn.sobject('Account').update([{ Id: one.id, Phone: '123' }, { Id: '001000000000000AAA', Phone: '1' }]);
    expect(upd[0].success).toBe(true);
    expect(upd[1].success).toBe(false);

    const gone = await conn.sobject('Account').destroy([created.id!, many[0].id!]);
    expect(gone.every((r) => r.success)).toBe(true);
    const again = await raw('DELETE', `sobjects/Account/${created.id}`);
    expect(again.status).toBe(404);
    expect(again.data[0].errorCode).toBe('ENTITY_IS_DELETED');
  });

  it('rolls a collection back with allOrNone, and resolves parents by external ID', async () => {
    const res = await raw('POST', 'composite/sobjects', {
      allOrNone: true,
      records: [
        { attributes: { type: 'Contact' }, LastName: 'Good', Ferry_Key__c: 'C-1', Account: { Ferry_Key__c: 'A-1' } },
        { attributes: { type: 'Contact' }, LastName: 'Orphan', Account: { Ferry_Key__c: 'NOPE' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.data[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(res.data[1].errors[0]).toEqual({ statusCode: 'INVALID_FIELD', message: 'Foreign key external ID: NOPE not found for field Ferry_Key__c in entity Account', fields: [] });
    expect((await conn.query("SELECT COUNT() FROM Contact WHERE LastName = 'Good'")).totalSize).toBe(0);
    const ok = (await conn.sobject('Contact').create({ LastName: 'Good', Account: { Ferry_Key__c: 'a-1' } } as never)) as unknown as { id: string };
    const c = await conn.query<{ Account: { Name: string } }>(`SELECT Name, Account.Name FROM Contact WHERE Id = '${ok.id}'`);
    expect(c.records[0].Account.Name).toBe('Acme 2');
  });

  it('validates against describe and the org rules', async () => {
    const errs = async (object: string, body: object) => (await raw('POST', `sobjects/${object}`, body)).data[0];
    expect(await errs('Lead', { LastName: 'X', Company: 'Y', Status: 'Nope' })).toMatchObject({ errorCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' });
    expect(await errs('Lead', { LastName: 'X' })).toMatchObject({ errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Company'] });
    expect(await errs('Account', { Name: 'x'.repeat(256) })).toMatchObject({ errorCode: 'STRING_TOO_LONG', fields: ['Name'] });
    expect(await errs('Account', { Name: 'Q', NumberOfEmployees: 'many' })).toMatchObject({ errorCode: 'INVALID_TYPE_ON_FIELD_IN_RECORD' });
    expect(await errs('Account', { Name: 'Q', CreatedDate: '2020-01-01T00:00:00Z' })).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE' });
    expect(await errs('Contact', { LastName: 'Q', AccountId: '001000000000000AAA' })).toMatchObject({ errorCode: 'INVALID_CROSS_REFERENCE_KEY', fields: ['AccountId'] });
    const evan = await conn.query<{ Id: string }>("SELECT Id FROM User WHERE IsActive = false AND Username = 'evan.brooks@contoso-lending.example'");
    expect(await errs('Account', { Name: 'Q', OwnerId: evan.records[0].Id })).toMatchObject({ errorCode: 'INACTIVE_OWNER_OR_USER' });

    await admin('PATCH', '/settings', { auditFieldsOnCreate: true });
    expect((await conn.sobject('Account').describe()).fields.find((f) => f.name === 'CreatedDate')!.createable).toBe(true);
    const dated = await conn.sobject('Account').create({ Name: 'Old', CreatedDate: '2019-03-04T05:06:07.000+0000' });
    expect((await conn.sobject('Account').retrieve(dated.id!)).CreatedDate).toBe('2019-03-04T05:06:07.000+0000');
    expect((await raw('PATCH', `sobjects/Account/${dated.id}`, { CreatedDate: '2020-01-01T00:00:00Z' })).data[0].errorCode).toBe('INVALID_FIELD_FOR_INSERT_UPDATE');
    await admin('PATCH', '/settings', { auditFieldsOnCreate: false });

    const acct = (await conn.sobject('Account').create({ Name: 'Rules' })).id!;
    const opp = await conn.sobject('Opportunity').create({ Name: 'O', StageName: 'Negotiation/Review', CloseDate: '2025-01-31', AccountId: acct });
    expect(await conn.sobject('Opportunity').retrieve(opp.id!)).toMatchObject({ Probability: 90, IsClosed: false, IsWon: false });
    await raw('PATCH', 'tooling/sobjects/StandardValueSet/OpportunityStage', { Metadata: { standardValue: [{ fullName: 'Signed', probability: 100, closed: true, won: true }] } });
    const bp = await raw('POST', 'tooling/sobjects/BusinessProcess', { FullName: 'Opportunity.Lending', Metadata: { values: [{ fullName: 'Prospecting', default: true }, { fullName: 'Signed' }] } });
    expect(bp.status).toBe(201);
    const rt = await conn.sobject('RecordType').create({ SobjectType: 'Opportunity', DeveloperName: 'Loan', Name: 'Loan', BusinessProcessId: bp.data.id, IsActive: true });
    expect(rt.success).toBe(true);
    const infos = (await conn.sobject('Opportunity').describe()).recordTypeInfos as unknown as { developerName: string; recordTypeId: string }[];
    const info = infos.find((r) => r.developerName === 'Loan');
    expect(info!.recordTypeId).toBe(rt.id);
    const signed = await conn.sobject('Opportunity').create({ Name: 'S', StageName: 'Signed', CloseDate: '2025-01-31', RecordTypeId: rt.id });
    expect(await conn.sobject('Opportunity').retrieve(signed.id!)).toMatchObject({ Probability: 100, IsClosed: true, IsWon: true });
    expect(await errs('Opportunity', { Name: 'S', StageName: 'Closed Lost', CloseDate: '2025-01-31', RecordTypeId: rt.id })).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });

    const std = (await conn.query<{ Id: string }>('SELECT Id FROM Pricebook2 WHERE IsStandard = true')).records[0].Id;
    const book = (await conn.sobject('Pricebook2').create({ Name: 'Retail', IsActive: true })).id!;
    const product = (await conn.sobject('Product2').create({ Name: 'Loan', IsActive: true })).id!;
    expect(await errs('PricebookEntry', { Pricebook2Id: book, Product2Id: product, UnitPrice: 5 })).toMatchObject({ errorCode: 'STANDARD_PRICE_NOT_DEFINED' });
    const stdEntry = (await conn.sobject('PricebookEntry').create({ Pricebook2Id: std, Product2Id: product, UnitPrice: 10, IsActive: true })).id!;
    const bookEntry = await raw('POST', 'sobjects/PricebookEntry', { Pricebook2Id: book, Product2Id: product, UnitPrice: 5 });
    expect(bookEntry.status).toBe(201);
    const contract = (await conn.sobject('Contract').create({ AccountId: acct, StartDate: '2025-01-01', ContractTerm: 12 })).id!;
    expect((await conn.sobject('Contract').retrieve(contract)).EndDate).toBe('2026-01-01');
    expect(await errs('Order', { AccountId: acct, EffectiveDate: '2024-06-01', Status: 'Draft', Pricebook2Id: std, ContractId: contract })).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
    expect(await errs('Order', { AccountId: acct, EffectiveDate: '2025-06-01', Status: 'Activated', Pricebook2Id: std })).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
    const order = (await conn.sobject('Order').create({ AccountId: acct, EffectiveDate: '2025-06-01', Status: 'Draft', Pricebook2Id: std, ContractId: contract })).id!;
    const item = await conn.sobject('OrderItem').create({ OrderId: order, PricebookEntryId: stdEntry, Quantity: 2, UnitPrice: 10 });
    expect(item.success).toBe(true);
    const quote = (await conn.sobject('Quote').create({ Name: 'Q', OpportunityId: opp.id, Pricebook2Id: book })).id!;
    expect(await errs('QuoteLineItem', { QuoteId: quote, PricebookEntryId: stdEntry, Quantity: 1, UnitPrice: 1 })).toMatchObject({ errorCode: 'FIELD_INTEGRITY_EXCEPTION' });
    // A replayed upsert repeats the create-only parents: accepted while unchanged, refused when they differ.
    const line = { QuoteId: quote, PricebookEntryId: bookEntry.data.id, Quantity: 2, UnitPrice: 4 };
    expect((await raw('PATCH', 'sobjects/QuoteLineItem/Ferry_Key__c/QL-1', line)).status).toBe(201);
    expect((await raw('PATCH', 'sobjects/QuoteLineItem/Ferry_Key__c/QL-1', { ...line, Quantity: 3 })).data).toMatchObject({ created: false });
    const other = (await conn.sobject('Quote').create({ Name: 'Q2', OpportunityId: opp.id, Pricebook2Id: book })).id!;
    const moved = await raw('PATCH', 'sobjects/QuoteLineItem/Ferry_Key__c/QL-1', { ...line, QuoteId: other });
    expect(moved.data[0]).toMatchObject({ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['QuoteId'] });
    const qli = await conn.query<{ TotalPrice: number; Quote: { Name: string } }>("SELECT TotalPrice, Quote.Name FROM QuoteLineItem WHERE Ferry_Key__c = 'ql-1'");
    expect(qli.records[0]).toMatchObject({ TotalPrice: 12, Quote: { Name: 'Q' } });

    const sent = (await conn.sobject('EmailMessage').create({ Subject: 'Hi', Status: '3', RelatedToId: acct })).id!;
    expect((await raw('PATCH', `sobjects/EmailMessage/${sent}`, { Subject: 'Edit' })).status).toBe(400);
    const draft = (await conn.sobject('EmailMessage').create({ Subject: 'Hi', Status: '5' })).id!;
    expect((await raw('PATCH', `sobjects/EmailMessage/${draft}`, { Subject: 'Edit' })).status).toBe(204);

    const note = await conn.sobject('ContentVersion').create({ Title: 'Call notes', PathOnClient: 'call.snote', VersionData: Buffer.from('<p>Met the client</p>').toString('base64'), FirstPublishLocationId: acct });
    const cv = await conn.query<{ ContentDocumentId: string; FileType: string }>(`SELECT ContentDocumentId, FileType FROM ContentVersion WHERE Id = '${note.id}'`);
    expect(cv.records[0].FileType).toBe('SNOTE');
    const links = await conn.query(`SELECT Id, ShareType FROM ContentDocumentLink WHERE ContentDocumentId = '${cv.records[0].ContentDocumentId}' AND LinkedEntityId = '${acct}'`);
    expect(links.records).toEqual([expect.objectContaining({ ShareType: 'V' })]);
    const notes = await conn.query<{ TextPreview: string }>(`SELECT TextPreview FROM ContentNote WHERE Id = '${cv.records[0].ContentDocumentId}'`);
    expect(notes.records[0].TextPreview).toBe('Met the client');
    const version = await conn.sobject('ContentVersion').retrieve(note.id!);
    expect(version.VersionData).toBe(`/services/data/v62.0/sobjects/ContentVersion/${note.id}/VersionData`);
    expect((await raw('GET', `sobjects/ContentVersion/${note.id}/VersionData`)).text).toBe('<p>Met the client</p>');
    await admin('PATCH', '/settings', { maxFileBytes: 4 });
    expect(await errs('ContentVersion', { PathOnClient: 'a.txt', VersionData: Buffer.from('too long').toString('base64') })).toMatchObject({ errorCode: 'STRING_TOO_LONG' });
    await admin('PATCH', '/settings', { maxFileBytes: 1_000_000 });
  });

  it('answers the SOQL subset: dates, numbers, NOT, NULLS LAST, OFFSET, parent paths, and refuses the rest', async () => {
    const acct = (await conn.sobject('Account').create({ Name: 'Soql Co' })).id!;
    await conn.sobject('Opportunity').create([
      { Name: 'S1', StageName: 'Prospecting', CloseDate: '2025-03-01', Amount: 100, AccountId: acct },
      { Name: 'S2', StageName: 'Prospecting', CloseDate: '2025-06-01', Amount: 300, AccountId: acct },
      { Name: 'S3', StageName: 'Closed Won', CloseDate: '2024-12-01', AccountId: acct },
      { Name: 'S4', StageName: 'Prospecting', CloseDate: '2025-07-01', Amount: 200, AccountId: acct },
    ]);
    const names = async (where: string, tail = 'ORDER BY Name') =>
      (await conn.query<{ Name: string }>(`SELECT Name FROM Opportunity WHERE Account.Name = 'soql co' AND (${where}) ${tail}`)).records.map((r) => r.Name);
    expect(await names('CloseDate > 2025-01-01')).toEqual(['S1', 'S2', 'S4']);
    expect(await names('Amount >= 200 OR IsWon = true')).toEqual(['S2', 'S3', 'S4']);
    expect(await names("NOT (StageName = 'prospecting')")).toEqual(['S3']);
    expect(await names('Amount = null')).toEqual(['S3']);
    expect(await names('CreatedDate = TODAY AND CreatedDate > 2020-01-01T00:00:00Z')).toEqual(['S1', 'S2', 'S3', 'S4']);
    expect(await names('Id != null', 'ORDER BY Amount DESC NULLS LAST LIMIT 2 OFFSET 1')).toEqual(['S4', 'S1']);
    const owner = await conn.query<{ Owner: { Email: string }; Account: { Name: string } }>(`SELECT Owner.Email, Account.Name FROM Opportunity WHERE Name = 'S1' AND AccountId = '${acct}'`);
    expect(owner.records[0]).toMatchObject({ Owner: { Email: 'migration.admin@contoso-lending.example' }, Account: { Name: 'Soql Co' } });
    const bad = async (q: string) => (await raw('GET', `query?q=${encodeURIComponent(q)}`)).data[0];
    expect(await bad('SELECT Nope__c FROM Account')).toMatchObject({ errorCode: 'INVALID_FIELD' });
    expect(await bad('SELECT Id FROM Nope')).toMatchObject({ errorCode: 'INVALID_TYPE' });
    expect(await bad("SELECT Id FROM Opportunity WHERE Amount = '5'")).toMatchObject({ errorCode: 'INVALID_QUERY_FILTER_OPERATOR' });
    expect(await bad('SELECT Id FROM Opportunity WHERE Amount = 5 HAVING x')).toMatchObject({ errorCode: 'MALFORMED_QUERY' });
  });

  it('loads with Bulk API 2.0 and pages queries across more than 2000 rows, and queryAll sees deletes', async () => {
    const input = Array.from({ length: 2100 }, (_, i) => ({ Name: i === 7 ? 'x'.repeat(256) : `Bulk ${i}`, Ferry_Key__c: `B-${i}` }));
    const res = await conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'upsert', externalIdFieldName: 'Ferry_Key__c', input, pollInterval: 100 } as never);
    expect(res.successfulResults).toHaveLength(2099);
    expect(res.failedResults).toHaveLength(1);
    expect(res.failedResults[0].sf__Error).toMatch(/^STRING_TOO_LONG:Account Name: data value too large: x+\.\.\. \(max length=255\):Name --$/);
    await conn.sobject('Account').create({ Name: 'Bulk 7', Ferry_Key__c: 'B-7' });

    const page = await raw('GET', `query?q=${encodeURIComponent("SELECT Id, Name FROM Account WHERE Name LIKE 'Bulk %' ORDER BY Name")}`);
    expect(page.data).toMatchObject({ totalSize: 2100, done: false });
    expect(page.data.records).toHaveLength(500);
    expect(page.data.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g\w+-500$/);
    const all = await conn.query('SELECT Id, Name, Ferry_Key__c FROM Account WHERE Ferry_Key__c LIKE \'B-%\'', { autoFetch: true, maxFetch: 5000 });
    expect(all.records).toHaveLength(2100);
    expect(new Set((all.records as { Id: string }[]).map((r) => r.Id)).size).toBe(2100);

    const victims = (all.records as { Id: string }[]).slice(0, 3).map((r) => r.Id);
    await conn.sobject('Account').destroy(victims);
    const q = `SELECT Id, IsDeleted FROM Account WHERE Id IN ('${victims.join("','")}')`;
    expect((await conn.query(q)).totalSize).toBe(0);
    const deleted = await conn.query<{ IsDeleted: boolean }>(q, { scanAll: true });
    expect(deleted.records.map((r) => r.IsDeleted)).toEqual([true, true, true]);
    expect((await raw('GET', `query?q=${encodeURIComponent('SELECT Name FROM Account GROUP BY Name')}`)).data[0].errorCode).toBe('MALFORMED_QUERY');

    // Bulk API 2.0 query through jsforce, then the raw pages with Sforce-Locator.
    const stream = await conn.bulk2.query("SELECT Id, Name, Owner.Email FROM Account WHERE Name LIKE 'Bulk 1%'", { pollInterval: 50 });
    const rows: Record<string, string>[] = [];
    await new Promise((resolve, reject) => stream.on('record', (r: Record<string, string>) => rows.push(r)).on('end', resolve).on('error', reject));
    // Bulk 1, 10-19, 100-199, 1000-1999 less Bulk 1, deleted above.
    expect(rows.length).toBe(1110);
    expect(rows[0]['Owner.Email']).toBe('migration.admin@contoso-lending.example');
    const job = await raw('POST', 'jobs/query', { operation: 'query', query: "SELECT Name FROM Account WHERE Name IN ('Bulk 5', 'Bulk 6', 'Bulk 8') ORDER BY Name" });
    for (let i = 0; i < 50 && (await raw('GET', `jobs/query/${job.data.id}`)).data.state !== 'JobComplete'; i++) await new Promise((r) => setTimeout(r, 30));
    const first = await raw('GET', `jobs/query/${job.data.id}/results?maxRecords=2`);
    expect(first.text).toBe('"Name"\n"Bulk 5"\n"Bulk 6"\n');
    expect(first.headers.get('sforce-numberofrecords')).toBe('2');
    const last = await raw('GET', `jobs/query/${job.data.id}/results?maxRecords=2&locator=${first.headers.get('sforce-locator')}`);
    expect(last.text).toBe('"Name"\n"Bulk 8"\n');
    expect(last.headers.get('sforce-locator')).toBe('null');
    expect((await raw('POST', 'jobs/query', { operation: 'query', query: 'SELECT Nope FROM Account' })).data[0].errorCode).toBe('INVALID_FIELD');
  }, 40_000);

  it('reports successful, failed and unprocessed bulk rows', async () => {
    await admin('PATCH', '/settings', { bulkInternalBatchSize: 3 });
    await admin('POST', '/faults', { kind: 'BULK_BATCH', count: 1 });
    const input = [
      { LastName: 'Row1', Ferry_Key__c: 'K-1', 'Account.Ferry_Key__c': 'A-1' },
      { LastName: 'Row2', Ferry_Key__c: 'K-2', 'Account.Ferry_Key__c': 'MISSING' },
      { LastName: 'Row3', Ferry_Key__c: 'K-3', 'Account.Ferry_Key__c': 'A-1' },
      { LastName: 'Row4', Ferry_Key__c: 'K-4', 'Account.Ferry_Key__c': 'A-1' },
    ];
    const res = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'upsert', externalIdFieldName: 'Ferry_Key__c', input, pollInterval: 100 } as never);
    // The first internal batch (rows 1-3) fails as injected; row 4 lands in the second.
    expect(res.unprocessedRecords).toHaveLength(3);
    expect(res.successfulResults).toHaveLength(1);
    expect(res.successfulResults[0]).toMatchObject({ sf__Created: 'true', LastName: 'Row4' });
    await admin('PATCH', '/settings', { bulkInternalBatchSize: 10000 });
    const again = await conn.bulk2.loadAndWaitForResults({ object: 'Contact', operation: 'upsert', externalIdFieldName: 'Ferry_Key__c', input, pollInterval: 100 } as never);
    expect((again.successfulResults as unknown as Record<string, string>[]).map((r) => [r.LastName, r.sf__Created]).sort()).toEqual([
      ['Row1', 'true'],
      ['Row3', 'true'],
      ['Row4', 'false'],
    ]);
    expect(again.failedResults).toEqual([
      expect.objectContaining({ sf__Id: '', sf__Error: 'INVALID_FIELD:Foreign key external ID: MISSING not found for field Ferry_Key__c in entity Account:--', LastName: 'Row2' }),
    ]);

    const job = await raw('POST', 'jobs/ingest', { object: 'Account', operation: 'insert', lineEnding: 'CRLF', columnDelimiter: 'SEMICOLON' });
    expect(job.data).toMatchObject({ state: 'Open', lineEnding: 'CRLF', columnDelimiter: 'SEMICOLON', contentType: 'CSV' });
    const put = await raw('PUT', `jobs/ingest/${job.data.id}/batches`, 'Name;Description;Ferry_Key__c\r\n"Semi; colon";#N/A;S-1\r\n"Quote ""x""";;S-1\r\n', { 'content-type': 'text/csv' });
    expect(put.status).toBe(201);
    await raw('PATCH', `jobs/ingest/${job.data.id}`, { state: 'UploadComplete' });
    let info: any;
    for (let i = 0; i < 50; i++) {
      info = (await raw('GET', `jobs/ingest/${job.data.id}`)).data;
      if (info.state === 'JobComplete' || info.state === 'Failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(info).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    const ok = await raw('GET', `jobs/ingest/${job.data.id}/successfulResults`);
    expect(ok.text).toMatch(/^"sf__Id";"sf__Created";Name;Description;Ferry_Key__c\r\n"001\w{15}";"true";"Semi; colon";"#N\/A";"S-1"\r\n$/);
    const failed = await raw('GET', `jobs/ingest/${job.data.id}/failedResults`);
    expect(failed.text).toMatch(/^"sf__Id";"sf__Error";Name;Description;Ferry_Key__c\r\n"";"DUPLICATE_VALUE:duplicate value found: Ferry_Key__c duplicates value on record with id: 001\w{15}:--";"Quote ""x""";"";"S-1"\r\n$/);
    expect((await raw('GET', 'jobs/ingest')).data.records.length).toBeGreaterThanOrEqual(4);
    expect((await raw('DELETE', `jobs/ingest/${job.data.id}`)).status).toBe(204);

    await admin('PATCH', '/settings', { dailyBulkRecords: 1 });
    await expect(conn.bulk2.loadAndWaitForResults({ object: 'Account', operation: 'insert', input: [{ Name: 'Q1' }, { Name: 'Q2' }], pollInterval: 100 } as never)).rejects.toThrow(
      /ExceededQuota : processing 2 records would exceed the 1 Bulk API records allowed per 24 hours/,
    );
    await admin('PATCH', '/settings', { dailyBulkRecords: 150_000_000 });
  });

  it('expires tokens after the configured lifetime', async () => {
    await admin('PATCH', '/settings', { tokenTtlSeconds: 1 });
    const t = await token();
    const call = () => fetch(`${login}/services/data/v${VERSION}/limits`, { headers: { authorization: `Bearer ${t.access_token}` } });
    expect((await call()).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const late = await call();
    expect(late.status).toBe(401);
    expect(late.headers.get('sforce-limit-info')).toMatch(/^api-usage=/);
    await admin('PATCH', '/settings', { tokenTtlSeconds: 7200 });
  });

  it('refreshes an expired session through refreshFn, then refuses with 403 once the daily allocation is spent', async () => {
    await admin('POST', '/tokens/expire');
    const direct = await raw('GET', 'limits');
    expect(direct.status).toBe(401);
    expect(direct.data).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const before = refreshes;
    const r = await conn.query('SELECT COUNT() FROM Account');
    expect(r.totalSize).toBeGreaterThan(0);
    expect(refreshes).toBe(before + 1);

    const { apiUsage } = await admin('GET', '/stats');
    await admin('PATCH', '/settings', { dailyApiRequests: apiUsage.used + 1 });
    await raw('GET', 'limits');
    const refused = await raw('GET', 'limits');
    expect(refused.status).toBe(403);
    expect(refused.data).toEqual([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    await expect(conn.sobject('Account').create({ Name: 'Nope' })).rejects.toMatchObject({ errorCode: 'REQUEST_LIMIT_EXCEEDED' });
    await admin('PATCH', '/settings', { dailyApiRequests: 100000 });
  });

  it('injects UNABLE_TO_LOCK_ROW per record and 429 with Retry-After', async () => {
    await admin('POST', '/faults', { kind: 'UNABLE_TO_LOCK_ROW', count: 1, object: 'Account' });
    const res = await conn.sobject('Account').create([{ Name: 'L-1' }, { Name: 'L-2' }]);
    expect(res[0]).toMatchObject({ success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record' }] });
    expect(res[1].success).toBe(true);
    await admin('POST', '/faults', { kind: 'UNABLE_TO_LOCK_ROW', count: 1 });
    const single = await raw('POST', 'sobjects/Account', { Name: 'L-3' });
    expect(single.status).toBe(400);
    expect(single.data[0].errorCode).toBe('UNABLE_TO_LOCK_ROW');
    await admin('POST', '/faults', { kind: '429', count: 1, retryAfter: 7 });
    const throttled = await raw('GET', 'limits');
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await raw('GET', 'limits')).status).toBe(200);
    await admin('POST', '/faults', { kind: '503', count: 1 });
    const unavailable = await raw('GET', 'limits');
    expect(unavailable.status).toBe(503);
    expect(unavailable.data[0].errorCode).toBe('SERVER_UNAVAILABLE');
    const stats = await admin('GET', '/stats');
    expect(stats.requests['limits:429']).toBe(1);
  });
  it('resets to the seeded org with the same ids, and shows every record in the snapshot', async () => {
    const users = async () => (await conn.query<{ Id: string; Username: string }>('SELECT Id, Username FROM User ORDER BY Username')).records.map((u) => `${u.Username}=${u.Id}`);
    const before = await users();
    const snap = await admin('GET', '/snapshot');
    expect(snap.objects.Account.length).toBeGreaterThan(2000);
    expect(snap.objects.Account.some((a: { IsDeleted: boolean }) => a.IsDeleted)).toBe(true);
    const reset = await admin('POST', '/reset');
    expect(reset.counts).toMatchObject({ User: 7, Pricebook2: 1, OpportunityStage: 10, PermissionSet: 1 });
    expect(reset.counts.Account).toBeUndefined();
    expect(await users()).toEqual(before);
    expect((await conn.sobject('Account').describe()).fields.some((f) => f.name === 'Ferry_Key__c')).toBe(false);
  });
});
