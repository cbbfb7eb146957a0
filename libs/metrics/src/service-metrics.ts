import * as http from 'http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsEndpoint } from './metrics.settings';

/** What the reconciler knows of the whole migration, read on each scrape (the same figures `ferry status` shows). */
export interface MigrationFigures {
  sources: { object: string; extracted: number; transformed: number; rejected: number; partial: number; inFlight: number }[];
  entities: { entity: string; transformed: number; resolved: number; loaded: number; rejected: number; waiting: number; inFlight: number }[];
  lag: { group: string; phase: string; partitions: { topic: string; partition: number; lag: number }[] }[];
  /** restarts per service, when a supervisor records them */
  restarts: { service: string; restarts: number }[];
}

export interface DestinationCounts {
  requests: number;
  retries: number;
  throttled: number;
}

/**
 * One Prometheus registry per service process. The phase transport counts records and times chunks, the destination
 * module exposes the client's request counters, and the reconciler publishes the migration's figures.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly records: Counter<'phase' | 'stage' | 'object'>;
  private readonly batchSeconds: Histogram<'phase'>;
  private readonly batchFailures: Counter<'phase'>;
  private readonly stepSeconds: Counter<'phase' | 'step'>;
  private server: http.Server | null = null;

  constructor(
    readonly service: string,
    readonly migration: string,
  ) {
    this.registry.setDefaultLabels({ service, migration });
    collectDefaultMetrics({ register: this.registry, prefix: 'ferry_' });
    this.records = new Counter({
      name: 'ferry_records_total',
      help: 'Records a phase handled, by the stage of the topic they came from (extracted, transformed, resolved, loaded, dlq) and object or entity',
      labelNames: ['phase', 'stage', 'object'],
      registers: [this.registry],
    });
    this.batchSeconds = new Histogram({
      name: 'ferry_batch_duration_seconds',
      help: 'Time a phase took to handle one chunk, output made durable',
      labelNames: ['phase'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    this.stepSeconds = new Counter({
      name: 'ferry_step_seconds_total',
      help: 'Time a phase spent in each step of its chunks (every phase: decode, commit; the resolver: id_map_read, park, emit, …; the loader: read_before, write, audit, emit), to tell where a slow phase spends it',
      labelNames: ['phase', 'step'],
      registers: [this.registry],
    });
    this.batchFailures = new Counter({
      name: 'ferry_batch_failures_total',
      help: 'Chunks whose handler failed (not committed; consumed again)',
      labelNames: ['phase'],
      registers: [this.registry],
    });
  }

  /** Times one chunk of a phase (all from one topic) and counts its records by stage and object once it succeeded. */
  async timeBatch<T>(phase: string, stage: string, object: string, n: number, work: () => Promise<T>): Promise<T> {
    const end = this.batchSeconds.startTimer({ phase });
    try {
      const out = await work();
      end();
      this.records.inc({ phase, stage, object }, n);
      return out;
    } catch (e) {
      this.batchFailures.inc({ phase });
      throw e;
    }
  }

  /** Adds the time one step of a chunk took. */
  addStepSeconds(phase: string, step: string, seconds: number): void {
    this.stepSeconds.inc({ phase, step }, seconds);
  }

  /** Records a service emitted outside a consumer phase (the extractor's reads). */
  countRecords(phase: string, stage: string, object: string, n: number): void {
    if (n > 0) this.records.inc({ phase, stage, object }, n);
  }

  /** The destination client's own counters, read at each scrape (they only grow). */
  watchDestination(destination: string, read: () => DestinationCounts | null): void {
    const seen: DestinationCounts = { requests: 0, retries: 0, throttled: 0 };
    const counter = (name: string, help: string, field: keyof DestinationCounts) =>
      new Counter({
        name,
        help,
        labelNames: ['destination'],
        registers: [this.registry],
        collect() {
          const now = read();
          if (!now) return;
          const delta = now[field] - seen[field];
          if (delta > 0) this.inc({ destination }, delta);
          seen[field] = now[field];
        },
      });
    counter('ferry_destination_requests_total', 'Requests sent to the destination API', 'requests');
    counter('ferry_destination_retries_total', 'Destination requests retried (throttled, 5xx, network)', 'retries');
    counter('ferry_destination_throttled_total', 'Destination answers 429 Too Many Requests', 'throttled');
  }

  /**
   * The migration's reconciliation, consumer lag, parked records and service restarts, read once per scrape
   * (the reconciler publishes them; read failures leave the previous values).
   */
  watchMigration(read: () => Promise<MigrationFigures>): void {
    let pending: Promise<MigrationFigures | null> | null = null;
    const figures = () =>
      (pending ??= read()
        .catch(() => null)
        .finally(() => setTimeout(() => (pending = null), 500)));
    const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>, f: MigrationFigures) => void) =>
      new Gauge<L>({
        name,
        help,
        labelNames,
        registers: [this.registry],
        async collect() {
          const f = await figures();
          if (!f) return;
          this.reset();
          fill(this, f);
        },
      });
    gauge('ferry_source_records', 'Distinct source records per object and state (as `ferry status`)', ['object', 'state'], (g, f) => {
      for (const s of f.sources) {
        for (const [state, n] of Object.entries({ extracted: s.extracted, transformed: s.transformed, rejected: s.rejected, partial: s.partial, in_flight: s.inFlight })) {
          g.set({ object: s.object, state }, n);
        }
      }
    });
    gauge('ferry_destination_records', 'Distinct destination records per entity and state (as `ferry status`)', ['entity', 'state'], (g, f) => {
      for (const e of f.entities) {
        for (const [state, n] of Object.entries({ transformed: e.transformed, resolved: e.resolved, loaded: e.loaded, rejected: e.rejected, waiting: e.waiting, in_flight: e.inFlight })) {
          g.set({ entity: e.entity, state }, n);
        }
      }
    });
    gauge('ferry_parked_records', 'Destination records waiting in PostgreSQL for a parent or an owner', ['entity'], (g, f) => {
      for (const e of f.entities) g.set({ entity: e.entity }, e.waiting);
    });
    gauge('ferry_consumer_lag', 'Consumer lag per group and partition (end offset − committed offset)', ['group', 'phase', 'topic', 'partition'], (g, f) => {
      for (const grp of f.lag) for (const p of grp.partitions) g.set({ group: grp.group, phase: grp.phase, topic: p.topic, partition: String(p.partition) }, p.lag);
    });
    gauge('ferry_service_restarts', 'Times the supervisor restarted each service', ['of_service'], (g, f) => {
      for (const r of f.restarts) g.set({ of_service: r.service }, r.restarts);
    });
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Serves GET /metrics; resolves once listening. A busy port is the caller's to report. */
  async serve(at: MetricsEndpoint): Promise<string> {
    const server = http.createServer((req, res) => {
      if (at.token && req.headers.authorization !== `Bearer ${at.token}`) {
        res.writeHead(401, { 'WWW-Authenticate': 'Bearer' }).end('unauthorized\n');
        return;
      }
      if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
        res.writeHead(404).end('not found: GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (body) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(body),
        (e: Error) => res.writeHead(500).end(`${e.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.unref();
    this.server = server;
    return `http://${at.host}:${at.port}/metrics`;
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }
}
