import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { RecordMessage, SampleManifest } from '@ferry/connectors/core';
import { discoverSource, type DiscoveryInventory, type FieldProfile } from '@ferry/discovery';
import { ExportConnector } from '../export.connector';
import { inferExportSource } from '../export-source.inference';
import type { ExportSourceDocument } from '../export-source.document';
import { generateExportSample, MESS_RATES, type ExportSampleNotes } from './export-sample.generator';
import { EXPORT_SAMPLE_STYLES, SAMPLE_OBJECTS, type ExportSampleStyle } from './export-sample.styles';

const RECORDS = 2000;
const SEED = 7;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-export-sample-'));

async function recordsOf(connector: ExportConnector, dir: string, object: string): Promise<RecordMessage[]> {
  const out: RecordMessage[] = [];
  for await (const m of connector.readExport(dir, object)) {
    if (m.type === 'reject') throw new Error(`unexpected reject: ${m.reason}`);
    if (m.type === 'record') out.push(m);
  }
  return out;
}

describe.each(EXPORT_SAMPLE_STYLES)('a %s-style export sample', (style: ExportSampleStyle) => {
  let dir: string;
  let manifest: SampleManifest;
  let notes: ExportSampleNotes;
  let doc: ExportSourceDocument;
  let inv: DiscoveryInventory;
  const read = new Map<string, RecordMessage[]>();

  beforeAll(async () => {
    dir = tmp();
    manifest = await generateExportSample({ records: RECORDS, seed: SEED, out: dir, style });
    notes = manifest.notes as unknown as ExportSampleNotes;
    doc = await inferExportSource(dir);
    const connector = new ExportConnector(doc);
    const out = tmp();
    ({ inventory: inv } = await discoverSource(connector, { system: 'export', exportDir: dir, out }, { schemaFor: (s) => connector.recordSchema(s) }));
    fs.rmSync(out, { recursive: true, force: true });
    for (const o of doc.objects) read.set(o.name, await recordsOf(connector, dir, o.name));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const objectOf = (file: string) => doc.objects.find((o) => o.file === file)!;
  const fieldOf = (file: string, column: string) => objectOf(file).fields.find((f) => f.column === column)!;
  const profileOf = (file: string, column: string): FieldProfile => {
    const o = inv.objects.find((x) => x.name === objectOf(file).name)!;
    return o.fields.find((f) => f.name === fieldOf(file, column).field)!;
  };
  const shiftedLines = () => new Set(notes.mess.shifted.cases.map((c) => c.line));

  it('writes every file with a byte-order mark and CRLF line ends, with the rows the manifest counts', () => {
    expect(notes.mess.bom).toHaveLength(5);
    for (const o of SAMPLE_OBJECTS) {
      const e = notes.expected[o];
      const bytes = fs.readFileSync(path.join(dir, e.file));
      expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const text = bytes.toString('utf8');
      expect(text.match(/(?<!\r)\n/g)).toBeNull();
      expect(text.split('\r\n').length - 2).toBe(e.rows);
      expect(manifest.counts[e.object]).toBe(e.rows);
    }
    expect(inv.objects.map((o) => [o.name, o.records, o.rejected.count])).toEqual(
      expect.arrayContaining(SAMPLE_OBJECTS.map((o) => [notes.expected[o].object, notes.expected[o].rows, 0])),
    );
  });

  it('lets inference find every key (composite for the object without an id column), reference and owner the generator wrote', () => {
    for (const o of SAMPLE_OBJECTS) {
      const e = notes.expected[o];
      const found = doc.objects.find((x) => x.name === e.object)!;
      expect({ object: e.object, key: found.key.columns }).toEqual({ object: e.object, key: e.key });
      expect({ object: e.object, references: found.references.map((r) => ({ column: r.column, object: r.object, by: r.by })) }).toEqual({ object: e.object, references: e.references });
      expect({ object: e.object, owner: found.owner && { column: found.owner.column, by: found.owner.by } }).toEqual({ object: e.object, owner: e.owner });
    }
    expect(notes.mess.noIdColumn.key).toHaveLength(2);
    expect(doc.objects.find((x) => x.file === notes.mess.noIdColumn.file)!.key.review).toBe(true);
  });

  it('reports the shifted rows with their lines', () => {
    const contacts = inv.objects.find((o) => o.name === notes.expected.contacts.object)!;
    expect(notes.mess.shifted.count).toBeGreaterThan(0);
    expect(contacts.shifted?.rows).toBe(notes.mess.shifted.count);
    expect(contacts.shifted?.examples.map((e) => [e.line, e.direction])).toEqual(notes.mess.shifted.cases.slice(0, 10).map((c) => [c.line, 'right']));
  });

  it('counts the placeholders of each column exactly', () => {
    expect(notes.mess.placeholders.length).toBe(2);
    for (const p of notes.mess.placeholders) {
      const found = Object.fromEntries((profileOf(p.file, p.column).placeholders ?? []).filter((x) => !x.dominant).map((x) => [x.value, x.count]));
      expect({ column: p.column, values: found }).toEqual({ column: p.column, values: p.values });
    }
    const leadSource = notes.mess.placeholders.find((p) => p.file === notes.expected.contacts.file)!;
    const rows = notes.expected.contacts.rows;
    // "in most rows": Default Value alone is drawn for 60 % of them
    expect(Object.values(leadSource.values).reduce((a, b) => a + b, 0)).toBeGreaterThan(rows / 2);
  });

  it('suggests the picklist value each typo was meant to be, with its count', () => {
    expect(notes.mess.typos.count).toBeGreaterThan(0);
    const byColumn = new Map<string, Array<{ value: string; count: number; suggestion: string }>>();
    for (const t of notes.mess.typos.byValue) byColumn.set(t.column, [...(byColumn.get(t.column) ?? []), { value: t.value, count: t.count, suggestion: t.intended }]);
    for (const [column, typos] of byColumn) {
      const profile = profileOf(notes.expected.deals.file, column);
      expect(profile.type).toBe('picklist');
      const sort = (xs: Array<{ value: string }>) => [...xs].sort((a, b) => a.value.localeCompare(b.value));
      expect(sort(profile.typos ?? [])).toEqual(sort(typos));
    }
  });

  it('repairs every mojibake value to the text before it was damaged, counted per column', () => {
    expect(notes.mess.mojibake.count).toBeGreaterThan(0);
    for (const m of notes.mess.mojibake.byColumn) expect({ column: m.column, repaired: profileOf(m.file, m.column).repaired?.count }).toEqual({ column: m.column, repaired: m.count });
    const contacts = new Map(read.get(notes.expected.contacts.object)!.map((r) => [r.origin.line, r.record]));
    for (const c of notes.mess.mojibake.cases) {
      expect(c.value).not.toBe(c.intended);
      expect(contacts.get(c.line)![fieldOf(c.file, c.column).field]).toBe(c.intended);
    }
  });

  it('reads every date, amount, flag and ZIP code as the generator meant it', () => {
    const skip = shiftedLines();
    for (const d of notes.mess.dates) {
      const field = fieldOf(d.file, d.column);
      expect({ column: d.column, type: field.type }).toEqual({ column: d.column, type: /HH|h:mm/.test(Object.keys(d.formats)[0]) ? 'timestamp' : 'date' });
      let minutes = 0;
      let values = 0;
      for (const r of read.get(objectOf(d.file).name)!) {
        if (skip.has(r.origin.line!) && d.file === notes.expected.contacts.file) continue;
        const v = r.record[field.field] as number | null;
        if (v === null) continue;
        values++;
        minutes += field.type === 'date' ? v * 1440 : v / 60_000;
      }
      expect({ column: d.column, values, minutes }).toEqual({ column: d.column, values: d.values, minutes: d.minutes });
    }
    for (const m of notes.mess.money) {
      const field = fieldOf(m.file, m.column);
      expect(field.type).toBe('money');
      const amounts = read.get(objectOf(m.file).name)!.map((r) => r.record[field.field] as string | null).filter((v): v is string => v !== null);
      const cents = amounts.reduce((n, v) => n + Math.round(Number(v) * 100), 0);
      expect({ column: m.column, values: amounts.length, cents }).toEqual({ column: m.column, values: m.values, cents: m.cents });
    }
    for (const f of notes.mess.flags) {
      const field = fieldOf(f.file, f.column);
      expect(field.type).toBe('boolean');
      const seen: Record<string, number> = {};
      for (const r of read.get(objectOf(f.file).name)!) {
        if (skip.has(r.origin.line!) && f.file === notes.expected.contacts.file) continue;
        const v = r.record[field.field];
        const k = v === true ? 'true' : v === false ? 'false' : 'blank';
        seen[k] = (seen[k] ?? 0) + 1;
      }
      const spelled = (s: string) => (s === 'Y' || s === '1' ? 'true' : s === 'N' || s === '0' ? 'false' : 'blank');
      const expected: Record<string, number> = {};
      for (const [s, n] of Object.entries(f.spellings)) expected[spelled(s)] = (expected[spelled(s)] ?? 0) + n;
      expect({ column: f.column, seen }).toEqual({ column: f.column, seen: expected });
    }
    for (const z of notes.mess.leadingZeros) {
      expect(fieldOf(z.file, z.column).type).toBe('string');
      expect(profileOf(z.file, z.column).notes).toContain(`${z.count} values with leading zeros, kept as text`);
    }
  });

  it('writes one wide sparse file of custom columns and blank trailing header cells', () => {
    const accounts = objectOf(notes.mess.wide.file);
    const wide = accounts.fields.filter((f) => notes.mess.wide.labels.includes(f.column));
    expect(wide.map((f) => f.custom)).toEqual(notes.mess.wide.labels.map(() => true));
    expect(wide.length).toBe(notes.mess.wide.columns);
    const filled = inv.objects.find((o) => o.name === accounts.name)!.fields.filter((f) => wide.some((w) => w.field === f.name)).reduce((n, f) => n + f.filled, 0);
    expect(filled).toBe(notes.mess.wide.filledCells);
    expect(filled / (notes.mess.wide.columns * notes.expected.accounts.rows)).toBeLessThan(MESS_RATES.wideFilled * 1.5);
    const blank = notes.mess.blankHeaders.find((b) => b.file === accounts.file)!;
    expect(accounts.fields.filter((f) => /^column_\d+$/.test(f.column)).length).toBe(blank.count);
  });
});

describe('the export sample', () => {
  it('writes the same bytes for the same seed, and other bytes for another', async () => {
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const ma = await generateExportSample({ records: 300, seed: 3, out: a, style: 'salesforce' });
    const mb = await generateExportSample({ records: 300, seed: 3, out: b, style: 'salesforce' });
    await generateExportSample({ records: 300, seed: 4, out: c, style: 'salesforce' });
    expect(mb).toEqual(ma);
    const files = fs.readdirSync(a).sort();
    expect(files).toEqual(['Accounts.csv', 'Contacts.csv', 'Opportunities.csv', 'Tasks.csv', 'Users.csv']);
    for (const f of files) expect(fs.readFileSync(path.join(b, f)).equals(fs.readFileSync(path.join(a, f)))).toBe(true);
    expect(fs.readFileSync(path.join(c, 'Contacts.csv')).equals(fs.readFileSync(path.join(a, 'Contacts.csv')))).toBe(false);
    for (const d of [a, b, c]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('refuses too few records, another format or an unknown style in one line', async () => {
    const out = os.tmpdir();
    await expect(generateExportSample({ records: 10, seed: 1, out })).rejects.toThrow('--records 10: the export sample needs at least 40 records (a few of each object)');
    await expect(generateExportSample({ records: 100, seed: 1, out, format: 'xlsx' })).rejects.toThrow(/--format xlsx: the export sample writes CSV files/);
    await expect(generateExportSample({ records: 100, seed: 1, out, style: 'Sugar' })).rejects.toThrow('--style Sugar: choose one of zoho, hubspot, salesforce, dynamics, pipedrive');
  });
});
