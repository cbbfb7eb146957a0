import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { createReadStream, promises as fs } from 'fs';
import * as path from 'path';
import type { Logger } from 'pino';
import { createInterface } from 'readline';
import { API_ONLY_DIR, type SourceConnector, type StreamDefinition } from '@ferry/connectors/core';
import { toMillis } from '@ferry/connectors/rest';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SourceConnectors } from './source-connectors';
import { SourceErrors } from './source-http.error';
import { SourceRecordStore } from './source-record.store';

export interface StreamLoad {
  /** where the records came from: the export through the connector's reader, or api-only/<stream>.ndjson */
  from: 'export' | 'api-only' | 'none';
  loaded: number;
  /** rows the reader quarantined (export) or lines that were not a JSON object with a key (api-only) */
  rejected: number;
  /** the first few rejects, for the person loading */
  examples: string[];
  /** why nothing was loaded, when nothing was */
  note?: string;
}

export interface LoadResult {
  system: string;
  dir: string;
  streams: Record<string, StreamLoad>;
  records: number;
  ms: number;
}

type Loaded = { key: string; modified: number; data: Record<string, unknown> };

/**
 * Fills a system's served records from a generated export (`ferry sample` output): streams with an export
 * location through the connector's own reader, the others from `api-only/<stream>.ndjson`. Records go in batches
 * as they are read, so memory stays flat however large the export. A record's modified time is its cursor field;
 * a record without one (or a stream without a cursor) gets the load time.
 */
@Injectable()
export class SourceLoaderService implements OnApplicationBootstrap {
  private readonly running = new Set<string>();
  /** settles once the start-up loads are done */
  ready: Promise<void> = Promise.resolve();
  private readonly listeners: Array<() => void> = [];

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly connectors: SourceConnectors,
    private readonly store: SourceRecordStore,
  ) {}

  /** Called after every load or reset (the mutation mode refreshes what it can change). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  notify(): void {
    for (const l of this.listeners) l();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.ready = this.loadAtStartup();
    await this.ready;
  }

  private async loadAtStartup(): Promise<void> {
    for (const { system, dir } of this.options.source.load) {
      if (await this.store.hasRecords(system)) {
        this.logger.info({ system, dir }, 'source sandbox: system already holds records; start-up load skipped (reset it to load again)');
        continue;
      }
      const result = await this.load(system, dir);
      this.logger.info({ system, dir, records: result.records, ms: result.ms }, 'source sandbox: export loaded');
    }
  }

  async load(system: string, dir: string): Promise<LoadResult> {
    const connector = this.connectors.get(system);
    const stat = await fs.stat(dir).catch(() => null);
    if (!stat?.isDirectory()) throw SourceErrors.badRequest(`load ${system}: "${dir}" is not a folder this sandbox can read`);
    if (this.running.has(system)) throw SourceErrors.conflict(`load ${system}: a load of ${system} is already running`);
    this.running.add(system);
    const started = Date.now();
    try {
      const streams: Record<string, StreamLoad> = {};
      for (const def of connector.streams()) {
        if (!def.api) continue;
        streams[def.name] = await this.loadStream(connector, def, dir);
      }
      const records = Object.values(streams).reduce((n, s) => n + s.loaded, 0);
      await this.store.analyze();
      return { system, dir, streams, records, ms: Date.now() - started };
    } finally {
      this.running.delete(system);
      this.notify();
    }
  }

  private async loadStream(connector: SourceConnector, def: StreamDefinition, dir: string): Promise<StreamLoad> {
    const result: StreamLoad = { from: def.export ? 'export' : 'api-only', loaded: 0, rejected: 0, examples: [] };
    const batchSize = this.options.source.loadBatchSize;
    const loadTime = Date.now();
    let batch = new Map<string, Loaded>();
    let writing = false;
    const flush = async () => {
      if (batch.size === 0) return;
      const rows = [...batch.values()];
      batch = new Map();
      writing = true;
      await this.store.upsertBatch(connector.system, def.name, rows);
      writing = false;
      result.loaded += rows.length;
    };
    const reject = (why: string) => {
      result.rejected++;
      if (result.examples.length < 5) result.examples.push(why);
    };
    const add = async (record: Record<string, unknown>, where: string) => {
      const key = record[def.key];
      if (key === null || key === undefined || key === '') return reject(`${where}: no ${def.key}`);
      const stamped = def.cursor ? toMillis(record[def.cursor]) : undefined;
      const modified = stamped ?? loadTime;
      // An API stamps every record; one the export left without a time is served with the load time.
      if (def.cursor && stamped === undefined) record[def.cursor] = loadTime;
      // A key repeated in the export: the later row wins, as the reader would deliver it last.
      batch.set(String(key), { key: String(key), modified, data: record });
      if (batch.size >= batchSize) await flush();
    };

    if (def.export) {
      const file = path.join(dir, def.export.file);
      try {
        for await (const m of connector.readExport(dir, def.name)) {
          if (m.type === 'record') await add(m.record, `${def.export.file} line ${m.origin.line ?? '?'}`);
          else if (m.type === 'reject') reject(m.reason);
        }
      } catch (err) {
        if (writing) throw err;
        throw SourceErrors.badRequest(`load ${connector.system}: cannot read ${def.name} from ${file}: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else {
      const file = path.join(dir, API_ONLY_DIR, `${def.name}.ndjson`);
      if (!(await fs.stat(file).catch(() => null))) {
        result.from = 'none';
        result.note = `${file} is missing; ${def.name} is served empty`;
        return result;
      }
      const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      let line = 0;
      for await (const text of lines) {
        line++;
        if (text.trim() === '') continue;
        const where = `${API_ONLY_DIR}/${def.name}.ndjson line ${line}`;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          reject(`${where}: not JSON`);
          continue;
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) reject(`${where}: not a JSON object`);
        else await add(value as Record<string, unknown>, where);
      }
    }
    await flush();
    return result;
  }
}
