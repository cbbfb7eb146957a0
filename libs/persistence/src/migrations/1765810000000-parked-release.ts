import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A released record stays in ferry.parked_record, marked with when it was released, until the resolver has sent it
 * on: a broker or process failure between the two leaves it to be released again instead of losing it.
 */
export class ParkedRelease1765810000000 implements MigrationInterface {
  name = 'ParkedRelease1765810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ferry.parked_record ADD COLUMN released_at timestamptz`);
    await q.query(`CREATE INDEX parked_record_released ON ferry.parked_record (migration_id, released_at) WHERE released_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ferry.parked_record_released`);
    await q.query(`ALTER TABLE ferry.parked_record DROP COLUMN released_at`);
  }
}
