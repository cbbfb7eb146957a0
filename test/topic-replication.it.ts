import { ConfigResourceTypes } from 'kafkajs';
import { createLogger, FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { topics } from '@ferry/contracts';
import { createKafka, ensureTopics } from '@ferry/kafka';
import { uniqueMigration } from './support/it-env';

const cfg = loadConfig([settings.kafka]);

describe('topic replication settings against the real (single) broker', () => {
  const migration = uniqueMigration('replication');
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test-replication', retries: 2 }, createLogger('test', 'silent'));
  const admin = kafka.admin();

  beforeAll(() => admin.connect());
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topics.dlq(migration)] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('creates topics with the min.insync.replicas asked for', async () => {
    const topic = topics.dlq(migration);
    await ensureTopics(kafka, [topic], 2, { replicationFactor: 1, minInsyncReplicas: 1 });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
    });
    const entry = resources[0].configEntries.find((c) => c.configName === 'min.insync.replicas');
    expect(entry).toMatchObject({ configValue: '1', isDefault: false });
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0].partitions.map((p) => p.replicas.length)).toEqual([1, 1]);
  });

  it('names the settings in one line when the cluster has fewer brokers than the replication asked for', async () => {
    const err = await ensureTopics(kafka, [topics.control(migration)], 1, { replicationFactor: 3, minInsyncReplicas: 2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('TOPIC_SETTINGS');
    expect((err as Error).message).toMatch(/^Kafka refused to create Ferry's topics with 3 replica\(s\) and min\.insync\.replicas 2 \(.*\); set KAFKA_REPLICATION_FACTOR/);
    expect((err as Error).message).not.toContain('\n');
    expect(await admin.listTopics()).not.toContain(topics.control(migration));
  });
});
