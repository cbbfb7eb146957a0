import type { Consumer, Kafka, Producer } from 'kafkajs';
import * as os from 'os';
import type { ControlCommand } from '@ferry/contracts';
import type { Logger } from '@ferry/common';

/**
 * Operator commands (pause/resume a phase) travel on the migration's control topic as JSON. Each running
 * service listens with a group of its own, from the latest offset, and deletes that group when it stops.
 */
export class ControlListener {
  private consumer: Consumer | null = null;
  private readonly groupId: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    service: string,
    private readonly logger: Logger,
    private readonly onCommand: (c: ControlCommand) => Promise<void>,
  ) {
    this.groupId = `${topic}.${service}.${os.hostname()}.${process.pid}`;
  }

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: this.groupId, allowAutoTopicCreation: false, retry: { restartOnFailure: async () => true } });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    this.consumer = consumer;
    await consumer.run({
      eachMessage: async ({ message }) => {
        let cmd: ControlCommand;
        try {
          cmd = JSON.parse(message.value?.toString('utf8') ?? '') as ControlCommand;
        } catch {
          this.logger.warn('ignoring a control message that is not JSON');
          return;
        }
        await this.onCommand(cmd);
      },
    });
  }

  async stop(): Promise<void> {
    if (!this.consumer) return;
    await this.consumer.disconnect();
    this.consumer = null;
    const admin = this.kafka.admin();
    try {
      await admin.connect();
      await admin.deleteGroups([this.groupId]);
    } catch {
      // A leftover listener group holds no offsets that matter.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }
}

export async function sendControl(producer: Producer, topic: string, cmd: ControlCommand): Promise<void> {
  await producer.send({ topic, acks: -1, messages: [{ key: cmd.phase, value: JSON.stringify(cmd) }] });
}
