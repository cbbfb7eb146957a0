import type { DestinationEvent, ExtractedEvent } from '@ferry/contracts';
import { sourceStream, topics } from '@ferry/contracts';
import type { ConsumedRecord } from '@ferry/kafka';
import { CompiledRouteMap, routeMapSchema } from '@ferry/mapping';
import { CheckpointRepository, connectDataSource } from '@ferry/persistence';
import { Runtime } from '@ferry/runtime';
import { TransformHandler } from '../apps/transformer/src/transform.handler';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

/** Deals read their borrower's name and loan officer from the contact record through ref(). */
const map = new CompiledRouteMap(
  routeMapSchema.parse({
    route: 'leaf360-dynamics', source: 'leaf360', destination: 'dynamics', keyColumn: 'crm_sourceid',
    objects: [
      {
        id: 'opportunity', from: 'deal', to: 'opportunity',
        owner: { email: "ref('contact', contact_id).loan_officer" },
        fields: {
          name: { from: 'dealname', type: 'string' },
          crm_borrower: { expr: "ref('contact', contact_id).last_name", type: 'string' },
        },
      },
    ],
  }),
  1,
);

const envelope = (migration: string, objectType: string, sourceKey: string) => ({
  migration, run: 'run-test', sourceSystem: 'leaf360', objectType, sourceKey, operation: 'UPSERT' as const, sourceModifiedAt: null, contentHash: 'h', mapVersion: null, traceId: `t-${sourceKey}`,
});
const contact = (m: string, key: string): ConsumedRecord<ExtractedEvent> => ({
  topic: topics.extracted(m, 'leaf360', 'contact'), partition: 0, offset: '0', key, timestamp: Date.now(),
  value: {
    envelope: envelope(m, 'contact', key), origin: null,
    record: { contact_id: key, first_name: 'Ana', last_name: `Díaz ${key}`, email: null, phone: null, job_title: null, company_id: null, loan_officer: 'Chen.Wei@contoso-lending.example', loan_status: null, referral_source: null, created_at: null, updated_at: null, custom: {} },
  },
});
const deal = (m: string, key: string, contactId: string): ConsumedRecord<ExtractedEvent> => ({
  topic: topics.extracted(m, 'leaf360', 'deal'), partition: 0, offset: '0', key, timestamp: Date.now(),
  value: {
    envelope: envelope(m, 'deal', key), origin: null,
    record: {
      deal_id: key, dealname: `Deal ${key}`, loan_amount: null, closedate: null, loan_type: null, preapproval_date: null, pipeline: null,
      dealstage: null, company_id: null, contact_id: contactId, loan_officer: null, created_at: null, updated_at: null, custom: {},
    },
  },
});

describe('transformer: a record that reads another record through ref()', () => {
  const migration = uniqueMigration('refhold');
  let rt: Runtime;
  let handler: TransformHandler;

  beforeAll(async () => {
    useTestEnv(migration);
    const db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await db.destroy();
    rt = await Runtime.create('transformer-test', { map });
    handler = new TransformHandler(rt);
  });
  afterAll(() => rt?.close());

  it('is held until the record it reads arrives, or, for one that never does, until that object\'s snapshot is complete', async () => {
    await handler.handle([deal(migration, 'D-1', 'C-1'), deal(migration, 'D-2', 'C-404')]);
    // C-1 arrives later: D-1 is mapped with it; D-2 still waits.
    await handler.handle([contact(migration, 'C-1')]);
    expect(await handler.releaseHeld()).toBe(0);
    // A deal whose contact is already known is mapped at once.
    await handler.handle([deal(migration, 'D-3', 'C-1')]);
    await new CheckpointRepository(rt.db, migration).save(sourceStream('leaf360', 'contact'), { state: {}, complete: true });
    expect(await handler.releaseHeld()).toBe(1);
    expect(await handler.releaseHeld()).toBe(0);

    const out = await readTopic<DestinationEvent>(rt.kafka, rt.codec, topics.transformed(migration, 'dynamics', 'opportunity'), 3);
    const byKey = new Map(out.map((o) => [o.key, o.value]));
    expect([...byKey.keys()].sort()).toEqual(['D-1', 'D-2', 'D-3']);
    expect(byKey.get('D-1')!.record).toMatchObject({ name: 'Deal D-1', crm_borrower: 'Díaz C-1' });
    expect(byKey.get('D-1')!.owner?.email).toBe('chen.wei@contoso-lending.example');
    expect(byKey.get('D-3')!.record).toMatchObject({ crm_borrower: 'Díaz C-1' });
    // never arrived: mapped after the snapshot with the value it reads empty
    expect(byKey.get('D-2')!.record).toMatchObject({ name: 'Deal D-2', crm_borrower: null });
    expect(byKey.get('D-2')!.owner?.email ?? null).toBeNull();
  });
});
