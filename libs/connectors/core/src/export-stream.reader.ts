import { stat } from 'fs/promises';
import { join } from 'path';
import { FerryError } from '@ferry/common';
import { at } from './export-position';
import { missingColumnsProblem, missingFileProblem, resolveExportFile } from './export-file.problems';
import { readExportRowBatches, type ExportRow } from './export-rows.reader';
import { createCoercer, customText, type ValuePolicy } from './record.coercer';
import { loadRecordSchema, type AvroSchema } from './record-schema';
import type { ReadOptions, RejectCode, SourceMessage, SourceSystem, StreamDefinition, StreamState } from './source.connector';

export const DEFAULT_STATE_EVERY = 1000;

/** The export drop lacks a stream's file: the extractor stops that object and carries on with the others. */
export class ExportFileMissingError extends FerryError {
  constructor(
    readonly file: string,
    readonly stream: string,
    readonly dir: string,
    readonly nearMiss: string | null = null,
  ) {
    super('EXPORT_FILE_MISSING', missingFileProblem(dir, file, stream, nearMiss), 'fatal', { file, stream, dir, nearMiss });
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
  /**
   * a connector's own touch on a row before it is typed (split a name, derive a key, flatten an envelope); it
   * must cope with blank values, and returns a PreparedReject for a row it cannot make sense of
   */
  prepare?: RowPreparer;
  /**
   * default `lenient`: a value that does not parse in an optional field empties the field (listed in the
   * record's `issues`) instead of refusing the row. A connector whose exporter writes fixed formats, and whose
   * sample marks such rows malformed, passes `strict`.
   */
  values?: ValuePolicy;
  /** with `lenient`: values the source uses for real although they read as placeholders (see CoercerOptions) */
  notPlaceholders?: readonly string[];
}

/**
 * A row a connector's prepare refused, with a stable code and one sentence saying why; the reader yields it as
 * a reject at the row's file and line, like a row the coercer refused.
 */
export class PreparedReject {
  readonly type = 'reject' as const;
  constructor(
    readonly code: RejectCode,
    readonly reason: string,
  ) {}
}

export type RowPreparer = (values: Record<string, unknown>) => Record<string, unknown> | PreparedReject;

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
  let location = stream.export;
  if (!location) {
    throw new FerryError(
      'NO_EXPORT_LOCATION',
      `${system} stream "${stream.name}" has no place in an export (its definition has no export location); read it from the API instead`,
      'fatal',
      { system, stream: stream.name },
    );
  }
  let path = join(dir, location.file);
  let size: number;
  let mtimeMs: number;
  try {
    let s = await stat(path).catch(() => null);
    if (s === null) {
      // an export written on another system may spell the name in another case (Contacts.csv)
      const resolved = await resolveExportFile(dir, location.file);
      if (resolved.found === null) throw new ExportFileMissingError(location.file, stream.name, dir, resolved.nearMiss);
      path = join(dir, resolved.found);
      location = { ...location, file: resolved.found };
      s = await stat(path);
    }
    if (!s.isFile()) throw new Error('not a file');
    ({ size, mtimeMs } = s);
  } catch (e) {
    if (e instanceof ExportFileMissingError) throw e;
    throw new ExportFileMissingError(location.file, stream.name, dir);
  }
  const fingerprint = fileFingerprint(size, mtimeMs);
  const schema = args.schema ?? loadRecordSchema(system, stream.name);
  const coerce = createCoercer(schema, location, { values: args.values ?? 'lenient', notPlaceholders: args.notPlaceholders });
  const every = Math.max(1, options.stateEvery ?? DEFAULT_STATE_EVERY);
  const resumeAt = options.state?.fingerprint === fingerprint && typeof options.state.position === 'number' ? options.state.position : 1;
  const name = stream.name;
  const file = location.file;
  const headerFormat = location.format === 'csv' || location.format === 'xlsx';

  let header: { labels: string[]; line: number } | null = null;
  let columns: readonly string[] | undefined;
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
        const labels = preparedLabels(prepare, header);
        columns = coerce.columnOrder(labels);
        const missing = coerce.missingFields(labels);
        if (missing.length > 0) {
          const { line } = header as { labels: string[]; line: number };
          yield {
            type: 'reject',
            stream: name,
            origin: { file, line },
            code: 'MISSING_COLUMN',
            reason: `${missingColumnsProblem({ location, line, stream: name, fields: missing, labels: (header as { labels: string[] }).labels, why: (f) => neededFor(stream, f) })}; nothing in this file was read`,
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
          const prepared = prepare ? prepare(row.values) : row.values;
          const out = prepared instanceof PreparedReject ? { ok: false as const, code: prepared.code, reason: prepared.reason } : coerce(prepared);
          if (out.ok) {
            const m: SourceMessage = { type: 'record', stream: name, record: out.record, origin: { file, line: row.line } };
            if (out.issues) m.issues = out.issues;
            if (columns) m.columns = columns;
            yield m;
          }
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

/**
 * The labels as the coercer sees the rows: after the connector's prepare, run once on a row of blanks (the
 * header's own labels when prepare refuses a blank row).
 */
export function preparedLabels(prepare: RowPreparer | undefined, header: { labels: readonly string[] }): string[] {
  if (!prepare) return [...header.labels];
  const blank: Record<string, unknown> = {};
  for (const l of header.labels) blank[l] = '';
  const prepared = prepare(blank);
  return prepared instanceof PreparedReject ? [...header.labels] : Object.keys(prepared);
}

/** What a required field is for, in the words of a missing-column message. */
export function neededFor(stream: StreamDefinition, field: string): string | null {
  if (field === stream.key) return `the key of ${stream.name} records`;
  const ref = stream.references.find((r) => r.field === field);
  return ref ? `the ${ref.object} each ${stream.name} belongs to` : null;
}

function rawOf(values: Record<string, unknown>): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) out[k] = customText(v);
  return JSON.stringify(out);
}
