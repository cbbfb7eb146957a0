import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as avro from 'avsc';
import { parse } from 'csv-parse/sync';
import * as ExcelJS from 'exceljs';
import { ExportFileMissingError, type RecordMessage, type RejectMessage, type SourceMessage } from '@ferry/connectors/core';
import { PlanportsConnector, planportsLayout } from './planports.connector';
import { PLANPORTS_EXPORT_FILE, PLANPORTS_SHEETS } from './planports.catalog';
import { planportsFields, planportsSchema } from './planports.schema';

const FIXTURES = join(__dirname, '..', 'fixtures');
const connector = new PlanportsConnector();
const exported = connector.streams().filter((s) => s.export);

async function readAll(dir: string, stream: string): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream)) out.push(m);
  return out;
}

const recordsOf = (messages: SourceMessage[]) => messages.filter((m): m is RecordMessage => m.type === 'record').map((m) => m.record);
const rejectsOf = (messages: SourceMessage[]) => messages.filter((m): m is RejectMessage => m.type === 'reject');

let scratch: string;
beforeAll(() => (scratch = mkdtempSync(join(tmpdir(), 'planports-connector-'))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a fixture folder that a test may break. */
function copyOf(fixture: string, name: string): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(join(FIXTURES, fixture))) copyFileSync(join(FIXTURES, fixture, f), join(dir, f));
  return dir;
}

describe('the clean fixture (a CSV drop, every exported object)', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'clean.expected.json'), 'utf8')) as Record<string, Record<string, unknown>[]>;
  const dir = join(FIXTURES, 'clean');

  it('covers every exported object', () => {
    expect(Object.keys(expected).sort()).toEqual(exported.map((s) => s.name).sort());
    expect(planportsLayout(dir)).toBe('csv');
  });

  it.each(exported.map((s) => s.name))('%s reads as exactly the expected records, with no rejects', async (stream) => {
    const messages = await readAll(dir, stream);
    expect(rejectsOf(messages)).toEqual([]);
    expect(recordsOf(messages)).toEqual(expected[stream]);
    const last = messages[messages.length - 1];
    expect(last).toMatchObject({ type: 'state', stream, state: { complete: true } });
  });

  it('gives records that validate against their Avro schema', async () => {
    for (const s of exported) {
      const type = avro.Type.forSchema(planportsSchema(s.name) as avro.Schema);
      for (const record of recordsOf(await readAll(dir, s.name))) {
        const problems: string[] = [];
        type.isValid(record, { errorHook: (path) => problems.push(path.join('.')) });
        expect({ stream: s.name, problems }).toEqual({ stream: s.name, problems: [] });
      }
    }
  });

  it('passes checkExport', async () => {
    await expect(connector.checkExport(dir)).resolves.toEqual({ ok: true, problems: [] });
  });

  it('round-trips every record through the API shape', async () => {
    for (const s of exported) {
      for (const record of expected[s.name]) {
        expect(connector.fromApiItem(s.name, connector.toApiItem(s.name, record))).toEqual({ record });
      }
    }
  });
});

describe('the clean fixture as an Excel workbook', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'clean.expected.json'), 'utf8')) as Record<string, Record<string, unknown>[]>;
  let dir: string;

  /** The CSV drop as planports-export.xlsx: plain counts become number cells and UTC times real date cells. */
  beforeAll(async () => {
    dir = join(scratch, 'workbook');
    mkdirSync(dir, { recursive: true });
    const wb = new ExcelJS.Workbook();
    for (const s of exported) {
      const sheet = PLANPORTS_SHEETS[s.name];
      const rows = parse(readFileSync(join(FIXTURES, 'clean', sheet.csv)), { bom: true }) as string[][];
      const kinds = new Map(planportsFields(s.name).map((f) => [f.name, f.kind]));
      const fieldAt = rows[0].map((label) => sheet.headers.find(([l]) => l === label)?.[1]);
      const ws = wb.addWorksheet(sheet.sheet);
      ws.addRow(rows[0]);
      for (const cells of rows.slice(1)) {
        const row = ws.addRow(
          cells.map((text, i) => {
            const kind = kinds.get(fieldAt[i] ?? '');
            if ((kind === 'int' || kind === 'long') && /^\d+$/.test(text)) return Number(text);
            if (kind === 'timestamp' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(text)) return new Date(text);
            return text;
          }),
        );
        row.eachCell((cell) => {
          if (cell.value instanceof Date) cell.numFmt = 'dd.mm.yyyy hh:mm:ss';
        });
      }
    }
    await wb.xlsx.writeFile(join(dir, PLANPORTS_EXPORT_FILE));
  });

  it('reads as the same records, sheet by sheet', async () => {
    expect(planportsLayout(dir)).toBe('xlsx');
    await expect(connector.checkExport(dir)).resolves.toEqual({ ok: true, problems: [] });
    for (const s of exported) {
      const messages = await readAll(dir, s.name);
      expect({ stream: s.name, rejects: rejectsOf(messages) }).toEqual({ stream: s.name, rejects: [] });
      expect({ stream: s.name, records: recordsOf(messages) }).toEqual({ stream: s.name, records: expected[s.name] });
    }
  });

  it('names a missing worksheet in checkExport', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, PLANPORTS_EXPORT_FILE));
    wb.removeWorksheet(wb.getWorksheet(PLANPORTS_SHEETS.order.sheet)!.id);
    const broken = join(scratch, 'no-orders-sheet');
    mkdirSync(broken, { recursive: true });
    await wb.xlsx.writeFile(join(broken, PLANPORTS_EXPORT_FILE));
    const result = await connector.checkExport(broken);
    expect(result.problems).toEqual([expect.stringMatching(/planports-export\.xlsx: the workbook has no sheet named "Orders"/)]);
  });
});

describe('the malformed fixture', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'malformed.expected.json'), 'utf8')) as {
    quarantine: Array<{ stream: string; line: number; code: string }>;
    /** bad values in optional columns: the row is read with the field empty and the value in its issues */
    emptied: Array<{ stream: string; line: number; field: string; code: string; value: string }>;
    records: Record<string, number>;
  };
  const dir = join(FIXTURES, 'malformed');

  it('quarantines exactly the broken rows, each with its line and code, and reads every other row', async () => {
    const got: typeof expected.quarantine = [];
    for (const stream of Object.keys(expected.records)) {
      const messages = await readAll(dir, stream);
      got.push(...rejectsOf(messages).map((r) => ({ stream, line: r.origin.line!, code: r.code })));
      expect({ stream, records: recordsOf(messages).length }).toEqual({ stream, records: expected.records[stream] });
    }
    expect(got).toEqual(expected.quarantine);
  });

  it('keeps the rows whose bad value is in an optional column, emptying it and listing it with file, line, column and value', async () => {
    const got: typeof expected.emptied = [];
    for (const stream of Object.keys(expected.records)) {
      for (const m of await readAll(dir, stream)) {
        if (m.type !== 'record') continue;
        for (const i of m.issues ?? []) {
          got.push({ stream, line: m.origin.line!, field: i.field, code: i.code, value: i.value });
          expect(m.record[i.field]).toBeNull();
        }
      }
    }
    expect(got).toEqual(expected.emptied);
    const deals = (await readAll(dir, 'deal')).filter((m): m is RecordMessage => m.type === 'record');
    expect(deals[0]).toMatchObject({ origin: { file: 'deals.csv', line: 2 }, record: { deal_id: 'dl_101', amount: null }, issues: [{ column: 'Amount', field: 'amount', value: '₺1.50.0,00' }] });
  });

  it('names the file, the line, the column and the value in every reason', async () => {
    const reasons = rejectsOf(await readAll(dir, 'contact')).map((r) => r.reason);
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toBe('contacts.csv line 3: required column "Contact ID" (field contact_id) is empty');
    for (const r of reasons) expect(r).toMatch(/^contacts\.csv line \d+: /);
  });

  it('makes checkExport list each broken or missing file on its own line', async () => {
    const result = await connector.checkExport(dir);
    expect(result.ok).toBe(false);
    const about = (file: string) => result.problems.filter((p) => p.includes(file));
    expect(about('users.csv')).toEqual([expect.stringMatching(/^users\.csv line 1: no column for required field user_id \(the key of user records\); the header has E-mail, .*; rename the column that holds it to "User ID" or "user_id"$/)]);
    expect(about('notes.csv')).toEqual([expect.stringMatching(/notes\.csv line 1: the header names column "note" twice/)]);
    expect(about('contacts.csv')).toEqual([]);
    expect(about('pipelines.csv')).toEqual([expect.stringMatching(/^pipelines\.csv is missing from .* \(the pipeline object is read from it\); put the export's pipelines\.csv there, or leave pipeline out$/)]);
    for (const p of result.problems) expect(p).not.toContain('\n');
  });
});

describe('a value the export cannot hold', () => {
  it('empties a bad optional date or number and keeps the contact, naming file, line, column and value; a blank or placeholder key still quarantines', async () => {
    const dir = join(scratch, 'bad-values');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'contacts.csv'),
      [
        'Contact ID,First Name,Date of Birth,WhatsApp Messages,Created At',
        'ct_1,Elif,"16 Apr, 2021 00:02:00",3,2024-05-01T10:00:00Z',
        'ct_2,Mert,31.04.1990,çok,2024-05-01T10:00:00Z',
        'N/A,Ayşe,1990-01-01,1,2024-05-01T10:00:00Z',
        ',Can,1990-01-01,1,2024-05-01T10:00:00Z',
        '',
      ].join('\r\n'),
    );
    const messages = await readAll(dir, 'contact');
    expect(messages[0]).toMatchObject({ type: 'record', record: { contact_id: 'ct_1', birth_date: 18733, whatsapp_message_count: 3 } });
    expect(messages[0]).not.toHaveProperty('issues');
    expect(messages[1]).toMatchObject({
      type: 'record',
      origin: { file: 'contacts.csv', line: 3 },
      record: { contact_id: 'ct_2', first_name: 'Mert', birth_date: null, whatsapp_message_count: null },
      issues: [
        { field: 'birth_date', column: 'Date of Birth', code: 'BAD_DATE', value: '31.04.1990' },
        { field: 'whatsapp_message_count', column: 'WhatsApp Messages', code: 'BAD_NUMBER', value: 'çok' },
      ],
    });
    expect(rejectsOf(messages).map((r) => [r.origin, r.code, r.reason])).toEqual([
      [{ file: 'contacts.csv', line: 4 }, 'MISSING_VALUE', 'contacts.csv line 4: required column "Contact ID" (field contact_id) holds the placeholder "N/A", not a value'],
      [{ file: 'contacts.csv', line: 5 }, 'MISSING_VALUE', 'contacts.csv line 5: required column "Contact ID" (field contact_id) is empty'],
    ]);
  });
});

describe('checkExport', () => {
  it('reports a folder with no export at all in one line', async () => {
    const empty = join(scratch, 'empty');
    mkdirSync(empty, { recursive: true });
    const result = await connector.checkExport(empty);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.stringContaining(PLANPORTS_EXPORT_FILE)]);
  });

  it('names a reference column the header lost', async () => {
    const dir = copyOf('clean', 'no-owner');
    const file = join(dir, PLANPORTS_SHEETS.deal.csv);
    const lines = readFileSync(file, 'utf8').split('\r\n');
    // Rename the "Owner ID" header so it lands in custom instead of owner_id.
    lines[0] = lines[0].replace('Owner ID', 'Sorumlu');
    writeFileSync(file, lines.join('\r\n'));
    const result = await connector.checkExport(dir);
    expect(result.problems).toEqual([expect.stringMatching(/^deals\.csv line 1: no column for required field owner_id \(the user each deal belongs to\); the header has Deal ID, .*; rename the column that holds it to "Owner ID" or "owner_id"$/)]);
  });
});

describe('readExport', () => {
  it('refuses an API-only stream, naming it', async () => {
    await expect(readAll(join(FIXTURES, 'clean'), 'workflow_automation')).rejects.toThrow(/workflow_automation.*no place in an export/);
  });

  it('refuses an unknown stream', () => {
    expect(() => connector.readExport(join(FIXTURES, 'clean'), 'company')).toThrow(/Planports has no stream "company"/);
  });

  it('reports a missing file under the name of the file it looked for', async () => {
    const dir = copyOf('clean', 'no-quotes');
    rmSync(join(dir, PLANPORTS_SHEETS.quote.csv));
    await expect(readAll(dir, 'quote')).rejects.toBeInstanceOf(ExportFileMissingError);
    await expect(readAll(dir, 'quote')).rejects.toThrow(/quotes\.csv is missing from .* \(the quote object is read from it\); put the export's quotes\.csv there, or leave quote out/);
  });

  it('reads and checks per-object CSV files whose names differ in case', async () => {
    const dir = copyOf('clean', 'capitalised');
    for (const name of readdirSync(dir)) if (name.endsWith('.csv')) renameSync(join(dir, name), join(dir, name[0].toUpperCase() + name.slice(1)));
    expect(planportsLayout(dir)).toBe('csv');
    expect(await connector.checkExport(dir)).toEqual({ ok: true, problems: [] });
    expect(recordsOf(await readAll(dir, 'contact'))).toEqual(recordsOf(await readAll(join(FIXTURES, 'clean'), 'contact')));
  });

  it('resumes after the last state it was given', async () => {
    const dir = join(FIXTURES, 'clean');
    const all = recordsOf(await readAll(dir, 'contact'));
    const first: SourceMessage[] = [];
    for await (const m of connector.readExport(dir, 'contact', { stateEvery: 2 })) first.push(m);
    const state = first.find((m) => m.type === 'state');
    if (state?.type !== 'state') throw new Error('expected a state message after two rows');
    const rest: SourceMessage[] = [];
    for await (const m of connector.readExport(dir, 'contact', { state: state.state })) rest.push(m);
    expect(recordsOf(rest)).toEqual(all.slice(2));
  });
});

describe('streams()', () => {
  it('hands out copies the caller may change', () => {
    const a = connector.streams();
    a[0].references.push({ field: 'x', object: 'y' });
    expect(connector.streams()[0].references).toEqual([]);
  });
});
