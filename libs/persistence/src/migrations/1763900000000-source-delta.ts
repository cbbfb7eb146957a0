import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delta extraction: each stream's checkpoint becomes the connector's own state (JSON), every record's content
 * hash is kept so a new export drop emits only what changed (and deletes what disappeared), and a migration
 * records when cutover froze extraction.
 */
export class SourceDelta1763900000000 implements MigrationInterface {
  name = 'SourceDelta1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ferry.extract_checkpoint ADD COLUMN state jsonb`);
    await q.query(`ALTER TABLE ferry.extract_checkpoint ALTER COLUMN fingerprint SET DEFAULT ''`);
    await q.query(`ALTER TABLE ferry.extract_checkpoint ALTER COLUMN next_line SET DEFAULT 0`);
    await q.query(`CREATE TABLE ferry.source_record (
      migration_id text NOT NULL, stream text NOT NULL, source_key text NOT NULL, content_hash text NOT NULL,
      version text NOT NULL, deleted boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, stream, source_key))`);
    await q.query(`CREATE INDEX source_record_version ON ferry.source_record (migration_id, stream, version) WHERE NOT deleted`);
    await q.query(`ALTER TABLE ferry.migration ADD COLUMN cutover_requested_at timestamptz, ADD COLUMN cutover_completed_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ferry.migration DROP COLUMN cutover_completed_at, DROP COLUMN cutover_requested_at`);
    await q.query(`DROP TABLE ferry.source_record`);
    await q.query(`ALTER TABLE ferry.extract_checkpoint ALTER COLUMN next_line DROP DEFAULT`);
    await q.query(`ALTER TABLE ferry.extract_checkpoint ALTER COLUMN fingerprint DROP DEFAULT`);
    await q.query(`ALTER TABLE ferry.extract_checkpoint DROP COLUMN state`);
  }
}
