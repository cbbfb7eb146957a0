import { readFileSync } from 'fs';
import { join } from 'path';
import { createCoercer } from './record.coercer';
import type { AvroSchema } from './record-schema';
import { badValueOutcome } from './sample.manifest';

const SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'schemas', 'sample-contact.avsc'), 'utf8')) as AvroSchema;
const REQUIRED: AvroSchema = {
  type: 'record',
  name: 'Thing',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'size', type: 'long' },
    { name: 'active', type: 'boolean' },
    { name: 'status', type: 'string', default: 'open' },
    { name: 'custom', type: { type: 'map', values: 'string' }, default: {} },
  ],
};

describe('badValueOutcome', () => {
  it('empties a bad value in an optional field (nullable or with a default), as the lenient reader does', () => {
    expect(badValueOutcome(SCHEMA, 'age', 'twelve', 'BAD_NUMBER')).toEqual({ empty: 'BAD_NUMBER' });
    expect(badValueOutcome(SCHEMA, 'birthday', 'N/A', 'BAD_DATE')).toEqual({ empty: 'MISSING_VALUE' });
    const read = createCoercer(SCHEMA, undefined, { values: 'lenient' })({ id: 'c1', age: 'twelve', birthday: 'N/A' });
    expect(read).toMatchObject({ ok: true, issues: [{ field: 'age', code: 'BAD_NUMBER' }, { field: 'birthday', code: 'MISSING_VALUE' }] });
  });

  it('quarantines a bad required value, a placeholder as MISSING_VALUE', () => {
    expect(badValueOutcome(REQUIRED, 'size', '12 MB', 'BAD_NUMBER')).toEqual({ reject: 'BAD_NUMBER' });
    expect(badValueOutcome(REQUIRED, 'size', 'TBD', 'BAD_NUMBER')).toEqual({ reject: 'MISSING_VALUE' });
    const coerce = createCoercer(REQUIRED, undefined, { values: 'lenient' });
    expect(coerce({ id: 'k1', size: '12 MB', active: 'yes' })).toMatchObject({ ok: false, code: 'BAD_NUMBER' });
    expect(coerce({ id: 'k1', size: 'TBD', active: 'yes' })).toMatchObject({ ok: false, code: 'MISSING_VALUE' });
  });

  it('says a Y or N flag is read, not bad, and names a field the schema lacks', () => {
    expect(badValueOutcome(REQUIRED, 'active', 'Y', 'BAD_BOOLEAN')).toEqual({ read: true });
    expect(badValueOutcome(REQUIRED, 'active', 'maybe', 'BAD_BOOLEAN')).toEqual({ reject: 'BAD_BOOLEAN' });
    expect(() => badValueOutcome(REQUIRED, 'nope', 'x', 'BAD_NUMBER')).toThrow('schema Thing has no field "nope"');
  });
});
