import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Extraction, type ExtractionOptions } from '../apps/extractor/src/extraction';
import type { DeadLetter, ExtractedEvent } from '@ferry/contracts';
import { topics } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import { connectDataSource, CutoverRepository, MigrationRepository } from '@ferry/persistence';
import { templateMap } from '@ferry/mapping';
import { Runtime } from '@ferry/runtime';
import { startSourceSandbox } from '../apps/sandbox/src/source/testing/source-sandbox.harness';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

const leaf360 = sourceConnector('leaf360');

function options(dir: string, streams: string[] | 'all'): ExtractionOptions {
  return { source: { system: 'leaf360', mode: 'export', exportDir: dir }, streams, batchSize: 25, pollIntervalMs: 200, exportWatchMs: 200, overlapMs: 0 };
}

const HEADER = 'company_id,name,domain,phone,industry,nmls_id,property_address,city,state,zip,parent_company_id,created_at,updated_at';
const row = (id: string, name: string, city = 'Austin') => `${id},${name},,,,,,${city},TX,78701,,2024-01-02T03:04:05Z,2024-01-02T03:04:05Z`;

describe('extractor', () => {
  const migration = uniqueMigration('extract');
  let rt: Runtime;

  beforeAll(async () => {
    useTestEnv(migration);
    const db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await db.destroy();
    rt = await Runtime.create('extractor-test', { map: templateMap('leaf360-dynamics') });
    await new MigrationRepository(rt.db, migration).ensure('leaf360', 'dynamics', null);
  });
  afterAll(() => rt?.close());

  it('snapshot: emits every good row keyed by its id, dead-letters every malformed row with file, line and code, and skips unchanged files on restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-extract-'));
    const manifest = await leaf360.generate({ records: 300, seed: 11, out: dir });
    const streams = ['company', 'contact', 'deal'];
    const bad = manifest.malformed.filter((m) => streams.includes(m.stream));
    const emptied = manifest.emptied!.filter((m) => streams.includes(m.stream));
    // malformed rows are quarantined, or (a bad optional value) emitted with that value emptied
    expect({ rejected: bad.length > 0, spoiled: bad.length + emptied.length > 2 }).toEqual({ rejected: true, spoiled: true });

    const ex = new Extraction(rt, leaf360, options(dir, streams));
    await ex.prepare();
    const first = await ex.passAll();
    for (const o of first) {
      const malformed = bad.filter((b) => b.stream === o.stream).length;
      expect(o.error).toBeUndefined();
      expect(o.emitted + o.rejected).toBe(manifest.counts[o.stream]);
      // a malformed row whose bad value is in an optional column is emitted with that value emptied
      expect({ stream: o.stream, rejected: o.rejected }).toEqual({ stream: o.stream, rejected: malformed });
    }
    const contacts = first.find((o) => o.stream === 'contact')!;
    const events = await readTopic<ExtractedEvent>(rt.kafka, rt.codec, topics.extracted(migration, 'leaf360', 'contact'), contacts.emitted);
    expect(events.every((c) => c.value.envelope.operation === 'UPSERT' && c.key === (c.value.record as { contact_id: string }).contact_id)).toBe(true);
    expect(events[0].value.origin?.file).toBe('contacts.csv');

    const rejected = first.reduce((s, o) => s + o.rejected, 0);
    const letters = await readTopic<DeadLetter>(rt.kafka, rt.codec, topics.dlq(migration), rejected);
    const got = new Set(letters.map((l) => `${l.value.objectType}:${l.value.line}:${l.value.code}`));
    for (const b of bad) expect(got).toContain(`${b.stream}:${b.line}:${b.code}`);
    for (const l of letters) {
      expect(l.value.phase).toBe('EXTRACT');
      expect(l.value.reason).toContain(l.value.file as string);
    }

    const again = await new Extraction(rt, leaf360, options(dir, streams)).passAll();
    expect(again.every((o) => o.skipped && o.emitted === 0)).toBe(true);
  });

  it('stops only the object whose export file is missing, with a message naming it and the near miss', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-extract-missing-'));
    // Spelled otherwise in case only: still the companies file.
    fs.writeFileSync(path.join(dir, 'Companies.CSV'), `${HEADER}\n${row('co_1', 'Alpha')}\n`);
    fs.writeFileSync(path.join(dir, 'contact.csv'), '');
    const out = await new Extraction(rt, leaf360, options(dir, ['company', 'contact'])).passAll();
    expect(out.find((o) => o.stream === 'contact')?.error).toMatch(/contacts\.csv is missing from .*did you mean contact\.csv\? Rename it to contacts\.csv/);
    expect(out.find((o) => o.stream === 'company')).toMatchObject({ emitted: 1 });
    expect(out.find((o) => o.stream === 'company')?.error).toBeUndefined();
  });

  it('a new export drop emits exactly the changed and added rows as upserts and the vanished ones as deletes', async () => {
    const m = uniqueMigration('delta');
    useTestEnv(m);
    const rt2 = await Runtime.create('extractor-delta-test', { map: templateMap('leaf360-dynamics') });
    try {
      await new MigrationRepository(rt2.db, m).ensure('leaf360', 'dynamics', null);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-extract-delta-'));
      const file = path.join(dir, 'companies.csv');
      const ids = Array.from({ length: 60 }, (_, i) => `co_${i + 1}`);
      fs.writeFileSync(file, `${HEADER}\n${ids.map((id) => row(id, `Company ${id}`)).join('\n')}\n`);
      const ex = new Extraction(rt2, leaf360, options(dir, ['company']));
      await ex.prepare();
      const [first] = await ex.passAll();
      expect(first).toMatchObject({ emitted: 60, deleted: 0, unchanged: 0 });

      // Second drop: co_5 and co_40 renamed, co_7 and co_33 gone, co_61 and co_62 new; the rest untouched.
      const second = ids
        .filter((id) => id !== 'co_7' && id !== 'co_33')
        .map((id) => (id === 'co_5' || id === 'co_40' ? row(id, `Renamed ${id}`) : row(id, `Company ${id}`)))
        .concat([row('co_61', 'New one'), row('co_62', 'New two', 'Dallas')]);
      fs.writeFileSync(file, `${HEADER}\r\n${second.join('\r\n')}\r\n`);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      const [delta] = await ex.passAll();
      expect(delta).toMatchObject({ emitted: 4, deleted: 2, unchanged: 56, rejected: 0 });

      const all = await readTopic<ExtractedEvent>(rt2.kafka, rt2.codec, topics.extracted(m, 'leaf360', 'company'), 66);
      expect(all).toHaveLength(66);
      const tail = all.filter((e) => !(e.value.envelope.operation === 'UPSERT' && e.value.record && String((e.value.record as { name: string }).name).startsWith('Company')));
      const summary = tail.map((e) => `${e.value.envelope.operation}:${e.key}`).sort();
      expect(summary).toEqual(['DELETE:co_33', 'DELETE:co_7', 'UPSERT:co_40', 'UPSERT:co_5', 'UPSERT:co_61', 'UPSERT:co_62']);
      expect(tail.find((e) => e.key === 'co_7')?.value.record).toBeNull();

      // A third read of the same drop changes nothing.
      const [same] = await ex.passAll();
      expect(same.skipped).toBe(true);

      // A drop where co_5's row is unreadable (its required name is blank; a bad optional value would only be
      // emptied) and co_10 is gone: nothing is deleted, since the unreadable row must not delete its record;
      // both show as withheld.
      const broken = second.filter((r) => !r.startsWith('co_10,')).map((r) => (r.startsWith('co_5,') ? r.replace('co_5,Renamed co_5,', 'co_5,,') : r));
      fs.writeFileSync(file, `${HEADER}\n${broken.join('\n')}\n`);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 10_000));
      const [withheld] = await ex.passAll();
      expect(withheld).toMatchObject({ emitted: 0, deleted: 0, rejected: 1, deletesWithheld: 2 });

      // The next clean drop deletes what is really gone (co_10) and leaves co_5 alone.
      fs.writeFileSync(file, `${HEADER}\n${second.filter((r) => !r.startsWith('co_10,')).join('\n')}\n`);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 15_000));
      const [clean] = await ex.passAll();
      expect(clean).toMatchObject({ emitted: 0, deleted: 1, rejected: 0 });
      const more = await readTopic<ExtractedEvent>(rt2.kafka, rt2.codec, topics.extracted(m, 'leaf360', 'company'), 67);
      expect(more.filter((e) => e.value.envelope.operation === 'DELETE').map((e) => e.key).sort()).toEqual(['co_10', 'co_33', 'co_7']);
    } finally {
      await rt2.close();
      useTestEnv(migration);
    }
  });

  it('cutover: a running extraction makes one final pass and stops; a restarted one stays frozen', async () => {
    const m = uniqueMigration('cutover');
    useTestEnv(m);
    const rt3 = await Runtime.create('extractor-cutover-test', { map: templateMap('leaf360-dynamics') });
    try {
      await new MigrationRepository(rt3.db, m).ensure('leaf360', 'dynamics', null);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-extract-cutover-'));
      const file = path.join(dir, 'companies.csv');
      fs.writeFileSync(file, `${HEADER}\n${row('co_1', 'Alpha')}\n`);
      const ex = new Extraction(rt3, leaf360, options(dir, ['company']));
      await ex.prepare();
      const running = ex.run();
      await readTopic<ExtractedEvent>(rt3.kafka, rt3.codec, topics.extracted(m, 'leaf360', 'company'), 1);
      // A drop that lands just before cutover is still picked up by the final pass.
      fs.writeFileSync(file, `${HEADER}\n${row('co_1', 'Alpha')}\n${row('co_2', 'Beta')}\n`);
      fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
      await new CutoverRepository(rt3.db, m).request();
      ex.requestCutover();
      await running;
      expect((await new CutoverRepository(rt3.db, m).get())?.completedAt).toBeInstanceOf(Date);
      const events = await readTopic<ExtractedEvent>(rt3.kafka, rt3.codec, topics.extracted(m, 'leaf360', 'company'), 2);
      expect(events.map((e) => e.key).sort()).toEqual(['co_1', 'co_2']);

      fs.writeFileSync(file, `${HEADER}\n${row('co_3', 'Gamma')}\n`);
      const t0 = Date.now();
      await new Extraction(rt3, leaf360, options(dir, ['company'])).run();
      expect(Date.now() - t0).toBeLessThan(5000);
      const after = await readTopic<ExtractedEvent>(rt3.kafka, rt3.codec, topics.extracted(m, 'leaf360', 'company'), 2);
      expect(after).toHaveLength(2);
    } finally {
      await rt3.close();
      useTestEnv(migration);
    }
  });
  it('API mode: the snapshot reads every record the source API serves, and the next pass exactly the changes made since', async () => {
    const m = uniqueMigration('extract-api');
    useTestEnv(m);
    const rt4 = await Runtime.create('extractor-api-test', { map: templateMap('leaf360-dynamics') });
    const sbx = await startSourceSandbox({ name: 'extractapi', databaseUrl: testDatabaseUrl() });
    try {
      await new MigrationRepository(rt4.db, m).ensure('leaf360', 'dynamics', null);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-extract-api-'));
      await leaf360.generate({ records: 400, seed: 3, out: dir });
      const loaded = await sbx.load('leaf360', dir);
      const ex = new Extraction(rt4, leaf360, {
        source: { system: 'leaf360', mode: 'api', apiUrl: sbx.apiUrl('leaf360'), apiKey: sbx.apiKey },
        streams: 'all',
        batchSize: 50,
        pollIntervalMs: 200,
        exportWatchMs: 200,
        overlapMs: 0,
      });
      await ex.prepare();
      const snapshot = await ex.passAll();
      for (const o of snapshot) {
        expect(o.error).toBeUndefined();
        expect(o.emitted).toBe(loaded.streams[o.stream].loaded);
      }

      const changes = await sbx.mutate('leaf360', { creates: 6, updates: 10, deletes: 4 });
      const last = new Map(changes.map((c) => [`${c.stream}|${c.key}`, c.op]));
      expect([...last.values()].filter((op) => op === 'delete').length).toBeGreaterThan(0);
      const after = await ex.passAll();
      const sum = (k: 'emitted' | 'deleted') => after.reduce((n, o) => n + o[k], 0);
      expect(sum('deleted')).toBe([...last.values()].filter((op) => op === 'delete').length);
      expect(sum('emitted')).toBe([...last.values()].filter((op) => op !== 'delete').length);

      // With nothing changed, a pass emits nothing: streams without a cursor are listed whole and diffed by hash.
      const quiet = await ex.passAll();
      expect(quiet.reduce((n, o) => n + o.emitted + o.deleted, 0)).toBe(0);
    } finally {
      await sbx.close();
      await rt4.close();
      useTestEnv(migration);
    }
  });
});
