import { MultiBar, Presets, SingleBar } from 'cli-progress';
import type { EntityReconciliation, ServiceState, SourceReconciliation } from '@ferry/ops';

/** What one tick of `ferry run` knows; counts are null while PostgreSQL cannot be read, lag while Kafka cannot. */
export interface ProgressSnapshot {
  migration: string;
  elapsedS: number;
  sources: SourceReconciliation[] | null;
  entities: EntityReconciliation[] | null;
  lag: number | null;
  /** records per second over the last few seconds, per phase */
  rates: PhaseTotals;
  restarts: number;
  services: ServiceState[];
  weather: string[];
  settled: boolean;
}

export interface PhaseTotals {
  extracted: number;
  transformed: number;
  resolved: number;
  loaded: number;
}

export interface ProgressView {
  update(s: ProgressSnapshot): void;
  /** a line that matters (a restart, a dependency lost or back): shown above the bars, or printed at once */
  event(line: string): void;
  stop(): void;
}

export function totals(s: Pick<ProgressSnapshot, 'sources' | 'entities'>): PhaseTotals & { rejected: number; waiting: number } {
  const src = s.sources ?? [];
  const ent = s.entities ?? [];
  return {
    extracted: src.reduce((n, r) => n + r.extracted, 0),
    transformed: ent.reduce((n, r) => n + r.transformed, 0),
    resolved: ent.reduce((n, r) => n + r.resolved, 0),
    loaded: ent.reduce((n, r) => n + r.loaded, 0),
    rejected: src.reduce((n, r) => n + r.rejected, 0) + ent.reduce((n, r) => n + r.rejected, 0),
    waiting: ent.reduce((n, r) => n + r.waiting, 0),
  };
}

/** Records per second per phase over a sliding window of a few seconds. */
export class RateMeter {
  private readonly samples: Array<{ t: number; v: PhaseTotals }> = [];

  constructor(private readonly windowMs = 5000) {}

  add(t: number, v: PhaseTotals): PhaseTotals {
    this.samples.push({ t, v });
    while (this.samples.length > 2 && t - this.samples[1].t >= this.windowMs) this.samples.shift();
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    const rate = (k: keyof PhaseTotals) => (dt > 0 ? Math.max(0, (v[k] - first.v[k]) / dt) : 0);
    return { extracted: rate('extracted'), transformed: rate('transformed'), resolved: rate('resolved'), loaded: rate('loaded') };
  }
}

const n = (x: number | null | undefined) => (x === null || x === undefined ? '?' : x.toLocaleString('en-US'));
const r = (x: number) => (x >= 10 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

function headline(s: ProgressSnapshot): string {
  const t = totals(s);
  const down = s.services.filter((x) => x.status === 'restarting').map((x) => x.service);
  return [
    `${s.migration} ${Math.round(s.elapsedS)} s`,
    `lag ${n(s.lag)}`,
    `rates/s extract ${r(s.rates.extracted)} transform ${r(s.rates.transformed)} resolve ${r(s.rates.resolved)} load ${r(s.rates.loaded)}`,
    `waiting ${n(s.entities ? t.waiting : null)}`,
    `rejected ${n(s.sources ? t.rejected : null)}`,
    `restarts ${s.restarts}${down.length ? ` (restarting: ${down.join(', ')})` : ''}`,
    s.settled ? 'reconciled' : '',
  ].filter(Boolean).join(' │ ');
}

/** On a terminal: a bar per source object (read → mapped) and per destination entity (made → loaded), updated in place. */
export class TtyProgressView implements ProgressView {
  private readonly multi: MultiBar;
  private readonly head: SingleBar;
  private readonly weather: SingleBar;
  private readonly bars = new Map<string, SingleBar>();
  private readonly width: number;

  constructor(stream: NodeJS.WriteStream = process.stdout) {
    this.multi = new MultiBar(
      { stream, hideCursor: true, clearOnComplete: false, stopOnComplete: false, barsize: 24, fps: 5, format: '{label} {bar} {value}/{total} {detail}', autopadding: true, forceRedraw: true },
      Presets.shades_classic,
    );
    this.width = Math.max(60, (stream.columns ?? 120) - 1);
    const text = { format: '{text}' };
    this.head = this.multi.create(1, 0, { text: '' }, text);
    this.weather = this.multi.create(1, 0, { text: '' }, text);
  }

  update(s: ProgressSnapshot): void {
    this.head.update(0, { text: headline(s).slice(0, this.width) });
    this.weather.update(0, { text: (s.weather.length ? `weather: ${s.weather.join('; ')}` : 'weather: Kafka, PostgreSQL and the schema registry answer').slice(0, this.width) });
    const labelWidth = Math.max(12, ...[...(s.sources ?? []).map((x) => x.object.length + 7), ...(s.entities ?? []).map((x) => x.entity.length + 7)]);
    for (const o of s.sources ?? []) {
      this.bar(`src:${o.object}`, `read ${o.object}`.padEnd(labelWidth), o.transformed + o.rejected, o.extracted,
        `extracted ${n(o.extracted)} → transformed ${n(o.transformed)}${o.rejected ? `, rejected ${n(o.rejected)}` : ''}`);
    }
    for (const e of s.entities ?? []) {
      this.bar(`dst:${e.entity}`, `load ${e.entity}`.padEnd(labelWidth), e.loaded + e.rejected, e.transformed,
        `resolved ${n(e.resolved)} → loaded ${n(e.loaded)}${e.waiting ? `, waiting ${n(e.waiting)}` : ''}${e.rejected ? `, rejected ${n(e.rejected)}` : ''}`);
    }
  }

  event(line: string): void {
    this.multi.log(`${line}\n`);
  }

  stop(): void {
    this.multi.stop();
  }

  private bar(key: string, label: string, value: number, total: number, detail: string): void {
    let b = this.bars.get(key);
    if (!b) this.bars.set(key, (b = this.multi.create(Math.max(total, 1), value, { label, detail })));
    b.setTotal(Math.max(total, 1));
    b.update(value, { label, detail });
  }
}

/** Not a terminal (CI, a pipe): one compact line every few seconds, and events as they come. */
export class LineProgressView implements ProgressView {
  private last = 0;

  constructor(
    private readonly write: (s: string) => void,
    private readonly everyMs = 5000,
  ) {}

  update(s: ProgressSnapshot): void {
    const now = Date.now();
    if (now - this.last < this.everyMs) return;
    this.last = now;
    const t = totals(s);
    const counts = s.sources
      ? `extracted ${n(t.extracted)} transformed ${n(t.transformed)} resolved ${n(t.resolved)} loaded ${n(t.loaded)} rejected ${n(t.rejected)} waiting ${n(t.waiting)}`
      : 'counts unknown';
    this.write(`  [${String(Math.round(s.elapsedS)).padStart(4)} s] ${counts} │ lag ${n(s.lag)} │ ${r(s.rates.loaded)} loaded/s │ restarts ${s.restarts}${s.weather.length ? ` │ ${s.weather.join('; ')}` : ''}`);
  }

  event(line: string): void {
    this.write(line);
  }

  stop(): void {}
}

/** --no-progress: events only. */
export class EventsOnlyView implements ProgressView {
  constructor(private readonly write: (s: string) => void) {}
  update(): void {}
  event(line: string): void {
    this.write(line);
  }
  stop(): void {}
}

export const silentView: ProgressView = { update: () => undefined, event: () => undefined, stop: () => undefined };
