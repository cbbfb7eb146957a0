import { connectDataSource, IdMapRepository, ParkingRepository, type ParkedInput } from '@ferry/persistence';
import type { DataSource } from 'typeorm';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

/**
 * A release is claimed in PostgreSQL and confirmed once the resolver sent it on: a failure in between (a broker
 * died under the resolver's producer) leaves the record to be released again, never lost.
 */
describe('ParkingRepository releases', () => {
  const migration = uniqueMigration('park-release');
  let db: DataSource;
  let parking: ParkingRepository;
  let idMap: IdMapRepository;

  const child = (key: string, parent: string, version = 1): ParkedInput => ({
    entity: 'email', key, event: { key, version }, waitingFor: [{ slot: 'regardingobjectid', candidates: [{ entity: 'contact', key: parent }] }],
  });
  const rows = async () =>
    (await db.query(`SELECT target_key, released_at IS NOT NULL AS released, event FROM ferry.parked_record WHERE migration_id = $1 ORDER BY target_key`, [migration])) as {
      target_key: string; released: boolean; event: { version: number };
    }[];

  beforeAll(async () => {
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    parking = new ParkingRepository(db, migration);
    idMap = new IdMapRepository(db, migration);
  });

  afterAll(async () => {
    for (const t of ['parked_dependency', 'parked_record', 'id_map']) await db?.query(`DELETE FROM ferry.${t} WHERE migration_id = $1`, [migration]);
    await db?.destroy();
  });

  it('keeps a claimed record until it is confirmed sent, and claims it only once', async () => {
    await parking.park([child('E-1', 'C-1'), child('E-2', 'C-2')]);
    await idMap.upsert([{ entity: 'contact', key: 'C-1', destinationId: '00000000-0000-0000-0000-000000000001', state: 'loaded' }]);
    const claimed = await parking.claimReady({ parents: [{ entity: 'contact', key: 'C-1' }] });
    expect(claimed.map((r) => r.key)).toEqual(['E-1']);
    // A redelivered loaded event, or a second resolver, finds nothing more to release.
    expect(await parking.claimReady({ parents: [{ entity: 'contact', key: 'C-1' }] })).toEqual([]);
    expect((await rows()).map((r) => [r.target_key, r.released])).toEqual([['E-1', true], ['E-2', false]]);
    // Still counted as waiting until it went on.
    expect((await parking.countByEntity()).get('email')).toBe(2);
    await parking.sent(claimed);
    expect((await rows()).map((r) => r.target_key)).toEqual(['E-2']);
  });

  it('claims again a release never confirmed, once it is older than asked', async () => {
    await idMap.upsert([{ entity: 'contact', key: 'C-2', destinationId: '00000000-0000-0000-0000-000000000002', state: 'loaded' }]);
    const claimed = await parking.claimReady({ parents: [{ entity: 'contact', key: 'C-2' }] });
    expect(claimed.map((r) => r.key)).toEqual(['E-2']);
    // The resolver failed before sending: nothing confirms it.
    expect(await parking.reclaimStale(60_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, 20));
    const again = await parking.reclaimStale(10);
    expect(again).toEqual([expect.objectContaining({ entity: 'email', key: 'E-2', event: { key: 'E-2', version: 1 } })]);
    await parking.sent(again);
    expect(await rows()).toEqual([]);
  });

  it('keeps a newer version parked while an older one was being released', async () => {
    await parking.park([child('E-3', 'C-3')]);
    await idMap.upsert([{ entity: 'contact', key: 'C-3', destinationId: '00000000-0000-0000-0000-000000000003', state: 'loaded' }]);
    const claimed = await parking.claimReady({ parents: [{ entity: 'contact', key: 'C-3' }] });
    expect(claimed.map((r) => r.key)).toEqual(['E-3']);
    // Version 2 of the record parks (waiting on another parent) before the release of version 1 is confirmed.
    await parking.park([child('E-3', 'C-4', 2)]);
    await parking.sent(claimed);
    expect(await rows()).toEqual([{ target_key: 'E-3', released: false, event: { key: 'E-3', version: 2 } }]);
  });
});
