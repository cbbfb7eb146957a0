import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DestinationEvent, LoadedEvent } from '@ferry/contracts';
import { consumerGroups, objectBySource, parseRecordTopic, routeTopics, topics } from '@ferry/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import { IdMapRepository, OwnerAssignment, OwnerRepository, ParkingRepository } from '@ferry/persistence';
import { DeadLetterInput, PhaseWorker, Runtime, RUNTIME } from '@ferry/runtime';
import { decide } from './lookup-decision';
import { OwnerDirectory } from './owner.directory';

type Incoming = DestinationEvent | LoadedEvent;

/**
 * transformed + loaded → resolved. A record whose parents have all landed goes on with their destination ids;
 * otherwise it is parked in PostgreSQL and released when the `loaded` topic reports its last parent.
 */
@Injectable()
export class ResolveHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: PhaseWorker<Incoming>;
  private readonly idMap: IdMapRepository;
  private readonly parking: ParkingRepository;
  private readonly owners: OwnerRepository;

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    private readonly directory: OwnerDirectory,
  ) {
    const t = routeTopics(rt.route, rt.migration);
    this.idMap = new IdMapRepository(rt.db, rt.migration);
    this.parking = new ParkingRepository(rt.db, rt.migration);
    this.owners = new OwnerRepository(rt.db, rt.migration);
    this.worker = new PhaseWorker(rt, 'resolve', consumerGroups.resolve(rt.migration), [...t.transformed, ...t.loaded], (b) => this.handle(b));
  }

  onApplicationBootstrap(): Promise<void> {
    return this.worker.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  async handle(batch: ConsumedRecord<Incoming>[]): Promise<void> {
    const phase = parseRecordTopic(batch[0].topic)?.phase;
    if (phase === 'loaded') await this.onLoaded(batch as ConsumedRecord<LoadedEvent>[]);
    else await this.route(batch.map((r) => r.value as DestinationEvent));
  }

  /** Parents landed (or failed): remember them, then release whatever was waiting only on them. */
  private async onLoaded(batch: ConsumedRecord<LoadedEvent>[]): Promise<void> {
    const entries = batch.map(({ value: { envelope, result } }) => ({
      objectType: envelope.objectType,
      sourceKey: envelope.sourceKey,
      entity: result.entity,
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
    const refs = events.flatMap((e) => e.lookups.map((l) => ({ objectType: l.targetObject, sourceKey: l.sourceKey })));
    const parents = await this.idMap.find(refs);
    const out: OutgoingRecord[] = [];
    const rejects: DeadLetterInput[] = [];
    const park: Parameters<ParkingRepository['park']>[0] = [];
    const owners: OwnerAssignment[] = [];
    for (const e of events) {
      const env = e.envelope;
      const entity = objectBySource(this.rt.route, env.objectType).entity;
      const d = e.record === null ? ({ kind: 'ready', lookups: [] } as const) : decide(e, parents);
      if (d.kind === 'ready') {
        let owner = e.owner;
        if (e.record !== null && owner) {
          const o = this.directory.resolve(owner.email);
          owner = o.owner;
          owners.push({ objectType: env.objectType, sourceKey: env.sourceKey, sourceEmail: owner.email ?? '', systemUserId: o.owner.systemUserId ?? '', status: o.status });
        }
        out.push({ topic: topics.resolved(this.rt.migration, this.rt.route.destination, entity), key: env.sourceKey, value: { ...e, lookups: d.lookups, owner } });
      } else if (d.kind === 'reject') {
        rejects.push({ phase: 'RESOLVE', sourceSystem: env.sourceSystem, objectType: env.objectType, sourceKey: env.sourceKey, file: null, line: null, code: d.code, reason: d.reason, raw: null, traceId: env.traceId });
      } else {
        park.push({ objectType: env.objectType, sourceKey: env.sourceKey, entity, event: e, waitingFor: d.missing });
      }
    }
    await this.owners.assign(owners);
    await this.rt.producer.send(out);
    if (rejects.length) await this.rt.deadLetter(rejects);
    if (park.length) {
      await this.parking.park(park);
      const ready = await this.parking.claimReady({ records: park });
      if (ready.length) await this.route(ready.map((p) => p.event as DestinationEvent));
    }
  }
}

