import { randomUUID } from 'crypto';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { DestinationEvent, Envelope, ExtractedEvent } from '@ferry/contracts';
import { consumerGroups, routeTopics, topics } from '@ferry/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import type { MapResult, MappedRecord } from '@ferry/mapping';
import { QualityCount, QualityRepository, RelatedFactRow, RoutingRepository } from '@ferry/persistence';
import { DeadLetterInput, PhaseExtras, Runtime, RUNTIME } from '@ferry/runtime';

/** What one chunk produces: events, dead letters and data-quality counts, written together at the end. */
class ChunkOutput {
  readonly events: OutgoingRecord[] = [];
  readonly rejects: DeadLetterInput[] = [];
  readonly quality = new Map<string, QualityCount>();
}

/**
 * extracted → transformed: applies the confirmed map. One source record may give several destination records
 * (a split, a company name that becomes an account) and several may give one (equal keys); each goes to its
 * entity's topic keyed by its destination key, so every version of one destination record stays in order.
 * Entries that depend on other objects (a contact with a deal is a Contact, else a Lead) are decided from facts
 * kept in PostgreSQL, and a record whose facts change is mapped again: right whatever order the streams arrive in.
 */
@Controller()
export class TransformHandler {
  private readonly quality: QualityRepository;
  private readonly routing: RoutingRepository;

  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {
    this.quality = new QualityRepository(rt.db, rt.migration);
    this.routing = new RoutingRepository(rt.db, rt.migration);
  }

  @EventPattern('transform', {
    subscribe: (rt) => ({ groupId: consumerGroups.transform(rt.migration), topics: routeTopics(rt.plan, rt.migration).extracted }),
  } satisfies PhaseExtras)
  async handle(batch: ConsumedRecord<ExtractedEvent>[]): Promise<void> {
    const { map } = this.rt;
    const out = new ChunkOutput();
    const values = batch.map((b) => b.value);

    // 1. Related records first: their facts are written before any routed record reads them.
    const touched = await this.recordFacts(values);

    // 2. Records whose routing depends on facts are stored before their facts are read.
    const ruled = new Map<string, ExtractedEvent[]>();
    for (const v of values) if (map.rulesOf(v.envelope.objectType).length) ruled.set(v.envelope.objectType, [...(ruled.get(v.envelope.objectType) ?? []), v]);
    const previous = new Map<string, string[]>();
    for (const [object, events] of ruled) {
      const live = events.filter((e) => e.envelope.operation === 'UPSERT' && e.record !== null);
      const before = await this.routing.putRecords(object, live.map((e) => ({ key: e.envelope.sourceKey, record: e.record })));
      for (const [key, entries] of before) previous.set(`${object}|${key}`, entries);
      await this.routing.forget(object, events.filter((e) => !live.includes(e)).map((e) => e.envelope.sourceKey));
    }
    const facts = await this.facts(new Map([...ruled].map(([o, evs]) => [o, new Set(evs.map((e) => e.envelope.sourceKey))])));

    // 3. The chunk's own records.
    const entriesTaken = new Map<string, { key: string; entries: string[] }[]>();
    for (const value of values) {
      const env = value.envelope;
      const envelope = { ...env, mapVersion: map.mapVersion };
      if (env.operation === 'DELETE' || value.record === null) {
        // A deleted source record deletes what every entry keyed by its own key made of it; merged records stay.
        for (const t of map.deleteTargets(env.objectType, env.sourceKey)) this.emit(out, envelope, { target: t, record: null, lookups: [], owner: null });
        continue;
      }
      const has = (rule: string) => facts.get(rule)?.has(env.sourceKey) ?? false;
      const result = map.apply(env.objectType, env.sourceKey, value.record, has);
      this.collect(out, envelope, value, result);
      if (ruled.has(env.objectType)) {
        this.retireDropped(out, envelope, value.record, previous.get(`${env.objectType}|${env.sourceKey}`) ?? [], result.entries);
        entriesTaken.set(env.objectType, [...(entriesTaken.get(env.objectType) ?? []), { key: env.sourceKey, entries: result.entries }]);
      }
    }

    // 4. Records stored earlier whose facts this chunk changed: mapped again when their entries change.
    for (const [object, keys] of touched) {
      const inChunk = new Set((ruled.get(object) ?? []).map((e) => e.envelope.sourceKey));
      const stored = await this.routing.records(object, [...keys].filter((k) => !inChunk.has(k)));
      if (!stored.length) continue;
      const storedFacts = await this.facts(new Map([[object, new Set(stored.map((s) => s.key))]]));
      for (const s of stored) {
        const has = (rule: string) => storedFacts.get(rule)?.has(s.key) ?? false;
        const result = map.apply(object, s.key, s.record, has);
        if (sameEntries(result.entries, s.entries)) continue;
        const envelope = this.remapEnvelope(object, s.key);
        this.rt.logger.debug({ object, key: s.key, from: s.entries, to: result.entries }, 'related facts changed: mapped again');
        this.collect(out, envelope, { envelope, origin: null, record: s.record }, result);
        this.retireDropped(out, envelope, s.record, s.entries, result.entries);
        entriesTaken.set(object, [...(entriesTaken.get(object) ?? []), { key: s.key, entries: result.entries }]);
      }
    }

    await this.rt.producer.send(out.events);
    if (out.rejects.length) await this.rt.deadLetter(out.rejects);
    await this.quality.add([...out.quality.values()]);
    for (const [object, rows] of entriesTaken) await this.routing.setEntries(object, rows);
  }

  /** Facts from related records in the chunk; returns, per routed object, the record keys whose facts may have changed. */
  private async recordFacts(values: ExtractedEvent[]): Promise<Map<string, Set<string>>> {
    const rows: RelatedFactRow[] = [];
    const dropped: { rule: string; object: string; keys: string[] }[] = [];
    const targetObject = new Map<string, string>();
    for (const v of values) {
      const env = v.envelope;
      for (const w of this.rt.map.watchesOf(env.objectType)) {
        targetObject.set(w.rule, w.targetObject);
        if (env.operation === 'DELETE' || v.record === null) {
          dropped.push({ rule: w.rule, object: env.objectType, keys: [env.sourceKey] });
          continue;
        }
        const scope = (name: string) => (name === '$key' ? env.sourceKey : (v.record![name] ?? null));
        const target = w.key.evaluate(scope);
        if (target === null || target === undefined || String(target).trim() === '') {
          dropped.push({ rule: w.rule, object: env.objectType, keys: [env.sourceKey] });
          continue;
        }
        rows.push({ rule: w.rule, relatedObject: env.objectType, relatedKey: env.sourceKey, targetKey: String(target).trim(), matches: w.filter ? Boolean(w.filter.evaluate(scope)) : true });
      }
    }
    const byRule = await this.routing.putFacts(rows);
    for (const d of dropped) for (const k of await this.routing.dropFacts(d.rule, d.object, d.keys)) byRule.set(d.rule, (byRule.get(d.rule) ?? new Set()).add(k));
    const out = new Map<string, Set<string>>();
    for (const [rule, keys] of byRule) {
      const object = targetObject.get(rule)!;
      out.set(object, new Set([...(out.get(object) ?? []), ...keys]));
    }
    return out;
  }

  /** Per rule, which of the given records its related records exist for. */
  private async facts(keysByObject: Map<string, Set<string>>): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    for (const [object, keys] of keysByObject) {
      for (const { rule, sticky } of this.rt.map.rulesOf(object)) out.set(rule, await this.routing.existing(rule, [...keys], sticky));
    }
    return out;
  }

  private retireDropped(out: ChunkOutput, envelope: Envelope, record: Record<string, unknown>, before: string[], now: string[]): void {
    const dropped = before.filter((e) => !now.includes(e));
    if (!dropped.length) return;
    for (const r of this.rt.map.retire(envelope.objectType, envelope.sourceKey, record, dropped)) this.emit(out, envelope, r);
  }

  private remapEnvelope(object: string, key: string): Envelope {
    return {
      migration: this.rt.migration, run: this.rt.run, sourceSystem: this.rt.plan.sourceSystem, objectType: object, sourceKey: key,
      operation: 'UPSERT', sourceModifiedAt: null, contentHash: 'related-facts-changed', mapVersion: this.rt.map.mapVersion, traceId: randomUUID(),
    };
  }

  private emit(out: ChunkOutput, envelope: Envelope, o: MappedRecord): void {
    const topic = topics.transformed(this.rt.migration, this.rt.plan.destination, o.target.entity);
    out.events.push({ topic, key: o.target.key, value: { envelope, ...o } satisfies DestinationEvent });
  }

  private collect(out: ChunkOutput, envelope: Envelope, value: ExtractedEvent, result: MapResult): void {
    const env = envelope;
    for (const o of result.outputs) this.emit(out, envelope, o);
    for (const r of result.rejections) {
      this.rt.logger.debug({ object: env.objectType, key: env.sourceKey, code: r.code }, r.message);
      out.rejects.push({
        phase: 'TRANSFORM', sourceSystem: env.sourceSystem, objectType: env.objectType, sourceKey: env.sourceKey,
        entity: r.entity || null, targetKey: r.key, file: value.origin?.file ?? null, line: value.origin?.line ?? null, code: r.code,
        reason: `${env.objectType} ${env.sourceKey}${r.entity ? ` → ${r.entity}` : ''}: ${r.message}`, raw: JSON.stringify(value.record), traceId: env.traceId,
      });
    }
    for (const i of result.issues) {
      // Each picklist value the map does not know is counted on its own, so the report lists them with their counts.
      const kind = i.kind === 'unmapped' ? `unmapped ${JSON.stringify(i.value ?? null).slice(0, 80)}` : i.kind;
      const id = `${env.objectType}|${i.entity}|${i.column}|${kind}`;
      const q = out.quality.get(id);
      if (q) q.occurrences++;
      else {
        out.quality.set(id, {
          objectType: env.objectType, entity: i.entity, column: i.column, kind, occurrences: 1, exampleKey: env.sourceKey,
          exampleValue: i.value === undefined || i.value === null ? null : String(i.value).slice(0, 200), detail: i.detail ?? null,
        });
      }
    }
  }
}

const sameEntries = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
