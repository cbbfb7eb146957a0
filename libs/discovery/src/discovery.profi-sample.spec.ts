import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { createInterface } from 'readline';
import { API_ONLY_DIR, type SampleManifest, type SourceMessage } from '@ferry/connectors/core';
import { ProfiConnector } from '@ferry/connectors/profi';
import { discoveryInventorySchema, type DiscoveryInventory } from './discovery.inventory';
import { discoverSource, type ApiStreamReader } from './discovery.service';

/**
 * Discovery over a real connector's generated sample: the Profi generator writes a manifest of the mess it
 * made (malformed rows with their lines, bad optional values a reader empties, custom columns, deliberate
 * orphans and duplicate clients), and the inventory has to find exactly that.
 */
const connector = new ProfiConnector();
let dir: string;
let manifest: SampleManifest;
let inv: DiscoveryInventory;

interface ProfiNotes {
  custom_columns: Record<string, string[]>;
  orphans: { count: number; examples: Array<{ stream: string; id: string; field: string; missing: string }> };
  duplicate_clients: { count: number; examples: Array<{ client_id: string; duplicate_of: string; matched_by: 'email' | 'phone' }> };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'discovery-profi-'));
  manifest = await connector.generate({ records: 3000, seed: 11, out: join(dir, 'export') });
  ({ inventory: inv } = await discoverSource(connector, { system: 'profi', exportDir: join(dir, 'export'), out: join(dir, 'out') }));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const notes = () => manifest.notes as unknown as ProfiNotes;
const exported = () => connector.streams().filter((s) => s.export);

describe('discover over a generated Profi export', () => {
  it('reads every exported row as a record or a reject, and skips the API-only objects', () => {
    expect(inv.objects.map((o) => o.name)).toEqual(connector.streams().map((s) => s.name));
    for (const s of exported()) {
      const o = inv.objects.find((x) => x.name === s.name)!;
      expect([s.name, o.records + o.rejected.count, o.error]).toEqual([s.name, manifest.counts[s.name], null]);
    }
    for (const s of connector.streams().filter((x) => !x.export)) {
      expect(inv.objects.find((x) => x.name === s.name)).toMatchObject({ location: null, records: 0, note: 'not in the export: read it from the API' });
    }
    expect(inv.problems).toEqual([]);
    expect(discoveryInventorySchema.safeParse(JSON.parse(JSON.stringify(inv))).success).toBe(true);
  });

  it('rejects exactly the malformed rows of the manifest, with their codes and lines', () => {
    for (const s of exported()) {
      const expected = manifest.malformed.filter((m) => m.stream === s.name).sort((a, b) => a.line - b.line);
      const byCode: Record<string, number> = {};
      for (const m of expected) byCode[m.code] = (byCode[m.code] ?? 0) + 1;
      const o = inv.objects.find((x) => x.name === s.name)!;
      expect([s.name, o.rejected.byCode]).toEqual([s.name, byCode]);
      expect(o.rejected.first.map((r) => [r.file, r.line, r.code])).toEqual(expected.slice(0, 5).map((m) => [m.file, m.line, m.code]));
    }
  });

  it('counts exactly the values the manifest lists as emptied, per field and code, each example at its line', () => {
    expect(manifest.emptied!.length).toBeGreaterThan(0);
    for (const s of exported()) {
      const want: Record<string, Record<string, number>> = {};
      const lines: Record<string, number[]> = {};
      const placeholders: Record<string, number> = {};
      for (const e of manifest.emptied!.filter((m) => m.stream === s.name)) {
        // a placeholder emptied ("n.a.", "TBD") is counted among the field's placeholders, not as a parse failure
        if (e.code === 'MISSING_VALUE') placeholders[e.field] = (placeholders[e.field] ?? 0) + 1;
        else {
          (want[e.field] ??= {})[e.code] = (want[e.field][e.code] ?? 0) + 1;
          (lines[e.field] ??= []).push(e.line);
        }
      }
      const o = inv.objects.find((x) => x.name === s.name)!;
      const got = Object.fromEntries(o.fields.filter((f) => f.emptied).map((f) => [f.name, f.emptied!.byCode]));
      expect([s.name, got]).toEqual([s.name, want]);
      for (const f of o.fields.filter((x) => x.emptied)) expect(f.emptied!.examples.map((e) => e.line)).toEqual(lines[f.name].slice(0, f.emptied!.examples.length));
      for (const [field, n] of Object.entries(placeholders)) {
        const counted = (o.fields.find((f) => f.name === field)!.placeholders ?? []).reduce((sum, p) => sum + p.count, 0);
        expect([s.name, field, counted >= n]).toEqual([s.name, field, true]);
      }
    }
  });

  it('flags exactly the custom columns of each object as custom fields', () => {
    for (const [stream, columns] of Object.entries(notes().custom_columns)) {
      const o = inv.objects.find((x) => x.name === stream)!;
      expect([stream, o.fields.filter((f) => f.custom).map((f) => f.name).sort()]).toEqual([stream, [...columns].sort()]);
    }
  });

  it('counts orphans exactly as an in-memory check of the same records does, the deliberate ones among them', async () => {
    // the oracle: every key in a Set, every reference looked up in it
    const keys = new Map<string, Set<string>>();
    const values: Array<{ object: string; field: string; target: string; value: string }> = [];
    for (const s of exported()) {
      keys.set(s.name, new Set());
      for await (const m of connector.readExport(join(dir, 'export'), s.name)) {
        if (m.type !== 'record') continue;
        keys.get(s.name)!.add(String(m.record[s.key]));
        for (const r of s.references) {
          const v = m.record[r.field];
          if (v !== null && v !== undefined && String(v).trim() !== '') values.push({ object: s.name, field: r.field, target: r.object, value: String(v).trim() });
        }
      }
    }
    for (const r of inv.references) {
      const mine = values.filter((v) => v.object === r.object && v.field === r.field);
      const orphans = mine.filter((v) => !keys.get(v.target)!.has(v.value)).map((v) => v.value);
      const distinct = [...new Set(orphans)].sort();
      expect([r.object, r.field, r.values, r.orphans, r.distinctOrphans, r.examples]).toEqual([r.object, r.field, mine.length, orphans.length, distinct.length, distinct.slice(0, 3)]);
    }
    // the generator's deliberate orphans are all found (rows it quarantined can orphan a few more)
    const { count, examples } = notes().orphans;
    expect(inv.references.reduce((n, r) => n + (r.orphans ?? 0), 0)).toBeGreaterThanOrEqual(count);
    for (const e of examples) {
      const orphanValues = values.filter((v) => v.object === e.stream && v.field === e.field && !keys.get(v.target)!.has(v.value)).map((v) => v.value);
      expect(orphanValues).toContain(e.missing);
    }
  });

  it('counts every duplicate client among the clients sharing an email or phone', () => {
    const client = inv.objects.find((o) => o.name === 'client')!;
    const { count, examples } = notes().duplicate_clients;
    expect(client.duplicates.fields).toEqual(expect.arrayContaining(['email', 'phone']));
    expect(client.duplicates.records).toBeGreaterThanOrEqual(2 * count);
    expect(client.duplicates.email.values).toBeGreaterThanOrEqual(examples.filter((e) => e.matched_by === 'email').length);
    expect(client.duplicates.phone.values).toBeGreaterThanOrEqual(examples.filter((e) => e.matched_by === 'phone').length);
    // the owner email repeated on every client is who owns it, not who it is
    expect(client.fields.find((f) => f.name === 'owner_email')).toMatchObject({ type: 'email' });
    expect(client.duplicates.fields).not.toContain('owner_email');
  });
});

describe('discover over Profi with its API-only objects', () => {
  // what a pass over the API would return, taken from the sample: exported objects from their files, the
  // API-only ones from the records the generator wrote for the source sandbox
  const fromSample: ApiStreamReader = (c, stream) =>
    stream.export
      ? c.readExport(join(dir, 'export'), stream.name)
      : (async function* (): AsyncGenerator<SourceMessage> {
          const lines = createInterface({ input: createReadStream(join(dir, 'export', API_ONLY_DIR, `${stream.name}.ndjson`)), crlfDelay: Infinity });
          for await (const line of lines) if (line.trim()) yield { type: 'record', stream: stream.name, record: JSON.parse(line), origin: {} };
        })();

  it('lists every reminder sequence as an automation with where to rebuild it', async () => {
    const { inventory } = await discoverSource(connector, { system: 'profi', apiBaseUrl: 'http://sandbox.invalid/profi', out: join(dir, 'out-api') }, { apiReader: fromSample });
    const sequences = readFileSync(join(dir, 'export', API_ONLY_DIR, 'reminder_sequence.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(inventory.automations.map((a) => [a.stream, a.id, a.name, a.active])).toEqual(sequences.map((s) => ['reminder_sequence', s.sequence_id, s.name, s.active]));
    for (const a of inventory.automations) {
      expect(a.rebuildIn.dynamics).not.toBe('');
      expect(a.rebuildIn.salesforce).not.toBe('');
      expect(a.actions.length).toBeGreaterThan(0);
    }
    expect(inventory.totals.automations).toBe(sequences.length);
    const steps = inventory.objects.find((o) => o.name === 'reminder_sequence')!.fields.find((f) => f.name === 'steps');
    expect(steps).toMatchObject({ type: 'json', fillRate: 1 });
  });
});
