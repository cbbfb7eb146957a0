import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inferExportSource, type ExportObject, type ExportSourceDocument } from '@ferry/connectors/export';

const fixtures = path.join(__dirname, '..', 'fixtures');
const object = (doc: ExportSourceDocument, name: string): ExportObject => {
  const o = doc.objects.find((x) => x.name === name);
  if (!o) throw new Error(`no object ${name} in ${doc.objects.map((x) => x.name).join(', ')}`);
  return o;
};
const field = (o: ExportObject, column: string) => o.fields.find((f) => f.column === column)!;

describe('inferExportSource: a Zoho-style CSV export', () => {
  let doc: ExportSourceDocument;
  beforeAll(async () => {
    doc = await inferExportSource(path.join(fixtures, 'zoho'));
  });

  it('makes one object per file, named from the file', () => {
    expect(doc.objects.map((o) => [o.name, o.file, o.format, o.rows])).toEqual([
      ['accounts', 'Accounts.csv', 'csv', 8],
      ['contacts', 'Contacts.csv', 'csv', 10],
      ['deals', 'Deals.csv', 'csv', 10],
      ['users', 'Users.csv', 'csv', 4],
    ]);
    expect(doc.displayName).toBe('zoho');
  });

  it('keys an object by its unique, filled id column, sure of it', () => {
    const accounts = object(doc, 'accounts');
    expect(accounts.key.columns).toEqual(['Record Id']);
    expect(accounts.key.confidence).toBeGreaterThanOrEqual(0.9);
    expect(accounts.key.review).toBe(false);
    expect(accounts.key.evidence).toContain('unique and filled in all 8 rows');
  });

  it('keys deals, which have no id column, by a composite natural key marked for review (not by the unique amounts)', () => {
    const deals = object(doc, 'deals');
    expect(deals.key.columns).toEqual(['Deal Name', 'Account Name']);
    expect(deals.key.review).toBe(true);
    expect(deals.key.evidence).toContain('ferry_key is a hash of them');
  });

  it('finds references by display name to the object whose name column holds them', () => {
    expect(object(doc, 'contacts').references).toEqual([
      expect.objectContaining({ column: 'Account Name', object: 'accounts', by: 'name', targetColumn: 'Account Name', review: false }),
    ]);
    expect(object(doc, 'deals').references).toEqual([expect.objectContaining({ column: 'Account Name', object: 'accounts', by: 'name' })]);
    // no contact name column to match deals' Contact Name against: nothing is guessed
    expect(object(doc, 'deals').references.some((r) => r.column === 'Contact Name')).toBe(false);
  });

  it('finds owners given as full names (matched to the users file) and as emails', () => {
    expect(object(doc, 'contacts').owner).toEqual(
      expect.objectContaining({ column: 'Contact Owner', by: 'name', users: { object: 'users', match: 'Full Name', email: 'Email' }, review: false }),
    );
    expect(object(doc, 'deals').owner).toEqual(expect.objectContaining({ column: 'Deal Owner', by: 'email' }));
    expect(object(doc, 'deals').owner!.evidence).toContain('100% of them are in users.Email');
    expect(object(doc, 'users').users).toBe(true);
    expect(object(doc, 'users').owner).toBeNull();
  });

  it('types columns from their values: timestamps, dates, money, flags; ZIP codes with leading zeros stay text', () => {
    const accounts = object(doc, 'accounts');
    const contacts = object(doc, 'contacts');
    const deals = object(doc, 'deals');
    expect(field(accounts, 'Created Time').type).toBe('timestamp');
    expect(field(accounts, 'Billing Code').type).toBe('string');
    expect(field(deals, 'Closing Date').type).toBe('date');
    expect(field(deals, 'Amount')).toEqual(expect.objectContaining({ type: 'money', seen: 'money' }));
    expect(field(contacts, 'Newsletter Opt In').type).toBe('boolean');
    expect(field(contacts, 'Email')).toEqual(expect.objectContaining({ field: 'email', type: 'string', seen: 'email' }));
    // a reference column stays text: its values are matched to keys
    expect(field(contacts, 'Account Name').type).toBe('string');
  });

  it('flags columns most CRMs do not have as custom fields, saying so', () => {
    const accounts = object(doc, 'accounts');
    expect(field(accounts, 'Customer Tier')).toEqual(expect.objectContaining({ custom: true, evidence: expect.stringContaining('custom field') }));
    expect(field(accounts, 'Account Name').custom).toBe(false);
    expect(field(object(doc, 'contacts'), 'Newsletter Opt In').custom).toBe(true);
  });
});

describe('inferExportSource: other formats', () => {
  it('reads one object per sheet of a workbook, with references by id and Excel dates', async () => {
    const doc = await inferExportSource(path.join(fixtures, 'workbook'));
    expect(doc.objects.map((o) => [o.name, o.sheet, o.rows])).toEqual([
      ['companies', 'Companies', 4],
      ['people', 'People', 5],
    ]);
    const people = object(doc, 'people');
    expect(people.key.columns).toEqual(['Person ID']);
    expect(people.references).toEqual([expect.objectContaining({ column: 'Company ID', object: 'companies', by: 'key' })]);
    expect(field(people, 'Company ID').type).toBe('string');
    expect(field(people, 'Score').type).toBe('double');
    expect(field(people, 'Active').type).toBe('boolean');
    const companies = object(doc, 'companies');
    expect(field(companies, 'Founded').type).toBe('date');
    // four values are too few to be sure of a type: marked for review
    expect(field(companies, 'Employees')).toEqual(expect.objectContaining({ type: 'long', review: true }));
  });

  it('reads a JSON export holding its array in a property, and NDJSON', async () => {
    const doc = await inferExportSource(path.join(fixtures, 'json'));
    const tickets = object(doc, 'tickets');
    expect(tickets).toEqual(expect.objectContaining({ format: 'json', arrayPath: 'data', rows: 3 }));
    expect(tickets.key.columns).toEqual(['ticket_no']);
    expect(tickets.references).toEqual([expect.objectContaining({ column: 'customer_email', object: 'customers', by: 'key' })]);
    const customers = object(doc, 'customers');
    expect(customers.format).toBe('ndjson');
    // unique emails in two rows: a guess a person must confirm
    expect(customers.key).toEqual(expect.objectContaining({ columns: ['email'], review: true }));
  });

  it('leaves out, and lists with why, files that hold no records; Ferry\'s own files are not objects', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-infer-skip-'));
    fs.writeFileSync(path.join(dir, 'Leads.csv'), 'Lead Id,Name\r\nL1,Ada\r\nL2,Bob\r\n');
    fs.writeFileSync(path.join(dir, 'Empty.csv'), 'Lead Id,Name\r\n');
    fs.writeFileSync(path.join(dir, 'settings.json'), '{"theme": "dark", "size": 3}');
    fs.writeFileSync(path.join(dir, 'discovery.json'), '[{"a": 1}]');
    const doc = await inferExportSource(dir);
    expect(doc.objects.map((o) => o.name)).toEqual(['leads']);
    expect(doc.skipped).toEqual([
      { file: 'settings.json', reason: 'neither a JSON array of records nor an object holding one' },
      { file: 'Empty.csv', reason: 'no rows' },
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps an id column that a few repeated rows make not quite unique as the key, for review', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-infer-repeat-'));
    const rows = Array.from({ length: 60 }, (_, i) => `C${i + 1},Name ${i + 1}`);
    rows.push('C7,Name 7');
    fs.writeFileSync(path.join(dir, 'contacts.csv'), `Contact ID,Name\n${rows.join('\n')}\n`);
    const [contacts] = (await inferExportSource(dir)).objects;
    expect(contacts.key).toEqual(expect.objectContaining({ columns: ['Contact ID'], confidence: 0.7, review: true }));
    expect(contacts.key.evidence).toContain('1 row repeats an id of earlier rows');
    expect(contacts.key.evidence).not.toContain('quarantined');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a folder with no export file in one line', async () => {
    await expect(inferExportSource(path.join(fixtures, '..', 'src'))).rejects.toThrow(/holds no \.csv, \.xlsx, \.json or \.ndjson file with records/);
  });
});

describe('inferExportSource: rows shifted into a column', () => {
  it('weighs matches by how often each value occurs, so shifted rows neither hide an owner nor make a reference', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-infer-shifted-'));
    const owners = ['Ayşe Demir', 'John Carter', 'María López'];
    const accounts = Array.from({ length: 60 }, (_, i) => `Company ${i + 1}`);
    fs.writeFileSync(path.join(dir, 'Users.csv'), `User Id,Full Name,Email\n${owners.map((o, i) => `u${i},${o},user${i}@northwind.example`).join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'Accounts.csv'), `Account Id,Account Name\n${accounts.map((a, i) => `a${i},${a}`).join('\n')}\n`);
    // 600 contacts owned by three people; in 40 rows, shifted, the owner column holds an account's name instead
    const rows = Array.from({ length: 600 }, (_, i) => (i % 15 === 7 ? `c${i},,Person ${i},${accounts[Math.floor(i / 15)]}` : `c${i},Person ${i},${accounts[i % 60]},${owners[i % 3]}`));
    fs.writeFileSync(path.join(dir, 'Contacts.csv'), `Contact Id,Full Name,Account Name,Contact Owner\n${rows.join('\n')}\n`);
    try {
      const contacts = object(await inferExportSource(dir), 'contacts');
      expect(contacts.owner).toEqual(expect.objectContaining({ column: 'Contact Owner', by: 'name', review: false }));
      expect(contacts.owner!.evidence).toMatch(/^93% of its values \(43 distinct compared\) match users\.Full Name/);
      expect(contacts.references.map((r) => `${r.column} → ${r.object}`)).toEqual(['Account Name → accounts']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
