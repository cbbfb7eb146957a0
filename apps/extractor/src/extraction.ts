import { FerryError, rideOut, Semaphore, weatherOf } from '@ferry/common';
import type { SourceSettings } from '@ferry/config';
import { extractedValueSchema, sourceStream, topics } from '@ferry/contracts';
import type { ControlCommand } from '@ferry/contracts';
import { inSample, selectSample } from '@ferry/connectors/core';
import type { SampleSelection, SourceConnector, SourceMessage, StreamDefinition } from '@ferry/connectors/core';
import { ControlListener, ensureTopics } from '@ferry/kafka';
import { CutoverRepository } from '@ferry/persistence';
import type { Runtime } from '@ferry/runtime';
import { ApiStreamRunner } from './api-stream.runner';
import { ExportStreamRunner, type StreamOutcome } from './export-stream.runner';

export interface ExtractionOptions {
  source: SourceSettings;
  /** stream names, or every stream the source has */
  streams: string[] | 'all';
  batchSize: number;
  /** between API poll passes */
  pollIntervalMs: number;
  /** between checks of the export folder for a new drop */
  exportWatchMs: number;
  overlapMs: number;
  /**
   * passes that may run at once (FERRY_EXTRACT_CONCURRENCY). Each pass holds up to two batches in memory and
   * reading is CPU-bound, so running every stream at once only adds memory; the rest wait for a slot.
   */
  concurrency?: number;
  /** a sample run (FERRY_SAMPLE_PER_OBJECT): N records per object plus the parents they reference; export mode only */
  samplePerObject?: number;
}

type Runner = ExportStreamRunner | ApiStreamRunner;


/**
 * The extractor's work for one migration: a snapshot of every selected stream, then delta (API polling, or
 * new export drops diffed against stored hashes) until the operator's cutover, after which each stream makes
 * one final pass and extraction stays frozen, also across restarts.
 */
export class Extraction {
  readonly streams: StreamDefinition[];
  private readonly runners: Runner[];
  private freeze = false;
  private stopped = false;
  private wake: Array<() => void> = [];
  private control: ControlListener | null = null;
  private readonly slots: Semaphore;
  /** chosen in prepare() for a sample run */
  private sample: SampleSelection | null = null;

  constructor(
    private readonly rt: Runtime,
    private readonly connector: SourceConnector,
    private readonly options: ExtractionOptions,
  ) {
    this.streams = selectStreams(connector, options);
    this.slots = new Semaphore(options.concurrency ?? DEFAULT_CONCURRENCY);
    const src = options.source;
    if (options.samplePerObject && src.mode !== 'export') {
      throw new FerryError('USAGE', `a sample run (FERRY_SAMPLE_PER_OBJECT=${options.samplePerObject}) reads an export: set FERRY_SOURCE_MODE=export and FERRY_EXPORT_DIR, or run without --sample`, 'fatal');
    }
    // The selection is made in prepare(), before any pass runs.
    const accept = (s: StreamDefinition) => (options.samplePerObject ? (m: SourceMessage) => !this.sample || inSample(this.sample, s, m) : null);
    this.runners = this.streams.map((s) =>
      src.mode === 'export'
        ? new ExportStreamRunner(rt, connector, s, src.exportDir, options.batchSize, sourceStream(connector.system, s.name), accept(s))
        : new ApiStreamRunner(rt, connector, s, { baseUrl: src.apiUrl, credential: src.apiKey, overlapMs: options.overlapMs }, sourceStream(connector.system, s.name)),
    );
  }

  topicNames(): string[] {
    return this.streams.map((s) => topics.extracted(this.rt.migration, this.connector.system, s.name));
  }

  /** Topics and value schemas of every selected stream. */
  async prepare(): Promise<void> {
    const n = this.options.samplePerObject;
    if (n && this.options.source.mode === 'export') {
      const dir = this.options.source.exportDir;
      const connector = this.connector;
      const log = this.rt.logger;
      // A file that cannot be read is left out of the selection; its stream reports the problem when it runs.
      async function* read(stream: string): AsyncIterable<SourceMessage> {
        try {
          yield* connector.readExport(dir, stream);
        } catch (e) {
          log.warn({ stream }, `sample: ${stream} could not be read (${(e as Error).message}); none of it is in the sample`);
        }
      }
      this.sample = await selectSample(this.streams, read, n);
      const counts = Object.fromEntries([...this.sample.counts].map(([s, c]) => [s, c.parents ? `${c.ranked} + ${c.parents} parents` : c.ranked]));
      this.rt.logger.info({ perObject: n, counts, dangling: this.sample.dangling }, `sample run: ${n} records per object and every parent they reference`);
    }
    await ensureTopics(this.rt.kafka, this.topicNames(), this.rt.config.FERRY_TOPIC_PARTITIONS);
    await this.rt.codec.registerAll(new Map(this.streams.map((s) => [topics.extracted(this.rt.migration, this.connector.system, s.name), extractedValueSchema(this.connector.system, s.name, this.rt.plan.sourceSchemas?.[s.name])])));
  }

  /** One pass over every stream at once (children may well arrive before their parents: the resolver absorbs it). */
  async passAll(): Promise<StreamOutcome[]> {
    return Promise.all(this.runners.map((r) => this.slots.run(() => r.pass())));
  }

  /** Snapshot then delta, until cutover (or stop()). Resolves once the final pass after cutover is done. */
  async run(): Promise<void> {
    const cutover = new CutoverRepository(this.rt.db, this.rt.migration);
    const state = await rideOut(() => cutover.get(), { weather: weatherOf(this.rt.logger), abandon: () => this.stopped });
    if (state?.completedAt) {
      this.rt.logger.info({ at: state.completedAt }, 'extraction was frozen at cutover: nothing more to read');
      return;
    }
    if (state?.requestedAt) this.freeze = true;
    await this.listenForCutover();
    const interval = this.options.source.mode === 'api' ? this.options.pollIntervalMs : this.options.exportWatchMs;
    await Promise.all(
      this.runners.map(async (r) => {
        for (;;) {
          const finalPass = this.freeze;
          // PostgreSQL or Kafka away during a pass: the pass is made again once it is back (it resumes from its checkpoint)
          await this.slots.run(() => rideOut(() => r.pass(), { weather: weatherOf(this.rt.logger), abandon: () => this.stopped, limitMs: Number.MAX_SAFE_INTEGER }));
          if (finalPass || this.stopped) return;
          await this.pause(interval);
        }
      }),
    );
    if (this.freeze && !this.stopped) {
      await cutover.complete();
      this.rt.logger.info('cutover: final delta pass done; extraction frozen');
    }
    await this.control?.stop().catch(() => undefined);
  }

  /** Ends the next pass of every stream with a final one (what the control message does). */
  requestCutover(): void {
    this.freeze = true;
    this.wakeAll();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeAll();
    await this.control?.stop().catch(() => undefined);
  }

  private async listenForCutover(): Promise<void> {
    this.control = new ControlListener(this.rt.kafka, topics.control(this.rt.migration), this.rt.service, this.rt.logger, async (c: ControlCommand) => {
      if (c.type !== 'cutover') return;
      this.rt.logger.info({ requestId: c.requestId }, 'cutover requested: one final delta pass per stream, then extraction stops');
      this.requestCutover();
    });
    await this.control.start();
  }

  private pause(ms: number): Promise<void> {
    if (this.freeze || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.wake = this.wake.filter((w) => w !== done);
        resolve();
      }, ms);
      this.wake.push(done);
    });
  }

  private wakeAll(): void {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }
}

const DEFAULT_CONCURRENCY = 3;

function selectStreams(connector: SourceConnector, o: ExtractionOptions): StreamDefinition[] {
  const all = connector.streams().filter((s) => (o.source.mode === 'export' ? !!s.export : !!s.api));
  if (o.streams === 'all') return all;
  const known = new Map(connector.streams().map((s) => [s.name, s]));
  return o.streams.map((name) => {
    const s = known.get(name);
    if (!s) throw new FerryError('USAGE', `${connector.system} has no stream "${name}": choose from ${[...known.keys()].join(', ')}`, 'fatal');
    if (o.source.mode === 'export' && !s.export) throw new FerryError('USAGE', `${connector.system} ${name} is not in the export (its API carries it): use FERRY_SOURCE_MODE=api`, 'fatal');
    if (o.source.mode === 'api' && !s.api) throw new FerryError('USAGE', `${connector.system} ${name} is not in the API: use FERRY_SOURCE_MODE=export`, 'fatal');
    return s;
  });
}

