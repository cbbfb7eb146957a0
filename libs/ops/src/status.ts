import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { consumerGroups, ConsumerPhase, extractStream, RoutePlan, routeTopics } from '@ferry/contracts';
import { CheckpointRepository, CutoverRepository, ParkingRepository, ReconRepository, SourceRecordRepository } from '@ferry/persistence';

export interface TopicOffsets {
  topic: string;
  partitions: { partition: number; high: number; low: number }[];
  total: number;
}

export interface GroupLag {
  group: string;
  phase: ConsumerPhase;
  state: string;
  members: number;
  partitions: { topic: string; partition: number; committed: number | null; end: number; lag: number }[];
  totalLag: number;
}

/** A source object: every record read is mapped to at least one destination record, or rejected. */
export interface SourceReconciliation {
  object: string;
  extracted: number;
  transformed: number;
  rejected: number;
  /** mapped, but an entry refused it (in the DLQ) */
  partial: number;
  /** read but not yet mapped nor rejected */
  inFlight: number;
  reconciled: boolean;
}

/** A destination entity: every destination record made is loaded, rejected, or visibly waiting for a parent. */
export interface EntityReconciliation {
  entity: string;
  transformed: number;
  resolved: number;
  loaded: number;
  rejected: number;
  waiting: number;
  inFlight: number;
  reconciled: boolean;
}

export interface Reconciliation {
  sources: SourceReconciliation[];
  entities: EntityReconciliation[];
}

export async function topicOffsets(admin: Admin, names: string[]): Promise<TopicOffsets[]> {
  const existing = new Set(await admin.listTopics());
  const out: TopicOffsets[] = [];
  for (const topic of names.filter((n) => existing.has(n))) {
    const offs = await admin.fetchTopicOffsets(topic);
    const partitions = offs.map((o) => ({ partition: o.partition, high: Number(o.high), low: Number(o.low) })).sort((a, b) => a.partition - b.partition);
    out.push({ topic, partitions, total: partitions.reduce((s, p) => s + p.high - p.low, 0) });
  }
  return out;
}

/** Topics each phase's consumer group reads. */
export function phaseTopics(route: RoutePlan, migration: string): Record<ConsumerPhase, string[]> {
  const t = routeTopics(route, migration);
  return {
    transform: t.extracted,
    resolve: [...t.transformed, ...t.loaded],
    load: t.resolved,
    reconcile: [...t.extracted, ...t.transformed, ...t.resolved, ...t.loaded, t.dlq],
  };
}

/** Lag per partition = end offset − committed offset (a partition never committed counts from its start). */
export async function groupLag(admin: Admin, route: RoutePlan, migration: string): Promise<GroupLag[]> {
  const byPhase = phaseTopics(route, migration);
  const existing = new Set(await admin.listTopics());
  // Several groups read the same topics: ask for each topic's end offsets once per call, not once per group.
  const endsByTopic = new Map<string, Awaited<ReturnType<Admin['fetchTopicOffsets']>>>();
  const endsOf = async (topic: string) => {
    let ends = endsByTopic.get(topic);
    if (!ends) endsByTopic.set(topic, (ends = await admin.fetchTopicOffsets(topic)));
    return ends;
  };
  const out: GroupLag[] = [];
  for (const phase of Object.keys(byPhase) as ConsumerPhase[]) {
    const group = consumerGroups[phase](migration);
    const names = byPhase[phase].filter((t) => existing.has(t));
    const [desc] = (await admin.describeGroups([group])).groups;
    const committed = await admin.fetchOffsets({ groupId: group, topics: names });
    const partitions: GroupLag['partitions'] = [];
    for (const t of committed) {
      const ends = await endsOf(t.topic);
      for (const p of t.partitions) {
        const end = ends.find((e) => e.partition === p.partition);
        const high = Number(end?.high ?? 0);
        const low = Number(end?.low ?? 0);
        const c = Number(p.offset);
        const at = c >= 0 ? c : null;
        partitions.push({ topic: t.topic, partition: p.partition, committed: at, end: high, lag: high - (at ?? low) });
      }
    }
    partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
    out.push({ group, phase, state: desc?.state ?? 'Unknown', members: desc?.members.length ?? 0, partitions, totalLag: partitions.reduce((s, p) => s + p.lag, 0) });
  }
  return out;
}

/**
 * Counts per source object (extracted, mapped, rejected) and per destination entity (transformed, resolved,
 * loaded, rejected, waiting): reconciled when every record read is mapped or rejected, and every destination
 * record made is loaded or rejected with none waiting.
 */
export async function reconciliation(db: DataSource, plan: RoutePlan, migration: string): Promise<Reconciliation> {
  const recon = new ReconRepository(db, migration);
  const [sourceCounts, targetCounts, waiting] = await Promise.all([recon.sourceCounts(), recon.targetCounts(), new ParkingRepository(db, migration).countByEntity()]);
  const sources = plan.sourceObjects.map((object) => {
    const c = sourceCounts.find((x) => x.objectType === object) ?? { extracted: 0, transformed: 0, rejected: 0, partial: 0 };
    // An object only read for what other records say about it is done once read (the consumers' lag covers that).
    const inFlight = plan.referenceOnly?.includes(object) ? 0 : Math.max(0, c.extracted - c.transformed - c.rejected);
    return { object, extracted: c.extracted, transformed: c.transformed, rejected: c.rejected, partial: c.partial, inFlight, reconciled: inFlight === 0 };
  });
  const entities = plan.entities.map(({ entity }) => {
    const c = targetCounts.find((x) => x.entity === entity) ?? { transformed: 0, resolved: 0, loaded: 0, rejected: 0 };
    const w = waiting.get(entity) ?? 0;
    const inFlight = Math.max(0, c.transformed - c.loaded - c.rejected - w);
    return { entity, transformed: c.transformed, resolved: c.resolved, loaded: c.loaded, rejected: c.rejected, waiting: w, inFlight, reconciled: inFlight === 0 && w === 0 };
  });
  return { sources, entities };
}

export interface Progress extends Reconciliation {
  lag: number;
  extractionComplete: boolean;
  /** every export file read, every consumer caught up, every object reconciled */
  settled: boolean;
}

export async function progress(db: DataSource, admin: Admin, plan: RoutePlan, migration: string): Promise<Progress> {
  const r = await reconciliation(db, plan, migration);
  const lag = (await groupLag(admin, plan, migration)).reduce((s, g) => s + g.totalLag, 0);
  const done = await new CheckpointRepository(db, migration).completeStreams();
  const extractionComplete = plan.sourceObjects.every((o) => done.has(extractStream(plan, o)));
  const reconciled = r.sources.every((x) => x.reconciled) && r.entities.every((x) => x.reconciled);
  return { ...r, lag, extractionComplete, settled: extractionComplete && lag === 0 && reconciled };
}

export interface ExtractionStatus {
  cutover: { requestedAt: Date | null; completedAt: Date | null };
  streams: Array<{
    stream: string;
    snapshotComplete: boolean;
    /** export: file version being read and the next line; api: modified-since watermark */
    position: string;
    live: number;
    deleted: number;
    updatedAt: Date;
  }>;
}

/** Per source stream: snapshot done or not, where reading stands, records known live and deleted; and cutover. */
export async function extractionStatus(db: DataSource, migration: string): Promise<ExtractionStatus> {
  const cps = await new CheckpointRepository(db, migration).all();
  const counts = new Map((await new SourceRecordRepository(db, migration).counts()).map((c) => [c.stream, c]));
  const cut = await new CutoverRepository(db, migration).get();
  return {
    cutover: { requestedAt: cut?.requestedAt ?? null, completedAt: cut?.completedAt ?? null },
    streams: cps.map((c) => {
      const s = c.state as { fingerprint?: string; position?: number; watermark?: number };
      const position =
        typeof s.watermark === 'number'
          ? `modified since ${new Date(s.watermark).toISOString()}`
          : s.fingerprint
            ? `version ${s.fingerprint}, next ${s.position ?? 1}`
            : '';
      return { stream: c.stream, snapshotComplete: c.complete, position, live: counts.get(c.stream)?.live ?? 0, deleted: counts.get(c.stream)?.deleted ?? 0, updatedAt: c.updatedAt };
    }),
  };
}
