import { readFileSync } from 'fs';
import { join } from 'path';
import * as avro from 'avsc';
import { daysFromCivil } from './export-values.parser';
import { createCoercer, snakeCase, type Coerced } from './record.coercer';
import type { AvroSchema } from './record-schema';

const SCHEMA = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'schemas', 'sample-contact.avsc'), 'utf8')) as AvroSchema;
const TYPE = avro.Type.forSchema(SCHEMA as avro.Schema);

const EMPTY = {
  first_name: null,
  e_mail_address: null,
  age: null,
  visits: null,
  score: null,
  active: null,
  birthday: null,
  updated_at: null,
  stage: null,
  tags: [],
  amount: null,
  probability: null,
  status: 'open',
  custom: {},
};

function record(out: Coerced): Record<string, unknown> {
  if (!out.ok) throw new Error(`expected a record, got ${out.code}: ${out.reason}`);
  // Every record the coercer makes must encode with the schema it was made for.
  expect(TYPE.isValid(out.record)).toBe(true);
  return out.record;
}

describe('createCoercer', () => {
  const coerce = createCoercer(SCHEMA, { file: 'contacts.csv', format: 'csv' });

  it('matches labels to fields by name without case, then in snake_case, and keeps the rest in custom', () => {
    const out = record(coerce({ ID: ' c1 ', 'First Name': 'Ada', 'E-mail Address': 'ada@example.com', 'Favourite Colour': ' teal ', Notes: '' }));
    expect(out).toEqual({
      ...EMPTY,
      id: 'c1',
      first_name: 'Ada',
      e_mail_address: 'ada@example.com',
      custom: { 'Favourite Colour': ' teal ', Notes: '' },
    });
  });

  it('follows the location columns first, case-insensitively', () => {
    const mapped = createCoercer(SCHEMA, { file: 'c.csv', format: 'csv', columns: { 'Kontakt-Nr': 'id', 'Vorname': 'first_name' } });
    const out = record(mapped({ 'kontakt-nr': 'k9', VORNAME: 'Jürgen', first_name: 'ignored-by-mapping' }));
    expect(out).toMatchObject({ id: 'k9', first_name: 'Jürgen', custom: { first_name: 'ignored-by-mapping' } });
  });

  it('gives a field to the better-matching label and keeps the other in custom', () => {
    const out = record(coerce({ id: 'c1', 'First Name': 'From snake', FIRST_NAME: 'From name' }));
    expect(out).toMatchObject({ first_name: 'From name', custom: { 'First Name': 'From snake' } });
  });

  it('types every kind of field', () => {
    const out = record(
      coerce({
        id: 'c1',
        age: '42',
        visits: '1,234',
        score: '3,75',
        active: 'Yes',
        birthday: '15.03.1990',
        updated_at: '2024-03-01T09:30:00+03:00',
        stage: 'in progress',
        tags: 'vip; newsletter ;; partner',
        amount: '1.234,50 €',
        probability: '45%',
        status: 'closed',
      }),
    );
    expect(out).toEqual({
      ...EMPTY,
      id: 'c1',
      age: 42,
      visits: 1234,
      score: 3.75,
      active: true,
      birthday: daysFromCivil(1990, 3, 15),
      updated_at: Date.parse('2024-03-01T06:30:00Z'),
      stage: 'IN_PROGRESS',
      tags: ['vip', 'newsletter', 'partner'],
      amount: '1234.50',
      probability: '45',
      status: 'closed',
    });
  });

  it('reads lists as JSON arrays or pipe-separated cells', () => {
    expect(record(coerce({ id: 'c1', tags: '["a", "b; c", 3]' })).tags).toEqual(['a', 'b; c', '3']);
    expect(record(coerce({ id: 'c1', tags: 'a|b' })).tags).toEqual(['a', 'b']);
    expect(record(coerce({ id: 'c1', tags: ['x', ' y '] })).tags).toEqual(['x', 'y']);
    expect(coerce({ id: 'c1', tags: '[broken' })).toEqual({
      ok: false,
      code: 'BAD_RECORD',
      reason: 'column "tags" has "[broken", which starts like a JSON array but is not valid JSON',
    });
  });

  it('makes a blank optional value null and a blank required one a MISSING_VALUE', () => {
    expect(record(coerce({ id: 'c1', 'First Name': '   ', age: '' }))).toEqual({ ...EMPTY, id: 'c1', custom: {} });
    expect(coerce({ Id: ' ', 'First Name': 'Ada' })).toEqual({ ok: false, code: 'MISSING_VALUE', reason: 'required column "Id" (field id) is empty' });
    expect(coerce({ 'First Name': 'Ada' })).toEqual({ ok: false, code: 'MISSING_VALUE', reason: 'there is no value for required field id' });
  });

  it('fills a non-null field with a default when the value is missing', () => {
    expect(record(coerce({ id: 'c1', status: '' })).status).toBe('open');
  });

  it.each([
    ['age', 'forty', 'BAD_NUMBER', 'column "age" has "forty", which is not a number (expected a number such as 1234, 1,234.5 or 1.234,5)'],
    ['age', '4.5', 'BAD_NUMBER', 'column "age" has "4.5", which is not a whole number'],
    ['visits', '99999999999999999', 'BAD_NUMBER', 'column "visits" has "99999999999999999", which is too large to hold exactly (beyond ±2^53)'],
    ['score', 'n/a', 'BAD_NUMBER', 'column "score" has "n/a", which is not a number (expected a number such as 1234, 1,234.5 or 1.234,5)'],
    ['active', 'maybe', 'BAD_BOOLEAN', 'column "active" has "maybe", which is not a yes/no value (expected true/false, yes/no or 1/0)'],
    ['birthday', '31.02.1990', 'BAD_DATE', 'column "birthday" has "31.02.1990", which is not a date (expected ISO 8601'],
    ['updated_at', 'last week', 'BAD_TIMESTAMP', 'column "updated_at" has "last week", which is not a date and time (expected ISO 8601'],
    ['stage', 'Pending', 'BAD_RECORD', 'column "stage" has "Pending", which is not one of the allowed values (NEW, IN_PROGRESS, WON, LOST)'],
    ['amount', 'lots', 'BAD_DECIMAL', 'column "amount" has "lots", which is not an amount of money (expected an amount such as 1234.50'],
    ['amount', '0.125', 'BAD_DECIMAL', 'column "amount" has "0.125", which has more than 2 decimal places'],
    ['probability', 'high', 'BAD_DECIMAL', 'column "probability" has "high", which is not a percentage (expected a percentage such as 45%'],
  ])('rejects a bad %s (%s) as %s, naming column and value', (field, value, code, reason) => {
    const out = coerce({ id: 'c1', [field]: value });
    expect(out).toEqual({ ok: false, code, reason: expect.stringContaining(reason) });
    if (!out.ok) expect(out.reason.startsWith(reason)).toBe(true);
  });

  it('names the label and the field when they differ', () => {
    expect(coerce({ id: 'c1', 'Last Updated': 'soon', Updated_At: 'never' })).toMatchObject({
      reason: expect.stringMatching(/^column "Updated_At" \(field updated_at\) has "never"/),
    });
  });

  it('takes JSON values as they are and stringifies what lands in custom', () => {
    const out = record(
      coerce({
        id: 123,
        age: 42,
        score: 2.5,
        active: false,
        updated_at: 1709285400123,
        birthday: 1709285400,
        amount: 19.99,
        probability: 12.5,
        address: { city: 'İzmir', zip: '35000' },
        flags: [1, 2],
        rating: 4.5,
        verified: true,
        nothing: null,
      }),
    );
    expect(out).toMatchObject({
      id: '123',
      age: 42,
      score: 2.5,
      active: false,
      updated_at: 1709285400123,
      birthday: daysFromCivil(2024, 3, 1),
      amount: '19.99',
      probability: '12.5',
      custom: { address: '{"city":"İzmir","zip":"35000"}', flags: '[1,2]', rating: '4.5', verified: 'true', nothing: '' },
    });
  });

  it('merges a "custom" object of a JSON item into custom', () => {
    const out = record(coerce({ id: 'c1', Custom: { tier: 'gold', since: 2019 }, other: 'x' }));
    expect(out.custom).toEqual({ other: 'x', tier: 'gold', since: '2019' });
  });

  it('reads XLSX numbers in date and timestamp fields as Excel serials, and Date cells as they are', () => {
    const xlsx = createCoercer(SCHEMA, { file: 'export.xlsx', format: 'xlsx', sheet: 'Contacts' });
    const out = record(xlsx({ id: 'c1', birthday: 32947, updated_at: 45352.5, age: 42 }));
    expect(out).toMatchObject({ birthday: daysFromCivil(1990, 3, 15), updated_at: Date.parse('2024-03-01T12:00:00Z'), age: 42 });
    const dated = record(xlsx({ id: 'c1', birthday: new Date(Date.UTC(1990, 2, 15)), updated_at: new Date(Date.UTC(2024, 2, 1, 9, 30)) }));
    expect(dated).toMatchObject({ birthday: daysFromCivil(1990, 3, 15), updated_at: Date.parse('2024-03-01T09:30:00Z') });
    expect(xlsx({ id: 'c1', birthday: -3 })).toMatchObject({ code: 'BAD_DATE', reason: expect.stringContaining('an Excel date serial') });
  });

  it('says which required fields a header leaves without a column', () => {
    expect(coerce.missingFields(['First Name', 'E-mail Address'])).toEqual(['id']);
    expect(coerce.missingFields(['ID'])).toEqual([]);
  });

  it('reuses its plan across rows with the same labels and rebuilds it when they change', () => {
    for (let i = 0; i < 3; i++) expect(record(coerce({ id: `c${i}`, x: String(i) })).custom).toEqual({ x: String(i) });
    expect(record(coerce({ x: 'first', id: 'c9' })).custom).toEqual({ x: 'first' });
    expect(record(coerce({ id: 'c1', y: 'other' })).custom).toEqual({ y: 'other' });
  });

  it('types rows the same once a plan in steady use is compiled, rejects included', () => {
    const fresh = createCoercer(SCHEMA, { file: 'c.csv', format: 'csv' });
    const odd = ['Notes "quoted"', 'back\\slash', 'line\u2028sep', 'constructor', 'toString'];
    const row = (i: number) => ({
      ID: `c${i}`,
      'First Name': i % 2 ? ` Ada ${i} ` : '',
      Age: String(i),
      updated_at: `2024-03-01T09:30:${String(i % 60).padStart(2, '0')}Z`,
      amount: `$${i},000.5`,
      status: i % 3 ? 'closed' : '',
      ...Object.fromEntries(odd.map((k) => [k, `${k}=${i}`])),
    });
    const seen: Coerced[] = [];
    for (let i = 0; i < 200; i++) seen.push(fresh(row(i)));
    const generic = createCoercer(SCHEMA, { file: 'c.csv', format: 'csv' });
    for (let i = 0; i < 200; i++) expect(seen[i]).toEqual(generic(row(i)));
    const last = record(seen[199]);
    expect(last).toMatchObject({ id: 'c199', first_name: 'Ada 199', age: 199, amount: '199000.50', status: 'closed' });
    expect(Object.getPrototypeOf(last.custom)).toBe(Object.prototype);
    expect(Object.keys(last.custom as object).sort()).toEqual([...odd].sort());
    expect(record(seen[198]).status).toBe('open');
    expect(fresh({ ...row(1), Age: 'old' })).toEqual({ ok: false, code: 'BAD_NUMBER', reason: expect.stringContaining('column "Age" (field age) has "old"') });
    expect(fresh({ ...row(1), ID: '' })).toEqual({ ok: false, code: 'MISSING_VALUE', reason: 'required column "ID" (field id) is empty' });
  });

  it('keeps a column named __proto__ as a custom entry, not as a prototype', () => {
    const values = JSON.parse('{"id": "c1", "__proto__": "polluted?"}') as Record<string, unknown>;
    for (let i = 0; i < 100; i++) {
      const out = record(coerce(values));
      expect(Object.getPrototypeOf(out.custom)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(out.custom, '__proto__')?.value).toBe('polluted?');
    }
  });

  it('fails on schemas it cannot fill, before any row', () => {
    const base = { type: 'record', name: 'R', fields: [{ name: 'id', type: 'string' }] };
    expect(() => createCoercer(base)).toThrow('R: the schema needs a "custom" field of type {"type": "map", "values": "string"}');
    const custom = { name: 'custom', type: { type: 'map', values: 'string' }, default: {} };
    expect(() => createCoercer({ ...base, fields: [{ name: 'blob', type: 'bytes' }, custom] })).toThrow('R.blob: Avro type "bytes" cannot be filled from an export');
    expect(() => createCoercer({ ...base, fields: [{ name: 'x', type: 'string', 'ferry.kind': 'money!' }, custom] })).toThrow('unknown "ferry.kind"');
    expect(() => createCoercer({ ...base, fields: [...base.fields, custom] }, { file: 'a.csv', format: 'csv', columns: { Name: 'name' } })).toThrow(
      'R: the export maps column "Name" to field "name", which the schema does not have',
    );
  });
});

describe('createCoercer, lenient', () => {
  const lenient = () => createCoercer(SCHEMA, { file: 'contacts.csv', format: 'csv' }, { values: 'lenient' });

  it.each([
    // field, value, what the record gets, the issue's code (null: no issue)
    ['age', 'forty', null, 'BAD_NUMBER'],
    ['birthday', '31.02.1990', null, 'BAD_DATE'],
    ['updated_at', 'last week', null, 'BAD_TIMESTAMP'],
    ['active', 'maybe', null, 'BAD_BOOLEAN'],
    ['stage', 'Pending', null, 'BAD_RECORD'],
    ['amount', 'lots', null, 'BAD_DECIMAL'],
    ['birthday', 'N/A', null, 'MISSING_VALUE'],
    ['age', 'TBD', null, 'MISSING_VALUE'],
    ['active', 'Y', true, null],
    ['active', 'n', false, null],
    ['birthday', '16 Apr, 2021 00:02:00', daysFromCivil(2021, 4, 16), null],
    ['updated_at', '03-07-2021 01:09', Date.UTC(2021, 6, 3, 1, 9), null],
    ['amount', "CHF 1'234.50", '1234.50', null],
    ['first_name', 'N/A', 'N/A', null],
  ] as const)('gives %s %j the value %j (issue %s) and keeps the row', (field, value, expected, code) => {
    const out = lenient()({ id: 'c1', [field]: value });
    expect(record(out)[field]).toEqual(expected);
    if (!out.ok) return;
    if (code === null) expect(out.issues).toBeUndefined();
    else expect(out.issues).toEqual([{ field, column: field, code, value, problem: expect.stringMatching(/^which /) }]);
  });

  it('refuses a blank, placeholder or bad required value', () => {
    expect(lenient()({ id: ' ' })).toMatchObject({ ok: false, code: 'MISSING_VALUE' });
    expect(lenient()({ id: 'n/a' })).toEqual({ ok: false, code: 'MISSING_VALUE', reason: 'required column "id" holds the placeholder "n/a", not a value' });
  });

  it('takes the words a source names as real values, not placeholders, in required and optional fields alike', () => {
    const coerce = createCoercer(SCHEMA, undefined, { values: 'lenient', notPlaceholders: ['Default'] });
    expect(record(coerce({ id: 'default', age: 'default' }))).toMatchObject({ id: 'default', age: null });
    expect(coerce({ id: 'default', age: 'default' })).toMatchObject({ issues: [{ field: 'age', code: 'BAD_NUMBER', value: 'default' }] });
    expect(coerce({ id: 'n/a' })).toMatchObject({ ok: false, code: 'MISSING_VALUE' });
    // the compiled plan agrees
    for (let i = 0; i < 100; i++) expect(record(coerce({ id: i % 2 ? 'default' : `c${i}` })).id).toBe(i % 2 ? 'default' : `c${i}`);
    expect(lenient()({ id: 'default' })).toMatchObject({ ok: false, code: 'MISSING_VALUE' });
  });

  it('types the same once the plan is compiled, issues included', () => {
    const coerce = lenient();
    const row = (i: number) => ({ id: i % 7 === 3 ? 'N/A' : `c${i}`, age: i % 5 === 0 ? 'old' : String(i), birthday: i % 4 ? '2020-01-01' : 'TBD' });
    const reference = lenient();
    const seen = Array.from({ length: 150 }, (_, i) => coerce(row(i)));
    // a fresh coercer for every row never compiles a plan
    for (let i = 0; i < 150; i++) expect(seen[i]).toEqual(createCoercer(SCHEMA, undefined, { values: 'lenient' })(row(i)));
    expect(reference(row(3))).toMatchObject({ ok: false, code: 'MISSING_VALUE' });
  });

  it("settles a column's day-month order on the first value that decides it, or on the location's", () => {
    const coerce = lenient();
    const day = (v: string, c = coerce) => record(c({ id: 'c1', birthday: v })).birthday;
    expect(day('04/05/2021')).toBe(daysFromCivil(2021, 4, 5));
    expect(day('13/05/2021')).toBe(daysFromCivil(2021, 5, 13));
    expect(day('04/05/2021')).toBe(daysFromCivil(2021, 5, 4));
    expect(day('05/13/2021')).toBe(daysFromCivil(2021, 5, 13));
    // dots keep their own order
    expect(day('04.05.2021')).toBe(daysFromCivil(2021, 5, 4));
    expect(day('05.13.2021')).toBe(daysFromCivil(2021, 5, 13));
    expect(day('04.05.2021')).toBe(daysFromCivil(2021, 4, 5));
    const given = createCoercer(SCHEMA, { file: 'c.csv', format: 'csv', dateOrders: { birthday: 'dmy' } });
    expect(day('04/05/2021', given)).toBe(daysFromCivil(2021, 5, 4));
  });
});

describe('createCoercer, absent flags and column order', () => {
  const users = {
    type: 'record',
    name: 'User',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'active', type: 'boolean' },
      { name: 'custom', type: { type: 'map', values: 'string' }, default: {} },
    ],
  } as AvroSchema;

  it('reads a users file without an active column as all active, and says so', () => {
    const coerce = createCoercer(users);
    expect(coerce.missingFields(['id', 'name'])).toEqual([]);
    expect(coerce.assumedFields(['id', 'name'])).toEqual([{ field: 'active', value: true }]);
    expect(coerce.assumedFields(['id', 'Active'])).toEqual([]);
    for (let i = 0; i < 100; i++) expect(coerce({ id: `u${i}`, name: 'x' })).toEqual({ ok: true, record: { id: `u${i}`, active: true, custom: { name: 'x' } } });
    expect(coerce({ id: 'u1', active: '' })).toMatchObject({ ok: false, code: 'MISSING_VALUE' });
  });

  it("lists the record's fields in the header's order, custom columns by label", () => {
    expect(createCoercer(SCHEMA).columnOrder(['Notes', 'E-mail Address', 'ID'])).toEqual(['custom.Notes', 'e_mail_address', 'id']);
  });
});

describe('snakeCase', () => {
  it.each([
    ['First Name', 'first_name'],
    ['E-mail Address', 'e_mail_address'],
    ['createdAt', 'created_at'],
    ['HTTPStatus', 'http_status'],
    ['  Loan Amount ($) ', 'loan_amount'],
    ['Şirket Adı', 'sirket_adi'],
    ['Çağla', 'cagla'],
  ])('%s → %s', (label, snake) => {
    expect(snakeCase(label)).toBe(snake);
  });
});
