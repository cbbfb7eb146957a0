import type { DataSource } from 'typeorm';
import { CheckpointRepository, connectDataSource, MigrationRepository, SourceRecordRepository } from '@ferry/persistence';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

/** The per-record hash store behind export delta, on real PostgreSQL. */
describe('source record hashes', () => {
  let db: DataSource;
  let repo: SourceRecordRepository;

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    repo = new SourceRecordRepository(db, uniqueMigration('hashes'));
  });
  afterAll(() => db?.destroy());

  const stored = async (stream: string) =>
    (await db.query(`SELECT source_key AS k, content_hash AS h, version AS v, deleted AS d FROM ferry.source_record WHERE migration_id = $1 AND stream = $2 ORDER BY source_key`, [repo.migrationId, stream])) as Array<{ k: string; h: string; v: string; d: boolean }>;

  it('a fresh stream is inserted; a key an earlier batch stored falls back to the upsert, last row winning', async () => {
    await repo.seen('s1', 'v1', [{ key: 'a', hash: 'h1' }, { key: 'b', hash: 'h2' }, { key: 'a', hash: 'h3' }], { fresh: true });
    expect(await stored('s1')).toEqual([{ k: 'a', h: 'h3', v: 'v1', d: false }, { k: 'b', h: 'h2', v: 'v1', d: false }]);
    // the same file repeats b further on, next to a new key: the insert fails on b and the batch is upserted
    await repo.seen('s1', 'v1', [{ key: 'c', hash: 'h4' }, { key: 'b', hash: 'h5' }], { fresh: true });
    expect(await stored('s1')).toEqual([
      { k: 'a', h: 'h3', v: 'v1', d: false },
      { k: 'b', h: 'h5', v: 'v1', d: false },
      { k: 'c', h: 'h4', v: 'v1', d: false },
    ]);
    expect(await repo.changed('s1', [{ key: 'a', hash: 'h3' }, { key: 'b', hash: 'other' }, { key: 'z', hash: 'h' }])).toEqual(new Set(['b', 'z']));
  });

  it('the delete sweep pages through the keys a version no longer carries, in key order, each key once', async () => {
    const keys = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    await repo.seen('s2', 'v1', keys.map((key) => ({ key, hash: 'h' })), { fresh: true });
    const kept = keys.filter((_, i) => i % 3 === 0);
    await repo.seen('s2', 'v2', kept.map((key) => ({ key, hash: 'h' })));
    const pages: string[][] = [];
    let after: string | null = null;
    for (;;) {
      const page = await repo.missingFrom('s2', 'v2', 4, after);
      if (page.length === 0) break;
      pages.push(page);
      after = page[page.length - 1];
    }
    const gone = keys.filter((k) => !kept.includes(k));
    expect(pages.flat()).toEqual(gone);
    expect(pages.every((p) => p.length <= 4)).toBe(true);
    expect(await repo.countMissing('s2', 'v2')).toBe(gone.length);
    await repo.markDeleted('s2', gone);
    expect(await repo.missingFrom('s2', 'v2', 100)).toEqual([]);
    expect(await repo.counts()).toEqual(expect.arrayContaining([{ stream: 's2', live: kept.length, deleted: gone.length }]));
  });

  it('purge forgets every row of the migration and nothing of another', async () => {
    const other = new SourceRecordRepository(db, uniqueMigration('hashes-other'));
    await other.seen('s1', 'v1', [{ key: 'x', hash: 'h' }], { fresh: true });
    const gone = new SourceRecordRepository(db, uniqueMigration('hashes-gone'));
    await new MigrationRepository(db, gone.migrationId).ensure('leaf360', 'dynamics', null);
    await gone.seen('s1', 'v1', [{ key: 'x', hash: 'h' }], { fresh: true });
    await new CheckpointRepository(db, gone.migrationId).save('s1', { state: { position: 3 }, complete: false });
    await new MigrationRepository(db, gone.migrationId).purge();
    expect(await gone.counts()).toEqual([]);
    expect(await new CheckpointRepository(db, gone.migrationId).get('s1')).toBeNull();
    expect((await db.query(`SELECT 1 FROM ferry.migration WHERE migration_id = $1`, [gone.migrationId])).length).toBe(0);
    expect(await other.counts()).toEqual([{ stream: 's1', live: 1, deleted: 0 }]);
  });

  it('the primary key is the hash table\'s only index (each index costs every extracted record an insert)', async () => {
    const idx = (await db.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'ferry' AND tablename = 'source_record'`)) as Array<{ indexname: string }>;
    expect(idx.map((i) => i.indexname)).toEqual(['source_record_pkey']);
  });
});
