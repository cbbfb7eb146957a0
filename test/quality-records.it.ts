import { connectDataSource, QualityRepository, type QualityInput } from '@ferry/persistence';
import type { DataSource } from 'typeorm';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

/** Quality counts are records, not deliveries: what a replay or a redelivered chunk sends again counts once. */
describe('QualityRepository', () => {
  const migration = uniqueMigration('quality-rec');
  let db: DataSource;
  let quality: QualityRepository;

  const issue = (keys: string[], example = keys[0]): QualityInput => ({
    objectType: 'deal', entity: 'opportunity', column: 'estimatedclosedate', kind: 'BAD_DATE', keys, exampleKey: example, exampleValue: `soon (${example})`, detail: 'not a date',
  });

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    quality = new QualityRepository(db, migration);
  });

  afterAll(async () => {
    await db?.query(`DELETE FROM ferry.quality_issue_record WHERE migration_id = $1`, [migration]);
    await db?.query(`DELETE FROM ferry.quality_issue WHERE migration_id = $1`, [migration]);
    await db?.destroy();
  });

  it('counts each record once per column and kind, whatever is sent again', async () => {
    await quality.add([issue(['D-1', 'D-2', 'D-2'])]);
    expect((await quality.all()).map((q) => q.occurrences)).toEqual([2]);
    // The same chunk again (a replay), then a chunk with one record seen before and one new.
    await quality.add([issue(['D-1', 'D-2'])]);
    await quality.add([issue(['D-2', 'D-3'], 'D-3')]);
    const [row] = await quality.all();
    expect(row).toMatchObject({ occurrences: 3, exampleKey: 'D-1', exampleValue: 'soon (D-1)' });
  });

  it('counts another kind or column of the same record on its own', async () => {
    await quality.add([{ ...issue(['D-1']), kind: 'truncated' }, { ...issue(['D-1']), column: 'name' }]);
    const rows = await quality.all();
    expect(rows.map((r) => [r.column, r.kind, r.occurrences])).toEqual([
      ['estimatedclosedate', 'BAD_DATE', 3],
      ['estimatedclosedate', 'truncated', 1],
      ['name', 'BAD_DATE', 1],
    ]);
  });
});
