import type { Kafka } from 'kafkajs';
import type { AvroCodec } from '@ferry/kafka';
import { pollUntil } from '@ferry/common';

/** Reads a topic from the beginning with a throwaway group until `count` messages arrived. */
export async function readTopic<T>(kafka: Kafka, codec: AvroCodec, topic: string, count: number, timeoutMs = 30_000): Promise<{ key: string; value: T }[]> {
  const got: { key: string; value: T }[] = [];
  const consumer = kafka.consumer({ groupId: `test-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      got.push({ key: message.key?.toString() ?? '', value: await codec.decode<T>(message.value as Buffer) });
    },
  });
  try {
    await pollUntil(() => got.length >= count, { timeoutMs, what: `${count} messages on ${topic} (got ${got.length})` });
    return got;
  } finally {
    await consumer.disconnect();
  }
}
