import type { ColumnType } from '@ferry/contracts';
import { compareRecord, normalizeValue, type Contribution } from './record.comparer';

/** Dataverse images hold a lookup's id as _<column>_value. */
const dataverseLookup = (image: Record<string, unknown>, column: string) => (image[`_${column}_value`] as string | null | undefined) ?? null;

const types = new Map<string, ColumnType>([
  ['name', 'string'],
  ['revenue', 'money'],
  ['founded', 'dateonly'],
  ['lastcontact', 'datetime'],
  ['stage', 'picklist'],
  ['active', 'boolean'],
  ['score', 'double'],
]);

const c = (columns: Record<string, unknown>, lookups: Record<string, string | null> = {}, merge = 'last-wins', key = 'K1'): Contribution => ({ object: 'company', sourceKey: key, merge, columns, lookups });

describe('normalizeValue', () => {
  it.each<[ColumnType, unknown, unknown]>([
    ['datetime', Date.UTC(2024, 2, 5, 10, 11, 12, 345), '2024-03-05T10:11:12Z'],
    ['dateonly', 19_787, '2024-03-05'],
    ['dateonly', 19_787, '2024-03-05T00:00:00Z'],
    ['money', '1250.50', 1250.5],
    ['decimal', '0.10000', 0.1],
    ['picklist', 3, '3'],
    ['boolean', true, 'true'],
    ['string', 'a\r\nb', 'a\nb'],
    ['uniqueidentifier', 'ABC-DEF', 'abc-def'],
    ['string', '', null],
  ])('%s: %p (Ferry) equals %p (destination)', (type, ours, theirs) => {
    expect(normalizeValue(type, ours)).toBe(normalizeValue(type, theirs));
  });

  it.each<[ColumnType, unknown, unknown]>([
    ['money', '1250.50', 1250.51],
    ['dateonly', 19_787, '2024-03-06'],
    ['datetime', Date.UTC(2024, 2, 5, 10, 11, 12), '2024-03-05T10:11:13Z'],
    ['picklist', 3, 4],
    ['boolean', true, false],
    ['string', 'Acme', 'acme'],
    ['string', 'Acme', null],
  ])('%s: %p and %p differ', (type, ours, theirs) => {
    expect(normalizeValue(type, ours)).not.toBe(normalizeValue(type, theirs));
  });
});

describe('compareRecord', () => {
  const row = { crm_sourceid: 'K1', name: 'Acme', revenue: 1250.5, founded: '2024-03-05', lastcontact: '2024-03-05T10:11:12Z', stage: 3, active: true, score: 0.1, _parentaccountid_value: 'AAAA-1' };
  const expected = c(
    { name: 'Acme', revenue: '1250.50', founded: 19_787, lastcontact: Date.UTC(2024, 2, 5, 10, 11, 12, 999), stage: 3, active: true, score: 0.1 },
    { parentaccountid: 'aaaa-1' },
  );

  it('finds nothing when every column and lookup holds what the map gives', () => {
    expect(compareRecord('account', 'K1', types, [expected], row, dataverseLookup)).toEqual([]);
  });

  it('lists each differing column with record key, expected and actual', () => {
    const found = compareRecord('account', 'K1', types, [expected], { ...row, revenue: 99, stage: 4 }, dataverseLookup);
    expect(found).toEqual([
      { entity: 'account', key: 'K1', sources: ['company:K1'], column: 'revenue', kind: 'value', expected: '1250.5', actual: '99' },
      { entity: 'account', key: 'K1', sources: ['company:K1'], column: 'stage', kind: 'value', expected: '3', actual: '4' },
    ]);
  });

  it('reports a lookup pointing elsewhere, or cleared', () => {
    expect(compareRecord('account', 'K1', types, [expected], { ...row, _parentaccountid_value: 'bbbb-2' }, dataverseLookup)).toEqual([
      expect.objectContaining({ column: 'parentaccountid', kind: 'lookup', expected: 'aaaa-1', actual: 'bbbb-2' }),
    ]);
    expect(compareRecord('account', 'K1', types, [expected], { ...row, _parentaccountid_value: null }, dataverseLookup)).toEqual([
      expect.objectContaining({ column: 'parentaccountid', expected: 'aaaa-1', actual: null }),
    ]);
  });

  it('reports a missing row as one mismatch naming its source records', () => {
    expect(compareRecord('account', 'K1', types, [expected], null, dataverseLookup)).toEqual([
      { entity: 'account', key: 'K1', sources: ['company:K1'], column: '(row)', kind: 'missing', expected: 'a record with this key', actual: null },
    ]);
  });

  it('accepts any contributor of a many:1 merge, and no empty value where non-empty wins', () => {
    const a = c({ name: 'Acme Ltd', revenue: null }, {}, 'non-empty-wins', 'K1');
    const b = c({ name: 'Acme', revenue: '10' }, {}, 'non-empty-wins', 'K2');
    expect(compareRecord('account', 'acme', types, [a, b], { name: 'Acme Ltd', revenue: 10 }, dataverseLookup)).toEqual([]);
    expect(compareRecord('account', 'acme', types, [a, b], { name: 'Acme', revenue: 10 }, dataverseLookup)).toEqual([]);
    const cleared = compareRecord('account', 'acme', types, [a, b], { name: 'Acme', revenue: null }, dataverseLookup);
    expect(cleared).toEqual([expect.objectContaining({ column: 'revenue', expected: '(empty) | 10', actual: null, sources: ['company:K1', 'company:K2'] })]);
    expect(compareRecord('account', 'acme', types, [a, b], { name: 'Other', revenue: 10 }, dataverseLookup)).toEqual([expect.objectContaining({ column: 'name', expected: 'Acme Ltd | Acme' })]);
  });

  it('accepts an empty column where the last writer of a last-wins merge had none', () => {
    const a = c({ revenue: '10' }, {}, 'last-wins', 'K1');
    const b = c({ revenue: null }, {}, 'last-wins', 'K2');
    expect(compareRecord('account', 'acme', types, [a, b], { revenue: null }, dataverseLookup)).toEqual([]);
  });
});
