import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { DestinationEvent, LoadedEvent, LoadResult } from '@ferry/contracts';
import { consumerGroups, planEntity, routeTopics, topics } from '@ferry/contracts';
import { DESTINATION } from '@ferry/destinations/core';
import type { Destination, DestinationLimits, DroppedValue, WriteColumn, WriteItem, WriteResult } from '@ferry/destinations/core';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import { FerryError, rideOut, sleep, weatherOf } from '@ferry/common';
import { AuditEntry, AuditRepository, FileManifestRepository, OversizedFile } from '@ferry/persistence';
import { DeadLetterInput, PhaseExtras, Runtime, RUNTIME } from '@ferry/runtime';
import { StepClock } from '@ferry/metrics';
import { FileBodies } from './file-bodies';

export const LOAD_BATCH_SIZE = Symbol('LOAD_BATCH_SIZE');

type Outcome = WriteResult | { key: string; ok: true; deleted: true };

/**
 * resolved → destination → loaded. Upserts by external key, so a redelivery or a replay rewrites the same rows;
 * audits every write (with the before-image of what it overwrote) before the offset is committed; emits one
 * result per destination record.
 */
@Controller()
export class LoadHandler {
  private readonly audit: AuditRepository;
  private readonly files: FileManifestRepository;
  private readonly bodies: FileBodies;

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    @Inject(DESTINATION) private readonly destination: Destination,
  ) {
    this.audit = new AuditRepository(rt.db, rt.migration);
    this.files = new FileManifestRepository(rt.db, rt.migration);
    const fromExport = process.env.FERRY_SOURCE_MODE !== 'api';
    this.bodies = new FileBodies(
      fromExport ? (process.env.FERRY_EXPORT_DIR ?? process.env.LEAF360_EXPORT_DIR ?? null) : null,
      destination.limits.maxFileBytes,
      Number(process.env.FERRY_FILE_BATCH_BYTES ?? 32 * 1024 * 1024),
    );
  }

  /**
   * A chunk is one destination batch at most: FERRY_LOAD_BATCH_SIZE, or the destination's own choice when unset,
   * capped by what the destination accepts.
   */
  @EventPattern('load', {
    subscribe: (rt, get) => ({
      groupId: consumerGroups.load(rt.migration),
      topics: routeTopics(rt.plan, rt.migration).resolved,
      maxChunk: chunkSize(get<number | undefined>(LOAD_BATCH_SIZE), get<Destination>(DESTINATION).limits),
      partitionsConsumedConcurrently: 3,
    }),
  } satisfies PhaseExtras)
  async handle(batch: ConsumedRecord<DestinationEvent>[]): Promise<void> {
    // A partition holds one entity's topic, so the whole chunk goes to one entity.
    const events = latestPerKey(batch.map((b) => b.value));
    const entity = events[0].target.entity;
    const types = new Map(planEntity(this.rt.plan, entity).columns.map((c) => [c.name, c.type]));
    const keyColumn = this.rt.plan.keyColumn;
    const upserts = events.filter((e) => e.envelope.operation === 'UPSERT' && e.record !== null);
    const items: WriteItem[] = upserts.map((e) => {
      const columns: Record<string, WriteColumn> = {};
      for (const [name, value] of Object.entries(e.record ?? {})) {
        if (name === keyColumn) continue;
        const type = types.get(name);
        if (!type) throw new Error(`${entity}.${name} is not a column of map ${this.rt.plan.mapVersion}`);
        columns[name] = { type, value };
      }
      return {
        key: e.target.key,
        columns,
        lookups: e.lookups.filter((l) => l.destinationId !== null),
        ownerId: e.owner?.systemUserId ?? null,
        merge: keepsEmpty(e.target.merge) ? 'non-empty-wins' : 'last-wins',
      };
    });
    const touched = new Set<string>();
    for (const i of items) {
      if (i.ownerId) touched.add('ownerid');
      for (const c of Object.keys(i.columns)) touched.add(c);
      for (const l of i.lookups) touched.add(l.column);
    }
    const steps = new StepClock();
    const before = items.length ? await this.destination.readBefore(entity, items.map((i) => i.key), [...touched]) : new Map();
    steps.lap('read_before');
    const fileColumns = planEntity(this.rt.plan, entity).columns.filter((c) => c.type === 'file').map((c) => c.name);
    const droppedFiles = new Map<string, DroppedValue[]>();
    const results: WriteResult[] = [];
    if (items.length && !fileColumns.length) results.push(...(await this.upsertUntilTaken(entity, items, before)));
    else if (items.length) {
      // File bodies are read group by group, right before the write that sends them.
      for (const group of this.bodies.groups(items, fileColumns)) {
        const read = this.bodies.read(entity, group, fileColumns);
        results.push(...read.rejected);
        for (const [k, d] of read.dropped) droppedFiles.set(k, d);
        if (read.items.length) results.push(...(await this.upsertUntilTaken(entity, read.items, before)));
      }
    }
    steps.lap('write');
    const byKey = new Map<string, Outcome>(results.map((r) => [r.key, r]));
    const deletes = events.filter((x) => !upserts.includes(x));
    if (deletes.length) {
      // What a delete removes is audited whole, and before it goes, so a rollback can always create it again.
      const whole = await this.destination.readWhole(entity, deletes.map((e) => e.target.key));
      await this.audit.append(
        deletes.flatMap((e) => {
          const w = whole.get(e.target.key);
          return w ? [{ run: e.envelope.run, entity, alternateKey: e.target.key, destinationId: w.id, action: 'deleted' as const, beforeImage: w.image }] : [];
        }),
      );
    }
    for (const e of deletes) {
      // A delete of a record that is not there has nothing left to do: it counts as done.
      await this.destination.deleteByKey(entity, e.target.key);
      byKey.set(e.target.key, { key: e.target.key, ok: true, deleted: true });
    }
    const out: OutgoingRecord[] = [];
    const audit: AuditEntry[] = [];
    const oversized: OversizedFile[] = [];
    const rejects: DeadLetterInput[] = [];
    for (const e of events) {
      const { envelope: env, target } = e;
      const r = byKey.get(target.key);
      // A file over the destination's limit is listed whatever became of its record (some destinations need the body).
      for (const d of droppedFiles.get(target.key) ?? []) oversized.push({ entity, key: target.key, ...d });
      const base = { entity, alternateKey: target.key, errorCode: null, errorMessage: null, attempts: 1 };
      let result: LoadResult;
      if (r && r.ok && 'deleted' in r) {
        result = { ...base, status: 'SUCCESS', destinationId: null, action: 'DELETED' };
      } else if (r && r.ok) {
        result = { ...base, status: 'SUCCESS', destinationId: r.id, action: r.created ? 'CREATED' : 'UPDATED' };
        for (const d of r.dropped ?? []) oversized.push({ entity, key: target.key, ...d });
        audit.push({ run: env.run, entity, alternateKey: target.key, destinationId: r.id, action: r.created ? 'created' : 'updated', beforeImage: r.created ? null : (before.get(target.key) ?? null) });
      } else {
        const code = r && !r.ok ? r.code : 'NO_RESULT';
        const message = r && !r.ok ? r.message : 'the destination returned no result for this record';
        result = { ...base, status: 'FAILURE', destinationId: null, action: null, errorCode: code, errorMessage: message };
        rejects.push({
          phase: 'LOAD', sourceSystem: env.sourceSystem, objectType: env.objectType, sourceKey: env.sourceKey, entity, targetKey: target.key,
          file: null, line: null, code, reason: `${entity} ${target.key}: ${message}`, raw: null, traceId: env.traceId,
        });
      }
      out.push({ topic: topics.loaded(this.rt.migration, this.rt.plan.destination, entity), key: target.key, value: { envelope: env, result } satisfies LoadedEvent });
    }
    // The destination holds the records now: what follows is waited for rather than the chunk written again, since a
    // second write would read the first one back as the before-image and audit a created record as updated.
    const after = { weather: weatherOf(this.rt.logger) };
    steps.lap('write');
    await rideOut(() => this.audit.append(audit), after);
    if (oversized.length) {
      this.rt.logger.warn({ entity, files: oversized.length }, 'files over the destination limit went without their bodies (ferry report quality lists them)');
      await rideOut(() => this.files.record(oversized), after);
    }
    steps.lap('audit');
    await rideOut(() => this.rt.producer.send(out), after);
    if (rejects.length) await rideOut(() => this.rt.deadLetter(rejects), after);
    steps.lap('emit');
    for (const [step, ms] of steps.laps) this.rt.metrics?.addStepSeconds('load', step, ms / 1000);
    this.rt.logger.debug({ entity, records: events.length, ...steps.fields() }, 'chunk loaded');
  }

  /**
   * Records the destination could not take now (throttled, unavailable) are sent again with backoff until it does:
   * a storm of 429 or 503, however long, never turns them into dead letters. Past FERRY_OUTAGE_LIMIT_MS the chunk
   * fails uncommitted and is delivered again.
   */
  private async upsertUntilTaken(entity: string, items: WriteItem[], before: ReadonlyMap<string, Record<string, unknown>>): Promise<WriteResult[]> {
    const weather = weatherOf(this.rt.logger);
    const limit = Number(process.env.FERRY_OUTAGE_LIMIT_MS ?? 600_000);
    const started = Date.now();
    const done = new Map<string, WriteResult>();
    let pending = items;
    const quotaPause = Number(process.env.FERRY_QUOTA_PAUSE_MS ?? 60_000);
    for (let delay = 1000; ; delay = Math.min(30_000, delay * 2)) {
      let results: WriteResult[];
      try {
        results = await this.destination.upsertMany(entity, pending, { before });
      } catch (e) {
        // The destination's own daily allowance (the share of it Ferry may use) is spent: nothing of this chunk was
        // written, so the loader waits, saying why once, and tries again; the records stay where they are.
        if (!(e instanceof FerryError && e.code === 'DESTINATION_QUOTA')) throw e;
        weather.waiting('the destination quota', e.message);
        await sleep(quotaPause);
        continue;
      }
      const again = new Set<string>();
      for (const r of results) {
        if (!r.ok && r.transient) again.add(r.key);
        else done.set(r.key, r);
      }
      if (again.size === 0) break;
      const sample = results.find((r) => !r.ok && r.transient) as Extract<WriteResult, { ok: false }>;
      if (Date.now() - started > limit) {
        throw new FerryError('DESTINATION_UNAVAILABLE', `${entity}: ${again.size} records still refused after ${Math.round(limit / 1000)} s: ${sample.code} ${sample.message}`, 'retry');
      }
      weather.waiting('the destination', `${entity}: ${again.size} records refused for now (${sample.code}: ${sample.message})`);
      await sleep(delay);
      pending = pending.filter((i) => again.has(i.key));
    }
    if (done.size && weather.waitingFor.some((w) => w.dependency === 'the destination')) weather.back('the destination');
    if (weather.waitingFor.some((w) => w.dependency === 'the destination quota')) weather.back('the destination quota');
    return items.map((i) => done.get(i.key)!).filter(Boolean);
  }
}

/** Merge policies that leave a column this version has no value for as it is. */
const keepsEmpty = (merge: string) => merge === 'non-empty-wins' || merge === 'fills-existing';

/**
 * Two versions of one record in a chunk: only the last one needs writing, and a batch must not race itself. Under
 * `non-empty-wins` (several source records merging into one) the versions are folded first, later values winning
 * only where they are not empty; a version from another entry (a board card's columns beside its deal's) speaks only
 * for its own columns, so the earlier one's other columns are kept.
 */
function latestPerKey(events: DestinationEvent[]): DestinationEvent[] {
  const m = new Map<string, DestinationEvent>();
  for (const e of events) {
    const prev = m.get(e.target.key);
    m.delete(e.target.key);
    if (prev?.record && e.record && (keepsEmpty(e.target.merge) || prev.target.entry !== e.target.entry)) {
      const record = { ...prev.record };
      const skipEmpty = keepsEmpty(e.target.merge);
      for (const [k, v] of Object.entries(e.record)) if (!skipEmpty || (v !== null && v !== undefined && v !== '')) record[k] = v;
      const lookups = [...prev.lookups.filter((l) => !e.lookups.some((x) => x.column === l.column)), ...e.lookups];
      m.set(e.target.key, { ...e, record, lookups, owner: e.owner ?? prev.owner });
    } else {
      m.set(e.target.key, e);
    }
  }
  return [...m.values()];
}

/** Records per loader chunk: the setting, or the destination's own choice, never more than a write takes. */
export function chunkSize(setting: number | undefined, limits: DestinationLimits): number {
  return Math.min(setting ?? limits.loadBatch, limits.maxBatch);
}
