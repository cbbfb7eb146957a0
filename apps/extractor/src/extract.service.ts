import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { loadConfig, settings, sourceSettings } from '@ferry/config';
import { sourceConnector } from '@ferry/connectors/registry';
import { Runtime, RUNTIME } from '@ferry/runtime';
import { Extraction } from './extraction';

/**
 * Starts extraction of the configured source at start-up: snapshot, then delta until cutover. The service stays
 * up after cutover so `ferry status` and the operator see it; failures are per stream and logged.
 */
@Injectable()
export class ExtractService implements OnApplicationBootstrap, OnApplicationShutdown {
  private extraction: Extraction | null = null;
  /**
   * The extractor produces and consumes nothing once extraction is frozen, so nothing else holds the process: this
   * keeps it up (for `ferry status`, the operator and a supervisor, which would take an exit for a crash) until shutdown.
   */
  private readonly keepAlive = setInterval(() => undefined, 1 << 30);

  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {}

  async onApplicationBootstrap(): Promise<void> {
    const cfg = loadConfig([settings.extractor]);
    const source = sourceSettings();
    // an export source's streams are the ones its confirmed map describes
    const connector = sourceConnector(source.system, { exportSource: this.rt.map.document.exportSource });
    const routed = this.rt.plan.sourceSystem === source.system ? this.rt.plan.sourceObjects : 'all';
    const streams = cfg.FERRY_STREAMS ? (cfg.FERRY_STREAMS === 'all' ? 'all' : cfg.FERRY_STREAMS.split(',').map((s) => s.trim()).filter(Boolean)) : routed;
    this.extraction = new Extraction(this.rt, connector, {
      source,
      streams,
      batchSize: cfg.FERRY_EXTRACT_BATCH,
      pollIntervalMs: cfg.FERRY_POLL_INTERVAL_MS,
      exportWatchMs: cfg.FERRY_EXPORT_WATCH_MS,
      overlapMs: cfg.FERRY_POLL_OVERLAP_MS,
      concurrency: cfg.FERRY_EXTRACT_CONCURRENCY,
      samplePerObject: cfg.FERRY_SAMPLE_PER_OBJECT,
    });
    const watch = this.rt.startup;
    await (watch ? watch.step('extracted topics', () => this.extraction!.prepare()) : this.extraction.prepare());
    watch?.done();
    this.rt.logger.info({ source: source.system, mode: source.mode, streams: this.extraction.streams.map((s) => s.name) }, 'extracting');
    // Not awaited: the application is up while extraction streams.
    this.extraction.run().then(
      () => this.rt.logger.info('extraction finished'),
      (e: Error) => this.rt.logger.error({ err: e }, 'extraction failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.keepAlive);
    await this.extraction?.stop();
  }
}
