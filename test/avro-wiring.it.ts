import { createLogger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { DeadLetter, extractedValueSchema, ExtractedEvent, topics } from '@ferry/contracts';
import { AvroCodec, BatchConsumer, ConsumedRecord, createKafka, ensureTopics, RecordProducer } from '@ferry/kafka';
import { pollUntil } from '@ferry/common';
import { uniqueMigration } from './support/it-env';

const cfg = loadConfig([settings.kafka]);
const logger = createLogger('test', 'warn');

describe('Avro through the real registry and broker', () => {
  const migration = uniqueMigration('avro');
  const topic = topics.extracted(migration, 'leaf360', 'company');
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, logger);
  const codec = new AvroCodec(cfg.SCHEMA_REGISTRY_URL);
  const producer = new RecordProducer(kafka, codec);

  const event: ExtractedEvent = {
    envelope: {
      migration, run: 'r1', sourceSystem: 'leaf360', objectType: 'company', sourceKey: 'CO-1', operation: 'UPSERT',
      sourceModifiedAt: 1_700_000_000_000, contentHash: 'h', mapVersion: null, traceId: 't-1',
    },
    origin: { file: 'companies.csv', line: 2, resource: null },
    record: {
      company_id: 'CO-1', name: 'Harbor Homes — Ünïcödé 🏠', domain: null, phone: null, industry: null, property_address: null,
      city: null, state: null, zip: null, parent_company_id: null, created_at: 1, updated_at: null, custom: { extra: 'kept' },
    },
  };

  beforeAll(async () => {
    await ensureTopics(kafka, [topic, topics.dlq(migration)], 3);
    await codec.register(topic, extractedValueSchema('leaf360', 'company'));
    await producer.connect();
  });
  afterAll(() => producer.disconnect());

  it('registers under <topic>-value with BACKWARD compatibility', async () => {
    const res = await fetch(`${cfg.SCHEMA_REGISTRY_URL}/config/${encodeURIComponent(`${topic}-value`)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { compatibilityLevel: string };
    expect(body.compatibilityLevel.toUpperCase()).toBe('BACKWARD');
    // The subject list is paged by the registry, and a shared broker holds many migrations' subjects: ask for this one.
    const versions = await fetch(`${cfg.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(`${topic}-value`)}/versions`);
    expect(versions.status).toBe(200);
    expect(((await versions.json()) as number[]).length).toBeGreaterThanOrEqual(1);
  });

  it('round-trips an event through the broker in Confluent wire format, committing after the handler', async () => {
    await producer.send([{ topic, key: 'CO-1', value: event }]);
    const got: ConsumedRecord<ExtractedEvent>[] = [];
    const consumer = new BatchConsumer<ExtractedEvent>({
      kafka, codec, groupId: `${migration}.test`, topics: [topic], logger,
      handle: async (b) => void got.push(...b),
      onPoison: async () => undefined,
    });
    await consumer.start();
    try {
      await pollUntil(() => got.length === 1, { what: 'the event' });
      expect(got[0].key).toBe('CO-1');
      expect(got[0].value).toEqual(event);
      const admin = kafka.admin();
      await admin.connect();
      const committed = await pollUntil(async () => {
        const [t] = await admin.fetchOffsets({ groupId: `${migration}.test`, topics: [topic] });
        const sum = t.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
        return sum === 1 ? sum : undefined;
      }, { what: 'the committed offset' });
      expect(committed).toBe(1);
      await admin.disconnect();
    } finally {
      await consumer.stop();
    }
  });

  it('hands an undecodable message to the poison handler instead of stopping', async () => {
    const dlqTopic = topics.dlq(migration);
    const raw = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await raw.connect();
    await raw.send({ topic: dlqTopic, messages: [{ key: 'junk', value: Buffer.from('not avro at all') }] });
    await raw.disconnect();
    const poison: string[] = [];
    const consumer = new BatchConsumer<DeadLetter>({
      kafka, codec, groupId: `${migration}.poison`, topics: [dlqTopic], logger,
      handle: async () => undefined,
      onPoison: async (p) => void poison.push(...p.map((x) => x.reason)),
    });
    await consumer.start();
    try {
      await pollUntil(() => poison.length >= 1, { what: 'the poison message' });
      expect(poison[0]).toMatch(/not a decodable Avro value/);
    } finally {
      await consumer.stop();
    }
  });
});
