import { stat } from 'fs/promises';
import { join, relative, sep } from 'path';
import { FerryError } from '@ferry/common';
import {
  sampleManifest,
  checkExportHeader,
  API_ONLY_DIR,
  loadRecordSchema,
  missingFilesFolderProblem,
  readExportStream,
  type AutomationDefinition,
  type CheckResult,
  type ExportLocation,
  type ReadOptions,
  type RejectCode,
  type SampleEmptiedValue,
  type SampleManifest,
  type SampleOptions,
  type SourceConnector,
  type SourceMessage,
  type StreamDefinition,
} from '@ferry/connectors/core';
import { LEAF360_CATALOG, LEAF360_FILES_DIR } from './leaf360.catalog';
import { LEAF360_API, leaf360FromApiItem, leaf360ToApiItem } from './leaf360.api';
import { leaf360Automations } from './leaf360.automations';
import { LEAF360_STREAMS, type Leaf360Stream } from './leaf360.records';
import { writeLeaf360Export } from './sample/leaf360-sample.generator';
import { planSample } from './sample/leaf360-sample.plan';
import { hashSeed } from './sample/leaf360-sample.random';

export interface Leaf360GenerateOptions extends SampleOptions {
  /** one row in this many is malformed; 0 for none; default 200 (every file still gets at least one) */
  malformedEvery?: number;
  /**
   * Orphans (deals whose company was deleted, engagements whose contact was) and a company parent cycle;
   * default true. A route that waits for every parent never settles these, so the demo turns them off.
   */
  brokenReferences?: boolean;
}

/**
 * Leaf360, the mortgage CRM: a CSV export drop (plus workflows.json and the attachments' files) and a REST API
 * with cursor pages. Reading goes through the connector core against schemas/leaf360/*.avsc.
 */
export class Leaf360Connector implements SourceConnector {
  readonly system = 'leaf360' as const;
  readonly displayName = 'Leaf360';
  readonly api = LEAF360_API;

  streams(): StreamDefinition[] {
    return LEAF360_CATALOG.map((d) => structuredClone(d));
  }

  private stream(name: string): StreamDefinition {
    const def = LEAF360_CATALOG.find((d) => d.name === name);
    if (!def) throw new FerryError('USAGE', `leaf360 has no stream "${name}"; its streams are ${LEAF360_STREAMS.join(', ')}`, 'fatal');
    return def;
  }

  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    // lenient: a value that does not parse in an optional column empties that column and is listed in the record's
    // issues (the quality report counts them); only a missing or unparseable required value quarantines the row
    return readExportStream({ system: this.system, dir, stream: this.stream(stream), options, values: 'lenient' });
  }

  async checkExport(dir: string): Promise<CheckResult> {
    const problems: string[] = [];
    const warnings: string[] = [];
    if (!(await isFolder(dir))) {
      return { ok: false, problems: [`${dir} is not a folder; point the export setting at the folder holding the Leaf360 export`] };
    }
    for (const def of LEAF360_CATALOG) {
      if (!def.export) continue;
      const problem = await checkFile(dir, def, def.export, warnings);
      if (problem) problems.push(problem);
    }
    if ((await exists(join(dir, 'attachments.csv'))) && !(await isFolder(join(dir, LEAF360_FILES_DIR)))) {
      problems.push(missingFilesFolderProblem(dir, LEAF360_FILES_DIR, 'attachments.csv'));
    }
    return { ok: problems.length === 0, problems, ...(warnings.length > 0 ? { warnings } : {}) };
  }

  fromApiItem(stream: string, item: Record<string, unknown>): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
    this.stream(stream);
    return leaf360FromApiItem(stream, item);
  }

  toApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
    this.stream(stream);
    return leaf360ToApiItem(stream, record);
  }

  automations(stream: string, record: Record<string, unknown>): AutomationDefinition[] {
    return leaf360Automations(stream, record);
  }

  /**
   * Writes a deterministic export of every object: `records` rows in all (malformed ones included) spread
   * over the streams, the same bytes for the same seed. Memory stays flat at any size.
   */
  async generate(options: Leaf360GenerateOptions): Promise<SampleManifest> {
    if (options.format !== undefined && options.format !== 'csv') {
      throw new FerryError('USAGE', `Leaf360 exports CSV (with workflows as JSON), not ${options.format}; leave the format out`, 'fatal');
    }
    const malformedEvery = options.malformedEvery ?? 200;
    if (!Number.isInteger(malformedEvery) || malformedEvery < 0 || malformedEvery === 1) {
      throw new FerryError('USAGE', `malformedEvery must be 0 (no malformed rows) or a whole number of at least 2, not ${malformedEvery}`, 'fatal');
    }
    let plan;
    try {
      plan = planSample(options.records, hashSeed(options.seed), malformedEvery, options.brokenReferences ?? true);
    } catch (e) {
      throw new FerryError('USAGE', (e as Error).message, 'fatal');
    }
    const out = await writeLeaf360Export({ outDir: options.out, plan });
    const rel = (path: string) => relative(options.out, path).split(sep).join('/');
    const counts: Record<string, number> = {};
    const malformed: SampleManifest['malformed'] = [];
    const emptied: SampleEmptiedValue[] = [];
    const files: Record<string, string> = {};
    for (const s of LEAF360_STREAMS) {
      const path = out.files[s];
      if (!path) continue;
      counts[s] = out.rows[s] ?? 0;
      files[s] = rel(path);
      for (const m of out.malformed[s] ?? []) malformed.push({ stream: s, file: files[s], line: m.line, code: m.code });
      for (const e of out.emptied[s] ?? []) emptied.push({ stream: s, file: files[s], line: e.line, field: e.field, code: e.code });
    }
    const notes = { ...out.notes, files, goodRows: out.good, apiOnlyDir: API_ONLY_DIR };
    return sampleManifest(this.system, options.seed, counts, malformed, notes, emptied);
  }
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads a file's header (CSV) or first item (JSON) and says what would stop it, or null. */
async function checkFile(dir: string, def: StreamDefinition, wanted: ExportLocation, warnings: string[]): Promise<string | null> {
  const { problem, warning } = await checkExportHeader(dir, def, loadRecordSchema('leaf360', def.name as Leaf360Stream), wanted);
  if (warning) warnings.push(warning);
  return problem;
}
