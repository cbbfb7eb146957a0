import type { ControlCommand } from '@ferry/contracts';
import { topics } from '@ferry/contracts';
import { BatchConsumer, ControlListener, PoisonMessage } from '@ferry/kafka';
import type { ConsumedRecord } from '@ferry/kafka';
import type { Runtime } from './runtime';

/**
 * One phase's consumer plus the operator's pause/resume commands for it. `ferry replay` pauses the phase
 * (the consumer leaves its group), resets the group's offsets and resumes it.
 */
export class PhaseWorker<T> {
  private readonly consumer: BatchConsumer<T>;
  private readonly control: ControlListener;

  constructor(
    private readonly rt: Runtime,
    readonly phase: string,
    groupId: string,
    topicNames: string[],
    handle: (records: ConsumedRecord<T>[]) => Promise<void>,
    options: { maxChunk?: number; partitionsConsumedConcurrently?: number } = {},
  ) {
    this.consumer = new BatchConsumer<T>({
      kafka: rt.kafka,
      codec: rt.codec,
      groupId,
      topics: topicNames,
      logger: rt.logger,
      handle,
      onPoison: (p) => this.poison(p),
      ...options,
    });
    this.control = new ControlListener(rt.kafka, topics.control(rt.migration), rt.service, rt.logger, (c) => this.onCommand(c));
  }

  async start(): Promise<void> {
    const watch = this.rt.startup;
    await (watch ? watch.step('control listener', () => this.control.start()) : this.control.start());
    await (watch ? watch.step(`${this.phase} consumer`, () => this.consumer.start()) : this.consumer.start());
    watch?.done();
  }

  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.control.stop();
  }

  private async onCommand(c: ControlCommand): Promise<void> {
    if (c.phase !== this.phase) return;
    if (c.type === 'pause') {
      this.rt.logger.info({ phase: this.phase, requestId: c.requestId }, 'pausing for replay');
      await this.consumer.stop();
    } else if (c.type === 'resume') {
      this.rt.logger.info({ phase: this.phase, requestId: c.requestId }, 'resuming after replay');
      await this.consumer.start();
    }
  }

  private async poison(messages: PoisonMessage[]): Promise<void> {
    await this.rt.deadLetter(
      messages.map((m) => ({
        phase: phaseOf(this.phase),
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
}

function phaseOf(p: string): 'TRANSFORM' | 'RESOLVE' | 'LOAD' | 'EXTRACT' {
  return p === 'transform' ? 'TRANSFORM' : p === 'resolve' ? 'RESOLVE' : p === 'load' ? 'LOAD' : 'EXTRACT';
}
