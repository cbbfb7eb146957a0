import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-record hash table is written once per extracted record, so every index on it is paid for on the
 * extraction's hot path. The (migration, stream, version) index served only the delete sweep, which asks for
 * keys whose version is NOT the current one: a btree cannot answer `<>`, so the sweep read the whole stream
 * either way, and the primary key (migration, stream, source_key) serves it in key order just as well.
 */
export class SourceRecordLean1764000000000 implements MigrationInterface {
  name = 'SourceRecordLean1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS ferry.source_record_version`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS source_record_version ON ferry.source_record (migration_id, stream, version) WHERE NOT deleted`);
  }
}
