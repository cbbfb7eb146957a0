import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The records behind each quality count, one row per record, column and kind: a replayed phase or a record sent
 * again counts nothing twice, so the report's "records" column means records. Counts kept before stay as they were.
 */
export class QualityRecords1765800000000 implements MigrationInterface {
  name = 'QualityRecords1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ferry.quality_issue_record (
        migration_id text NOT NULL, object_type text NOT NULL, entity text NOT NULL, column_name text NOT NULL, kind text NOT NULL,
        record_key text NOT NULL,
        PRIMARY KEY (migration_id, object_type, entity, column_name, kind, record_key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ferry.quality_issue_record`);
  }
}
