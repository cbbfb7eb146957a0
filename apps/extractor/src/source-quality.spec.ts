import { SOURCE_ENTITY, sourceQuality } from './export-stream.runner';

describe('quality of what a connector left out of the records it read', () => {
  const record = (key: string, line: number, issues: { column: string; code: 'BAD_DATE' | 'MISSING_VALUE'; value: string }[]) => ({
    key, hash: 'h', body: null, modifiedAt: null, origin: { file: 'Deals.csv', line },
    issues: issues.map((i) => ({ ...i, field: i.column.toLowerCase(), problem: i.code === 'BAD_DATE' ? 'which is not a date' : 'which is a placeholder, not a value' })),
  });

  it('counts per column and problem, with the first example and where it was read', () => {
    const counts = sourceQuality('deals', [
      record('D-1', 2, [{ column: 'Closing Date', code: 'BAD_DATE', value: 'soon' }]),
      record('D-2', 3, [{ column: 'Closing Date', code: 'BAD_DATE', value: 'later' }, { column: 'Stage', code: 'MISSING_VALUE', value: 'N/A' }]),
      record('D-3', 4, []),
    ]);
    expect(counts).toEqual([
      { objectType: 'deals', entity: SOURCE_ENTITY, column: 'Closing Date', kind: 'SOURCE_BAD_DATE', keys: ['D-1', 'D-2'], exampleKey: 'D-1', exampleValue: 'soon', detail: 'which is not a date (Deals.csv line 2): the field was left empty and the record sent on' },
      { objectType: 'deals', entity: SOURCE_ENTITY, column: 'Stage', kind: 'SOURCE_PLACEHOLDER', keys: ['D-2'], exampleKey: 'D-2', exampleValue: 'N/A', detail: 'which is a placeholder, not a value (Deals.csv line 3): the field was left empty and the record sent on' },
    ]);
  });

  it('has nothing to count for clean records', () => {
    expect(sourceQuality('deals', [record('D-1', 2, [])])).toEqual([]);
  });
});
