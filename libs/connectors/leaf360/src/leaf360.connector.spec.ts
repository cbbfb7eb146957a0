import { createHash } from 'crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as avro from 'avsc';
import { API_ONLY_DIR, loadRecordSchema, type RecordMessage, type RejectMessage, type SampleManifest, type SourceMessage } from '@ferry/connectors/core';
import { DEMO_LOAN_OFFICERS } from '@ferry/demo';
import { LEAF360_STREAMS, leaf360Key, type Leaf360Stream } from './leaf360.records';
import { Leaf360Connector } from './leaf360.connector';
import { DATAVERSE_FILE_LIMIT_BYTES, type Leaf360SampleNotes } from './sample/leaf360-sample.generator';

const connector = new Leaf360Connector();

async function readAll(dir: string, stream: string, stateEvery?: number): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream, { stateEvery })) out.push(m);
  return out;
}
const recordsOf = (msgs: SourceMessage[]) => msgs.filter((m): m is RecordMessage => m.type === 'record').map((m) => m.record);
const rejectsOf = (msgs: SourceMessage[]) => msgs.filter((m): m is RejectMessage => m.type === 'reject');

/** Every file under `dir` with its sha256 (sparse files by size alone: their bytes are zeros). */
function folderHashes(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(out, folderHashes(dir, rel));
    else {
      const size = statSync(join(dir, rel)).size;
      out[rel] = size > 1024 * 1024 ? `sparse:${size}` : createHash('sha256').update(readFileSync(join(dir, rel))).digest('hex');
    }
  }
  return out;
}

const avroTypes = new Map<string, avro.Type>();
const avroType = (stream: string) => {
  let t = avroTypes.get(stream);
  if (!t) avroTypes.set(stream, (t = avro.Type.forSchema(loadRecordSchema('leaf360', stream) as avro.Schema)));
  return t;
};

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'leaf360-connector-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the Leaf360 catalog', () => {
  const streams = connector.streams();

  it('has every stream once, in the order parents come before children where they can', () => {
    expect(streams.map((s) => s.name)).toEqual([...LEAF360_STREAMS]);
    const seen = new Set<string>();
    for (const s of streams) {
      for (const r of s.references) if (r.object !== s.name) expect(seen).toContain(r.object);
      seen.add(s.name);
    }
  });

  it('names keys, cursors and references that exist in the schemas, with the right types', () => {
    const schemaOf = (name: string) => loadRecordSchema('leaf360', name).fields as Array<{ name: string; type: unknown }>;
    for (const s of streams) {
      const fields = schemaOf(s.name);
      const field = (n: string) => fields.find((f) => f.name === n);
      expect(field(s.key)?.type).toBe('string');
      expect(s.key).toBe(leaf360Key(s.name as Leaf360Stream));
      if (s.cursor !== null) expect(field(s.cursor)?.type).toEqual(['null', { type: 'long', logicalType: 'timestamp-millis' }]);
      for (const r of s.references) {
        expect(streams.map((x) => x.name)).toContain(r.object);
        expect([['null', 'string'], 'string']).toContainEqual(field(r.field)?.type);
        expect(schemaOf(r.object).find((f) => f.name === streams.find((x) => x.name === r.object)!.key)?.type).toBe('string');
      }
    }
  });

  it('puts data in CSV files, workflows in JSON, reports only in the API, each at its own place', () => {
    const files = streams.flatMap((s) => (s.export ? [s.export.file] : []));
    expect(new Set(files).size).toBe(files.length);
    expect(streams.filter((s) => !s.export).map((s) => s.name)).toEqual(['report']);
    expect(streams.find((s) => s.name === 'workflow')!.export).toEqual({ file: 'workflows.json', format: 'json', arrayPath: 'workflows' });
    for (const s of streams.filter((x) => x.export && x.name !== 'workflow')) expect(s.export!.format).toBe('csv');
    const paths = streams.map((s) => s.api?.path);
    expect(paths.every((p) => typeof p === 'string' && p.startsWith('/v1/'))).toBe(true);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('describes the API: bearer token, cursor pages of at most 250, ISO modified_since, items, tombstones on request', () => {
    expect(connector.api).toEqual({
      auth: { header: 'Authorization', scheme: 'Bearer' },
      pagination: { style: 'cursor', cursorParam: 'cursor', sizeParam: 'limit', maxPageSize: 250, nextCursorPath: 'next_cursor' },
      modifiedSince: { param: 'modified_since', format: 'iso' },
      itemsPath: 'items',
      deletes: { includeParam: 'include_deleted', flagField: 'is_deleted' },
    });
  });
});

describe('Leaf360Connector.readExport on a value it cannot read', () => {
  // Real exports wrote optional dates as "16 Apr, 2021 00:02:00" and every contact and deal was quarantined.
  // The core's parser reads that spelling now; the same spelling of a day that does not exist it cannot read.
  const seen = '16 Apr, 2021 00:02:00';
  const odd = '31 Apr, 2021 00:02:00';

  it('reads the month-name spelling real exports wrote', async () => {
    const dir = join(root, 'month-names');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'contacts.csv'), `contact_id,created_at\nct_1,"${seen}"\n`);
    expect(await readAll(dir, 'contact')).toContainEqual(expect.objectContaining({ type: 'record', record: expect.objectContaining({ created_at: Date.UTC(2021, 3, 16, 0, 2) }) }));
  });

  it('keeps a contact and a deal whose optional date it cannot read, emptying the date and naming file and line', async () => {
    const dir = join(root, 'odd-dates');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'contacts.csv'), `contact_id,first_name,created_at,updated_at\nct_1,Ann,2021-04-16,\nct_2,Bob,"${odd}",2021-04-17\n`);
    writeFileSync(join(dir, 'deals.csv'), `deal_id,dealname,closedate,loan_amount\ndl_1,Oak St,"${odd}",350000\n`);
    const contacts = await readAll(dir, 'contact');
    expect(rejectsOf(contacts)).toEqual([]);
    expect(contacts[1]).toMatchObject({
      type: 'record',
      origin: { file: 'contacts.csv', line: 3 },
      record: { contact_id: 'ct_2', first_name: 'Bob', created_at: null, updated_at: Date.UTC(2021, 3, 17) },
      issues: [{ field: 'created_at', column: 'created_at', code: 'BAD_TIMESTAMP', value: odd, problem: expect.stringMatching(/^which is not a date and time/) }],
    });
    expect(contacts[0]).not.toHaveProperty('issues');
    const deals = await readAll(dir, 'deal');
    expect(rejectsOf(deals)).toEqual([]);
    expect(deals[0]).toMatchObject({
      type: 'record',
      origin: { file: 'deals.csv', line: 2 },
      record: { deal_id: 'dl_1', closedate: null, loan_amount: '350000.00' },
      issues: [{ field: 'closedate', code: 'BAD_DATE', value: odd }],
    });
  });

  it('keeps a row whose optional number is not a number, emptying it', async () => {
    const dir = join(root, 'odd-number');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pipeline_stages.csv'), 'stage_id,pipeline_id,label,display_order,probability,is_closed\nps_1,pl_1,Processing,1,about half,false\n');
    const msgs = await readAll(dir, 'pipeline_stage');
    expect(msgs[0]).toMatchObject({
      type: 'record',
      origin: { file: 'pipeline_stages.csv', line: 2 },
      record: { stage_id: 'ps_1', probability: null, is_closed: false },
      issues: [{ field: 'probability', code: 'BAD_NUMBER', value: 'about half' }],
    });
  });

  it('still quarantines a row whose required value it cannot read, naming file, line, column and value', async () => {
    const dir = join(root, 'odd-required');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'users.csv'), `user_id,email,active,created_at\nus_1,ann@example.com,Yes,"${odd}"\nus_2,bob@example.com,maybe,2021-04-16\n`);
    const msgs = await readAll(dir, 'user');
    expect(msgs[0]).toMatchObject({ type: 'record', origin: { line: 2 }, record: { user_id: 'us_1', active: true, created_at: null }, issues: [{ field: 'created_at' }] });
    expect(rejectsOf(msgs)).toEqual([
      expect.objectContaining({
        origin: { file: 'users.csv', line: 3 },
        code: 'BAD_BOOLEAN',
        reason: expect.stringMatching(/^users\.csv line 3: column "active" has "maybe", which is not a yes\/no value/),
      }),
    ]);
  });
});

describe('Leaf360Connector.generate', () => {
  const RECORDS = 12_000;
  let dir: string;
  let manifest: SampleManifest;
  let notes: Leaf360SampleNotes;
  const read = new Map<string, SourceMessage[]>();
  const records = (s: string) => recordsOf(read.get(s)!);

  beforeAll(async () => {
    dir = join(root, 'full');
    manifest = await connector.generate({ records: RECORDS, seed: 360, out: dir });
    notes = manifest.notes as unknown as Leaf360SampleNotes;
    for (const s of connector.streams()) if (s.export) read.set(s.name, await readAll(dir, s.name, 500));
    read.set(
      'report',
      readFileSync(join(dir, API_ONLY_DIR, 'report.ndjson'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => ({ type: 'record', stream: 'report', record: JSON.parse(l), origin: {} }) as RecordMessage),
    );
  });

  it('writes exactly the records asked for, spread over every object', () => {
    expect(Object.keys(manifest.counts)).toEqual([...LEAF360_STREAMS]);
    expect(Object.values(manifest.counts).reduce((a, b) => a + b, 0)).toBe(RECORDS);
    for (const n of Object.values(manifest.counts)) expect(n).toBeGreaterThan(0);
    expect(manifest.counts.contact).toBeGreaterThan(manifest.counts.deal);
    expect(manifest.counts.deal).toBeGreaterThan(manifest.counts.company);
    expect(manifest).toMatchObject({ system: 'leaf360', seed: 360 });
  });

  it('quarantines every malformed row with the manifest’s code and line, and reads every other row as a record', () => {
    for (const [stream, msgs] of read) {
      if (stream === 'report') continue;
      const want = manifest.malformed.filter((m) => m.stream === stream);
      const emptied = manifest.emptied!.filter((m) => m.stream === stream);
      expect(want.length + emptied.length).toBeGreaterThan(0);
      const got = rejectsOf(msgs).map((r) => ({ stream: r.stream, file: r.origin.file, line: r.origin.line, code: r.code }));
      expect(got).toEqual(want);
      expect(recordsOf(msgs)).toHaveLength(manifest.counts[stream] - want.length);
      for (const r of rejectsOf(msgs)) expect(r.reason).toMatch(new RegExp(`^${r.origin.file!.replace('.', '\\.')} (line|item) ${r.origin.line}`));
    }
  });

  it('keeps every row whose bad value is in an optional column, that field emptied and listed with the row’s file and line', () => {
    expect(manifest.emptied!.length).toBeGreaterThan(0);
    for (const [stream, msgs] of read) {
      if (stream === 'report') continue;
      const got = msgs.flatMap((m) =>
        m.type === 'record' ? (m.issues ?? []).filter((i) => i.code !== 'REPAIRED_ENCODING').map((i) => ({ stream, file: m.origin.file, line: m.origin.line, field: i.field, code: i.code })) : [],
      );
      expect(got).toEqual(manifest.emptied!.filter((e) => e.stream === stream));
    }
  });

  it('yields a state after every stateEvery rows and a complete one at the end', () => {
    const msgs = read.get('contact')!;
    const states = msgs.filter((m) => m.type === 'state');
    expect(states.length).toBe(Math.floor(manifest.counts.contact / 500) + 1);
    expect(states[states.length - 1]).toMatchObject({ state: { complete: true } });
    expect(msgs[msgs.length - 1]).toBe(states[states.length - 1]);
  });

  it('reads records that validate against their Avro schema, keys unique', () => {
    for (const [stream, msgs] of read) {
      const type = avroType(stream);
      const key = leaf360Key(stream as Leaf360Stream);
      const keys = new Set<unknown>();
      for (const r of recordsOf(msgs)) {
        if (!type.isValid(r)) throw new Error(`${stream} record does not fit its schema: ${JSON.stringify(r)}`);
        keys.add(r[key]);
      }
      expect(keys.size).toBe(recordsOf(msgs).length);
    }
  });

  it('points only at records that exist, except the orphans the manifest lists', () => {
    const keys = new Map(LEAF360_STREAMS.map((s) => [s, new Set(records(s).map((r) => r[leaf360Key(s)]))]));
    const orphans = new Set(notes.orphans.map((o) => `${o.stream}:${o.id}:${o.field}`));
    let dangling = 0;
    for (const def of connector.streams()) {
      for (const r of records(def.name)) {
        for (const ref of def.references) {
          const v = r[ref.field];
          if (v === null || keys.get(ref.object as Leaf360Stream)!.has(v)) continue;
          dangling++;
          expect(orphans).toContain(`${def.name}:${r[def.key]}:${ref.field}`);
        }
      }
    }
    expect(dangling).toBe(notes.orphans.length);
    expect(notes.orphans.some((o) => o.stream === 'deal' && o.field === 'company_id')).toBe(true);
    expect(notes.orphans.some((o) => o.stream === 'engagement' && o.field === 'contact_id')).toBe(true);
    for (const o of notes.orphans) expect([...notes.deletedCompanies, ...notes.deletedContacts]).toContain(o.missing);
  });

  it('has a company parent cycle and a five-deep parent chain', () => {
    const parent = new Map(records('company').map((c) => [c.company_id, c.parent_company_id]));
    const [a, b] = notes.parentCycle;
    expect(parent.get(a)).toBe(b);
    expect(parent.get(b)).toBe(a);
    const chain = notes.parentChain;
    expect(chain).toHaveLength(5);
    for (let i = 0; i < 4; i++) expect(parent.get(chain[i])).toBe(chain[i + 1]);
    expect(parent.get(chain[4])).toBeNull();
  });

  it('enters the same person twice, spelled differently, sharing an email or a phone', () => {
    const byId = new Map(records('contact').map((c) => [c.contact_id, c]));
    const digits = (p: unknown) => String(p ?? '').replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
    expect(notes.duplicates.count).toBeGreaterThan(10);
    expect(notes.duplicates.examples).toHaveLength(notes.duplicates.count);
    for (const d of notes.duplicates.examples) {
      const dup = byId.get(d.id)!;
      const orig = byId.get(d.duplicateOf)!;
      if (d.matchedOn === 'email') expect(String(dup.email).toLowerCase()).toBe(String(orig.email).toLowerCase());
      else expect(digits(dup.phone)).toBe(digits(orig.phone));
      expect(`${dup.first_name}|${dup.last_name}`).not.toBe(`${orig.first_name}|${orig.last_name}`);
    }
  });

  it('keeps bad emails and phones as written, and loan officers who left or never had a login', () => {
    const contacts = new Map(records('contact').map((c) => [c.contact_id, c]));
    expect(notes.malformedEmails.count).toBeGreaterThan(0);
    for (const e of notes.malformedEmails.examples) expect(contacts.get(e.id)!.email).toBe(e.email);
    for (const p of notes.malformedPhones.examples) expect(contacts.get(p.id)!.phone).toBe(p.phone);
    const users = records('user');
    expect(users.filter((u) => u.active === false).map((u) => u.email)).toEqual(notes.users.inactive);
    expect(notes.users.inactive).toContain('frank.lee@oldbroker.example');
    expect(notes.users.neverUsers).toEqual(['grace.hall@oldbroker.example']);
    const emails = new Set(users.map((u) => u.email));
    const owners = new Set([...records('contact'), ...records('deal')].map((r) => r.loan_officer));
    for (const o of DEMO_LOAN_OFFICERS) expect(owners).toContain(o);
    expect(emails.has('Brian.Okafor@contoso-lending.example')).toBe(false);
    expect(notes.users.spelledDifferently).toEqual(['Brian.Okafor@contoso-lending.example']);
  });

  it('writes every attachment’s bytes at its path: small files whole, oversized ones sparse, a few missing', () => {
    const attachments = records('attachment');
    const oversized = new Set(notes.attachments.oversized.map((o) => o.id));
    const missing = new Set(notes.attachments.missingFiles.map((o) => o.id));
    expect(oversized.size).toBeGreaterThan(0);
    expect(missing.size).toBeGreaterThan(0);
    for (const a of attachments) {
      expect(a.path).toMatch(/^files\//);
      expect([a.contact_id, a.company_id, a.deal_id].filter((x) => x !== null)).toHaveLength(1);
      const path = join(dir, a.path as string);
      if (missing.has(a.attachment_id as string)) {
        expect(() => statSync(path)).toThrow(/ENOENT/);
        continue;
      }
      const st = statSync(path);
      expect(st.size).toBe(a.size_bytes);
      if (oversized.has(a.attachment_id as string)) {
        expect(a.size_bytes).toBeGreaterThan(DATAVERSE_FILE_LIMIT_BYTES);
        expect(st.blocks * 512).toBeLessThan(1024 * 1024);
      } else expect(a.size_bytes).toBeLessThan(DATAVERSE_FILE_LIMIT_BYTES);
    }
  });

  it('looks like a mortgage CRM: stage history matching each deal’s stage, HTML and other scripts in engagements, custom columns', () => {
    const deals = new Map(records('deal').map((d) => [d.deal_id, d]));
    const history = new Map<unknown, Array<Record<string, unknown>>>();
    for (const h of records('deal_stage_history')) history.set(h.deal_id, [...(history.get(h.deal_id) ?? []), h]);
    const stages = records('pipeline_stage').filter((s) => s.pipeline_id === 'pl_mortgage').map((s) => s.label);
    expect(stages).toEqual(['Pre-Approval', 'Processing', 'Underwriting', 'Clear to Close', 'Funded']);
    let checked = 0;
    for (const [dealId, rows] of history) {
      const deal = deals.get(dealId);
      if (!deal) continue;
      expect(rows.map((r) => r.stage)).toEqual(stages.slice(0, rows.length));
      expect(rows[rows.length - 1].stage).toBe(deal.dealstage);
      expect(rows[rows.length - 1].exited_at).toBeNull();
      for (let i = 0; i + 1 < rows.length; i++) expect(rows[i].exited_at).toBe(rows[i + 1].entered_at);
      checked++;
    }
    expect(checked).toBeGreaterThan(deals.size * 0.95);
    const engagements = records('engagement');
    expect(new Set(engagements.map((e) => String(e.type).toLowerCase()))).toEqual(new Set(['call', 'email', 'meeting', 'note', 'phone call', 'e-mail']));
    expect(engagements.some((e) => /<p>|<br>|<li>/.test(String(e.body)))).toBe(true);
    expect(engagements.some((e) => /\p{Extended_Pictographic}/u.test(`${e.subject}${e.body}`))).toBe(true);
    expect(engagements.some((e) => /[\u0400-\u04ff\u3040-\u30ff\u4e00-\u9fff]/.test(String(e.body)))).toBe(true);
    expect(Object.keys(records('deal')[0].custom as object)).toEqual(
      expect.arrayContaining(['referral_source', 'interest_rate', 'ltv_ratio', 'lock_expiration', 'property_type', 'occupancy', 'loan_number']),
    );
    expect(notes.customColumns.contact).toEqual(['notes', 'credit_score', 'first_time_buyer', 'preferred_language', 'annual_income']);
    const referrals = records('referral');
    expect(referrals.some((r) => r.partner_contact_id !== null)).toBe(true);
    expect(referrals.some((r) => r.partner_company_id !== null)).toBe(true);
    for (const r of referrals) expect((r.partner_contact_id === null) !== (r.partner_company_id === null)).toBe(true);
  });

  it('round-trips every record through the API shape', () => {
    for (const [stream, msgs] of read) {
      for (const r of recordsOf(msgs)) {
        const item = connector.toApiItem(stream, r);
        expect(item.id).toBe(r[leaf360Key(stream as Leaf360Stream)]);
        expect(connector.fromApiItem(stream, JSON.parse(JSON.stringify(item)))).toEqual({ record: r });
      }
    }
  });

  it('turns every workflow and report into an automation to rebuild, in Power Automate or a classic workflow and in Flow', () => {
    const workflows = records('workflow');
    expect(workflows.length).toBeGreaterThanOrEqual(12);
    for (const w of workflows) {
      const [a] = connector.automations('workflow', w);
      expect(a).toMatchObject({ id: w.workflow_id, name: w.name, kind: w.kind, active: w.active, conditions: w.conditions, actions: w.actions });
      expect(a.rebuildIn.dynamics).toMatch(/Power Automate cloud flow|classic workflow/);
      expect(a.rebuildIn.salesforce).toMatch(/Flow/);
    }
    expect(new Set(workflows.map((w) => w.kind))).toEqual(new Set(['lead-routing', 'drip-sequence', 'task-trigger', 'sla-timer']));
    const reports = records('report');
    const dashboards = reports.filter((r) => r.kind === 'dashboard');
    expect(dashboards.length).toBeGreaterThan(0);
    for (const r of reports) {
      const [a] = connector.automations('report', r);
      expect(a).toMatchObject({ id: r.report_id, kind: r.kind, conditions: r.filters });
      expect(a.rebuildIn.dynamics).toMatch(/Dynamics 365 (view|dashboard)/);
    }
    expect(connector.automations('contact', records('contact')[0])).toEqual([]);
  });

  it('writes the same bytes for the same seed, and different ones for another', async () => {
    const again = join(root, 'again');
    const other = join(root, 'other');
    const m2 = await connector.generate({ records: RECORDS, seed: 360, out: again });
    await connector.generate({ records: RECORDS, seed: 361, out: other });
    const a = folderHashes(dir);
    expect(folderHashes(again)).toEqual(a);
    expect(m2).toEqual(manifest);
    const b = folderHashes(other);
    for (const def of connector.streams()) {
      const file = def.export?.file ?? `${API_ONLY_DIR}/${def.name}.ndjson`;
      expect({ file, hash: b[file] }).not.toEqual({ file, hash: a[file] });
    }
  });

});

describe('Leaf360Connector.checkExport', () => {
  let dir: string;
  beforeAll(async () => {
    dir = join(root, 'check');
    await connector.generate({ records: 400, seed: 1, out: dir });
  });

  it('names each file that is missing, lacks a required column or is not JSON, and a missing files folder', async () => {
    const broken = join(root, 'broken');
    mkdirSync(broken);
    for (const f of readdirSync(dir)) if (f.endsWith('.csv') || f.endsWith('.json')) copyFileSync(join(dir, f), join(broken, f));
    rmSync(join(broken, 'referrals.csv'));
    writeFileSync(join(broken, 'deals.csv'), 'deal_id,loan_amount\ndl_1,5\n');
    writeFileSync(join(broken, 'workflows.json'), '{"workflows": [ {"workflow_id": ');
    const result = await connector.checkExport(broken);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([
      'deals.csv line 1: no column for required field dealname; the header has deal_id, loan_amount; rename the column that holds it to "dealname"',
      `referrals.csv is missing from ${broken} (the referral object is read from it); put the export's referrals.csv there, or leave referral out`,
      expect.stringMatching(/workflows\.json/),
      expect.stringMatching(/files is missing: attachments\.csv lists files/),
    ]);
    expect(await connector.checkExport(join(root, 'nowhere'))).toEqual({ ok: false, problems: [expect.stringMatching(/nowhere is not a folder/)] });
  });
});

describe('Leaf360Connector API items', () => {
  it('maps a deal into the API shape and back', () => {
    const deal = {
      deal_id: 'dl_1', dealname: 'Okafor – 12 Oak St Purchase', loan_amount: '350000.50', closedate: 19_904, loan_type: 'FHA',
      preapproval_date: null, pipeline: 'Mortgage', dealstage: 'Underwriting', company_id: 'co_9', contact_id: null,
      loan_officer: 'Brian.Okafor@contoso-lending.example', created_at: Date.UTC(2024, 0, 2, 3, 4, 5, 6), updated_at: null,
      custom: { loan_number: 'LN-2024-000001' },
    };
    const item = connector.toApiItem('deal', deal);
    expect(item).toEqual({
      id: 'dl_1',
      created_at: '2024-01-02T03:04:05.006Z',
      updated_at: null,
      properties: {
        dealname: 'Okafor – 12 Oak St Purchase', loan_amount: '350000.50', closedate: '2024-06-30', loan_type: 'FHA',
        preapproval_date: null, pipeline: 'Mortgage', dealstage: 'Underwriting',
      },
      associations: { company: 'co_9', contact: null },
      owner: { email: 'Brian.Okafor@contoso-lending.example' },
      custom_fields: { loan_number: 'LN-2024-000001' },
    });
    expect(connector.fromApiItem('deal', item)).toEqual({ record: deal });
  });

  it('reads what the API may add: numbers for money and times, unknown properties into custom', () => {
    const out = connector.fromApiItem('deal', {
      id: 42,
      created_at: 1_700_000_000_000,
      properties: { dealname: 'x', loan_amount: 1250.5, hubspot_score: 7 },
      associations: { company: 'co_1', broker: 'co_7' },
      custom_fields: { lock: 'yes' },
    });
    expect(out).toEqual({
      record: expect.objectContaining({
        deal_id: '42', loan_amount: '1250.50', created_at: 1_700_000_000_000, updated_at: null, company_id: 'co_1', loan_officer: null,
        custom: { hubspot_score: '7', association_broker: 'co_7', lock: 'yes' },
      }),
    });
  });

  it('refuses items it cannot type, naming the resource, the item and the property', () => {
    expect(connector.fromApiItem('deal', { id: 'dl_9', properties: { dealname: 'x', closedate: 'soon' } })).toEqual({
      code: 'BAD_DATE',
      reason: expect.stringMatching(/^\/v1\/deals item dl_9: property "closedate" has "soon", which is not a date/),
    });
    expect(connector.fromApiItem('contact', { properties: {} })).toEqual({ code: 'MISSING_VALUE', reason: expect.stringMatching(/^\/v1\/contacts: an item has no id/) });
    expect(connector.fromApiItem('company', { id: 'co_1', properties: { name: '' } })).toMatchObject({ code: 'MISSING_VALUE' });
    expect(connector.fromApiItem('company', { id: 'co_1', properties: 'name=x' })).toMatchObject({ code: 'BAD_RECORD' });
    expect(connector.fromApiItem('user', { id: 'us_1', properties: { email: 'a@b.example', active: 'sometimes' } })).toMatchObject({ code: 'BAD_BOOLEAN' });
    expect(() => connector.fromApiItem('lead', { id: 1 })).toThrow(/leaf360 has no stream "lead"/);
  });

  it('reads a tombstone as a record carrying its key', () => {
    const out = connector.fromApiItem('company', { id: 'co_5', is_deleted: true });
    expect(out).toEqual({ record: expect.objectContaining({ company_id: 'co_5', name: null, custom: {} }) });
  });
});
