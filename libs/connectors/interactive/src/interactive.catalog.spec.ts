import * as avro from 'avsc';
import { extractedValueSchema } from '@ferry/contracts';
import { loadRecordSchema } from '@ferry/connectors/core';
import { INTERACTIVE_API } from './interactive.api';
import { INTERACTIVE_STREAMS, interactiveStream } from './interactive.catalog';

type Field = { name: string; type: unknown; default?: unknown; 'ferry.kind'?: string };
const fieldsOf = (stream: string) => loadRecordSchema('interactive', stream).fields as Field[];
const names = (stream: string) => fieldsOf(stream).map((f) => f.name);

describe('the Interactive catalog', () => {
  const streams = INTERACTIVE_STREAMS.map((s) => s.name);

  it('lists every object the scoping names, once each', () => {
    expect(new Set(streams).size).toBe(streams.length);
    for (const s of ['contact', 'company', 'deal', 'pipeline', 'pipeline_stage', 'activity', 'note', 'attachment', 'matter', 'association', 'owner', 'workflow']) {
      expect(streams).toContain(s);
    }
  });

  it('has a schema per stream that avsc loads, in the ferry.interactive namespace, ending with the custom map', () => {
    for (const s of streams) {
      const schema = loadRecordSchema('interactive', s);
      expect(() => avro.Type.forSchema(schema as avro.Schema)).not.toThrow();
      expect(schema.namespace).toBe('ferry.interactive');
      const last = fieldsOf(s).at(-1)!;
      expect(last).toEqual({ name: 'custom', type: { type: 'map', values: 'string' }, default: {} });
    }
  });

  it('wraps into the value schema of an extracted topic that avsc accepts', () => {
    for (const s of streams) {
      const type = avro.Type.forSchema(extractedValueSchema('interactive', s) as avro.Schema);
      expect(type.name).toMatch(/^ferry\.events\.interactive\.[A-Z]\w*Extracted$/);
    }
  });

  it('names a string key and a timestamp cursor that the schema holds', () => {
    for (const def of INTERACTIVE_STREAMS) {
      const key = fieldsOf(def.name).find((f) => f.name === def.key);
      expect(key?.type).toBe('string');
      if (def.cursor !== null) {
        const cursor = fieldsOf(def.name).find((f) => f.name === def.cursor);
        expect(cursor?.type).toEqual(['null', { type: 'long', logicalType: 'timestamp-millis' }]);
      }
    }
  });

  it('points every reference at a field of the stream and at a stream that exists, declared before it (or itself)', () => {
    for (const [i, def] of INTERACTIVE_STREAMS.entries()) {
      for (const ref of def.references) {
        expect(names(def.name)).toContain(ref.field);
        const parent = streams.indexOf(ref.object);
        expect(parent).toBeGreaterThanOrEqual(0);
        expect(parent).toBeLessThanOrEqual(i);
        expect(fieldsOf(def.name).find((f) => f.name === ref.field)!.type).toEqual(['null', 'string']);
      }
    }
  });

  it('declares every *_id field of a schema as a reference, apart from the key', () => {
    for (const def of INTERACTIVE_STREAMS) {
      const idFields = names(def.name).filter((n) => n.endsWith('_id') && n !== def.key && n !== 'user_id');
      expect(def.references.map((r) => r.field).sort()).toEqual(expect.arrayContaining(idFields.sort()));
    }
  });

  it('keeps money as text marked ferry.kind money, next to a currency field', () => {
    const money = INTERACTIVE_STREAMS.flatMap((d) => fieldsOf(d.name).filter((f) => f['ferry.kind'] === 'money').map((f) => [d.name, f] as const));
    expect(money.map(([s, f]) => `${s}.${f.name}`).sort()).toEqual(['company.annual_revenue', 'deal.amount', 'matter.estate_value', 'matter.flat_fee']);
    for (const [s, f] of money) {
      expect(f.type).toEqual(['null', 'string']);
      expect(names(s)).toContain('currency');
    }
  });

  it('puts each exported stream in its own file, NDJSON for the large objects and results documents for the small', () => {
    const files = INTERACTIVE_STREAMS.flatMap((d) => (d.export ? [d.export.file] : []));
    expect(new Set(files).size).toBe(files.length);
    expect(interactiveStream('contact').export).toMatchObject({ file: 'contacts.ndjson', format: 'ndjson' });
    expect(interactiveStream('association').export).toMatchObject({ file: 'associations.ndjson', format: 'ndjson' });
    for (const s of ['owner', 'pipeline', 'pipeline_stage', 'workflow']) expect(interactiveStream(s).export).toMatchObject({ format: 'json', arrayPath: 'results' });
    expect(interactiveStream('deal_stage_history').export).toBeUndefined();
  });

  it('maps export columns only onto fields the schema has', () => {
    for (const def of INTERACTIVE_STREAMS) {
      for (const field of Object.values(def.export?.columns ?? {})) expect(names(def.name)).toContain(field);
    }
  });

  it('gives every stream an API path and describes the API as bearer-token, cursor-paged, ISO deltas, archived deletes', () => {
    for (const def of INTERACTIVE_STREAMS) expect(def.api?.path).toMatch(/^\/v1\//);
    expect(INTERACTIVE_API).toEqual({
      auth: { header: 'Authorization', scheme: 'Bearer' },
      pagination: { style: 'cursor', cursorParam: 'after', sizeParam: 'limit', maxPageSize: 100, nextCursorPath: 'paging.next.after' },
      modifiedSince: { param: 'updatedAfter', format: 'iso' },
      itemsPath: 'results',
      deletes: { includeParam: 'archived', flagField: 'archived' },
    });
  });

  it('refuses a stream it does not have, naming the ones it does', () => {
    expect(() => interactiveStream('ticket')).toThrow(/no stream "ticket".*contact/);
  });
});
