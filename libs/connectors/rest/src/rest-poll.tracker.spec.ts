import type { StreamState } from '@ferry/connectors/core';
import { PageAnchor, WatermarkTracker } from './rest-poll.tracker';

const roundTrip = (s: StreamState): StreamState => JSON.parse(JSON.stringify(s)) as StreamState;

describe('WatermarkTracker', () => {
  it('reads everything on the first pass and ends at the highest time with the keys at it', () => {
    const t = new WatermarkTracker(undefined);
    expect(t.since(2000)).toBeUndefined();
    expect(t.state()).toEqual({});
    expect([t.admit('a', 100), t.admit('b', 200), t.admit('c', 200)]).toEqual([true, true, true]);
    expect(t.state()).toEqual({ watermark: 200, seenAtWatermark: ['b', 'c'] });
  });

  it('forgets the keys of a millisecond once a later one is read', () => {
    const t = new WatermarkTracker(undefined);
    t.admit('a', 100);
    t.admit('b', 100);
    t.admit('c', 101);
    expect(t.state()).toEqual({ watermark: 101, seenAtWatermark: ['c'] });
  });

  it('resumes from a persisted state: the overlap is asked for, keys at the watermark are skipped, new ones are not', () => {
    const t = new WatermarkTracker(roundTrip({ watermark: 10_000, seenAtWatermark: ['a', 'b'] }));
    expect(t.since(2000)).toBe(8000);
    expect(t.since(20_000)).toBe(0);
    expect(t.admit('x', 9000)).toBe(true); // inside the overlap: emitted again on purpose
    expect(t.admit('a', 10_000)).toBe(false);
    expect(t.admit('b', 10_000)).toBe(false);
    expect(t.admit('c', 10_000)).toBe(true); // same millisecond, not seen before
    expect(t.state()).toEqual({ watermark: 10_000, seenAtWatermark: ['a', 'b', 'c'] });
    expect(t.admit('a', 10_001)).toBe(true); // the same key changed again
    expect(t.state()).toEqual({ watermark: 10_001, seenAtWatermark: ['a'] });
  });

  it('keeps the state it was given when the pass finds nothing', () => {
    const t = new WatermarkTracker({ watermark: 5, seenAtWatermark: ['k'] });
    expect(t.state()).toEqual({ watermark: 5, seenAtWatermark: ['k'] });
  });

  it('ignores a watermark that is not a number and a seen list without a watermark', () => {
    const t = new WatermarkTracker({ watermark: 'yesterday' as unknown as number, seenAtWatermark: ['a'] });
    expect(t.since(2000)).toBeUndefined();
    expect(t.admit('a', 1)).toBe(true);
  });

  it('bounds the keys it keeps, so a resume re-emits the surplus instead of missing it', () => {
    const first = new WatermarkTracker(undefined, 3);
    const keys = ['k1', 'k2', 'k3', 'k4', 'k5'];
    for (const k of keys) first.admit(k, 500);
    const state = roundTrip(first.state());
    expect(state.seenAtWatermark).toHaveLength(3);
    const second = new WatermarkTracker(state, 3);
    const again = keys.filter((k) => second.admit(k, 500));
    expect(again).toEqual(keys.filter((k) => !state.seenAtWatermark!.includes(k)));
    expect(again).toHaveLength(2);
  });
});

describe('PageAnchor', () => {
  const items = (...pairs: Array<[string, number | undefined]>) => pairs.map(([id, modified]) => ({ id, modified }));

  it('starts at page 0 of the result since the given time', () => {
    const a = new PageAnchor(1000, 5);
    expect([a.since, a.pageIndex]).toEqual([1000, 0]);
  });

  it('re-anchors at the last time read and re-reads only the items sharing it', () => {
    const a = new PageAnchor(undefined, 5);
    a.advance(items(['a', 1], ['b', 2], ['c', 3], ['d', 4], ['e', 4]), 5);
    expect([a.since, a.offset, a.pageIndex]).toEqual([4, 2, 0]);
    expect(a.alreadyRead('d')).toBe(true);
    expect(a.alreadyRead('e')).toBe(true);
    expect(a.alreadyRead('c')).toBe(false);
  });

  it('moves to the next page when a whole page shares one new millisecond', () => {
    const a = new PageAnchor(0, 3);
    a.advance(items(['a', 7], ['b', 7], ['c', 7]), 3);
    expect([a.since, a.offset, a.pageIndex]).toEqual([7, 3, 1]);
    expect(a.alreadyRead('a')).toBe(false);
    // the next page is still that millisecond: keep the anchor, go on by position
    a.advance(items(['d', 7], ['e', 7], ['f', 7]), 3);
    expect([a.since, a.offset, a.pageIndex]).toEqual([7, 6, 2]);
  });

  it('re-reads the tail again when the page after it adds only a few items at that millisecond', () => {
    const a = new PageAnchor(0, 4);
    a.advance(items(['a', 1], ['b', 9], ['c', 9], ['d', 9]), 4);
    expect([a.since, a.offset]).toEqual([9, 3]);
    // page 0 since 9: the three read ones come back first, then one more at 9
    a.advance(items(['b', 9], ['c', 9], ['d', 9], ['e', 9]), 1);
    expect([a.since, a.offset, a.pageIndex]).toEqual([9, 4, 1]);
  });

  it('goes on by position when the page ends on an item that did not parse', () => {
    const a = new PageAnchor(0, 3);
    a.advance(items(['a', 5], ['b', 6], ['raw:x', undefined]), 3);
    expect([a.since, a.offset, a.pageIndex]).toEqual([0, 3, 1]);
  });

  it('goes on by position when a full page brought nothing new', () => {
    const a = new PageAnchor(0, 2);
    a.advance(items(['a', 5], ['b', 6]), 0);
    expect([a.since, a.offset, a.pageIndex]).toEqual([0, 2, 1]);
  });
});
