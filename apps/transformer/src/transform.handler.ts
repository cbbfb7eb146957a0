import { randomUUID } from 'crypto';
import { Controller, Inject, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { DestinationEvent, Envelope, ExtractedEvent } from '@ferry/contracts';
import { consumerGroups, extractStream, routeTopics, topics } from '@ferry/contracts';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import type { MapResult, MappedRecord, RefReader } from '@ferry/mapping';
import { groupLag } from '@ferry/ops';
import { CheckpointRepository, QualityInput, QualityRepository, RefRecordRepository, RelatedFactRow, RoutingRepository } from '@ferry/persistence';
import { DeadLetterInput, PhaseExtras, Runtime, RUNTIME } from '@ferry/runtime';

/** What one chunk produces: events, dead letters and data-quality counts, written together at the end. */
class ChunkOutput {
  readonly events: OutgoingRecord[] = [];
  readonly rejects: DeadLetterInput[] = [];
  readonly quality = new Map<string, QualityInput>();
}

/** What the map's ref() calls of some records read: the kept fields found, and what is still missing. */
interface RefView {
  reader: RefReader;
  missing(object: string, key: string, record: Record<string, unknown>): string[];
}

type StoredRecord = { object: string; key: string; record: Record<string, unknown>; entries: string[] };

/**
 * extracted → transformed: applies the confirmed map. One source record may give several destination records
 * (a split, a company name that becomes an account) and several may give one (equal keys); each goes to its
 * entity's topic keyed by its destination key, so every version of one destination record stays in order.
 * Entries that depend on other objects (a contact with a deal is a Contact, else a Lead) are decided from facts
 * kept in PostgreSQL, and a record whose facts change is mapped again: right whatever order the streams arrive in.
 * While the snapshot is still being read, a record none of whose related records has arrived yet is held, not
 * mapped: once every related object is read and transformed it is mapped from complete facts, so an initial load
 * makes no Lead for a contact whose deal simply arrived later (and no Lead to close as qualified).
 * A record that reads another source object's record through ref() (its owner's email, its contact's company) is held
 * the same way while that record has not arrived: the record's arrival releases it, and once the referenced objects'
 * snapshot is complete whatever is still held is mapped with what is known (a missing record reads as empty).
 */
@Controller()
export class TransformHandler implements OnModuleInit, OnModuleDestroy {
  private readonly quality: QualityRepository;
  private readonly routing: RoutingRepository;
  private readonly refs: RefRecordRepository;
  /** the related objects' snapshot is read and transformed: absent facts are final (until a change says otherwise) */
  private relatedSettled = false;
  private timer: NodeJS.Timeout | null = null;
  private releasing = false;

  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {
    this.quality = new QualityRepository(rt.db, rt.migration);
    this.routing = new RoutingRepository(rt.db, rt.migration);
    this.refs = new RefRecordRepository(rt.db, rt.migration);
  }

  onModuleInit(): void {
    if (!this.relatedObjects().size) return;
    this.timer = setInterval(() => {
      if (this.releasing) return;
      this.releasing = true;
      this.releaseHeld()
        .catch((e: Error) => this.rt.logger.warn({ err: e.message }, 'could not release held records yet; trying again'))
        .finally(() => (this.releasing = false));
    }, Number(process.env.FERRY_RELATED_SETTLE_MS ?? 2000));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Source objects whose records decide other records' routing, or that other records read through ref(). */
  private relatedObjects(): Set<string> {
    const referenced = this.rt.map.referenced();
    return new Set(this.rt.plan.sourceObjects.filter((o) => this.rt.map.watchesOf(o).length || referenced.has(o)));
  }

  /**
   * Once the related objects' snapshot streams are complete and the transformer has consumed all of them, maps the
   * held records from their (now complete) facts, a page at a time. Returns how many were mapped.
   */
  async releaseHeld(): Promise<number> {
    if (!this.relatedSettled) {
      // Nothing held: nothing to decide yet, and no reason to ask PostgreSQL for checkpoints or Kafka for lag.
      if (!(await this.routing.held(1)).length) return 0;
      const related = [...this.relatedObjects()];
      const done = await new CheckpointRepository(this.rt.db, this.rt.migration).completeStreams();
      if (!related.every((o) => done.has(extractStream(this.rt.plan, o)))) return 0;
      const watched = new Set(related.map((o) => topics.extracted(this.rt.migration, this.rt.plan.sourceSystem, o)));
      const admin = this.rt.kafka.admin();
      await admin.connect();
      try {
        const lag = await groupLag(admin, this.rt.plan, this.rt.migration);
        if (lag.some((g) => g.phase === 'transform' && g.partitions.some((p) => watched.has(p.topic) && p.lag > 0))) return 0;
      } finally {
        await admin.disconnect();
      }
      this.relatedSettled = true;
      this.rt.logger.info('related objects read and transformed: records held for their facts are mapped now');
    }
    let mapped = 0;
    for (;;) {
      const held = await this.routing.held(500);
      if (!held.length) return mapped;
      mapped += await this.mapStored(held, false);
    }
  }

  /**
   * Maps held records (after the snapshot: all of them; before it, `strict`: only those no longer waiting on a
   * referenced record nor, while unmapped, on related facts). Returns how many were mapped.
   */
  private async mapStored(held: StoredRecord[], strict: boolean): Promise<number> {
    const out = new ChunkOutput();
    const view = await this.refView(held);
    let mapped = 0;
    const byObject = new Map<string, StoredRecord[]>();
    for (const h of held) byObject.set(h.object, [...(byObject.get(h.object) ?? []), h]);
    for (const [object, rows] of byObject) {
      const facts = await this.facts(new Map([[object, new Set(rows.map((r) => r.key))]]));
      const taken: { key: string; entries: string[] }[] = [];
      for (const r of rows) {
        const has = (rule: string) => facts.get(rule)?.has(r.key) ?? false;
        if (strict && (view.missing(object, r.key, r.record).length || (!r.entries.length && this.rt.map.rulesOf(object).some((x) => !has(x.rule))))) continue;
        const result = this.rt.map.apply(object, r.key, r.record, has, view.reader);
        const envelope = this.remapEnvelope(object, r.key);
        this.collect(out, envelope, { envelope, origin: null, record: r.record }, result);
        this.retireDropped(out, envelope, r.record, r.entries, result.entries, view.reader);
        taken.push({ key: r.key, entries: result.entries });
      }
      await this.rt.sendOrDeadLetter(out.events.splice(0), 'TRANSFORM');
      if (out.rejects.length) await this.rt.deadLetter(out.rejects.splice(0));
      // A record kept only while it waited (no related rule routes it) is not kept once mapped.
      if (this.rt.map.rulesOf(object).length) await this.routing.setEntries(object, taken);
      else await this.routing.forget(object, taken.map((t) => t.key));
      mapped += taken.length;
    }
    await this.quality.add([...out.quality.values()]);
    return mapped;
  }

  /** Keeps what refs read of the chunk's referenced records; returns the records (`object|key`) that arrived. */
  private async keepReferenced(values: ExtractedEvent[]): Promise<string[]> {
    const referenced = this.rt.map.referenced();
    const put = new Map<string, { key: string; fields: Record<string, unknown> }[]>();
    const drop = new Map<string, string[]>();
    for (const v of values) {
      const { objectType: object, sourceKey: key, operation } = v.envelope;
      if (!referenced.has(object)) continue;
      if (operation === 'DELETE' || v.record === null) drop.set(object, [...(drop.get(object) ?? []), key]);
      else put.set(object, [...(put.get(object) ?? []), { key, fields: this.rt.map.keptFields(object, v.record)! }]);
    }
    for (const [object, rows] of put) await this.refs.put(object, rows);
    for (const [object, keys] of drop) await this.refs.drop(object, keys);
    return [...put].flatMap(([object, rows]) => rows.map((r) => `${object}|${r.key}`));
  }

  /** Reads, in one query, every record these records read through ref(). */
  private async refView(rows: { object: string; key: string; record: Record<string, unknown> }[]): Promise<RefView> {
    const needed = rows.flatMap((r) => this.rt.map.refsNeeded(r.object, r.key, r.record));
    const found = needed.length ? await this.refs.get(needed) : new Map<string, Record<string, unknown>>();
    return {
      reader: (object, key) => found.get(`${object}|${key}`) ?? null,
      missing: (object, key, record) => this.rt.map.refsNeeded(object, key, record).filter((r) => !found.has(r)),
    };
  }

  @EventPattern('transform', {
    subscribe: (rt) => ({ groupId: consumerGroups.transform(rt.migration), topics: routeTopics(rt.plan, rt.migration).extracted }),
  } satisfies PhaseExtras)
  async handle(batch: ConsumedRecord<ExtractedEvent>[]): Promise<void> {
    const { map } = this.rt;
    const out = new ChunkOutput();
    const values = batch.map((b) => b.value);

    // 0. Referenced records first: what refs read of them is kept before any record reads it.
    const arrived = await this.keepReferenced(values);

    // 1. Related records next: their facts are written before any routed record reads them.
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
    const view = await this.refView(
      values.filter((v) => v.record !== null && v.envelope.operation !== 'DELETE').map((v) => ({ object: v.envelope.objectType, key: v.envelope.sourceKey, record: v.record! })),
    );

    // 3. The chunk's own records.
    const entriesTaken = new Map<string, { key: string; entries: string[] }[]>();
    const holds = new Map<string, string[]>();
    const waits = new Map<string, Map<string, { record: Record<string, unknown>; on: string[] }>>();
    const unkept = new Map<string, string[]>();
    for (const value of values) {
      const env = value.envelope;
      const envelope = { ...env, mapVersion: map.mapVersion };
      const refsRead = map.refsNeeded(env.objectType, env.sourceKey, value.record ?? {}).length > 0;
      if (env.operation === 'DELETE' || value.record === null) {
        // A deleted source record deletes what every entry keyed by its own key made of it; merged records stay.
        for (const t of map.deleteTargets(env.objectType, env.sourceKey)) this.emit(out, envelope, { target: t, record: null, lookups: [], owner: null });
        if (!ruled.has(env.objectType)) unkept.set(env.objectType, [...(unkept.get(env.objectType) ?? []), env.sourceKey]);
        continue;
      }
      if (!this.relatedSettled && refsRead) {
        const on = view.missing(env.objectType, env.sourceKey, value.record);
        if (on.length) {
          const m = waits.get(env.objectType) ?? new Map<string, { record: Record<string, unknown>; on: string[] }>();
          waits.set(env.objectType, m.set(env.sourceKey, { record: value.record, on }));
          continue;
        }
      }
      const has = (rule: string) => facts.get(rule)?.has(env.sourceKey) ?? false;
      if (ruled.has(env.objectType) && !this.relatedSettled && !(previous.get(`${env.objectType}|${env.sourceKey}`) ?? []).length) {
        if (map.rulesOf(env.objectType).some((r) => !has(r.rule))) {
          holds.set(env.objectType, [...(holds.get(env.objectType) ?? []), env.sourceKey]);
          continue;
        }
      }
      const result = map.apply(env.objectType, env.sourceKey, value.record, has, view.reader);
      this.collect(out, envelope, value, result);
      if (ruled.has(env.objectType)) {
        this.retireDropped(out, envelope, value.record, previous.get(`${env.objectType}|${env.sourceKey}`) ?? [], result.entries, view.reader);
        entriesTaken.set(env.objectType, [...(entriesTaken.get(env.objectType) ?? []), { key: env.sourceKey, entries: result.entries }]);
      } else if (refsRead) {
        // an earlier version may be held, waiting on a record this version no longer reads
        unkept.set(env.objectType, [...(unkept.get(env.objectType) ?? []), env.sourceKey]);
      }
    }

    // 4. Records stored earlier whose facts this chunk changed: mapped again when their entries change.
    for (const [object, keys] of touched) {
      const inChunk = new Set((ruled.get(object) ?? []).map((e) => e.envelope.sourceKey));
      const stored = await this.routing.records(object, [...keys].filter((k) => !inChunk.has(k)));
      if (!stored.length) continue;
      const storedFacts = await this.facts(new Map([[object, new Set(stored.map((s) => s.key))]]));
      const storedView = await this.refView(stored.map((s) => ({ object, ...s })));
      for (const s of stored) {
        const has = (rule: string) => storedFacts.get(rule)?.has(s.key) ?? false;
        // still held: a fact arrived, but not one that decides it while the snapshot is being read (or a ref is missing)
        if (!this.relatedSettled && !s.entries.length && map.rulesOf(object).some((r) => !has(r.rule))) continue;
        if (!this.relatedSettled && storedView.missing(object, s.key, s.record).length) continue;
        const result = map.apply(object, s.key, s.record, has, storedView.reader);
        if (sameEntries(result.entries, s.entries)) continue;
        const envelope = this.remapEnvelope(object, s.key);
        this.rt.logger.debug({ object, key: s.key, from: s.entries, to: result.entries }, 'related facts changed: mapped again');
        this.collect(out, envelope, { envelope, origin: null, record: s.record }, result);
        this.retireDropped(out, envelope, s.record, s.entries, result.entries, storedView.reader);
        entriesTaken.set(object, [...(entriesTaken.get(object) ?? []), { key: s.key, entries: result.entries }]);
      }
    }

    await this.rt.sendOrDeadLetter(out.events, 'TRANSFORM');
    if (out.rejects.length) await this.rt.deadLetter(out.rejects);
    await this.quality.add([...out.quality.values()]);
    for (const [object, rows] of entriesTaken) await this.routing.setEntries(object, rows);
    for (const [object, keys] of unkept) await this.routing.forget(object, keys);
    for (const [object, keys] of holds) await this.routing.hold(object, keys);
    for (const [object, m] of waits) {
      // ruled records are stored already (step 2); others are kept here only while they wait
      if (!ruled.has(object)) await this.routing.putRecords(object, [...m].map(([key, w]) => ({ key, record: w.record })));
      await this.routing.hold(object, [...m.keys()], new Map([...m].map(([key, w]) => [key, w.on])));
    }

    // 5. Held records this chunk's referenced records were awaited by.
    if (arrived.length && !this.relatedSettled) {
      const waiting = (await this.routing.waitingOn(arrived)).filter((w) => !waits.get(w.object)?.has(w.key));
      if (waiting.length) await this.mapStored(waiting, true);
    }
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

  private retireDropped(out: ChunkOutput, envelope: Envelope, record: Record<string, unknown>, before: string[], now: string[], refs: RefReader): void {
    const dropped = before.filter((e) => !now.includes(e));
    if (!dropped.length) return;
    for (const r of this.rt.map.retire(envelope.objectType, envelope.sourceKey, record, dropped, refs)) this.emit(out, envelope, r);
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
      if (q) q.keys.push(env.sourceKey);
      else {
        out.quality.set(id, {
          objectType: env.objectType, entity: i.entity, column: i.column, kind, keys: [env.sourceKey], exampleKey: env.sourceKey,
          exampleValue: i.value === undefined || i.value === null ? null : String(i.value).slice(0, 200), detail: i.detail ?? null,
        });
      }
    }
  }
}

const sameEntries = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
