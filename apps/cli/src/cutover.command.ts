import { randomUUID } from 'crypto';
import { createLogger, FerryError, sleep } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { topics } from '@ferry/contracts';
import { createKafka, ensureTopics, sendControl } from '@ferry/kafka';
import { CheckpointRepository, connectDataSource, CutoverRepository } from '@ferry/persistence';
import { pickMigration } from '@ferry/ops';

export interface CutoverResult {
  migration: string;
  completed: boolean;
  requestedAt: Date | null;
  completedAt: Date | null;
  streams: Array<{ stream: string; complete: boolean; watermark: number | null; updatedAt: Date }>;
}

/**
 * `ferry cutover`: freezes extraction. The request is stored first, so an extractor that is down finishes the
 * final pass when it starts; a running one hears it on the control topic and acknowledges by completing it.
 */
export async function runCutover(o: { migration?: string; timeoutSeconds: number }): Promise<CutoverResult> {
  const cfg = loadConfig([settings.database, settings.kafka]);
  const db = await connectDataSource(cfg.DATABASE_URL);
  try {
    const migration = await pickMigration(db, o.migration);
    const repo = new CutoverRepository(db, migration);
    if (!(await repo.request())) throw new FerryError('USAGE', `no migration "${migration}"`, 'fatal');
    const before = await repo.get();
    if (!before?.completedAt) {
      const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'ferry-cli', retries: 2 }, createLogger('cli', 'silent'));
      await ensureTopics(kafka, [topics.control(migration)], 1);
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        await sendControl(producer, topics.control(migration), { type: 'cutover', phase: 'extract', requestId: randomUUID() });
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    }
    const deadline = Date.now() + o.timeoutSeconds * 1000;
    let state = await repo.get();
    while (!state?.completedAt && Date.now() < deadline) {
      await sleep(250);
      state = await repo.get();
    }
    const streams = (await new CheckpointRepository(db, migration).all()).map((c) => ({
      stream: c.stream,
      complete: c.complete,
      watermark: typeof c.state.watermark === 'number' ? c.state.watermark : null,
      updatedAt: c.updatedAt,
    }));
    return { migration, completed: !!state?.completedAt, requestedAt: state?.requestedAt ?? null, completedAt: state?.completedAt ?? null, streams };
  } finally {
    await db.destroy();
  }
}
