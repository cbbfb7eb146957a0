import type { Admin, Kafka } from 'kafkajs';
import { FerryError, sleep } from '@ferry/common';
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
    // Not kafkajs' waitForLeaders: it asks one broker, and on a cluster that broker may not know the new topic yet
    // ("This server does not host this topic-partition"), which kafkajs does not retry. waitForTopics does.
    await admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: replication.replicationFactor, configEntries })),
    });
  } catch (e) {
    const text = describeCreateError(e);
    if (/replication factor|INVALID_REPLICATION_FACTOR|min\.insync|INVALID_CONFIG/i.test(text)) {
      throw new FerryError('TOPIC_SETTINGS', `Kafka refused to create Ferry's topics with ${replication.replicationFactor} replica(s)${replication.minInsyncReplicas ? ` and min.insync.replicas ${replication.minInsyncReplicas}` : ''} (${text}); set KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS to what the cluster has`, 'fatal');
    }
    // Another service may have created it between our list and create: that is fine.
    if (!/already exists/i.test(text)) throw e;
  }
  await waitForTopics(admin, missing);
}

/** Until every partition of the topics has a leader in the metadata the brokers serve (30 s at most). */
async function waitForTopics(admin: Admin, names: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 1000)) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      if (topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (e) {
      if (!/does not host this topic-partition|LEADER_NOT_AVAILABLE|There is no leader/i.test((e as Error).message) || Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new FerryError('TOPICS_NOT_READY', `Kafka created ${names.length} topic(s) but their partitions have no leader ${timeoutMs / 1000} s later (first: ${names[0]})`, 'fatal');
    await sleep(delay);
  }
}

/** kafkajs reports a failed create as an aggregate whose message is generic: the brokers' own reasons are inside. */
function describeCreateError(e: unknown): string {
  const err = e as Error & { errors?: Array<{ message?: string; type?: string }> };
  const inner = (err.errors ?? []).map((x) => `${x.type ?? ''} ${x.message ?? ''}`.trim()).filter(Boolean);
  return [err.message, ...new Set(inner)].join('; ');
}
