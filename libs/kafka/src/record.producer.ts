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
  /** a send not answered in this long is given up and the producer replaced (default FERRY_PRODUCE_TIMEOUT_MS or 45 s) */
  sendTimeoutMs?: number;
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
  /** set when the producer was replaced: the next send connects the new one first */
  private needsConnect = false;
  private connecting: Promise<void> | null = null;
  private readonly sendTimeoutMs: number;
  private readonly logger?: Logger;

  constructor(
    kafka: Kafka,
    private readonly codec: AvroCodec,
    options: RecordProducerOptions = {},
  ) {
    // At least once, in order: one request in flight, acks from every in-sync copy, and retriable errors (a broker
    // restart) retried rather than given up, while the consumer behind holds its offset. Not kafkajs' idempotent
    // mode: after a partition leader moved, its sequence numbers fell behind the new leader's, and the new leader
    // took later batches as duplicates, answered success and wrote nothing (bench:cluster lost 8-50 records per
    // broker kill that way). A batch sent twice is harmless here: every consumer downstream takes it as one record.
    const config = {
      idempotent: false,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      metadataMaxAge: KAFKA_METADATA_MAX_AGE_MS,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
    };
    this.logger = options.logger ?? options.thread?.logger;
    this.sendTimeoutMs = options.sendTimeoutMs ?? Number(process.env.FERRY_PRODUCE_TIMEOUT_MS ?? 45_000);
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
    await this.connected();
    const sender = this.producer;
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => resolve('stalled'), this.sendTimeoutMs);
    });
    let answer: unknown;
    try {
      answer = await Promise.race([sender.sendBatch(batch), stalled]);
    } finally {
      clearTimeout(timer);
    }
    if (answer === 'stalled') this.renew(sender, `no answer within ${this.sendTimeoutMs} ms (kafkajs kept retrying a broker that is gone)`);
    if (this.logger) weatherOf(this.logger).back('Kafka');
    return invalid;
  }

  /**
   * After a partition leader moved (a broker died), a kafkajs producer can keep retrying the broker that is gone and
   * never answer. A new producer (metadata read afresh) is the cure. The batch is reported as a Kafka outage, so the
   * caller sends it again rather than committing past it; a record the old producer did write arrives twice, which
   * every consumer downstream takes as one record.
   */
  private renew(failed: BatchSender, why: string): never {
    // Two sends failing on the same producer replace it once.
    if (this.producer === failed) {
      this.producer = this.make();
      this.needsConnect = true;
      this.logger?.warn({ err: why }, 'the Kafka producer was replaced by a new one; the batch is sent again');
      // Not awaited: a producer stuck in its retries may not close promptly either.
      void failed.disconnect().catch(() => undefined);
    }
    throw new FerryError('BROKER_UNREACHABLE', `Kafka did not take a batch (${why}); sending it again with a new producer`, 'retry');
  }

  /** Connects a replacement producer before its first send (once, however many sends wait). */
  private async connected(): Promise<void> {
    if (!this.needsConnect) return;
    this.connecting ??= this.producer
      .connect()
      .then(() => {
        this.needsConnect = false;
      })
      .finally(() => {
        this.connecting = null;
      });
    await this.connecting;
  }
}
