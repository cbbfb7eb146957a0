import type { Admin, Kafka } from 'kafkajs';

/**
 * Creates the topics that do not exist yet. KRaft brokers reject subscriptions to unknown topics,
 * so every producer and consumer calls this first.
 */
export async function ensureTopics(kafka: Kafka, names: string[], partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopicsWith(admin, names, partitions);
  } finally {
    await admin.disconnect();
  }
}

export async function ensureTopicsWith(admin: Admin, names: string[], partitions: number): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(names)].filter((n) => !existing.has(n));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  } catch (e) {
    // Another service may have created it between our list and create: that is fine.
    if (!/already exists/i.test(String((e as Error).message))) throw e;
  }
}
