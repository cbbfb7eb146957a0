import { DEMO_USERS } from '@ferry/demo';
import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const user = DEMO_USERS.find((u) => !u.isdisabled)!;

/** The standard tables migrations write: leads, activities with parties, notes, connections, quotes and orders. */
describe('Dataverse sandbox: standard tables', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('stdtables');
  });

  afterAll(async () => {
    await sb?.close();
  });

  beforeEach(async () => {
    await sb.reset();
  });

  const create = async (set: string, body: object): Promise<string> => {
    const res = await sb.call('POST', set, { body, headers: { Prefer: 'return=representation' } });
    if (res.status !== 201) throw new Error(`${set}: ${res.status} ${JSON.stringify(res.data)}`);
    const id = Object.entries(res.data).find(([k, v]) => k.endsWith('id') && typeof v === 'string' && GUID.test(v as string) && !k.startsWith('_'));
    return id![1] as string;
  };
  const contact = (lastname: string, key?: string) => create('contacts', { lastname, ...(key ? { crm_sourceid: key } : {}) });

  it('creates a lead in its default state and checks its picklists', async () => {
    const id = await create('leads', { subject: 'Refi', firstname: 'Ann', lastname: 'Lee', companyname: 'Lee LLC', leadsourcecode: 8 });
    const got = await sb.call('GET', `leads(${id})?$select=statecode,statuscode,leadsourcecode,subject`);
    expect(got.data).toMatchObject({ statecode: 0, statuscode: 1, leadsourcecode: 8, subject: 'Refi' });
    const bad = await sb.call('POST', 'leads', { body: { lastname: 'X', leadsourcecode: 99 } });
    expect(bad.status).toBe(400);
    expect(bad.data.error.code).toBe('0x8004431A');
    const disq = await sb.call('PATCH', `leads(${id})`, { body: { statecode: 2, statuscode: 6 }, headers: { 'If-Match': '*' } });
    expect(disq.status).toBe(204);
  });

  it('creates each kind of activity with a regarding record and parties', async () => {
    const ann = await contact('Ann');
    const bob = await contact('Bob');
    const acct = await create('accounts', { name: 'Contoso' });
    const task = await create('tasks', { subject: 'Call back', 'regardingobjectid_contact_task@odata.bind': `/contacts(${ann})`, scheduledend: '2024-05-01T10:00:00Z' });
    const call = await create('phonecalls', {
      subject: 'Intro call',
      actualdurationminutes: 15,
      'regardingobjectid_account_phonecall@odata.bind': `/accounts(${acct})`,
      phonecall_activity_parties: [
        { 'partyid_systemuser@odata.bind': `/systemusers(${user.systemuserid})`, participationtypemask: 1 },
        { 'partyid_contact@odata.bind': `/contacts(${ann})`, participationtypemask: 2 },
      ],
    });
    const mail = await create('emails', {
      subject: 'Rates',
      description: '<p>Hello</p>',
      'regardingobjectid_contact_email@odata.bind': `/contacts(${ann})`,
      email_activity_parties: [
        { 'partyid_systemuser@odata.bind': `/systemusers(${user.systemuserid})`, participationtypemask: 1 },
        { 'partyid_contact@odata.bind': `/contacts(${ann})`, participationtypemask: 2 },
        { 'partyid_contact@odata.bind': `/contacts(${bob})`, participationtypemask: 3 },
      ],
    });
    const meeting = await create('appointments', {
      subject: 'Closing',
      scheduledstart: '2024-06-01T09:00:00Z',
      scheduledend: '2024-06-01T10:00:00Z',
      'regardingobjectid_account_appointment@odata.bind': `/accounts(${acct})`,
      appointment_activity_parties: [
        { 'partyid_systemuser@odata.bind': `/systemusers(${user.systemuserid})`, participationtypemask: 7 },
        { 'partyid_contact@odata.bind': `/contacts(${bob})`, participationtypemask: 5 },
      ],
    });

    const t = await sb.call('GET', `tasks(${task})`, { headers: { Prefer: 'odata.include-annotations="*"' } });
    expect(t.data).toMatchObject({ subject: 'Call back', statecode: 0, statuscode: 2, _regardingobjectid_value: ann, scheduledend: '2024-05-01T10:00:00Z' });
    expect(t.data['_regardingobjectid_value@Microsoft.Dynamics.CRM.associatednavigationproperty']).toBe('regardingobjectid_contact_task');
    const e = await sb.call('GET', `emails(${mail})?$select=statecode,statuscode,_regardingobjectid_value`);
    expect(e.data).toMatchObject({ statecode: 0, statuscode: 1, _regardingobjectid_value: ann });

    const parties = async (activity: string) =>
      (await sb.call('GET', `activityparties?$filter=_activityid_value eq ${activity}&$select=_partyid_value,participationtypemask&$orderby=participationtypemask`)).data.value.map(
        (p: any) => [p._partyid_value, p.participationtypemask],
      );
    expect(await parties(call)).toEqual([[user.systemuserid, 1], [ann, 2]]);
    expect(await parties(mail)).toEqual([[user.systemuserid, 1], [ann, 2], [bob, 3]]);
    expect(await parties(meeting)).toEqual([[bob, 5], [user.systemuserid, 7]]);

    // the parties collection is the one $expand served
    const expanded = await sb.call('GET', `emails(${mail})?$select=subject&$expand=email_activity_parties`);
    expect(expanded.status).toBe(200);
    expect(expanded.data.email_activity_parties.map((p: any) => p.participationtypemask).sort()).toEqual([1, 2, 3]);
    const listed = await sb.call('GET', `emails?$select=subject&$expand=email_activity_parties&$filter=activityid eq ${mail}`);
    expect(listed.data.value[0].email_activity_parties).toHaveLength(3);
    expect((await sb.call('GET', `emails(${mail})?$expand=regardingobjectid_contact_email`)).status).toBe(501);
    expect((await sb.call('GET', `tasks(${task})?$expand=email_activity_parties`)).status).toBe(501);

    // the collection replaces the parties on update
    const patched = await sb.call('PATCH', `emails(${mail})`, {
      body: { email_activity_parties: [{ 'partyid_contact@odata.bind': `/contacts(${bob})`, participationtypemask: 2 }] },
      headers: { 'If-Match': '*' },
    });
    expect(patched.status).toBe(204);
    expect(await parties(mail)).toEqual([[bob, 2]]);
    expect((await sb.call('POST', 'activityparties', { body: {} })).status).toBe(405);
  });

  it('refuses bad parties and bad regarding binds with the documented codes', async () => {
    const ann = await contact('Ann', 'C-ANN');
    const mask = await sb.call('POST', 'emails', { body: { subject: 's', email_activity_parties: [{ 'partyid_contact@odata.bind': `/contacts(${ann})`, participationtypemask: 12 }] } });
    expect(mask.status).toBe(400);
    expect(mask.data.error.code).toBe('0x8004431A');
    const noMask = await sb.call('POST', 'emails', { body: { subject: 's', email_activity_parties: [{ 'partyid_contact@odata.bind': `/contacts(${ann})` }] } });
    expect(noMask.status).toBe(400);
    const plain = await sb.call('POST', 'tasks', { body: { subject: 's', 'regardingobjectid@odata.bind': `/contacts(${ann})` } });
    expect(plain.status).toBe(400);
    expect(plain.data.error.code).toBe('0x80048d19');
    const missing = await sb.call('POST', 'tasks', { body: { subject: 's', 'regardingobjectid_contact_task@odata.bind': '/contacts(00000000-0000-0000-0000-000000000001)' } });
    expect(missing.status).toBe(404);
    expect(missing.data.error).toEqual({ code: '0x80040217', message: 'contact With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist' });
    const noKey = await sb.call('POST', 'tasks', { body: { subject: 's', "regardingobjectid_contact_task@odata.bind": "/contacts(crm_sourceid='NOPE')" } });
    expect(noKey.status).toBe(404);
    expect(noKey.data.error.code).toBe('0x80060891');
    const byKey = await sb.call('POST', 'tasks', { body: { subject: 's', "regardingobjectid_contact_task@odata.bind": "/contacts(crm_sourceid='C-ANN')" } });
    expect(byKey.status).toBe(204);
    const party = await sb.call('POST', 'phonecalls', { body: { subject: 's', phonecall_activity_parties: [{ 'partyid_contact@odata.bind': '/contacts(00000000-0000-0000-0000-000000000001)', participationtypemask: 2 }] } });
    expect(party.status).toBe(404);
    expect(party.data.error.code).toBe('0x80040217');
  });

  it('closes a task with statecode and statuscode and refuses a status outside its state', async () => {
    const task = await create('tasks', { subject: 'Follow up', overriddencreatedon: '2019-03-04T05:06:07Z' });
    const done = await sb.call('PATCH', `tasks(${task})`, { body: { statecode: 1, statuscode: 5, actualend: '2024-01-02T03:04:05Z' }, headers: { 'If-Match': '*' } });
    expect(done.status).toBe(204);
    const got = await sb.call('GET', `tasks(${task})?$select=statecode,statuscode,createdon`);
    expect(got.data).toMatchObject({ statecode: 1, statuscode: 5, createdon: '2019-03-04T05:06:07Z' });

    const wrong = await sb.call('PATCH', `tasks(${task})`, { body: { statecode: 1, statuscode: 6 }, headers: { 'If-Match': '*' } });
    expect(wrong.status).toBe(400);
    expect(wrong.data.error.code).toBe('0x80048408');
    expect(wrong.data.error.message).toMatch(/status code is invalid/);
    const statusOnly = await sb.call('PATCH', `tasks(${task})`, { body: { statuscode: 3 }, headers: { 'If-Match': '*' } });
    expect(statusOnly.status).toBe(400);
    expect(statusOnly.data.error.code).toBe('0x80048408');
    const onCreate = await sb.call('POST', 'phonecalls', { body: { subject: 'x', statuscode: 2 } });
    expect(onCreate.status).toBe(400);

    const canceled = await sb.call('PATCH', `tasks(${task})`, { body: { statecode: 2 }, headers: { 'If-Match': '*' } });
    expect(canceled.status).toBe(204);
    expect((await sb.call('GET', `tasks(${task})?$select=statuscode`)).data.statuscode).toBe(6);

    const opp = await create('opportunities', { name: 'Deal', salesstage: 2, stepname: '3-Propose' });
    expect((await sb.call('GET', `opportunities(${opp})?$select=statecode,statuscode,salesstage`)).data).toMatchObject({ statecode: 0, statuscode: 1, salesstage: 2 });
    expect((await sb.call('PATCH', `opportunities(${opp})`, { body: { statecode: 1, statuscode: 3 }, headers: { 'If-Match': '*' } })).status).toBe(204);
    expect((await sb.call('PATCH', `opportunities(${opp})`, { body: { statecode: 2, statuscode: 3 }, headers: { 'If-Match': '*' } })).status).toBe(400);
  });

  it('stores a note with a file and refuses one over the upload limit', async () => {
    const ann = await contact('Ann');
    const body = Buffer.from('hello, world').toString('base64');
    const note = await create('annotations', {
      subject: 'Statement',
      notetext: 'see attached',
      filename: 'statement.txt',
      mimetype: 'text/plain',
      isdocument: true,
      documentbody: body,
      'objectid_contact@odata.bind': `/contacts(${ann})`,
    });
    const got = await sb.call('GET', `annotations(${note})?$select=filename,documentbody,_objectid_value,isdocument`);
    expect(got.data).toMatchObject({ filename: 'statement.txt', documentbody: body, _objectid_value: ann, isdocument: true });

    const big = 'A'.repeat(5_242_881);
    const refused = await sb.call('POST', 'annotations', { body: { subject: 'big', documentbody: big, 'objectid_contact@odata.bind': `/contacts(${ann})` } });
    expect(refused.status).toBe(400);
    expect(refused.data.error).toEqual({ code: '0x80044a02', message: 'Attachment file size is too big.' });
    const atLimit = await sb.call('POST', 'annotations', { body: { subject: 'ok', documentbody: 'A'.repeat(5_242_880), 'objectid_contact@odata.bind': `/contacts(${ann})` } });
    expect(atLimit.status).toBe(204);
  });

  it('connects two contacts with a role', async () => {
    const ann = await contact('Ann');
    const bob = await contact('Bob');
    const role = await create('connectionroles', { name: 'Co-borrower', category: 2 });
    const conn = await create('connections', {
      'record1id_contact@odata.bind': `/contacts(${ann})`,
      'record2id_contact@odata.bind': `/contacts(${bob})`,
      'record1roleid@odata.bind': `/connectionroles(${role})`,
      'record2roleid@odata.bind': `/connectionroles(${role})`,
      description: 'spouses',
    });
    const got = await sb.call('GET', `connections(${conn})?$select=_record1id_value,_record2id_value,_record1roleid_value,statecode`);
    expect(got.data).toMatchObject({ _record1id_value: ann, _record2id_value: bob, _record1roleid_value: role, statecode: 0 });
    const badRole = await sb.call('POST', 'connections', {
      body: { 'record1id_contact@odata.bind': `/contacts(${ann})`, 'record1roleid@odata.bind': '/connectionroles(00000000-0000-0000-0000-000000000009)' },
    });
    expect(badRole.status).toBe(404);
    expect(badRole.data.error.code).toBe('0x80040217');
  });

  it('writes quotes and orders with write-in lines', async () => {
    const acct = await create('accounts', { name: 'Contoso' });
    const quote = await create('quotes', { name: 'Q-1', 'customerid_account@odata.bind': `/accounts(${acct})` });
    const line = await create('quotedetails', { 'quoteid@odata.bind': `/quotes(${quote})`, productdescription: 'Appraisal', isproductoverridden: true, quantity: 2, priceperunit: 450.5 });
    expect((await sb.call('GET', `quotedetails(${line})?$select=_quoteid_value,quantity,priceperunit`)).data).toMatchObject({ _quoteid_value: quote, quantity: 2, priceperunit: 450.5 });
    const noQuote = await sb.call('POST', 'quotedetails', { body: { productdescription: 'x', isproductoverridden: true } });
    expect(noQuote.status).toBe(400);
    expect(noQuote.data.error.code).toBe('0x80040200');
    const order = await create('salesorders', { name: 'SO-1', 'customerid_account@odata.bind': `/accounts(${acct})`, 'quoteid@odata.bind': `/quotes(${quote})` });
    await create('salesorderdetails', { 'salesorderid@odata.bind': `/salesorders(${order})`, productdescription: 'Appraisal', isproductoverridden: true, quantity: 1, priceperunit: 450 });
    expect((await sb.call('GET', `salesorders(${order})?$select=statecode,statuscode`)).data).toMatchObject({ statecode: 0, statuscode: 1 });
  });

  it('serves the new tables in EntityDefinitions', async () => {
    const all = await sb.call('GET', 'EntityDefinitions?$select=LogicalName,EntitySetName');
    const names = all.data.value.map((e: any) => `${e.LogicalName}:${e.EntitySetName}`);
    for (const n of ['lead:leads', 'task:tasks', 'phonecall:phonecalls', 'email:emails', 'appointment:appointments', 'annotation:annotations', 'connection:connections',
      'connectionrole:connectionroles', 'quote:quotes', 'quotedetail:quotedetails', 'salesorder:salesorders', 'salesorderdetail:salesorderdetails', 'activityparty:activityparties']) {
      expect(names).toContain(n);
    }
    const task = await sb.call('GET', "EntityDefinitions(LogicalName='task')");
    expect(task.data).toMatchObject({ PrimaryIdAttribute: 'activityid', PrimaryNameAttribute: 'subject', IsActivity: true });
    const subject = task.data.Attributes.find((a: any) => a.LogicalName === 'subject');
    expect(subject).toMatchObject({ AttributeType: 'String', MaxLength: 200 });
    const regarding = task.data.Attributes.find((a: any) => a.LogicalName === 'regardingobjectid');
    expect(regarding.Targets).toEqual(expect.arrayContaining(['account', 'contact', 'lead', 'opportunity', 'quote', 'salesorder']));
  });
});
