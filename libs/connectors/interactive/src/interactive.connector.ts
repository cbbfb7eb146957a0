import { createReadStream } from 'fs';
import { readFile, stat } from 'fs/promises';
import { join } from 'path';
import {
  createCoercer,
  loadRecordSchema,
  missingColumnsProblem,
  missingFileProblem,
  missingFilesFolderProblem,
  neededFor,
  PreparedReject,
  readExportStream,
  resolveExportFile,
  unreadableFileProblem,
  type AutomationDefinition,
  type CheckResult,
  type ReadOptions,
  type RejectCode,
  type RowPreparer,
  type SampleManifest,
  type SampleOptions,
  type SourceConnector,
  type SourceMessage,
  type StreamDefinition,
} from '@ferry/connectors/core';
import { INTERACTIVE_API } from './interactive.api';
import { workflowAutomation } from './interactive.automations';
import { INTERACTIVE_STREAMS, interactiveStream } from './interactive.catalog';
import { fromInteractiveApiItem, toInteractiveApiItem } from './interactive-api.items';
import { associationRow, flattenItem, ITEM_SHAPED_STREAMS } from './interactive-export.rows';
import { generateInteractiveSample } from './sample/interactive-sample.generator';

/** The largest document checkExport parses whole (the small objects' files are a few KB). */
const CHECK_DOCUMENT_BYTES = 64 * 1024 * 1024;

function shaperFor(stream: string): RowPreparer | undefined {
  if (ITEM_SHAPED_STREAMS.has(stream)) return (values) => flattenItem(values, true);
  if (stream === 'association') return associationRow;
  return undefined;
}

async function firstLine(path: string): Promise<{ text: string; line: number } | null> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  let buffered = '';
  let line = 1;
  try {
    for await (const chunk of stream) {
      buffered += chunk as string;
      for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
        const text = buffered.slice(0, nl).replace(/^\uFEFF/, '').trim();
        if (text) return { text, line };
        buffered = buffered.slice(nl + 1);
        line++;
      }
      if (buffered.length > 16 * 1024 * 1024) return { text: buffered.slice(0, 200), line };
    }
  } finally {
    stream.destroy();
  }
  const text = buffered.replace(/^\uFEFF/, '').trim();
  return text ? { text, line } : null;
}

/** Words Interactive writes as real values: every account's first pipeline has the id "default". */
const INTERACTIVE_REAL_WORDS = ['default'];

export class InteractiveConnector implements SourceConnector {
  readonly system = 'interactive' as const;
  readonly displayName = 'Interactive';
  readonly api = INTERACTIVE_API;

  streams(): StreamDefinition[] {
    return INTERACTIVE_STREAMS.map((s) => structuredClone(s));
  }

  async checkExport(dir: string): Promise<CheckResult> {
    const problems: string[] = [];
    for (const def of INTERACTIVE_STREAMS) {
      if (!def.export) continue;
      const resolved = await resolveExportFile(dir, def.export.file);
      const file = resolved.found ?? def.export.file;
      const path = join(dir, file);
      const info = resolved.found === null ? null : await stat(path).catch(() => null);
      if (!info || !info.isFile()) {
        problems.push(missingFileProblem(dir, def.export.file, def.name, resolved.found === null ? resolved.nearMiss : null));
        continue;
      }
      const located = { ...def, export: { ...def.export, file } };
      const problem = def.export.format === 'ndjson' ? await this.checkNdjson(located, path) : await this.checkDocument(located, path, info.size);
      if (problem) problems.push(problem);
      if (def.name === 'attachment' && info.size > 0) {
        const files = await stat(join(dir, 'files')).catch(() => null);
        if (!files?.isDirectory()) problems.push(missingFilesFolderProblem(dir, 'files', file));
      }
    }
    return { ok: problems.length === 0, problems };
  }

  /** The first line of an NDJSON file must be an item the stream can type. */
  private async checkNdjson(def: StreamDefinition, path: string): Promise<string | null> {
    const file = def.export!.file;
    const first = await firstLine(path);
    if (!first) return null;
    let value: unknown;
    try {
      value = JSON.parse(first.text);
    } catch {
      const shown = first.text.length > 60 ? `${first.text.slice(0, 57)}...` : first.text;
      return `${file} line ${first.line}: not JSON (${shown}); the export writes one JSON object per line`;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return `${file} line ${first.line}: a JSON ${Array.isArray(value) ? 'array' : typeof value}, not an object`;
    const item = value as Record<string, unknown>;
    if (ITEM_SHAPED_STREAMS.has(def.name) && (typeof item.properties !== 'object' || item.properties === null)) {
      return `${file} line ${first.line}: has no "properties" object; ${def.name} lines are API items ({ id, properties, createdAt, updatedAt })`;
    }
    return this.checkLabels(def, item, first.line);
  }

  /** A `{"results": [...]}` document must hold an array whose first item carries every required field. */
  private async checkDocument(def: StreamDefinition, path: string, size: number): Promise<string | null> {
    const { file, arrayPath } = def.export!;
    if (size > CHECK_DOCUMENT_BYTES) return null;
    let doc: unknown;
    try {
      doc = JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
    } catch (err) {
      return unreadableFileProblem(file, `it is not a JSON document (${(err as Error).message})`);
    }
    const items = arrayPath ? (doc as Record<string, unknown> | null)?.[arrayPath] : doc;
    if (!Array.isArray(items)) return `${file}: ${arrayPath ? `has no "${arrayPath}" array` : 'is not a JSON array'}`;
    const first = items.find((x) => x !== null && typeof x === 'object' && !Array.isArray(x)) as Record<string, unknown> | undefined;
    return first ? this.checkLabels(def, first, items.indexOf(first) + 1) : null;
  }

  /** The first item must carry every required field; `line` is its line (NDJSON) or item index (JSON). */
  private checkLabels(def: StreamDefinition, item: Record<string, unknown>, line: number): string | null {
    const where = `${def.export!.file} ${def.export!.format === 'json' ? 'item' : 'line'} ${line}`;
    const shape = shaperFor(def.name);
    let labels = Object.keys(item);
    if (shape) {
      const prepared = shape(item);
      if (prepared instanceof PreparedReject) return `${where}: ${prepared.reason}`;
      labels = Object.keys(prepared);
    }
    const missing = createCoercer(loadRecordSchema(this.system, def.name), def.export).missingFields(labels);
    if (missing.length === 0) return null;
    return missingColumnsProblem({
      location: def.export!,
      line,
      stream: def.name,
      fields: missing,
      labels,
      why: (f) => neededFor(def, f),
    });
  }

  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    const def = interactiveStream(stream);
    // lenient: a value that does not parse in an optional column empties that column and is listed in the record's
    // issues (the quality report counts them); only a missing or unparseable required value quarantines the row
    return readExportStream({ system: this.system, dir, stream: def, options, prepare: shaperFor(stream), values: 'lenient', notPlaceholders: INTERACTIVE_REAL_WORDS });
  }

  fromApiItem(stream: string, item: Record<string, unknown>): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
    return fromInteractiveApiItem(stream, item);
  }

  toApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
    return { ...toInteractiveApiItem(stream, record) };
  }

  generate(options: SampleOptions): Promise<SampleManifest> {
    return generateInteractiveSample(options);
  }

  automations(stream: string, record: Record<string, unknown>): AutomationDefinition[] {
    return stream === 'workflow' ? [workflowAutomation(record)] : [];
  }
}
