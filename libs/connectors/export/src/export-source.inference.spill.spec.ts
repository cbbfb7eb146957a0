import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { generateExportSample, inferExportSource, type ExportObject, type ExportSourceDocument } from '@ferry/connectors/export';

/** a file whose reading fails once its rows are read (and spilled) */
let mockFailAfter: string | null = null;
jest.mock('@ferry/connectors/core', () => {
  const core = jest.requireActual<typeof import('@ferry/connectors/core')>('@ferry/connectors/core');
  return {
    ...core,
    readExportRows: async function* (...args: Parameters<typeof core.readExportRows>) {
      yield* core.readExportRows(...args);
      if (mockFailAfter && args[0].endsWith(mockFailAfter)) throw new Error(`${mockFailAfter}: read failed`);
    },
  };
});

/**
 * Past `memoryValues` distinct values a column's values go to disk and are checked by external sort: the
 * answers must be those of reading with unbounded in-memory sets, and nothing may be left on disk.
 */
const fixtures = path.join(__dirname, '..', 'fixtures');
const object = (doc: ExportSourceDocument, name: string): ExportObject => {
  const o = doc.objects.find((x) => x.name === name);
  if (!o) throw new Error(`no object ${name} in ${doc.objects.map((x) => x.name).join(', ')}`);
  return o;
};

describe('inferExportSource past the in-memory sets', () => {
  let dir: string;
  let temp: string;
  // two values in memory, runs of three values on disk: nearly everything goes through the spill and its merges
  const tight = () => ({ memoryValues: 2, spillBuffer: 3, tempDir: temp });
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-infer-spill-'));
    temp = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-infer-temp-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(temp, { recursive: true, force: true });
  });
  const write = (file: string, header: string, rows: string[]) => fs.writeFileSync(path.join(dir, file), `${header}\n${rows.join('\n')}\n`);

  it('finds a column unique past the cap, and a reference by key and one by name whose matches lie past it', async () => {
    write('Accounts.csv', 'Account Id,Account Name', Array.from({ length: 300 }, (_, i) => `A${i},Company ${i}`));
    // contacts name accounts only from the 250th on: every match is a value the in-memory set never held
    write('Contacts.csv', 'Contact Id,Account,Account Name', Array.from({ length: 1200 }, (_, i) => `C${i},A${250 + (i % 50)},Company ${250 + ((i * 7) % 50)}`));
    const doc = await inferExportSource(dir, tight());
    expect(object(doc, 'accounts').key).toEqual(expect.objectContaining({ columns: ['Account Id'], confidence: 0.97 }));
    const contacts = object(doc, 'contacts');
    expect(contacts.key.columns).toEqual(['Contact Id']);
    expect(contacts.key.evidence).toContain('unique and filled in all 1200 rows');
    expect(contacts.references).toEqual([
      expect.objectContaining({ column: 'Account', object: 'accounts', by: 'key', evidence: expect.stringMatching(/^100% of its values/) }),
      expect.objectContaining({ column: 'Account Name', object: 'accounts', by: 'name', targetColumn: 'Account Name' }),
    ]);
    expect(fs.readdirSync(temp)).toEqual([]);
  });

  it('counts one repeated id after the cap: the column is not unique, and is the key only for review', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => `C${i},Person ${i}`);
    rows.push('C377,Person 377 again');
    write('contacts.csv', 'Contact ID,Name', rows);
    const [contacts] = (await inferExportSource(dir, tight())).objects;
    expect(contacts.key).toEqual(expect.objectContaining({ columns: ['Contact ID'], confidence: 0.7, review: true }));
    expect(contacts.key.evidence).toContain('1 row repeats an id of earlier rows');
    // the names repeat nothing: unique, just not named as an id
    expect(contacts.key.evidence).not.toContain('unique and filled in all');
  });

  it('gives a column up where an unbounded set would have: too many repeats at one point, though few in the end', async () => {
    // 1,100 ids, then 60 rows repeating earlier ones (over 5 % of the 1,160 read), then 2,000 new ids:
    // 60 repeats of 3,160 rows (under 2 %) would make a key for review, had the burst not given the column up
    const ids = [...Array.from({ length: 1100 }, (_, i) => i), ...Array.from({ length: 60 }, (_, i) => 1000 + i), ...Array.from({ length: 2000 }, (_, i) => 1100 + i)];
    write('contacts.csv', 'Contact ID,Email', ids.map((id, i) => `C${id},p${i}@example.com`));
    const unbounded = await inferExportSource(dir);
    const spilled = await inferExportSource(dir, { ...tight(), memoryValues: 50, spillBuffer: 100 });
    expect(spilled).toEqual(unbounded);
    expect(spilled.objects[0].key.columns).toEqual(['Email']);
  });

  it('keeps the distinct cap: a column with more distinct values than it is no key', async () => {
    write('contacts.csv', 'Contact ID,Name', Array.from({ length: 100 }, (_, i) => `C${i},Person ${i % 90}`));
    const [contacts] = (await inferExportSource(dir, { ...tight(), distinctCap: 99 })).objects;
    expect(contacts.key.columns).not.toEqual(['Contact ID']);
    const [uncapped] = (await inferExportSource(dir, tight())).objects;
    expect(uncapped.key.columns).toEqual(['Contact ID']);
  });

  it('finds a composite key past the cap, and refuses a combination repeated after it', async () => {
    // the closing date repeats with the deal name, so only the name with the account is unique
    const day = (i: number) => `2024-01-${String(1 + (i % 10)).padStart(2, '0')}`;
    const deals = Array.from({ length: 300 }, (_, i) => `Deal ${i % 100},Company ${Math.floor(i / 100)},${day(i)}`);
    write('Deals.csv', 'Deal Name,Account Name,Closing Date', deals);
    expect(object(await inferExportSource(dir, tight()), 'deals').key.columns).toEqual(['Deal Name', 'Account Name']);
    // deal 242 once more: no pair, nor the three together, is unique
    write('Deals.csv', 'Deal Name,Account Name,Closing Date', [...deals, `Deal 42,Company 2,${day(242)}`]);
    const again = object(await inferExportSource(dir, tight()), 'deals');
    expect(again.key.columns).toEqual(object(await inferExportSource(dir), 'deals').key.columns);
    expect(again.key.columns).not.toEqual(['Deal Name', 'Account Name']);
  });

  it.each(['zoho', 'hubspot', 'salesforce', 'dynamics', 'pipedrive'] as const)('infers the same %s sample as with unbounded sets', async (style) => {
    await generateExportSample({ records: 1500, out: dir, style, seed: 3 });
    const spilled = await inferExportSource(dir, { ...tight(), memoryValues: 20, spillBuffer: 50 });
    expect(spilled).toEqual(await inferExportSource(dir));
    expect(fs.readdirSync(temp)).toEqual([]);
  });

  it('infers the same fixtures as with unbounded sets', async () => {
    for (const f of ['zoho', 'hubspot', 'salesforce', 'dynamics', 'pipedrive', 'json', 'workbook']) {
      expect(await inferExportSource(path.join(fixtures, f), { ...tight(), memoryValues: 1, spillBuffer: 2 })).toEqual(await inferExportSource(path.join(fixtures, f)));
    }
  });

  it('removes its spill when reading fails half way', async () => {
    write('Accounts.csv', 'Account Id,Account Name', Array.from({ length: 50 }, (_, i) => `A${i},Company ${i}`));
    write('Contacts.csv', 'Contact Id,Account', Array.from({ length: 50 }, (_, i) => `C${i},A${i}`));
    mockFailAfter = 'Contacts.csv';
    try {
      await expect(inferExportSource(dir, tight())).rejects.toThrow('Contacts.csv: read failed');
    } finally {
      mockFailAfter = null;
    }
    expect(fs.readdirSync(temp)).toEqual([]);
  });
});
