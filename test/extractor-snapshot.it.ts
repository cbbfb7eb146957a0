import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SnapshotJob } from '../apps/extractor/src/snapshot.job';
import type { DeadLetter, ExtractedEvent } from '../libs/contracts/src';
import { topics } from '../libs/contracts/src';
import { writeLeaf360Sample } from '../libs/connectors/leaf360/src';
import { connectDataSource } from '../libs/persistence/src';
import { Runtime } from '../libs/runtime/src';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

describe('extractor snapshot', () => {
  const migration = uniqueMigration('extract');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-extract-'));
  let rt: Runtime;

  beforeAll(async () => {
    useTestEnv(migration);
    const db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await db.destroy();
    rt = await Runtime.create('extractor-test');
  });
  afterAll(() => rt?.close());

  it('emits every good row keyed by its id, dead-letters every malformed row with file, line and code, and skips an unchanged file on restart', async () => {
    const manifest = await writeLeaf360Sample({ outDir: dir, seed: 11, companies: 30, contacts: 60, deals: 40, malformedEvery: 10 });
    const bad = Object.entries(manifest.malformed).flatMap(([object, rows]) => rows.map((r) => ({ object, ...r })));
    expect(bad.length).toBeGreaterThan(5);

    const job = new SnapshotJob(rt, dir, 25);
    const first = await job.run();
    for (const o of first) {
      expect(o.error).toBeUndefined();
      expect(o.emitted).toBe(manifest.counts[o.object as 'company']);
      expect(o.rejected).toBe(manifest.malformed[o.object as 'company'].length);
    }

    const contacts = await readTopic<ExtractedEvent>(rt.kafka, rt.codec, topics.extracted(migration, 'leaf360', 'contact'), manifest.counts.contact);
    expect(contacts.every((c) => c.key === (c.value.record as { contact_id: string }).contact_id)).toBe(true);
    expect(contacts[0].value.origin?.file).toBe('contacts.csv');

    const letters = await readTopic<DeadLetter>(rt.kafka, rt.codec, topics.dlq(migration), bad.length);
    const got = letters.map((l) => `${l.value.objectType}:${l.value.line}:${l.value.code}`).sort();
    const want = bad.map((b) => `${b.object}:${b.line}:${b.code}`).sort();
    expect(got).toEqual(want);
    for (const l of letters) {
      expect(l.value.phase).toBe('EXTRACT');
      expect(l.value.file).toMatch(/^(companies|contacts|deals)\.csv$/);
      expect(l.value.reason).toContain(l.value.file as string);
    }

    const again = await new SnapshotJob(rt, dir, 25).run();
    expect(again.every((o) => o.skipped && o.emitted === 0)).toBe(true);
  });

  it('stops only the object whose export file is missing, with a message naming it', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-extract-missing-'));
    fs.copyFileSync(path.join(dir, 'companies.csv'), path.join(empty, 'companies.csv'));
    const out = await new SnapshotJob(rt, empty).run();
    expect(out.find((o) => o.object === 'contact')?.error).toMatch(/contacts\.csv does not exist/);
    expect(out.find((o) => o.object === 'company')?.error).toBeUndefined();
  });
});
