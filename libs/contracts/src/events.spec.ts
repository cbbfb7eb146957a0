import * as avro from 'avsc';
import { routeTopics } from './route';
import type { RoutePlan } from './route';
import { destinationRecordSchema } from './schemas';
import { routeValueSchemas } from './schemas';
import type { DeadLetter, DestinationEvent, ExtractedEvent, LoadedEvent } from './events';
import { parseRecordTopic } from './topics';

const envelope = {
  migration: 'm1',
  run: 'r1',
  sourceSystem: 'leaf360',
  objectType: 'contact',
  sourceKey: 'C-1',
  operation: 'UPSERT' as const,
  sourceModifiedAt: 1_700_000_000_000,
  contentHash: 'abc',
  mapVersion: null,
  traceId: 't',
};

const plan: RoutePlan = {
  route: 'leaf360-dynamics', sourceSystem: 'leaf360', destination: 'dynamics', keyColumn: 'crm_sourceid', mapVersion: 'leaf360-dynamics@1#abc',
  sourceObjects: ['contact', 'company'],
  entities: [
    { entity: 'contact', lookups: [], columns: [{ name: 'crm_sourceid', type: 'string' }, { name: 'firstname', type: 'string' }, { name: 'lastname', type: 'string' }, { name: 'crm_sourcecreatedon', type: 'datetime' }] },
    { entity: 'account', lookups: [], columns: [{ name: 'crm_sourceid', type: 'string' }, { name: 'name', type: 'string' }, { name: 'revenue', type: 'money' }, { name: 'founded', type: 'dateonly' }, { name: 'size', type: 'picklist' }] },
  ],
};

describe('value schemas', () => {
  const schemas = routeValueSchemas(plan, 'm1');
  const type = (topic: string) => avro.Type.forSchema(schemas.get(topic) as avro.Schema);

  it('has one value schema per record topic of the route plus the DLQ', () => {
    const t = routeTopics(plan, 'm1');
    expect([...schemas.keys()].sort()).toEqual([...t.extracted, ...t.transformed, ...t.resolved, ...t.loaded, t.dlq].sort());
  });

  it('round-trips the TypeScript event shapes', () => {
    const extracted: ExtractedEvent = {
      envelope,
      origin: { file: 'contacts.csv', line: 2, resource: null },
      record: {
        contact_id: 'C-1', first_name: 'Ana', last_name: 'Díaz', email: null, phone: null, job_title: null,
        company_id: 'CO-1', loan_officer: 'x@y.example', loan_status: 'Processing', referral_source: null,
        created_at: 1, updated_at: null, custom: { favourite_colour: 'blue' },
      },
    };
    const t1 = type('ferry.m1.extracted.leaf360.contact');
    expect(t1.fromBuffer(t1.toBuffer(extracted))).toEqual(extracted);

    const change: DestinationEvent = {
      envelope: { ...envelope, mapVersion: 'leaf360-dynamics@1#abc' },
      target: { entry: 'contact', entity: 'contact', key: 'C-1', merge: 'last-wins' },
      record: { crm_sourceid: 'C-1', firstname: 'Ana', lastname: 'Díaz', crm_sourcecreatedon: 1 },
      lookups: [{ column: 'parentcustomerid', candidates: [{ entity: 'account', key: 'CO-1' }, { entity: 'contact', key: 'CO-1' }], deferrable: false, required: true, targetEntity: null, destinationId: null }],
      owner: { email: 'x@y.example', systemUserId: null, fallback: false },
    };
    const t2 = type('ferry.m1.resolved.dynamics.contact');
    expect(t2.fromBuffer(t2.toBuffer(change))).toEqual(change);

    const loaded: LoadedEvent = {
      envelope,
      result: { status: 'SUCCESS', entity: 'contact', alternateKey: 'C-1', destinationId: 'g', action: 'CREATED', errorCode: null, errorMessage: null, attempts: 1 },
    };
    const t3 = type('ferry.m1.loaded.dynamics.contact');
    expect(t3.fromBuffer(t3.toBuffer(loaded))).toEqual(loaded);

    const dead: DeadLetter = {
      migration: 'm1', run: 'r1', phase: 'EXTRACT', sourceSystem: 'leaf360', objectType: 'contact', sourceKey: null, entity: null, targetKey: null,
      file: 'contacts.csv', line: 9, code: 'CSV_BAD_QUOTE', reason: 'broken quote', raw: '"x', at: 5, traceId: 't',
    };
    const t4 = type('ferry.m1.dlq');
    expect(t4.fromBuffer(t4.toBuffer(dead))).toEqual(dead);
  });

  it('generates each entity record from the map: the key column required, every other column optional in its Avro type', () => {
    const account = destinationRecordSchema(plan, plan.entities[1]);
    expect(account.fields).toEqual([
      { name: 'crm_sourceid', type: 'string' },
      { name: 'name', type: ['null', 'string'], default: null },
      { name: 'revenue', type: ['null', 'string'], default: null },
      { name: 'founded', type: ['null', { type: 'int', logicalType: 'date' }], default: null },
      { name: 'size', type: ['null', 'int'], default: null },
    ]);
    const t = avro.Type.forSchema(account as avro.Schema);
    expect(t.isValid({ crm_sourceid: 'A', name: null, revenue: '12.50', founded: 19000, size: 3 })).toBe(true);
    expect(t.isValid({ crm_sourceid: null, name: 'x', revenue: null, founded: null, size: null })).toBe(false);
  });

  it('rejects a record that does not fit its schema', () => {
    const t = type('ferry.m1.extracted.leaf360.company');
    expect(t.isValid({ envelope, origin: null, record: { company_id: 'X' } })).toBe(false);
  });

  it('parses record topic names back', () => {
    expect(parseRecordTopic('ferry.m1.loaded.dynamics.opportunity')).toEqual({ migration: 'm1', phase: 'loaded', system: 'dynamics', object: 'opportunity' });
    expect(parseRecordTopic('ferry.m1.dlq')).toBeNull();
  });
});
