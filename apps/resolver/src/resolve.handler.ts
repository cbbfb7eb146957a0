import { Controller, Inject, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { DestinationEvent, LoadedEvent } from '@ferry/contracts';
import { consumerGroups, parseRecordTopic, routeTopics, topics } from '@ferry/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import { CheckpointRepository, IdMapRepository, NO_OWNER, OWNER_QUEUE, OwnerAssignment, OwnerRepository, ParkedInput, ParkingRepository, QualityCount, QualityRepository, RoutingRepository } from '@ferry/persistence';
import { extractStream } from '@ferry/contracts';
import { groupLag } from '@ferry/ops';
import { DESTINATION } from '@ferry/destinations/core';
import type { Destination } from '@ferry/destinations/core';
import { DeadLetterInput, PhaseExtras, Runtime, RUNTIME } from '@ferry/runtime';
import { Decision, decide, FILLS_EXISTING, fillsKey } from './lookup-decision';
import { OwnerDirectory } from './owner.directory';

type Incoming = DestinationEvent | LoadedEvent;

export const OWNER_OPTIONS = Symbol('OWNER_OPTIONS');

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
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    private readonly directory: OwnerDirectory,
    @Optional() @Inject(OWNER_OPTIONS) ownerOptions?: OwnerOptions,
    @Optional() @Inject(DESTINATION) private readonly destination?: Destination,
  ) {
    this.idMap = new IdMapRepository(rt.db, rt.migration);
    this.parking = new ParkingRepository(rt.db, rt.migration);
    this.owners = new OwnerRepository(rt.db, rt.migration);
    this.quality = new QualityRepository(rt.db, rt.migration);
    this.ownerOptions = ownerOptions ?? { policy: 'fallback', refreshMs: 30_000 };
  }

  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.refreshOwners().catch((e: Error) => this.rt.logger.warn({ err: e.message }, 'could not refresh the owner directory; trying again later'));
      this.sweepAbsentParents().catch((e: Error) => this.rt.logger.warn({ err: e.message }, 'could not look for references to absent records; trying again later'));
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
    if (released.length) await this.route(released.map((p) => p.event as DestinationEvent));
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
    if (released.length) await this.route(released.map((p) => p.event as DestinationEvent));
    return released.length;
  }

  @EventPattern('resolve', {
    subscribe: (rt) => {
      const t = routeTopics(rt.plan, rt.migration);
      return { groupId: consumerGroups.resolve(rt.migration), topics: [...t.transformed, ...t.loaded] };
    },
  } satisfies PhaseExtras)
  async handle(batch: ConsumedRecord<Incoming>[]): Promise<void> {
    const phase = parseRecordTopic(batch[0].topic)?.phase;
    if (phase === 'loaded') await this.onLoaded(batch as ConsumedRecord<LoadedEvent>[]);
    else await this.route(batch.map((r) => r.value as DestinationEvent));
  }

  /** Parents landed (or failed): remember them, then release whatever was waiting only on them. */
  private async onLoaded(batch: ConsumedRecord<LoadedEvent>[]): Promise<void> {
    const entries = batch
      .filter(({ value: { result } }) => result.action !== 'DELETED')
      .map(({ value: { result } }) => ({
        entity: result.entity,
        key: result.alternateKey,
        destinationId: result.destinationId,
        state: result.status === 'SUCCESS' ? ('loaded' as const) : ('failed' as const),
      }));
    await this.idMap.upsert(entries);
    const released = await this.parking.claimReady({ parents: entries });
    if (released.length) {
      this.rt.logger.debug({ released: released.length }, 'released waiting records');
      await this.route(released.map((p) => p.event as DestinationEvent));
    }
  }

  /**
   * Sends on what is ready, rejects what lost a parent, parks the rest. Parking commits before the
   * re-check, and loaded events claim after their id-map write commits: whichever runs last sees both,
   * so no record misses its release.
   */
  private async route(events: DestinationEvent[]): Promise<void> {
    const refs = events.flatMap((e) => [
      ...e.lookups.flatMap((l) => l.candidates),
      ...(e.target.merge === FILLS_EXISTING ? [{ entity: e.target.entity, key: e.target.key }] : []),
    ]);
    const parents = await this.idMap.find(refs);
    const out: OutgoingRecord[] = [];
    const rejects: DeadLetterInput[] = [];
    const park: ParkedInput[] = [];
    const owners: OwnerAssignment[] = [];
    const quality = new Map<string, QualityCount>();
    for (const e of events) {
      const { envelope: env, target } = e;
      const d: Decision = e.record === null ? { kind: 'ready', lookups: [], deferred: [] } : decide(e, parents);
      if (d.kind === 'ready') {
        let owner = e.owner;
        if (e.record !== null && owner) {
          const o = this.directory.resolve(owner.email);
          if (this.ownerOptions.policy === 'queue' && o.owner.fallback) {
            // Held until a person maps the owner or the user appears; counted as waiting meanwhile.
            owners.push({ entity: target.entity, key: target.key, sourceEmail: owner.email ?? '', systemUserId: '', status: 'queued' });
            park.push({ entity: target.entity, key: target.key, event: e, waitingFor: [{ slot: OWNER_QUEUE, candidates: [{ entity: OWNER_QUEUE, key: owner.email || NO_OWNER }] }] });
            continue;
          }
          owner = o.owner;
          owners.push({ entity: target.entity, key: target.key, sourceEmail: owner.email ?? '', systemUserId: o.owner.systemUserId ?? '', status: o.status });
        }
        out.push({ topic: topics.resolved(this.rt.migration, this.rt.plan.destination, target.entity), key: target.key, value: { ...e, lookups: d.lookups, owner } });
        for (const l of d.missing ?? []) {
          const id = `${env.objectType}|${target.entity}|${l.column}`;
          const q = quality.get(id);
          if (q) q.occurrences++;
          else {
            quality.set(id, {
              objectType: env.objectType, entity: target.entity, column: l.column, kind: 'MISSING_PARENT', occurrences: 1, exampleKey: target.key,
              exampleValue: l.candidates.map((c) => `${c.entity} ${c.key}`).join(' or '), detail: 'the source has no such record: the lookup was left empty',
            });
          }
        }
        // The deferred lookups are written in by a second version of the record once their parent lands.
        if (d.deferred.length) park.push({ entity: target.entity, key: target.key, event: e, waitingFor: d.deferred });
      } else if (d.kind === 'reject') {
        rejects.push({
          phase: 'RESOLVE', sourceSystem: env.sourceSystem, objectType: env.objectType, sourceKey: env.sourceKey, entity: target.entity,
          targetKey: target.key, file: null, line: null, code: d.code, reason: d.reason, raw: null, traceId: env.traceId,
        });
      } else {
        const key = target.merge === FILLS_EXISTING ? fillsKey(target.key, target.entry) : target.key;
        park.push({ entity: target.entity, key, event: e, waitingFor: d.missing });
      }
    }
    await this.owners.assign(owners);
    if (quality.size) await this.quality.add([...quality.values()]);
    await this.rt.sendOrDeadLetter(out, 'RESOLVE');
    if (rejects.length) await this.rt.deadLetter(rejects);
    if (park.length) {
      await this.parking.park(park);
      const ready = await this.parking.claimReady({ records: park.map((p) => ({ entity: p.entity, key: p.key })) });
      if (ready.length) await this.route(ready.map((p) => p.event as DestinationEvent));
    }
  }
}
