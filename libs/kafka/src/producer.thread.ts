import { Worker } from 'worker_threads';
import type { ProducerBatch } from 'kafkajs';
import { FerryError, type Logger } from '@ferry/common';
import { kafkaClientConfig, logKafkaEntry, type KafkaSettings } from './kafka.factory';

/** What a RecordProducer hands its encoded batches to: kafkajs in this thread, or a producer thread. */
export interface BatchSender {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(batch: ProducerBatch): Promise<unknown>;
}

/** The producer thread's code: a kafkajs producer configured as in this thread, fed batches by id. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('worker_threads');
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka } = require(workerData.kafkajs);
const kafka = new Kafka({
  ...workerData.client,
  logCreator: () => ({ level, log }) => parentPort.postMessage({ log: { level, entry: JSON.parse(JSON.stringify(log)) } }),
});
const producer = kafka.producer(workerData.producer);
const fail = (e) => ({ name: e && e.name, message: String((e && e.message) || e), type: e && e.type, retriable: !!(e && e.retriable) });
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'connect') await producer.connect();
    else if (m.op === 'disconnect') await producer.disconnect();
    else {
      const topicMessages = m.topics.map((t) => ({
        topic: t.topic,
        messages: t.keys.map((key, i) => ({ key, value: Buffer.from(t.values[i].buffer, t.values[i].byteOffset, t.values[i].byteLength) })),
      }));
      await producer.sendBatch({ acks: m.acks, compression: m.compression, topicMessages });
    }
    parentPort.postMessage({ id: m.id });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: fail(e) });
  }
});
`;

/**
 * kafkajs in a thread of its own. Building produce requests (record encoding, CRC32C, partitioning) costs
 * about as much CPU per record as reading and encoding it, so a producer that owns a thread lets the two run
 * on separate cores. Values cross as the bytes already encoded; send() resolves when the broker has acked.
 */
export class ProducerThread implements BatchSender {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(
    private readonly settings: KafkaSettings,
    private readonly producerConfig: Record<string, unknown>,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      // batches pass through and are dropped once acked: a small heap, collected often, keeps the thread lean
      resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 8 },
      workerData: { kafkajs: require.resolve('kafkajs'), client: kafkaClientConfig(this.settings), producer: this.producerConfig },
    });
    // held only while a call is outstanding, so an idle producer thread never keeps the process alive
    w.unref();
    w.on('message', (m: { id?: number; error?: { name?: string; message: string; type?: string; retriable: boolean }; log?: { level: number; entry: { message: string } } }) => {
      if (m.log) {
        logKafkaEntry(this.logger, m.log.level, m.log.entry, { thread: 'producer' });
        return;
      }
      const p = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!p) return;
      this.waiting.delete(m.id!);
      if (this.waiting.size === 0) this.worker?.unref();
      if (!m.error) return p.resolve();
      const err = Object.assign(new Error(m.error.message), { name: m.error.name ?? 'Error', type: m.error.type, retriable: m.error.retriable });
      p.reject(err);
    });
    const gone = (why: string) => {
      const err = new FerryError('PRODUCER_THREAD_GONE', `the Kafka producer thread ${why}; nothing was lost, the unacknowledged batches are sent again after a restart`, 'fatal');
      for (const p of this.waiting.values()) p.reject(err);
      this.waiting.clear();
      this.worker = null;
    };
    w.on('error', (e) => gone(`failed: ${e.message}`));
    w.on('exit', (code) => gone(`exited with code ${code}`));
    this.worker = w;
    await this.call({ op: 'connect' });
  }

  async disconnect(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    await this.call({ op: 'disconnect' }).catch(() => undefined);
    this.worker = null;
    w.removeAllListeners('exit');
    await w.terminate();
  }

  sendBatch(batch: ProducerBatch): Promise<void> {
    const topics = (batch.topicMessages ?? []).map((t) => ({
      topic: t.topic,
      keys: t.messages.map((m) => (m.key === null || m.key === undefined ? null : String(m.key))),
      values: t.messages.map((m) => (Buffer.isBuffer(m.value) ? m.value : Buffer.from(String(m.value ?? '')))),
    }));
    return this.call({ op: 'send', acks: batch.acks, compression: batch.compression, topics });
  }

  private call(message: Record<string, unknown>): Promise<void> {
    const w = this.worker;
    if (!w) return Promise.reject(new FerryError('PRODUCER_THREAD_GONE', 'the Kafka producer thread is not running', 'fatal'));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      if (this.waiting.size === 0) w.ref();
      this.waiting.set(id, { resolve, reject });
      w.postMessage({ ...message, id });
    });
  }
}
