import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FerryError } from '@ferry/common';
import { ExportFileMissingError, PreparedReject, readExportStream, type ReadExportStreamArgs } from './export-stream.reader';
import { nearestName } from './export-file.problems';
import type { AvroSchema } from './record-schema';
import type { RejectMessage, SourceMessage, StateMessage, StreamDefinition } from './source.connector';

const FIXTURES = join(__dirname, '..', 'fixtures');
const SCHEMA = JSON.parse(readFileSync(join(FIXTURES, 'schemas', 'sample-contact.avsc'), 'utf8')) as AvroSchema;

function stream(file: string, extra: Partial<StreamDefinition> = {}): StreamDefinition {
  return {
    name: 'contact',
    key: 'id',
    cursor: 'updated_at',
    references: [],
    export: { file, format: 'csv' },
    description: 'test contacts',
    ...extra,
  };
}

async function collect(args: Partial<ReadExportStreamArgs> & { stream: StreamDefinition }): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of readExportStream({ system: 'leaf360', dir: join(FIXTURES, 'csv'), schema: SCHEMA, ...args })) out.push(m);
  return out;
}

const brief = (ms: SourceMessage[]) =>
  ms.map((m) => (m.type === 'record' ? `record ${m.origin.line}` : m.type === 'reject' ? `reject ${m.origin.line} ${m.code}` : `state ${m.state.position}${m.state.complete ? ' complete' : ''}`));

describe('readExportStream', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ferry-stream-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('reads a declared Windows-1252 export even when its first 64 KiB are plain ASCII', async () => {
    const ascii = Array.from({ length: 8000 }, (_, i) => `c${i},Plain${i}`).join('\r\n');
    const late = Buffer.from('c9999,M\xfcller \x80\r\n', 'latin1');
    writeFileSync(join(tmp, 'cp1252.csv'), Buffer.concat([Buffer.from(`id,first_name\r\n${ascii}\r\n`), late]));
    const read = async (encoding?: 'windows-1252') => {
      const out: SourceMessage[] = [];
      const def = stream('cp1252.csv', { export: { file: 'cp1252.csv', format: 'csv', encoding } });
      for await (const m of readExportStream({ system: 'leaf360', dir: tmp, schema: SCHEMA, stream: def })) out.push(m);
      return out.filter((m) => m.type !== 'state');
    };
    const declared = await read('windows-1252');
    expect(declared).toHaveLength(8001);
    expect(declared[8000]).toMatchObject({ type: 'record', record: { id: 'c9999', first_name: 'Müller €' } });
    // Undeclared, the ASCII start reads as UTF-8 and the late row does not come out as written.
    const sniffed = await read();
    expect(sniffed[8000]).not.toMatchObject({ record: { first_name: 'Müller €' } });
  });

  it('yields typed records with their origin, rejects with file and line, and a final complete state', async () => {
    const ms = await collect({ stream: stream('contacts-malformed.csv') });
    expect(brief(ms)).toEqual([
      'record 2',
      'reject 3 CSV_BAD_QUOTE',
      'reject 4 CSV_FIELD_COUNT',
      'reject 5 CSV_FIELD_COUNT',
      'reject 6 CSV_BAD_QUOTE',
      'record 7',
      'state 8 complete',
    ]);
    expect(ms[0]).toEqual({
      type: 'record',
      stream: 'contact',
      record: expect.objectContaining({ id: 'c1', first_name: 'Ada', e_mail_address: 'ada@example.com', custom: { Notes: 'ok' } }),
      origin: { file: 'contacts-malformed.csv', line: 2 },
      columns: ['id', 'first_name', 'e_mail_address', 'custom.Notes'],
    });
    const state = ms[6] as StateMessage;
    expect(state.state.fingerprint).toMatch(/^\d+:\d+$/);
    expect((ms[2] as RejectMessage).reason).toMatch(/^contacts-malformed\.csv line 4: /);
  });

  it('empties a bad optional value and lists it on the record; only a bad or missing required value quarantines', async () => {
    writeFileSync(join(tmp, 'lenient.csv'), 'Id,Age,Birthday,Active\nc1,forty,16 Apr 2021,Y\nc2,12,N/A,n\n,1,,\nN/A,2,,\n');
    const ms = await collect({ dir: tmp, stream: stream('lenient.csv') });
    expect(brief(ms)).toEqual(['record 2', 'record 3', 'reject 4 MISSING_VALUE', 'reject 5 MISSING_VALUE', 'state 6 complete']);
    expect(ms[0]).toMatchObject({
      record: { id: 'c1', age: null, birthday: 18733, active: true },
      issues: [{ field: 'age', column: 'Age', code: 'BAD_NUMBER', value: 'forty', problem: expect.stringMatching(/^which is not a number/) }],
    });
    expect(ms[1]).toMatchObject({
      record: { id: 'c2', age: 12, birthday: null, active: false },
      issues: [{ field: 'birthday', column: 'Birthday', code: 'MISSING_VALUE', value: 'N/A', problem: 'which is a placeholder, not a value' }],
    });
    expect((ms[3] as RejectMessage).reason).toBe('lenient.csv line 5: required column "Id" (field id) holds the placeholder "N/A", not a value');
  });

  it('finds a file whose name differs in case, and names a near miss', async () => {
    writeFileSync(join(tmp, 'Contacts.csv'), 'Id\nc1\n');
    expect(brief(await collect({ dir: tmp, stream: stream('contacts.csv') }))).toEqual(['record 2', 'state 3 complete']);
    const err = await collect({ dir: tmp, stream: stream('contact.csv') }).catch((e: unknown) => e);
    expect((err as Error).message).toBe(`contact.csv is missing from ${tmp} (the contact object is read from it); did you mean Contacts.csv? Rename it to contact.csv`);
  });

  it('prefixes coercion rejects with file and line and keeps the raw row (strict values)', async () => {
    writeFileSync(join(tmp, 'typed.csv'), 'Id,Age,Updated At\nc1,42,2024-03-01\nc2,forty,2024-03-01\n,1,2024-03-01\n');
    const ms = await collect({ dir: tmp, stream: stream('typed.csv'), values: 'strict' });
    expect(ms.filter((m) => m.type === 'reject')).toEqual([
      {
        type: 'reject',
        stream: 'contact',
        origin: { file: 'typed.csv', line: 3 },
        code: 'BAD_NUMBER',
        reason: 'typed.csv line 3: column "Age" (field age) has "forty", which is not a number (expected a number such as 1234, 1,234.5 or 1.234,5)',
        raw: 'c2,forty,2024-03-01',
      },
      {
        type: 'reject',
        stream: 'contact',
        origin: { file: 'typed.csv', line: 4 },
        code: 'MISSING_VALUE',
        reason: 'typed.csv line 4: required column "Id" (field id) is empty',
        raw: ',1,2024-03-01',
      },
    ]);
  });

  it('yields a state after every stateEvery records and rejects', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => (i === 3 ? 'bad,"row' : `c${i},n${i}`));
    writeFileSync(join(tmp, 'cadence.csv'), `Id,Name\n${rows.join('\n')}\n`);
    const ms = await collect({ dir: tmp, stream: stream('cadence.csv'), options: { stateEvery: 3 } });
    expect(brief(ms)).toEqual(['record 2', 'record 3', 'record 4', 'state 5', 'reject 5 CSV_BAD_QUOTE', 'record 6', 'record 7', 'state 8', 'record 8', 'state 9 complete']);
  });

  it('resumes after the position of a state from the same file version, and restarts a changed file', async () => {
    const body = `Id,Name\n${Array.from({ length: 10 }, (_, i) => `c${i},"n\n${i}"`).join('\n')}\n`;
    writeFileSync(join(tmp, 'resume.csv'), body);
    const all = await collect({ dir: tmp, stream: stream('resume.csv'), options: { stateEvery: 4 } });
    const mid = all.find((m) => m.type === 'state') as StateMessage;
    // four rows of two lines each, from line 2: the next one starts on line 10, and anything from line 9 on is unread
    expect(mid.state.position).toBe(9);
    const rest = await collect({ dir: tmp, stream: stream('resume.csv'), options: { state: mid.state, stateEvery: 4 } });
    const ids = (ms: SourceMessage[]) => ms.flatMap((m) => (m.type === 'record' ? [m.record.id] : []));
    expect(ids(rest)).toEqual(['c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
    expect(ids(all).slice(4)).toEqual(ids(rest));
    expect(rest[rest.length - 1]).toEqual(all[all.length - 1]);

    writeFileSync(join(tmp, 'resume.csv'), body + 'c10,x\n');
    utimesSync(join(tmp, 'resume.csv'), new Date(), new Date(Date.now() + 5000));
    const changed = await collect({ dir: tmp, stream: stream('resume.csv'), options: { state: mid.state } });
    expect(ids(changed)).toHaveLength(11);
  });

  it('stops a file whose header lacks a required column, with one reject', async () => {
    const ms = await collect({ stream: stream('contacts-missing-id.csv') });
    expect(ms).toEqual([
      {
        type: 'reject',
        stream: 'contact',
        origin: { file: 'contacts-missing-id.csv', line: 1 },
        code: 'MISSING_COLUMN',
        reason:
          'contacts-missing-id.csv line 1: no column for required field id (the key of contact records); the header has First Name, E-mail Address; rename the column that holds it to "id"; nothing in this file was read',
        raw: null,
      },
      expect.objectContaining({ type: 'state', state: expect.objectContaining({ complete: true }) }),
    ]);
  });

  it('lets prepare supply a column the header lacks', async () => {
    const prepare = (v: Record<string, unknown>) => ({ ...v, id: `mail:${String(v['E-mail Address'])}` });
    const ms = await collect({ stream: stream('contacts-missing-id.csv'), prepare });
    expect(ms[0]).toMatchObject({ type: 'record', record: { id: 'mail:ada@example.com', first_name: 'Ada' } });
  });

  it('yields the reject prepare returns at the row it refused, and reads on', async () => {
    const prepare = (v: Record<string, unknown>) => (v['E-mail Address'] ? v : new PreparedReject('MISSING_VALUE', 'it has no e-mail address to key the contact by'));
    const ms = await collect({ stream: stream('contacts-basic.csv'), prepare });
    expect(brief(ms)).toEqual(['record 2', 'record 3', 'record 6', 'reject 7 MISSING_VALUE', 'state 8 complete']);
    expect(ms[3]).toMatchObject({ type: 'reject', reason: 'contacts-basic.csv line 7: it has no e-mail address to key the contact by', raw: expect.stringContaining('c4,Margaret') });
  });

  it('rejects an empty file that should have had a header, and accepts a header without rows', async () => {
    expect(brief(await collect({ stream: stream('empty.csv') }))).toEqual(['reject 1 MISSING_COLUMN', 'state 2 complete']);
    expect(brief(await collect({ stream: stream('contacts-header-only.csv') }))).toEqual(['state 1 complete']);
  });

  it('throws ExportFileMissingError naming the file, the stream and what to do', async () => {
    const err = await collect({ stream: stream('nowhere.csv') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExportFileMissingError);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as Error).message).toBe(
      `nowhere.csv is missing from ${join(FIXTURES, 'csv')} (the contact object is read from it); put the export's nowhere.csv there, or leave contact out`,
    );
  });

  it('refuses a stream the export does not carry', async () => {
    await expect(collect({ stream: stream('x.csv', { export: undefined }) })).rejects.toThrow(
      'leaf360 stream "contact" has no place in an export (its definition has no export location); read it from the API instead',
    );
  });

  it('loads the schema of the system and stream by default', async () => {
    copyFileSync(join(FIXTURES, 'csv', 'contacts-basic.csv'), join(tmp, 'contacts.csv'));
    const ms = [];
    for await (const m of readExportStream({ system: 'leaf360', dir: tmp, stream: stream('contacts.csv', { name: 'contact', key: 'contact_id' }) })) ms.push(m);
    // schemas/leaf360/contact.avsc needs contact_id, which this file does not have
    expect(brief(ms)).toEqual(['reject 1 MISSING_COLUMN', 'state 2 complete']);
    expect((ms[0] as RejectMessage).reason).toContain('required field contact_id');
  });
});

describe('nearestName', () => {
  it.each([
    ['contacts.csv', ['Contacts.CSV', 'deals.csv'], 'Contacts.CSV'],
    ['contacts.csv', ['contact.csv', 'deals.csv'], 'contact.csv'],
    ['contacts.csv', ['contacts_.txt'], 'contacts_.txt'],
    ['opportunities.csv', ['oportunites.csv'], 'oportunites.csv'],
    ['quotes.csv', ['notes.csv'], null],
    ['deals.csv', ['leads.csv', 'users.csv'], null],
  ])('for %s among %j is %s', (wanted, names, expected) => {
    expect(nearestName(wanted, names)).toBe(expected);
  });
});
