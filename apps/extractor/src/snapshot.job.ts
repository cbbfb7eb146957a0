import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { contentHash } from '../../../libs/common/src';
import type { ExtractedEvent } from '../../../libs/contracts/src';
import { extractStream, topics } from '../../../libs/contracts/src';
import { LEAF360_FILES, Leaf360Object, readLeaf360Export } from '../../../libs/connectors/leaf360/src';
import type { OutgoingRecord } from '../../../libs/kafka/src';
import { CheckpointRepository } from '../../../libs/persistence/src';
import type { DeadLetterInput, Runtime } from '../../../libs/runtime/src';

export interface StreamOutcome {
  object: string;
  file: string;
  emitted: number;
  rejected: number;
  skipped: boolean;
  error?: string;
}

/**
 * Reads one export drop and emits every row as an `extracted` event keyed by its source id, or a dead letter
 * naming file and line. Progress is checkpointed per file after each batch is durable, so a restart resumes
 * after the last batch instead of starting over; an unchanged, finished file is not read again.
 */
export class SnapshotJob {
  private readonly checkpoints: CheckpointRepository;

  constructor(
    private readonly rt: Runtime,
    private readonly exportDir: string,
    private readonly batchSize = 1000,
  ) {
    this.checkpoints = new CheckpointRepository(rt.db, rt.migration);
  }

  /** All objects at once: children routinely arrive before their parents, which the resolver absorbs. */
  async run(): Promise<StreamOutcome[]> {
    return Promise.all(this.rt.route.objects.map((o) => this.stream(o.source)));
  }

  async stream(object: string): Promise<StreamOutcome> {
    const fileName = LEAF360_FILES[object as Leaf360Object];
    const file = path.join(this.exportDir, fileName);
    const log = this.rt.logger.child({ object, file });
    const outcome: StreamOutcome = { object, file: fileName, emitted: 0, rejected: 0, skipped: false };
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(file);
    } catch {
      outcome.error = `leaf360 ${object}: ${file} does not exist; put the export's ${fileName} there or fix LEAF360_EXPORT_DIR`;
      log.error(outcome.error);
      return outcome;
    }
    const stream = extractStream(this.rt.route, object);
    const fingerprint = `${stat.size}:${Math.trunc(stat.mtimeMs)}`;
    const cp = await this.checkpoints.get(stream);
    if (cp?.fingerprint === fingerprint && cp.complete) {
      outcome.skipped = true;
      log.info('export file unchanged since its last complete read: skipped');
      return outcome;
    }
    const fromLine = cp?.fingerprint === fingerprint ? cp.nextLine : 1;
    const topic = topics.extracted(this.rt.migration, this.rt.route.sourceSystem, object);
    let records: OutgoingRecord[] = [];
    let letters: DeadLetterInput[] = [];
    let lastLine = fromLine - 1;

    const flush = async (complete: boolean) => {
      await this.rt.producer.send(records);
      if (letters.length) await this.rt.deadLetter(letters);
      outcome.emitted += records.length;
      outcome.rejected += letters.length;
      records = [];
      letters = [];
      await this.checkpoints.save(stream, { fingerprint, nextLine: lastLine + 1, complete });
    };

    for await (const item of readLeaf360Export(file, object as Leaf360Object, { fromLine })) {
      lastLine = item.line;
      if (item.kind === 'record') {
        const rec = item.record as unknown as Record<string, unknown>;
        const key = String(rec[`${object}_id`]);
        const event: ExtractedEvent = {
          envelope: {
            migration: this.rt.migration,
            run: this.rt.run,
            sourceSystem: this.rt.route.sourceSystem,
            objectType: object,
            sourceKey: key,
            operation: 'UPSERT',
            sourceModifiedAt: (rec.updated_at as number | null) ?? (rec.created_at as number | null) ?? null,
            contentHash: contentHash(rec),
            mapVersion: null,
            traceId: randomUUID(),
          },
          origin: { file: fileName, line: item.line, resource: null },
          record: rec,
        };
        records.push({ topic, key, value: event });
      } else {
        letters.push({
          phase: 'EXTRACT',
          sourceSystem: this.rt.route.sourceSystem,
          objectType: object,
          sourceKey: null,
          file: fileName,
          line: item.line,
          code: item.code,
          reason: item.reason,
          raw: item.raw,
        });
      }
      if (records.length + letters.length >= this.batchSize) await flush(false);
    }
    await flush(true);
    log.info({ emitted: outcome.emitted, rejected: outcome.rejected, fromLine }, 'export file read');
    return outcome;
  }
}
