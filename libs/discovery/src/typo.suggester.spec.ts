import { editDistance } from '@ferry/connectors/core';
import { typoSuggestions } from './typo.suggester';

describe('editDistance', () => {
  it.each([
    ['qualified', 'qualifed', 1],
    ['closed lost', 'closed lsot', 1],
    ['negotiation', 'negociation', 1],
    ['proposal', 'propsoal', 1],
    ['qualified', 'unqualified', 2],
    ['closed won', 'closed lost', 3],
    ['abc', 'abc', 0],
  ])('%s → %s is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});

describe('typoSuggestions', () => {
  const stage = (extra: Array<{ value: string; count: number }>) => [
    { value: 'Qualified', count: 40 },
    { value: 'Unqualified', count: 35 },
    { value: 'Contacted', count: 30 },
    { value: 'New', count: 20 },
    ...extra,
  ];

  it('suggests the frequent value a rare one is one or two edits from', () => {
    expect(typoSuggestions(stage([{ value: 'Qualifed', count: 2 }, { value: 'Contaced', count: 1 }, { value: 'Unqalifeid', count: 1 }]))).toEqual([
      { value: 'Qualifed', count: 2, suggestion: 'Qualified', suggestionCount: 40, distance: 1 },
      { value: 'Contaced', count: 1, suggestion: 'Contacted', suggestionCount: 30, distance: 1 },
      { value: 'Unqalifeid', count: 1, suggestion: 'Unqualified', suggestionCount: 35, distance: 2 },
    ]);
  });

  it('leaves alone frequent neighbours, case variants, short codes, numbers and values further away', () => {
    expect(typoSuggestions(stage([]))).toEqual([]);
    expect(typoSuggestions(stage([{ value: 'qualified', count: 1 }, { value: 'Neww', count: 1 }, { value: 'Disqualified', count: 1 }]))).toEqual([
      // "Neww" is one edit from a value of three letters: too short to tell
    ]);
    expect(typoSuggestions([{ value: '2021', count: 50 }, { value: '2022', count: 1 }, { value: 'Gold', count: 9 }, { value: 'Bold', count: 1 }])).toEqual([
      { value: 'Bold', count: 1, suggestion: 'Gold', suggestionCount: 9, distance: 1 },
    ]);
    // a value used a third as often as its neighbour is a value of its own
    expect(typoSuggestions([{ value: 'Partner', count: 12 }, { value: 'Partners', count: 4 }])).toEqual([]);
  });
});
