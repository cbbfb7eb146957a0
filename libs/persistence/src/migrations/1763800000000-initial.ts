import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1763800000000 implements MigrationInterface {
  name = 'Initial1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS ferry`);
    await q.query(`CREATE TABLE ferry.migration (
      migration_id text PRIMARY KEY, source_system text NOT NULL, destination text NOT NULL,
      map_version text, created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE ferry.extract_checkpoint (
      migration_id text NOT NULL, stream text NOT NULL, fingerprint text NOT NULL, next_line bigint NOT NULL,
      complete boolean NOT NULL DEFAULT false, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, stream))`);
    await q.query(`CREATE TABLE ferry.id_map (
      migration_id text NOT NULL, object_type text NOT NULL, source_key text NOT NULL, entity text NOT NULL,
      destination_id text, state text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, object_type, source_key))`);
    await q.query(`CREATE TABLE ferry.parked_record (
      migration_id text NOT NULL, object_type text NOT NULL, source_key text NOT NULL, entity text NOT NULL,
      event jsonb NOT NULL, parked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, object_type, source_key))`);
    await q.query(`CREATE TABLE ferry.parked_dependency (
      migration_id text NOT NULL, object_type text NOT NULL, source_key text NOT NULL,
      parent_object text NOT NULL, parent_key text NOT NULL,
      PRIMARY KEY (migration_id, object_type, source_key, parent_object, parent_key))`);
    await q.query(`CREATE INDEX parked_dependency_parent ON ferry.parked_dependency (migration_id, parent_object, parent_key)`);
    await q.query(`CREATE TABLE ferry.owner_assignment (
      migration_id text NOT NULL, object_type text NOT NULL, source_key text NOT NULL, source_email text NOT NULL,
      system_user_id text NOT NULL, status text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, object_type, source_key))`);
    await q.query(`CREATE TABLE ferry.audit_log (
      id bigserial PRIMARY KEY, migration_id text NOT NULL, run text NOT NULL, entity text NOT NULL,
      alternate_key text NOT NULL, destination_id text NOT NULL, action text NOT NULL, before_image jsonb,
      written_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX audit_log_record ON ferry.audit_log (migration_id, entity, destination_id)`);
    await q.query(`CREATE TABLE ferry.recon_record (
      migration_id text NOT NULL, object_type text NOT NULL, source_key text NOT NULL,
      extracted_at timestamptz, transformed_at timestamptz, resolved_at timestamptz, loaded_at timestamptz,
      rejected_at timestamptz, rejected_phase text, rejected_reason text,
      PRIMARY KEY (migration_id, object_type, source_key))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['recon_record', 'audit_log', 'owner_assignment', 'parked_dependency', 'parked_record', 'id_map', 'extract_checkpoint', 'migration']) {
      await q.query(`DROP TABLE IF EXISTS ferry.${t}`);
    }
  }
}
