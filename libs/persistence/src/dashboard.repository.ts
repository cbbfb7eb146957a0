import { Scoped } from './scoped';

/** Tables other parts of Ferry add (cutover verdicts, supervised services, runs): read when present, as they are. */
export const OPTIONAL_TABLES = ['cutover', 'cutover_verdict', 'service_state', 'migration_run'] as const;
export type OptionalTable = (typeof OPTIONAL_TABLES)[number];

export interface RejectedRecord {
  key: string;
  phase: string;
  code: string;
  reason: string;
  at: Date;
}

/** What the dashboard reads besides `ferry status`: the records behind a DLQ reason, and the optional tables. */
export class DashboardRepository extends Scoped {
  /**
   * Rejected records of one source object or destination entity with one code, newest first. The same selection
   * as the quality report's counts (a destination record that loaded after its rejection is not listed).
   */
  async rejected(side: 'source' | 'destination', name: string, code: string, limit = 100): Promise<RejectedRecord[]> {
    const sql =
      side === 'source'
        ? `SELECT source_key AS key, rejected_phase AS phase, COALESCE(rejected_code, 'UNKNOWN') AS code, rejected_reason AS reason, rejected_at AS at
             FROM ferry.recon_record WHERE migration_id = $1 AND object_type = $2 AND rejected_at IS NOT NULL AND COALESCE(rejected_code, 'UNKNOWN') = $3
            ORDER BY rejected_at DESC, source_key LIMIT $4`
        : `SELECT target_key AS key, rejected_phase AS phase, COALESCE(rejected_code, 'UNKNOWN') AS code, rejected_reason AS reason, rejected_at AS at
             FROM ferry.recon_target WHERE migration_id = $1 AND entity = $2 AND rejected_at IS NOT NULL AND (loaded_at IS NULL OR rejected_at > loaded_at)
              AND COALESCE(rejected_code, 'UNKNOWN') = $3
            ORDER BY rejected_at DESC, target_key LIMIT $4`;
    const rows = await this.q<{ key: string; phase: string; code: string; reason: string | null; at: Date }>(sql, [name, code, limit]);
    return rows.map((r) => ({ key: r.key, phase: r.phase, code: r.code, reason: r.reason ?? '', at: r.at }));
  }

  /** The migration's rows of an optional table, or null when the table does not exist (yet). */
  async optional(table: OptionalTable, limit = 50): Promise<Record<string, unknown>[] | null> {
    if (!(OPTIONAL_TABLES as readonly string[]).includes(table)) throw new Error(`not an optional table: ${table}`);
    const cols = await this.db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'ferry' AND table_name = $1`,
      [table],
    ) as { column_name: string }[];
    if (!cols.length) return null;
    const names = new Set(cols.map((c) => c.column_name));
    const scope = names.has('migration_id') ? 'WHERE migration_id = $1' : 'WHERE $1::text IS NOT NULL';
    const newest = ['checked_at', 'updated_at', 'started_at'].find((c) => names.has(c));
    return this.q(`SELECT * FROM ferry.${table} ${scope}${newest ? ` ORDER BY ${newest} DESC` : ''} LIMIT ${Number(limit)}`);
  }
}
