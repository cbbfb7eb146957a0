import type { Kafka, ProducerBatch } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import type { AvroCodec } from './avro.codec';
import { FerryError, type Logger, weatherOf } from '@ferry/common';
import { KAFKA_METADATA_MAX_AGE_MS, type KafkaSettings } from './kafka.factory';
import { ProducerThread, type BatchSender } from './producer.thread';

export interface RecordProducerOptions {
  /** run kafkajs in a producer thread of its own (see ProducerThread), connecting with these settings */
  thread?: { settings: KafkaSettings; logger: Logger };
  /** told when a send goes through, so a "waiting for Kafka" it logged is followed by "Kafka is back" */
  logger?: Logger;
}

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: unknown;
  /** the value already in Confluent wire format (header and Avro body); `value` is then not encoded again */
  wire?: Buffer;
  headers?: Record<string, string>;
}

/**
 * Sends Avro-encoded records. Idempotent and acks=all, so when send() resolves the records are durable
 * and an offset may be committed behind them.
 */
export class RecordProducer {
  private producer: BatchSender;
  private readonly make: () => BatchSender;
  private renewing: Promise<void> = Promise.resolve();
  private readonly logger?: Logger;

  constructor(
    kafka: Kafka,
    private readonly codec: AvroCodec,
    options: RecordProducerOptions = {},
  ) {
    // An idempotent producer keeps retrying retriable errors (a broker restart) rather than give up and
    // reorder: the consumer behind it holds its offset meanwhile.
    const config = {
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      metadataMaxAge: KAFKA_METADATA_MAX_AGE_MS,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
    };
    this.logger = options.logger ?? options.thread?.logger;
    this.make = () => (options.thread ? new ProducerThread(options.thread.settings, config, options.thread.logger) : kafka.producer(config));
    this.producer = this.make();
  }

  /** whether kafkajs runs in a producer thread of its own */
  get threaded(): boolean {
    return this.producer instanceof ProducerThread;
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /**
   * Sends every record that encodes. By default a value that does not fit its schema throws before anything is
   * sent; with `skipInvalid` such records are left out and returned with the reason, for the caller to dead-letter.
   */
  async send(records: OutgoingRecord[], options: { skipInvalid?: boolean } = {}): Promise<Array<{ record: OutgoingRecord; reason: string }>> {
    const invalid: Array<{ record: OutgoingRecord; reason: string }> = [];
    if (records.length === 0) return invalid;
    const byTopic = new Map<string, { key: string; value: Buffer; headers?: Record<string, string> }[]>();
    for (const r of records) {
      let value: Buffer;
      try {
        value = r.wire ?? this.codec.encodeSync(r.topic, r.value);
      } catch (e) {
        if (!options.skipInvalid || !(e instanceof FerryError) || e.code !== 'AVRO_INVALID') throw e;
        invalid.push({ record: r, reason: e.message });
        continue;
      }
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key, value, headers: r.headers });
    }
    if (byTopic.size === 0) return invalid;
    const batch: ProducerBatch = {
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    };
    const sender = this.producer;
    try {
      await sender.sendBatch(batch);
    } catch (e) {
      if (!lostSequence(e)) throw e;
      await this.renew(sender, e as Error);
    }
    if (this.logger) weatherOf(this.logger).back('Kafka');
    return invalid;
  }

  /**
   * After a partition leader moved (a broker died), a partition's new leader may refuse an idempotent producer's
   * next sequence number for good (OUT_OF_ORDER_SEQUENCE_NUMBER), and kafkajs keeps sending it: every later send to
   * that partition fails. A new producer (new producer id, sequences from zero) is the cure. The batch is reported
   * as a Kafka outage, so the caller sends it again rather than committing past it; a record the old producer did
   * write arrives twice, which every consumer downstream takes as the same record.
   */
  private async renew(failed: BatchSender, cause: Error): Promise<never> {
    // Two sends failing at once renew it once: the second waits for the first's new producer.
    if (this.producer === failed) {
      this.producer = this.make();
      this.logger?.warn({ err: cause.message }, 'the Kafka producer lost its sequence after a leader change: replaced by a new one, the batch is sent again');
      this.renewing = (async () => {
        await failed.disconnect().catch(() => undefined);
        await this.producer.connect().catch(() => undefined);
      })();
    }
    await this.renewing;
    throw new FerryError('BROKER_UNREACHABLE', `Kafka refused the producer's sequence after a leader change (${cause.message}); sending again with a new producer`, 'retry');
  }
}

/** kafkajs' idempotent producer cannot recover from these: its producer id or sequences no longer match the broker's. */
function lostSequence(e: unknown): boolean {
  const err = e as { type?: string; message?: string; cause?: { type?: string; message?: string } } | null;
  const text = [err?.type, err?.message, err?.cause?.type, err?.cause?.message].filter(Boolean).join(' ');
  return /OUT_OF_ORDER_SEQUENCE_NUMBER|out of order sequence number|UNKNOWN_PRODUCER_ID|INVALID_PRODUCER_EPOCH|producer attempted to use a producer id which is not currently assigned/i.test(text);
}
