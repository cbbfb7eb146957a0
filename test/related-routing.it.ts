import type { DestinationEvent, ExtractedEvent } from '@ferry/contracts';
import { sourceStream, topics } from '@ferry/contracts';
import type { ConsumedRecord } from '@ferry/kafka';
import { CompiledRouteMap, routeMapSchema } from '@ferry/mapping';
import { CheckpointRepository, connectDataSource } from '@ferry/persistence';
import { Runtime } from '@ferry/runtime';
import { TransformHandler } from '../apps/transformer/src/transform.handler';
import { readTopic } from './support/topic-reader';
import { testDatabaseUrl, uniqueMigration, useTestEnv } from './support/it-env';

/** Leaf360 contacts split by a rule over deals: a contact with an open deal is a Contact, any other a Lead. */
const map = new CompiledRouteMap(
  routeMapSchema.parse({
    route: 'leaf360-dynamics', source: 'leaf360', destination: 'dynamics', keyColumn: 'crm_sourceid',
    objects: [
      {
        id: 'contact-as-contact', from: 'contact', to: 'contact',
        related: { when: 'exists', of: [{ object: 'deal', key: 'contact_id', filter: "dealstage != 'Lost'" }] },
        fields: { lastname: { from: 'last_name', type: 'string' } },
      },
      {
        id: 'contact-as-lead', from: 'contact', to: 'lead',
        related: { when: 'absent', of: [{ object: 'deal', key: 'contact_id', filter: "dealstage != 'Lost'" }] },
        retire: { set: { statecode: 1, statuscode: 3 } },
        fields: { lastname: { from: 'last_name', type: 'string' } },
      },
      { id: 'opportunity', from: 'deal', to: 'opportunity', fields: { name: { from: 'dealname', type: 'string' } } },
    ],
  }),
  1,
);

const envelope = (migration: string, objectType: string, sourceKey: string, operation: 'UPSERT' | 'DELETE' = 'UPSERT') => ({
  migration, run: 'run-test', sourceSystem: 'leaf360', objectType, sourceKey, operation, sourceModifiedAt: null, contentHash: 'h', mapVersion: null, traceId: `t-${sourceKey}`,
});
const contact = (m: string, key: string): ConsumedRecord<ExtractedEvent> => ({
  topic: topics.extracted(m, 'leaf360', 'contact'), partition: 0, offset: '0', key, timestamp: Date.now(),
  value: {
    envelope: envelope(m, 'contact', key), origin: null,
    record: { contact_id: key, first_name: 'Ana', last_name: `Díaz ${key}`, email: null, phone: null, job_title: null, company_id: null, loan_officer: null, loan_status: null, referral_source: null, created_at: null, updated_at: null, custom: {} },
  },
});
const deal = (m: string, key: string, contactId: string, stage = 'Processing', operation: 'UPSERT' | 'DELETE' = 'UPSERT'): ConsumedRecord<ExtractedEvent> => ({
  topic: topics.extracted(m, 'leaf360', 'deal'), partition: 0, offset: '0', key, timestamp: Date.now(),
  value: {
    envelope: envelope(m, 'deal', key, operation), origin: null,
    record: operation === 'DELETE' ? null : {
      deal_id: key, dealname: `Deal ${key}`, loan_amount: null, closedate: null, loan_type: null, preapproval_date: null, pipeline: null,
      dealstage: stage, company_id: null, contact_id: contactId, loan_officer: null, created_at: null, updated_at: null, custom: {},
    },
  },
});

describe('transformer: routing that depends on related records', () => {
  const migration = uniqueMigration('related');
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

  const read = (entity: string, n: number) => readTopic<DestinationEvent>(rt.kafka, rt.codec, topics.transformed(migration, 'dynamics', entity), n);

  it('holds records with no related facts while the snapshot is read, then maps them from complete facts: no lead for a contact whose deal came later', async () => {
    // Snapshot: C-1 arrives before its deal; C-2's deal before C-2; C-3 has only a lost deal.
    await handler.handle([contact(migration, 'C-1')]);
    await handler.handle([deal(migration, 'D-2', 'C-2'), deal(migration, 'D-3', 'C-3', 'Lost')]);
    await handler.handle([contact(migration, 'C-2'), contact(migration, 'C-3')]);
    await handler.handle([deal(migration, 'D-1', 'C-1')]);
    // Nothing is released before the deal stream's snapshot is complete.
    expect(await handler.releaseHeld()).toBe(0);
    await new CheckpointRepository(rt.db, migration).save(sourceStream('leaf360', 'deal'), { state: {}, complete: true });
    // C-1 was mapped as soon as its deal arrived; C-3 (a lost deal only) waited for the snapshot and is a lead.
    expect(await handler.releaseHeld()).toBe(1);
    expect(await handler.releaseHeld()).toBe(0);

    // Delta, after the snapshot: C-4 has no deal and is a lead at once; its first deal qualifies it.
    await handler.handle([contact(migration, 'C-4')]);
    await handler.handle([deal(migration, 'D-4', 'C-4')]);
    // Its deal is deleted later: C-4 stays a contact (sticky), nothing more is emitted for it.
    await handler.handle([deal(migration, 'D-4', 'C-4', 'Processing', 'DELETE')]);
    // An unrelated record in the chunk after the delete does not re-map C-4.
    await handler.handle([contact(migration, 'C-3')]);

    const leads = await read('lead', 4);
    const contacts = await read('contact', 3);
    // Per key in order (keys spread over partitions, so only each key's own order is defined).
    const byKey = (key: string) => leads.filter((l) => l.key === key).map((l) => l.value.record);
    expect(byKey('C-1')).toEqual([]);
    expect(byKey('C-3')).toEqual([expect.objectContaining({ lastname: 'Díaz C-3' }), expect.objectContaining({ lastname: 'Díaz C-3' })]);
    // C-4's lead, then its retirement: only the state columns, merged into what the lead holds
    expect(byKey('C-4')).toEqual([expect.objectContaining({ lastname: 'Díaz C-4' }), { crm_sourceid: 'C-4', lastname: null, statecode: 1, statuscode: 3 }]);
    expect(leads.filter((l) => l.key === 'C-4')[1].value.target).toEqual({ entry: 'contact-as-lead', entity: 'lead', key: 'C-4', merge: 'non-empty-wins' });
    expect(contacts.map((c) => c.key).sort()).toEqual(['C-1', 'C-2', 'C-4']);
    expect(contacts.find((c) => c.key === 'C-4')!.value.envelope.contentHash).toBe('related-facts-changed');
    // Nothing else was emitted: no lead was ever made for C-1, and none after C-4's deal was deleted.
    const admin = rt.kafka.admin();
    await admin.connect();
    const count = async (entity: string) =>
      (await admin.fetchTopicOffsets(topics.transformed(migration, 'dynamics', entity))).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    try {
      expect(await count('contact')).toBe(3);
      expect(await count('lead')).toBe(4);
    } finally {
      await admin.disconnect();
    }
  });
});
