import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DestinationEvent, ExtractedEvent } from '@ferry/contracts';
import { consumerGroups, objectBySource, routeTopics, topics } from '@ferry/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import { ConverterRegistry, LEAF360_DYNAMICS_MAP_VERSION, MappingRejection } from '@ferry/mapping';
import { DeadLetterInput, PhaseWorker, Runtime, RUNTIME } from '@ferry/runtime';

/** extracted → transformed: applies the confirmed map, one converter per destination entity; rejects to the DLQ. */
@Injectable()
export class TransformHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: PhaseWorker<ExtractedEvent>;

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    private readonly converters: ConverterRegistry,
  ) {
    this.worker = new PhaseWorker(rt, 'transform', consumerGroups.transform(rt.migration), routeTopics(rt.route, rt.migration).extracted, (b) =>
      this.handle(b),
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.worker.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  async handle(batch: ConsumedRecord<ExtractedEvent>[]): Promise<void> {
    const out: OutgoingRecord[] = [];
    const rejects: DeadLetterInput[] = [];
    for (const { value } of batch) {
      const env = value.envelope;
      const log = this.rt.logger.child({ object: env.objectType, key: env.sourceKey });
      const route = objectBySource(this.rt.route, env.objectType);
      const topic = topics.transformed(this.rt.migration, this.rt.route.destination, route.entity);
      const envelope = { ...env, mapVersion: LEAF360_DYNAMICS_MAP_VERSION };
      if (env.operation === 'DELETE' || value.record === null) {
        out.push({ topic, key: env.sourceKey, value: { envelope, record: null, lookups: [], owner: null } satisfies DestinationEvent });
        continue;
      }
      try {
        const converted = this.converters.for(env.objectType).convert(value.record);
        out.push({ topic, key: env.sourceKey, value: { envelope, ...converted } satisfies DestinationEvent });
      } catch (e) {
        if (!(e instanceof MappingRejection)) throw e;
        log.debug({ code: e.code }, e.message);
        rejects.push({
          phase: 'TRANSFORM',
          sourceSystem: env.sourceSystem,
          objectType: env.objectType,
          sourceKey: env.sourceKey,
          file: value.origin?.file ?? null,
          line: value.origin?.line ?? null,
          code: e.code,
          reason: `${env.objectType} ${env.sourceKey}: ${e.message}`,
          raw: JSON.stringify(value.record),
          traceId: env.traceId,
        });
      }
    }
    await this.rt.producer.send(out);
    if (rejects.length) await this.rt.deadLetter(rejects);
  }
}

