import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For the data-quality report and the owner queue: the code of each rejection; which source records merged into each
 * destination record (many:1 dedupe); files too large for the destination, kept in a manifest for manual handling;
 * and owners a person mapped by hand (`ferry owners map`).
 */
export class QualityOwnersFiles1764300000000 implements MigrationInterface {
  name = 'QualityOwnersFiles1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ferry.recon_record ADD COLUMN rejected_code text`);
    await q.query(`ALTER TABLE ferry.recon_target ADD COLUMN rejected_code text`);
    await q.query(`CREATE TABLE ferry.target_source (
      migration_id text NOT NULL, entity text NOT NULL, target_key text NOT NULL, object_type text NOT NULL, source_key text NOT NULL,
      PRIMARY KEY (migration_id, entity, target_key, object_type, source_key))`);
    await q.query(`CREATE TABLE ferry.file_manifest (
      migration_id text NOT NULL, entity text NOT NULL, target_key text NOT NULL, column_name text NOT NULL,
      file_name text, bytes bigint NOT NULL, limit_bytes bigint NOT NULL, reason text NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, entity, target_key, column_name))`);
    await q.query(`CREATE TABLE ferry.owner_mapping (
      migration_id text NOT NULL, source_email text NOT NULL, system_user_id text NOT NULL, mapped_by text NOT NULL,
      mapped_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (migration_id, source_email))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['owner_mapping', 'file_manifest', 'target_source']) await q.query(`DROP TABLE ferry.${t}`);
    await q.query(`ALTER TABLE ferry.recon_target DROP COLUMN rejected_code`);
    await q.query(`ALTER TABLE ferry.recon_record DROP COLUMN rejected_code`);
  }
}
