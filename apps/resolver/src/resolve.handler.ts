import { Controller, Inject, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { DestinationEvent, LoadedEvent } from '@ferry/contracts';
import { consumerGroups, parseRecordTopic, routeTopics, topics } from '@ferry/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import { CheckpointRepository, IdMapRepository, NO_OWNER, OWNER_QUEUE, OwnerAssignment, OwnerRepository, ParkedInput, ParkedRecord, ParkingRepository, QualityInput, QualityRepository, RoutingRepository, TableStatistics, targetRef } from '@ferry/persistence';
import type { TableStatisticsOptions, TargetRef } from '@ferry/persistence';
import { extractStream } from '@ferry/contracts';
import { groupLag } from '@ferry/ops';
import { DESTINATION } from '@ferry/destinations/core';
import type { Destination } from '@ferry/destinations/core';
import { StepClock } from '@ferry/metrics';
import { DeadLetterInput, PhaseExtras, Runtime, RUNTIME } from '@ferry/runtime';
import { Decision, decide, FILLS_EXISTING, fillsKey, ParentState } from './lookup-decision';
import { OwnerDirectory } from './owner.directory';

type Incoming = DestinationEvent | LoadedEvent;

export const OWNER_OPTIONS = Symbol('OWNER_OPTIONS');
export const STATISTICS_OPTIONS = Symbol('STATISTICS_OPTIONS');

/** The tables the resolver's release and sweep queries join: their planner statistics are kept fresh. */
const JOINED_TABLES = ['ferry.parked_record', 'ferry.parked_dependency', 'ferry.id_map'];

/** A released record not confirmed sent after this long is released again (its resolver lost Kafka or stopped). */
const RELEASE_RETRY_MS = 120_000;

/** Parents known to have loaded that the resolver keeps in process (about 200 bytes each). */
const LANDED_PARENTS = 50_000;

export interface OwnerOptions {
  /** fallback: unmatched owners get the fallback owner; queue: their records wait (counted as waiting) */
  policy: 'fallback' | 'queue';
  /** how often the users and hand-made mappings are re-read, releasing queued records that now have an owner */
  refreshMs: number;
}

/**
 * transformed + loaded → resolved. A destination record whose parents have all landed goes on with their
 * destination ids; otherwise it is parked in PostgreSQL by (entity, destination key) and released when the
 * `loaded` topic reports the last parent it waits for.
 */
@Controller()
export class ResolveHandler implements OnModuleInit, OnModuleDestroy {
  private readonly idMap: IdMapRepository;
  private readonly parking: ParkingRepository;
  private readonly owners: OwnerRepository;
  private readonly quality: QualityRepository;
  private readonly ownerOptions: OwnerOptions;
  /** entities some lookup points at, or some fills-existing entry waits for: the only ones records may wait on */
  private readonly parentEntities: Set<string>;
  private readonly landed = new LandedParents(LANDED_PARENTS);
  private timer: NodeJS.Timeout | null = null;
  private readonly statistics: TableStatistics;

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    private readonly directory: OwnerDirectory,
    @Optional() @Inject(OWNER_OPTIONS) ownerOptions?: OwnerOptions,
    @Optional() @Inject(DESTINATION) private readonly destination?: Destination,
    @Optional() @Inject(STATISTICS_OPTIONS) statistics?: TableStatisticsOptions,
  ) {
    this.statistics = new TableStatistics(rt.db, JOINED_TABLES, statistics ?? { intervalMs: 30_000, changedRows: 1000 });
    this.idMap = new IdMapRepository(rt.db, rt.migration);
    this.parking = new ParkingRepository(rt.db, rt.migration);
    this.owners = new OwnerRepository(rt.db, rt.migration);
    this.quality = new QualityRepository(rt.db, rt.migration);
    this.ownerOptions = ownerOptions ?? { policy: 'fallback', refreshMs: 30_000 };
    this.parentEntities = new Set([
      ...rt.plan.entities.flatMap((e) => e.lookups.flatMap((l) => l.targets)),
      ...rt.map.document.objects.filter((o) => o.merge === FILLS_EXISTING).map((o) => o.to),
    ]);
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.refreshOwners().catch((e: Error) => this.rt.logger.warn({ err: e.message }, 'could not refresh the owner directory; trying again later'));
      this.sweepAbsentParents().catch((e: Error) => this.rt.logger.warn({ err: e.message }, 'could not look for references to absent records; trying again later'));
      this.releaseUnsent().catch((e: Error) => this.rt.logger.warn({ err: e.message }, 'could not release again records whose release was not sent; trying again later'));
    }, this.ownerOptions.refreshMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Once the source snapshot is fully read and the transform, resolve and load groups have caught up, a parent that
   * records still wait for and that is nowhere (never transformed, not waiting itself) is a record the source does
   * not have: it is marked missing, and its children land without that lookup (counted in the quality report).
   */
  async sweepAbsentParents(): Promise<number> {
    // Cheapest first: most sweeps find nothing waiting on an absent parent and ask Kafka nothing.
    const candidates = await this.parking.absentParents(OWNER_QUEUE);
    if (!candidates.length) return 0;
    const done = await new CheckpointRepository(this.rt.db, this.rt.migration).completeStreams();
    if (!this.rt.plan.sourceObjects.every((o) => done.has(extractStream(this.rt.plan, o)))) return 0;
    const admin = this.rt.kafka.admin();
    await admin.connect();
    try {
      const lag = await groupLag(admin, this.rt.plan, this.rt.migration);
      if (lag.some((g) => g.phase !== 'reconcile' && g.totalLag > 0)) return 0;
    } finally {
      await admin.disconnect();
    }
    // A record the transformer still holds (waiting for related facts or a ref) is a parent that will come.
    if ((await new RoutingRepository(this.rt.db, this.rt.migration).held(1)).length) return 0;
    // Read again once everything is caught up: a parent may have arrived between the two reads.
    const absent = await this.parking.absentParents(OWNER_QUEUE);
    if (!absent.length) return 0;
    await this.idMap.upsert(absent.map((a) => ({ entity: a.entity, key: a.key, destinationId: null, state: 'missing' as const })));
    const released = await this.parking.claimReady({ parents: absent });
    this.rt.logger.info({ absent: absent.length, released: released.length }, 'references to records the source does not have: their children land without them');
    await this.release(released);
    return released.length;
  }

  /** Records claimed for release whose sending never completed (Kafka or the process failed in between): sent now. */
  async releaseUnsent(olderThanMs = RELEASE_RETRY_MS): Promise<number> {
    const released = await this.parking.reclaimStale(olderThanMs);
    if (!released.length) return 0;
    this.rt.logger.warn({ released: released.length }, 'records released earlier but never sent on (Kafka or a resolver failed in between): sending them again');
    await this.release(released);
    return released.length;
  }

  /**
   * Re-reads the destination's users and the owners a person mapped by hand, then releases queued records whose
   * owner now resolves: a user provisioned in the destination, or `ferry owners map`.
   */
  async refreshOwners(): Promise<number> {
    const users = this.destination ? await this.destination.users() : null;
    const manual = await this.owners.mappings();
    this.directory.update(users ?? this.directory.users(), manual);
    const waiting = await this.parking.waitedParents(OWNER_QUEUE);
    const resolvable = waiting.filter((email) => {
      const s = this.directory.resolve(email === NO_OWNER ? null : email).status;
      return s === 'matched' || s === 'mapped';
    });
    if (!resolvable.length) return 0;
    const records = await this.parking.dropParents(OWNER_QUEUE, resolvable);
    const released = await this.parking.claimReady({ records });
    this.rt.logger.info({ owners: resolvable.length, released: released.length }, 'owners resolved: released queued records');
    await this.release(released);
    return released.length;
  }

  @EventPattern('resolve', {
    subscribe: (rt) => {
      const t = routeTopics(rt.plan, rt.migration);
      // Two partitions at once: one chunk's PostgreSQL and Kafka round trips overlap another's (parking and release
      // are safe to interleave, as they are between replicas).
      return { groupId: consumerGroups.resolve(rt.migration), topics: [...t.transformed, ...t.loaded], partitionsConsumedConcurrently: 2 };
    },
  } satisfies PhaseExtras)
  async handle(batch: ConsumedRecord<Incoming>[]): Promise<void> {
    const phase = parseRecordTopic(batch[0].topic)?.phase;
    const steps = new StepClock();
    const tally = new RouteTally();
    if (phase === 'loaded') await this.onLoaded(batch as ConsumedRecord<LoadedEvent>[], steps, tally);
    else await this.route(batch.map((r) => ({ event: r.value as DestinationEvent, wire: r.raw ?? null })), steps, tally);
    // In the background: a chunk never waits for statistics, and a failed ANALYZE costs only a warning.
    this.statistics
      .refreshIfStale()
      .then((tables) => tables.length && this.rt.logger.info({ tables }, 'planner statistics refreshed'))
      .catch((e: Error) => this.rt.logger.warn({ err: e.message }, 'could not refresh planner statistics; trying again later'));
    for (const [step, ms] of steps.all) this.rt.metrics?.addStepSeconds('resolve', step, ms / 1000);
    this.rt.logger.debug({ topic: batch[0].topic, records: batch.length, ...tally, ...steps.fields() }, 'chunk resolved');
  }

  /** Parents landed (or failed): remember them, then release whatever was waiting only on them. */
  private async onLoaded(batch: ConsumedRecord<LoadedEvent>[], steps: StepClock, tally: RouteTally): Promise<void> {
    const entries = batch
      .filter(({ value: { result } }) => result.action !== 'DELETED')
      .map(({ value: { result } }) => ({
        entity: result.entity,
        key: result.alternateKey,
        destinationId: result.destinationId,
        state: result.status === 'SUCCESS' ? ('loaded' as const) : ('failed' as const),
      }));
    await this.idMap.upsert(entries);
    for (const e of entries) if (e.state === 'loaded' && e.destinationId) this.landed.set(targetRef(e.entity, e.key), { destinationId: e.destinationId, state: 'loaded' });
    steps.lap('id_map_write');
    // Nothing waits on a record of an entity no lookup points at: its chunk has nothing to release.
    const parents = entries.filter((e) => this.parentEntities.has(e.entity));
    const released = parents.length ? await this.parking.claimReady({ parents }) : [];
    steps.lap('release');
    tally.released += released.length;
    await this.release(released, steps, tally);
  }

  /**
   * Sends on what is ready, rejects what lost a parent, parks the rest. Parking commits before the
   * re-check, and loaded events claim after their id-map write commits: whichever runs last sees both,
   * so no record misses its release.
   */
  private async route(items: Routed[], steps = new StepClock(), tally = new RouteTally()): Promise<void> {
    const refs = items.flatMap(({ event: e }) => [
      ...e.lookups.flatMap((l) => l.candidates),
      ...(e.target.merge === FILLS_EXISTING ? [{ entity: e.target.entity, key: e.target.key }] : []),
    ]);
    const parents = await this.parentStates(refs);
    steps.lap('id_map_read');
    const out: OutgoingRecord[] = [];
    const rejects: DeadLetterInput[] = [];
    const park: ParkedInput[] = [];
    const owners: OwnerAssignment[] = [];
    const quality = new Map<string, QualityInput>();
    for (const item of items) {
      const e = item.event;
      const { envelope: env, target } = e;
      const d: Decision = e.record === null ? { kind: 'ready', lookups: [], deferred: [] } : decide(e, parents);
      if (d.kind === 'ready') {
        let owner = e.owner;
        if (e.record !== null && owner) {
          const o = this.directory.resolve(owner.email);
          if (this.ownerOptions.policy === 'queue' && o.owner.fallback) {
            // Held until a person maps the owner or the user appears; counted as waiting meanwhile.
            owners.push({ entity: target.entity, key: target.key, sourceEmail: owner.email ?? '', systemUserId: '', status: 'queued' });
            park.push({ entity: target.entity, key: target.key, event: e, wire: this.wireOf(item), waitingFor: [{ slot: OWNER_QUEUE, candidates: [{ entity: OWNER_QUEUE, key: owner.email || NO_OWNER }] }] });
            continue;
          }
          owner = o.owner;
          owners.push({ entity: target.entity, key: target.key, sourceEmail: owner.email ?? '', systemUserId: o.owner.systemUserId ?? '', status: o.status });
        }
        out.push({ topic: topics.resolved(this.rt.migration, this.rt.plan.destination, target.entity), key: target.key, value: { ...e, lookups: d.lookups, owner } });
        for (const l of d.missing ?? []) {
          const id = `${env.objectType}|${target.entity}|${l.column}`;
          const q = quality.get(id);
          if (q) q.keys.push(target.key);
          else {
            quality.set(id, {
              objectType: env.objectType, entity: target.entity, column: l.column, kind: 'MISSING_PARENT', keys: [target.key], exampleKey: target.key,
              exampleValue: l.candidates.map((c) => `${c.entity} ${c.key}`).join(' or '), detail: 'the source has no such record: the lookup was left empty',
            });
          }
        }
        // The deferred lookups are written in by a second version of the record once their parent lands.
        if (d.deferred.length) park.push({ entity: target.entity, key: target.key, event: e, wire: this.wireOf(item), waitingFor: d.deferred });
      } else if (d.kind === 'reject') {
        rejects.push({
          phase: 'RESOLVE', sourceSystem: env.sourceSystem, objectType: env.objectType, sourceKey: env.sourceKey, entity: target.entity,
          targetKey: target.key, file: null, line: null, code: d.code, reason: d.reason, raw: null, traceId: env.traceId,
        });
      } else {
        const key = target.merge === FILLS_EXISTING ? fillsKey(target.key, target.entry) : target.key;
        park.push({ entity: target.entity, key, event: e, wire: this.wireOf(item), waitingFor: d.missing });
      }
    }
    steps.lap('decide');
    // Owners, events and parked records go to different places and none needs another: they are written at once.
    await allDone([
      steps.time('owners_quality', async () => {
        await this.owners.assign(owners);
        if (quality.size) await this.quality.add([...quality.values()]);
      }),
      steps.time('emit', async () => {
        await this.rt.sendOrDeadLetter(out, 'RESOLVE');
        if (rejects.length) await this.rt.deadLetter(rejects);
      }),
      steps.time('park', () => this.parking.park(park)),
    ]);
    steps.lap('writes');
    tally.sent += out.length;
    tally.parked += park.length;
    if (park.length) {
      // Only once the records are parked: a parent that loaded meanwhile is seen here, or its release sees them.
      const ready = await this.parking.claimReady({ records: park.map((p) => ({ entity: p.entity, key: p.key })) });
      steps.lap('recheck');
      await this.release(ready, steps, tally);
    }
  }

  /**
   * What the id map knows of these parents. A parent that loaded stays loaded (a later failure never overrides it),
   * so those are kept in process, a bounded number of them, and only the others are asked of PostgreSQL.
   */
  private async parentStates(refs: TargetRef[]): Promise<Map<string, ParentState>> {
    const out = new Map<string, ParentState>();
    const ask: TargetRef[] = [];
    for (const r of refs) {
      const id = targetRef(r.entity, r.key);
      const known = this.landed.get(id);
      if (known) out.set(id, known);
      else ask.push(r);
    }
    if (!ask.length) return out;
    for (const [id, p] of await this.idMap.find(ask)) {
      out.set(id, p);
      if (p.state === 'loaded' && p.destinationId) this.landed.set(id, p);
    }
    return out;
  }

  /**
   * A waiting record is parked as the Avro bytes it arrived in; one without them (released from an older JSON row, or
   * handed over without its bytes) is encoded with its topic's schema, or parked as JSON when it does not fit.
   */
  private wireOf(item: Routed): Buffer | null {
    if (item.wire) return item.wire;
    const topic = topics.transformed(this.rt.migration, this.rt.plan.destination, item.event.target.entity);
    try {
      return this.rt.codec.encodeSync(topic, item.event);
    } catch {
      return null;
    }
  }

  /**
   * Released records routed on (sent, rejected or parked again), then let go from parking. If routing fails they
   * stay claimed, and `releaseUnsent` sends them later: a release is never lost between PostgreSQL and Kafka.
   */
  private async release(released: ParkedRecord[], steps?: StepClock, tally?: RouteTally): Promise<void> {
    if (!released.length) return;
    await this.route(await this.unpark(released), steps, tally);
    await this.parking.sent(released);
  }

  /** Released records as events again, with the bytes they were parked in. */
  private async unpark(released: ParkedRecord[]): Promise<Routed[]> {
    const out: Routed[] = [];
    for (const p of released) out.push(p.wire ? { event: await this.rt.codec.decode<DestinationEvent>(p.wire), wire: p.wire } : { event: p.event as DestinationEvent, wire: null });
    return out;
  }
}

/** Waits for every one of the promises, then fails with the first failure if any did. */
async function allDone(work: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A destination event on its way through the resolver, with the Avro bytes it came in when it has them. */
interface Routed {
  event: DestinationEvent;
  wire: Buffer | null;
}

/**
 * Parents known to have loaded, the most recently used first to stay: a bounded map, so memory does not grow with
 * the migration, that spares most chunks their id-map read once the parents they point at have landed.
 */
class LandedParents {
  private readonly m = new Map<string, ParentState>();

  constructor(private readonly max: number) {}

  get(id: string): ParentState | undefined {
    const p = this.m.get(id);
    if (p) {
      this.m.delete(id);
      this.m.set(id, p);
    }
    return p;
  }

  set(id: string, p: ParentState): void {
    this.m.delete(id);
    this.m.set(id, p);
    if (this.m.size > this.max) this.m.delete(this.m.keys().next().value!);
  }
}

/** What one chunk did, for its debug line. */
class RouteTally {
  sent = 0;
  parked = 0;
  released = 0;
}
