import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A record routed by what other objects hold (a contact with a deal is a Contact, else a Lead) whose facts are still
 * absent while the source snapshot is being read is held rather than mapped: once every related object is read and
 * transformed it is mapped from complete facts, so an initial load does not depend on which stream arrives first.
 */
export class RelatedHold1764900000000 implements MigrationInterface {
  name = 'RelatedHold1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ferry.routed_record ADD COLUMN held boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX routed_record_held ON ferry.routed_record (migration_id, object_type) WHERE held`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ferry.routed_record_held`);
    await q.query(`ALTER TABLE ferry.routed_record DROP COLUMN held`);
  }
}
