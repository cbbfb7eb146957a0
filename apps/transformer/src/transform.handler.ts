import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { DestinationEvent, ExtractedEvent } from '@ferry/contracts';
import { consumerGroups, routeTopics, topics } from '@ferry/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import { QualityCount, QualityRepository } from '@ferry/persistence';
import { DeadLetterInput, PhaseExtras, Runtime, RUNTIME } from '@ferry/runtime';

/**
 * extracted → transformed: applies the confirmed map. One source record may give several destination records
 * (a split, a company name that becomes an account) and several may give one (equal keys); each goes to its
 * entity's topic keyed by its destination key, so every version of one destination record stays in order.
 */
@Controller()
export class TransformHandler {
  private readonly quality: QualityRepository;

  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {
    this.quality = new QualityRepository(rt.db, rt.migration);
  }

  @EventPattern('transform', {
    subscribe: (rt) => ({ groupId: consumerGroups.transform(rt.migration), topics: routeTopics(rt.plan, rt.migration).extracted }),
  } satisfies PhaseExtras)
  async handle(batch: ConsumedRecord<ExtractedEvent>[]): Promise<void> {
    const { map, plan } = this.rt;
    const out: OutgoingRecord[] = [];
    const rejects: DeadLetterInput[] = [];
    const quality = new Map<string, QualityCount>();
    const topicOf = (entity: string) => topics.transformed(this.rt.migration, plan.destination, entity);
    for (const { value } of batch) {
      const env = value.envelope;
      const envelope = { ...env, mapVersion: map.mapVersion };
      if (env.operation === 'DELETE' || value.record === null) {
        // A deleted source record deletes what every entry would have made of it; keys that need the record's
        // fields (a merged account) cannot be recomputed, and stay.
        for (const t of map.deleteTargets(env.objectType, env.sourceKey)) {
          out.push({ topic: topicOf(t.entity), key: t.key, value: { envelope, target: t, record: null, lookups: [], owner: null } satisfies DestinationEvent });
        }
        continue;
      }
      const result = map.apply(env.objectType, env.sourceKey, value.record);
      for (const o of result.outputs) {
        out.push({ topic: topicOf(o.target.entity), key: o.target.key, value: { envelope, ...o } satisfies DestinationEvent });
      }
      for (const r of result.rejections) {
        this.rt.logger.debug({ object: env.objectType, key: env.sourceKey, code: r.code }, r.message);
        rejects.push({
          phase: 'TRANSFORM',
          sourceSystem: env.sourceSystem,
          objectType: env.objectType,
          sourceKey: env.sourceKey,
          entity: r.entity || null,
          targetKey: r.key,
          file: value.origin?.file ?? null,
          line: value.origin?.line ?? null,
          code: r.code,
          reason: `${env.objectType} ${env.sourceKey}${r.entity ? ` → ${r.entity}` : ''}: ${r.message}`,
          raw: JSON.stringify(value.record),
          traceId: env.traceId,
        });
      }
      for (const i of result.issues) {
        const id = `${env.objectType}|${i.entity}|${i.column}|${i.kind}`;
        const q = quality.get(id);
        if (q) q.occurrences++;
        else {
          quality.set(id, {
            objectType: env.objectType, entity: i.entity, column: i.column, kind: i.kind, occurrences: 1, exampleKey: env.sourceKey,
            exampleValue: i.value === undefined || i.value === null ? null : String(i.value).slice(0, 200), detail: i.detail ?? null,
          });
        }
      }
    }
    await this.rt.producer.send(out);
    if (rejects.length) await this.rt.deadLetter(rejects);
    await this.quality.add([...quality.values()]);
  }
}
