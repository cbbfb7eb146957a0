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
