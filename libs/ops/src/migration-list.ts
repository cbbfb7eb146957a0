import * as os from 'os';
import type { DataSource } from 'typeorm';
import type { MigrationRunRow } from '@ferry/persistence';

export type MigrationState = 'created' | 'map confirmed' | 'running' | 'stopped' | 'cut over' | 'rolled back';

export interface MigrationListing {
  migration: string;
  state: MigrationState;
  route: string | null;
  source: string;
  destination: string;
  mapVersion: string | null;
  createdAt: Date;
  lastRun: { startedAt: Date; stoppedAt: Date | null; status: string; pid: number; host: string; stopReason: string | null } | null;
  /** the stored run configuration (credentials are references, never values), null for a migration made before `ferry init` */
  config: unknown;
  counts: { extracted: number; loaded: number; rejected: number } | null;
}

/** True when the recorded `ferry run` process is alive (on this host; a run elsewhere counts as live until it stops). */
export function runIsLive(run: Pick<MigrationRunRow, 'pid' | 'host' | 'status'>): boolean {
  if (run.status === 'stopped' || !run.pid) return false;
  if (run.host !== os.hostname()) return true;
  try {
    process.kill(run.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Every migration with its state: rolled back or cut over when so recorded, running while its `ferry run` lives,
 * stopped once one ran, map confirmed, or just created.
 */
export async function listMigrations(db: DataSource, o: { counts?: boolean; limit?: number } = {}): Promise<MigrationListing[]> {
  const rows: Array<Record<string, unknown>> = await db.query(
    `SELECT m.migration_id, m.source_system, m.destination, m.map_version, m.created_at, m.cutover_completed_at,
            c.config, r.pid, r.host, r.status AS run_status, r.started_at, r.stopped_at, r.stop_reason,
            EXISTS (SELECT 1 FROM ferry.map_version v WHERE v.migration_id = m.migration_id AND v.confirmed_at IS NOT NULL) AS confirmed,
            (SELECT v.route || '@' || v.version FROM ferry.map_version v WHERE v.migration_id = m.migration_id AND v.confirmed_at IS NOT NULL
              ORDER BY v.version DESC LIMIT 1) AS confirmed_version,
            (EXISTS (SELECT 1 FROM ferry.audit_log a WHERE a.migration_id = m.migration_id AND a.rolled_back_at IS NOT NULL)
             AND NOT EXISTS (SELECT 1 FROM ferry.audit_log a WHERE a.migration_id = m.migration_id AND a.rolled_back_at IS NULL)) AS rolled_back
       FROM ferry.migration m
       LEFT JOIN ferry.migration_config c ON c.migration_id = m.migration_id
       LEFT JOIN ferry.migration_run r ON r.migration_id = m.migration_id AND r.run_id <> ''
      ORDER BY m.created_at DESC LIMIT $1`,
    [o.limit ?? 50],
  );
  const countsBy = o.counts ? await countsOf(db, rows.map((r) => String(r.migration_id))) : new Map();
  const out: MigrationListing[] = [];
  for (const r of rows) {
    const run = r.pid !== null && r.pid !== undefined
      ? { startedAt: r.started_at as Date, stoppedAt: (r.stopped_at as Date | null) ?? null, status: String(r.run_status), pid: Number(r.pid), host: String(r.host), stopReason: (r.stop_reason as string | null) ?? null }
      : null;
    // Rolled back: every write the audit log holds was put back by `ferry rollback` (and there was one).
    const rolledBack = r.rolled_back === true;
    let state: MigrationState = 'created';
    if (rolledBack) state = 'rolled back';
    else if (r.cutover_completed_at) state = 'cut over';
    else if (run && runIsLive({ pid: run.pid, host: run.host, status: run.status as MigrationRunRow['status'] })) state = 'running';
    else if (run) state = 'stopped';
    else if (r.confirmed) state = 'map confirmed';
    const config = (r.config as { route?: string } | null) ?? null;
    const counts = o.counts ? (countsBy.get(String(r.migration_id)) ?? { extracted: 0, loaded: 0, rejected: 0 }) : null;
    out.push({
      migration: String(r.migration_id), state, route: config?.route ?? (r.confirmed_version ? String(r.confirmed_version).split('@')[0] : null),
      source: String(r.source_system), destination: String(r.destination), mapVersion: (r.map_version as string | null) ?? (r.confirmed_version as string | null) ?? null,
      createdAt: r.created_at as Date, lastRun: run, config, counts,
    });
  }
  return out;
}

async function countsOf(db: DataSource, ids: string[]): Promise<Map<string, NonNullable<MigrationListing['counts']>>> {
  const out = new Map<string, NonNullable<MigrationListing['counts']>>();
  if (!ids.length) return out;
  const src: Array<{ migration_id: string; extracted: number }> = await db.query(
    `SELECT migration_id, count(extracted_at)::int AS extracted FROM ferry.recon_record WHERE migration_id = ANY($1) GROUP BY migration_id`, [ids]);
  const dst: Array<{ migration_id: string; loaded: number; rejected: number }> = await db.query(
    `SELECT migration_id,
            count(*) FILTER (WHERE loaded_at IS NOT NULL AND (rejected_at IS NULL OR rejected_at <= loaded_at))::int AS loaded,
            count(*) FILTER (WHERE rejected_at IS NOT NULL AND (loaded_at IS NULL OR rejected_at > loaded_at))::int AS rejected
       FROM ferry.recon_target WHERE migration_id = ANY($1) GROUP BY migration_id`, [ids]);
  for (const id of ids) out.set(id, { extracted: 0, loaded: 0, rejected: 0 });
  for (const r of src) out.get(r.migration_id)!.extracted = r.extracted;
  for (const r of dst) Object.assign(out.get(r.migration_id)!, { loaded: r.loaded, rejected: r.rejected });
  return out;
}
