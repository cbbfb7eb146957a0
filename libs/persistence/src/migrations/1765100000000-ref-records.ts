import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A map may read a field of another source object's record by its key (`ref('user', owner_id).email`). The
 * transformer keeps those few fields of each referenced record as it arrives, and a record that reads one not yet
 * seen is held (in routed_record, as records held for related facts are) with the records it waits on, so the
 * arrival of one of them releases it.
 */
export class RefRecords1765100000000 implements MigrationInterface {
  name = 'RefRecords1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ferry.ref_record (
      migration_id text NOT NULL, object_type text NOT NULL, source_key text NOT NULL, fields jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, object_type, source_key))`);
    await q.query(`ALTER TABLE ferry.routed_record ADD COLUMN waiting_on text[] NOT NULL DEFAULT '{}'`);
    await q.query(`CREATE INDEX routed_record_waiting_on ON ferry.routed_record USING gin (waiting_on) WHERE held`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ferry.routed_record_waiting_on`);
    await q.query(`ALTER TABLE ferry.routed_record DROP COLUMN waiting_on`);
    await q.query(`DROP TABLE ferry.ref_record`);
  }
}
