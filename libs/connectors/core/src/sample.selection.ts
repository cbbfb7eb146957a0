import { createHash } from 'crypto';
import type { SourceMessage, StreamDefinition } from './source.connector';

/**
 * Which records a sample run (`ferry run --sample N`) moves. Per object, the N records whose key ranks lowest by a
 * hash: an even spread over the whole file (not its first rows, which exporters order by creation), the same
 * records on every run and restart, and a record stays chosen when the file grows unless a new key ranks lower.
 * Then every parent a chosen record references is added, and their parents, until the set is closed: every lookup
 * the sample carries can resolve, so no record waits for a parent that was left behind. An object may therefore
 * hold more than N records (the parents its children need), never fewer than min(N, its size).
 *
 * Rows that could not be read are sampled in the same proportion: a quarantined row goes with the sample when its
 * (file, line) ranks below the highest rank chosen from its stream, so a sample shows the export's mess too.
 */
export interface SampleSelection {
  perObject: number;
  /** chosen source keys per stream */
  keys: Map<string, Set<string>>;
  /** per stream, the rank at or below which a quarantined row belongs to the sample */
  rejectThreshold: Map<string, string>;
  /** per stream: chosen by rank, and added as parents of chosen records */
  counts: Map<string, { ranked: number; parents: number; total: number }>;
  /** references to parents the source itself lacks (orphans stay orphans, as in a full run) */
  dangling: number;
}

/** Reads one stream of the source from its start (an export file). */
export type StreamReader = (stream: string) => AsyncIterable<SourceMessage>;

/** Rank of a record (or of a quarantined row) within its stream: a hex string, compared as text. */
export function sampleRank(stream: string, id: string): string {
  return createHash('sha1').update(`${stream}\u0000${id}`).digest('hex').slice(0, 16);
}

export const rejectRankId = (file: string | undefined, line: number | undefined) => `${file ?? ''}:${line ?? 0}`;

interface Ranked {
  key: string;
  rank: string;
  parents: Array<{ object: string; key: string }>;
}

const refValue = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v).trim() || null);

function parentsOf(def: StreamDefinition, record: Record<string, unknown>, inSample: Set<string>): Ranked['parents'] {
  const out: Ranked['parents'] = [];
  for (const r of def.references) {
    if (!inSample.has(r.object)) continue;
    const k = refValue(record[r.field]);
    if (k !== null) out.push({ object: r.object, key: k });
  }
  return out;
}

/** Keeps the `n` lowest-ranked entries, holding at most 2n at a time. */
class LowestN {
  private items: Ranked[] = [];
  constructor(private readonly n: number) {}
  add(r: Ranked): void {
    this.items.push(r);
    if (this.items.length >= this.n * 2) this.trim();
  }
  result(): Ranked[] {
    this.trim();
    return this.items;
  }
  private trim(): void {
    // A key repeated in the file keeps its last row (what the extractor emits last).
    const byKey = new Map<string, Ranked>();
    for (const r of this.items) byKey.set(r.key, r);
    this.items = [...byKey.values()].sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0)).slice(0, this.n);
  }
}

/**
 * Chooses the sample. Memory holds the chosen keys only; each stream is read once to rank it, and a stream is read
 * again only while records chosen elsewhere reference parents in it not yet found (one read per level of nesting).
 */
export async function selectSample(streams: StreamDefinition[], read: StreamReader, perObject: number): Promise<SampleSelection> {
  const names = new Set(streams.map((s) => s.name));
  const byName = new Map(streams.map((s) => [s.name, s]));
  const keys = new Map<string, Set<string>>();
  const rejectThreshold = new Map<string, string>();
  const counts = new Map<string, { ranked: number; parents: number; total: number }>();
  let wanted = new Map<string, Set<string>>();
  const want = (object: string, key: string) => {
    if (keys.get(object)?.has(key)) return;
    wanted.set(object, (wanted.get(object) ?? new Set()).add(key));
  };

  for (const def of streams) {
    const lowest = new LowestN(perObject);
    let seen = 0;
    for await (const msg of read(def.name)) {
      if (msg.type !== 'record' || msg.deleted) continue;
      const key = refValue(msg.record[def.key]);
      if (key === null) continue;
      seen++;
      lowest.add({ key, rank: sampleRank(def.name, key), parents: parentsOf(def, msg.record, names) });
    }
    const chosen = lowest.result();
    keys.set(def.name, new Set(chosen.map((r) => r.key)));
    // Every record of a stream no larger than N is in the sample, and so is every quarantined row of it.
    rejectThreshold.set(def.name, seen <= perObject ? 'g' : (chosen[chosen.length - 1]?.rank ?? ''));
    counts.set(def.name, { ranked: chosen.length, parents: 0, total: chosen.length });
    for (const r of chosen) for (const p of r.parents) want(p.object, p.key);
  }
  // `want` may have asked for a key of a stream ranked after the one that referenced it: drop those now chosen.
  for (const [object, ks] of wanted) for (const k of ks) if (keys.get(object)?.has(k)) ks.delete(k);

  const searched = new Map<string, Set<string>>();
  let dangling = 0;
  while ([...wanted.values()].some((s) => s.size > 0)) {
    const round = wanted;
    wanted = new Map();
    for (const [object, ks] of round) {
      if (!ks.size) continue;
      const def = byName.get(object)!;
      const done = searched.get(object) ?? new Set<string>();
      searched.set(object, done);
      const chosen = keys.get(object)!;
      const c = counts.get(object)!;
      for await (const msg of read(object)) {
        if (msg.type !== 'record' || msg.deleted) continue;
        const key = refValue(msg.record[def.key]);
        if (key === null || !ks.has(key)) continue;
        if (!chosen.has(key)) {
          chosen.add(key);
          c.parents++;
          c.total++;
        }
        // A later row of the same key may reference other parents: take them all.
        for (const p of parentsOf(def, msg.record, names)) if (!searched.get(p.object)?.has(p.key)) want(p.object, p.key);
      }
      for (const k of ks) {
        if (!chosen.has(k)) dangling++;
        done.add(k);
      }
    }
  }
  return { perObject, keys, rejectThreshold, counts, dangling };
}

/** Whether a message read from `stream` belongs to the sample. */
export function inSample(selection: SampleSelection, def: StreamDefinition, msg: SourceMessage): boolean {
  if (msg.type === 'state') return true;
  if (msg.type === 'reject') {
    const threshold = selection.rejectThreshold.get(def.name);
    return threshold !== undefined && sampleRank(def.name, rejectRankId(msg.origin.file, msg.origin.line)) <= threshold;
  }
  const key = refValue(msg.record[def.key]);
  return key !== null && !!selection.keys.get(def.name)?.has(key);
}
