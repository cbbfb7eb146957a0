import { generateKeyPairSync, createVerify } from 'crypto';
import { FerryError } from '@ferry/common';
import type { WriteItem } from '@ferry/destinations/core';
import { jwtAssertion } from './salesforce.auth';
import { QuotaPacer } from './quota.pacer';
import { SalesforceClient } from './salesforce.client';
import { SalesforceDestination, type SalesforceDestinationOptions } from './salesforce.destination';
import { FakeOrg, field } from './testing/fake-org';

const PORT = 8296;
const org = new FakeOrg();

beforeAll(async () => {
  await org.start(PORT);
  org.describes.set('Contact', {
    name: 'Contact',
    fields: [
      field('Id', 'id', { createable: false, updateable: false }), field('LastName', 'string', { nillable: false }), field('Email', 'email'), field('Birthdate', 'date'),
      field('AccountId', 'reference', { referenceTo: ['Account'] }), field('OwnerId', 'reference', { referenceTo: ['User'], defaultedOnCreate: true }),
      field('Ferry_Key__c', 'string', { externalId: true, unique: true, custom: true }), field('CreatedDate', 'datetime', { createable: false, updateable: false }),
    ],
  });
  org.describes.set('Opportunity', {
    name: 'Opportunity',
    fields: [field('Id', 'id'), field('Name', 'string'), field('RecordTypeId', 'reference', { referenceTo: ['RecordType'] }), field('Ferry_Key__c', 'string', { externalId: true })],
    recordTypeInfos: [{ recordTypeId: '012000000000001AAA', developerName: 'New_Business', active: true }],
  });
  org.describes.set('Order', {
    name: 'Order',
    fields: [field('Id', 'id'), field('Pricebook2Id', 'reference', { referenceTo: ['Pricebook2'] }), field('Ferry_Key__c', 'string', { externalId: true })],
  });
  org.describes.set('ContentVersion', {
    name: 'ContentVersion',
    fields: [
      field('Id', 'id'), field('Title', 'string'), field('PathOnClient', 'string', { updateable: false }), field('VersionData', 'base64', { updateable: false }),
      field('FirstPublishLocationId', 'reference', { updateable: false, referenceTo: ['Account', 'Opportunity'] }), field('Ferry_Key__c', 'string', { externalId: true }),
    ],
  });
  org.describes.set('EmailMessage', { name: 'EmailMessage', fields: [field('Id', 'id'), field('Subject', 'string'), field('Status', 'picklist'), field('Ferry_Key__c', 'string', { externalId: true })] });
});
afterAll(() => org.stop());
beforeEach(() => {
  org.seen.length = 0;
  org.faults.length = 0;
  org.apiUsed = 0;
  org.onQuery = () => [];
  org.onUpsert = (_o, _f, records) => records.map((_r, i) => ({ id: `003${String(i).padStart(12, '0')}`, success: true, errors: [], created: true }));
});

function destination(o: Partial<SalesforceDestinationOptions> = {}, pacer?: QuotaPacer): SalesforceDestination {
  const client = new SalesforceClient({
    credentials: { flow: 'client_credentials', loginUrl: `http://127.0.0.1:${PORT}/salesforce`, clientId: 'ferry-demo', clientSecret: 'ferry-demo-secret' },
    apiVersion: '62.0', pacer, backoffBaseMs: 1, maxBackoffMs: 5, maxRetries: 3,
  });
  return new SalesforceDestination(client, { keyColumn: 'ferry_key__c', bulkThreshold: 1000, lockRetries: 2, lockBackoffMs: 1, bulkPollMs: 1, ...o });
}

const item = (key: string, columns: WriteItem['columns'] = {}, extra: Partial<WriteItem> = {}): WriteItem => ({ key, columns, lookups: [], ownerId: null, merge: 'last-wins', ...extra });
const upserts = () => org.seen.filter((s) => s.method === 'PATCH' && s.path.includes('/composite/sobjects/'));
const sentRecords = (n: number) => (upserts()[n].body as { records: Record<string, unknown>[] }).records;

describe('SalesforceDestination over HTTP', () => {
  it('sends API names and wire forms by the Ferry key, and maps collection results in input order', async () => {
    org.onUpsert = () => [
      { id: '003A', success: true, errors: [], created: true },
      { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }] },
      { id: '003C', success: true, errors: [], created: false },
    ];
    const d = destination();
    const results = await d.upsertMany('contact', [
      item('C-1', { lastname: { type: 'string', value: 'Lee' }, birthdate: { type: 'dateonly', value: 19_723 }, email: { type: 'string', value: null } }, {
        lookups: [{ column: 'accountid', candidates: [], deferrable: false, targetEntity: 'account', destinationId: '001000000000001' }], ownerId: '005000000000009',
      }),
      item('C-2', { email: { type: 'string', value: 'x@y.z' } }),
      item('C-3', { lastname: { type: 'string', value: '' } }, { merge: 'non-empty-wins' }),
    ]);
    expect(upserts()[0].path).toBe('/services/data/v62.0/composite/sobjects/Contact/Ferry_Key__c');
    expect(upserts()[0].body).toMatchObject({ allOrNone: false });
    expect(sentRecords(0)).toEqual([
      { attributes: { type: 'Contact' }, Ferry_Key__c: 'C-1', LastName: 'Lee', Birthdate: '2024-01-01', Email: null, AccountId: '001000000000001', OwnerId: '005000000000009' },
      { attributes: { type: 'Contact' }, Ferry_Key__c: 'C-2', Email: 'x@y.z' },
      { attributes: { type: 'Contact' }, Ferry_Key__c: 'C-3' },
    ]);
    expect(results).toEqual([
      { key: 'C-1', ok: true, id: '003A', created: true },
      { key: 'C-2', ok: false, code: 'REQUIRED_FIELD_MISSING', message: expect.stringMatching(/^contact\.LastName is required in Salesforce/) },
      { key: 'C-3', ok: true, id: '003C', created: false },
    ]);
  });

  it('reports a field describe lacks as a coded result for that record only', async () => {
    const results = await destination().upsertMany('contact', [item('C-1', { shoe_size__c: { type: 'integer', value: 9 } }), item('C-2', { lastname: { type: 'string', value: 'Ng' } })]);
    expect(results[0]).toMatchObject({ ok: false, code: 'INVALID_FIELD', message: expect.stringContaining('contact.shoe_size__c') });
    expect(results[1]).toMatchObject({ ok: true });
    expect(sentRecords(0)).toHaveLength(1);
  });

  it('retries only the records refused with UNABLE_TO_LOCK_ROW, grouped by parent, never one that was written', async () => {
    let call = 0;
    org.onUpsert = (_o, _f, records) => {
      call++;
      return records.map((r, i) => (call === 1 && r.Ferry_Key__c !== 'C-1' ? { success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] }] } : { id: `003${call}${i}`, success: true, errors: [], created: true }));
    };
    const parent = (id: string) => ({ lookups: [{ column: 'accountid', candidates: [], deferrable: false, targetEntity: 'account', destinationId: id }] });
    const results = await destination().upsertMany('contact', [item('C-1', {}, parent('001A')), item('C-2', {}, parent('001B')), item('C-3', {}, parent('001A')), item('C-4', {}, parent('001B'))]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(upserts()).toHaveLength(2);
    expect(sentRecords(1).map((r) => r.Ferry_Key__c)).toEqual(['C-2', 'C-4', 'C-3']);
  });

  it('reports records still locked after the retries as transient', async () => {
    org.onUpsert = (_o, _f, records) => records.map(() => ({ success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] }] }));
    const [r] = await destination().upsertMany('contact', [item('C-1')]);
    expect(r).toMatchObject({ ok: false, code: 'UNABLE_TO_LOCK_ROW', transient: true });
    expect(upserts()).toHaveLength(3);
  });

  it('renews the session on 401 INVALID_SESSION_ID and retries 429 (Retry-After), 503 and REQUEST_LIMIT_EXCEEDED writes', async () => {
    const d = destination();
    await d.describe('contact');
    org.expireToken();
    org.faults.push({ match: (s) => s.method === 'PATCH', reply: { status: 429, headers: { 'Retry-After': '0' }, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }] } });
    org.faults.push({ match: (s) => s.method === 'PATCH', reply: { status: 503, body: 'Service Unavailable' } });
    org.faults.push({ match: (s) => s.method === 'PATCH', reply: { status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }] } });
    const [r] = await d.upsertMany('contact', [item('C-1')]);
    expect(r).toMatchObject({ ok: true });
    expect(org.seen.filter((s) => s.path === '/services/oauth2/token')).toHaveLength(2);
    expect(d.requestCounts()).toMatchObject({ retries: 3, throttled: 2 });
  });

  it('gives up on a write that stays unavailable with transient results, not dead letters', async () => {
    for (let i = 0; i < 4; i++) org.faults.push({ match: (s) => s.method === 'PATCH', reply: { status: 503, body: 'down' } });
    const [r] = await destination().upsertMany('contact', [item('C-1')]);
    expect(r).toMatchObject({ ok: false, transient: true });
  });

  it('stops before the API share is used, before any write, with one line', async () => {
    org.apiUsed = 79_996;
    const d = destination({}, new QuotaPacer({ apiShare: 0.8, bulkRecordShare: 0.8 }));
    const err = await d.upsertMany('contact', Array.from({ length: 1000 }, (_, i) => item(`C-${i}`))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).message).toMatch(/^Salesforce daily API allocation 80% used \(79,99\d of 100,000\): Ferry stops here; resume after the rolling 24 h window or raise SALESFORCE_API_SHARE/);
    expect(upserts()).toHaveLength(0);
    expect(org.calls()).toEqual(['GET limits', 'GET sobjects', 'GET sobjects/Contact/describe']);
  });

  it('stops with the line when the org answers TotalRequests Limit exceeded, without waiting on it', async () => {
    org.apiUsed = 100_001;
    org.faults.push({ match: (x) => x.path.endsWith('/limits'), reply: { status: 403, body: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }] } });
    const d = destination({}, new QuotaPacer({ apiShare: 0.8, bulkRecordShare: 0.8 }));
    const err = await d.upsertMany('contact', [item('C-1')]).catch((e: unknown) => e);
    expect((err as FerryError).message).toMatch(/^Salesforce daily API allocation 100% used \(100,00\d of 100,000\): Ferry stops here/);
    expect(org.calls()).toEqual(['GET limits']);
    expect(d.requestCounts().retries).toBe(0);
  });

  it('turns a record type DeveloperName into its id, and an unknown one into a coded result', async () => {
    const results = await destination().upsertMany('opportunity', [item('O-1', { recordtypeid: { type: 'string', value: 'new_business' } }), item('O-2', { recordtypeid: { type: 'string', value: 'Renewal' } })]);
    expect(sentRecords(0)).toEqual([{ attributes: { type: 'Opportunity' }, Ferry_Key__c: 'O-1', RecordTypeId: '012000000000001AAA' }]);
    expect(results[1]).toMatchObject({ ok: false, code: 'UNKNOWN_RECORD_TYPE', message: expect.stringContaining('no active record type "Renewal" on Opportunity (it has New_Business)') });
  });

  it('fills the Standard Price Book on orders that name none, asking once', async () => {
    org.onQuery = (q) => (/FROM Pricebook2 WHERE IsStandard = true/.test(q) ? [{ Id: '01s000000000001' }] : []);
    const d = destination();
    await d.upsertMany('order', [item('R-1'), item('R-2', { pricebook2id: { type: 'string', value: '01s000000000777' } })]);
    await d.upsertMany('order', [item('R-3')]);
    expect(sentRecords(0).map((r) => r.Pricebook2Id)).toEqual(['01s000000000001', '01s000000000777']);
    expect(sentRecords(1)[0].Pricebook2Id).toBe('01s000000000001');
    expect(org.seen.filter((s) => s.query.get('q')?.includes('Pricebook2'))).toHaveLength(1);
  });

  it('inserts new files with everything, updates existing ones without insert-only fields, and stands in for an oversized file', async () => {
    org.onQuery = (q) => (q.includes('FROM ContentVersion') ? [{ Id: '068000000000001', Ferry_Key__c: 'F-OLD' }] : []);
    const file = (key: string, data: string) => item(key, { title: { type: 'string', value: key }, pathonclient: { type: 'string', value: `${key}.pdf` }, versiondata: { type: 'string', value: data } });
    const results = await destination({ maxFileBytes: 8 }).upsertMany('contentversion', [file('F-NEW', 'QUJD'), file('F-OLD', 'QUJD'), file('F-BIG', 'QUJDREVGR0hJ')]);
    const sent = upserts().flatMap((u) => (u.body as { records: Record<string, unknown>[] }).records);
    expect(sent.find((r) => r.Ferry_Key__c === 'F-NEW')).toMatchObject({ PathOnClient: 'F-NEW.pdf', VersionData: 'QUJD' });
    expect(sent.find((r) => r.Ferry_Key__c === 'F-OLD')).toEqual({ attributes: { type: 'ContentVersion' }, Ferry_Key__c: 'F-OLD', Title: 'F-OLD' });
    expect(sent.find((r) => r.Ferry_Key__c === 'F-BIG')).toMatchObject({ PathOnClient: 'F-BIG.pdf.omitted.txt' });
    expect(Buffer.from(String(sent.find((r) => r.Ferry_Key__c === 'F-BIG')!.VersionData), 'base64').toString()).toMatch(/F-BIG\.pdf \(12 bytes as base64\) was over the 8-byte limit/);
    expect(results[2]).toMatchObject({ ok: true, dropped: [{ column: 'versiondata', fileName: 'F-BIG.pdf', bytes: 12, limitBytes: 8 }] });
  });

  it('leaves a sent email as it is and reports it written', async () => {
    org.onQuery = (q) => (q.includes('FROM EmailMessage') ? [{ Id: '02s000000000001', Ferry_Key__c: 'E-1', Status: '3' }, { Id: '02s000000000002', Ferry_Key__c: 'E-2', Status: '5' }] : []);
    const results = await destination().upsertMany('emailmessage', [item('E-1', { subject: { type: 'string', value: 'Hi' } }), item('E-2', { subject: { type: 'string', value: 'Draft' } })]);
    expect(results[0]).toEqual({ key: 'E-1', ok: true, id: '02s000000000001', created: false });
    expect(sentRecords(0).map((r) => r.Ferry_Key__c)).toEqual(['E-2']);
  });

  it('uses a Bulk API 2.0 job at the threshold and joins its shuffled results back to the keys', async () => {
    let uploaded = '';
    org.onBulk = (job, csv) => {
      uploaded = csv;
      expect(job).toMatchObject({ object: 'Contact', externalIdFieldName: 'Ferry_Key__c' });
      return {
        successful: 'sf__Id,sf__Created,Ferry_Key__c,LastName\n003B,false,C-2,Ng\n003A,true,C-1,Lee\n',
        failed: 'sf__Id,sf__Error,Ferry_Key__c,LastName\n,STRING_TOO_LONG:Last Name: data value too large:LastName --,C-3,Loooong\n',
        unprocessed: 'Ferry_Key__c,LastName\nC-4,Ox\n',
      };
    };
    const results = await destination({ bulkThreshold: 4 }).upsertMany('contact', ['Lee', 'Ng', 'Loooong', 'Ox'].map((n, i) => item(`C-${i + 1}`, { lastname: { type: 'string', value: n }, email: { type: 'string', value: null } })));
    expect(uploaded).toBe('Ferry_Key__c,LastName,Email\nC-1,Lee,#N/A\nC-2,Ng,#N/A\nC-3,Loooong,#N/A\nC-4,Ox,#N/A\n');
    expect(results).toEqual([
      { key: 'C-1', ok: true, id: '003A', created: true },
      { key: 'C-2', ok: true, id: '003B', created: false },
      { key: 'C-3', ok: false, code: 'STRING_TOO_LONG', message: expect.stringMatching(/^contact\.LastName is longer than the field allows/) },
      { key: 'C-4', ok: false, code: 'BULK_UNPROCESSED', message: expect.any(String), transient: true },
    ]);
    expect(org.calls().filter((c) => c.includes('jobs/ingest')).map((c) => c.replace(/750\d+/, '{id}'))).toEqual([
      'POST jobs/ingest', 'PUT jobs/ingest/{id}/batches', 'PATCH jobs/ingest/{id}', 'GET jobs/ingest/{id}',
      'GET jobs/ingest/{id}/successfulResults', 'GET jobs/ingest/{id}/failedResults', 'GET jobs/ingest/{id}/unprocessedrecords',
    ]);
  });

  it('sends a Bulk upload refused for now (503) or for a stale session (401) again, whole', async () => {
    let uploaded = '';
    org.onBulk = (_job, csv) => {
      uploaded = csv;
      return { successful: 'sf__Id,sf__Created,Ferry_Key__c\n003A,true,C-1\n003B,true,C-2\n', failed: '', unprocessed: '' };
    };
    org.faults.push({ match: (s) => s.method === 'PUT' && s.path.endsWith('/batches'), reply: { status: 503, body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'try later' }] } });
    org.faults.push({ match: (s) => s.method === 'PUT' && s.path.endsWith('/batches'), reply: { status: 401, body: [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }] } });
    const d = destination({ bulkThreshold: 2 });
    const results = await d.upsertMany('contact', [item('C-1', { lastname: { type: 'string', value: 'Lee' } }), item('C-2', { lastname: { type: 'string', value: 'Ng' } })]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(uploaded).toBe('Ferry_Key__c,LastName\nC-1,Lee\nC-2,Ng\n');
    expect(org.calls().filter((c) => c.startsWith('PUT'))).toHaveLength(3);
    expect(d.requestCounts().retries).toBe(1);
    expect(d.client.metrics.tokenRefreshes).toBe(1);
  });

  it('reads before-images by key in groups of at most 200, and users with their state', async () => {
    const queries: string[] = [];
    org.onQuery = (q) => {
      queries.push(q);
      if (q.includes('FROM User')) return [{ Id: '005A', Email: 'a@x.io', IsActive: true }, { Id: '005B', Email: 'b@x.io', IsActive: false }];
      return [{ Id: '003A', Ferry_Key__c: 'c-1', LastName: 'Lee' }];
    };
    const d = destination();
    const keys = Array.from({ length: 250 }, (_, i) => `C-${i + 1}`);
    const before = await d.readBefore('contact', keys, ['lastname', 'nosuch', 'ownerid']);
    expect(queries[0]).toMatch(/^SELECT Id, Ferry_Key__c, LastName, OwnerId FROM Contact WHERE Ferry_Key__c IN \('C-1', /);
    expect(queries).toHaveLength(2);
    expect(before.get('C-1')).toEqual({ Id: '003A', lastname: 'Lee', ownerid: null });
    expect(await d.users()).toEqual([{ id: '005A', email: 'a@x.io', disabled: false }, { id: '005B', email: 'b@x.io', disabled: true }]);
  });

  it('rolls back: deletes by id (gone counts as done), restores updateable columns, undeletes from the recycle bin', async () => {
    const d = destination();
    org.faults.push({ match: (x) => x.method === 'DELETE', reply: { status: 200, body: [{ id: '003A', success: true, errors: [] }, { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] }, { success: false, errors: [{ statusCode: 'DELETE_FAILED', message: 'has children', fields: [] }] }] } });
    expect(await d.deleteManyById('contact', ['003A', '003B', '003C'])).toEqual([
      { id: '003A', ok: true }, { id: '003B', ok: true, gone: true }, { id: '003C', ok: false, code: 'DELETE_FAILED', message: 'has children' },
    ]);
    expect(org.seen.find((x) => x.method === 'DELETE')?.query.get('ids')).toBe('003A,003B,003C');

    org.faults.push({ match: (x) => x.method === 'PATCH' && x.path.endsWith('/composite/sobjects'), reply: { status: 200, body: [{ id: '003A', success: true, errors: [] }] } });
    expect(await d.restoreMany('contact', [{ id: '003A', image: { Id: '003A', LastName: 'Lee', CreatedDate: '2020-01-01T00:00:00.000Z', Ferry_Key__c: 'C-1' } }])).toEqual([{ id: '003A', ok: true }]);
    const restored = org.seen.find((x) => x.method === 'PATCH' && x.path.endsWith('/composite/sobjects'))!.body as { records: unknown[] };
    // jsforce's update names the record by `id`, as Salesforce's collections examples do
    expect(restored.records).toEqual([{ attributes: { type: 'Contact' }, id: '003A', LastName: 'Lee', Ferry_Key__c: 'C-1' }]);

    org.onQuery = (q) => (q.startsWith('SELECT Id FROM Contact WHERE Id IN') ? [{ Id: '003L' }] : []);
    org.faults.push({ match: (x) => x.path.startsWith('/services/Soap/u/62.0'), reply: { status: 200, body: '<soapenv:Envelope><soapenv:Body><undeleteResponse><result><id>003U</id><success>true</success></result><result><errors><message>not in recycle bin</message><statusCode>UNDELETE_FAILED</statusCode></errors><success>false</success></result></undeleteResponse></soapenv:Body></soapenv:Envelope>', headers: { 'Content-Type': 'text/xml' } } });
    const back = await d.createManyWithId('contact', [{ id: '003L', image: {} }, { id: '003U', image: {} }, { id: '003X', image: {} }]);
    expect(back).toEqual([
      { id: '003L', ok: true, existed: true }, { id: '003U', ok: true },
      { id: '003X', ok: false, code: 'UNDELETE_FAILED', message: expect.stringContaining('Salesforce cannot create a record under a given id and undelete failed (UNDELETE_FAILED: not in recycle bin)') },
    ]);
    expect(org.seen.find((x) => x.path.startsWith('/services/Soap'))?.raw).toContain('<urn:ids>003U</urn:ids><urn:ids>003X</urn:ids>');
  });

  it('describes an unknown object as null', async () => {
    expect(await destination().describe('nosuchthing')).toBeNull();
  });
});

describe('signing in through jsforce OAuth2', () => {
  const loginUrl = `http://127.0.0.1:${PORT}/salesforce`;
  const tokenCalls = () => org.seen.filter((s) => s.path === '/services/oauth2/token');

  it('asks for a JWT bearer token with Ferry\'s assertion only (no secret), and uses the session it gets', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const client = new SalesforceClient({ credentials: { flow: 'jwt', loginUrl, clientId: 'ferry-demo', username: 'ferry@example.com', privateKeyPem: privateKey }, apiVersion: '62.0' });
    const session = await client.connect();
    const form = new URLSearchParams(tokenCalls()[0].raw);
    expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(form.has('client_secret')).toBe(false);
    const [h, c, sig] = String(form.get('assertion')).split('.');
    expect(createVerify('RSA-SHA256').update(`${h}.${c}`).verify(publicKey, Buffer.from(sig, 'base64url'))).toBe(true);
    expect(session).toEqual({ accessToken: org.token, instanceUrl: org.url, userId: '005000000000001' });
    expect(await client.describeGlobal()).toEqual({ sobjects: expect.arrayContaining([{ name: 'Contact' }]) });
    expect(org.seen.at(-1)!.auth).toBe(`Bearer ${org.token}`);
  });

  it('reports a refused client-credentials sign-in in one line naming the settings, without asking again', async () => {
    org.faults.push({ match: (s) => s.path === '/services/oauth2/token', reply: { status: 400, body: { error: 'invalid_client', error_description: 'invalid client credentials' } } });
    const client = new SalesforceClient({ credentials: { flow: 'client_credentials', loginUrl, clientId: 'ferry-demo', clientSecret: 'wrong' }, apiVersion: '62.0' });
    const err = await client.connect().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_client', retryable: false });
    expect((err as Error).message).toBe(`Salesforce sign-in (client credentials) at ${loginUrl} refused: invalid client credentials; check SALESFORCE_CLIENT_ID and the SALESFORCE_CLIENT_SECRET settings`);
    expect(tokenCalls()).toHaveLength(1);
    expect(new URLSearchParams(tokenCalls()[0].raw).get('grant_type')).toBe('client_credentials');
  });

  it('asks the token endpoint again when it is unavailable for a moment', async () => {
    org.faults.push({ match: (s) => s.path === '/services/oauth2/token', reply: { status: 503, body: 'down' } });
    const client = new SalesforceClient({ credentials: { flow: 'client_credentials', loginUrl, clientId: 'ferry-demo', clientSecret: 'ferry-demo-secret' }, apiVersion: '62.0' });
    expect((await client.connect()).accessToken).toBe(org.token);
    expect(tokenCalls()).toHaveLength(2);
  });
});

describe('JWT bearer assertion', () => {
  it('is an RS256 JWT with iss, sub, aud and exp, verifiable with the public key', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const jwt = jwtAssertion({ clientId: 'ferry-demo', username: 'ferry@example.com', loginUrl: 'https://login.salesforce.com/', privateKeyPem: privateKey, now: 1_700_000_000_000 });
    const [h, c, sig] = jwt.split('.');
    const decode = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString());
    expect(decode(h)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decode(c)).toEqual({ iss: 'ferry-demo', sub: 'ferry@example.com', aud: 'https://login.salesforce.com', exp: 1_700_000_180 });
    expect(createVerify('RSA-SHA256').update(`${h}.${c}`).verify(publicKey, Buffer.from(sig, 'base64url'))).toBe(true);
  });
});
