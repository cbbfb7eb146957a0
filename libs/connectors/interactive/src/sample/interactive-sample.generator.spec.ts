import * as avro from 'avsc';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { DEMO_USERS } from '@ferry/demo';
import { API_ONLY_DIR, loadRecordSchema, type SampleManifest, type SourceMessage } from '@ferry/connectors/core';
import { INTERACTIVE_STREAMS } from '../interactive.catalog';
import { InteractiveConnector } from '../interactive.connector';
import { generateInteractiveSample } from './interactive-sample.generator';
import { MIN_SAMPLE_RECORDS, planSample } from './interactive-sample.plan';

const connector = new InteractiveConnector();
const exported = INTERACTIVE_STREAMS.filter((s) => s.export).map((s) => s.name);
const keyOf = (stream: string) => INTERACTIVE_STREAMS.find((s) => s.name === stream)!.key;
type Rec = Record<string, unknown> & { custom: Record<string, string> };

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

interface Read {
  /** the records of good rows */
  records: Record<string, Rec[]>;
  rejects: Array<{ stream: string; file: string; line: number; code: string }>;
  lines: Record<string, number[]>;
  /** malformed rows read all the same, their bad optional value emptied: nothing refers to them */
  spoiled: Record<string, Rec[]>;
  /** the values emptied, as the manifest lists them */
  emptied: Array<{ stream: string; file: string; line: number; field: string; code: string }>;
}

async function readSample(dir: string): Promise<Read> {
  const read: Read = { records: {}, rejects: [], lines: {}, spoiled: {}, emptied: [] };
  for (const s of exported) {
    read.records[s] = [];
    read.lines[s] = [];
    read.spoiled[s] = [];
    for await (const m of connector.readExport(dir, s) as AsyncIterable<SourceMessage>) {
      if (m.type === 'record') {
        const emptied = (m.issues ?? []).filter((i) => i.code !== 'REPAIRED_ENCODING');
        for (const i of emptied) {
          expect({ line: m.origin.line, [i.field]: m.record[i.field] }).toEqual({ line: m.origin.line, [i.field]: null });
          read.emptied.push({ stream: s, file: m.origin.file!, line: m.origin.line!, field: i.field, code: i.code });
        }
        if (emptied.length > 0) read.spoiled[s].push(m.record as Rec);
        else {
          read.records[s].push(m.record as Rec);
          read.lines[s].push(m.origin.line!);
        }
      } else if (m.type === 'reject') read.rejects.push({ stream: s, file: m.origin.file!, line: m.origin.line!, code: m.code });
    }
  }
  return read;
}

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'interactive-sample-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('planSample', () => {
  it('spreads exactly the asked-for number of rows over every object', () => {
    for (const n of [MIN_SAMPLE_RECORDS, 2000, 12_345, 1_000_000]) {
      const plan = planSample(n, 1, 200);
      const total = Object.keys(plan.good).reduce((t, s) => t + plan.good[s as keyof typeof plan.good] + plan.bad[s as keyof typeof plan.bad], 0);
      expect(total).toBe(n);
      for (const s of INTERACTIVE_STREAMS) expect({ s: s.name, n, good: plan.good[s.name as keyof typeof plan.good] > 0 }).toEqual({ s: s.name, n, good: true });
    }
  });

  it('keeps the proportions of a practice: many contacts, fewer companies and deals, a handful of owners', () => {
    const { good } = planSample(1_000_000, 1, 200);
    expect(good.contact / 1_000_000).toBeGreaterThan(0.15);
    expect(good.contact / good.company).toBeGreaterThan(3);
    expect(good.association).toBeGreaterThan(good.contact);
    expect(good.owner).toBeLessThan(100);
    expect(good.activity).toBeGreaterThan(good.note);
  });

  it('refuses sizes and settings it cannot honour', () => {
    expect(() => planSample(MIN_SAMPLE_RECORDS - 1, 1, 200)).toThrow(/at least 300 records/);
    expect(() => planSample(2000.5, 1, 200)).toThrow(RangeError);
    expect(() => planSample(2000, 1, 1)).toThrow(/malformedEvery/);
  });
});

describe('generateInteractiveSample', () => {
  it('writes the same bytes for the same seed, every file included, and different bytes for another seed', async () => {
    const a = await generateInteractiveSample({ records: 2000, seed: 42, out: join(root, 'a') });
    const b = await generateInteractiveSample({ records: 2000, seed: 42, out: join(root, 'b') });
    const c = await generateInteractiveSample({ records: 2000, seed: 43, out: join(root, 'c') });
    const ha = hashes(join(root, 'a'));
    expect(hashes(join(root, 'b'))).toEqual(ha);
    expect(b).toEqual(a);
    const hc = hashes(join(root, 'c'));
    for (const file of [...INTERACTIVE_STREAMS.flatMap((s) => (s.export ? [s.export.file] : [])), `${API_ONLY_DIR}/deal_stage_history.ndjson`]) {
      expect({ file, differs: hc[file] !== undefined && hc[file] !== ha[file] }).toEqual({ file, differs: true });
    }
    expect(c.counts).not.toEqual(a.counts);
  });

  it('refuses a format Interactive does not export', async () => {
    await expect(generateInteractiveSample({ records: 2000, seed: 1, out: join(root, 'x'), format: 'csv' })).rejects.toThrow(/no csv export/);
  });

  describe('a 2,000-record sample read back through the connector', () => {
    let manifest: SampleManifest;
    let read: Read;
    const dir = () => join(root, 'read');
    beforeAll(async () => {
      manifest = await generateInteractiveSample({ records: 2000, seed: 2024, out: dir() });
      read = await readSample(dir());
    });

    it('counts 2,000 rows in all, with a few malformed ones in every file', () => {
      expect(Object.values(manifest.counts).reduce((a, b) => a + b, 0)).toBe(2000);
      expect(manifest.system).toBe('interactive');
      for (const s of exported) expect({ s, bad: [...manifest.malformed, ...manifest.emptied!].some((m) => m.stream === s) }).toEqual({ s, bad: true });
    });

    it('quarantines every malformed row with the manifest\'s line and code, and reads every other row', () => {
      expect(read.rejects).toEqual(exported.flatMap((s) => manifest.malformed.filter((m) => m.stream === s)));
      for (const s of exported) {
        const bad = manifest.malformed.filter((m) => m.stream === s).length;
        expect({ s, records: read.records[s].length + read.spoiled[s].length }).toEqual({ s, records: manifest.counts[s] - bad });
        expect(new Set(read.records[s].map((r) => r[keyOf(s)])).size).toBe(read.records[s].length);
      }
    });

    it('keeps each malformed row whose bad value is in an optional field, that field empty and listed with file and line', () => {
      expect(read.emptied).toEqual(exported.flatMap((s) => manifest.emptied!.filter((m) => m.stream === s)));
      expect(manifest.emptied!.length).toBeGreaterThan(0);
    });

    it('produces records the Avro schemas accept, the API-only stage history included', () => {
      for (const s of exported) {
        const type = avro.Type.forSchema(loadRecordSchema('interactive', s) as avro.Schema);
        for (const r of read.records[s]) if (!type.isValid(r)) throw new Error(`${s} record fails its schema: ${JSON.stringify(r)}`);
      }
      const history = readFileSync(join(dir(), API_ONLY_DIR, 'deal_stage_history.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Rec);
      expect(history).toHaveLength(manifest.counts.deal_stage_history);
      const type = avro.Type.forSchema(loadRecordSchema('interactive', 'deal_stage_history') as avro.Schema);
      const deals = new Set(read.records.deal.map((d) => d.deal_id));
      for (const h of history) {
        expect(type.isValid(h)).toBe(true);
        expect(deals).toContain(h.deal_id);
      }
    });

    it('round-trips every record through the API item shape', () => {
      for (const s of exported) for (const r of read.records[s]) expect(connector.fromApiItem(s, connector.toApiItem(s, r))).toEqual({ record: r });
    });

    it('points every reference at a record that exists, apart from the orphans the manifest lists', () => {
      const ids = new Map(exported.map((s) => [s, new Set(read.records[s].map((r) => r[keyOf(s)] as string))]));
      for (const def of INTERACTIVE_STREAMS.filter((d) => d.export)) {
        for (const ref of def.references) {
          const dangling = read.records[def.name].filter((r) => r[ref.field] !== null && !ids.get(ref.object)!.has(r[ref.field] as string));
          const listed = manifest.notes[`orphans.${def.name}.${ref.field}`] as { count: number } | undefined;
          expect({ ref: `${def.name}.${ref.field}`, dangling: dangling.length }).toEqual({ ref: `${def.name}.${ref.field}`, dangling: listed?.count ?? 0 });
        }
      }
      expect(Object.keys(manifest.notes).filter((k) => k.startsWith('orphans.')).length).toBeGreaterThan(3);
    });

    it('links contacts to a primary company that matches their Primary association, and some to further companies', () => {
      const links = read.records.association.filter((a) => a.association_type === 'contact_company');
      const primary = new Map(links.filter((a) => a.is_primary === true).map((a) => [a.contact_id, a.company_id]));
      for (const c of read.records.contact) expect(primary.get(c.contact_id) ?? null).toBe(c.primary_company_id);
      const further = links.filter((a) => a.is_primary === false && primary.has(a.contact_id));
      expect(further.length).toBeGreaterThan(5);
      for (const a of further) expect(a.company_id).not.toBe(primary.get(a.contact_id));
    });

    it('joins matters and contacts many-to-many, a client and often a spouse per matter', () => {
      const links = read.records.association.filter((a) => a.association_type === 'matter_contact');
      const perMatter = new Map<unknown, Set<unknown>>();
      const perContact = new Map<unknown, Set<unknown>>();
      for (const a of links) {
        perMatter.set(a.matter_id, (perMatter.get(a.matter_id) ?? new Set()).add(a.contact_id));
        perContact.set(a.contact_id, (perContact.get(a.contact_id) ?? new Set()).add(a.matter_id));
      }
      expect(perMatter.size).toBe(read.records.matter.length);
      expect([...perMatter.values()].some((c) => c.size > 1)).toBe(true);
      expect([...perContact.values()].some((m) => m.size > 1)).toBe(true);
      expect(links.filter((a) => a.label === 'Client')).toHaveLength(read.records.matter.length);
      expect(links.some((a) => a.label === 'Spouse')).toBe(true);
      const meetings = new Set(read.records.activity.filter((a) => a.activity_type === 'MEETING').map((a) => a.activity_id));
      const attendees = read.records.association.filter((a) => a.association_type === 'activity_contact');
      expect(attendees.length).toBeGreaterThan(0);
      for (const a of attendees) expect(meetings).toContain(a.activity_id);
    });

    it('holds the mess of a real account: duplicates, odd names, ambiguous lifecycle stages, bad emails and phones', () => {
      const contacts = read.records.contact;
      const byId = new Map(contacts.map((c) => [c.contact_id, c]));
      const dups = manifest.notes['contacts.duplicates'] as { count: number; examples: string[][] };
      expect(dups.count).toBeGreaterThan(3);
      const digits = (p: unknown) => String(p ?? '').replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
      for (const [first, second] of dups.examples) {
        const a = byId.get(first);
        const b = byId.get(second);
        if (!a || !b) continue;
        const sameEmail = a.email !== null && String(a.email).toLowerCase() === String(b.email).toLowerCase();
        const samePhone = a.phone !== null && digits(a.phone) === digits(b.phone);
        expect({ first, second, shared: sameEmail || samePhone }).toEqual({ first, second, shared: true });
        expect(`${a.first_name} ${a.last_name}`).not.toBe(`${b.first_name} ${b.last_name}`);
      }
      const names = contacts.map((c) => `${c.first_name ?? ''} ${c.last_name ?? ''}`);
      expect(names.some((n) => /[\u0600-\u06ff]/.test(n))).toBe(true);
      expect(names.some((n) => /[\u0400-\u04ff]/.test(n))).toBe(true);
      expect(names.some((n) => /[\u3040-\u30ff\u4e00-\u9fff\uac00-\ud7af]/.test(n))).toBe(true);
      expect(names.some((n) => /[çğışöüİ]/i.test(n))).toBe(true);
      expect(names.some((n) => /\p{Extended_Pictographic}/u.test(n))).toBe(true);
      expect(names.some((n) => /<b>|&amp;/.test(n))).toBe(true);
      const stages = new Set(contacts.map((c) => c.lifecycle_stage));
      for (const s of ['lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']) expect(stages).toContain(s);
      expect(contacts.some((c) => c.lifecycle_stage === null)).toBe(true);
      expect((manifest.notes['contacts.legacyLifecycle'] as { count: number }).count).toBeGreaterThan(0);
      expect(contacts.some((c) => c.email === null)).toBe(true);
      expect(contacts.some((c) => c.email !== null && !/^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(String(c.email)))).toBe(true);
      expect(contacts.some((c) => c.phone !== null && /[A-Za-z]|^0{3}/.test(String(c.phone)))).toBe(true);
      expect(contacts.some((c) => c.custom.estate_plan_type !== undefined && c.custom.marital_status !== undefined)).toBe(true);
    });

    it('writes money with currency symbols and times in mixed formats and zones, which read back exact', () => {
      const raw = readFileSync(join(dir(), 'deals.ndjson'), 'utf8');
      expect(raw).toMatch(/"amount":"\$[\d,]+(\.\d\d)?"/);
      expect(raw).toMatch(/"amount":"\d+\.\d\d"/);
      expect(readFileSync(join(dir(), 'companies.ndjson'), 'utf8')).toMatch(/"annual_revenue":"€/);
      for (const d of read.records.deal) expect(d.amount === null || /^\d+\.\d\d$/.test(String(d.amount))).toBe(true);
      const contacts = readFileSync(join(dir(), 'contacts.ndjson'), 'utf8');
      expect(contacts).toMatch(/"last_contacted_at":"\d{13}"/);
      expect(contacts).toMatch(/"last_contacted_at":"[^"]+[+-]\d\d:\d\d"/);
      expect(contacts).toMatch(/"became_customer_on":"\d\d\/\d\d\/\d{4}"/);
      expect(contacts).toMatch(/"createdAt":"[^"]+[+-]\d\d:\d\d"/);
    });

    it('has HTML notes, some with inline images, and owners who left, never signed in, or match the demo users', () => {
      const bodies = read.records.note.map((n) => String(n.body));
      expect(bodies.some((b) => /<img src="data:image\/png;base64,/.test(b))).toBe(true);
      expect(bodies.some((b) => /<img src="(https:|cid:)/.test(b))).toBe(true);
      expect(bodies.every((b) => b.length > 0)).toBe(true);
      const owners = read.records.owner;
      expect(owners.some((o) => o.active === false)).toBe(true);
      expect(owners.some((o) => o.user_id === null)).toBe(true);
      expect(owners.some((o) => o.email === null)).toBe(true);
      const demo = new Set(DEMO_USERS.map((u) => u.internalemailaddress.toLowerCase()));
      const matching = owners.filter((o) => o.email !== null && demo.has(String(o.email).toLowerCase()));
      expect(matching.length).toBeGreaterThanOrEqual(4);
      const assigned = new Set(read.records.contact.map((c) => c.owner_id));
      for (const o of matching.filter((m) => m.active)) expect(assigned).toContain(o.owner_id);
    });

    it('keeps attachment bytes under files/: small ones written out, oversized ones sparse at their declared size', () => {
      const missingNote = manifest.notes['attachments.missingFile'] as { count: number; examples: string[] };
      const missing = new Set(missingNote.examples);
      expect(missing.size).toBe(missingNote.count);
      const large = manifest.notes['attachments.tooLarge'] as { count: number; examples: Array<{ attachment_id: string; size_bytes: number }> };
      expect(missing.size).toBeGreaterThan(0);
      expect(large.count).toBeGreaterThan(0);
      for (const a of read.records.attachment) {
        const path = join(dir(), String(a.path));
        if (missing.has(String(a.attachment_id))) {
          expect(existsSync(path)).toBe(false);
          continue;
        }
        const st = statSync(path);
        expect({ id: a.attachment_id, size: st.size }).toEqual({ id: a.attachment_id, size: a.size_bytes });
        if (st.size > 5 * 1024 * 1024) {
          expect(large.examples.map((l) => l.attachment_id)).toContain(a.attachment_id);
          expect(st.blocks * 512).toBeLessThan(st.size / 10);
        }
      }
    });

    it('passes checkExport', async () => {
      await expect(connector.checkExport(dir())).resolves.toEqual({ ok: true, problems: [] });
    });
  });

  it('quarantines every kind of malformed row in every file when they come thick and fast', async () => {
    const manifest = await generateInteractiveSample({ records: 2500, seed: 77, out: join(root, 'dense'), malformedEvery: 6 });
    const read = await readSample(join(root, 'dense'));
    expect(read.rejects).toEqual(exported.flatMap((s) => manifest.malformed.filter((m) => m.stream === s)));
    expect(read.emptied).toEqual(exported.flatMap((s) => manifest.emptied!.filter((m) => m.stream === s)));
    // every typed Interactive field is optional: a bad value is emptied (a placeholder as MISSING_VALUE);
    // broken JSON, a missing id or name and an unknown object are quarantined
    expect([...new Set(manifest.malformed.map((m) => m.code))].sort()).toEqual(['BAD_JSON', 'BAD_RECORD', 'MISSING_VALUE']);
    expect([...new Set(manifest.emptied!.map((m) => m.code))].sort()).toEqual(['BAD_BOOLEAN', 'BAD_DATE', 'BAD_DECIMAL', 'BAD_NUMBER', 'BAD_TIMESTAMP', 'MISSING_VALUE']);
    for (const s of exported) expect(read.records[s].length + read.spoiled[s].length).toBe(manifest.counts[s] - manifest.malformed.filter((m) => m.stream === s).length);
  });

  it('writes no malformed rows when asked for none', async () => {
    const manifest = await generateInteractiveSample({ records: 600, seed: 5, out: join(root, 'none'), malformedEvery: 0 });
    expect([...manifest.malformed, ...manifest.emptied!]).toEqual([]);
    const read = await readSample(join(root, 'none'));
    expect([...read.rejects, ...read.emptied]).toEqual([]);
  });
});
