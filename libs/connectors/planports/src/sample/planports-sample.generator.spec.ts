import { createHash } from 'crypto';
import { createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { isDeepStrictEqual } from 'util';
import * as avro from 'avsc';
import { DEMO_USERS } from '@ferry/demo';
import { API_ONLY_DIR, type RecordMessage, type SampleManifest, type SourceMessage } from '@ferry/connectors/core';
import { PlanportsConnector } from '../planports.connector';
import { PLANPORTS_SHEETS, PLANPORTS_STREAMS } from '../planports.catalog';
import { planportsSchema } from '../planports.schema';
import { seedOf } from './planports-sample.random';
import { EXTRA_COLUMNS, MIN_SAMPLE_RECORDS, PlanportsWorld, planportsSampleCounts, type Typed } from './planports-sample.world';

const connector = new PlanportsConnector();
const names = PLANPORTS_STREAMS.map((s) => s.name);
const exported = PLANPORTS_STREAMS.filter((s) => s.export).map((s) => s.name);
const apiOnly = PLANPORTS_STREAMS.filter((s) => !s.export).map((s) => s.name);
const SAMPLE = 2000;

let root: string;
beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'planports-sample-'))));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function hashes(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of filesUnder(dir)) out[f] = await sha256(join(dir, f));
  return out;
}

async function readStream(dir: string, stream: string): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream)) out.push(m);
  return out;
}

/**
 * Lines of `stream` holding a spoiled row a lenient reader keeps: a bad optional value it empties, or a value
 * it reads after all ("Y" is yes). They are malformed rows, not the world's records.
 */
function spoiledLines(manifest: SampleManifest, stream: string): Set<number> {
  const readLeniently = manifest.notes.readLeniently as Array<{ stream: string; line: number }>;
  return new Set([...manifest.emptied!, ...readLeniently].filter((m) => m.stream === stream).map((m) => m.line));
}

const ndjson = (dir: string, stream: string): Typed[] =>
  readFileSync(join(dir, API_ONLY_DIR, `${stream}.ndjson`), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Typed);

/** What the reader must make of world record i: text trimmed, blanks null, extra columns verbatim in custom. */
function expectedRecord(world: PlanportsWorld, stream: string, i: number, decode: (s: string) => string): Typed {
  const built = world.build(stream, i);
  const out: Typed = {};
  for (const [k, v] of Object.entries(built.record)) out[k] = typeof v === 'string' ? (v.trim() === '' ? null : decode(v.trim())) : v;
  out.custom = Object.fromEntries((EXTRA_COLUMNS[stream] ?? []).map((label) => [label, decode(built.extra[label] ?? '')]));
  return out;
}

const same = (s: string) => s;
/**
 * exceljs's streaming reader decodes the XML entities of inline-string cells a second time ("&amp;amp;" in the
 * file, which is "&amp;", reads as "&"); shared-string cells read right. The generator writes inline strings to
 * stay streaming, so text holding an entity comes back decoded once too often.
 */
const twiceDecoded = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (_m, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" })[e]!);

describe('planportsSampleCounts', () => {
  it('spreads exactly the total over every object, malformed rows included', () => {
    for (const total of [MIN_SAMPLE_RECORDS, 2000, 12_345, 1_000_000]) {
      const c = planportsSampleCounts(total);
      expect(Object.values(c.rows).reduce((a, b) => a + b, 0)).toBe(total);
      for (const s of names) {
        expect(c.good[s] + c.malformed[s]).toBe(c.rows[s]);
        expect(c.good[s]).toBeGreaterThan(0);
      }
      for (const s of apiOnly) expect(c.malformed[s]).toBe(0);
    }
  });

  it('keeps realistic ratios: contacts outnumber leads, leads deals, deals quotes, quotes orders', () => {
    const c = planportsSampleCounts(1_000_000).good;
    expect(c.contact).toBeGreaterThan(c.lead);
    expect(c.lead).toBeGreaterThan(c.deal);
    expect(c.deal).toBeGreaterThan(c.quote);
    expect(c.quote).toBeGreaterThan(c.order);
    expect(c.quote_line_item).toBeGreaterThan(c.quote);
    expect(c.user).toBeLessThanOrEqual(80);
    expect(c.pipeline_stage).toBeGreaterThan(c.pipeline);
  });

  it('refuses a total too small to hold every object, or not a whole number', () => {
    expect(() => planportsSampleCounts(MIN_SAMPLE_RECORDS - 1)).toThrow(/at least 400 records/);
    expect(() => planportsSampleCounts(2000.5)).toThrow(RangeError);
  });
});

describe('generatePlanportsSample', () => {
  it('writes the same bytes for the same seed and different bytes for another, in both formats', async () => {
    for (const format of ['xlsx', 'csv'] as const) {
      const a = await connector.generate({ records: 900, seed: 11, out: join(root, `${format}-a`), format });
      // Zip entry times have two-second resolution: a clock that leaks into the workbook shows up across a pause.
      if (format === 'xlsx') await new Promise((resolve) => setTimeout(resolve, 2100));
      const b = await connector.generate({ records: 900, seed: 11, out: join(root, `${format}-b`), format });
      const c = await connector.generate({ records: 900, seed: 12, out: join(root, `${format}-c`), format });
      const [ha, hb, hc] = await Promise.all([hashes(join(root, `${format}-a`)), hashes(join(root, `${format}-b`)), hashes(join(root, `${format}-c`))]);
      expect(Object.keys(ha).length).toBeGreaterThan(format === 'csv' ? 25 : 5);
      expect(hb).toEqual(ha);
      expect(b).toEqual(a);
      const main = format === 'xlsx' ? 'planports-export.xlsx' : 'contacts.csv';
      expect(hc[main]).not.toBe(ha[main]);
      expect(hc[`${API_ONLY_DIR}/workflow_automation.ndjson`]).not.toBe(ha[`${API_ONLY_DIR}/workflow_automation.ndjson`]);
      expect(c.malformed).not.toEqual([]);
    }
  });

  it('refuses formats Planports does not export', async () => {
    await expect(connector.generate({ records: 900, seed: 1, out: join(root, 'json'), format: 'json' })).rejects.toThrow(/xlsx or csv, not json/);
  });

  describe.each(['xlsx', 'csv'] as const)('a %s sample of 2,000 records read back', (format) => {
    let dir: string;
    let manifest: SampleManifest;
    let world: PlanportsWorld;
    const read: Record<string, SourceMessage[]> = {};
    beforeAll(async () => {
      dir = join(root, `read-${format}`);
      manifest = await connector.generate({ records: SAMPLE, seed: 2024, out: dir, format });
      world = new PlanportsWorld(seedOf(2024), planportsSampleCounts(SAMPLE));
      for (const s of exported) read[s] = await readStream(dir, s);
    });
    const records = (s: string) => read[s].filter((m): m is RecordMessage => m.type === 'record');

    it('counts what it wrote: every object, N records in all', () => {
      expect(manifest.system).toBe('planports');
      expect(Object.keys(manifest.counts)).toEqual(names);
      expect(Object.values(manifest.counts).reduce((a, b) => a + b, 0)).toBe(SAMPLE);
      expect(manifest.notes.files).toEqual(format === 'xlsx' ? ['planports-export.xlsx'] : exported.map((s) => PLANPORTS_SHEETS[s].csv));
      for (const s of apiOnly) expect(ndjson(dir, s)).toHaveLength(manifest.counts[s]);
    });

    it('passes checkExport', async () => {
      await expect(connector.checkExport(dir)).resolves.toEqual({ ok: true, problems: [] });
    });

    it('has every malformed row quarantined with the code and line the manifest gives, and nothing else', () => {
      const got = exported.flatMap((s) => read[s].flatMap((m) => (m.type === 'reject' ? [{ stream: s, line: m.origin.line, code: m.code }] : [])));
      expect(got).toEqual(manifest.malformed.map(({ stream, line, code }) => ({ stream, line, code })));
      const fileOf = (stream: string) => (format === 'xlsx' ? `planports-export.xlsx#${PLANPORTS_SHEETS[stream].sheet}` : PLANPORTS_SHEETS[stream].csv);
      for (const m of [...manifest.malformed, ...manifest.emptied!]) expect(m.file).toBe(fileOf(m.stream));
      // every typed Planports field is optional: only a blank key and a broken row are quarantined
      expect(new Set(manifest.malformed.map((m) => m.code))).toEqual(new Set(['MISSING_VALUE', ...(format === 'csv' ? ['CSV_FIELD_COUNT', 'CSV_BAD_QUOTE'] : [])]));
    });

    it('keeps the rows whose bad value is in an optional column, each emptied value an issue at the manifest’s line', () => {
      const got = exported.flatMap((s) =>
        records(s).flatMap((m) => (m.issues ?? []).filter((i) => i.code !== 'REPAIRED_ENCODING').map((i) => ({ stream: s, line: m.origin.line, field: i.field, code: i.code, now: m.record[i.field] }))),
      );
      expect(got).toEqual(manifest.emptied!.map(({ stream, line, field, code }) => ({ stream, line, field, code, now: null })));
      expect(new Set(manifest.emptied!.map((m) => m.code))).toEqual(new Set(['BAD_TIMESTAMP', 'BAD_DATE', 'BAD_DECIMAL', 'BAD_NUMBER', 'BAD_BOOLEAN']));
    });

    it('reads every other row as exactly the record the generator meant', () => {
      const decode = format === 'xlsx' ? twiceDecoded : same;
      for (const s of exported) {
        const spoiled = spoiledLines(manifest, s);
        const got = records(s).filter((m) => !spoiled.has(m.origin.line!));
        expect({ s, n: got.length }).toEqual({ s, n: (manifest.notes.good as Record<string, number>)[s] });
        const wrong = got.flatMap((m, i) => {
          const want = expectedRecord(world, s, i, decode);
          return isDeepStrictEqual(m.record, want) ? [] : [{ line: m.origin.line, got: m.record, want }];
        });
        expect({ s, wrong: wrong.slice(0, 2) }).toEqual({ s, wrong: [] });
      }
    });

    it('produces records that validate against their Avro schemas, and API-only NDJSON that does too', () => {
      for (const s of names) {
        const type = avro.Type.forSchema(planportsSchema(s) as avro.Schema);
        const all = exported.includes(s) ? records(s).map((m) => m.record) : ndjson(dir, s);
        const invalid = all.filter((r) => !type.isValid(r));
        expect({ s, invalid: invalid.slice(0, 1) }).toEqual({ s, invalid: [] });
      }
    });

    it('round-trips every record through the API item shape', () => {
      for (const s of names) {
        const all = exported.includes(s) ? records(s).map((m) => m.record) : ndjson(dir, s);
        for (const r of all) {
          const back = connector.fromApiItem(s, connector.toApiItem(s, r));
          if (!isDeepStrictEqual(back, { record: r })) expect({ s, back }).toEqual({ s, back: { record: r } });
        }
      }
    });
  });

  describe('the mess in a sample', () => {
    let dir: string;
    let manifest: SampleManifest;
    const data: Record<string, Typed[]> = {};
    beforeAll(async () => {
      dir = join(root, 'mess');
      manifest = await connector.generate({ records: 6000, seed: 6000, out: dir, format: 'csv' });
      // the world's records: rows the reader keeps although they were spoiled are malformed, nothing refers to them
      for (const s of exported) data[s] = (await readStream(dir, s)).flatMap((m) => (m.type === 'record' && !spoiledLines(manifest, s).has(m.origin.line!) ? [m.record] : []));
      for (const s of apiOnly) data[s] = ndjson(dir, s);
    });
    const ids = (s: string) => new Set(data[s].map((r) => r[PLANPORTS_STREAMS.find((x) => x.name === s)!.key] as string));
    const raw = (s: string) => readFileSync(join(dir, PLANPORTS_SHEETS[s].csv), 'utf8');

    it('has the same person twice, spelled differently but sharing an address or a number', () => {
      const digits = (p: unknown) => String(p ?? '').replace(/\D/g, '').replace(/^(90|0)/, '');
      const byKey = new Map<string, Typed>();
      let pairs = 0;
      for (const c of data.contact) {
        for (const key of [c.email ? `e:${String(c.email).toLowerCase()}` : null, digits(c.phone).length >= 10 ? `p:${digits(c.phone)}` : null]) {
          if (!key) continue;
          const other = byKey.get(key);
          if (other && `${other.first_name} ${other.last_name}` !== `${c.first_name} ${c.last_name}`) pairs++;
          byKey.set(key, c);
        }
      }
      expect(pairs).toBeGreaterThan(10);
      expect((manifest.notes.marks as Record<string, Record<string, number>>).contact.duplicate).toBeGreaterThan(10);
    });

    it('writes one company several ways', () => {
      const spellings = new Map<string, Set<string>>();
      for (const c of data.contact) {
        if (typeof c.company_name !== 'string') continue;
        const key = c.company_name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/ı/g, 'i').replace(/[^a-z]/g, '').replace(/(limited|ltd|sti|as)+$/g, '');
        spellings.set(key, (spellings.get(key) ?? new Set()).add(c.company_name));
      }
      expect(Math.max(...[...spellings.values()].map((s) => s.size))).toBeGreaterThanOrEqual(4);
      expect(raw('contact')).toMatch(/, [a-zı ]+ (ltd|a\.ş\.|ltd\. şti\.|gmbh|llc|b\.v\.|ab) ,/);
    });

    it('has missing and malformed addresses and phone numbers', () => {
      expect(data.contact.filter((c) => c.email === null).length).toBeGreaterThan(20);
      expect(data.contact.some((c) => typeof c.email === 'string' && !/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(c.email))).toBe(true);
      expect(data.contact.some((c) => typeof c.phone === 'string' && c.phone.replace(/\D/g, '').length < 7)).toBe(true);
      expect(data.contact.some((c) => c.phone === null)).toBe(true);
    });

    it('spells dates, times and money in many ways, Turkish and European ones among them', () => {
      const text = raw('deal') + raw('quote') + raw('order');
      for (const spelling of [/₺\d{1,3}(\.\d{3})*,\d\d/, /\d,\d\d TL/, /€\d{1,3}\.\d{3}[,"]/, /TRY \d/, /\$\d{1,3}(,\d{3})*\.\d\d/]) expect(text).toMatch(spelling);
      const times = raw('contact');
      for (const spelling of [/\d\d\.\d\d\.\d{4} \d\d:\d\d,/, /T\d\d:\d\d:\d\d\+03:00/, /T\d\d:\d\d:\d\dZ/, /,1[5-7]\d{11},/, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/]) expect(times).toMatch(spelling);
    });

    it('carries HTML, emoji and Turkish, Arabic, Cyrillic and CJK text', () => {
      const names = data.contact.map((c) => `${c.first_name} ${c.last_name}`).join('\n');
      expect(names).toMatch(/[çğıöşüİ]/);
      expect(names).toMatch(/[\u0600-\u06ff]/);
      expect(names).toMatch(/[\u0400-\u04ff]/);
      expect(names).toMatch(/[\u4e00-\u9fff\u3040-\u30ff\uac00-\ud7af]/);
      expect(names).toMatch(/\p{Extended_Pictographic}/u);
      expect(data.note.some((n) => /<(p|b|ul|div)[ >]/.test(String(n.body)))).toBe(true);
      expect(data.note.some((n) => String(n.body).includes('\n'))).toBe(true);
    });

    it('has orphans: children whose parent is gone', () => {
      const deals = ids('deal');
      const contacts = ids('contact');
      expect(data.note.filter((n) => n.deal_id && !deals.has(n.deal_id as string)).length).toBeGreaterThan(0);
      expect(data.whatsapp_conversation.filter((c) => c.contact_id && !contacts.has(c.contact_id as string)).length).toBeGreaterThan(0);
      const quotes = ids('quote');
      const lines = data.quote_line_item.filter((l) => !quotes.has(l.quote_id as string)).length;
      const marks = manifest.notes.marks as Record<string, Record<string, number>>;
      expect(lines).toBe(marks.quote_line_item?.orphan ?? 0);
    });

    it('lists WhatsApp conversations on contact cards that the API no longer has', () => {
      const conversations = ids('whatsapp_conversation');
      const listed = data.contact.flatMap((c) => (typeof c.whatsapp_conversation_ids === 'string' ? c.whatsapp_conversation_ids.split(';') : []));
      const missing = listed.filter((id) => !conversations.has(id));
      expect(listed.length - missing.length).toBeGreaterThan(100);
      expect(missing.length).toBe((manifest.notes.marks as Record<string, Record<string, number>>).contact['missing-conversation']);
      expect(missing.length).toBeGreaterThan(0);
    });

    it('has owners who are destination users, owners who left, and owners who never were users', () => {
      const users = data.user;
      const demo = new Set(DEMO_USERS.map((u) => u.internalemailaddress));
      expect(users.filter((u) => demo.has(String(u.email).toLowerCase())).length).toBe(5);
      expect(users.some((u) => u.email === 'Brian.Okafor@contoso-lending.example')).toBe(true);
      expect(users.filter((u) => u.active === false && u.deactivated_at !== null).length).toBeGreaterThanOrEqual(3);
      const userIds = ids('user');
      const owners = [...data.contact, ...data.deal, ...data.activity].map((r) => r.owner_id).filter((o): o is string => typeof o === 'string');
      expect(owners.some((o) => !userIds.has(o))).toBe(true);
      const inactive = new Set(users.filter((u) => u.active === false).map((u) => u.user_id));
      expect(owners.some((o) => inactive.has(o))).toBe(true);
    });

    it('fills vertical custom fields under their labels, with Custom Fields rows defining them', () => {
      const deals = data.deal;
      expect(deals.some((d) => d.custom && (d.custom as Record<string, string>)['Treatment Package'])).toBe(true);
      expect(deals.some((d) => /^PRP-/.test((d.custom as Record<string, string>)['Property ID']))).toBe(true);
      expect(deals.some((d) => /₺|TL|€/.test((d.custom as Record<string, string>)['Ad Spend']))).toBe(true);
      const labels = new Set(data.custom_field.map((f) => `${f.object}:${f.label}`));
      for (const [object, extra] of Object.entries(EXTRA_COLUMNS)) for (const label of extra) expect(labels).toContain(`${object}:${label}`);
    });

    it('writes a file for every attachment row, its declared size exactly, some beyond Dataverse and Salesforce limits', () => {
      const paths = new Set<string>();
      for (const a of data.attachment) {
        const path = join(dir, a.file_path as string);
        expect({ id: a.attachment_id, size: statSync(path).size }).toEqual({ id: a.attachment_id, size: a.size_bytes });
        expect(a.file_path).toMatch(/^files\//);
        paths.add(a.file_path as string);
      }
      expect(paths.size).toBe(data.attachment.length);
      const large = manifest.notes.largeFiles as Array<{ size: number; path: string }>;
      expect(large.some((f) => f.size > 5 * 1024 * 1024)).toBe(true);
      expect(large.some((f) => f.size > 37.5 * 1024 * 1024)).toBe(true);
      for (const f of large) {
        const st = statSync(join(dir, f.path));
        expect(st.size).toBe(f.size);
        // Written sparse: the disk holds far less than the declared size.
        expect(st.blocks * 512).toBeLessThan(f.size / 10);
      }
      const small = data.attachment.find((a) => (a.size_bytes as number) < 10_000)!;
      expect(readFileSync(join(dir, small.file_path as string)).includes(Buffer.from(String(small.attachment_id)))).toBe(true);
    });
  });
});
