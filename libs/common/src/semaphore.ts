/** Caps how many async tasks run at once; waiters are served first come, first served. The cap may change. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private limit: number) {
    Semaphore.check(limit);
  }

  private static check(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit must be a positive integer, got ${limit}`);
  }

  get capacity(): number {
    return this.limit;
  }

  /** A raised cap lets waiters in at once; a lowered one takes effect as running tasks finish. */
  resize(limit: number): void {
    Semaphore.check(limit);
    this.limit = limit;
    while (this.active < this.limit && this.waiting.length) {
      this.active++;
      this.waiting.shift()!();
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.active <= this.limit ? this.waiting.shift() : undefined;
      if (next) next();
      else this.active--;
    }
  }
}
