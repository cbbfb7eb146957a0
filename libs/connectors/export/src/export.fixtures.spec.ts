import * as path from 'path';
import type { RecordMessage, ValueIssue } from '@ferry/connectors/core';
import { ExportConnector, inferExportSource, syntheticKey, type ExportSourceDocument } from '@ferry/connectors/export';

/**
 * Exports written by hand the way four more CRMs write them (fixtures/<crm>/), each inferred and read to exactly
 * the records a person reading the files would expect. The Zoho-style fixture has its own specs.
 */

const fixtures = path.join(__dirname, '..', 'fixtures');
const at = (iso: string) => Date.parse(iso);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;
const AYSE = 'ayse.demir@northwind.example';
const JOHN = 'john.carter@northwind.example';
const MARIA = 'maria.lopez@northwind.example';

interface Read {
  doc: ExportSourceDocument;
  records: Record<string, Array<Record<string, unknown>>>;
  issues: Record<string, Array<{ line: number; issues: ValueIssue[] }>>;
}

async function readFixture(crm: string): Promise<Read> {
  const dir = path.join(fixtures, crm);
  const doc = await inferExportSource(dir);
  const connector = new ExportConnector(doc);
  const out: Read = { doc, records: {}, issues: {} };
  for (const o of doc.objects) {
    out.records[o.name] = [];
    out.issues[o.name] = [];
    for await (const m of connector.readExport(dir, o.name)) {
      if (m.type === 'reject') throw new Error(`${crm}: unexpected reject ${m.reason}`);
      if (m.type !== 'record') continue;
      const r = m as RecordMessage;
      out.records[o.name].push(r.record);
      if (r.issues?.length) out.issues[o.name].push({ line: r.origin.line!, issues: r.issues });
    }
  }
  return out;
}

/** What inference found per object: its key columns, references and owner, as a person reviews them. */
const shape = (doc: ExportSourceDocument) =>
  Object.fromEntries(
    doc.objects.map((o) => [
      o.name,
      { key: o.key.columns, references: o.references.map((r) => `${r.column} → ${r.object} by ${r.by}`), owner: o.owner ? `${o.owner.column} by ${o.owner.by}` : null },
    ]),
  );

describe('a HubSpot-style export (owners, all companies, all contacts)', () => {
  let r: Read;
  beforeAll(async () => {
    r = await readFixture('hubspot');
  });

  it('finds the keys, the company named on each contact, and owners by full name', () => {
    expect(shape(r.doc)).toEqual({
      all_companies: { key: ['Record ID'], references: [], owner: 'Company owner by name' },
      all_contacts: { key: ['Record ID'], references: ['Associated Company → all_companies by name'], owner: 'Contact owner by name' },
      owners: { key: ['Owner ID'], references: [], owner: null },
    });
  });

  it('reads companies with their ZIP codes as text, a placeholder revenue as none, and the blank trailing header cell', () => {
    expect(r.records.all_companies).toEqual([
      {
        record_id: '9100000001', company_name: 'Acme Logistics', company_owner: 'Ayşe Demir', create_date: at('2021-04-16T09:02:00Z'), postal_code: '02134',
        annual_revenue: '1250000.00', lifecycle_stage: 'Customer', column_8: null, ferry_owner_email: AYSE, custom: {},
      },
      {
        record_id: '9100000002', company_name: 'Blue Harbor Foods', company_owner: 'John Carter', create_date: at('2021-05-02T11:15:00Z'), postal_code: '10001',
        annual_revenue: null, lifecycle_stage: 'Lead', column_8: null, ferry_owner_email: JOHN, custom: {},
      },
      {
        record_id: '9100000003', company_name: 'Cedar Dental Group', company_owner: 'María López', create_date: at('2021-06-10T14:40:00Z'), postal_code: null,
        annual_revenue: '480000.50', lifecycle_stage: 'Opportunity', column_8: null, ferry_owner_email: MARIA, custom: {},
      },
    ]);
    expect(r.issues.all_companies).toEqual([{ line: 3, issues: [expect.objectContaining({ field: 'annual_revenue', code: 'MISSING_VALUE', value: 'N/A' })] }]);
  });

  it('reads contacts with mojibake repaired (and said so), 1/0/blank flags and a 12-hour time among ISO ones', () => {
    const base = { custom: {} };
    expect(r.records.all_contacts).toEqual([
      {
        record_id: '501001', first_name: 'Liam', last_name: 'Novak', email: 'liam.novak@acme-logistics.example', associated_company: 'Acme Logistics', contact_owner: 'Ayşe Demir',
        lead_status: 'Qualified', create_date: at('2021-04-20T10:00:00Z'), unsubscribed_from_all_email: true, associated_company_key: '9100000001', ferry_owner_email: AYSE, ...base,
      },
      {
        record_id: '501002', first_name: 'José', last_name: 'Núñez', email: 'jose.nunez@blueharbor.example', associated_company: 'Blue Harbor Foods', contact_owner: 'John Carter',
        lead_status: 'Qualifed', create_date: at('2021-05-03T10:30:00Z'), unsubscribed_from_all_email: false, associated_company_key: '9100000002', ferry_owner_email: JOHN, ...base,
      },
      {
        record_id: '501003', first_name: 'Olivia', last_name: 'Brown', email: 'olivia.brown@cedar.example', associated_company: 'Cedar Dental Group', contact_owner: 'María López',
        lead_status: 'Default Value', create_date: at('2021-06-11T15:04:00Z'), unsubscribed_from_all_email: null, associated_company_key: '9100000003', ferry_owner_email: MARIA, ...base,
      },
    ]);
    expect(r.issues.all_contacts).toEqual([
      {
        line: 3,
        issues: [
          { field: 'first_name', column: 'First Name', code: 'REPAIRED_ENCODING', value: 'JosÃ©', problem: 'which is UTF-8 read as Windows-1252, repaired to "José"' },
          { field: 'last_name', column: 'Last Name', code: 'REPAIRED_ENCODING', value: 'NÃºÃ±ez', problem: 'which is UTF-8 read as Windows-1252, repaired to "Núñez"' },
        ],
      },
    ]);
  });
});

describe('a Salesforce-style report export (users, accounts, opportunities without an id)', () => {
  let r: Read;
  beforeAll(async () => {
    r = await readFixture('salesforce');
  });

  it('keys opportunities by name and account, and finds accounts and owners by name', () => {
    expect(shape(r.doc)).toEqual({
      accounts: { key: ['Account ID'], references: [], owner: 'Account Owner by name' },
      opportunities: { key: ['Opportunity Name', 'Account Name'], references: ['Account Name → accounts by name'], owner: 'Opportunity Owner by name' },
      users: { key: ['User ID'], references: [], owner: null },
    });
  });

  it('reads 12-hour times, Y/N and 1/0 flags, two-digit years and "USD 12,500.00"', () => {
    expect(r.records.users).toEqual([
      { user_id: '0055g00000AbCd1AAB', full_name: 'Ayşe Demir', email: AYSE, active: true, custom: {} },
      { user_id: '0055g00000AbCd2AAB', full_name: 'John Carter', email: JOHN, active: false, custom: {} },
    ]);
    expect(r.records.accounts).toEqual([
      { account_id: '0015g00000XyZ01AAB', account_name: 'Acme Logistics', account_owner: 'Ayşe Demir', billing_zip_postal_code: '02134', created_date: at('2021-04-16T09:02:00Z'), key_account: true, ferry_owner_email: AYSE, custom: {} },
      { account_id: '0015g00000XyZ02AAB', account_name: 'Blue Harbor Foods, Inc.', account_owner: 'John Carter', billing_zip_postal_code: '10001', created_date: at('2021-05-02T23:15:00Z'), key_account: false, ferry_owner_email: JOHN, custom: {} },
    ]);
    const acme = '0015g00000XyZ01AAB';
    expect(r.records.opportunities).toEqual([
      { ferry_key: syntheticKey(['Renewal 2022', 'Acme Logistics']), opportunity_name: 'Renewal 2022', account_name: 'Acme Logistics', amount: '12500.00', stage: 'Closed Won', close_date: day('2022-01-31'), opportunity_owner: 'Ayşe Demir', account_name_key: acme, ferry_owner_email: AYSE, custom: {} },
      {
        ferry_key: syntheticKey(['Renewal 2022', 'Blue Harbor Foods, Inc.']), opportunity_name: 'Renewal 2022', account_name: 'Blue Harbor Foods, Inc.', amount: '8000.00', stage: 'Negotiation/Review',
        close_date: day('2022-02-28'), opportunity_owner: 'John Carter', account_name_key: '0015g00000XyZ02AAB', ferry_owner_email: JOHN, custom: {},
      },
      { ferry_key: syntheticKey(['Fleet expansion', 'Acme Logistics']), opportunity_name: 'Fleet expansion', account_name: 'Acme Logistics', amount: '40000.50', stage: 'Closed Won', close_date: day('2022-03-15'), opportunity_owner: 'Ayşe Demir', account_name_key: acme, ferry_owner_email: AYSE, custom: {} },
    ]);
    expect(Object.values(r.issues).flat()).toEqual([]);
  });
});

describe('a Dynamics 365-style export (the hidden "(Do Not Modify)" columns, day-first dates, euros)', () => {
  let r: Read;
  beforeAll(async () => {
    r = await readFixture('dynamics');
  });

  it('keys rows by their hidden record id, opportunities by topic and customer, and finds the customer and owner by name', () => {
    expect(shape(r.doc)).toEqual({
      active_accounts: { key: ['(Do Not Modify) Account'], references: [], owner: 'Owner by name' },
      open_opportunities: { key: ['Topic', 'Potential Customer'], references: ['Potential Customer → active_accounts by name'], owner: 'Owner by name' },
      users: { key: ['(Do Not Modify) User'], references: [], owner: null },
    });
  });

  it('reads "16-04-2021 09:02" day first, "31.01.22" with its two-digit year, and "1.250.000,00 €"', () => {
    const id = (n: number) => `b2e1d3c5-0002-4000-a000-00000000000${n}`;
    expect(r.records.active_accounts).toEqual([
      {
        do_not_modify_account: id(1), do_not_modify_row_checksum: 'mK9x2Q==', do_not_modify_modified_on: at('2021-04-16T09:02:00Z'), account_name: 'Acme Logistics', address_1_zip_postal_code: '02134',
        owner: 'Ayşe Demir', annual_revenue: '1250000.00', created_on: at('2021-07-03T01:09:00Z'), ferry_owner_email: AYSE, custom: {},
      },
      {
        do_not_modify_account: id(2), do_not_modify_row_checksum: 'pL3v8W==', do_not_modify_modified_on: at('2021-05-02T11:15:00Z'), account_name: 'Blue Harbor Foods', address_1_zip_postal_code: '10001',
        owner: 'John Carter', annual_revenue: null, created_on: at('2021-07-13T23:45:00Z'), ferry_owner_email: JOHN, custom: {},
      },
      {
        do_not_modify_account: id(3), do_not_modify_row_checksum: 'zT7q1R==', do_not_modify_modified_on: at('2021-06-10T14:40:00Z'), account_name: 'Cedar Dental Group', address_1_zip_postal_code: null,
        owner: 'Ayşe Demir', annual_revenue: '480000.50', created_on: at('2021-06-10T14:40:00Z'), ferry_owner_email: AYSE, custom: {},
      },
    ]);
    expect(r.issues.active_accounts).toEqual([{ line: 3, issues: [expect.objectContaining({ field: 'annual_revenue', code: 'MISSING_VALUE', value: '-' })] }]);
    const opp = (topic: string, customer: string, revenue: string, phase: string, close: string, owner: string, n: number, email: string) => ({
      ferry_key: syntheticKey([topic, customer]), topic, potential_customer: customer, est_revenue: revenue, pipeline_phase: phase, est_close_date: day(close), owner,
      potential_customer_key: id(n), ferry_owner_email: email, custom: {},
    });
    expect(r.records.open_opportunities).toEqual([
      opp('Renewal 2022', 'Acme Logistics', '12500.00', '3-Propose', '2022-01-31', 'Ayşe Demir', 1, AYSE),
      opp('Renewal 2022', 'Blue Harbor Foods', '8000.00', '2-Develop', '2022-02-28', 'John Carter', 2, JOHN),
      opp('Fleet expansion', 'Acme Logistics', '40000.50', '1-Qualify', '2022-03-15', 'Ayşe Demir', 1, AYSE),
      opp('Clinic software', 'Cedar Dental Group', '6200.00', '3-Propose', '2022-03-01', 'Ayşe Demir', 3, AYSE),
    ]);
    expect(r.records.users.map((u) => [u.full_name, u.primary_email])).toEqual([['Ayşe Demir', AYSE], ['John Carter', JOHN]]);
  });
});

describe('a Pipedrive-style export ("Object - Field" labels, LF line ends, "12 500,00")', () => {
  let r: Read;
  beforeAll(async () => {
    r = await readFixture('pipedrive');
  });

  it('keys deals by title and organization, and finds organizations and owners by name', () => {
    expect(shape(r.doc)).toEqual({
      deals: { key: ['Deal - Title', 'Deal - Organization'], references: ['Deal - Organization → organizations by name'], owner: 'Deal - Owner by name' },
      organizations: { key: ['Organization - ID'], references: [], owner: 'Organization - Owner by name' },
      persons: { key: ['Person - ID'], references: ['Person - Organization → organizations by name'], owner: 'Person - Owner by name' },
      users: { key: ['User - ID'], references: [], owner: null },
    });
  });

  it('reads every record as written', () => {
    expect(r.records.organizations).toEqual([
      { organization_id: '1', organization_name: 'Acme Logistics', organization_owner: 'Ayşe Demir', organization_address_zip_postal_code: '02134', organization_add_time: at('2021-04-16T09:02:00Z'), ferry_owner_email: AYSE, custom: {} },
      { organization_id: '2', organization_name: 'Blue Harbor Foods', organization_owner: 'John Carter', organization_address_zip_postal_code: '10001', organization_add_time: at('2021-05-02T11:15:00Z'), ferry_owner_email: JOHN, custom: {} },
    ]);
    expect(r.records.persons).toEqual([
      {
        person_id: '100001', person_name: 'Liam Novak', person_email_work: 'liam.novak@acme-logistics.example', person_organization: 'Acme Logistics', person_owner: 'Ayşe Demir',
        person_add_time: at('2021-04-20T10:00:00Z'), person_marketing_opt_out: true, person_organization_key: '1', ferry_owner_email: AYSE, custom: {},
      },
      {
        person_id: '100002', person_name: 'Zoë Schäfer', person_email_work: 'zoe.schafer@blueharbor.example', person_organization: 'Blue Harbor Foods', person_owner: 'John Carter',
        person_add_time: at('2021-05-03T10:30:00Z'), person_marketing_opt_out: false, person_organization_key: '2', ferry_owner_email: JOHN, custom: {},
      },
    ]);
    const deal = (title: string, org: string, value: string, stage: string, close: string, owner: string, orgKey: string, email: string) => ({
      ferry_key: syntheticKey([title, org]), deal_title: title, deal_organization: org, deal_value: value, deal_currency: 'EUR', deal_stage: stage, deal_expected_close_date: day(close),
      deal_owner: owner, deal_organization_key: orgKey, ferry_owner_email: email, custom: {},
    });
    expect(r.records.deals).toEqual([
      deal('Renewal 2022', 'Acme Logistics', '12500.00', 'Proposal Made', '2022-01-31', 'Ayşe Demir', '1', AYSE),
      deal('Renewal 2022', 'Blue Harbor Foods', '8000.00', 'Qualified', '2022-02-28', 'John Carter', '2', JOHN),
      deal('Fleet expansion', 'Acme Logistics', '40000.50', 'Proposal Made', '2022-03-15', 'Ayşe Demir', '1', AYSE),
    ]);
    expect(r.records.users).toEqual([
      { user_id: '11000001', user_name: 'Ayşe Demir', user_email: AYSE, custom: {} },
      { user_id: '11000002', user_name: 'John Carter', user_email: JOHN, custom: {} },
    ]);
    expect(Object.values(r.issues).flat()).toEqual([]);
  });
});
