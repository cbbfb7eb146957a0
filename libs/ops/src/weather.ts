/** Dependencies a run cannot move without; when one is unreachable the run waits and says so, it never gives up. */
export type Dependency = 'Kafka' | 'PostgreSQL' | 'schema registry' | 'destination';

/**
 * What is unreachable and since when: the progress view's "weather" line. A probe that fails is recorded here
 * instead of ending the run.
 */
export class Weather {
  private readonly down = new Map<Dependency, { since: number; error: string }>();

  constructor(private readonly now: () => number = Date.now) {}

  ok(dep: Dependency): void {
    this.down.delete(dep);
  }

  failed(dep: Dependency, error: unknown): void {
    const message = oneLine(error);
    const was = this.down.get(dep);
    this.down.set(dep, { since: was?.since ?? this.now(), error: message });
  }

  /** Runs a probe: ok when it resolves, recorded (not thrown) when it fails; undefined then. */
  async probe<T>(dep: Dependency, work: () => Promise<T>): Promise<T | undefined> {
    try {
      const r = await work();
      this.ok(dep);
      return r;
    } catch (e) {
      this.failed(dep, e);
      return undefined;
    }
  }

  get clear(): boolean {
    return this.down.size === 0;
  }

  isDown(dep: Dependency): boolean {
    return this.down.has(dep);
  }

  /** e.g. "Kafka unreachable for 40 s, waiting (Connection error: connect ECONNREFUSED 127.0.0.1:9092)" */
  lines(): string[] {
    return [...this.down.entries()].map(([dep, d]) => `${dep} unreachable for ${Math.round((this.now() - d.since) / 1000)} s, waiting (${d.error})`);
  }
}

function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.split('\n')[0].trim();
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}

/** The schema registry answers (any HTTP answer below 500 counts: it is up). */
export async function probeRegistry(url: string, timeoutMs = 3000): Promise<void> {
  const res = await fetch(`${url.replace(/\/+$/, '')}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
  if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
}
