/**
 * Rates from successive samples of growing counts: per key, the change over the last `windowMs` divided by the
 * time it took. A count that went down (a replay reset it) starts its window again.
 */
export class RateTracker {
  private readonly samples: { at: number; counts: Map<string, number> }[] = [];

  constructor(private readonly windowMs = 60_000) {}

  add(at: number, counts: Map<string, number>): void {
    const last = this.samples[this.samples.length - 1];
    if (last && at <= last.at) return;
    this.samples.push({ at, counts });
    while (this.samples.length > 2 && at - this.samples[1].at >= this.windowMs) this.samples.shift();
  }

  /** Records per second for a key, or null before two samples exist. */
  rate(key: string): number | null {
    const last = this.samples[this.samples.length - 1];
    if (!last || this.samples.length < 2) return null;
    const now = last.counts.get(key) ?? 0;
    for (const s of this.samples) {
      if (s === last) break;
      const then = s.counts.get(key) ?? 0;
      if (then > now) continue;
      return ((now - then) * 1000) / (last.at - s.at);
    }
    return 0;
  }
}

/** Seconds until `remaining` records are done at `perSecond`; null when nothing moves, 0 when nothing remains. */
export function etaSeconds(remaining: number, perSecond: number | null): number | null {
  if (remaining <= 0) return 0;
  if (!perSecond || perSecond <= 0) return null;
  return Math.ceil(remaining / perSecond);
}
