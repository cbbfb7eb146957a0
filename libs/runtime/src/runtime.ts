import 'reflect-metadata';
import { randomUUID } from 'crypto';
import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createLogger, Logger } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { allRouteTopics, DeadLetter, RoutePlan, routeValueSchemas, topics } from '@ferry/contracts';
import { CompiledRouteMap, confirmedMap } from '@ferry/mapping';
import { AvroCodec, brokerUnreachable, createKafka, ensureTopics, RecordProducer, SERVICE_KAFKA_RETRIES } from '@ferry/kafka';
import type { OutgoingRecord } from '@ferry/kafka';
import { assertSchemaCurrent, connectDataSource } from '@ferry/persistence';
import { metricsEndpoint, ServiceMetrics } from '@ferry/metrics';

export type DeadLetterInput = Omit<DeadLetter, 'migration' | 'run' | 'at' | 'traceId' | 'entity' | 'targetKey'> & {
  traceId?: string;
  entity?: string | null;
  targetKey?: string | null;
};

const baseGroups = [settings.database, settings.kafka, settings.migration, settings.logging] as const;
export type BaseConfig = ReturnType<typeof loadConfig<typeof baseGroups>>;

/**
 * What every Ferry service shares: configuration, logger, Kafka client, Avro codec, producer and database.
 * Plain class so tests and benchmarks can build one without Nest; RuntimeModule wraps it for the services.
 */
export class Runtime {
  private constructor(
    readonly service: string,
    readonly config: BaseConfig,
    /** the migration's confirmed map, compiled */
    readonly map: CompiledRouteMap,
    readonly logger: Logger,
    readonly kafka: Kafka,
    readonly codec: AvroCodec,
    readonly producer: RecordProducer,
    readonly db: DataSource,
  ) {
    this.metrics = new ServiceMetrics(service, config.FERRY_MIGRATION);
  }

  /**
   * With `producerThread`, kafkajs runs in a thread of its own (the extractor, whose reading and encoding would
   * otherwise share one core with building produce requests).
   * With `watchStartup`, the start-up watchdog stays armed for the service's own steps (PhaseTransport, or
   * the extractor, calls `startup.done()` once running); tests and benchmarks that build a Runtime directly leave it off.
   */
  static async create(service: string, options: { watchStartup?: boolean; producerThread?: boolean; map?: CompiledRouteMap } = {}): Promise<Runtime> {
    const config = loadConfig(baseGroups);
    const logger = createLogger(service, config.LOG_LEVEL).child({ migration: config.FERRY_MIGRATION });
    const startup = new StartupWatch(logger, service);
    const db = await startup.step('database', () => connectDataSource(config.DATABASE_URL));
    try {
      await startup.step('schema check', () => assertSchemaCurrent(db));
      const map = options.map ?? (await startup.unwatched('confirmed map', () => waitForConfirmedMap(db, config.FERRY_MIGRATION, logger, service)));
      const route = map.plan;
      const kafkaSettings = { brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-${service}`, retries: SERVICE_KAFKA_RETRIES };
      const kafka = createKafka(kafkaSettings, logger);
      await startup.step('topics', () =>
        withBrokerCheck(config.KAFKA_BROKERS, () => ensureTopics(kafka, allRouteTopics(route, config.FERRY_MIGRATION), config.FERRY_TOPIC_PARTITIONS)),
      );
      const codec = new AvroCodec(config.SCHEMA_REGISTRY_URL);
      await startup.step('schemas', () => codec.registerAll(routeValueSchemas(route, config.FERRY_MIGRATION)));
      const producer = new RecordProducer(kafka, codec, options.producerThread ? { thread: { settings: kafkaSettings, logger } } : { logger });
      await startup.step('producer', () => producer.connect());
      const rt = new Runtime(service, config, map, logger, kafka, codec, producer, db);
      await serveMetrics(rt);
      if (options.watchStartup) rt.startup = startup;
      else startup.done();
      return rt;
    } catch (e) {
      startup.done();
      await db.destroy().catch(() => undefined);
      throw e;
    }
  }

  /** This process's Prometheus metrics (served when FERRY_METRICS_PORT is set). */
  readonly metrics: ServiceMetrics;

  /** Start-up progress; PhaseTransport (or the extractor) marks its own steps and calls done() once running. */
  startup: StartupWatch | null = null;

  /** What the services wire themselves from: source objects, destination entities and columns, the map version. */
  get plan(): RoutePlan {
    return this.map.plan;
  }

  get migration(): string {
    return this.config.FERRY_MIGRATION;
  }

  get run(): string {
    return this.config.FERRY_RUN;
  }

  /**
   * Sends a phase's output; an event that does not fit its topic's schema (a value of the wrong type that slipped
   * through) is dead-lettered as AVRO_INVALID, naming the record and the fields, instead of failing the batch again
   * and again and stalling the phase.
   */
  async sendOrDeadLetter(records: OutgoingRecord[], phase: DeadLetterInput['phase']): Promise<void> {
    const invalid = await this.producer.send(records, { skipInvalid: true });
    if (!invalid.length) return;
    this.logger.warn({ invalid: invalid.length, example: invalid[0].reason }, 'events that do not fit their schema were dead-lettered');
    await this.deadLetter(invalid.map(({ record, reason }) => invalidLetter(record, reason, phase)));
  }

  /** Dead letters go to the migration's DLQ, keyed by what identifies the record. */
  async deadLetter(letters: DeadLetterInput[]): Promise<void> {
    const now = Date.now();
    await this.producer.send(
      letters.map((l) => ({
        topic: topics.dlq(this.migration),
        key: `${l.objectType}:${l.sourceKey ?? `${l.file}:${l.line}`}`,
        value: { migration: this.migration, run: this.run, at: now, ...l, entity: l.entity ?? null, targetKey: l.targetKey ?? null, traceId: l.traceId ?? randomUUID() },
      })),
    );
  }

  async close(): Promise<void> {
    await this.metrics.close().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
    await this.db.destroy().catch(() => undefined);
  }
}

/**
 * No record moves before a person confirms the migration's map: a service started earlier says so once, in one
 * line, and waits; `ferry map confirm` lets it go on.
 */
async function waitForConfirmedMap(db: DataSource, migration: string, logger: Logger, service: string): Promise<CompiledRouteMap> {
  let said = false;
  for (;;) {
    const map = await confirmedMap(db, migration);
    if (map) {
      logger.info({ mapVersion: map.mapVersion }, 'confirmed map loaded');
      return map;
    }
    if (!said) {
      said = true;
      const line = `no confirmed map for migration ${migration}: waiting (review it with \`ferry map show\`, then \`ferry map confirm\`)`;
      logger.warn(line);
      process.stderr.write(`${service}: ${line}\n`);
    }
    await new Promise((r) => setTimeout(r, Number(process.env.FERRY_MAP_POLL_MS ?? 2000)));
  }
}

/** Metrics are for watching: a busy port is said in one line and the service runs on without them. */
async function serveMetrics(rt: Runtime): Promise<void> {
  const at = metricsEndpoint(rt.service);
  if (!at) return;
  try {
    const url = await rt.metrics.serve(at);
    rt.logger.info({ url }, 'serving metrics');
  } catch (e) {
    const line = `metrics not served on ${at.host}:${at.port}: ${(e as Error).message}`;
    rt.logger.warn(line);
    process.stderr.write(`${rt.service}: ${line}\n`);
  }
}

async function withBrokerCheck<T>(brokers: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw brokerUnreachable(e, brokers) ?? e;
  }
}

/**
 * Logs each start-up step and, when one hangs past the limit, says which and exits, so a supervisor (or the demo)
 * sees a dead service with a reason instead of a silent one.
 */
export class StartupWatch {
  private current = 'start';
  private readonly timer: NodeJS.Timeout;
  private suspended = false;
  private deadline: number;

  constructor(
    private readonly logger: Logger,
    private readonly service: string,
    private readonly limitMs = Number(process.env.FERRY_STARTUP_TIMEOUT_MS ?? 90_000),
  ) {
    this.deadline = Date.now() + limitMs;
    this.timer = setInterval(() => {
      if (this.suspended || Date.now() < this.deadline) return;
      this.logger.fatal({ step: this.current }, `start-up stuck at "${this.current}" for ${limitMs} ms`);
      process.stderr.write(`${this.service}: start-up stuck at "${this.current}" for ${limitMs} ms\n`);
      process.exit(1);
    }, Math.min(1000, limitMs));
    this.timer.unref();
  }

  async step<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.current = name;
    const t0 = Date.now();
    const out = await work();
    this.logger.info({ step: name, ms: Date.now() - t0 }, 'start-up step done');
    return out;
  }

  /** A step that may rightly take as long as it takes (waiting for a person): the watchdog does not count it. */
  async unwatched<T>(name: string, work: () => Promise<T>): Promise<T> {
    this.current = name;
    this.suspended = true;
    try {
      return await work();
    } finally {
      this.suspended = false;
      this.deadline = Date.now() + this.limitMs;
    }
  }

  done(): void {
    clearInterval(this.timer);
  }
}

interface EventShape {
  envelope?: { sourceSystem?: string; objectType?: string; sourceKey?: string; traceId?: string };
  target?: { entity?: string; key?: string };
  origin?: { file?: string | null; line?: number | null } | null;
}

/** The dead letter of an event its topic's schema refused: who it was, from the envelope it carries. */
export function invalidLetter(record: OutgoingRecord, reason: string, phase: DeadLetterInput['phase']): DeadLetterInput {
  const v = (record.value ?? {}) as EventShape;
  const env = v.envelope ?? {};
  return {
    phase, sourceSystem: env.sourceSystem ?? 'unknown', objectType: env.objectType ?? record.topic, sourceKey: env.sourceKey ?? record.key,
    entity: v.target?.entity ?? null, targetKey: v.target?.key ?? null, file: v.origin?.file ?? null, line: v.origin?.line ?? null,
    code: 'AVRO_INVALID', reason: `${record.topic} refused the event: ${reason}; fix the map (or the source value) and replay`, raw: null, traceId: env.traceId,
  };
}
