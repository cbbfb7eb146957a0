import { randomBytes } from 'crypto';
import type { DataSource } from 'typeorm';
import { FerryError } from '@ferry/common';
import { sourceStream } from '@ferry/contracts';
import type { ColumnType } from '@ferry/contracts';
import { sampleRank } from '@ferry/connectors/core';
import type { SourceConnector, StreamDefinition } from '@ferry/connectors/core';
import type { Destination } from '@ferry/destinations/core';
import type { CompiledRouteMap, MappedRecord } from '@ferry/mapping';
import { IdMapRepository, ReconRepository, RefRecordRepository, RoutingRepository, SourceRecordRepository, targetRef } from '@ferry/persistence';
import { compareRecord, type Contribution, type Mismatch } from './record.comparer';

export interface DiffOptions {
  /** source objects to compare (default: every object the map reads) */
  objects?: string[];
  /** compare the fields of this many source records per object, chosen at random (default: every record) */
  sample?: number;
  /** the random choice's seed, to repeat a diff (default: a new one, printed) */
  seed?: string;
  /** at most this many mismatches are listed (every one is counted) */
  maxListed?: number;
}

/** Per source object: how many of its records the destination holds, and how many compared clean. */
export interface ObjectParity {
  object: string;
  /** live source records the extractor read */
  source: number;
  /** source records the map refused (in the DLQ, not expected at the destination) */
  unmapped: number;
  /** distinct destination records the map makes of them */
  expected: number;
  /** found at the destination by key */
  found: number;
  /** not at the destination, dead-lettered with a reason (load refused, parent failed) */
  rejected: number;
  /** not at the destination and not dead-lettered: lost, deleted behind Ferry's back, or still on its way */
  missing: number;
  /** source records whose destination records were compared column by column */
  compared: number;
  /** of those, the records with at least one column that differs */
  differing: number;
}

export interface DiffReport {
  migration: string;
  mapVersion: string;
  /** K records per object compared field by field, or null: every record */
  sample: number | null;
  seed: string;
  objects: ObjectParity[];
  /** missing rows of every record, and differing columns of the compared ones */
  mismatches: Mismatch[];
  mismatchCount: number;
  clean: boolean;
}

export interface DiffDeps {
  db: DataSource;
  migration: string;
  map: CompiledRouteMap;
  connector: SourceConnector;
  /** the export folder the extractor read: the source as it was */
  exportDir: string;
  destination: Destination;
}

const BATCH = 500;
const READ_BATCH = 50;

interface Ranked {
  key: string;
  rank: string;
  targets: string[];
}

interface PendingContribution extends Omit<Contribution, 'lookups'> {
  lookups: Array<{ column: string; candidates: Array<{ entity: string; key: string }> }>;
}

/**
 * `ferry diff`: what the source had against what the destination holds, through the confirmed map. Every live
 * source record the extractor read (the export, re-read, restricted to the keys in ferry.source_record, so a
 * sample run is compared with its sample) is mapped again as the transformer maps it, with the related facts it
 * decided by; every destination record that gives is looked up by key, and those of the compared records are
 * read column by column, with every source record that contributes to them (a many:1 merge), lookups expected
 * as the parent's destination id from the id map.
 */
export class SourceDiff {
  private readonly live: SourceRecordRepository;
  private readonly routing: RoutingRepository;
  private readonly kept: RefRecordRepository;

  constructor(private readonly d: DiffDeps) {
    this.live = new SourceRecordRepository(d.db, d.migration);
    this.routing = new RoutingRepository(d.db, d.migration);
    this.kept = new RefRecordRepository(d.db, d.migration);
  }

  async run(o: DiffOptions = {}): Promise<DiffReport> {
    const { map } = this.d;
    const readable = map.plan.sourceObjects.filter((x) => map.reads(x));
    const objects = o.objects?.length ? o.objects : readable;
    for (const x of objects) {
      if (!readable.includes(x)) throw new FerryError('USAGE', `the map reads no source object "${x}": choose from ${readable.join(', ')}`, 'fatal');
    }
    const seed = o.seed ?? randomBytes(4).toString('hex');
    const types = new Map(map.plan.entities.map((e) => [e.entity, new Map<string, ColumnType>(e.columns.map((c) => [c.name, c.type]))]));

    // 1. Every live record of the objects compared: what it becomes, and which are compared field by field.
    const all = new Map<string, Set<string>>();
    const compared = new Set<string>();
    /** the source records (object:key) each destination record comes from, to name them in a mismatch */
    const sourcesOf = new Map<string, string[]>();
    const perObject = new Map<string, { parity: ObjectParity; targets: Set<string>; comparedTargets: Set<string> }>();
    for (const object of objects) {
      const parity: ObjectParity = { object, source: 0, unmapped: 0, expected: 0, found: 0, rejected: 0, missing: 0, compared: 0, differing: 0 };
      const targets = new Set<string>();
      const seen = new Set<string>();
      let ranked: Ranked[] = [];
      const keep = (r: Ranked) => {
        ranked.push(r);
        if (o.sample !== undefined && ranked.length >= o.sample * 2) ranked = lowest(ranked, o.sample);
      };
      for await (const batch of this.liveBatches(object)) {
        for (const { key, result } of await this.mapBatch(object, batch)) {
          if (!seen.has(key)) parity.source++;
          seen.add(key);
          if (!result.outputs.length) parity.unmapped++;
          const ts = result.outputs.map((m) => targetRef(m.target.entity, m.target.key));
          for (const t of ts) {
            targets.add(t);
            const from = sourcesOf.get(t) ?? [];
            if (!from.includes(`${object}:${key}`)) from.push(`${object}:${key}`);
            sourcesOf.set(t, from);
          }
          keep({ key, rank: sampleRank(`${seed}|${object}`, key), targets: ts });
        }
      }
      const chosen = o.sample === undefined ? ranked : lowest(ranked, o.sample);
      const comparedTargets = new Set<string>();
      for (const r of chosen) {
        if (!r.targets.length) continue;
        parity.compared++;
        for (const t of r.targets) comparedTargets.add(t);
      }
      for (const t of targets) {
        const [entity, key] = splitRef(t);
        all.set(entity, (all.get(entity) ?? new Set()).add(key));
      }
      for (const t of comparedTargets) compared.add(t);
      parity.expected = targets.size;
      perObject.set(object, { parity, targets, comparedTargets });
    }

    if ([...perObject.values()].every((p) => p.parity.source === 0)) {
      throw new FerryError(
        'DIFF_NO_SOURCE',
        `none of the records in ${this.d.exportDir} was extracted by migration ${this.d.migration} (ferry.source_record has none of their keys): point --export at the export it read`,
        'fatal',
      );
    }

    // 2. Every source record that contributes to a compared destination record, whatever its object.
    const contributions = new Map<string, Map<string, PendingContribution>>();
    for (const object of compared.size ? readable : []) {
      for await (const batch of this.liveBatches(object)) {
        for (const { key, result } of await this.mapBatch(object, batch)) {
          for (const m of result.outputs) {
            const ref = targetRef(m.target.entity, m.target.key);
            if (!compared.has(ref) || !m.record) continue;
            const byRecord = contributions.get(ref) ?? new Map<string, PendingContribution>();
            byRecord.set(`${object}:${key}`, pending(object, key, m));
            contributions.set(ref, byRecord);
          }
        }
      }
    }
    const parents = await this.parents([...contributions.values()].flatMap((c) => [...c.values()]));

    // 3. The destination, by key: presence of every record, columns of the compared ones.
    const recon = new ReconRepository(this.d.db, this.d.migration);
    const mismatches: Mismatch[] = [];
    const bad = new Set<string>();
    const present = new Set<string>();
    const rejected = new Set<string>();
    for (const [entity, keySet] of all) {
      const plan = map.plan.entities.find((e) => e.entity === entity)!;
      const columns = [...plan.columns.map((c) => c.name), ...plan.lookups.map((l) => l.column)];
      const keys = [...keySet].sort();
      for (let i = 0; i < keys.length; i += READ_BATCH) {
        const slice = keys.slice(i, i + READ_BATCH);
        const wanted = slice.filter((k) => compared.has(targetRef(entity, k)));
        const rows = await this.d.destination.readBefore(entity, slice, wanted.length ? columns : []);
        const absent = slice.filter((k) => !rows.has(k));
        const states = await recon.targetStates(entity, absent);
        for (const key of slice) {
          const ref = targetRef(entity, key);
          const row = rows.get(key) ?? null;
          if (row) present.add(ref);
          else if (states.get(key)?.state === 'rejected') rejected.add(ref);
          if (!row && rejected.has(ref)) continue;
          if (!row) {
            const sources = sourcesOf.get(ref) ?? [];
            const how = states.get(key)?.state === 'loaded' ? 'loaded by Ferry, gone from the destination' : 'never loaded: not in the DLQ either';
            mismatches.push({ entity, key, sources, column: '(row)', kind: 'missing', expected: how, actual: null });
            bad.add(ref);
            continue;
          }
          if (!compared.has(ref)) continue;
          const cs = [...(contributions.get(ref)?.values() ?? [])].map((c) => resolved(c, parents));
          const found = compareRecord(entity, key, types.get(entity)!, cs, row, (image, column) => this.d.destination.lookupValue(image, column));
          if (found.length) bad.add(ref);
          mismatches.push(...found);
        }
      }
    }

    for (const { parity, targets, comparedTargets } of perObject.values()) {
      for (const t of targets) {
        if (present.has(t)) parity.found++;
        else if (rejected.has(t)) parity.rejected++;
        else parity.missing++;
      }
      parity.differing = [...comparedTargets].filter((t) => present.has(t) && bad.has(t)).length;
    }
    const maxListed = o.maxListed ?? Number.POSITIVE_INFINITY;
    mismatches.sort((a, b) => a.entity.localeCompare(b.entity) || a.key.localeCompare(b.key) || a.column.localeCompare(b.column));
    return {
      migration: this.d.migration,
      mapVersion: map.mapVersion,
      sample: o.sample ?? null,
      seed,
      objects: [...perObject.values()].map((p) => p.parity),
      mismatches: mismatches.slice(0, maxListed),
      mismatchCount: mismatches.length,
      clean: mismatches.length === 0,
    };
  }

  /** Live records of one object as the export has them (the last row of a repeated key), in batches. */
  private async *liveBatches(object: string): AsyncIterable<Array<{ key: string; record: Record<string, unknown> }>> {
    const def = this.streamOf(object);
    const stream = sourceStream(this.d.connector.system, object);
    let batch = new Map<string, Record<string, unknown>>();
    const flush = async () => {
      const live = await this.live.live(stream, [...batch.keys()]);
      const out = [...batch].filter(([k]) => live.has(k)).map(([key, record]) => ({ key, record }));
      batch = new Map();
      return out;
    };
    for await (const msg of this.d.connector.readExport(this.d.exportDir, object)) {
      if (msg.type !== 'record' || msg.deleted) continue;
      const raw = msg.record[def.key];
      if (raw === null || raw === undefined || raw === '') continue;
      const key = String(raw);
      batch.delete(key);
      batch.set(key, msg.record);
      if (batch.size >= BATCH) yield await flush();
    }
    if (batch.size) yield await flush();
  }

  private streamOf(object: string): StreamDefinition {
    const def = this.d.connector.streams().find((s) => s.name === object);
    if (!def?.export) throw new FerryError('USAGE', `${this.d.connector.system} ${object} is not in the export, so diff cannot read what the source had`, 'fatal');
    return def;
  }

  /**
   * Maps a batch as the transformer does, with the related facts the migration holds for each record and the fields
   * of other records its refs read (as the transformer kept them).
   */
  private async mapBatch(object: string, batch: Array<{ key: string; record: Record<string, unknown> }>) {
    const facts = new Map<string, Set<string>>();
    for (const r of this.d.map.rulesOf(object)) facts.set(r.rule, await this.routing.holding(r.rule, batch.map((b) => b.key), r.sticky));
    const kept = await this.kept.get(batch.flatMap(({ key, record }) => this.d.map.refsNeeded(object, key, record)));
    const reader = (o: string, k: string) => kept.get(`${o}|${k}`) ?? null;
    return batch.map(({ key, record }) => ({ key, result: this.d.map.apply(object, key, record, (rule) => facts.get(rule)?.has(key) ?? false, reader) }));
  }

  /** The destination id of every parent the contributions look up, from the id map (loaded ones only). */
  private async parents(cs: PendingContribution[]): Promise<Map<string, string>> {
    const refs = new Map<string, { entity: string; key: string }>();
    for (const c of cs) for (const l of c.lookups) for (const x of l.candidates) refs.set(targetRef(x.entity, x.key), x);
    const ids = new IdMapRepository(this.d.db, this.d.migration);
    const out = new Map<string, string>();
    const list = [...refs.values()];
    for (let i = 0; i < list.length; i += 1000) {
      for (const [ref, p] of await ids.find(list.slice(i, i + 1000))) if (p.state === 'loaded' && p.destinationId) out.set(ref, p.destinationId);
    }
    return out;
  }
}

function pending(object: string, sourceKey: string, m: MappedRecord): PendingContribution {
  return {
    object,
    sourceKey,
    merge: m.target.merge,
    columns: m.record ?? {},
    lookups: m.lookups.map((l) => ({ column: l.column, candidates: l.candidates })),
  };
}

/** A lookup is expected to point at the first of its candidates that landed; none landed: empty. */
function resolved(c: PendingContribution, parents: Map<string, string>): Contribution {
  const lookups: Record<string, string | null> = {};
  for (const l of c.lookups) {
    const hit = l.candidates.map((x) => parents.get(targetRef(x.entity, x.key))).find((id) => id !== undefined);
    lookups[l.column] = hit ?? null;
  }
  return { object: c.object, sourceKey: c.sourceKey, merge: c.merge, columns: c.columns, lookups };
}

function lowest(rs: Ranked[], n: number): Ranked[] {
  const byKey = new Map<string, Ranked>();
  for (const r of rs) byKey.set(r.key, r);
  return [...byKey.values()].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0)).slice(0, n);
}

function splitRef(ref: string): [string, string] {
  const i = ref.indexOf('|');
  return [ref.slice(0, i), ref.slice(i + 1)];
}
