import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { MAX_ROW_BYTES } from './csv-row.framer';
import { readExportRows, type ExportRow, type ExportRowsOptions } from './export-rows.reader';
import type { ExportLocation } from './source.connector';

const FIXTURES = join(__dirname, '..', 'fixtures', 'csv');

async function read(name: string, options?: ExportRowsOptions, dir = FIXTURES): Promise<ExportRow[]> {
  const location: ExportLocation = { file: name, format: 'csv' };
  const out: ExportRow[] = [];
  for await (const row of readExportRows(join(dir, name), location, options)) out.push(row);
  return out;
}

const brief = (rows: ExportRow[]) => rows.map((r) => (r.kind === 'row' ? `${r.line}:row` : `${r.line}:${r.code}`));

describe('readExportRows (CSV)', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ferry-csv-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('keys values by header label and numbers rows by the physical line they start on', async () => {
    const labels: string[][] = [];
    const rows = await read('contacts-basic.csv', { onHeader: (l) => labels.push(l) });
    expect(labels).toEqual([['Id', 'First Name', 'E-mail Address', 'Notes']]);
    expect(rows).toEqual([
      { kind: 'row', line: 2, values: { Id: 'c1', 'First Name': 'Ada', 'E-mail Address': 'ada@example.com', Notes: 'plain' }, raw: 'c1,Ada,ada@example.com,plain' },
      { kind: 'row', line: 3, values: { Id: 'c2', 'First Name': 'Grace', 'E-mail Address': 'grace@example.com', Notes: 'two\nlines' }, raw: 'c2,Grace,grace@example.com,"two\nlines"' },
      { kind: 'row', line: 6, values: { Id: 'c3', 'First Name': 'Linus "LT"', 'E-mail Address': 'linus@example.com', Notes: 'a, b' }, raw: 'c3,"Linus ""LT""",linus@example.com,"a, b"' },
      { kind: 'row', line: 7, values: { Id: 'c4', 'First Name': 'Margaret', 'E-mail Address': '', Notes: '' }, raw: 'c4,Margaret,,' },
    ]);
  });

  it('skips a byte-order mark and reads CRLF and CR-only files like LF ones', async () => {
    for (const name of ['contacts-bom-crlf.csv', 'contacts-cr.csv']) {
      const rows = await read(name);
      expect(brief(rows)).toEqual(['2:row', '3:row', '5:row']);
      const values = rows.map((r) => (r.kind === 'row' ? r.values : null));
      expect(values[0]).toEqual({ Id: 'c1', 'First Name': 'Ada', 'E-mail Address': 'ada@example.com', Notes: 'plain' });
      expect((values[1] as Record<string, string>).Notes).toMatch(/^two\r?\n?lines$/);
      expect((values[1] as Record<string, string>).Notes.replace(/\r\n?/g, '\n')).toBe('two\nlines');
    }
  });

  it.each([
    ['deals-semicolon.csv', { Id: 'd2', Name: 'Öztürk; Partners', Amount: 'TRY 1.500,00', 'Close Date': '01.04.2024' }],
    ['deals-tab.tsv', { Id: 'd2', Name: 'Globex', Amount: '-$5', 'Close Date': '15/3/2024' }],
    ['deals-pipe.csv', { Id: 'd2', Name: 'Globex, Ltd', Amount: '0', 'Close Date': '2024-03-16' }],
  ])('sniffs the delimiter of %s', async (name, second) => {
    const rows = await read(name);
    expect(rows.every((r) => r.kind === 'row')).toBe(true);
    expect((rows[1] as Extract<ExportRow, { kind: 'row' }>).values).toEqual(second);
  });

  it('reads Windows-1252 when the bytes are not UTF-8, and UTF-8 otherwise', async () => {
    const cp = await read('contacts-windows-1252.csv');
    expect(cp.map((r) => (r.kind === 'row' ? [r.values['First Name'], r.values['Last Name'], r.values.Notes] : r.code))).toEqual([
      ['Jürgen', 'Müller', 'Spende 50 €'],
      ['Çelik', 'Gärtner', 'Café, crème brûlée'],
      ['Zoë', 'Ñúñez', '“quoted” – dash'],
    ]);
    expect(cp[0].raw).toBe('c1;Jürgen;Müller;Spende 50 €');
    const utf8 = await read('contacts-utf8-turkish.csv');
    expect(utf8.map((r) => (r.kind === 'row' ? r.values['First Name'] : r.code))).toEqual(['Çağla', 'Jürgen']);
  });

  it('reads the encoding it is told to', async () => {
    const rows = await read('contacts-utf8-turkish.csv', { encoding: 'windows-1252' });
    expect((rows[0] as Extract<ExportRow, { kind: 'row' }>).values['First Name']).toBe('Ã‡aÄŸla');
  });

  it('rejects a row with bytes that are not UTF-8 when the start of the file is', async () => {
    const head = 'Id,Name\n' + 'x,plain\n'.repeat(9000);
    writeFileSync(join(tmp, 'late-latin1.csv'), Buffer.concat([Buffer.from(head), Buffer.from('y,M\xfcller\nz,ok\n', 'latin1')]));
    const rows = await read('late-latin1.csv', { fromPosition: 9000 }, tmp);
    expect(brief(rows)).toEqual(['9000:row', '9001:row', '9002:BAD_ENCODING', '9003:row']);
    expect(rows[2]).toMatchObject({ reason: expect.stringMatching(/^late-latin1\.csv line 9002: the row holds bytes that are not UTF-8/) });
  });

  it('rejects each malformed row once, naming file and line, and reads on', async () => {
    const rows = await read('contacts-malformed.csv');
    expect(brief(rows)).toEqual(['2:row', '3:CSV_BAD_QUOTE', '4:CSV_FIELD_COUNT', '5:CSV_FIELD_COUNT', '6:CSV_BAD_QUOTE', '7:row']);
    const reasons = rows.flatMap((r) => (r.kind === 'reject' ? [r.reason] : []));
    expect(reasons[0]).toMatch(/^contacts-malformed\.csv line 3: a double quote is misplaced/);
    expect(reasons[1]).toBe(
      'contacts-malformed.csv line 4: the row has 5 values but the header has 4 columns (an unquoted comma inside a value, or a missing or extra one); the row was skipped',
    );
    expect(reasons[3]).toMatch(/^contacts-malformed\.csv line 6: a double quote opened on this line is never closed/);
    expect(rows[1].raw).toBe('c2,Gr"ace,grace@example.com,misplaced quote');
  });

  it('reads a quoted header and the rows behind it in order', async () => {
    writeFileSync(join(tmp, 'quoted-header.csv'), '"Id","Full ""Name"""\nc1,plain\n"c2","quoted"\nc3,"multi\nline"\nc4,last\n');
    const rows = await read('quoted-header.csv', {}, tmp);
    expect(rows.map((r) => (r.kind === 'row' ? [r.line, r.values] : r.code))).toEqual([
      [2, { Id: 'c1', 'Full "Name"': 'plain' }],
      [3, { Id: 'c2', 'Full "Name"': 'quoted' }],
      [4, { Id: 'c3', 'Full "Name"': 'multi\nline' }],
      [6, { Id: 'c4', 'Full "Name"': 'last' }],
    ]);
  });

  it('rejects a header whose quote never closes, and nothing else', async () => {
    writeFileSync(join(tmp, 'bad-header.csv'), 'Id,"Name\nc1,a\n');
    expect(await read('bad-header.csv', {}, tmp)).toEqual([
      {
        kind: 'reject',
        line: 1,
        code: 'CSV_BAD_QUOTE',
        reason: 'bad-header.csv line 1: the header row has a misplaced or unclosed double quote, so its columns cannot be read; nothing in this file was read',
        raw: 'Id,"Name',
      },
    ]);
  });

  it('stops at a header naming a column twice', async () => {
    const rows = await read('contacts-duplicate-header.csv');
    expect(rows).toEqual([
      {
        kind: 'reject',
        line: 1,
        code: 'DUPLICATE_COLUMN',
        reason:
          'contacts-duplicate-header.csv line 1: the header names column "first name" twice (columns 2 and 3), so its values are ambiguous; rename or remove one; nothing in this file was read',
        raw: 'Id,First Name,first name,Notes',
      },
    ]);
  });

  it('yields nothing for an empty file or a header alone', async () => {
    expect(await read('empty.csv')).toEqual([]);
    const labels: string[][] = [];
    expect(await read('contacts-header-only.csv', { onHeader: (l) => labels.push(l) })).toEqual([]);
    expect(labels).toEqual([['Id', 'First Name']]);
  });

  it('resumes at a line, still reading the header first', async () => {
    const rows = await read('contacts-basic.csv', { fromPosition: 4 });
    expect(brief(rows)).toEqual(['6:row', '7:row']);
    expect(await read('contacts-malformed.csv', { fromPosition: 5 }).then(brief)).toEqual(['5:CSV_FIELD_COUNT', '6:CSV_BAD_QUOTE', '7:row']);
  });

  it('refuses a row over the 1 MiB cap and goes on with the next', async () => {
    writeFileSync(join(tmp, 'long.csv'), `Id,Notes\na,${'z'.repeat(MAX_ROW_BYTES + 10)}\nb,short\nc,"${'q'.repeat(MAX_ROW_BYTES)}"\nd,end\n`);
    const rows = await read('long.csv', {}, tmp);
    expect(brief(rows)).toEqual(['2:ROW_TOO_LONG', '3:row', '4:ROW_TOO_LONG', '5:row']);
    expect(rows[0]).toMatchObject({ reason: 'long.csv line 2: the row is longer than 1 MiB; it was skipped' });
    expect(rows[0].raw!.length).toBeLessThanOrEqual(16 * 1024);
  });

  it('reads rows across chunk boundaries exactly, quoted and multi-line ones included', async () => {
    const lines = ['id;text;n'];
    const expected: Array<[number, string]> = [];
    let line = 2;
    for (let i = 0; i < 20000; i++) {
      const text = i % 7 === 0 ? `"multi\nline ""${i}"";x"` : i % 5 === 0 ? `"quoted ${i}"` : `plain ${i}`;
      lines.push(`r${i};${text};${i}`);
      expected.push([line, text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text]);
      line += i % 7 === 0 ? 2 : 1;
    }
    writeFileSync(join(tmp, 'big.csv'), lines.join('\n') + '\n');
    const rows = await read('big.csv', {}, tmp);
    expect(rows.map((r) => (r.kind === 'row' ? [r.line, r.values.text] : [r.line, r.code]))).toEqual(expected);
  });
});
