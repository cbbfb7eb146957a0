import * as fs from 'fs';
import * as path from 'path';
import { missingFileProblem, resolveExportFile } from '@ferry/connectors/core';
import type { RejectMessage, SourceConnector, SourceMessage, StreamDefinition, StreamState } from '@ferry/connectors/core';
import { CheckpointRepository, QualityRepository, SourceRecordRepository, type QualityInput } from '@ferry/persistence';
import type { Runtime } from '@ferry/runtime';
import { ExtractedEmitter, type PendingRecord } from './extracted.emitter';

export interface StreamOutcome {
  stream: string;
  /** the file read, or the API resource */
  source: string;
  emitted: number;
  deleted: number;
  unchanged: number;
  rejected: number;
  /**
   * keys this version no longer carries that were NOT deleted, because rows of the version were quarantined:
   * a row that failed to read must not delete its record downstream. The next clean version deletes them.
   */
  deletesWithheld?: number;
  /** nothing to read: the file has not changed since its last complete read */
  skipped: boolean;
  error?: string;
}

const SWEEP_BATCH = 1000;

type ExportState = StreamState & { swept?: boolean; rejectedInVersion?: number };

/**
 * Reads one object of an export drop and emits only what changed since the previous drop: each record's
 * content hash is compared with the stored one, and once the file is read to its end, keys it no longer
 * carries become delete events. The first drop is all creates. Checkpoints follow the connector's state
 * messages, so a restart resumes mid-file; an unchanged, fully read file is not read again.
 */
export class ExportStreamRunner {
  private readonly checkpoints: CheckpointRepository;
  private readonly hashes: SourceRecordRepository;
  private readonly emitter: ExtractedEmitter;
  private readonly quality: QualityRepository;
  private missingReported = false;

  constructor(
    private readonly rt: Runtime,
    private readonly connector: SourceConnector,
    private readonly stream: StreamDefinition,
    private readonly dir: string,
    private readonly batchSize: number,
    private readonly checkpointName: string,
    /** a sample run: only the messages this accepts are emitted (state messages always are) */
    private readonly accept: ((msg: SourceMessage) => boolean) | null = null,
  ) {
    this.checkpoints = new CheckpointRepository(rt.db, rt.migration);
    this.hashes = new SourceRecordRepository(rt.db, rt.migration);
    this.emitter = new ExtractedEmitter(rt, connector.system, stream);
    this.quality = new QualityRepository(rt.db, rt.migration);
  }

  get file(): string {
    return this.stream.export?.file ?? '';
  }

  /** Reads the current version of the file if it is new or unfinished. */
  async pass(): Promise<StreamOutcome> {
    const name = this.stream.name;
    const log = this.rt.logger.child({ stream: name, file: this.file });
    const outcome: StreamOutcome = { stream: name, source: this.file, emitted: 0, deleted: 0, unchanged: 0, rejected: 0, skipped: false };
    // Found as the connector finds it: the name itself, or the one file spelled the same without regard to case.
    const resolved = await resolveExportFile(this.dir, this.file);
    let stat: fs.Stats | null = null;
    if (resolved.found) stat = await fs.promises.stat(path.join(this.dir, resolved.found)).catch(() => null);
    if (!stat) {
      const problem = missingFileProblem(this.dir, this.file, name, resolved.found === null ? resolved.nearMiss : null);
      outcome.error = `${this.connector.system} ${name}: ${problem} (or point FERRY_EXPORT_DIR at the export folder)`;
      if (!this.missingReported) log.error(outcome.error);
      this.missingReported = true;
      return outcome;
    }
    this.missingReported = false;
    const fingerprint = `${stat.size}:${Math.trunc(stat.mtimeMs)}`;
    const cp = await this.checkpoints.get(this.checkpointName);
    const prev = (cp?.state ?? {}) as ExportState;
    if (prev.fingerprint === fingerprint && prev.complete && prev.swept !== false) {
      outcome.skipped = true;
      return outcome;
    }
    const resume = prev.fingerprint === fingerprint ? prev : undefined;
    const rejectedBefore = resume?.rejectedInVersion ?? 0;
    // Before any record of this stream is stored, every record is new: no need to ask which changed.
    // A key repeated within the file is then emitted once per row, which downstream applies idempotently.
    const firstVersion = !(await this.hashes.anyFor(this.checkpointName));
    let records: PendingRecord[] = [];
    let rejects: RejectMessage[] = [];
    let lastState: StreamState = resume ?? { fingerprint };

    // One batch is written (diffed, sent, marked seen, checkpointed) while the next is read: at most two
    // batches are held. Writes run strictly in order, so a key repeated later in the file is diffed against
    // the hash its earlier row stored, and a checkpoint is never saved ahead of an unsent batch.
    const write = async (batch: PendingRecord[], rejected: RejectMessage[], state: StreamState | null) => {
      const changed = firstVersion ? null : await this.hashes.changed(this.checkpointName, batch);
      const emit = changed ? batch.filter((r) => changed.has(r.key)) : batch;
      const invalid = await this.emitter.send(emit, rejected);
      const emptied = sourceQuality(name, emit);
      if (emptied.length) await this.quality.add(emptied);
      await this.hashes.seen(this.checkpointName, fingerprint, batch, { fresh: firstVersion });
      outcome.emitted += emit.length - invalid;
      outcome.unchanged += batch.length - emit.length;
      outcome.rejected += rejected.length + invalid;
      if (state) {
        const complete = !!state.complete;
        // The end of the file is saved as not yet swept: a restart then repeats the (idempotent) delete sweep.
        lastState = state;
        const saved: ExportState = { ...state, fingerprint, complete, swept: false, rejectedInVersion: rejectedBefore + outcome.rejected };
        await this.checkpoints.save(this.checkpointName, { state: saved as Record<string, unknown>, complete: false });
      }
    };
    let inflight: Promise<void> = Promise.resolve();
    const flush = async (state: StreamState | null) => {
      if (records.length === 0 && rejects.length === 0 && !state) return;
      const batch = records;
      const rejected = rejects;
      records = [];
      rejects = [];
      await inflight;
      inflight = write(batch, rejected, state);
      // a failed write is reported by the next flush or the final drain; this only keeps it from being unhandled
      inflight.catch(() => undefined);
    };

    try {
      for await (const msg of this.connector.readExport(this.dir, name, { state: resume, stateEvery: this.batchSize })) {
        if (this.accept && !this.accept(msg)) continue;
        if (msg.type === 'record') {
          const p = this.emitter.pending(msg.record, msg.origin);
          if ('type' in p) rejects.push(p);
          else records.push(msg.issues?.length ? { ...p, issues: msg.issues } : p);
        } else if (msg.type === 'reject') {
          rejects.push(msg);
        } else {
          await flush(msg.state);
        }
        if (records.length + rejects.length >= this.batchSize * 2) await flush(null);
      }
      await flush(null);
      await inflight;
    } catch (e) {
      // what was read before the failure is still written, so the checkpoint reflects it
      await inflight.catch(() => undefined);
      await write(records, rejects, null).catch(() => undefined);
      outcome.error = `${this.connector.system} ${name}: ${(e as Error).message}`;
      log.error(outcome.error);
      return outcome;
    }
    const rejectedInVersion = rejectedBefore + outcome.rejected;
    if (rejectedInVersion === 0) {
      outcome.deleted = await this.sweep(fingerprint);
    } else {
      outcome.deletesWithheld = await this.hashes.countMissing(this.checkpointName, fingerprint);
      if (outcome.deletesWithheld > 0) {
        log.warn(
          { withheld: outcome.deletesWithheld, rejected: rejectedInVersion },
          `${this.file}: ${outcome.deletesWithheld} records are gone from this version, but ${rejectedInVersion} rows of it were quarantined, so no delete is sent; fix the rows (see the DLQ) and drop the export again`,
        );
      }
    }
    const done: ExportState = { ...lastState, fingerprint, complete: true, swept: true, rejectedInVersion };
    await this.checkpoints.save(this.checkpointName, { state: done as Record<string, unknown>, complete: true });
    log.info({ emitted: outcome.emitted, unchanged: outcome.unchanged, deleted: outcome.deleted, withheld: outcome.deletesWithheld ?? 0, rejected: outcome.rejected, fromPosition: resume?.position ?? 1 }, 'export file read');
    return outcome;
  }

  /** Keys the stored records have but this version of the file did not carry: deleted in the source. */
  private async sweep(fingerprint: string): Promise<number> {
    let total = 0;
    let after: string | null = null;
    for (;;) {
      const keys = await this.hashes.missingFrom(this.checkpointName, fingerprint, SWEEP_BATCH, after);
      if (keys.length === 0) return total;
      after = keys[keys.length - 1];
      await this.emitter.send(keys.map((k) => this.emitter.deletion(k, { file: this.file })), []);
      await this.hashes.markDeleted(this.checkpointName, keys);
      total += keys.length;
    }
  }
}

/** The quality report's entity for values counted before any map applies (the source object itself). */
export const SOURCE_ENTITY = '(source)';

/**
 * What the connector left out of the records sent (changed ones only: an unchanged record was counted when it was
 * first sent), per object, column and problem, with one example: an unparseable value in an optional column, a
 * placeholder such as "N/A"; and text it repaired (mojibake), counted the same way so no repair is silent.
 */
export function sourceQuality(object: string, sent: PendingRecord[]): QualityInput[] {
  const counts = new Map<string, QualityInput>();
  for (const r of sent) {
    for (const i of r.issues ?? []) {
      const kind = i.code === 'MISSING_VALUE' ? 'SOURCE_PLACEHOLDER' : `SOURCE_${i.code}`;
      const id = `${i.column}|${kind}`;
      const c = counts.get(id);
      if (c) c.keys.push(r.key);
      else {
        const where = r.origin.file ? ` (${r.origin.file} line ${r.origin.line ?? '?'})` : '';
        counts.set(id, {
          objectType: object, entity: SOURCE_ENTITY, column: i.column, kind, keys: [r.key], exampleKey: r.key, exampleValue: i.value,
          detail: `${i.problem}${where}: ${i.code === 'REPAIRED_ENCODING' ? 'the repaired text was sent' : 'the field was left empty and the record sent on'}`,
        });
      }
    }
  }
  return [...counts.values()];
}
