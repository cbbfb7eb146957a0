import { draftFromTemplate } from '@ferry/mapping';
import { connectDataSource, MapVersionRepository } from '@ferry/persistence';
import type { DataSource } from 'typeorm';
import { Runtime } from '@ferry/runtime';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

describe('the confirm gate', () => {
  const migration = uniqueMigration('gate');
  let db: DataSource;

  beforeAll(async () => {
    useTestEnv(migration, { FERRY_MAP_POLL_MS: '200' });
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
  });
  afterAll(() => db?.destroy());

  it('holds a service until a person confirms a map version, then wires it from that version', async () => {
    const draft = await draftFromTemplate(db, migration, 'leaf360-dynamics', 'gate test');
    let rt: Runtime | null = null;
    const starting = Runtime.create('gate-test').then((r) => (rt = r));
    await new Promise((r) => setTimeout(r, 2000));
    // A draft is not enough: nothing is wired, nothing moves.
    expect(rt).toBeNull();
    const confirmed = await new MapVersionRepository(db, migration).confirm(draft.version, 'gate test');
    expect(confirmed).toMatchObject({ version: 1, confirmedBy: 'gate test' });
    await starting;
    try {
      expect(rt!.map.mapVersion).toBe(`leaf360-dynamics@1#${confirmed!.hash.slice(0, 12)}`);
      expect(rt!.plan.entities.map((e) => e.entity)).toContain('account');
    } finally {
      await rt!.close();
    }
  });

  it('keeps a confirmed version as it was: confirming again changes neither who nor when, and an equal draft is not stored twice', async () => {
    const repo = new MapVersionRepository(db, migration);
    const before = await repo.get(1);
    const again = await repo.confirm(1, 'someone else');
    expect(again).toMatchObject({ confirmedBy: 'gate test', confirmedAt: before!.confirmedAt });
    expect(await draftFromTemplate(db, migration, 'leaf360-dynamics', 'gate test')).toEqual({ version: 1, created: false });
  });
});
