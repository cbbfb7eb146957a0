import type { DestinationEvent, ExtractedEvent } from '@ferry/contracts';
import { topics } from '@ferry/contracts';
import type { ConsumedRecord } from '@ferry/kafka';
import { CompiledRouteMap, routeMapSchema } from '@ferry/mapping';
import { connectDataSource } from '@ferry/persistence';
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

  it('comes out the same whatever order contacts and deals arrive in, qualifies a lead once its deal arrives, and sticks', async () => {
    // C-1 arrives before its deal: a lead at first.
    await handler.handle([contact(migration, 'C-1')]);
    // C-2's deal arrives before C-2: a contact straight away. C-3 has only a lost deal: a lead.
    await handler.handle([deal(migration, 'D-2', 'C-2'), deal(migration, 'D-3', 'C-3', 'Lost')]);
    await handler.handle([contact(migration, 'C-2'), contact(migration, 'C-3')]);
    // C-1's deal arrives: C-1 becomes a contact and its lead is closed as qualified, not deleted.
    await handler.handle([deal(migration, 'D-1', 'C-1')]);
    // Its deal is deleted later: C-1 stays a contact (sticky), nothing more is emitted for it.
    await handler.handle([deal(migration, 'D-1', 'C-1', 'Processing', 'DELETE')]);
    // An unrelated record in the chunk after the delete does not re-map C-1.
    await handler.handle([contact(migration, 'C-3')]);

    const leads = await read('lead', 4);
    const contacts = await read('contact', 2);
    expect(leads.map((l) => [l.key, l.value.record])).toEqual([
      ['C-1', expect.objectContaining({ lastname: 'Díaz C-1' })],
      ['C-3', expect.objectContaining({ lastname: 'Díaz C-3' })],
      // the retirement of C-1's lead: only the state columns, merged into what the lead holds
      ['C-1', { crm_sourceid: 'C-1', lastname: null, statecode: 1, statuscode: 3 }],
      ['C-3', expect.objectContaining({ lastname: 'Díaz C-3' })],
    ]);
    expect(leads[2].value.target).toEqual({ entry: 'contact-as-lead', entity: 'lead', key: 'C-1', merge: 'non-empty-wins' });
    expect(contacts.map((c) => c.key).sort()).toEqual(['C-1', 'C-2']);
    expect(contacts.find((c) => c.key === 'C-1')!.value.envelope.contentHash).toBe('related-facts-changed');
    // Nothing else was emitted after the deal was deleted: the topics hold exactly what was read.
    const admin = rt.kafka.admin();
    await admin.connect();
    const count = async (entity: string) =>
      (await admin.fetchTopicOffsets(topics.transformed(migration, 'dynamics', entity))).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
    try {
      expect(await count('contact')).toBe(2);
      expect(await count('lead')).toBe(4);
    } finally {
      await admin.disconnect();
    }
  });
});
