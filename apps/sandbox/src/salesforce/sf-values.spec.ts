import { SfRecordError } from './sf-errors';
import { canonicalId, idSuffix, makeId } from './sf-ids';
import { makeField } from './sf-objects';
import { addMonths, coerceValue, keyText, parseDateTime } from './sf-values';

function code(fn: () => unknown): string {
  try {
    fn();
    return 'none';
  } catch (err) {
    return err instanceof SfRecordError ? `${err.code}: ${err.message}` : String(err);
  }
}

describe('field values', () => {
  const name = makeField('Name', 'string', { label: 'Account Name', len: 10 });
  const status = makeField('Status', 'picklist', { restricted: true, values: ['Open', 'Closed'] });
  const open = makeField('Source', 'picklist', { values: ['Web'] });

  it('checks length, restricted picklists (returning the defined value), emails and numbers', () => {
    expect(coerceValue(name, 'short')).toBe('short');
    expect(coerceValue(name, '')).toBeNull();
    expect(code(() => coerceValue(name, 'much too long here'))).toBe('STRING_TOO_LONG: Account Name: data value too large: much too long here (max length=10)');
    expect(coerceValue(status, 'closed')).toBe('Closed');
    expect(code(() => coerceValue(status, 'Lost'))).toBe('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Status: bad value for restricted picklist field: Lost');
    expect(coerceValue(open, 'Fax')).toBe('Fax');
    expect(code(() => coerceValue(makeField('Email', 'email'), 'not-an-email'))).toMatch(/^INVALID_EMAIL_ADDRESS/);
    expect(coerceValue(makeField('N', 'int'), '42')).toBe(42);
    expect(code(() => coerceValue(makeField('N', 'int'), '4.2'))).toMatch(/^INVALID_TYPE_ON_FIELD_IN_RECORD/);
    expect(coerceValue(makeField('Amount', 'currency'), '12.5')).toBe(12.5);
    expect(code(() => coerceValue(makeField('Amount', 'currency', { precision: 5, scale: 2 }), 12345))).toMatch(/more than 3 digits/);
    expect(coerceValue(makeField('B', 'boolean'), 'TRUE')).toBe(true);
    expect(code(() => coerceValue(makeField('B', 'boolean'), 'yes'))).toMatch(/^INVALID_TYPE_ON_FIELD_IN_RECORD/);
  });

  it('normalises dates, datetimes and ids', () => {
    expect(coerceValue(makeField('D', 'date'), '2024-02-29')).toBe('2024-02-29');
    expect(code(() => coerceValue(makeField('D', 'date'), '2023-02-29'))).toMatch(/^INVALID_TYPE_ON_FIELD_IN_RECORD/);
    expect(parseDateTime('2024-05-01T09:30:00+02:00')).toBe('2024-05-01T07:30:00.000+0000');
    expect(parseDateTime('2024-05-01')).toBe('2024-05-01T00:00:00.000+0000');
    expect(parseDateTime('01/05/2024')).toBeNull();
    const id = makeId('001', 12345);
    expect(id).toHaveLength(18);
    expect(id.startsWith('0015g')).toBe(true);
    expect(canonicalId(id.slice(0, 15))).toBe(id);
    expect(canonicalId(id.toLowerCase())).toBeNull();
    expect(coerceValue(makeField('AccountId', 'reference', { ref: ['Account'] }), id.slice(0, 15))).toBe(id);
    expect(code(() => coerceValue(makeField('AccountId', 'reference', { ref: ['Account'] }), 'abc'))).toMatch(/^MALFORMED_ID/);
  });

  it('computes the 18-character suffix as Salesforce does', () => {
    expect(idSuffix('001D000000IqhSL')).toBe('IAZ');
  });

  it('matches external IDs case-insensitively unless the field is case-sensitive', () => {
    expect(keyText(makeField('K__c', 'string', { ext: true }), 'AbC')).toBe('abc');
    expect(keyText(makeField('K__c', 'string', { ext: true, caseSensitive: true }), 'AbC')).toBe('AbC');
    expect(keyText(makeField('K__c', 'string'), '')).toBeNull();
  });

  it('adds contract months, clamping to the month end', () => {
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-01-01', 12)).toBe('2026-01-01');
  });
});
