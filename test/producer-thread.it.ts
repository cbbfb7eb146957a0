import { createLogger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { extractedValueSchema, ExtractedEvent, topics } from '@ferry/contracts';
import { AvroCodec, createKafka, ensureTopics, RecordProducer } from '@ferry/kafka';
import { readTopic } from './support/topic-reader';
import { uniqueMigration } from './support/it-env';

const cfg = loadConfig([settings.kafka]);
const logger = createLogger('test', 'warn');

describe('the producer thread against the real broker', () => {
  const migration = uniqueMigration('pthread');
  const topic = topics.extracted(migration, 'leaf360', 'company');
  const settingsFor = { brokers: cfg.KAFKA_BROKERS, clientId: 'test-thread' };
  const kafka = createKafka(settingsFor, logger);
  const codec = new AvroCodec(cfg.SCHEMA_REGISTRY_URL);
  const producer = new RecordProducer(kafka, codec, { thread: { settings: settingsFor, logger } });

  const event = (i: number): ExtractedEvent => ({
    envelope: {
      migration, run: 'r1', sourceSystem: 'leaf360', objectType: 'company', sourceKey: `CO-${i}`, operation: 'UPSERT',
      sourceModifiedAt: 1_700_000_000_000 + i, contentHash: `h${i}`, mapVersion: null, traceId: `t-${i}`,
    },
    origin: { file: 'companies.csv', line: i + 2, resource: null },
    record: {
      company_id: `CO-${i}`, name: `Harbor Homes ${i} — 🏠`, domain: null, phone: null, industry: null, property_address: null,
      city: null, state: null, zip: null, parent_company_id: null, created_at: i, updated_at: null, custom: {},
    },
  });

  beforeAll(async () => {
    await ensureTopics(kafka, [topic], 3);
    await codec.register(topic, extractedValueSchema('leaf360', 'company'));
    await producer.connect();
  });
  afterAll(() => producer.disconnect());

  it('delivers every record, pre-framed or encoded here, with its key', async () => {
    expect(producer.threaded).toBe(true);
    const wire = codec.encodeSync(topic, event(0));
    await producer.send([{ topic, key: 'CO-0', value: null, wire }, ...Array.from({ length: 499 }, (_, i) => ({ topic, key: `CO-${i + 1}`, value: event(i + 1) }))]);
    const got = await readTopic<ExtractedEvent>(kafka, codec, topic, 500);
    expect(got).toHaveLength(500);
    const byKey = new Map(got.map((g) => [g.key, g.value]));
    expect(byKey.get('CO-0')).toEqual(event(0));
    expect(byKey.get('CO-499')).toEqual(event(499));
  });

  it('refuses a value that does not fit before anything is sent, and keeps working after it', async () => {
    const bad = { ...event(1000), record: { ...event(1000).record!, created_at: 'yesterday' } };
    await expect(producer.send([{ topic, key: 'CO-bad', value: bad }])).rejects.toThrow(/created_at="yesterday"/);
    await producer.send([{ topic, key: 'CO-after', value: event(1001) }]);
    const got = await readTopic<ExtractedEvent>(kafka, codec, topic, 501);
    expect(got.some((g) => g.key === 'CO-after')).toBe(true);
    expect(got.some((g) => g.key === 'CO-bad')).toBe(false);
  });

  it('says in one line that the thread is gone when asked to send after it stopped', async () => {
    const other = new RecordProducer(kafka, codec, { thread: { settings: settingsFor, logger } });
    await other.connect();
    await other.disconnect();
    await expect(other.send([{ topic, key: 'CO-late', value: event(2000) }])).rejects.toThrow(/producer thread is not running/);
  });
});
