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
  private readonly producer: BatchSender;
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
    this.producer = options.thread ? new ProducerThread(options.thread.settings, config, options.thread.logger) : kafka.producer(config);
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
    await this.producer.sendBatch(batch);
    if (this.logger) weatherOf(this.logger).back('Kafka');
    return invalid;
  }
}
