/**
 * Picklist typos: a value used rarely that is one or two edits away from a value the column uses often
 * ("Qualifed" beside "Qualified") is most likely that value mistyped. Discovery and the map proposal say "did you
 * mean …?"; nothing is changed: a person decides, in the map's value map.
 */

import { editDistance } from '@ferry/connectors/core';

export interface TypoSuggestion {
  value: string;
  count: number;
  /** the frequent value it is probably a misspelling of */
  suggestion: string;
  suggestionCount: number;
  distance: number;
}

/** the frequent value is used at least this many times as often as the rare one */
const RARER = 4;
/** a value has to be used this often to be suggested */
const FREQUENT_AT_LEAST = 3;
const MIN_LENGTH = 4;
/** two edits only between values at least this long (short codes two edits apart are different codes) */
const TWO_EDITS_FROM = 6;

/** For each rare value of a column, the frequent value it is most likely a misspelling of; in the order given. */
export function typoSuggestions(values: ReadonlyArray<{ value: string; count: number }>): TypoSuggestion[] {
  const out: TypoSuggestion[] = [];
  const usable = (v: string) => v.length >= MIN_LENGTH && !/^[\d\s.,:/+-]+$/.test(v);
  const frequent = values.filter((w) => w.count >= FREQUENT_AT_LEAST && usable(w.value));
  for (const v of values) {
    if (!usable(v.value)) continue;
    const lower = v.value.toLowerCase();
    // a case variant of another value is that value written differently, not a misspelling of a third
    if (values.some((w) => w !== v && w.value.toLowerCase() === lower)) continue;
    let best: TypoSuggestion | null = null;
    for (const w of frequent) {
      if (w === v || w.count < RARER * v.count) continue;
      const max = Math.min(v.value.length, w.value.length) >= TWO_EDITS_FROM ? 2 : 1;
      const d = editDistance(lower, w.value.toLowerCase(), max);
      if (d === 0 || d > max) continue;
      if (!best || d < best.distance || (d === best.distance && w.count > best.suggestionCount)) {
        best = { value: v.value, count: v.count, suggestion: w.value, suggestionCount: w.count, distance: d };
      }
    }
    if (best) out.push(best);
  }
  return out;
}
