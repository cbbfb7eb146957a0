import { cpSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as avro from 'avsc';
import { extractedValueSchema } from '@ferry/contracts';
import { createCoercer, loadRecordSchema, type SampleManifest, type SourceConnector, type SourceMessage } from '@ferry/connectors/core';
import { availableSources, sourceConnector } from './index';

/**
 * What every catalogued connector promises, checked the same way for each: a sane catalog, an export check
 * that passes on its own sample and names a missing file in one line, every exported object readable,
 * every malformed row of the sample rejected with the code the manifest expects, and every bad value the
 * manifest lists as emptied (an optional column's) emptied with the record kept.
 */

const SCHEMAS = join(__dirname, '..', '..', '..', '..', 'schemas');
const TIMESTAMP = ['null', { type: 'long', logicalType: 'timestamp-millis' }];

type Field = { name: string; type: unknown; default?: unknown };

async function readAll(connector: SourceConnector, dir: string, stream: string): Promise<SourceMessage[]> {
  const out: SourceMessage[] = [];
  for await (const m of connector.readExport(dir, stream)) out.push(m);
  return out;
}

describe.each(availableSources().map((system) => [system]))('the %s connector', (system) => {
  const connector = sourceConnector(system);
  const streams = connector.streams();
  const names = streams.map((s) => s.name);
  const fieldsOf = (stream: string) => loadRecordSchema(system, stream).fields as Field[];
  const field = (stream: string, name: string) => fieldsOf(stream).find((f) => f.name === name);

  describe('catalog', () => {
    it('has each stream once, and a schema under schemas/ for each and no other', () => {
      expect(connector.system).toBe(system);
      expect(new Set(names).size).toBe(names.length);
      const files = readdirSync(join(SCHEMAS, system)).map((f) => f.replace(/\.avsc$/, ''));
      expect(files.sort()).toEqual([...names].sort());
    });

    it('has schemas avsc loads, in its namespace, ending with the custom map, that wrap into an extracted event', () => {
      for (const s of names) {
        const schema = loadRecordSchema(system, s);
        expect(() => avro.Type.forSchema(schema as avro.Schema)).not.toThrow();
        expect(schema.namespace).toBe(`ferry.${system}`);
        expect(fieldsOf(s).at(-1)).toMatchObject({ name: 'custom', type: { type: 'map', values: 'string' }, default: {} });
        expect(() => createCoercer(loadRecordSchema(system, s))).not.toThrow();
        expect(avro.Type.forSchema(extractedValueSchema(system, s) as avro.Schema).name).toMatch(new RegExp(`^ferry\\.events\\.${system}\\.[A-Z]\\w*Extracted$`));
      }
    });

    it('names a required string key and, where there is one, a timestamp cursor the schema holds', () => {
      for (const def of streams) {
        expect({ stream: def.name, key: field(def.name, def.key)?.type }).toEqual({ stream: def.name, key: 'string' });
        if (def.cursor !== null) expect({ stream: def.name, cursor: field(def.name, def.cursor)?.type }).toEqual({ stream: def.name, cursor: TIMESTAMP });
      }
    });

    it('points every reference at a text field of the stream and at a stream declared before it (or itself)', () => {
      for (const [i, def] of streams.entries()) {
        for (const ref of def.references) {
          const where = `${def.name}.${ref.field} → ${ref.object}`;
          expect(ref.field).not.toBe(def.key);
          expect({ where, text: [JSON.stringify(['null', 'string']), '"string"'].includes(JSON.stringify(field(def.name, ref.field)?.type)) }).toEqual({ where, text: true });
          const parent = names.indexOf(ref.object);
          expect({ where, known: parent >= 0, parentFirst: parent <= i }).toEqual({ where, known: true, parentFirst: true });
        }
      }
    });

    it('places each exported stream at its own file (and sheet) and each API resource at its own path, mapping columns only onto schema fields, with a one-line description', () => {
      const places = streams.filter((s) => s.export).map((s) => `${s.export!.file.toLowerCase()}#${s.export!.sheet ?? ''}`);
      expect(new Set(places).size).toBe(places.length);
      const paths = streams.flatMap((s) => (s.api ? [s.api.path] : []));
      expect(new Set(paths).size).toBe(paths.length);
      for (const def of streams) {
        expect(def.description).toMatch(/^[^\n]{10,}$/);
        for (const target of Object.values(def.export?.columns ?? {})) expect(`${def.name}.${target}`).toBe(`${def.name}.${field(def.name, target)?.name}`);
        if (def.api) expect(def.api.path).toMatch(/^\//);
      }
    });

    it('hands out copies of its catalog', () => {
      connector.streams()[0].references.push({ field: 'x', object: 'y' });
      expect(connector.streams()).toEqual(streams);
    });
  });

  describe('on a generated sample', () => {
    let dir: string;
    let sample: string;
    let manifest: SampleManifest;
    const exported = streams.filter((s) => s.export);

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), `ferry-contract-${system}-`));
      sample = join(dir, 'sample');
      manifest = await connector.generate({ records: 400, seed: 7, out: sample });
    }, 60_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('passes its own export check', async () => {
      expect(await connector.checkExport(sample)).toMatchObject({ ok: true, problems: [] });
    });

    it('reads records from every exported stream and rejects exactly the malformed rows, each with the manifest code', async () => {
      expect(manifest.malformed.length).toBeGreaterThan(0);
      for (const def of exported) {
        const messages = await readAll(connector, sample, def.name);
        const records = messages.filter((m) => m.type === 'record');
        expect({ stream: def.name, some: records.length > 0 }).toEqual({ stream: def.name, some: true });
        for (const m of records) expect(m.type === 'record' && typeof m.record[def.key] === 'string' && m.record[def.key] !== '').toBe(true);
        const rejects = messages.flatMap((m) => (m.type === 'reject' ? [`${def.name} line ${m.origin.line} ${m.code}`] : []));
        const expected = manifest.malformed.filter((m) => m.stream === def.name).map((m) => `${def.name} line ${m.line} ${m.code}`);
        expect(rejects.sort()).toEqual(expected.sort());
        expect(records.length + rejects.length).toBe(manifest.counts[def.name]);
        expect(messages.at(-1)).toMatchObject({ type: 'state', state: { complete: true } });
      }
    }, 60_000);

    it('keeps each row whose bad value the manifest lists as emptied: the field empty, the issue at its file and line', async () => {
      const emptied = manifest.emptied ?? [];
      expect(emptied.length).toBeGreaterThan(0);
      for (const def of exported) {
        const messages = await readAll(connector, sample, def.name);
        const got: string[] = [];
        for (const m of messages) {
          if (m.type !== 'record') continue;
          for (const i of m.issues ?? []) {
            if (i.code === 'REPAIRED_ENCODING') continue;
            got.push(`${def.name} line ${m.origin.line} ${i.field} ${i.code}`);
            const empty = field(def.name, i.field)?.default ?? null;
            expect({ line: m.origin.line, [i.field]: m.record[i.field] }).toEqual({ line: m.origin.line, [i.field]: empty });
          }
        }
        const want = emptied.filter((e) => e.stream === def.name).map((e) => `${def.name} line ${e.line} ${e.field} ${e.code}`);
        expect(got.sort()).toEqual(want.sort());
      }
    }, 60_000);

    it('fails the check with one clear line naming a file the folder lacks, and will not read that stream', async () => {
      const def = exported[0];
      const broken = join(dir, 'broken');
      cpSync(sample, broken, { recursive: true });
      rmSync(join(broken, def.export!.file));
      const result = await connector.checkExport(broken);
      expect(result.ok).toBe(false);
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toContain(def.export!.file);
      expect(result.problems[0]).toMatch(/is missing from/);
      expect(result.problems[0]).not.toContain('\n');
      await expect(readAll(connector, broken, def.name)).rejects.toThrow(new RegExp(`${def.export!.file.replace(/\./g, '\\.')} is missing`));
    });
  });
});
