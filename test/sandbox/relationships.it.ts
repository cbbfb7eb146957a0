import { startTestSandbox, TestSandbox } from './support/sandbox-harness';

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** $ref associate/disassociate over 1:N and N:N, and each relationship's cascade when a record is deleted. */
describe('Dataverse sandbox: $ref and cascade delete', () => {
  let sb: TestSandbox;

  beforeAll(async () => {
    sb = await startTestSandbox('relationships', { keyActivationMs: 200 });
  });

  afterAll(async () => {
    await sb?.close();
  });

  beforeEach(async () => {
    await sb.reset();
  });

  const create = async (set: string, body: object): Promise<string> => {
    const res = await sb.call('POST', set, { body });
    if (res.status !== 204) throw new Error(`${set}: ${res.status} ${JSON.stringify(res.data)}`);
    return GUID.exec(res.headers['odata-entityid'])![0];
  };
  const get = async (path: string) => (await sb.call('GET', path)).data;

  it('associates and disassociates a 1:N child through the parent collection and the child lookup', async () => {
    const acct = await create('accounts', { name: 'Contoso' });
    const ann = await create('contacts', { lastname: 'Ann' });
    const add = await sb.call('POST', `accounts(${acct})/contact_customer_accounts/$ref`, { body: { '@odata.id': `${sb.apiUrl}/contacts(${ann})` } });
    expect(add.status).toBe(204);
    expect((await get(`contacts(${ann})?$select=_parentcustomerid_value`))._parentcustomerid_value).toBe(acct);
    const list = await get(`accounts(${acct})/contact_customer_accounts/$ref`);
    expect(list.value).toEqual([{ '@odata.id': `${sb.apiUrl}/contacts(${ann})` }]);

    const remove = await sb.call('DELETE', `accounts(${acct})/contact_customer_accounts/$ref?$id=${sb.apiUrl}/contacts(${ann})`);
    expect(remove.status).toBe(204);
    expect((await get(`contacts(${ann})?$select=_parentcustomerid_value`))._parentcustomerid_value).toBeNull();

    // the single-valued side: PUT sets, DELETE clears
    const put = await sb.call('PUT', `contacts(${ann})/parentcustomerid_account/$ref`, { body: { '@odata.id': `accounts(${acct})` } });
    expect(put.status).toBe(204);
    expect((await get(`contacts(${ann})?$select=_parentcustomerid_value`))._parentcustomerid_value).toBe(acct);
    expect((await sb.call('DELETE', `contacts(${ann})/parentcustomerid_account/$ref`)).status).toBe(204);
    expect((await get(`contacts(${ann})?$select=_parentcustomerid_value`))._parentcustomerid_value).toBeNull();

    const wrongTable = await sb.call('POST', `accounts(${acct})/contact_customer_accounts/$ref`, { body: { '@odata.id': `accounts(${acct})` } });
    expect(wrongTable.status).toBe(400);
    const missing = await sb.call('POST', `accounts(${acct})/contact_customer_accounts/$ref`, { body: { '@odata.id': 'contacts(00000000-0000-0000-0000-000000000001)' } });
    expect(missing.status).toBe(404);
    expect(missing.data.error.code).toBe('0x80040217');
    expect((await sb.call('POST', `accounts(${acct})/no_such_nav/$ref`, { body: { '@odata.id': `contacts(${ann})` } })).status).toBe(404);
    expect((await sb.call('GET', `accounts(${acct})/contact_customer_accounts`)).status).toBe(501);
  });

  it('associates N:N records through a custom relationship and drops the link when either side is deleted', async () => {
    const rel = await sb.call('POST', 'RelationshipDefinitions', {
      body: {
        '@odata.type': 'Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata',
        SchemaName: 'crm_account_contact_advisors',
        Entity1LogicalName: 'account',
        Entity2LogicalName: 'contact',
        IntersectEntityName: 'crm_account_contact_advisors',
        Entity1NavigationPropertyName: 'crm_advisors',
        Entity2NavigationPropertyName: 'crm_advisedaccounts',
      },
    });
    expect(rel.status).toBe(204);
    const acct = await create('accounts', { name: 'Contoso' });
    const ann = await create('contacts', { lastname: 'Ann' });
    const bob = await create('contacts', { lastname: 'Bob' });
    expect((await sb.call('POST', `accounts(${acct})/crm_advisors/$ref`, { body: { '@odata.id': `contacts(${ann})` } })).status).toBe(204);
    expect((await sb.call('POST', `contacts(${bob})/crm_advisedaccounts/$ref`, { body: { '@odata.id': `accounts(${acct})` } })).status).toBe(204);
    const dup = await sb.call('POST', `accounts(${acct})/crm_advisors/$ref`, { body: { '@odata.id': `contacts(${ann})` } });
    expect(dup.status).toBe(400);
    const ids = async () => (await get(`accounts(${acct})/crm_advisors/$ref`)).value.map((v: any) => GUID.exec(v['@odata.id'])![0]).sort();
    expect(await ids()).toEqual([ann, bob].sort());

    expect((await sb.call('DELETE', `accounts(${acct})/crm_advisors(${ann})/$ref`)).status).toBe(204);
    expect(await ids()).toEqual([bob]);
    expect((await sb.call('DELETE', `contacts(${bob})`)).status).toBe(204);
    expect(await ids()).toEqual([]);
  });

  it('cascades a delete: parental children go, referential children lose the link', async () => {
    const acct = await create('accounts', { name: 'Contoso' });
    const ann = await create('contacts', { lastname: 'Ann', 'parentcustomerid_account@odata.bind': `/accounts(${acct})` });
    const sub = await create('accounts', { name: 'Contoso West', 'parentaccountid@odata.bind': `/accounts(${acct})` });
    const task = await create('tasks', { subject: 'Call', 'regardingobjectid_account_task@odata.bind': `/accounts(${acct})` });
    const note = await create('annotations', { subject: 'n', 'objectid_account@odata.bind': `/accounts(${acct})` });
    const email = await create('emails', {
      subject: 'Hi',
      'regardingobjectid_account_email@odata.bind': `/accounts(${acct})`,
      email_activity_parties: [{ 'partyid_contact@odata.bind': `/contacts(${ann})`, participationtypemask: 2 }],
    });
    const taskNote = await create('annotations', { subject: 'on the task', 'objectid_task@odata.bind': `/tasks(${task})` });
    const other = await create('tasks', { subject: 'Unrelated' });

    expect((await sb.call('DELETE', `accounts(${acct})`)).status).toBe(204);
    expect((await sb.call('GET', `accounts(${acct})`)).status).toBe(404);
    expect((await sb.call('GET', `tasks(${task})`)).status).toBe(404);
    expect((await sb.call('GET', `emails(${email})`)).status).toBe(404);
    expect((await sb.call('GET', `annotations(${note})`)).status).toBe(404);
    expect((await sb.call('GET', `annotations(${taskNote})`)).status).toBe(404);
    expect((await get(`activityparties?$filter=_activityid_value eq ${email}`)).value).toEqual([]);
    expect((await sb.call('GET', `tasks(${other})`)).status).toBe(200);
    const contact = await get(`contacts(${ann})?$select=_parentcustomerid_value`);
    expect(contact._parentcustomerid_value).toBeNull();
    expect((await get(`accounts(${sub})?$select=_parentaccountid_value`))._parentaccountid_value).toBeNull();

    // deleting a contact that is an activity party clears the party, keeps the activity
    const mail2 = await create('emails', { subject: 'x', email_activity_parties: [{ 'partyid_contact@odata.bind': `/contacts(${ann})`, participationtypemask: 2 }] });
    expect((await sb.call('DELETE', `contacts(${ann})`)).status).toBe(204);
    const parties = (await get(`activityparties?$filter=_activityid_value eq ${mail2}&$select=_partyid_value,participationtypemask`)).value;
    expect(parties).toEqual([expect.objectContaining({ _partyid_value: null, participationtypemask: 2 })]);

    // a quote's lines are parental
    const quote = await create('quotes', { name: 'Q' });
    const line = await create('quotedetails', { 'quoteid@odata.bind': `/quotes(${quote})`, productdescription: 'x', isproductoverridden: true });
    expect((await sb.call('DELETE', `quotes(${quote})`)).status).toBe(204);
    expect((await sb.call('GET', `quotedetails(${line})`)).status).toBe(404);
  });

  it('follows the cascade a custom relationship declares: Restrict refuses, Cascade deletes', async () => {
    await sb.call('POST', 'EntityDefinitions', {
      body: {
        '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
        SchemaName: 'crm_Loan',
        OwnershipType: 'UserOwned',
        Attributes: [{ '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'crm_Name', IsPrimaryName: true, MaxLength: 100 }],
      },
    });
    const rel = (schema: string, lookup: string, del: string) =>
      sb.call('POST', 'RelationshipDefinitions', {
        body: {
          '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
          SchemaName: schema,
          ReferencedEntity: 'contact',
          ReferencingEntity: 'crm_loan',
          CascadeConfiguration: { Delete: del },
          Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', SchemaName: lookup },
        },
      });
    expect((await rel('crm_contact_loans_borrower', 'crm_BorrowerId', 'Cascade')).status).toBe(204);
    expect((await rel('crm_contact_loans_officer', 'crm_OfficerId', 'Restrict')).status).toBe(204);
    const ann = await create('contacts', { lastname: 'Ann' });
    const officer = await create('contacts', { lastname: 'Officer' });
    const loan = await create('crm_loans', { crm_name: 'L-1', 'crm_BorrowerId@odata.bind': `/contacts(${ann})`, 'crm_OfficerId@odata.bind': `/contacts(${officer})` });

    const refused = await sb.call('DELETE', `contacts(${officer})`);
    expect(refused.status).toBe(400);
    expect(refused.data.error.message).toMatch(/Restrict/);
    expect((await sb.call('GET', `contacts(${officer})`)).status).toBe(200);

    expect((await sb.call('DELETE', `contacts(${ann})`)).status).toBe(204);
    expect((await sb.call('GET', `crm_loans(${loan})`)).status).toBe(404);
    expect((await sb.call('DELETE', `contacts(${officer})`)).status).toBe(204);
    // $ref on the custom 1:N uses the relationship's schema name
    const c = await create('contacts', { lastname: 'C' });
    const l2 = await create('crm_loans', { crm_name: 'L-2' });
    expect((await sb.call('POST', `contacts(${c})/crm_contact_loans_borrower/$ref`, { body: { '@odata.id': `crm_loans(${l2})` } })).status).toBe(204);
    expect((await get(`crm_loans(${l2})?$select=_crm_borrowerid_value`))._crm_borrowerid_value).toBe(c);
  });
});
