import { hash, randomUUID } from 'crypto';
import * as avro from 'avsc';
import { contentHash, FerryError } from '@ferry/common';
import type { Envelope } from '@ferry/contracts';
import { topics } from '@ferry/contracts';
import type { RejectMessage, SourceOrigin, StreamDefinition, ValueIssue } from '@ferry/connectors/core';
import { AvroFrameWriter, type OutgoingRecord } from '@ferry/kafka';
import type { DeadLetterInput, Runtime } from '@ferry/runtime';

/** A record read from the source, keyed, encoded and hashed, waiting to be emitted. */
export interface PendingRecord {
  key: string;
  /** sha256 (hex) of `body`: equal records hash equally, whatever the key order they were read in */
  hash: string;
  /** the event's `record` field as Avro bytes (union branch and record); null for a delete */
  body: Buffer | null;
  origin: SourceOrigin;
  modifiedAt: number | null;
  /** values the connector left out of the record (unparseable in an optional field, placeholders) */
  issues?: ValueIssue[];
}

interface EventWriter {
  /** the wire header followed by the envelope's leading fields that are the same for every event of the stream */
  header: Buffer;
  /** the envelope's remaining fields, written per event */
  envelope: avro.Type;
  origin: avro.Type;
  record: avro.Type;
  /** how an invalid record's error names its schema */
  recordWhat: string;
  /** top-level map fields (unknown columns kept as custom fields): written with sorted keys so the bytes are canonical */
  maps: string[];
}

/**
 * Builds `extracted` events and dead letters for one stream and sends them; send() resolves once they are
 * durable in Kafka, which is when a caller may persist the checkpoint behind them.
 *
 * The source record is Avro-encoded once, when it is read: those bytes are hashed for change detection and
 * framed, unchanged, into the event. Record fields have the schema's fixed order and map keys are sorted,
 * so the bytes (and the hash) depend on the record's content alone.
 */
export class ExtractedEmitter {
  readonly topic: string;
  private writer: EventWriter | null = null;
  private readonly frames = new AvroFrameWriter();

  constructor(
    private readonly rt: Runtime,
    private readonly system: string,
    private readonly stream: StreamDefinition,
  ) {
    this.topic = topics.extracted(rt.migration, system, stream.name);
  }

  /** Keys, encodes and hashes a record; a record without a key, or one that does not fit its schema, is a reject. */
  pending(record: Record<string, unknown>, origin: SourceOrigin): PendingRecord | RejectMessage {
    const raw = record[this.stream.key];
    const where = () => (origin.file ? `${origin.file} line ${origin.line ?? '?'}` : (origin.resource ?? this.stream.name));
    if (raw === null || raw === undefined || raw === '') {
      return { type: 'reject', stream: this.stream.name, origin, code: 'MISSING_VALUE', reason: `${where()}: the record has no ${this.stream.key}; fill it in the source`, raw: rawText(record) };
    }
    const w = this.writer ?? this.resolveWriter();
    for (const m of w.maps) {
      const v = record[m];
      if (v && typeof v === 'object' && !Array.isArray(v)) record[m] = sortedKeys(v as Record<string, unknown>);
    }
    let body: Buffer;
    try {
      body = this.frames.frame([{ type: w.record, value: record, what: w.recordWhat }]);
    } catch (e) {
      return { type: 'reject', stream: this.stream.name, origin, code: 'BAD_RECORD', reason: `${where()}: record ${String(raw)} ${(e as Error).message}`, raw: rawText(record) };
    }
    const cursor = this.stream.cursor ? record[this.stream.cursor] : null;
    const created = record.created_at;
    const modifiedAt = typeof cursor === 'number' ? cursor : typeof created === 'number' ? created : null;
    return { key: String(raw), hash: hash('sha256', body, 'hex'), body, origin, modifiedAt };
  }

  deletion(key: string, origin: SourceOrigin, modifiedAt: number | null = null): PendingRecord {
    return { key, hash: contentHash({ deleted: key }), body: null, origin, modifiedAt };
  }

  /** Sends the records; rejects go to the DLQ. Returns how many records could not be framed (dead-lettered too). */
  async send(records: PendingRecord[], rejects: RejectMessage[]): Promise<number> {
    const { out, letters } = this.events(records, rejects);
    if (out.length) await this.rt.producer.send(out);
    if (letters.length) await this.rt.deadLetter(letters);
    this.rt.metrics?.countRecords('extract', 'extracted', this.stream.name, out.length);
    this.rt.metrics?.countRecords('extract', 'dlq', this.stream.name, letters.length);
    return records.length - out.length;
  }

  /** The `extracted` events of the records, in wire format, and the dead letters of the rejects and of records that do not frame. */
  events(records: PendingRecord[], rejects: RejectMessage[]): { out: OutgoingRecord[]; letters: DeadLetterInput[] } {
    const letters = rejects.map((r) => this.letter(r));
    const out: OutgoingRecord[] = [];
    if (records.length) {
      const w = this.writer ?? this.resolveWriter();
      for (const p of records) {
        // the whole envelope, though the type writes only the fields after the constant prefix
        const envelope: Envelope = {
          migration: this.rt.migration,
          run: this.rt.run,
          sourceSystem: this.system,
          objectType: this.stream.name,
          sourceKey: p.key,
          operation: p.body ? 'UPSERT' : 'DELETE',
          sourceModifiedAt: p.modifiedAt,
          contentHash: p.hash,
          mapVersion: null,
          traceId: randomUUID(),
        };
        try {
          const origin = { file: p.origin.file ?? null, line: p.origin.line ?? null, resource: p.origin.resource ?? null };
          const wire = this.frames.frame([w.header, { type: w.envelope, value: envelope, what: 'the envelope schema' }, { type: w.origin, value: origin, what: 'the origin schema' }, p.body ?? NULL_BRANCH]);
          out.push({ topic: this.topic, key: p.key, value: null, wire });
        } catch (e) {
          letters.push({ ...this.letter({ type: 'reject', stream: this.stream.name, origin: p.origin, code: 'BAD_RECORD', reason: `record ${p.key}: ${(e as Error).message}`, raw: null }), sourceKey: p.key });
        }
      }
    }
    return { out, letters };
  }

  /** The registered event schema split into its three fields, checked to be the envelope–origin–record shape. */
  private resolveWriter(): EventWriter {
    const { type, header } = this.rt.codec.writer(this.topic);
    const fields = (type as avro.types.RecordType).fields ?? [];
    if (fields.map((f) => f.name).join(',') !== 'envelope,origin,record') {
      throw new FerryError('SCHEMA_MISMATCH', `${this.topic}: the registered schema is not an extracted-event schema (fields ${fields.map((f) => f.name).join(', ')})`, 'fatal');
    }
    const record = fields[2].type;
    const { prefix, rest } = splitEnvelope(fields[0].type as avro.types.RecordType, this.constants());
    const branch = (record as avro.types.UnwrappedUnionType).types?.find((t) => t.typeName === 'record') as avro.types.RecordType | undefined;
    const maps = (branch?.fields ?? []).filter((f) => isMap(f.type)).map((f) => f.name);
    this.writer = { header: Buffer.concat([header, prefix]), envelope: rest, origin: fields[1].type, record, recordWhat: `the ${this.system} ${this.stream.name} schema`, maps };
    return this.writer;
  }

  private constants(): StreamConstants {
    return { migration: this.rt.migration, run: this.rt.run, sourceSystem: this.system, objectType: this.stream.name };
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

/** Envelope fields every event of one stream carries alike. */
type StreamConstants = Pick<Envelope, 'migration' | 'run' | 'sourceSystem' | 'objectType'>;

/**
 * An Avro record is its fields' encodings back to back, so the envelope's leading fields that are constant for
 * the stream are encoded once, here, and each event writes only the fields after them (through a record type
 * of just those fields, of the same types). Byte for byte, the result is the whole envelope encoded at once.
 */
function splitEnvelope(envelope: avro.types.RecordType, constants: StreamConstants): { prefix: Buffer; rest: avro.Type } {
  const values = constants as Record<string, unknown>;
  let n = 0;
  while (n < envelope.fields.length && Object.hasOwn(values, envelope.fields[n].name)) n++;
  const prefix = Buffer.concat(envelope.fields.slice(0, n).map((f) => f.type.toBuffer(values[f.name])));
  const rest = avro.Type.forSchema({ type: 'record', name: 'EnvelopeAfterStreamFields', namespace: 'ferry.internal', fields: envelope.fields.slice(n).map((f) => ({ name: f.name, type: f.type as unknown as avro.Schema })) });
  return { prefix, rest };
}

/** Avro for the null branch of the event's `record` union: a delete. */
const NULL_BRANCH = Buffer.from([0]);

function isMap(t: avro.Type): boolean {
  if (t.typeName === 'map') return true;
  const branches = (t as avro.types.UnwrappedUnionType).types;
  return Array.isArray(branches) && branches.some((b) => b.typeName === 'map');
}

function sortedKeys(o: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(o);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1] < keys[i];
  if (sorted) return o;
  const out: Record<string, unknown> = {};
  for (const k of keys.sort()) out[k] = o[k];
  return out;
}

function rawText(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record).slice(0, 4096);
  } catch {
    return String(record);
  }
}
