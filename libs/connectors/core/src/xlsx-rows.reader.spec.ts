import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { readExportRows, type ExportRow, type ExportRowsOptions } from './export-rows.reader';
import { daysFromCivil } from './export-values.parser';
import { readExportStream } from './export-stream.reader';
import type { AvroSchema } from './record-schema';
import type { ExportLocation, SourceMessage } from './source.connector';
import { ZipArchive } from './zip-archive.reader';

const FIXTURES = join(__dirname, '..', 'fixtures');
const SCHEMA = JSON.parse(readFileSync(join(FIXTURES, 'schemas', 'sample-contact.avsc'), 'utf8')) as AvroSchema;

async function read(file: string, sheet: string | undefined, options?: ExportRowsOptions): Promise<ExportRow[]> {
  const location: ExportLocation = { file, format: 'xlsx', sheet };
  const out: ExportRow[] = [];
  for await (const row of readExportRows(join(FIXTURES, 'xlsx', file), location, options)) out.push(row);
  return out;
}

const values = (r: ExportRow) => (r.kind === 'row' ? r.values : r.code);

describe('readExportRows (XLSX)', () => {
  it('reads the named sheet with sheet row numbers and plain cell values', async () => {
    const headers: Array<[string[], number]> = [];
    const rows = await read('contacts.xlsx', 'Contacts', { onHeader: (l, n) => headers.push([l, n]) });
    expect(headers).toEqual([[['Id', 'First Name', 'Birthday', 'Updated At', 'Active', 'Visits', 'Amount', 'Probability', 'Website', 'Score', 'Phone', 'Error'], 1]]);
    expect(rows.map((r) => r.line)).toEqual([2, 4, 5, 6]);
    expect(values(rows[0])).toEqual({
      Id: 'x1',
      'First Name': 'Çağla',
      Birthday: new Date(Date.UTC(1990, 2, 15)),
      'Updated At': new Date(Date.UTC(2024, 2, 1, 9, 30)),
      Active: true,
      Visits: 12,
      Amount: 1234.5,
      Probability: '45%',
      Website: 'example.com',
      Score: 24,
      Phone: 5551234567,
      Error: '#N/A',
    });
    expect(values(rows[1])).toMatchObject({ Birthday: new Date(Date.UTC(1985, 11, 31)), 'Updated At': 45352.5, Probability: '12.5%', Score: null });
    expect(values(rows[2])).toMatchObject({ Id: 'x3', column_13: 'beyond the header' });
  });

  it('matches the sheet name without case and resumes at a row', async () => {
    expect((await read('contacts.xlsx', 'contacts', { fromPosition: 5 })).map((r) => r.line)).toEqual([5, 6]);
  });

  it('rejects a missing sheet once, naming the sheets there are', async () => {
    expect(await read('contacts.xlsx', 'Deals')).toEqual([
      {
        kind: 'reject',
        line: 0,
        code: 'BAD_XLSX',
        reason: 'contacts.xlsx: the workbook has no sheet named "Deals" (its sheets: "Notes", "Contacts", "Dupes", "Empty"); nothing was read',
        raw: null,
      },
    ]);
    expect(await read('contacts.xlsx', undefined)).toMatchObject([{ code: 'BAD_XLSX', reason: 'contacts.xlsx: the export location names no sheet to read from the workbook' }]);
  });

  it('stops a sheet whose header names a column twice', async () => {
    expect(await read('contacts.xlsx', 'Dupes')).toMatchObject([{ line: 1, code: 'DUPLICATE_COLUMN', reason: expect.stringMatching(/^contacts\.xlsx sheet "Dupes" row 1: the header names column "name" twice/) }]);
  });

  it('yields nothing for an empty sheet', async () => {
    expect(await read('contacts.xlsx', 'Empty')).toEqual([]);
  });

  it.each(['truncated.xlsx', 'not-a-workbook.xlsx'])('turns a corrupt %s into one BAD_XLSX reject instead of a crash', async (file) => {
    expect(await read(file, 'Contacts')).toEqual([
      {
        kind: 'reject',
        line: 0,
        code: 'BAD_XLSX',
        reason: `${file} sheet "Contacts": the file is not a readable XLSX workbook (not a ZIP archive (no end-of-central-directory record; the file may be cut short)); open it in Excel and save it again as .xlsx`,
        raw: null,
      },
    ]);
  });

  it('turns damaged sheet data into one BAD_XLSX reject', async () => {
    const zip = await ZipArchive.open(join(FIXTURES, 'xlsx', 'contacts.xlsx'));
    const sheet = zip.entries.get('xl/worksheets/sheet2.xml')!;
    const bytes = readFileSync(join(FIXTURES, 'xlsx', 'contacts.xlsx'));
    const nameLength = bytes.readUInt16LE(sheet.localHeader + 26);
    const extraLength = bytes.readUInt16LE(sheet.localHeader + 28);
    const data = sheet.localHeader + 30 + nameLength + extraLength;
    bytes.fill(0xff, data + 20, data + 60);
    const dir = mkdtempSync(join(tmpdir(), 'ferry-xlsx-'));
    try {
      writeFileSync(join(dir, 'damaged.xlsx'), bytes);
      const rows: ExportRow[] = [];
      for await (const r of readExportRows(join(dir, 'damaged.xlsx'), { file: 'damaged.xlsx', format: 'xlsx', sheet: 'Contacts' })) rows.push(r);
      expect(rows[rows.length - 1]).toMatchObject({ kind: 'reject', code: 'BAD_XLSX', reason: expect.stringMatching(/^damaged\.xlsx sheet "Contacts".*: the file is not a readable XLSX workbook \(/) });
      expect(rows.filter((r) => r.kind === 'reject')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('types sheet rows through readExportStream: Date cells, Excel serials, percent cells', async () => {
    const ms: SourceMessage[] = [];
    for await (const m of readExportStream({
      system: 'planports',
      dir: join(FIXTURES, 'xlsx'),
      schema: SCHEMA,
      stream: { name: 'contact', key: 'id', cursor: null, references: [], export: { file: 'contacts.xlsx', format: 'xlsx', sheet: 'Contacts' }, description: 'test' },
      values: 'strict',
    })) {
      ms.push(m);
    }
    expect(ms.map((m) => `${m.type} ${m.type === 'state' ? m.state.position : m.origin.line}`)).toEqual(['record 2', 'record 4', 'record 5', 'reject 6', 'state 7']);
    const [first, second, third, bad] = ms;
    expect(first).toMatchObject({
      record: {
        id: 'x1',
        first_name: 'Çağla',
        birthday: daysFromCivil(1990, 3, 15),
        updated_at: Date.UTC(2024, 2, 1, 9, 30),
        active: true,
        visits: 12,
        amount: '1234.50',
        probability: '45',
        score: 24,
        custom: { Website: 'example.com', Phone: '5551234567', Error: '#N/A' },
      },
      origin: { file: 'contacts.xlsx', line: 2 },
    });
    expect(second).toMatchObject({ record: { birthday: daysFromCivil(1985, 12, 31), updated_at: Date.UTC(2024, 2, 1, 12), active: false, visits: 1234, amount: '99.90', probability: '12.5' } });
    expect(third).toMatchObject({ record: { custom: { column_13: 'beyond the header' } } });
    expect(bad).toMatchObject({
      type: 'reject',
      code: 'BAD_DATE',
      reason: expect.stringMatching(/^contacts\.xlsx sheet "Contacts" row 6: column "Birthday" \(field birthday\) has "not a date", which is not a date/),
      raw: expect.stringContaining('"Birthday":"not a date"'),
    });
  });
});
