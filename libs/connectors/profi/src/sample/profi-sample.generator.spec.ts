import { isUtf8 } from 'buffer';
import { createHash } from 'crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import * as avro from 'avsc';
import * as iconv from 'iconv-lite';
import { DEMO_USERS } from '@ferry/demo';
import { API_ONLY_DIR, loadRecordSchema, type RecordMessage, type SampleManifest } from '@ferry/connectors/core';
import { profiFromApiItem, profiToApiItem } from '../profi.api';
import { PROFI_EXPORT_FILES, PROFI_STREAMS, type ProfiExportStream } from '../profi.catalog';
import { ProfiConnector } from '../profi.connector';
import { generateProfiSample, profiSampleCounts, profiSampleHeader, PROFI_SAMPLE_STREAMS } from './profi-sample.generator';

type Row = Record<string, unknown>;

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const connector = new ProfiConnector();
const exported = PROFI_STREAMS.filter((s) => s.export).map((s) => s.name as ProfiExportStream);
const apiOnly = PROFI_STREAMS.filter((s) => !s.export).map((s) => s.name);

interface Read {
  records: Record<string, RecordMessage[]>;
  rejects: Record<string, Array<{ line: number; code: string }>>;
}

async function readAll(dir: string): Promise<Read> {
  const read: Read = { records: {}, rejects: {} };
  for (const s of exported) {
    read.records[s] = [];
    read.rejects[s] = [];
    for await (const m of connector.readExport(dir, s)) {
      if (m.type === 'record') read.records[s].push(m);
      else if (m.type === 'reject') read.rejects[s].push({ line: m.origin.line!, code: m.code });
    }
  }
  return read;
}

/** The values a lenient reader emptied in `stream`, as the manifest lists them (encoding repairs aside). */
const emptiedOf = (read: Read, s: string) =>
  read.records[s].flatMap((m) => (m.issues ?? []).filter((i) => i.code !== 'REPAIRED_ENCODING').map((i) => ({ line: m.origin.line!, field: i.field, code: i.code, now: m.record[i.field] })));

const ndjson = (dir: string, stream: string) =>
  readFileSync(join(dir, API_ONLY_DIR, `${stream}.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'profi-sample-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('profiSampleCounts', () => {
  it('spreads any total over every object, adding up exactly', () => {
    for (const total of [0, 7, 60, 2000, 12_345, 1_000_000]) {
      const counts = profiSampleCounts(total);
      expect(Object.keys(counts).sort()).toEqual([...PROFI_SAMPLE_STREAMS].sort());
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(total);
      for (const n of Object.values(counts)) expect(n).toBeGreaterThanOrEqual(0);
    }
  });

  it('has clients and sessions dominate, a small team, and configuration records capped by what the practice defines', () => {
    const c = profiSampleCounts(1_000_000);
    expect(c.session).toBeGreaterThan(c.client);
    expect(c.client).toBeGreaterThan(c.payment);
    expect(c.payment).toBeGreaterThan(c.enrollment);
    expect(c.coach).toBe(1500);
    expect(c.custom_field).toBe(12);
    expect(c.reminder_sequence).toBe(10);
    for (const n of Object.values(profiSampleCounts(2000))) expect(n).toBeGreaterThan(0);
  });

  it('refuses a total that is not a whole number', () => {
    expect(() => profiSampleCounts(-1)).toThrow(RangeError);
    expect(() => profiSampleCounts(1.5)).toThrow(/whole number/);
  });
});

describe('generateProfiSample', () => {
  let a: SampleManifest;
  let dirA: string;
  let read: Read;

  beforeAll(async () => {
    dirA = join(root, 'a');
    a = await generateProfiSample({ records: 2000, seed: 11, out: dirA });
    read = await readAll(dirA);
  });

  it('writes the same bytes for the same seed, and different ones for another seed', async () => {
    const b = await generateProfiSample({ records: 2000, seed: 11, out: join(root, 'b') });
    await generateProfiSample({ records: 2000, seed: 12, out: join(root, 'c') });
    const ha = hashes(dirA);
    expect(Object.keys(ha).length).toBeGreaterThan(40);
    expect(hashes(join(root, 'b'))).toEqual(ha);
    expect(b).toEqual(a);
    const hc = hashes(join(root, 'c'));
    for (const s of exported) expect(hc[PROFI_EXPORT_FILES[s]]).not.toBe(ha[PROFI_EXPORT_FILES[s]]);
    for (const s of apiOnly) expect(hc[join(API_ONLY_DIR, `${s}.ndjson`)]).not.toBe(ha[join(API_ONLY_DIR, `${s}.ndjson`)]);
  });

  it('writes 2,000 records over every object, a few malformed rows in every file, and passes the export check', async () => {
    expect(a.system).toBe('profi');
    expect(Object.values(a.counts).reduce((x, y) => x + y, 0)).toBe(2000);
    expect(a.counts).toEqual(profiSampleCounts(2000));
    for (const s of exported) expect([...a.malformed, ...a.emptied!].filter((m) => m.stream === s).length).toBeGreaterThan(0);
    expect(await connector.checkExport(dirA)).toEqual({ ok: true, problems: [] });
  });

  it('quarantines every malformed row with the code and line of the manifest, and reads every other row', () => {
    for (const s of exported) {
      const expected = a.malformed.filter((m) => m.stream === s);
      for (const m of expected) expect(m.file).toBe(PROFI_EXPORT_FILES[s]);
      expect(read.rejects[s]).toEqual(expected.map((m) => ({ line: m.line, code: m.code })));
      expect(read.records[s]).toHaveLength(a.counts[s] - expected.length);
      // a malformed row (its key has -M) is read only when its bad value was in an optional column, and emptied
      const emptied = a.emptied!.filter((m) => m.stream === s);
      for (const m of emptied) expect(m.file).toBe(PROFI_EXPORT_FILES[s]);
      expect(emptiedOf(read, s)).toEqual(emptied.map((m) => ({ line: m.line, field: m.field, code: m.code, now: null })));
      const spoiled = new Set(emptied.map((m) => m.line));
      const key = PROFI_STREAMS.find((d) => d.name === s)!.key;
      expect(read.records[s].filter((r) => String(r.record[key]).includes('-M')).map((r) => r.origin.line)).toEqual(emptied.map((m) => m.line));
      expect(read.records[s].filter((r) => !spoiled.has(r.origin.line!)).every((r) => !String(r.record[key]).includes('-M'))).toBe(true);
    }
  });

  it('produces records every one of which its Avro schema accepts', () => {
    for (const s of [...exported, ...apiOnly]) {
      const type = avro.Type.forSchema(loadRecordSchema('profi', s) as avro.Schema);
      const rows = apiOnly.includes(s) ? ndjson(dirA, s) : read.records[s].map((m) => m.record);
      expect(rows.length).toBe(apiOnly.includes(s) ? a.counts[s] : rows.length);
      for (const r of rows) {
        if (!type.isValid(r)) throw new Error(`${s} record does not fit its schema: ${JSON.stringify(r)}`);
      }
    }
  });

  it('writes API-only streams as NDJSON records that round-trip through the API item shape', () => {
    for (const s of apiOnly) {
      for (const r of ndjson(dirA, s)) expect(profiFromApiItem(s, profiToApiItem(s, r))).toEqual({ record: r });
    }
    for (const s of exported) {
      for (const { record } of read.records[s].slice(0, 100)) expect(profiFromApiItem(s, profiToApiItem(s, record))).toEqual({ record });
    }
  });

  it('writes the export the way Profi does: Windows-1252, semicolons, CRLF, lossy for what cp1252 cannot hold', () => {
    for (const s of exported) {
      const bytes = readFileSync(join(dirA, PROFI_EXPORT_FILES[s]));
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
      const text = iconv.decode(bytes, 'win1252');
      expect(text.split('\r\n')[0]).toBe(profiSampleHeader(s).join(';'));
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text).not.toMatch(/\r(?!\n)/);
    }
    const clients = readFileSync(join(dirA, 'clients.csv'));
    expect(isUtf8(clients)).toBe(false);
    expect(clients.includes(Buffer.from([0xfc]))).toBe(true); // ü
    expect(readFileSync(join(dirA, 'payments.csv')).includes(Buffer.from(' \x80', 'latin1'))).toBe(true); // " €"
    const lossy = (a.notes.rows_with_characters_lost_to_cp1252 as Record<string, number>) ?? {};
    expect(lossy.client).toBeGreaterThan(10);
    const names = read.records.client.map((m) => `${m.record.first_name} ${m.record.last_name}`);
    expect(names.some((n) => /^\?+ \?+$/.test(n))).toBe(true);
    expect(names.some((n) => /[A-Za-z] \?\?$/.test(n.split(' ').slice(0, 2).join(' ')))).toBe(true);
  });

  it('spells dates, times and money the mixed European way', () => {
    const text = iconv.decode(readFileSync(join(dirA, 'payments.csv')), 'win1252');
    expect(text).toMatch(/;\d{1,3}(\.\d{3})*,\d\d €;/);
    expect(text).toMatch(/;CHF \d{1,3}('\d{3})*\.\d\d;/);
    expect(text).toMatch(/;\d\d\.\d\d\.\d{4};/);
    expect(text).toMatch(/;\d{4}-\d\d-\d\d;/);
    const sessions = iconv.decode(readFileSync(join(dirA, 'sessions.csv')), 'win1252');
    expect(sessions).toMatch(/;\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00;/);
    expect(sessions).toMatch(/;\d\d\.\d\d\.\d{4} \d\d:\d\d;/);
    expect(sessions).toMatch(/;\d{13};/);
    const currencies = new Set(read.records.payment.map((m) => m.record.currency).filter(Boolean));
    expect(currencies.size).toBeGreaterThanOrEqual(5);
    expect(read.records.payment.every((m) => m.record.amount === null || /^-?\d+\.\d\d$/.test(m.record.amount as string))).toBe(true);
  });

  it('has the same person twice, spelled differently, sharing an email or a phone', () => {
    const byId = new Map(read.records.client.map((m) => [m.record.client_id as string, m.record]));
    const dups = (a.notes.duplicate_clients as { count: number; examples: Array<{ client_id: string; duplicate_of: string; matched_by: string }> });
    expect(dups.count).toBeGreaterThanOrEqual(5);
    let checked = 0;
    for (const d of dups.examples) {
      const x = byId.get(d.client_id);
      const y = byId.get(d.duplicate_of);
      if (!x || !y) continue;
      checked++;
      const digits = (r: Row) => [r.phone, r.mobile].map((p) => String(p ?? '').replace(/\D/g, '')).filter((p) => p.length >= 7);
      if (d.matched_by === 'email') expect(String(x.email).toLowerCase()).toBe(String(y.email).toLowerCase());
      else expect(digits(x).some((p) => digits(y).includes(p))).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it('has orphans, guest coaches, package sessions without their enrollment and double enrollments', () => {
    const clients = new Set(read.records.client.map((m) => m.record.client_id));
    const coaches = read.records.coach.map((m) => m.record);
    const orphans = ['enrollment', 'session', 'payment', 'note'].flatMap((s) => read.records[s].filter((m) => m.record.client_id && !clients.has(m.record.client_id)));
    expect(orphans.length).toBeGreaterThan(3);
    for (const o of (a.notes.orphans as { examples: Array<{ missing: string }> }).examples) expect(clients.has(o.missing)).toBe(false);

    const coachEmails = new Set(coaches.map((c) => String(c.email).toLowerCase()));
    const guests = read.records.session.filter((m) => m.record.coach_id === null && m.record.coach_email);
    expect(guests.length).toBeGreaterThan(0);
    for (const g of guests) expect(coachEmails.has(String(g.record.coach_email).toLowerCase())).toBe(false);

    expect(read.records.session.some((m) => m.record.program_id && !m.record.enrollment_id)).toBe(true);
    expect(read.records.session.some((m) => m.record.recording_url)).toBe(true);

    const pairs = read.records.enrollment.map((m) => `${m.record.client_id}/${m.record.program_id}`);
    expect(new Set(pairs).size).toBeLessThan(pairs.length);
  });

  it('writes lifecycle stages inconsistently and keeps vertical custom fields in custom', () => {
    const stages = new Set(read.records.client.map((m) => m.record.lifecycle_stage));
    for (const s of ['Active', 'active client', 'ACTIVE', 'Alumni', 'former client']) expect(stages).toContain(s);
    const custom = read.records.client.map((m) => m.record.custom as Record<string, string>);
    expect(Object.keys(custom[0]).sort()).toEqual(['Coaching goal', 'DISC profile', 'Preferred session time', 'Referral partner', 'Sponsored by employer']);
    expect(custom.some((c) => c['Coaching goal'] !== '')).toBe(true);
    const definitions = ndjson(dirA, 'custom_field');
    for (const d of definitions.filter((x) => x.object === 'client')) expect(Object.keys(custom[0])).toContain(d.label);
  });

  it('assigns owners among the demo users, team members who left, and people who never had a login', () => {
    const coaches = read.records.coach.map((m) => m.record);
    const owners = new Set(
      [...read.records.client, ...read.records.company].map((m) => String(m.record.owner_email ?? '').toLowerCase()).filter(Boolean),
    );
    const demo = DEMO_USERS.filter((u) => !u.isdisabled && u.fullname !== 'Migration Admin').map((u) => u.internalemailaddress);
    for (const e of demo) expect(owners).toContain(e);
    const left = coaches.filter((c) => c.active === false).map((c) => String(c.email).toLowerCase());
    expect(left).toContain('evan.brooks@contoso-lending.example');
    expect(left.some((e) => owners.has(e))).toBe(true);
    const team = new Set(coaches.map((c) => String(c.email).toLowerCase()));
    expect([...owners].some((e) => !team.has(e))).toBe(true);
    expect(coaches.map((c) => c.email)).toContain('Brian.Okafor@contoso-lending.example');
  });

  it('puts a file on disk for every attachment, at its declared size, a few beyond the destinations limits', () => {
    // malformed rows have no file: the ones read (their bad size emptied) are left out
    const attachments = read.records.attachment.map((m) => m.record).filter((r) => !String(r.attachment_id).includes('-M'));
    for (const at of attachments) expect(statSync(join(dirA, at.file_path as string)).size).toBe(at.size_bytes);
    const large = attachments.filter((x) => (x.size_bytes as number) > 5 * 1024 * 1024);
    expect(large.length).toBeGreaterThan(0);
    expect((a.notes.large_files as { examples: unknown[] }).examples).toHaveLength(large.length);
    const notes = read.records.note.map((m) => m.record.body_html as string);
    const embedded = notes.flatMap((n) => [...n.matchAll(/(?:src|href)="(files\/[^"]+)"/g)].map((m) => m[1]));
    expect(embedded.length).toBeGreaterThan(0);
    const paths = new Set(attachments.map((x) => x.file_path));
    for (const p of embedded) expect(paths).toContain(iconv.decode(iconv.encode(p, 'win1252'), 'win1252'));
  });

  it('gives every kind of malformed row its reject, or its emptied value, when they come thick and fast', async () => {
    const dir = join(root, 'dense');
    const m = await generateProfiSample({ records: 1500, seed: 5150, out: dir }, { malformedEvery: 4 });
    const got = await readAll(dir);
    // Every typed Profi field is optional: a bad value is emptied (a placeholder such as "TBD" or "x" as
    // MISSING_VALUE); a blank required value and a broken row are quarantined.
    const rejected: Record<string, string[]> = {
      company: ['CSV_BAD_QUOTE', 'CSV_FIELD_COUNT', 'MISSING_VALUE'],
      coach: [], // six coaches: one malformed row, the first defect (a bad active flag)
      client: ['CSV_BAD_QUOTE', 'CSV_FIELD_COUNT', 'MISSING_VALUE'],
      program: ['MISSING_VALUE'],
      enrollment: ['CSV_FIELD_COUNT'],
      session: ['CSV_BAD_QUOTE', 'MISSING_VALUE'],
      payment: ['CSV_FIELD_COUNT', 'MISSING_VALUE'],
      note: ['CSV_BAD_QUOTE'],
      attachment: ['CSV_FIELD_COUNT', 'MISSING_VALUE'],
    };
    const emptied: Record<string, string[]> = {
      company: ['BAD_NUMBER', 'BAD_TIMESTAMP', 'MISSING_VALUE'],
      coach: ['BAD_BOOLEAN'],
      client: ['BAD_BOOLEAN', 'BAD_DATE', 'BAD_TIMESTAMP', 'MISSING_VALUE'],
      program: ['BAD_DECIMAL'],
      enrollment: ['BAD_DATE', 'BAD_NUMBER', 'MISSING_VALUE'],
      session: ['BAD_NUMBER', 'BAD_TIMESTAMP', 'MISSING_VALUE'],
      payment: ['BAD_DATE', 'BAD_DECIMAL', 'MISSING_VALUE'],
      note: ['BAD_BOOLEAN', 'BAD_TIMESTAMP', 'MISSING_VALUE'],
      attachment: ['BAD_NUMBER', 'MISSING_VALUE'],
    };
    for (const s of exported) {
      const expected = m.malformed.filter((x) => x.stream === s);
      const empty = m.emptied!.filter((x) => x.stream === s);
      expect(got.rejects[s]).toEqual(expected.map((x) => ({ line: x.line, code: x.code })));
      expect(emptiedOf(got, s)).toEqual(empty.map((x) => ({ line: x.line, field: x.field, code: x.code, now: null })));
      expect(got.records[s]).toHaveLength(m.counts[s] - expected.length);
      expect({ s, rejected: [...new Set(expected.map((x) => x.code))].sort() }).toEqual({ s, rejected: rejected[s] });
      expect({ s, emptied: [...new Set(empty.map((x) => x.code))].sort() }).toEqual({ s, emptied: emptied[s] });
    }
  });

  it('writes no malformed rows when asked for none, writes headers only for no records, and refuses nonsense', async () => {
    const none = await generateProfiSample({ records: 600, seed: 3, out: join(root, 'none') }, { malformedEvery: 0 });
    expect([...none.malformed, ...none.emptied!]).toEqual([]);
    const empty = await generateProfiSample({ records: 0, seed: 3, out: join(root, 'empty') });
    expect([...empty.malformed, ...empty.emptied!]).toEqual([]);
    const emptyRead = await readAll(join(root, 'empty'));
    for (const s of exported) expect(emptyRead.records[s]).toEqual([]);
    await expect(generateProfiSample({ records: 10, seed: 1, out: join(root, 'x') }, { malformedEvery: 2 })).rejects.toThrow(/malformedEvery/);
    await expect(generateProfiSample({ records: -3, seed: 1, out: join(root, 'x') })).rejects.toThrow(/whole number/);
  });
});
