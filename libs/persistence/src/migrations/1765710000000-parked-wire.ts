import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A parked record may be kept as the Avro bytes it arrived in (Confluent wire format, so its schema id comes with it)
 * instead of JSON: nothing to encode when it parks, a third of the bytes to write, nothing to parse when it is
 * released. Rows parked as JSON before stay readable.
 */
export class ParkedWire1765710000000 implements MigrationInterface {
  name = 'ParkedWire1765710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ferry.parked_record ADD COLUMN event_wire bytea`);
    await q.query(`ALTER TABLE ferry.parked_record ALTER COLUMN event DROP NOT NULL`);
    await q.query(`ALTER TABLE ferry.parked_record ADD CONSTRAINT parked_record_event CHECK (event IS NOT NULL OR event_wire IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Avro bytes cannot be turned back into JSON here: going back waits until nothing is parked that way.
    const [{ n }] = (await q.query(`SELECT count(*) AS n FROM ferry.parked_record WHERE event IS NULL`)) as { n: string }[];
    if (Number(n) > 0) throw new Error(`${n} parked records are kept as Avro bytes; let them be released (or reset their migrations) before reverting`);
    await q.query(`ALTER TABLE ferry.parked_record DROP CONSTRAINT parked_record_event`);
    await q.query(`ALTER TABLE ferry.parked_record ALTER COLUMN event SET NOT NULL`);
    await q.query(`ALTER TABLE ferry.parked_record DROP COLUMN event_wire`);
  }
}
