import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Maps become versioned documents per migration, and from the transformer on a record is known by its destination
 * entity and key (several source records may be one destination record; one may be several). The id map, parking,
 * owner assignments and the destination side of reconciliation are re-keyed accordingly. Their rows were keyed by
 * source object and are not convertible: re-run (replay transform) a migration started before this.
 */
export class DestinationKeys1764100000000 implements MigrationInterface {
  name = 'DestinationKeys1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ferry.map_version (
      migration_id text NOT NULL, version integer NOT NULL, route text NOT NULL, hash text NOT NULL,
      document jsonb NOT NULL, source_text text NOT NULL, origin text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), created_by text NOT NULL,
      confirmed_at timestamptz, confirmed_by text,
      PRIMARY KEY (migration_id, version))`);
    for (const t of ['parked_dependency', 'parked_record', 'id_map', 'owner_assignment']) await q.query(`DROP TABLE ferry.${t}`);
    await q.query(`CREATE TABLE ferry.id_map (
      migration_id text NOT NULL, entity text NOT NULL, target_key text NOT NULL,
      destination_id text, state text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, entity, target_key))`);
    await q.query(`CREATE TABLE ferry.parked_record (
      migration_id text NOT NULL, entity text NOT NULL, target_key text NOT NULL,
      event jsonb NOT NULL, parked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, entity, target_key))`);
    // One slot per lookup column: a record is ready when every slot has at least one candidate that landed.
    await q.query(`CREATE TABLE ferry.parked_dependency (
      migration_id text NOT NULL, entity text NOT NULL, target_key text NOT NULL, slot text NOT NULL,
      parent_entity text NOT NULL, parent_key text NOT NULL,
      PRIMARY KEY (migration_id, entity, target_key, slot, parent_entity, parent_key))`);
    await q.query(`CREATE INDEX parked_dependency_parent ON ferry.parked_dependency (migration_id, parent_entity, parent_key)`);
    await q.query(`CREATE TABLE ferry.owner_assignment (
      migration_id text NOT NULL, entity text NOT NULL, target_key text NOT NULL, source_email text NOT NULL,
      system_user_id text NOT NULL, status text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, entity, target_key))`);
    await q.query(`CREATE TABLE ferry.recon_target (
      migration_id text NOT NULL, entity text NOT NULL, target_key text NOT NULL,
      transformed_at timestamptz, resolved_at timestamptz, loaded_at timestamptz,
      rejected_at timestamptz, rejected_phase text, rejected_reason text,
      PRIMARY KEY (migration_id, entity, target_key))`);
    // Values the map could not use, counted per column and kind with one example, for the data-quality report.
    await q.query(`CREATE TABLE ferry.quality_issue (
      migration_id text NOT NULL, object_type text NOT NULL, entity text NOT NULL, column_name text NOT NULL, kind text NOT NULL,
      occurrences bigint NOT NULL, example_key text, example_value text, detail text, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, object_type, entity, column_name, kind))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['quality_issue', 'recon_target', 'owner_assignment', 'parked_dependency', 'parked_record', 'id_map', 'map_version']) await q.query(`DROP TABLE ferry.${t}`);
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
  }
}
