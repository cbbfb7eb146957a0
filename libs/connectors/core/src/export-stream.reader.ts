import { stat } from 'fs/promises';
import { join } from 'path';
import { FerryError } from '@ferry/common';
import { at } from './export-position';
import { readExportRowBatches, type ExportRow } from './export-rows.reader';
import { createCoercer, customText } from './record.coercer';
import { loadRecordSchema, type AvroSchema } from './record-schema';
import type { ReadOptions, SourceMessage, SourceSystem, StreamDefinition, StreamState } from './source.connector';

export const DEFAULT_STATE_EVERY = 1000;

/** The export drop lacks a stream's file: the extractor stops that object and carries on with the others. */
export class ExportFileMissingError extends FerryError {
  constructor(
    readonly file: string,
    readonly stream: string,
    readonly dir: string,
  ) {
    super(
      'EXPORT_FILE_MISSING',
      `${join(dir, file)} does not exist, so the ${stream} stream cannot be read; put the export's ${file} in ${dir} or leave ${stream} out of the run`,
      'fatal',
      { file, stream, dir },
    );
    this.name = 'ExportFileMissingError';
  }
}

export interface ReadExportStreamArgs {
  system: SourceSystem;
  dir: string;
  stream: StreamDefinition;
  /** default: loadRecordSchema(system, stream.name) */
  schema?: AvroSchema;
  options?: ReadOptions;
  /** a connector's own touch on a row before it is typed (split a name, derive a key); it must cope with blank values */
  prepare?: (values: Record<string, unknown>) => Record<string, unknown>;
}

/** The fingerprint of a file version: a changed size or modification time restarts the file. */
export function fileFingerprint(size: number, mtimeMs: number): string {
  return `${size}:${Math.trunc(mtimeMs)}`;
}

/**
 * Reads one stream of an export drop as record, reject and state messages: what a connector's readExport
 * delegates to. Rows are typed against the stream's Avro record; a state message follows every `stateEvery`
 * records and rejects, and a last one says the file is complete. Resumes after `options.state.position` when
 * the state belongs to this version of the file, skipping earlier rows without typing them.
 */
export async function* readExportStream(args: ReadExportStreamArgs): AsyncGenerator<SourceMessage> {
  const { system, dir, stream, options = {}, prepare } = args;
  const location = stream.export;
  if (!location) {
    throw new FerryError(
      'NO_EXPORT_LOCATION',
      `${system} stream "${stream.name}" has no place in an export (its definition has no export location); read it from the API instead`,
      'fatal',
      { system, stream: stream.name },
    );
  }
  const path = join(dir, location.file);
  let size: number;
  let mtimeMs: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new Error('not a file');
    ({ size, mtimeMs } = s);
  } catch {
    throw new ExportFileMissingError(location.file, stream.name, dir);
  }
  const fingerprint = fileFingerprint(size, mtimeMs);
  const schema = args.schema ?? loadRecordSchema(system, stream.name);
  const coerce = createCoercer(schema, location);
  const every = Math.max(1, options.stateEvery ?? DEFAULT_STATE_EVERY);
  const resumeAt = options.state?.fingerprint === fingerprint && typeof options.state.position === 'number' ? options.state.position : 1;
  const name = stream.name;
  const file = location.file;
  const headerFormat = location.format === 'csv' || location.format === 'xlsx';

  let header: { labels: string[]; line: number } | null = null;
  let position = resumeAt;
  let sinceState = 0;
  let yielded = 0;
  const state = (complete: boolean): SourceMessage => {
    const s: StreamState = { fingerprint, position };
    if (complete) s.complete = true;
    return { type: 'state', stream: name, state: s };
  };

  const batches = readExportRowBatches(path, location, {
    fromPosition: resumeAt,
    encoding: location.encoding,
    onHeader: (labels, line) => {
      header = { labels, line };
    },
  });
  let checked = !headerFormat;
  try {
    for (;;) {
      const next = await batches.next();
      if (!checked && header) {
        checked = true;
        const missing = missingColumns(coerce.missingFields, prepare, header);
        if (missing.length > 0) {
          const { labels, line } = header as { labels: string[]; line: number };
          yield {
            type: 'reject',
            stream: name,
            origin: { file, line },
            code: 'MISSING_COLUMN',
            reason:
              `${at(location, line)}: the header has no column for required field${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
              `(header: ${labels.join(', ')}); add ${missing.length > 1 ? 'them' : 'it'} to the export or map a column to ${missing.length > 1 ? 'them' : 'it'}; nothing in this file was read`,
            raw: null,
          };
          position = line + 1;
          yield state(true);
          return;
        }
      }
      if (next.done) break;
      const rows: ExportRow[] = next.value;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        if (row.kind === 'reject') {
          yield { type: 'reject', stream: name, origin: { file, line: row.line }, code: row.code, reason: row.reason, raw: row.raw };
        } else {
          const out = coerce(prepare ? prepare(row.values) : row.values);
          if (out.ok) yield { type: 'record', stream: name, record: out.record, origin: { file, line: row.line } };
          else {
            yield {
              type: 'reject',
              stream: name,
              origin: { file, line: row.line },
              code: out.code,
              reason: `${at(location, row.line)}: ${out.reason}`,
              raw: row.raw ?? rawOf(row.values),
            };
          }
        }
        yielded++;
        if (row.line >= position) position = row.line + 1;
        if (++sinceState >= every) {
          sinceState = 0;
          yield state(false);
        }
      }
    }
  } finally {
    await batches.return(undefined);
  }
  if (headerFormat && header === null && yielded === 0 && resumeAt === 1) {
    const required = coerce.missingFields([]);
    if (required.length > 0) {
      yield {
        type: 'reject',
        stream: name,
        origin: { file, line: 1 },
        code: 'MISSING_COLUMN',
        reason: `${at(location, 0)} is empty: it needs a header row with at least the column${required.length > 1 ? 's' : ''} ${required.join(', ')}`,
        raw: null,
      };
      position = 2;
    }
  }
  yield state(true);
}

/** Required fields the header leaves empty, as the coercer would see the rows (after the connector's prepare). */
function missingColumns(
  missingFields: (labels: readonly string[]) => string[],
  prepare: ((values: Record<string, unknown>) => Record<string, unknown>) | undefined,
  header: { labels: string[] },
): string[] {
  if (!prepare) return missingFields(header.labels);
  const blank: Record<string, unknown> = {};
  for (const l of header.labels) blank[l] = '';
  return missingFields(Object.keys(prepare(blank)));
}

function rawOf(values: Record<string, unknown>): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = customText(v);
  return JSON.stringify(out);
}
