import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { type Logger, outageOf, rideOut, sleep, weatherOf } from '@ferry/common';
import type { AvroCodec } from './avro.codec';
import { KAFKA_METADATA_MAX_AGE_MS } from './kafka.factory';

export interface ConsumedRecord<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: T;
  /** broker timestamp (ms) */
  timestamp: number;
  /** the value as it came (Confluent wire format), for a handler that keeps or forwards it without encoding again */
  raw?: Buffer;
}

/** A message that could not be decoded: it goes to the DLQ instead of stopping the partition. */
export interface PoisonMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  raw: Buffer | null;
  reason: string;
}

export interface BatchConsumerOptions<T> {
  kafka: Kafka;
  codec: AvroCodec;
  groupId: string;
  topics: string[];
  logger: Logger;
  /** Work on one chunk of a partition's batch. Its output must be durable when the promise resolves. */
  handle: (records: ConsumedRecord<T>[]) => Promise<void>;
  onPoison: (messages: PoisonMessage[]) => Promise<void>;
  /** Largest chunk handed to `handle` at once; bounds memory whatever the batch size. */
  maxChunk?: number;
  /** top-level record fields the handler never reads: decoded as `{}` (or null), their bytes skipped */
  skipFields?: string[];
  partitionsConsumedConcurrently?: number;
  heartbeatIntervalMs?: number;
  /** told the milliseconds each chunk spent decoding, in the handler and committing its offset */
  onTimings?: (t: { decode: number; handle: number; commit: number }) => void;
  /**
   * Called when the consumer has not been a live member of its group (no heartbeat, no join, no chunk done) for
   * `stuckAfterMs` while a fresh client reaches Kafka: its kafkajs client is wedged (seen after a broker died under
   * it), and only a new process gets it going again. Unset: the consumer is relaunched in process.
   */
  onStuck?: (why: string) => void;
  /** default FERRY_CONSUMER_STUCK_S (180 s) */
  stuckAfterMs?: number;
}

/**
 * eachBatch consumer with manual commits: offsets are committed only after `handle` resolved for a chunk,
 * i.e. after that chunk's output is durable. A crash re-delivers at most the chunk in flight, and every
 * step downstream is idempotent. Can be stopped and started again (replay resets offsets in between).
 */
export class BatchConsumer<T> {
  private consumer: Consumer | null = null;
  private running = false;
  private relaunching = false;
  /** when the consumer last proved itself a live member of its group */
  private aliveAt = Date.now();
  private watchdog: NodeJS.Timeout | null = null;
  private probing = false;

  constructor(private readonly opts: BatchConsumerOptions<T>) {}

  get isRunning(): boolean {
    return this.running;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.aliveAt = Date.now();
    try {
      await this.launch();
    } catch (e) {
      this.running = false;
      throw e;
    }
    const stuckAfter = this.opts.stuckAfterMs ?? Number(process.env.FERRY_CONSUMER_STUCK_S ?? 180) * 1000;
    this.watchdog ??= setInterval(() => void this.checkAlive(stuckAfter), Math.min(10_000, stuckAfter / 3));
    this.watchdog.unref();
  }

  /**
   * A consumer that heartbeats, joins or finishes chunks is alive, busy or idle. One that did none of these for
   * `stuckAfter` is stuck unless Kafka itself is away: a fresh admin client asks Kafka for the group; if it answers,
   * the fault is in this consumer's client, not in Kafka.
   */
  private async checkAlive(stuckAfter: number): Promise<void> {
    if (!this.running || this.relaunching || this.probing || Date.now() - this.aliveAt < stuckAfter) return;
    this.probing = true;
    const admin = this.opts.kafka.admin();
    try {
      const answered = await Promise.race([
        admin.connect().then(() => admin.describeGroups([this.opts.groupId])).then(() => true, () => false),
        sleep(20_000).then(() => false),
      ]);
      if (!answered || !this.running || Date.now() - this.aliveAt < stuckAfter) return;
      const why = `consumer ${this.opts.groupId} has not been a live member of its group for ${((Date.now() - this.aliveAt) / 1000).toFixed(1)} s while Kafka answers`;
      this.aliveAt = Date.now();
      if (this.opts.onStuck) {
        // Told once: what it does (end the process) is not undone by telling it again.
        if (this.watchdog) clearInterval(this.watchdog);
        return this.opts.onStuck(why);
      }
      this.opts.logger.error({ groupId: this.opts.groupId }, `${why}: starting it again`);
      const stuck = this.consumer;
      if (stuck) void this.relaunch(stuck);
    } finally {
      this.probing = false;
      void admin.disconnect().catch(() => undefined);
    }
  }

  /**
   * A consumer that connects, subscribes and runs; a broker that is away meanwhile is waited for. kafkajs restarts
   * a crashed consumer itself when the cause is retriable; when it gives up (no broker at all for longer than its
   * retries), a new consumer is launched here, so the phase resumes whenever the broker is back.
   */
  private async launch(): Promise<void> {
    const { kafka, groupId, topics, logger } = this.opts;
    const weather = weatherOf(logger);
    await rideOut(
      async () => {
        const consumer = kafka.consumer({
          groupId,
          sessionTimeout: 30000,
          heartbeatInterval: 3000,
          maxBytesPerPartition: 2 * 1024 * 1024,
          allowAutoTopicCreation: false,
          // kafkajs refreshes metadata on a fetch that a dead broker refuses only once it is this old (default 5
          // minutes): on a cluster that lost a node, partitions whose leader moved would wait that long.
          metadataMaxAge: KAFKA_METADATA_MAX_AGE_MS,
          retry: { restartOnFailure: async () => true },
        });
        try {
          await consumer.connect();
          logger.debug({ groupId }, 'consumer connected');
          await consumer.subscribe({ topics, fromBeginning: true });
          logger.debug({ groupId }, 'consumer subscribed');
        } catch (e) {
          await consumer.disconnect().catch(() => undefined);
          throw e;
        }
        consumer.on(consumer.events.GROUP_JOIN, () => {
          this.aliveAt = Date.now();
          weather.back('Kafka');
        });
        consumer.on(consumer.events.HEARTBEAT, () => {
          this.aliveAt = Date.now();
        });
        consumer.on(consumer.events.CRASH, (event) => {
          if (event.payload.restart || !this.running || this.consumer !== consumer) return;
          weather.waiting('Kafka', `consumer ${groupId} stopped: ${event.payload.error.message}`);
          void this.relaunch(consumer);
        });
        this.consumer = consumer;
        await consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
          eachBatch: (payload) => this.eachBatch(payload),
        });
      },
      { weather, abandon: () => !this.running, limitMs: Number.MAX_SAFE_INTEGER },
    );
    logger.info({ groupId, topics: topics.length }, 'consumer started');
  }

  private async relaunch(crashed: Consumer): Promise<void> {
    if (this.relaunching) return;
    this.relaunching = true;
    try {
      await crashed.disconnect().catch(() => undefined);
      if (this.consumer === crashed) this.consumer = null;
      await sleep(1000);
      if (this.running) await this.launch();
    } catch (e) {
      this.opts.logger.error({ groupId: this.opts.groupId, err: e }, 'consumer could not be started again');
    } finally {
      this.relaunching = false;
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    if (!this.consumer) return;
    const c = this.consumer;
    this.consumer = null;
    await c.disconnect();
    this.opts.logger.info({ groupId: this.opts.groupId }, 'consumer stopped');
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const maxChunk = this.opts.maxChunk ?? 500;
    const messages = batch.messages;
    for (let i = 0; i < messages.length; i += maxChunk) {
      if (!isRunning() || isStale()) return;
      const chunk = messages.slice(i, i + maxChunk);
      const t = { decode: 0, handle: 0, commit: 0 };
      // An outage (registry, database, destination, broker) while the chunk is worked on is waited out and the chunk
      // done again: every step is idempotent, and the offset moves only once it is all done.
      await this.withPacemaker(heartbeat, () =>
        rideOut(
          async () => {
            const t0 = performance.now();
            const { records, poison } = await this.decode(batch.topic, batch.partition, chunk);
            const t1 = performance.now();
            if (poison.length) await this.opts.onPoison(poison);
            if (records.length) await this.opts.handle(records);
            t.decode += t1 - t0;
            t.handle += performance.now() - t1;
          },
          { weather: weatherOf(this.opts.logger), abandon: () => !isRunning() || isStale() },
        ),
      );
      const last = chunk[chunk.length - 1].offset;
      resolveOffset(last);
      const t2 = performance.now();
      await this.consumer?.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ]);
      t.commit = performance.now() - t2;
      this.aliveAt = Date.now();
      this.opts.onTimings?.(t);
      weatherOf(this.opts.logger).back('Kafka');
      await heartbeat();
    }
  }

  private async decode(topic: string, partition: number, chunk: KafkaMessage[]) {
    const records: ConsumedRecord<T>[] = [];
    const poison: PoisonMessage[] = [];
    for (const m of chunk) {
      const key = m.key ? m.key.toString('utf8') : null;
      if (!m.value) {
        poison.push({ topic, partition, offset: m.offset, key, raw: null, reason: 'message has no value' });
        continue;
      }
      try {
        const skip = this.opts.skipFields;
        const value = skip?.length ? await this.opts.codec.decodeSkipping<T>(m.value, skip) : await this.opts.codec.decode<T>(m.value);
        records.push({ topic, partition, offset: m.offset, key: key ?? '', value, timestamp: Number(m.timestamp), raw: m.value });
      } catch (e) {
        // the registry being away says nothing about the message: the chunk waits, it is not dead-lettered
        if (outageOf(e)) throw e;
        poison.push({ topic, partition, offset: m.offset, key, raw: m.value, reason: `not a decodable Avro value: ${(e as Error).message}` });
      }
    }
    return { records, poison };
  }

  /** Keeps the group membership alive while long work (a slow destination, a 429 wait) runs. */
  private async withPacemaker(heartbeat: () => Promise<void>, work: () => Promise<void>): Promise<void> {
    const timer = setInterval(() => {
      heartbeat().catch(() => undefined);
    }, this.opts.heartbeatIntervalMs ?? 3000);
    try {
      await work();
    } finally {
      clearInterval(timer);
    }
  }
}
