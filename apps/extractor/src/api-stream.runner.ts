import type { RejectMessage, SourceConnector, StreamDefinition, StreamState } from '@ferry/connectors/core';
import { pollStream } from '@ferry/connectors/rest';
import { CheckpointRepository, SourceRecordRepository } from '@ferry/persistence';
import type { Runtime } from '@ferry/runtime';
import { ExtractedEmitter, type PendingRecord } from './extracted.emitter';
import type { StreamOutcome } from './export-stream.runner';

export interface ApiSource {
  baseUrl: string;
  credential: string;
  overlapMs: number;
  pageSize?: number;
}

/**
 * One poll pass over one API resource: everything modified since the stored watermark (less an overlap the
 * poller deduplicates), creates and updates as upserts, tombstones as deletes. The poller's state after each
 * page is persisted once that page is durable in Kafka, so a restart resumes at the last page.
 */
export class ApiStreamRunner {
  private readonly checkpoints: CheckpointRepository;
  private readonly hashes: SourceRecordRepository;
  private readonly emitter: ExtractedEmitter;
  private lastError: string | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly connector: SourceConnector,
    private readonly stream: StreamDefinition,
    private readonly api: ApiSource,
    private readonly checkpointName: string,
  ) {
    this.checkpoints = new CheckpointRepository(rt.db, rt.migration);
    this.hashes = new SourceRecordRepository(rt.db, rt.migration);
    this.emitter = new ExtractedEmitter(rt, connector.system, stream);
  }

  async pass(): Promise<StreamOutcome> {
    const name = this.stream.name;
    const resource = this.stream.api?.path ?? '';
    const outcome: StreamOutcome = { stream: name, source: resource, emitted: 0, deleted: 0, unchanged: 0, rejected: 0, skipped: false };
    const cp = await this.checkpoints.get(this.checkpointName);
    let records: PendingRecord[] = [];
    let rejects: RejectMessage[] = [];
    let lastState = (cp?.state ?? {}) as StreamState;
    const flush = async (state: StreamState | null) => {
      // Without a cursor the API lists the whole stream on every pass: only what changed since is emitted.
      const changed = this.stream.cursor ? null : await this.hashes.changed(this.checkpointName, records);
      const emit = changed ? records.filter((r) => changed.has(r.key)) : records;
      const invalid = await this.emitter.send(emit, rejects);
      // A tombstone is stored under its own hash, so the listing's next tombstone for the key is unchanged.
      if (changed) await this.hashes.seen(this.checkpointName, 'api', emit);
      outcome.emitted += emit.filter((r) => r.body).length - invalid;
      outcome.deleted += emit.filter((r) => !r.body).length;
      outcome.unchanged += records.length - emit.length;
      outcome.rejected += rejects.length + invalid;
      records = [];
      rejects = [];
      if (state) {
        lastState = state;
        await this.checkpoints.save(this.checkpointName, { state: { ...state, complete: false }, complete: false });
      }
    };
    try {
      for await (const msg of pollStream({
        baseUrl: this.api.baseUrl,
        credential: this.api.credential,
        connector: this.connector,
        stream: name,
        state: (cp?.state ?? undefined) as StreamState | undefined,
        overlapMs: this.api.overlapMs,
        pageSize: this.api.pageSize,
      })) {
        if (msg.type === 'record') {
          if (msg.deleted) {
            const key = msg.record[this.stream.key];
            if (key !== undefined && key !== null) records.push(this.emitter.deletion(String(key), msg.origin, cursorOf(this.stream, msg.record)));
          } else {
            const p = this.emitter.pending(msg.record, msg.origin);
            if ('type' in p) rejects.push(p);
            else records.push(p);
          }
        } else if (msg.type === 'reject') {
          rejects.push(msg);
        } else {
          await flush(msg.state);
        }
      }
      await flush(null);
    } catch (e) {
      await flush(null).catch(() => undefined);
      outcome.error = `${this.connector.system} ${name}: ${(e as Error).message}`;
      if (outcome.error !== this.lastError) this.rt.logger.error({ stream: name, resource }, outcome.error);
      this.lastError = outcome.error;
      return outcome;
    }
    if (this.lastError) this.rt.logger.info({ stream: name }, 'API reachable again');
    this.lastError = null;
    // A full pass has been read: the snapshot of this stream is complete from here on.
    await this.checkpoints.save(this.checkpointName, { state: { ...lastState, complete: true }, complete: true });
    if (outcome.emitted || outcome.deleted || outcome.rejected) {
      this.rt.logger.info({ stream: name, emitted: outcome.emitted, deleted: outcome.deleted, rejected: outcome.rejected }, 'API changes read');
    }
    return outcome;
  }
}

function cursorOf(stream: StreamDefinition, record: Record<string, unknown>): number | null {
  const v = stream.cursor ? record[stream.cursor] : null;
  return typeof v === 'number' ? v : null;
}
