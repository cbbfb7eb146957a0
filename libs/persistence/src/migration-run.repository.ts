import { Scoped } from './scoped';

export interface MigrationRunRow {
  migrationId: string;
  runId: string;
  pid: number;
  host: string;
  status: 'running' | 'stopping' | 'stopped';
  options: Record<string, unknown>;
  startedAt: Date;
  heartbeatAt: Date;
  stoppedAt: Date | null;
  stopReason: string | null;
}

interface Raw {
  migration_id: string; run_id: string; pid: number; host: string; status: MigrationRunRow['status']; options: Record<string, unknown>;
  started_at: Date; heartbeat_at: Date; stopped_at: Date | null; stop_reason: string | null;
}

const toRow = (r: Raw): MigrationRunRow => ({
  migrationId: r.migration_id, runId: r.run_id, pid: r.pid, host: r.host, status: r.status, options: r.options,
  startedAt: r.started_at, heartbeatAt: r.heartbeat_at, stoppedAt: r.stopped_at, stopReason: r.stop_reason,
});

/** The `ferry run` that holds a migration: one at a time, found by `ferry stop` through its pid and host. */
export class MigrationRunRepository extends Scoped {
  async get(): Promise<MigrationRunRow | null> {
    const rows = await this.q<Raw>(`SELECT * FROM ferry.migration_run WHERE migration_id = $1`);
    return rows[0] ? toRow(rows[0]) : null;
  }

  /**
   * Takes the migration for this run unless `isLive` says the holder recorded is still running. The row is locked
   * while deciding, so of two runs starting at once exactly one wins. Returns the live holder when refused.
   */
  async claim(run: { runId: string; pid: number; host: string; options: Record<string, unknown> }, isLive: (holder: MigrationRunRow) => boolean): Promise<MigrationRunRow | null> {
    return this.db.transaction(async (m) => {
      await m.query(
        `INSERT INTO ferry.migration_run (migration_id, run_id, pid, host, status, stopped_at) VALUES ($1, '', 0, '', 'stopped', now())
         ON CONFLICT (migration_id) DO NOTHING`,
        [this.migrationId],
      );
      const [held] = (await m.query(`SELECT * FROM ferry.migration_run WHERE migration_id = $1 FOR UPDATE`, [this.migrationId])) as Raw[];
      const holder = toRow(held);
      if (holder.status !== 'stopped' && isLive(holder)) return holder;
      await m.query(
        `UPDATE ferry.migration_run SET run_id = $2, pid = $3, host = $4, status = 'running', options = $5, started_at = now(), heartbeat_at = now(),
           stopped_at = NULL, stop_reason = NULL WHERE migration_id = $1`,
        [this.migrationId, run.runId, run.pid, run.host, JSON.stringify(run.options)],
      );
      return null;
    });
  }

  async heartbeat(runId: string): Promise<void> {
    await this.q(`UPDATE ferry.migration_run SET heartbeat_at = now() WHERE migration_id = $1 AND run_id = $2`, [runId]);
  }

  async markStopping(runId: string): Promise<void> {
    await this.q(`UPDATE ferry.migration_run SET status = 'stopping' WHERE migration_id = $1 AND run_id = $2 AND status = 'running'`, [runId]);
  }

  async release(runId: string, reason: string): Promise<void> {
    await this.q(
      `UPDATE ferry.migration_run SET status = 'stopped', stopped_at = now(), stop_reason = $3 WHERE migration_id = $1 AND run_id = $2`,
      [runId, reason],
    );
  }
}
