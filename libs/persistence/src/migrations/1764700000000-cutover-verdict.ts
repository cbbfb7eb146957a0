import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The cutover parity gate: every check `ferry cutover` makes (time, pass or fail, per-object numbers, the first
 * mismatches), so the dashboard can show the verdict; a migration is cut over once a check has passed.
 */
export class CutoverVerdict1764700000000 implements MigrationInterface {
  name = 'CutoverVerdict1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ferry.cutover_verdict (
      migration_id text NOT NULL, checked_at timestamptz NOT NULL DEFAULT now(), passed boolean NOT NULL,
      sample_size integer, seed text NOT NULL, objects jsonb NOT NULL, mismatch_count integer NOT NULL, mismatches jsonb NOT NULL,
      PRIMARY KEY (migration_id, checked_at))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ferry.cutover_verdict`);
  }
}
