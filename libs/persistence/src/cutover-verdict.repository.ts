import { Scoped } from './scoped';

export interface CutoverVerdictRow {
  checkedAt: Date;
  passed: boolean;
  /** records per object compared field by field; null: every record */
  sampleSize: number | null;
  seed: string;
  /** per source object: source, expected, found, rejected, missing, compared, differing (as the gate counted them) */
  objects: Array<Record<string, unknown>>;
  mismatchCount: number;
  /** the first mismatches (record key, column, expected, actual) */
  mismatches: Array<Record<string, unknown>>;
}

const LISTED = 200;

/** Every parity check of `ferry cutover`; the migration is cut over from the first one that passed. */
export class CutoverVerdictRepository extends Scoped {
  async record(v: Omit<CutoverVerdictRow, 'checkedAt'>): Promise<Date> {
    const [row] = await this.q<{ checked_at: Date }>(
      `INSERT INTO ferry.cutover_verdict (migration_id, checked_at, passed, sample_size, seed, objects, mismatch_count, mismatches)
       VALUES ($1, clock_timestamp(), $2, $3, $4, $5::jsonb, $6, $7::jsonb) RETURNING checked_at`,
      [v.passed, v.sampleSize, v.seed, JSON.stringify(v.objects), v.mismatchCount, JSON.stringify(v.mismatches.slice(0, LISTED))],
    );
    return row.checked_at;
  }

  async latest(): Promise<CutoverVerdictRow | null> {
    const rows = await this.q<{ checked_at: Date; passed: boolean; sample_size: number | null; seed: string; objects: CutoverVerdictRow['objects']; mismatch_count: number; mismatches: CutoverVerdictRow['mismatches'] }>(
      `SELECT checked_at, passed, sample_size, seed, objects, mismatch_count, mismatches FROM ferry.cutover_verdict
        WHERE migration_id = $1 ORDER BY checked_at DESC LIMIT 1`,
    );
    const r = rows[0];
    return r ? { checkedAt: r.checked_at, passed: r.passed, sampleSize: r.sample_size, seed: r.seed, objects: r.objects, mismatchCount: r.mismatch_count, mismatches: r.mismatches } : null;
  }

  /** When the migration was cut over: its first passing check; null while none has passed. */
  async cutOverAt(): Promise<Date | null> {
    const [r] = await this.q<{ at: Date | null }>(`SELECT min(checked_at) AS at FROM ferry.cutover_verdict WHERE migration_id = $1 AND passed`);
    return r?.at ?? null;
  }
}
