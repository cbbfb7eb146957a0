import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollback and dead-letter redrive: each audit row is marked once the rollback has put its record back, so an
 * interrupted rollback resumes and a finished one does nothing; each dead letter redriven is remembered by its
 * place in the DLQ topic, so a second redrive sends it only when asked to.
 */
export class RollbackDlq1764500000000 implements MigrationInterface {
  name = 'RollbackDlq1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ferry.audit_log ADD COLUMN rolled_back_at timestamptz`);
    await q.query(`CREATE INDEX audit_log_pending_rollback ON ferry.audit_log (migration_id, entity, destination_id, id) WHERE rolled_back_at IS NULL`);
    await q.query(`CREATE TABLE ferry.dlq_redrive (
      migration_id text NOT NULL, dlq_partition integer NOT NULL, dlq_offset bigint NOT NULL, phase text NOT NULL,
      object_type text NOT NULL, record_key text NOT NULL, redriven_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, dlq_partition, dlq_offset))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ferry.dlq_redrive`);
    await q.query(`DROP INDEX ferry.audit_log_pending_rollback`);
    await q.query(`ALTER TABLE ferry.audit_log DROP COLUMN rolled_back_at`);
  }
}
