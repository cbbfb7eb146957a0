import type { StreamState } from '@ferry/connectors/core';

export const DEFAULT_MAX_SEEN_KEYS = 10_000;

/**
 * The modified-since watermark of one stream across poll passes.
 *
 * A pass asks for everything modified at or after `watermark - overlap`, so it sees again the records that sit
 * exactly at the watermark. The keys emitted at that millisecond travel in the state (`seenAtWatermark`) and are
 * skipped when they come back unchanged; a record at that millisecond that was not there last time (it committed
 * later, or sat beyond a page boundary when the pass stopped) is emitted. When more keys share the watermark than
 * the state may hold, the surplus is emitted again after a resume: a duplicate, never a gap.
 *
 * Records inside the overlap but before the watermark are emitted again on purpose: they are what the overlap is
 * for (writes that became visible late with an earlier time), and the state does not say which of them were seen.
 */
export class WatermarkTracker {
  private readonly startWatermark: number | undefined;
  private readonly startSeen: ReadonlySet<string>;
  private max: number | undefined;
  private atMax = new Set<string>();

  constructor(
    state: StreamState | undefined,
    private readonly maxSeenKeys = DEFAULT_MAX_SEEN_KEYS,
  ) {
    const w = state?.watermark;
    this.startWatermark = typeof w === 'number' && Number.isFinite(w) ? w : undefined;
    this.startSeen = new Set(this.startWatermark === undefined ? [] : (state?.seenAtWatermark ?? []));
    this.max = this.startWatermark;
    if (this.startWatermark !== undefined) for (const k of this.startSeen) this.remember(k);
  }

  /** Lower bound of the next pass's modified-since filter; undefined on the first pass (read everything). */
  since(overlapMs: number): number | undefined {
    return this.startWatermark === undefined ? undefined : Math.max(0, this.startWatermark - overlapMs);
  }

  /** Notes a record read from the API; false when the last persisted state says it was already emitted. */
  admit(key: string, modified: number): boolean {
    const duplicate = modified === this.startWatermark && this.startSeen.has(key);
    if (this.max === undefined || modified > this.max) {
      this.max = modified;
      this.atMax = new Set();
    }
    if (modified === this.max) this.remember(key);
    return !duplicate;
  }

  state(): StreamState {
    if (this.max === undefined) return {};
    return { watermark: this.max, seenAtWatermark: [...this.atMax] };
  }

  private remember(key: string): void {
    if (this.atMax.size < this.maxSeenKeys) this.atMax.add(key);
  }
}

/** What the page-style pager knows of one item it read: an identity and, when the item parsed, its modified time. */
export interface ReadItem {
  /** key and modified time; the raw item for one that did not parse */
  id: string;
  modified?: number;
}

/**
 * Where the next page of a page-numbered API starts.
 *
 * Page numbers are offsets into a result that moves while it is read: a record updated mid-pass leaves its place
 * and every later record shifts one position back, so plain page N+1 would skip one. Instead each request asks
 * again for "modified since the last time read" and starts at the page holding the first unread position, so
 * offsets stay small and only the records sharing that last millisecond are read twice (and recognised by their
 * identity). When a page ends on an item that did not parse, or brings nothing new, the pager keeps its anchor and
 * moves on by position, so a run of bad items or a burst of concurrent updates cannot stall it.
 */
export class PageAnchor {
  /** modified-since of the next request; undefined: none */
  since: number | undefined;
  /** positions of the `since` result already read */
  offset = 0;
  /** identities at the positions between the start of the next page and `offset` */
  private reread = new Set<string>();

  constructor(
    since: number | undefined,
    readonly pageSize: number,
  ) {
    this.since = since;
  }

  /** 0-based page of the `since` result to ask for next. */
  get pageIndex(): number {
    return Math.floor(this.offset / this.pageSize);
  }

  /** Whether an item of the page just fetched was read by an earlier request of this pass. */
  alreadyRead(id: string): boolean {
    return this.reread.has(id);
  }

  /** Moves past a page; `fresh` is how many of its items were not already read. */
  advance(items: readonly ReadItem[], fresh: number): void {
    const end = this.pageIndex * this.pageSize + items.length;
    const last = items[items.length - 1];
    if (last?.modified !== undefined && fresh > 0 && (this.since === undefined || last.modified > this.since)) {
      const m = last.modified;
      let i = items.length;
      while (i > 0 && items[i - 1].modified === m) i--;
      const tail = items.slice(i);
      this.since = m;
      this.offset = tail.length;
      this.reread = new Set(this.offset % this.pageSize === 0 ? [] : tail.map((t) => t.id));
      return;
    }
    this.offset = end;
    const start = this.pageIndex * this.pageSize;
    this.reread = new Set(items.slice(start - (end - items.length)).map((t) => t.id));
  }
}
