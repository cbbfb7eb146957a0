import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readLeaf360Export, type Leaf360ReadItem } from './leaf360-export.reader';
import type { Leaf360Company, Leaf360Contact, Leaf360Deal, Leaf360Object, Leaf360RecordByObject } from './leaf360.records';

const FIXTURES = join(__dirname, '..', 'fixtures');
const fixture = (name: string) => join(FIXTURES, name);
const days = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d) / 86_400_000;

async function readAll<O extends Leaf360Object>(file: string, object: O, fromLine?: number) {
  const items: Leaf360ReadItem<Leaf360RecordByObject[O]>[] = [];
  for await (const item of readLeaf360Export(file, object, { fromLine })) items.push(item);
  return items;
}

const summary = (items: Leaf360ReadItem<unknown>[]) =>
  items.map((i) => (i.kind === 'record' ? `${i.line}:record` : `${i.line}:${i.code}`));

describe('readLeaf360Export on a clean export', () => {
  it('reads companies.csv into exactly the expected records', async () => {
    const items = await readAll(fixture('clean/companies.csv'), 'company');
    const expected: Leaf360Company[] = [
      {
        company_id: 'co_1',
        name: 'Kim, Anderson & Associates',
        domain: 'kimanderson.example',
        phone: '(512) 555-0142',
        industry: 'Mortgage Lending',
        property_address: '1200 Oak St, Suite 210',
        city: 'Austin',
        state: 'TX',
        zip: '78701',
        parent_company_id: 'co_3',
        created_at: Date.UTC(2023, 3, 5, 10, 11, 12, 345),
        updated_at: Date.UTC(2024, 0, 2, 3, 4, 5),
        custom: { nmls_id: '8412893' },
      },
      {
        company_id: 'co_2',
        name: 'Cedar Ridge Home Loans',
        domain: null,
        phone: null,
        industry: null,
        property_address: null,
        city: 'Boston',
        state: 'MA',
        zip: '02118',
        parent_company_id: null,
        created_at: 1680689472000,
        updated_at: null,
        custom: { nmls_id: '' },
      },
      {
        company_id: 'co_3',
        name: 'The "Key" Realty Group',
        domain: 'key.example',
        phone: '+1 303-555-0199',
        industry: 'Real Estate Brokerage',
        property_address: '88 Ocean Dr Apt 4B',
        city: 'Denver',
        state: 'CO',
        zip: '80202-1234',
        parent_company_id: null,
        created_at: Date.UTC(2023, 3, 5),
        updated_at: Date.UTC(2023, 3, 5, 10, 11, 12),
        custom: { nmls_id: '' },
      },
    ];
    expect(items).toEqual(expected.map((record, i) => ({ kind: 'record', line: i + 2, record })));
  });

  it('reads contacts.csv into exactly the expected records, whatever the column order', async () => {
    const items = await readAll(fixture('clean/contacts.csv'), 'contact');
    const expected: Leaf360Contact[] = [
      {
        contact_id: 'ct_1',
        first_name: 'María',
        last_name: 'García-López',
        email: 'maria.garcia@mail.example',
        phone: '(512) 555-0100',
        job_title: 'Borrower',
        company_id: 'co_1',
        loan_officer: 'alicia.moreno@contoso-lending.example',
        loan_status: 'Pre-Approval',
        referral_source: 'Zillow',
        created_at: Date.UTC(2024, 0, 15, 9, 30),
        updated_at: Date.UTC(2024, 1, 1, 6, 30, 0, 500),
        custom: { notes: 'Prefers text, not calls' },
      },
      {
        contact_id: 'ct_2',
        first_name: '美玲',
        last_name: '陈',
        email: null,
        phone: null,
        job_title: 'Co-Borrower',
        company_id: null,
        loan_officer: 'Brian.Okafor@contoso-lending.example',
        loan_status: 'Processing',
        referral_source: null,
        created_at: Date.UTC(2024, 0, 16),
        updated_at: null,
        custom: { notes: '' },
      },
      {
        contact_id: 'ct_3',
        first_name: 'Sunny ☀️',
        last_name: "O'Brien",
        email: 'SUNNY@Inbox.example',
        phone: '303.555.0123',
        job_title: 'Realtor',
        company_id: 'co_3',
        loan_officer: 'frank.lee@oldbroker.example',
        loan_status: 'Referral Partner',
        referral_source: 'Partner',
        created_at: 1705400000000,
        updated_at: Date.UTC(2024, 0, 20),
        custom: { notes: 'Said "call after 5pm"' },
      },
    ];
    expect(items.map((i) => (i.kind === 'record' ? i.record : i))).toEqual(expected);
    expect(items.map((i) => i.line)).toEqual([2, 3, 4]);
  });

  it('reads deals.csv: money to canonical text, dates to days, missing optional values to null', async () => {
    const items = await readAll(fixture('clean/deals.csv'), 'deal');
    const expected: Leaf360Deal[] = [
      {
        deal_id: 'dl_1',
        dealname: 'García-López – 1200 Oak St Purchase',
        loan_amount: '350000.00',
        closedate: days(2024, 6, 30),
        loan_type: 'Conventional',
        preapproval_date: days(2024, 3, 15),
        pipeline: 'Mortgage',
        dealstage: 'Pre-Approval',
        company_id: 'co_1',
        contact_id: 'ct_1',
        loan_officer: 'alicia.moreno@contoso-lending.example',
        created_at: Date.UTC(2024, 0, 20),
        updated_at: Date.UTC(2024, 2, 15),
        custom: { referral_source: 'Zillow' },
      },
      {
        deal_id: 'dl_2',
        dealname: '陈 - Refinance',
        loan_amount: '1250000.50',
        closedate: days(2024, 7, 4),
        loan_type: 'Jumbo',
        // the date as written, not the UTC date of that instant (which is May 2nd)
        preapproval_date: days(2024, 5, 1),
        pipeline: 'Mortgage',
        dealstage: 'Clear to Close',
        company_id: null,
        contact_id: 'ct_2',
        loan_officer: 'grace.hall@oldbroker.example',
        created_at: Date.UTC(2024, 4, 1, 8),
        updated_at: null,
        custom: { referral_source: '' },
      },
      {
        deal_id: 'dl_3',
        dealname: '88 Ocean Dr Apt 4B (Construction)',
        loan_amount: '350000.50',
        closedate: null,
        loan_type: 'FHA',
        preapproval_date: null,
        pipeline: 'Mortgage',
        dealstage: 'Funded',
        company_id: 'co_3',
        contact_id: null,
        loan_officer: null,
        created_at: 1709251200000,
        updated_at: 1719792000000,
        custom: { referral_source: 'Partner' },
      },
      {
        deal_id: 'dl_4',
        dealname: 'Minimal deal',
        loan_amount: null,
        closedate: null,
        loan_type: null,
        preapproval_date: null,
        pipeline: null,
        dealstage: null,
        company_id: null,
        contact_id: null,
        loan_officer: null,
        created_at: null,
        updated_at: null,
        custom: { referral_source: '' },
      },
    ];
    expect(items.map((i) => (i.kind === 'record' ? i.record : i))).toEqual(expected);
  });

  it('reads a BOM, CRLF line ends, a blank line and quoted values spanning lines, numbering rows by where they start', async () => {
    const items = await readAll(fixture('crlf-bom/contacts.csv'), 'contact');
    expect(summary(items)).toEqual(['2:record', '6:record', '7:record']);
    const [first, second, third] = items.map((i) => (i.kind === 'record' ? i : null));
    expect(first?.record).toMatchObject({
      contact_id: 'ct_10',
      email: 'ann.lee@mail.example',
      created_at: Date.UTC(2024, 0, 2),
      custom: { notes: 'Call recap:\r\n- wants 20% down\r\n- closing late June' },
    });
    expect(second?.record).toMatchObject({ contact_id: 'ct_11', first_name: 'Søren', email: null, custom: { notes: 'plain' } });
    expect(third?.record).toMatchObject({ contact_id: 'ct_12', last_name: "D'Angelo, Jr.", custom: { notes: 'line one\r\nline two' } });
  });

  it('skips rows starting before fromLine, including a multi-line row that only ends after it', async () => {
    expect(summary(await readAll(fixture('crlf-bom/contacts.csv'), 'contact', 3))).toEqual(['6:record', '7:record']);
    expect(summary(await readAll(fixture('clean/deals.csv'), 'deal', 4))).toEqual(['4:record', '5:record']);
    expect(await readAll(fixture('clean/deals.csv'), 'deal', 99)).toEqual([]);
  });
});

describe('readLeaf360Export on malformed rows', () => {
  it('rejects a file whose header lacks a required column once, naming the column and the file', async () => {
    const items = await readAll(fixture('cases/companies-missing-column.csv'), 'company');
    expect(items).toEqual([
      {
        kind: 'reject',
        line: 1,
        code: 'MISSING_COLUMN',
        reason: 'companies-missing-column.csv line 1: no column for required field name; the header has company_id, domain, city; rename the column that holds it to "name"; nothing in this file was read',
        raw: null,
      },
    ]);
  });

  it('does not let an unclosed quote swallow the rest of the file', async () => {
    const items = await readAll(fixture('cases/contacts-unclosed-quote.csv'), 'contact');
    expect(summary(items)).toEqual(['2:record', '3:CSV_BAD_QUOTE', '4:record', '5:record', '6:record']);
    expect(items[1]).toEqual({
      kind: 'reject',
      line: 3,
      code: 'CSV_BAD_QUOTE',
      reason: expect.stringMatching(/^contacts-unclosed-quote\.csv line 3: a double quote opened on this line is never closed.*reading went on with line 4$/),
      raw: 'ct_2,"Bob,Smith,bob@mail.example,2024-01-03',
    });
  });

  it('rejects a stray quote and an unclosed one that a later quoted value runs into, one row each', async () => {
    const items = await readAll(fixture('cases/contacts-bad-quote.csv'), 'contact');
    expect(summary(items)).toEqual(['2:CSV_BAD_QUOTE', '3:record', '4:CSV_BAD_QUOTE', '5:record', '6:record']);
    expect(items[0]).toMatchObject({ raw: 'ct_1,Ann,Le"e,ann@mail.example,2024-01-02', reason: expect.stringContaining('a double quote is misplaced') });
    expect(items[3]).toMatchObject({ kind: 'record', record: { contact_id: 'ct_4', last_name: 'Eng, Jr.' } });
  });

  it('rejects rows with too few or too many values', async () => {
    const items = await readAll(fixture('cases/contacts-field-count.csv'), 'contact');
    expect(summary(items)).toEqual(['2:CSV_FIELD_COUNT', '3:record', '4:CSV_FIELD_COUNT', '5:record']);
    expect(items[0]).toMatchObject({ reason: expect.stringMatching(/^contacts-field-count\.csv line 2: the row has 4 values but the header has 5 columns/) });
  });

  it('rejects empty required values, naming the column', async () => {
    const items = await readAll(fixture('cases/deals-missing-value.csv'), 'deal');
    expect(items).toEqual([
      { kind: 'reject', line: 2, code: 'MISSING_VALUE', reason: 'deals-missing-value.csv line 2: required column "dealname" is empty', raw: 'dl_1,,100000' },
      { kind: 'reject', line: 3, code: 'MISSING_VALUE', reason: 'deals-missing-value.csv line 3: required column "deal_id" is empty', raw: '   ,Ghost deal,100000' },
      expect.objectContaining({ kind: 'record', line: 4 }),
    ]);
  });

  it('keeps rows whose optional time it cannot read, emptying it and naming column and value', async () => {
    const items = await readAll(fixture('cases/contacts-bad-date.csv'), 'contact');
    // Ten digits are epoch seconds to the core's parser; impossible days and words are emptied (created_at is optional).
    expect(summary(items)).toEqual(['2:record', '3:record', '4:record', '5:record', '6:record']);
    const issue = (value: string) => [expect.objectContaining({ field: 'created_at', column: 'created_at', code: 'BAD_TIMESTAMP', value, problem: expect.stringMatching(/^which is not a date and time \(expected /) })];
    expect(items[0]).toMatchObject({ line: 2, record: { contact_id: 'ct_1', created_at: null }, issues: issue('31/31/2024') });
    expect(items[2]).toMatchObject({ line: 4, record: { contact_id: 'ct_3', created_at: null }, issues: issue('2023-02-29') });
    expect(items[4]).toMatchObject({ line: 6, record: { contact_id: 'ct_5', created_at: null }, issues: issue('next Tuesday') });
    expect(items[1]).toMatchObject({ record: { created_at: Date.UTC(2024, 1, 29), updated_at: Date.UTC(2024, 2, 1, 10) } });
    expect(items[1]).not.toHaveProperty('issues');
    expect(items[3]).toMatchObject({ record: { contact_id: 'ct_4', updated_at: 1_700_000_000_000 } });
  });

  it('keeps rows whose optional amount it cannot read exactly, emptying it and naming the value', async () => {
    const items = await readAll(fixture('cases/deals-bad-decimal.csv'), 'deal');
    expect(summary(items)).toEqual(['2:record', '3:record', '4:record', '5:record', '6:record']);
    expect(items.map((i) => (i.kind === 'record' ? i.record.loan_amount : null))).toEqual([null, null, null, '350000.50', '-1200.00']);
    expect(items.map((i) => (i.kind === 'record' ? (i.issues ?? []).map((x) => `${x.code} ${x.value}`) : []))).toEqual([
      ['BAD_DECIMAL 35O000'],
      ['BAD_DECIMAL $1,23,456'],
      ['BAD_DECIMAL 350000.505'],
      [],
      [],
    ]);
    expect(items[2]).toMatchObject({ issues: [{ field: 'loan_amount', problem: expect.stringContaining('more than 2 decimal places') }] });
  });

  it('keeps line numbers and resumes correctly from fromLine past a rejected quote', async () => {
    expect(summary(await readAll(fixture('cases/contacts-bad-quote.csv'), 'contact', 4))).toEqual(['4:CSV_BAD_QUOTE', '5:record', '6:record']);
    expect(summary(await readAll(fixture('cases/contacts-unclosed-quote.csv'), 'contact', 4))).toEqual(['4:record', '5:record', '6:record']);
  });
});

describe('readLeaf360Export on odd files', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'leaf360-reader-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('rejects an empty file once', async () => {
    const items = await readAll(write('companies.csv', ''), 'company');
    expect(items).toEqual([
      { kind: 'reject', line: 1, code: 'MISSING_COLUMN', reason: expect.stringContaining('companies.csv is empty'), raw: null },
    ]);
  });

  it('rejects a header naming a column twice', async () => {
    const items = await readAll(write('dup.csv', 'deal_id,dealname,DealName\nd1,a,b\n'), 'deal');
    expect(summary(items)).toEqual(['1:DUPLICATE_COLUMN']);
  });

  it('reads a file without a final newline, with CR-only line ends and with whitespace-only lines', async () => {
    expect(summary(await readAll(write('a.csv', 'deal_id,dealname\nd1,a\n   \nd2,b'), 'deal'))).toEqual(['2:record', '4:record']);
    expect(summary(await readAll(write('b.csv', 'deal_id,dealname\rd1,a\r\rd2,"x\ry"\rd3,c\r'), 'deal'))).toEqual(['2:record', '4:record', '6:record']);
  });

  it('costs only the two bad rows when a later stray quote closes an open one', async () => {
    // The quote opened on line 3 is closed by the stray one on line 5; the run-on row then has the wrong width.
    const file = write('c.csv', 'contact_id,first_name,last_name\nc1,a,b\nc2,"open,b\nc3,a,b\nc4,x",y,z\nc5,a,b\n');
    expect(summary(await readAll(file, 'contact'))).toEqual(['2:record', '3:CSV_BAD_QUOTE', '4:record', '5:CSV_BAD_QUOTE', '6:record']);
  });

  it('recovers from a quote that never closes in a file bigger than the longest row it accepts', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `c${i},first name of contact number ${i},last name of contact ${i}`);
    rows[10] = 'c10,"never closed,last 10';
    const text = `contact_id,first_name,last_name\n${rows.join('\n')}\n`;
    expect(text.length).toBeGreaterThan(1024 * 1024);
    const items = await readAll(write('d.csv', text), 'contact');
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(29_999);
    expect(items.filter((i) => i.kind === 'reject')).toEqual([expect.objectContaining({ line: 12, code: 'CSV_BAD_QUOTE' })]);
    expect(items[items.length - 1]).toMatchObject({ line: 30_001, record: { contact_id: 'c29999' } });
  });

  it('skips a line too long to be a row without buffering it', async () => {
    const file = write('e.csv', `deal_id,dealname\nd1,${'x'.repeat(1_100_000)}\nd2,b\n`);
    expect(summary(await readAll(file, 'deal'))).toEqual(['2:ROW_TOO_LONG', '3:record']);
  });

  it('throws, rather than rejecting rows, when the file cannot be read', async () => {
    await expect(readAll(join(dir, 'missing.csv'), 'deal')).rejects.toThrow(/missing\.csv is missing from .* \(the deal object is read from it\); put the export's missing\.csv there, or leave deal out/);
  });
});
