import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import type { RoutePlan } from '@ferry/contracts';
import { StatusReport, statusReport } from '@ferry/ops';
import { DashboardRepository, OwnerRepository, ReconRepository, RejectedRecord } from '@ferry/persistence';
import { etaSeconds, RateTracker } from './rates';

const SOURCE_FIELDS = ['extracted', 'transformed', 'rejected'] as const;
const ENTITY_FIELDS = ['transformed', 'resolved', 'loaded', 'rejected'] as const;

/** Per row and phase, records per second over the last minute; and how long the row needs at that pace. */
export interface RowPace {
  rates: Record<string, number | null>;
  /** records read but not yet done (mapped or rejected; loaded or rejected), waiting ones included */
  remaining: number;
  etaSeconds: number | null;
}

export interface DashboardSnapshot {
  generatedAt: string;
  servedBy: { service: string; pid: number; startedAt: string; uptimeSeconds: number; rssMb: number };
  /** exactly what `ferry status --json` prints for the migration */
  status: StatusReport;
  pace: { sources: Record<string, RowPace>; entities: Record<string, RowPace>; etaSeconds: number | null; extractionComplete: boolean };
  dlq: Awaited<ReturnType<ReconRepository['rejectionsByCode']>>;
  owners: { report: Awaited<ReturnType<OwnerRepository['report']>>; queued: Awaited<ReturnType<OwnerRepository['queued']>> };
  /** per stream, seconds since its last checkpoint (how fresh the delta is) */
  freshness: Record<string, number>;
  /** verdicts: rows of ferry.cutover_verdict (newest first) once the parity gate records them; null while it does not exist */
  cutover: { requestedAt: Date | null; completedAt: Date | null; verdicts: Record<string, unknown>[] | null };
  health: {
    phases: { phase: string; group: string; state: string; members: number; lag: number }[];
    /** rows of ferry.service_state once the supervisor records them; null while the table does not exist */
    services: Record<string, unknown>[] | null;
    /** rows of ferry.migration_run (`ferry run`'s supervisor), when present */
    runs: Record<string, unknown>[] | null;
  };
}

/**
 * Everything the dashboard shows for one migration. The counts are `statusReport` (what `ferry status --json`
 * prints); rates and ETAs come from successive snapshots, so a long-lived source gives better ones.
 */
export class DashboardData {
  private readonly rates = new RateTracker();
  private readonly started = new Date();
  private last: { at: number; snap: Promise<DashboardSnapshot> } | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly admin: Admin,
    readonly plan: RoutePlan,
    readonly migration: string,
    private readonly service: string,
    /** a snapshot younger than this is shared by every viewer */
    private readonly cacheMs = 1000,
    /** runs before each snapshot (the reconciler connects its Kafka admin here, again after a failure) */
    private readonly before: () => Promise<void> = async () => undefined,
  ) {}

  snapshot(): Promise<DashboardSnapshot> {
    const now = Date.now();
    if (this.last && now - this.last.at < this.cacheMs) return this.last.snap;
    const snap = this.build(now);
    this.last = { at: now, snap };
    snap.catch(() => (this.last = null));
    return snap;
  }

  rejected(side: 'source' | 'destination', name: string, code: string, limit = 100): Promise<RejectedRecord[]> {
    return new DashboardRepository(this.db, this.migration).rejected(side, name, code, limit);
  }

  private async build(now: number): Promise<DashboardSnapshot> {
    await this.before();
    const status = await statusReport(this.db, this.admin, this.plan, this.migration);
    const owners = new OwnerRepository(this.db, this.migration);
    const extra = new DashboardRepository(this.db, this.migration);
    const [dlq, report, queued, verdicts, oldVerdicts, services, runs] = await Promise.all([
      new ReconRepository(this.db, this.migration).rejectionsByCode(),
      owners.report(),
      owners.queued(),
      extra.optional('cutover_verdict', 10),
      extra.optional('cutover', 10),
      extra.optional('service_state'),
      extra.optional('migration_run', 5),
    ]);

    const counts = new Map<string, number>();
    for (const s of status.sources) for (const f of SOURCE_FIELDS) counts.set(`source:${s.object}:${f}`, s[f]);
    for (const e of status.entities) for (const f of ENTITY_FIELDS) counts.set(`entity:${e.entity}:${f}`, e[f]);
    this.rates.add(now, counts);

    const sources: Record<string, RowPace> = {};
    for (const s of status.sources) {
      const rates = Object.fromEntries(SOURCE_FIELDS.map((f) => [f, this.rates.rate(`source:${s.object}:${f}`)]));
      const done = sumRates(rates.transformed, rates.rejected);
      sources[s.object] = { rates, remaining: s.inFlight, etaSeconds: etaSeconds(s.inFlight, done) };
    }
    const entities: Record<string, RowPace> = {};
    for (const e of status.entities) {
      const rates = Object.fromEntries(ENTITY_FIELDS.map((f) => [f, this.rates.rate(`entity:${e.entity}:${f}`)]));
      const remaining = e.inFlight + e.waiting;
      entities[e.entity] = { rates, remaining, etaSeconds: etaSeconds(remaining, sumRates(rates.loaded, rates.rejected)) };
    }
    const rows = [...Object.values(sources), ...Object.values(entities)];
    const eta = rows.some((r) => r.remaining > 0 && r.etaSeconds === null) ? null : Math.max(0, ...rows.map((r) => r.etaSeconds ?? 0));
    const done = new Set(status.extraction.streams.filter((s) => s.snapshotComplete).map((s) => s.stream));
    const extractionComplete = status.extraction.streams.length > 0 && status.extraction.streams.every((s) => done.has(s.stream));

    const mem = process.memoryUsage();
    return {
      generatedAt: new Date(now).toISOString(),
      servedBy: {
        service: this.service,
        pid: process.pid,
        startedAt: this.started.toISOString(),
        uptimeSeconds: Math.round((now - this.started.getTime()) / 1000),
        rssMb: Math.round(mem.rss / 1024 / 1024),
      },
      status,
      pace: { sources, entities, etaSeconds: eta, extractionComplete },
      dlq,
      owners: { report, queued },
      freshness: Object.fromEntries(status.extraction.streams.map((s) => [s.stream, Math.max(0, Math.round((now - new Date(s.updatedAt).getTime()) / 1000))])),
      cutover: { ...status.extraction.cutover, verdicts: verdicts ?? oldVerdicts },
      health: {
        phases: status.consumerGroups.map((g) => ({ phase: g.phase, group: g.group, state: g.state, members: g.members, lag: g.totalLag })),
        services,
        runs,
      },
    };
  }
}

function sumRates(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null && b == null) return null;
  return (a ?? 0) + (b ?? 0);
}
