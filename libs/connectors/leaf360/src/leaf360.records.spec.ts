import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import * as avro from 'avsc';
import { LEAF360_FIELDS, LEAF360_STREAMS, leaf360Key, type Leaf360FieldKind, type Leaf360Stream } from './leaf360.records';

interface AvroField {
  name: string;
  type: unknown;
  default?: unknown;
  'ferry.kind'?: string;
}

const SCHEMAS = join(__dirname, '..', '..', '..', '..', 'schemas', 'leaf360');
const load = (stream: Leaf360Stream) => JSON.parse(readFileSync(join(SCHEMAS, `${stream}.avsc`), 'utf8')) as { name: string; fields: AvroField[] };

const isMapOfStrings = (t: unknown) => typeof t === 'object' && t !== null && (t as { type: string }).type === 'map' && (t as { values: unknown }).values === 'string';

/** What the field table should say about an Avro field: required when it is neither nullable nor defaulted, and its kind. */
function describeField(f: AvroField): { required: boolean; kinds: Leaf360FieldKind[] } {
  const union = Array.isArray(f.type);
  const type = union ? (f.type as unknown[]).find((t) => t !== 'null') : f.type;
  const logical = typeof type === 'object' && type !== null ? (type as { logicalType?: string }).logicalType : undefined;
  const base = typeof type === 'object' && type !== null ? (type as { type: unknown }).type : type;
  let kinds: Leaf360FieldKind[];
  if (logical === 'timestamp-millis') kinds = ['timestamp'];
  else if (logical === 'date') kinds = ['date'];
  else if (f['ferry.kind'] === 'money') kinds = ['decimal'];
  else if (base === 'string') kinds = ['string', 'email'];
  else if (base === 'int') kinds = ['integer'];
  else if (base === 'long') kinds = ['long'];
  else if (base === 'boolean') kinds = ['boolean'];
  else if (isMapOfStrings(type)) kinds = ['text-map'];
  else if (base === 'array' && (type as { items: unknown }).items === 'string') kinds = ['text-list'];
  else if (base === 'array' && isMapOfStrings((type as { items: unknown }).items)) kinds = ['map-list'];
  else throw new Error(`unexpected Avro type for ${f.name}: ${JSON.stringify(f.type)}`);
  return { required: !union && f.default === undefined, kinds };
}

describe('the Leaf360 schemas', () => {
  it('are exactly one per stream, each loading in avsc as ferry.leaf360.<Name>', () => {
    const files = readdirSync(SCHEMAS).filter((f) => f.endsWith('.avsc')).map((f) => f.replace(/\.avsc$/, ''));
    expect(files.sort()).toEqual([...LEAF360_STREAMS].sort());
    for (const s of LEAF360_STREAMS) {
      const type = avro.Type.forSchema(load(s) as avro.Schema);
      expect(type.name).toBe(`ferry.leaf360.${s.replace(/(^|_)([a-z])/g, (_m, _p, c: string) => c.toUpperCase())}`);
    }
  });
});

describe.each(LEAF360_STREAMS)('the %s field table', (stream) => {
  const schema = load(stream);

  it('lists the Avro fields in order, with their nullability and kind, the key first', () => {
    const fields = schema.fields.filter((f) => f.name !== 'custom');
    expect(LEAF360_FIELDS[stream].map((c) => c.name)).toEqual(fields.map((f) => f.name));
    for (const f of fields) {
      const column = LEAF360_FIELDS[stream].find((c) => c.name === f.name)!;
      const want = describeField(f);
      expect({ name: f.name, required: column.required }).toEqual({ name: f.name, required: want.required });
      expect(want.kinds).toContain(column.kind);
    }
    expect(describeField(fields[0])).toEqual({ required: true, kinds: ['string', 'email'] });
    expect(leaf360Key(stream)).toBe(fields[0].name);
  });

  it('has the custom map of strings as the last field', () => {
    expect(schema.fields[schema.fields.length - 1]).toMatchObject({ name: 'custom', type: { type: 'map', values: 'string' } });
  });
});
