import type { Kafka } from 'kafkajs';
import { createLogger, sleep } from '@ferry/common';
import type { AvroCodec } from './avro.codec';
import { BatchConsumer } from './batch.consumer';

/** A kafkajs consumer stand-in that joins and runs; heartbeats only when told to. */
function fakeKafka(o: { adminAnswers: boolean }) {
  const listeners = new Map<string, Array<() => void>>();
  const consumer = {
    events: { GROUP_JOIN: 'join', HEARTBEAT: 'heartbeat', CRASH: 'crash' },
    on: (event: string, fn: () => void) => listeners.set(event, [...(listeners.get(event) ?? []), fn]),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => undefined,
    disconnect: async () => undefined,
  };
  const admin = {
    connect: async () => {
      if (!o.adminAnswers) throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:19093');
    },
    describeGroups: async () => ({ groups: [] }),
    disconnect: async () => undefined,
  };
  const kafka = { consumer: () => consumer, admin: () => admin } as unknown as Kafka;
  return { kafka, emit: (event: string) => (listeners.get(event) ?? []).forEach((fn) => fn()) };
}

describe('BatchConsumer watchdog', () => {
  const make = (kafka: Kafka, onStuck: (why: string) => void) =>
    new BatchConsumer<unknown>({
      kafka, codec: {} as AvroCodec, logger: createLogger('test', 'silent'), groupId: 'ferry.m.load', topics: ['t'],
      handle: async () => undefined, onPoison: async () => undefined, onStuck, stuckAfterMs: 300,
    });

  it('calls a consumer stuck when it stops heartbeating while Kafka answers', async () => {
    const { kafka, emit } = fakeKafka({ adminAnswers: true });
    const stuck: string[] = [];
    const c = make(kafka, (why) => stuck.push(why));
    await c.start();
    for (let i = 0; i < 6; i++) {
      emit('heartbeat');
      await sleep(100);
    }
    expect(stuck).toEqual([]);
    await sleep(700);
    expect(stuck).toHaveLength(1);
    expect(stuck[0]).toMatch(/^consumer ferry\.m\.load has not been a live member of its group for \d+\.\d s while Kafka answers$/);
    await c.stop();
  });

  it('waits, without calling it stuck, while Kafka itself does not answer', async () => {
    const { kafka } = fakeKafka({ adminAnswers: false });
    const stuck: string[] = [];
    const c = make(kafka, (why) => stuck.push(why));
    await c.start();
    await sleep(900);
    expect(stuck).toEqual([]);
    await c.stop();
  });
});
