import { Catch, InjectionToken, RpcExceptionFilter } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom, Observable, throwError } from 'rxjs';
import type { ControlCommand } from '@ferry/contracts';
import { parseRecordTopic, topics } from '@ferry/contracts';
import { BatchConsumer, ControlListener } from '@ferry/kafka';
import type { ConsumedRecord, PoisonMessage } from '@ferry/kafka';
import type { Runtime } from './runtime';

/** EX_TEMPFAIL: a process that exits with it wants to be started again (the supervisor restarts every code but 78). */
export const STUCK_EXIT_CODE = 75;

/** What a phase consumes. Topics follow the migration's confirmed map, so this is computed at start-up. */
export interface PhaseSubscription {
  groupId: string;
  topics: string[];
  /** largest chunk handed to the handler at once (default 500) */
  maxChunk?: number;
  partitionsConsumedConcurrently?: number;
  /** top-level fields of every value the handler never reads (decoded as `{}` or null; see AvroCodec.decodeSkipping) */
  skipFields?: string[];
}

/**
 * The extras of a phase handler's `@EventPattern(phase, extras)`. `subscribe` runs once at start-up with the Runtime
 * and a way to reach the service's other providers (the loader's destination, for its batch limit).
 */
export interface PhaseExtras {
  subscribe: (rt: Runtime, get: <T>(token: InjectionToken) => T) => PhaseSubscription;
}

/** The context a phase handler may ask for with `@Ctx()`: its phase and the partition the chunk comes from. */
export class ChunkContext extends BaseRpcContext<[phase: string, topic: string, partition: number]> {
  getPhase(): string {
    return this.args[0];
  }
  getTopic(): string {
    return this.args[1];
  }
  getPartition(): number {
    return this.args[2];
  }
}

/**
 * A Nest transport strategy over the project's own Kafka code. Every `@EventPattern(phase, { subscribe })` handler
 * gets a BatchConsumer of its own (eachBatch, chunking, heartbeat pacemaker, undecodable messages to the DLQ); a
 * chunk's offset is committed only once the handler's promise or observable has completed, i.e. once its output
 * is durable. The service also listens on the migration's control topic: `ferry replay` pauses a phase (its
 * consumer leaves the group), resets the group's offsets and resumes it.
 */
export class PhaseTransport extends Server implements CustomTransportStrategy {
  private readonly consumers = new Map<string, BatchConsumer<unknown>>();
  private control: ControlListener | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly get: <T>(token: InjectionToken) => T,
  ) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      await this.start();
    } catch (e) {
      return callback(e);
    }
    callback();
  }

  async close(): Promise<void> {
    for (const consumer of this.consumers.values()) await consumer.stop();
    await this.control?.stop();
  }

  on(): never {
    throw new Error('PhaseTransport emits no events');
  }

  unwrap<T>(): T {
    return this.rt.kafka as T;
  }

  private async start(): Promise<void> {
    for (const [phase, handler] of this.getHandlers()) {
      if (!handler.isEventHandler) continue;
      const sub = this.subscription(phase, handler);
      this.consumers.set(
        phase,
        new BatchConsumer<unknown>({
          kafka: this.rt.kafka,
          codec: this.rt.codec,
          logger: this.rt.logger,
          ...sub,
          handle: (records) => this.dispatch(phase, records),
          onTimings: (t) => {
            this.rt.metrics.addStepSeconds(phase, 'decode', t.decode / 1000);
            this.rt.metrics.addStepSeconds(phase, 'commit', t.commit / 1000);
          },
          onPoison: (p) => this.poison(phase, p),
          // A wedged kafkajs client is not freed in process: the service exits and its supervisor starts it afresh
          // (nothing is lost: the chunk in hand was not committed, and every step is idempotent).
          onStuck: (why) => {
            this.rt.logger.fatal({ phase }, `${why}: exiting so the supervisor starts ${this.rt.service} afresh`);
            process.stderr.write(`${this.rt.service}: ${why}; exiting to be started again\n`);
            process.exit(STUCK_EXIT_CODE);
          },
        }),
      );
    }
    if (!this.consumers.size) throw new Error(`${this.rt.service} declares no @EventPattern phase handler`);
    this.control = new ControlListener(this.rt.kafka, topics.control(this.rt.migration), this.rt.service, this.rt.logger, (c) => this.onCommand(c));
    await this.step('control listener', () => this.control!.start());
    for (const [phase, consumer] of this.consumers) await this.step(`${phase} consumer`, () => consumer.start());
    this.rt.startup?.done();
  }

  private subscription(phase: string, handler: MessageHandler): PhaseSubscription {
    const subscribe = (handler.extras as Partial<PhaseExtras> | undefined)?.subscribe;
    if (typeof subscribe !== 'function') {
      throw new Error(`@EventPattern('${phase}') needs { subscribe: (rt) => ({ groupId, topics }) } as its extras`);
    }
    return subscribe(this.rt, this.get);
  }

  /** One chunk through the Nest handler (guards, interceptors, pipes and filters included), awaited to the end. */
  private async dispatch(phase: string, records: ConsumedRecord<unknown>[]): Promise<void> {
    const handler = this.getHandlerByPattern(phase);
    if (!handler) throw new Error(`no handler for the ${phase} phase`);
    const topic = parseRecordTopic(records[0].topic);
    await this.rt.metrics.timeBatch(phase, topic?.phase ?? 'dlq', topic?.object ?? '-', records.length, async () => {
      const result = await handler(records, new ChunkContext([phase, records[0].topic, records[0].partition]));
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    });
  }

  private async onCommand(c: ControlCommand): Promise<void> {
    const consumer = this.consumers.get(c.phase);
    if (!consumer) return;
    if (c.type === 'pause') {
      this.rt.logger.info({ phase: c.phase, requestId: c.requestId }, 'pausing for replay');
      await consumer.stop();
    } else if (c.type === 'resume') {
      this.rt.logger.info({ phase: c.phase, requestId: c.requestId }, 'resuming after replay');
      await consumer.start();
    }
  }

  private async poison(phase: string, messages: PoisonMessage[]): Promise<void> {
    await this.rt.deadLetter(
      messages.map((m) => ({
        phase: phaseOf(phase),
        sourceSystem: this.rt.plan.sourceSystem,
        objectType: m.topic.split('.').pop() ?? 'unknown',
        sourceKey: m.key,
        file: null,
        line: null,
        code: 'UNDECODABLE',
        reason: `${m.topic} partition ${m.partition} offset ${m.offset}: ${m.reason}`,
        raw: m.raw ? m.raw.toString('base64') : null,
      })),
    );
  }

  private step(name: string, work: () => Promise<void>): Promise<void> {
    return this.rt.startup ? this.rt.startup.step(name, work) : work();
  }
}

/**
 * Nest's default RPC filter replaces an unknown error with `{ status: 'error', message: 'Internal server error' }`.
 * A phase handler's error must reach the consumer as it was thrown: the chunk is not committed, and kafkajs logs
 * the real cause and retries.
 */
@Catch()
export class RethrowFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

function phaseOf(p: string): 'TRANSFORM' | 'RESOLVE' | 'LOAD' | 'EXTRACT' {
  return p === 'transform' ? 'TRANSFORM' : p === 'resolve' ? 'RESOLVE' : p === 'load' ? 'LOAD' : 'EXTRACT';
}
