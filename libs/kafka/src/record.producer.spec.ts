import type { Kafka, ProducerBatch } from 'kafkajs';
import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { FerryError } from '@ferry/common';
import type { AvroCodec } from './avro.codec';
import { RecordProducer } from './record.producer';

/** A kafkajs producer stand-in that records what it was asked and fails as told. */
class FakeProducer {
  connected = 0;
  disconnected = 0;
  sent: ProducerBatch[] = [];
  constructor(private readonly fail: (() => Error) | null, private readonly hang = false) {}
  async connect() { this.connected++; }
  async disconnect() { this.disconnected++; }
  async sendBatch(batch: ProducerBatch) {
    if (this.hang) return new Promise<never>(() => undefined);
    if (this.fail) throw this.fail();
    this.sent.push(batch);
  }
}

/** What kafkajs throws once a partition's new leader refuses the producer's sequence: a protocol error, not retried. */
const outOfOrder = () => {
  const protocol = new KafkaJSProtocolError('The broker received an out of order sequence number');
  (protocol as unknown as { type: string }).type = 'OUT_OF_ORDER_SEQUENCE_NUMBER';
  return new KafkaJSNonRetriableError(protocol);
};

describe('RecordProducer after a partition leader moved', () => {
  const wire = Buffer.from([0, 0, 0, 0, 1, 2]);
  const record = { topic: 'ferry.m.resolved.dynamics.email', key: 'E-1', value: null, wire };

  function producerWith(...made: FakeProducer[]) {
    const queue = [...made];
    const kafka = { producer: () => queue.shift() } as unknown as Kafka;
    return new RecordProducer(kafka, {} as AvroCodec, { sendTimeoutMs: 200 });
  }

  it('replaces a producer whose sequence the broker refuses, and asks for the batch again', async () => {
    const broken = new FakeProducer(outOfOrder);
    const fresh = new FakeProducer(null);
    const p = producerWith(broken, fresh);
    await p.connect();
    const err = await p.send([record]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FerryError);
    expect(err).toMatchObject({ code: 'BROKER_UNREACHABLE', disposition: 'retry' });
    expect(broken.disconnected).toBe(1);
    expect(fresh.connected).toBe(0);
    // The next send connects the new producer first.
    await p.send([record]);
    expect(fresh.connected).toBe(1);
    expect(fresh.sent).toHaveLength(1);
    expect(fresh.sent[0].topicMessages?.[0].messages[0].value).toBe(wire);
  });

  it('gives up a send that kafkajs never answers (it retries a broker that is gone) and sends with a new producer', async () => {
    const stuck = new FakeProducer(null, true);
    const fresh = new FakeProducer(null);
    const p = producerWith(stuck, fresh);
    await expect(p.send([record])).rejects.toMatchObject({ code: 'BROKER_UNREACHABLE', disposition: 'retry' });
    expect(stuck.disconnected).toBe(1);
    await p.send([record]);
    expect(fresh.sent).toHaveLength(1);
  });

  it('renews once when two sends fail on the same producer', async () => {
    const broken = new FakeProducer(outOfOrder);
    const fresh = new FakeProducer(null);
    const p = producerWith(broken, fresh);
    const results = await Promise.allSettled([p.send([record]), p.send([record])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await Promise.all([p.send([record]), p.send([record])]);
    expect(fresh.connected).toBe(1);
    expect(fresh.sent).toHaveLength(2);
  });

  it('passes any other error on untouched', async () => {
    const refused = new FakeProducer(() => new Error('This server does not host this topic-partition'));
    const p = producerWith(refused, new FakeProducer(null));
    await expect(p.send([record])).rejects.toThrow('does not host this topic-partition');
    expect(refused.disconnected).toBe(0);
  });
});
