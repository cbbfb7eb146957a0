import type { Kafka, Producer, ProducerBatch } from 'kafkajs';
import { CompressionTypes } from 'kafkajs';
import type { AvroCodec } from './avro.codec';

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

/**
 * Sends Avro-encoded records. Idempotent and acks=all, so when send() resolves the records are durable
 * and an offset may be committed behind them.
 */
export class RecordProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly codec: AvroCodec,
  ) {
    // An idempotent producer keeps retrying retriable errors (a broker restart) rather than give up and
    // reorder: the consumer behind it holds its offset meanwhile.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 10000 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    const byTopic = new Map<string, { key: string; value: Buffer; headers?: Record<string, string> }[]>();
    const encoded = await Promise.all(records.map((r) => this.codec.encode(r.topic, r.value)));
    records.forEach((r, i) => {
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key, value: encoded[i], headers: r.headers });
    });
    const batch: ProducerBatch = {
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    };
    await this.producer.sendBatch(batch);
  }
}
