import type { DataSource } from 'typeorm';

export interface TableStatisticsOptions {
  /** the least time between two checks; 0 turns the keeper off */
  intervalMs: number;
  /** rows inserted, updated or deleted since a table's last ANALYZE that make its statistics stale */
  changedRows: number;
}

/**
 * Keeps the planner's statistics of the tables a service queries with joins fresh, instead of trusting autovacuum
 * (off on some hosts, and tuned for big tables: by default it waits for 10 % of a table to change). A migration's
 * rows are new to the planner: until an ANALYZE sees them it assumes a handful, picks nested loops, and a release
 * query over a 500-parent chunk took 21.9 s instead of 30 ms. At most once per interval the keeper reads PostgreSQL's
 * own change counters and analyzes the tables that changed enough; it never runs two at once and never waits for a
 * lock (another replica analyzing the same table is enough).
 */
export class TableStatistics {
  private last = 0;
  private running: Promise<string[]> | null = null;

  constructor(
    private readonly db: DataSource,
    /** schema-qualified names, e.g. ferry.parked_record */
    private readonly tables: readonly string[],
    private readonly options: TableStatisticsOptions,
  ) {}

  /** The tables analyzed by this call (none when it was too soon, nothing was stale, or one is already running). */
  refreshIfStale(now = Date.now()): Promise<string[]> {
    if (this.options.intervalMs <= 0 || this.running || now - this.last < this.options.intervalMs) return Promise.resolve([]);
    this.last = now;
    this.running = this.refresh().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async refresh(): Promise<string[]> {
    const rows: Array<{ name: string; changed: string }> = await this.db.query(
      `SELECT schemaname || '.' || relname AS name, n_mod_since_analyze AS changed
         FROM pg_stat_user_tables WHERE schemaname || '.' || relname = ANY($1::text[])`,
      [this.tables],
    );
    const stale = rows.filter((r) => Number(r.changed) >= this.options.changedRows).map((r) => r.name);
    const done: string[] = [];
    for (const table of stale) {
      const analyzed = await this.db
        .transaction(async (m) => {
          await m.query(`SET LOCAL lock_timeout = '200ms'`);
          await m.query(`ANALYZE ${table}`);
          return true;
        })
        .catch((e: { code?: string }) => {
          if (e.code === '55P03') return false; // lock_not_available: another replica is analyzing it right now
          throw e;
        });
      if (analyzed) done.push(table);
    }
    return done;
  }
}
