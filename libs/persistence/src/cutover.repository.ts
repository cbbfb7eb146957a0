import { Scoped } from './scoped';

export interface CutoverState {
  requestedAt: Date | null;
  completedAt: Date | null;
}

/** Cutover freezes extraction: requested by the operator, completed by the extractor after its final delta pass. */
export class CutoverRepository extends Scoped {
  async get(): Promise<CutoverState | null> {
    const rows = await this.q<{ cutover_requested_at: Date | null; cutover_completed_at: Date | null }>(
      `SELECT cutover_requested_at, cutover_completed_at FROM ferry.migration WHERE migration_id = $1`,
    );
    return rows[0] ? { requestedAt: rows[0].cutover_requested_at, completedAt: rows[0].cutover_completed_at } : null;
  }

  /** Returns false when the migration does not exist. Asking twice keeps the first request time. */
  async request(): Promise<boolean> {
    const rows = await this.q(
      `UPDATE ferry.migration SET cutover_requested_at = COALESCE(cutover_requested_at, now()) WHERE migration_id = $1 RETURNING migration_id`,
    );
    return rows.length > 0;
  }

  async complete(): Promise<void> {
    await this.q(`UPDATE ferry.migration SET cutover_completed_at = COALESCE(cutover_completed_at, now()) WHERE migration_id = $1`);
  }
}
