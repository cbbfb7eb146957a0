import { randomUUID } from 'crypto';
import { contentHash } from '../../../libs/common/src';
import type { ExtractedEvent } from '../../../libs/contracts/src';
import { topics } from '../../../libs/contracts/src';
import type { RejectMessage, SourceOrigin, StreamDefinition } from '../../../libs/connectors/core/src';
import type { OutgoingRecord } from '../../../libs/kafka/src';
import type { DeadLetterInput, Runtime } from '../../../libs/runtime/src';

/** A record read from the source, keyed and hashed, waiting to be emitted. */
export interface PendingRecord {
  key: string;
  hash: string;
  record: Record<string, unknown> | null;
  origin: SourceOrigin;
  modifiedAt: number | null;
}

/**
 * Builds `extracted` events and dead letters for one stream and sends them; send() resolves once they are
 * durable in Kafka, which is when a caller may persist the checkpoint behind them.
 */
export class ExtractedEmitter {
  readonly topic: string;

  constructor(
    private readonly rt: Runtime,
    private readonly system: string,
    private readonly stream: StreamDefinition,
  ) {
    this.topic = topics.extracted(rt.migration, system, stream.name);
  }

  /** Keys and hashes a record; null when it carries no key (quarantined by the caller). */
  pending(record: Record<string, unknown>, origin: SourceOrigin): PendingRecord | null {
    const raw = record[this.stream.key];
    if (raw === null || raw === undefined || raw === '') return null;
    const cursor = this.stream.cursor ? record[this.stream.cursor] : null;
    const created = record.created_at;
    const modifiedAt = typeof cursor === 'number' ? cursor : typeof created === 'number' ? created : null;
    return { key: String(raw), hash: contentHash(record), record, origin, modifiedAt };
  }

  deletion(key: string, origin: SourceOrigin, modifiedAt: number | null = null): PendingRecord {
    return { key, hash: contentHash({ deleted: key }), record: null, origin, modifiedAt };
  }

  /** Returns how many records did not fit the schema and went to the DLQ instead. */
  async send(records: PendingRecord[], rejects: RejectMessage[]): Promise<number> {
    const out: OutgoingRecord[] = records.map((p) => {
      const event: ExtractedEvent = {
        envelope: {
          migration: this.rt.migration,
          run: this.rt.run,
          sourceSystem: this.system,
          objectType: this.stream.name,
          sourceKey: p.key,
          operation: p.record ? 'UPSERT' : 'DELETE',
          sourceModifiedAt: p.modifiedAt,
          contentHash: p.hash,
          mapVersion: null,
          traceId: randomUUID(),
        },
        origin: { file: p.origin.file ?? null, line: p.origin.line ?? null, resource: p.origin.resource ?? null },
        record: p.record,
      };
      return { topic: this.topic, key: p.key, value: event };
    });
    const invalid = await this.rt.producer.send(out, { skipInvalid: true });
    const letters = rejects.map((r) => this.letter(r));
    for (const { record, reason } of invalid) {
      const e = record.value as ExtractedEvent;
      const where = e.origin?.file ? `${e.origin.file} line ${e.origin.line ?? '?'}` : (e.origin?.resource ?? this.stream.name);
      letters.push({ ...this.letter({ type: 'reject', stream: this.stream.name, origin: { file: e.origin?.file ?? undefined, line: e.origin?.line ?? undefined, resource: e.origin?.resource ?? undefined }, code: 'BAD_RECORD', reason: `${where}: record ${record.key} ${reason}`, raw: JSON.stringify(e.record).slice(0, 4096) }), sourceKey: record.key });
    }
    if (letters.length) await this.rt.deadLetter(letters);
    return invalid.length;
  }

  letter(r: RejectMessage): DeadLetterInput {
    return {
      phase: 'EXTRACT',
      sourceSystem: this.system,
      objectType: this.stream.name,
      sourceKey: null,
      file: r.origin.file ?? r.origin.resource ?? null,
      line: r.origin.line ?? null,
      code: r.code,
      reason: r.reason,
      raw: r.raw,
    };
  }
}
