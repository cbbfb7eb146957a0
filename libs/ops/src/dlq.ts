import { randomUUID } from 'crypto';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { FerryError, pollUntil } from '@ferry/common';
import { DeadLetter, RoutePlan, topics } from '@ferry/contracts';
import { AvroCodec, RecordProducer } from '@ferry/kafka';
import { DlqRedriveRepository, placeId, RedrivenLetter } from '@ferry/persistence';

export interface StoredLetter {
  partition: number;
  offset: string;
  letter: DeadLetter;
  /** sent again by an earlier `ferry dlq redrive` */
  redriven: boolean;
}

export interface DlqFilter {
  /** source object or destination entity */
  object?: string;
  code?: string;
  phase?: string;
  /** letters written at or after */
  since?: Date;
}

interface RawMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: Buffer | null;
}

/**
 * Reads topics from their beginning to the end they had when the scan started, with a throwaway consumer group
 * (deleted afterwards), handing each message over as it comes: memory stays with the caller's choice of what to keep.
 */
export async function scanTopics(kafka: Kafka, names: string[], onMessage: (m: RawMessage) => void | Promise<void>, timeoutMs = 300_000): Promise<void> {
  if (!names.length) return;
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `ferry-cli-scan-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  try {
    const existing = new Set(await admin.listTopics());
    const pending = new Map<string, number>();
    for (const topic of names.filter((t) => existing.has(t))) {
      for (const p of await admin.fetchTopicOffsets(topic)) if (Number(p.high) > Number(p.low)) pending.set(`${topic}|${p.partition}`, Number(p.high) - 1);
    }
    if (!pending.size) return;
    const wanted = [...new Set([...pending.keys()].map((k) => k.slice(0, k.lastIndexOf('|'))))];
    await consumer.connect();
    await consumer.subscribe({ topics: wanted, fromBeginning: true });
    let failure: unknown = null;
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        try {
          const id = `${batch.topic}|${batch.partition}`;
          const last = pending.get(id);
          for (const m of batch.messages) {
            if (last !== undefined && Number(m.offset) > last) break;
            await onMessage({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key?.toString() ?? '', value: m.value });
          }
          if (last !== undefined && (Number(batch.lastOffset()) >= last || batch.offsetLag() === '0')) pending.delete(id);
        } catch (e) {
          failure = e;
          pending.clear();
        }
      },
    });
    await pollUntil(() => pending.size === 0, { timeoutMs, intervalMs: 100, what: `reading ${wanted.join(', ')} to its end` });
    if (failure) throw failure;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}

export function matches(l: DeadLetter, f: DlqFilter): boolean {
  if (f.object && l.objectType !== f.object && l.entity !== f.object) return false;
  if (f.code && l.code !== f.code) return false;
  if (f.phase && l.phase !== f.phase.toUpperCase()) return false;
  if (f.since && l.at < f.since.getTime()) return false;
  return true;
}

/** The migration's dead letters that match, in topic order, each flagged when an earlier redrive sent it. */
export async function readDeadLetters(kafka: Kafka, codec: AvroCodec, db: DataSource, migration: string, filter: DlqFilter = {}): Promise<StoredLetter[]> {
  const redriven = await new DlqRedriveRepository(db, migration).redriven();
  const out: StoredLetter[] = [];
  await scanTopics(kafka, [topics.dlq(migration)], async (m) => {
    if (!m.value) return;
    const letter = await codec.decode<DeadLetter>(m.value);
    if (matches(letter, filter)) out.push({ partition: m.partition, offset: m.offset, letter, redriven: redriven.has(placeId(m.partition, m.offset)) });
  });
  return out.sort((a, b) => a.letter.at - b.letter.at || a.partition - b.partition || Number(a.offset) - Number(b.offset));
}

export interface DlqGroup {
  objectType: string;
  entity: string | null;
  phase: string;
  code: string;
  letters: number;
  /** distinct records (a record rejected twice is one) */
  records: number;
  redriven: number;
  exampleKey: string;
  exampleReason: string;
}

/** Counts by object or entity, phase and code, with one example each. */
export function groupLetters(letters: StoredLetter[]): DlqGroup[] {
  const groups = new Map<string, DlqGroup & { keys: Set<string> }>();
  for (const s of letters) {
    const l = s.letter;
    const id = [l.objectType, l.entity ?? '', l.phase, l.code].join('|');
    let g = groups.get(id);
    if (!g) {
      g = { objectType: l.objectType, entity: l.entity, phase: l.phase, code: l.code, letters: 0, records: 0, redriven: 0, exampleKey: letterKey(l), exampleReason: l.reason, keys: new Set() };
      groups.set(id, g);
    }
    g.letters++;
    g.keys.add(letterKey(l));
    g.records = g.keys.size;
    if (s.redriven) g.redriven++;
  }
  return [...groups.values()].map(({ keys: _k, ...g }) => g).sort((a, b) => a.objectType.localeCompare(b.objectType) || a.phase.localeCompare(b.phase) || b.letters - a.letters);
}

/** What identifies the rejected record to a person: its destination key, else its source key, else file and line. */
export function letterKey(l: DeadLetter): string {
  if (l.phase === 'RESOLVE' || l.phase === 'LOAD') return l.targetKey ?? l.sourceKey ?? `${l.file}:${l.line}`;
  return l.sourceKey ?? `${l.file ?? '?'}:${l.line ?? '?'}`;
}

export interface RedriveOutcome {
  /** records sent again, per phase that rejected them */
  sent: Record<string, number>;
  /** dead letters those records cover */
  letters: number;
  /** letters an earlier redrive already sent (not sent again without `again`) */
  alreadyRedriven: number;
  /** records whose input event is no longer in the phase's input topic (retention) */
  notFound: { phase: string; object: string; key: string }[];
  /** malformed export rows: the extractor reads them again when a fixed export is dropped */
  extractRows: number;
}

/**
 * Sends rejected records through the phase that rejected them once more, as the latest event of that record in
 * the phase's input topic: the extracted record for a transform reject (so a fixed map maps it again), the
 * transformed event for a resolve reject, the resolved event for a load reject. The events are re-sent byte for
 * byte; every phase is idempotent by key, so a record sent twice is written once. Input topics are retained, so
 * nothing is copied into PostgreSQL: Kafka already is the record of what each phase was given.
 */
export async function redriveDeadLetters(
  kafka: Kafka,
  codec: AvroCodec,
  db: DataSource,
  plan: RoutePlan,
  migration: string,
  filter: DlqFilter,
  opts: { again?: boolean } = {},
): Promise<RedriveOutcome> {
  const all = await readDeadLetters(kafka, codec, db, migration, filter);
  const outcome: RedriveOutcome = { sent: {}, letters: 0, alreadyRedriven: 0, notFound: [], extractRows: 0 };
  const chosen: StoredLetter[] = [];
  for (const s of all) {
    if (s.letter.phase === 'EXTRACT' && !s.letter.sourceKey) outcome.extractRows++;
    else if (s.redriven && !opts.again) outcome.alreadyRedriven++;
    else chosen.push(s);
  }
  // Per input topic, the keys wanted and the letters they settle.
  const wanted = new Map<string, Map<string, { phase: string; object: string; letters: StoredLetter[] }>>();
  for (const s of chosen) {
    const l = s.letter;
    let topic: string;
    let key: string;
    if (l.phase === 'TRANSFORM' || l.phase === 'EXTRACT') {
      topic = topics.extracted(migration, l.sourceSystem, l.objectType);
      key = l.sourceKey!;
    } else if ((l.phase === 'RESOLVE' || l.phase === 'LOAD') && l.entity && l.targetKey) {
      topic = (l.phase === 'RESOLVE' ? topics.transformed : topics.resolved)(migration, plan.destination, l.entity);
      key = l.targetKey;
    } else {
      continue;
    }
    const byKey = wanted.get(topic) ?? new Map();
    wanted.set(topic, byKey);
    const w = byKey.get(key) ?? { phase: l.phase, object: l.entity && l.phase !== 'TRANSFORM' && l.phase !== 'EXTRACT' ? l.entity : l.objectType, letters: [] };
    byKey.set(key, w);
    w.letters.push(s);
  }
  const found = new Map<string, RawMessage>();
  await scanTopics(kafka, [...wanted.keys()], (m) => {
    if (m.value && wanted.get(m.topic)?.has(m.key)) found.set(`${m.topic}|${m.key}`, m);
  });

  const producer = new RecordProducer(kafka, codec);
  const repo = new DlqRedriveRepository(db, migration);
  await producer.connect();
  try {
    for (const [topic, byKey] of wanted) {
      const send: RawMessage[] = [];
      const settled: RedrivenLetter[] = [];
      const sources: { objectType: string; sourceKey: string }[] = [];
      for (const [key, w] of byKey) {
        const m = found.get(`${topic}|${key}`);
        if (!m) {
          outcome.notFound.push({ phase: w.phase, object: w.object, key });
          continue;
        }
        send.push(m);
        outcome.sent[w.phase] = (outcome.sent[w.phase] ?? 0) + 1;
        outcome.letters += w.letters.length;
        for (const s of w.letters) {
          settled.push({ partition: s.partition, offset: s.offset, phase: s.letter.phase, objectType: w.object, recordKey: key });
          if (s.letter.phase === 'TRANSFORM' || s.letter.phase === 'EXTRACT') sources.push({ objectType: s.letter.objectType, sourceKey: key });
        }
      }
      if (!send.length) continue;
      await repo.clearSourceRejections(sources);
      await producer.send(send.map((m) => ({ topic, key: m.key, value: null, wire: m.value! })));
      await repo.markRedriven(settled);
    }
  } finally {
    await producer.disconnect();
  }
  return outcome;
}

export function parseSince(text: string | undefined): Date | undefined {
  if (!text) return undefined;
  const rel = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (rel) return new Date(Date.now() - Number(rel[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as 's' | 'm' | 'h' | 'd']);
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new FerryError('USAGE', `--since "${text}" is neither an ISO 8601 time nor a duration such as 30m, 2h or 1d`, 'fatal');
  return at;
}
