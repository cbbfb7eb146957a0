import { readFileSync } from 'fs';
import { join } from 'path';
import { LEAF360_COLUMNS, LEAF360_OBJECTS, type Leaf360ColumnKind } from './leaf360.records';

interface AvroField {
  name: string;
  type: unknown;
}

const SCHEMAS = join(__dirname, '..', '..', '..', '..', 'schemas', 'leaf360');

/** What the column table should say about an Avro field: required when not a union with null, and its kind. */
function describeField(f: AvroField): { required: boolean; kinds: Leaf360ColumnKind[] } {
  const union = Array.isArray(f.type);
  const type = union ? (f.type as unknown[]).find((t) => t !== 'null') : f.type;
  const logical = typeof type === 'object' && type !== null ? (type as { logicalType?: string }).logicalType : undefined;
  let kinds: Leaf360ColumnKind[];
  if (logical === 'timestamp-millis') kinds = ['timestamp'];
  else if (logical === 'date') kinds = ['date'];
  else if (f.name === 'loan_amount') kinds = ['decimal'];
  else if (type === 'string') kinds = ['string', 'email'];
  else throw new Error(`unexpected Avro type for ${f.name}: ${JSON.stringify(f.type)}`);
  return { required: !union, kinds };
}

describe.each(LEAF360_OBJECTS)('the %s column table', (object) => {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, `${object}.avsc`), 'utf8')) as { fields: AvroField[] };

  it('lists the Avro fields in order, with their nullability and type', () => {
    const fields = schema.fields.filter((f) => f.name !== 'custom');
    expect(LEAF360_COLUMNS[object].map((c) => c.name)).toEqual(fields.map((f) => f.name));
    for (const f of fields) {
      const column = LEAF360_COLUMNS[object].find((c) => c.name === f.name)!;
      const want = describeField(f);
      expect({ name: f.name, required: column.required }).toEqual({ name: f.name, required: want.required });
      expect(want.kinds).toContain(column.kind);
    }
  });

  it('has the custom map of strings as the last field', () => {
    expect(schema.fields[schema.fields.length - 1]).toMatchObject({ name: 'custom', type: { type: 'map', values: 'string' } });
  });
});
