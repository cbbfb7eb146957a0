import { Scoped } from './scoped';

export interface ServiceStateRow {
  service: string;
  pid: number | null;
  /** starting | running | restarting | stopped | failed */
  status: string;
  restarts: number;
  lastExitCode: number | null;
  lastExitSignal: string | null;
  lastLogLine: string | null;
  startedAt: Date | null;
  updatedAt: Date;
}

/** What `ferry run`'s supervisor knows of each service of a migration: pid, status, restarts, how it last ended. */
export class ServiceStateRepository extends Scoped {
  /** Writes the given services' current state in one statement. */
  async save(rows: Omit<ServiceStateRow, 'updatedAt'>[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `INSERT INTO ferry.service_state (migration_id, service, pid, status, restarts, last_exit_code, last_exit_signal, last_log_line, started_at, updated_at)
       SELECT $1, s.service, s.pid, s.status, s.restarts, s.code, s.signal, s.line, s.started, now()
         FROM jsonb_to_recordset($2::jsonb) AS s(service text, pid integer, status text, restarts integer, code integer, signal text, line text, started timestamptz)
       ON CONFLICT (migration_id, service) DO UPDATE SET pid = EXCLUDED.pid, status = EXCLUDED.status, restarts = EXCLUDED.restarts,
         last_exit_code = EXCLUDED.last_exit_code, last_exit_signal = EXCLUDED.last_exit_signal, last_log_line = EXCLUDED.last_log_line,
         started_at = EXCLUDED.started_at, updated_at = now()`,
      [JSON.stringify(rows.map((r) => ({
        service: r.service, pid: r.pid, status: r.status, restarts: r.restarts, code: r.lastExitCode, signal: r.lastExitSignal,
        line: r.lastLogLine?.slice(0, 2000) ?? null, started: r.startedAt?.toISOString() ?? null,
      })))],
    );
  }

  async all(): Promise<ServiceStateRow[]> {
    const rows = await this.q<{
      service: string; pid: number | null; status: string; restarts: number; last_exit_code: number | null; last_exit_signal: string | null;
      last_log_line: string | null; started_at: Date | null; updated_at: Date;
    }>(`SELECT * FROM ferry.service_state WHERE migration_id = $1 ORDER BY service`);
    return rows.map((r) => ({
      service: r.service, pid: r.pid, status: r.status, restarts: r.restarts, lastExitCode: r.last_exit_code, lastExitSignal: r.last_exit_signal,
      lastLogLine: r.last_log_line, startedAt: r.started_at, updatedAt: r.updated_at,
    }));
  }
}
