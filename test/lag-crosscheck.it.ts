import { execFileSync } from 'child_process';
import * as path from 'path';
import { createLogger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { allRouteTopics, consumerGroups, topics } from '@ferry/contracts';
import { templateMap } from '@ferry/mapping';
import { createKafka, ensureTopics } from '@ferry/kafka';
import { groupLag } from '@ferry/ops';
import { uniqueMigration } from './support/it-env';

const cfg = loadConfig([settings.kafka]);

describe('consumer lag', () => {
  it("agrees with Kafka's own ConsumerGroupCommand, partition by partition", async () => {
    const migration = uniqueMigration('lag');
    const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
    await ensureTopics(kafka, allRouteTopics(templateMap('leaf360-dynamics').plan, migration), 3);
    const topic = topics.extracted(migration, 'leaf360', 'company');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: 'x', partition: i % 3 })) });
    await producer.disconnect();
    const group = consumerGroups.transform(migration);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: '3' }, { partition: 1, offset: '7' }, { partition: 2, offset: '10' }] });
      const ours = (await groupLag(admin, templateMap('leaf360-dynamics').plan, migration)).find((g) => g.group === group)!;
      const oursByPartition = ours.partitions.filter((p) => p.topic === topic).map((p) => [p.partition, p.lag]);

      const tool = path.resolve(__dirname, '..', 'infra', 'kafka-tool.sh');
      const out = execFileSync('bash', [tool, 'consumer-groups', '--bootstrap-server', cfg.KAFKA_BROKERS, '--describe', '--group', group], { encoding: 'utf8' });
      const theirs = out
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((cols) => cols[1] === topic)
        .map((cols) => [Number(cols[2]), Number(cols[5])])
        .sort((a, b) => a[0] - b[0]);
      // A retried send may duplicate on a loaded machine: expect end offset minus the offset we set.
      const ends = await admin.fetchTopicOffsets(topic);
      const set: Record<number, number> = { 0: 3, 1: 7, 2: 10 };
      const expected = ends.map((e) => [e.partition, Number(e.high) - set[e.partition]]).sort((a, b) => a[0] - b[0]);
      expect(expected.map(([, lag]) => lag).some((lag) => lag > 0)).toBe(true);
      expect(theirs).toEqual(expected);
      expect(oursByPartition).toEqual(theirs);
    } finally {
      await admin.disconnect();
    }
  });
});
