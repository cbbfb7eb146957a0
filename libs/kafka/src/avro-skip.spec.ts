import * as avro from 'avsc';
import { destinationValueSchema, extractedValueSchema } from '@ferry/contracts';
import { templateMap } from '@ferry/mapping';
import { skippingReader } from './avro.codec';

describe('reading a value without its record', () => {
  const plan = templateMap('planports-salesforce').plan;

  it('reads the envelope and target of a destination event, the record as an empty object, the rest whole', () => {
    const writer = avro.Type.forSchema(destinationValueSchema(plan, plan.entities.find((e) => e.entity === 'contact')!) as avro.Schema);
    const envelope = {
      migration: 'm', run: 'r', sourceSystem: 'planports', objectType: 'contact', sourceKey: 'C-1', operation: 'UPSERT',
      sourceModifiedAt: null, contentHash: 'h', mapVersion: 'v', traceId: 't',
    };
    const value = {
      envelope, target: { entry: 'contact', entity: 'contact', key: 'C-1', merge: 'last-wins' },
      record: { ...Object.fromEntries(plan.entities.find((e) => e.entity === 'contact')!.columns.map((c) => [c.name, null])), ferry_key__c: 'C-1', lastname: 'Kaya' },
      lookups: [{ column: 'accountid', candidates: [{ entity: 'account', key: 'acme' }], deferrable: false, required: true, targetEntity: null, destinationId: null }],
      owner: { email: 'a@b.example', systemUserId: null, fallback: false },
    };
    const bytes = writer.toBuffer(value);
    const p = skippingReader(writer, ['record'])!;
    const read = p.reader.fromBuffer(bytes, p.resolver) as typeof value;
    expect(read.record).toEqual({});
    expect(read.envelope).toEqual(envelope);
    expect(read.target).toEqual(value.target);
    expect(read.lookups).toEqual(value.lookups);
    expect(read.owner).toEqual(value.owner);
    // A delete carries no record: still null.
    expect((p.reader.fromBuffer(writer.toBuffer({ ...value, record: null }), p.resolver) as typeof value).record).toBeNull();
  });

  it('skips a source record of an extracted event', () => {
    const writer = avro.Type.forSchema(extractedValueSchema('planports', 'contact') as avro.Schema);
    const sample = writer.random() as unknown as { record: unknown; envelope: unknown };
    const p = skippingReader(writer, ['record'])!;
    const read = p.reader.fromBuffer(writer.toBuffer(sample), p.resolver) as typeof sample;
    expect(read.envelope).toEqual(sample.envelope);
    expect(read.record).toEqual(sample.record === null ? null : {});
  });

  it('gives up on a field that is not a record', () => {
    const writer = avro.Type.forSchema({ type: 'record', name: 'X', fields: [{ name: 'record', type: 'string' }] });
    expect(skippingReader(writer, ['record'])).toBeNull();
  });
});
