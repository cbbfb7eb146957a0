import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing that depends on other objects (a contact with a deal is a Contact, else a Lead) needs what the transformer
 * has learnt so far: per rule, which related records point at which record and whether they count; a latch for rules
 * that stick once true; and the last version of each routed record with the entries that took it, so a record whose
 * facts change can be mapped again without reading the source.
 */
export class RelatedRouting1764200000000 implements MigrationInterface {
  name = 'RelatedRouting1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ferry.related_fact (
      migration_id text NOT NULL, rule text NOT NULL, related_object text NOT NULL, related_key text NOT NULL,
      target_key text NOT NULL, matches boolean NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, rule, related_object, related_key))`);
    await q.query(`CREATE INDEX related_fact_target ON ferry.related_fact (migration_id, rule, target_key) WHERE matches`);
    await q.query(`CREATE TABLE ferry.related_latch (
      migration_id text NOT NULL, rule text NOT NULL, target_key text NOT NULL,
      PRIMARY KEY (migration_id, rule, target_key))`);
    await q.query(`CREATE TABLE ferry.routed_record (
      migration_id text NOT NULL, object_type text NOT NULL, source_key text NOT NULL, record jsonb NOT NULL,
      entries text[] NOT NULL DEFAULT '{}', updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, object_type, source_key))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['routed_record', 'related_latch', 'related_fact']) await q.query(`DROP TABLE ferry.${t}`);
  }
}
