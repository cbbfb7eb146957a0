/** Milliseconds spent per step of one chunk (a step timed twice adds up), for ferry_step_seconds_total and a debug line. */
export class StepClock {
  readonly laps = new Map<string, number>();
  private readonly own = new Map<string, number>();
  private last = performance.now();

  lap(step: string): void {
    const now = performance.now();
    this.laps.set(step, (this.laps.get(step) ?? 0) + now - this.last);
    this.last = now;
  }

  /**
   * Times one piece of work on its own (pieces may run at once, so these add up to more than the laps around them);
   * the lap clock does not move.
   */
  async time<T>(step: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.own.set(step, (this.own.get(step) ?? 0) + performance.now() - t0);
    }
  }

  /** Every step's milliseconds: the laps, and the pieces timed on their own. */
  get all(): Map<string, number> {
    const m = new Map(this.laps);
    for (const [k, v] of this.own) m.set(k, (m.get(k) ?? 0) + v);
    return m;
  }

  /** The laps as `<step>Ms` fields, rounded, for a log line. */
  fields(): Record<string, number> {
    return Object.fromEntries([...this.all].map(([k, v]) => [`${k}Ms`, Math.round(v)]));
  }
}
