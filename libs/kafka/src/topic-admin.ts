import type { Admin, Kafka } from 'kafkajs';
import { FerryError } from '@ferry/common';
import { topicReplication } from '@ferry/config';

/** How the topics Ferry creates are replicated (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS by default). */
export interface TopicReplication {
  replicationFactor: number;
  minInsyncReplicas?: number;
}

/**
 * Creates the topics that do not exist yet. KRaft brokers reject subscriptions to unknown topics,
 * so every producer and consumer calls this first. Topics that exist are left as they are.
 */
export async function ensureTopics(kafka: Kafka, names: string[], partitions: number, replication: TopicReplication = topicReplication()): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopicsWith(admin, names, partitions, replication);
  } finally {
    await admin.disconnect();
  }
}

export async function ensureTopicsWith(admin: Admin, names: string[], partitions: number, replication: TopicReplication = topicReplication()): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [...new Set(names)].filter((n) => !existing.has(n));
  if (missing.length === 0) return;
  const configEntries = replication.minInsyncReplicas !== undefined ? [{ name: 'min.insync.replicas', value: String(replication.minInsyncReplicas) }] : [];
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: replication.replicationFactor, configEntries })),
    });
  } catch (e) {
    const text = describeCreateError(e);
    // Another service may have created it between our list and create: that is fine.
    if (/already exists/i.test(text)) return;
    if (/replication factor|INVALID_REPLICATION_FACTOR|min\.insync|INVALID_CONFIG/i.test(text)) {
      throw new FerryError('TOPIC_SETTINGS', `Kafka refused to create Ferry's topics with ${replication.replicationFactor} replica(s)${replication.minInsyncReplicas ? ` and min.insync.replicas ${replication.minInsyncReplicas}` : ''} (${text}); set KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS to what the cluster has`, 'fatal');
    }
    throw e;
  }
}

/** kafkajs reports a failed create as an aggregate whose message is generic: the brokers' own reasons are inside. */
function describeCreateError(e: unknown): string {
  const err = e as Error & { errors?: Array<{ message?: string; type?: string }> };
  const inner = (err.errors ?? []).map((x) => `${x.type ?? ''} ${x.message ?? ''}`.trim()).filter(Boolean);
  return [err.message, ...new Set(inner)].join('; ');
}
