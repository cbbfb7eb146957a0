import { connectDataSource, TableStatistics } from '@ferry/persistence';
import { pollUntil } from '@ferry/common';
import type { DataSource } from 'typeorm';
import { testDatabaseUrl } from './support/it-env';

/** The resolver's own ANALYZE, on real PostgreSQL: what it analyzes, when, and that a lock never makes it wait. */
describe('TableStatistics', () => {
  const schema = 'ferry_stats_test';
  let db: DataSource;

  const changed = async (table: string): Promise<number> =>
    Number((await db.query(`SELECT n_mod_since_analyze AS n FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2`, [schema, table]))[0]?.n ?? -1);
  /** Change counters reach the shared statistics up to a second after a commit. */
  const changesSeen = (table: string, atLeast: number) => pollUntil(async () => (await changed(table)) >= atLeast, { timeoutMs: 20_000, intervalMs: 200, what: `${table}'s changes in pg_stat_user_tables` });

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.busy (id int PRIMARY KEY, v text)`);
    await db.query(`CREATE TABLE ${schema}.quiet (id int PRIMARY KEY, v text)`);
    await db.query(`INSERT INTO ${schema}.busy SELECT g, 'x' || g FROM generate_series(1, 2500) g`);
    await db.query(`INSERT INTO ${schema}.quiet SELECT g, 'x' || g FROM generate_series(1, 40) g`);
    await changesSeen('busy', 2500);
    await changesSeen('quiet', 40);
  });

  afterAll(async () => {
    await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.destroy();
  });

  it('analyzes the tables that changed enough, then not again within the interval', async () => {
    const stats = new TableStatistics(db, [`${schema}.busy`, `${schema}.quiet`], { intervalMs: 60_000, changedRows: 1000 });
    expect(await stats.refreshIfStale(1_000_000)).toEqual([`${schema}.busy`]);
    await pollUntil(async () => (await changed('busy')) === 0, { timeoutMs: 20_000, intervalMs: 200, what: 'the ANALYZE to reset the change counter' });
    expect(await changed('quiet')).toBe(40);
    // The planner now knows the table's size.
    const [{ reltuples }] = await db.query(`SELECT reltuples FROM pg_class WHERE oid = '${schema}.busy'::regclass`);
    expect(Number(reltuples)).toBe(2500);

    await db.query(`INSERT INTO ${schema}.busy SELECT g, 'y' FROM generate_series(2501, 4000) g`);
    await changesSeen('busy', 1500);
    expect(await stats.refreshIfStale(1_000_000 + 59_000)).toEqual([]);
    expect(await stats.refreshIfStale(1_000_000 + 61_000)).toEqual([`${schema}.busy`]);
  });

  it('skips a table another session is analyzing (holds its lock) instead of waiting', async () => {
    await db.query(`INSERT INTO ${schema}.quiet SELECT g, 'z' FROM generate_series(41, 2000) g`);
    await changesSeen('quiet', 1000);
    const runner = db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query(`LOCK TABLE ${schema}.quiet IN SHARE UPDATE EXCLUSIVE MODE`);
      const stats = new TableStatistics(db, [`${schema}.quiet`], { intervalMs: 1, changedRows: 1000 });
      const t0 = Date.now();
      expect(await stats.refreshIfStale()).toEqual([]);
      expect(Date.now() - t0).toBeLessThan(5_000);
      await runner.rollbackTransaction();
      await new Promise((r) => setTimeout(r, 5));
      expect(await stats.refreshIfStale()).toEqual([`${schema}.quiet`]);
    } finally {
      await runner.release();
    }
  });

  it('does nothing when turned off', async () => {
    const stats = new TableStatistics(db, [`${schema}.busy`], { intervalMs: 0, changedRows: 1 });
    expect(await stats.refreshIfStale()).toEqual([]);
  });
});
