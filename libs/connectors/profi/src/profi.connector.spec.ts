import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as avro from 'avsc';
import { ExportFileMissingError, loadRecordSchema, type RecordMessage, type SourceMessage, type StateMessage } from '@ferry/connectors/core';
import { ProfiConnector } from './profi.connector';

const FIXTURES = join(__dirname, '..', 'fixtures');
const CLEAN = join(FIXTURES, 'clean');
const MALFORMED = join(FIXTURES, 'malformed');
const cleanExpected = JSON.parse(readFileSync(join(FIXTURES, 'clean.expected.json'), 'utf8')) as Record<string, Array<Record<string, unknown>>>;
const malformedExpected = JSON.parse(readFileSync(join(FIXTURES, 'malformed.expected.json'), 'utf8')) as {
  quarantine: Array<{ stream: string; line: number; code: string }>;
  /** bad values in optional columns: the row is read, that field empty, the value in its issues */
  emptied: Array<{ stream: string; line: number; key: string; field: string; code: string; value: string }>;
  records: Record<string, Array<{ line: number; key: string }>>;
  missing_files: string[];
};

const connector = new ProfiConnector();
const exported = connector.streams().filter((s) => s.export);

async function collect(dir: string, stream: string, options?: Parameters<ProfiConnector['readExport']>[2]): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream, options)) out.push(m);
  return out;
}
const records = (ms: SourceMessage[]) => ms.filter((m): m is RecordMessage => m.type === 'record');

describe('ProfiConnector', () => {
  it('is the profi source, with every stream of the catalog and the API spec', () => {
    expect(connector.system).toBe('profi');
    expect(connector.displayName).toBe('Profi');
    expect(connector.streams()).toHaveLength(11);
    expect(connector.api.pagination).toEqual({ style: 'page', pageParam: 'page', sizeParam: 'size', maxPageSize: 100, firstPage: 0 });
    // callers get their own copy
    connector.streams()[0].references.push({ field: 'x', object: 'y' });
    expect(connector.streams()[0].references).toEqual([]);
  });

  describe('the clean fixture export', () => {
    it('passes the export check', async () => {
      expect(await connector.checkExport(CLEAN)).toEqual({ ok: true, problems: [] });
    });

    it.each(exported.map((s) => s.name))('reads %s as exactly the expected records, with no rejects', async (stream) => {
      const got = await collect(CLEAN, stream);
      expect(got.filter((m) => m.type === 'reject')).toEqual([]);
      expect(records(got).map((m) => m.record)).toEqual(cleanExpected[stream]);
      const last = got.at(-1) as StateMessage;
      expect(last.type).toBe('state');
      expect(last.state.complete).toBe(true);
    });

    it('gives every record the line its row starts on: a note spanning two lines moves the next one down', async () => {
      expect(records(await collect(CLEAN, 'note')).map((m) => m.origin)).toEqual([
        { file: 'notes.csv', line: 2 },
        { file: 'notes.csv', line: 4 },
        { file: 'notes.csv', line: 6 },
      ]);
    });

    it('produces records that their Avro schema accepts', async () => {
      for (const s of exported) {
        const type = avro.Type.forSchema(loadRecordSchema('profi', s.name) as avro.Schema);
        const got = records(await collect(CLEAN, s.name));
        expect(got.length).toBeGreaterThan(0);
        for (const m of got) expect(type.isValid(m.record, { errorHook: (path) => { throw new Error(`${s.name} ${path.join('.')}`); } })).toBe(true);
      }
    });

    it('points every attachment at a file of the drop with the declared size, and notes at their embedded files', async () => {
      const attachments = records(await collect(CLEAN, 'attachment')).map((m) => m.record);
      for (const a of attachments) expect(statSync(join(CLEAN, a.file_path as string)).size).toBe(a.size_bytes);
      const notes = records(await collect(CLEAN, 'note')).map((m) => m.record);
      const embedded = [...(notes[0].body_html as string).matchAll(/src="([^"]+)"/g)].map((m) => m[1]);
      expect(embedded).toEqual([attachments[0].file_path]);
    });

    it('resumes after the last state it gave, without repeating or losing a row', async () => {
      const all = await collect(CLEAN, 'client', { stateEvery: 2 });
      const states = all.filter((m): m is StateMessage => m.type === 'state');
      expect(states.length).toBeGreaterThanOrEqual(3);
      const resumed = await collect(CLEAN, 'client', { state: states[0].state });
      const keys = (ms: SourceMessage[]) => records(ms).map((m) => m.record.client_id);
      expect([...keys(all).slice(0, 2), ...keys(resumed)]).toEqual(keys(all));
    });
  });

  describe('the malformed fixture export', () => {
    it('quarantines exactly the expected rows with their codes, and reads every other row', async () => {
      const quarantine: Array<{ stream: string; line: number; code: string }> = [];
      for (const s of exported) {
        if (malformedExpected.missing_files.includes(s.export!.file)) continue;
        const got = await collect(MALFORMED, s.name);
        for (const m of got) if (m.type === 'reject') quarantine.push({ stream: s.name, line: m.origin.line!, code: m.code });
        expect(records(got).map((m) => ({ line: m.origin.line, key: m.record[s.key] }))).toEqual(malformedExpected.records[s.name]);
      }
      const order = (q: { stream: string; line: number }) => `${q.stream}:${String(q.line).padStart(4, '0')}`;
      expect(quarantine.sort((a, b) => order(a).localeCompare(order(b)))).toEqual(
        [...malformedExpected.quarantine].sort((a, b) => order(a).localeCompare(order(b))),
      );
    });

    it('keeps the rows whose bad value is in an optional column, emptying it and listing it with the row’s file and line', async () => {
      const got: typeof malformedExpected.emptied = [];
      for (const s of exported) {
        if (malformedExpected.missing_files.includes(s.export!.file)) continue;
        for (const m of records(await collect(MALFORMED, s.name))) {
          for (const i of m.issues ?? []) {
            got.push({ stream: s.name, line: m.origin.line!, key: m.record[s.key] as string, field: i.field, code: i.code, value: i.value });
            expect({ file: m.origin.file, [i.field]: m.record[i.field] }).toEqual({ file: s.export!.file, [i.field]: null });
          }
        }
      }
      expect(got).toEqual(malformedExpected.emptied);
    });

    it('names the file and line in every reject reason, and keeps the raw row', async () => {
      for (const m of await collect(MALFORMED, 'client')) {
        if (m.type !== 'reject') continue;
        expect(m.reason).toContain(`clients.csv line ${m.origin.line}`);
        expect(m.raw).toEqual(expect.any(String));
      }
    });

    it('stops at a missing file with an error naming it', async () => {
      await expect(collect(MALFORMED, 'program')).rejects.toThrow(ExportFileMissingError);
      await expect(collect(MALFORMED, 'program')).rejects.toThrow(/programs\.csv/);
    });

    it('fails the export check with one line per problem, each naming its file', async () => {
      const result = await connector.checkExport(MALFORMED);
      expect(result.ok).toBe(false);
      expect(result.problems).toHaveLength(4);
      expect(result.problems[0]).toMatch(/^companies\.csv line 1: no column for required field name; the header has Company ID, .*; rename the column that holds it to "Name"$/);
      expect(result.problems[1]).toMatch(/^coaches\.csv line 1: .*"E-Mail" twice/);
      expect(result.problems[2]).toMatch(/programs\.csv is missing/);
      expect(result.problems[3]).toMatch(/files is missing: attachments\.csv lists files kept there; copy the export's files\/ folder too$/);
      for (const p of result.problems) expect(p).not.toContain('\n');
    });
  });

  describe('a value the export cannot hold', () => {
    let tmp: string;
    beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'profi-values-'))));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('empties a bad optional date or flag and keeps the client, naming file, line, column and value; a blank or placeholder key still quarantines', async () => {
      writeFileSync(
        join(tmp, 'clients.csv'),
        Buffer.from(
          [
            'Client ID;First name;Date of birth;Newsletter;Created',
            'CL-1;Anna;02.03.1985;Yes;01.02.2023 10:00',
            'CL-2;Jörg;31.02.1985;vielleicht;01.02.2023 10:00',
            'n.a.;Lena;02.03.1985;No;01.02.2023 10:00',
            ';Tom;02.03.1985;No;01.02.2023 10:00',
            '',
          ].join('\r\n'),
          'latin1',
        ),
      );
      const messages = await collect(tmp, 'client');
      expect(messages[0]).toMatchObject({ type: 'record', record: { client_id: 'CL-1', newsletter_opt_in: true } });
      expect(messages[0]).not.toHaveProperty('issues');
      expect(messages[1]).toMatchObject({
        type: 'record',
        origin: { file: 'clients.csv', line: 3 },
        record: { client_id: 'CL-2', first_name: 'Jörg', date_of_birth: null, newsletter_opt_in: null },
        issues: [
          { field: 'date_of_birth', column: 'Date of birth', code: 'BAD_DATE', value: '31.02.1985' },
          { field: 'newsletter_opt_in', column: 'Newsletter', code: 'BAD_BOOLEAN', value: 'vielleicht' },
        ],
      });
      const rejects = messages.flatMap((m) => (m.type === 'reject' ? [[m.origin, m.code, m.reason]] : []));
      expect(rejects).toEqual([
        [{ file: 'clients.csv', line: 4 }, 'MISSING_VALUE', 'clients.csv line 4: required column "Client ID" (field client_id) holds the placeholder "n.a.", not a value'],
        [{ file: 'clients.csv', line: 5 }, 'MISSING_VALUE', 'clients.csv line 5: required column "Client ID" (field client_id) is empty'],
      ]);
    });
  });

  describe('checkExport', () => {
    let tmp: string;
    beforeAll(() => (tmp = mkdtempSync(join(tmpdir(), 'profi-check-'))));
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    it('says when the folder does not exist', async () => {
      expect(await connector.checkExport(join(tmp, 'nope'))).toEqual({ ok: false, problems: [expect.stringMatching(/nope does not exist/)] });
    });

    it('says which file is empty, and which misses required columns by their labels', async () => {
      const dir = join(tmp, 'drop');
      cpSync(CLEAN, dir, { recursive: true });
      writeFileSync(join(dir, 'sessions.csv'), '');
      writeFileSync(join(dir, 'attachments.csv'), 'File ID;Client ID;Note ID\r\nFI-1;CL-1;\r\n');
      const result = await connector.checkExport(dir);
      expect(result.problems).toEqual([
        expect.stringMatching(/sessions\.csv is empty/),
        'attachments.csv line 1: no column for required fields file_name, file_path; the header has File ID, Client ID, Note ID; rename the columns that hold them: "File name" or "file_name" for file_name, "Path" or "file_path" for file_path',
      ]);
    });
  });

  it('lists automations only for reminder sequences', () => {
    const sequence = {
      sequence_id: 'RS-1',
      name: 'Reminder',
      active: true,
      trigger_event: 'session.scheduled',
      session_type: null,
      program_id: null,
      steps: [{ position: 1, offset_minutes: -60, channel: 'email', recipient: 'client', template: 't', subject: 's' }],
      created_by: null,
      created_at: null,
      updated_at: null,
      custom: {},
    };
    expect(connector.automations('reminder_sequence', sequence)).toHaveLength(1);
    expect(connector.automations('session', sequence)).toEqual([]);
  });

  it('refuses a sample format Profi does not write', async () => {
    await expect(connector.generate({ records: 10, seed: 1, out: join(tmpdir(), 'profi-never'), format: 'xlsx' })).rejects.toThrow(/CSV only/);
  });
});
