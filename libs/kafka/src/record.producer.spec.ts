import type { Kafka, ProducerBatch } from 'kafkajs';
import type { AvroCodec } from './avro.codec';
import { RecordProducer } from './record.producer';

/** A kafkajs producer stand-in that records what it was asked; it fails, or never answers, as told. */
class FakeProducer {
  connected = 0;
  disconnected = 0;
  sent: ProducerBatch[] = [];
  constructor(private readonly behaviour: 'ok' | 'hang' | (() => Error) = 'ok') {}
  async connect() { this.connected++; }
  async disconnect() { this.disconnected++; }
  async sendBatch(batch: ProducerBatch) {
    if (this.behaviour === 'hang') return new Promise<never>(() => undefined);
    if (typeof this.behaviour === 'function') throw this.behaviour();
    this.sent.push(batch);
  }
}

describe('RecordProducer after a partition leader moved', () => {
  const wire = Buffer.from([0, 0, 0, 0, 1, 2]);
  const record = { topic: 'ferry.m.resolved.dynamics.email', key: 'E-1', value: null, wire };

  function producerWith(...made: FakeProducer[]) {
    const queue = [...made];
    const kafka = { producer: () => queue.shift() } as unknown as Kafka;
    return new RecordProducer(kafka, {} as AvroCodec, { sendTimeoutMs: 200 });
  }

  it('gives up a send that kafkajs never answers (it retries a broker that is gone) and sends with a new producer', async () => {
    const stuck = new FakeProducer('hang');
    const fresh = new FakeProducer();
    const p = producerWith(stuck, fresh);
    await p.connect();
    await expect(p.send([record])).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE', disposition: 'retry' });
    expect(stuck.disconnected).toBe(1);
    expect(fresh.connected).toBe(0);
    // The next send connects the new producer first, then sends the same bytes.
    await p.send([record]);
    expect(fresh.connected).toBe(1);
    expect(fresh.sent).toHaveLength(1);
    expect(fresh.sent[0].topicMessages?.[0].messages[0].value).toBe(wire);
  });

  it('renews once when two sends stall on the same producer', async () => {
    const stuck = new FakeProducer('hang');
    const fresh = new FakeProducer();
    const p = producerWith(stuck, fresh);
    const results = await Promise.allSettled([p.send([record]), p.send([record])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await Promise.all([p.send([record]), p.send([record])]);
    expect(fresh.connected).toBe(1);
    expect(fresh.sent).toHaveLength(2);
  });

  it('passes any error kafkajs gives on untouched, keeping its producer', async () => {
    const refused = new FakeProducer(() => new Error('This server does not host this topic-partition'));
    const p = producerWith(refused, new FakeProducer());
    await expect(p.send([record])).rejects.toThrow('does not host this topic-partition');
    expect(refused.disconnected).toBe(0);
  });
});
