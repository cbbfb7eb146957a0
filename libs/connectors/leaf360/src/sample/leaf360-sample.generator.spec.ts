import { createHash } from 'crypto';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DEMO_LOAN_OFFICERS } from '@ferry/demo';
import { readLeaf360Export, type Leaf360ReadItem } from '../leaf360-export.reader';
import { LEAF360_OBJECTS, type Leaf360Company, type Leaf360Contact, type Leaf360Deal, type Leaf360Object } from '../leaf360.records';
import { sampleCounts, writeLeaf360Sample, type Leaf360SampleManifest } from './leaf360-sample.generator';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function readAll(file: string, object: Leaf360Object): Promise<Leaf360ReadItem<unknown>[]> {
  const items: Leaf360ReadItem<unknown>[] = [];
  for await (const item of readLeaf360Export(file, object)) items.push(item);
  return items;
}

const records = <R>(items: Leaf360ReadItem<unknown>[]) =>
  items.flatMap((i) => (i.kind === 'record' ? [{ line: i.line, record: i.record as R, issues: i.issues }] : []));

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'leaf360-sample-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sampleCounts', () => {
  it('splits a total 1:4:2 into companies, contacts and deals', () => {
    expect(sampleCounts(7000)).toEqual({ companies: 1000, contacts: 4000, deals: 2000 });
    expect(sampleCounts(100_000)).toEqual({ companies: 14_285, contacts: 57_144, deals: 28_571 });
    expect(sampleCounts(0)).toEqual({ companies: 0, contacts: 0, deals: 0 });
    const c = sampleCounts(12_345);
    expect(c.companies + c.contacts + c.deals).toBe(12_345);
  });

  it('defaults to at least 500 companies, 2,000 contacts and 1,000 deals', () => {
    expect(sampleCounts()).toEqual({ companies: 500, contacts: 2000, deals: 1000 });
  });

  it('refuses a total that is not a whole number', () => {
    expect(() => sampleCounts(-1)).toThrow(RangeError);
    expect(() => sampleCounts(2.5)).toThrow(/whole number/);
  });
});

describe('writeLeaf360Sample', () => {
  it('writes the same bytes for the same seed and counts, and different ones for another seed', async () => {
    const opts = { seed: 360, companies: 300, contacts: 1200, deals: 600 };
    const a = await writeLeaf360Sample({ outDir: join(root, 'a'), ...opts });
    const b = await writeLeaf360Sample({ outDir: join(root, 'b'), ...opts });
    const c = await writeLeaf360Sample({ outDir: join(root, 'c'), ...opts, seed: 361 });
    for (const o of LEAF360_OBJECTS) {
      expect(sha256(a.files[o])).toBe(sha256(b.files[o]));
      expect(sha256(a.files[o])).not.toBe(sha256(c.files[o]));
    }
    expect({ ...a, files: null }).toEqual({ ...b, files: null });
  });

  describe('with the default sizes', () => {
    let manifest: Leaf360SampleManifest;
    let read: Record<Leaf360Object, Leaf360ReadItem<unknown>[]>;
    beforeAll(async () => {
      manifest = await writeLeaf360Sample({ outDir: join(root, 'default'), seed: 42 });
      read = { company: [], contact: [], deal: [] };
      for (const o of LEAF360_OBJECTS) read[o] = await readAll(manifest.files[o], o);
    });

    it('has at least 500 companies, 2,000 contacts and 1,000 deals, and some malformed rows in every file', () => {
      expect(manifest.counts).toEqual({ company: 500, contact: 2000, deal: 1000 });
      for (const o of LEAF360_OBJECTS) expect(manifest.malformed[o].length).toBeGreaterThan(0);
    });

    it('reads back every good row as a record, every malformed row as exactly one reject with its code and line, and every emptied one as a record with its issue', () => {
      for (const o of LEAF360_OBJECTS) {
        const got = read[o];
        const prefix = o === 'company' ? 'co' : o === 'contact' ? 'ct' : 'dl';
        const kept = records<Record<string, unknown>>(got);
        const ids = kept.filter((r) => !r.issues?.some((i) => i.code !== 'REPAIRED_ENCODING')).map((r) => r.record[`${o}_id`]);
        expect(ids).toEqual(Array.from({ length: manifest.counts[o] }, (_, i) => `${prefix}_${String(i + 1).padStart(7, '0')}`));
        const rejects = got.flatMap((i) => (i.kind === 'reject' ? [{ line: i.line, code: i.code }] : []));
        expect(rejects).toEqual(manifest.malformed[o].map((m) => ({ line: m.line, code: m.code })));
        const issues = kept.flatMap((r) => (r.issues ?? []).filter((i) => i.code !== 'REPAIRED_ENCODING').map((i) => ({ line: r.line, id: r.record[`${o}_id`], field: i.field, code: i.code, now: r.record[i.field] })));
        expect(issues).toEqual(manifest.emptied[o].map((e) => ({ line: e.line, id: e.id, field: e.field, code: e.code, now: null })));
        expect(Math.max(...got.map((i) => i.line))).toBeLessThanOrEqual(manifest.lines[o]);
      }
    });

    it('never points a contact or deal at a company or contact that is missing or malformed', () => {
      const companies = new Set(records<Leaf360Company>(read.company).map((r) => r.record.company_id));
      const contacts = new Set(records<Leaf360Contact>(read.contact).map((r) => r.record.contact_id));
      for (const { record } of records<Leaf360Company>(read.company)) {
        if (record.parent_company_id) expect(companies).toContain(record.parent_company_id);
      }
      for (const { record } of records<Leaf360Contact>(read.contact)) {
        if (record.company_id) expect(companies).toContain(record.company_id);
      }
      for (const { record } of records<Leaf360Deal>(read.deal)) {
        if (record.company_id) expect(companies).toContain(record.company_id);
        if (record.contact_id) expect(contacts).toContain(record.contact_id);
      }
    });

    it('often puts children early in their file and their company late in companies.csv', () => {
      const companyLine = new Map(records<Leaf360Company>(read.company).map((r) => [r.record.company_id, r.line]));
      const lastQuarter = manifest.lines.company * 0.75;
      const earlyContacts = records<Leaf360Contact>(read.contact).slice(0, 500);
      const earlyDeals = records<Leaf360Deal>(read.deal).slice(0, 250);
      const late = [...earlyContacts, ...earlyDeals].filter((r) => r.record.company_id && companyLine.get(r.record.company_id)! > lastQuarter);
      expect(late.length / (earlyContacts.length + earlyDeals.length)).toBeGreaterThan(0.4);
      const parented = records<Leaf360Company>(read.company).filter((r) => r.record.parent_company_id);
      expect(parented.length).toBeGreaterThan(30);
      for (const r of parented) expect(companyLine.get(r.record.parent_company_id!)!).toBeGreaterThan(r.line);
    });

    it('looks like a mortgage CRM export', () => {
      const contacts = records<Leaf360Contact>(read.contact).map((r) => r.record);
      const deals = records<Leaf360Deal>(read.deal);
      const share = (n: number) => n / contacts.length;
      expect(share(contacts.filter((c) => c.company_id === null).length)).toBeGreaterThan(0.02);
      expect(share(contacts.filter((c) => c.company_id === null).length)).toBeLessThan(0.09);
      expect(contacts.some((c) => /[\u0400-\u04ff\u0600-\u06ff\u3040-\u30ff\u4e00-\u9fff]/.test(`${c.first_name}${c.last_name}`))).toBe(true);
      expect(contacts.some((c) => /\p{Extended_Pictographic}/u.test(c.first_name ?? ''))).toBe(true);
      expect(contacts.some((c) => /[áéíóúñüöøł]/i.test(`${c.first_name}${c.last_name}`))).toBe(true);
      expect(contacts.some((c) => c.email === null)).toBe(true);
      expect(contacts.some((c) => c.referral_source === 'Partner')).toBe(true);
      expect(contacts.some((c) => c.custom.notes.includes('\n'))).toBe(true);
      expect(new Set(contacts.map((c) => c.loan_status))).toEqual(
        new Set(['Lead', 'Pre-Qualified', 'Pre-Approval', 'Processing', 'Underwriting', 'Clear to Close', 'Funded', 'Closed Lost', 'Referral Partner']),
      );
      expect(new Set(deals.map((d) => d.record.dealstage))).toEqual(new Set(['Pre-Approval', 'Processing', 'Underwriting', 'Clear to Close', 'Funded']));
      expect(new Set(deals.map((d) => d.record.pipeline))).toEqual(new Set(['Mortgage']));
      const dealsText = readFileSync(manifest.files.deal, 'utf8');
      expect(dealsText).toContain(',"$');
      expect(deals.every((d) => d.record.loan_amount === null || /^\d+\.\d\d$/.test(d.record.loan_amount))).toBe(true);
      expect(dealsText).toMatch(/,\d\d?\/\d\d?\/\d{4},/);
      const owners = new Set([...contacts.map((c) => c.loan_officer), ...deals.map((d) => d.record.loan_officer)]);
      expect(owners).toContain('frank.lee@oldbroker.example');
      expect(owners).toContain('Brian.Okafor@contoso-lending.example');
      expect(manifest.owners).toEqual(DEMO_LOAN_OFFICERS.filter((o) => owners.has(o)));
    });
  });

  it('gives every kind of malformed row in every file its expected reject, even when they come thick and fast', async () => {
    const manifest = await writeLeaf360Sample({ outDir: join(root, 'dense'), seed: 7, companies: 120, contacts: 300, deals: 150, malformedEvery: 4 });
    for (const o of LEAF360_OBJECTS) {
      const items = await readAll(manifest.files[o], o);
      const rejects = items.flatMap((i) => (i.kind === 'reject' ? [{ line: i.line, code: i.code }] : []));
      expect(rejects).toEqual(manifest.malformed[o].map((m) => ({ line: m.line, code: m.code })));
      const emptied = items.flatMap((i) => (i.kind === 'record' && i.issues ? i.issues.filter((x) => x.code !== 'REPAIRED_ENCODING').map((x) => ({ line: i.line, field: x.field, code: x.code })) : []));
      expect(emptied).toEqual(manifest.emptied[o].map((e) => ({ line: e.line, field: e.field, code: e.code })));
      expect(items.filter((i) => i.kind === 'record')).toHaveLength(manifest.counts[o] + manifest.emptied[o].length);
      expect(new Set([...manifest.malformed[o], ...manifest.emptied[o]].map((m) => m.defect)).size).toBe(o === 'deal' ? 6 : 5);
    }
  });

  it('writes no malformed rows when asked for none, and refuses nonsense counts', async () => {
    const manifest = await writeLeaf360Sample({ outDir: join(root, 'none'), seed: 'no-bad-rows', companies: 10, contacts: 40, deals: 20, malformedEvery: 0 });
    for (const o of LEAF360_OBJECTS) expect([...manifest.malformed[o], ...manifest.emptied[o]]).toEqual([]);
    await expect(writeLeaf360Sample({ outDir: join(root, 'x'), seed: 1, contacts: -5 })).rejects.toThrow(/contact/);
    await expect(writeLeaf360Sample({ outDir: join(root, 'x'), seed: 1, malformedEvery: 1 })).rejects.toThrow(/malformedEvery/);
  });
});
