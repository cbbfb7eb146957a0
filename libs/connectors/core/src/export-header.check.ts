import { join } from 'path';
import {
  assumedColumnWarning,
  emptyFileProblem,
  missingColumnsProblem,
  missingFileProblem,
  resolveExportFile,
  unreadableFileProblem,
} from './export-file.problems';
import { readExportRows } from './export-rows.reader';
import { neededFor } from './export-stream.reader';
import { createCoercer } from './record.coercer';
import type { AvroSchema } from './record-schema';
import type { ExportLocation, StreamDefinition } from './source.connector';

/** What checking one object's file found: a problem that stops the read, or a warning it can go on with. */
export interface ExportHeaderCheck {
  problem: string | null;
  warning: string | null;
}

/**
 * The check every connector's checkExport makes of one object's file: it is there (in any case of its name),
 * its first row can be read, and a CSV or worksheet has a header naming every field the stream's schema
 * requires. Files without a header (JSON, NDJSON) are checked by their first item only. Reads one row.
 */
export async function checkExportHeader(
  dir: string,
  stream: StreamDefinition,
  schema: AvroSchema,
  wanted: ExportLocation = stream.export!,
  /** fields the schema lets be empty but whose column the export always has (a reference the resolver follows) */
  alsoRequired: readonly string[] = [],
): Promise<ExportHeaderCheck> {
  const none = { problem: null, warning: null };
  const resolved = await resolveExportFile(dir, wanted.file);
  if (resolved.found === null) return { ...none, problem: missingFileProblem(dir, wanted.file, stream.name, resolved.nearMiss) };
  const location = { ...wanted, file: resolved.found };
  const where = location.sheet ? `${location.file} sheet "${location.sheet}"` : location.file;
  let labels: string[] | null = null;
  let line = 1;
  const rows = readExportRows(join(dir, location.file), location, {
    onHeader: (l, at) => {
      labels = l;
      line = at;
    },
  })[Symbol.asyncIterator]();
  try {
    const first = await rows.next();
    if (labels === null) {
      if (!first.done && first.value.kind === 'reject') return { ...none, problem: first.value.reason };
      if (location.format === 'csv' || location.format === 'xlsx') return { ...none, problem: emptyFileProblem(where, stream.name) };
      return none;
    }
  } catch (err) {
    return { ...none, problem: unreadableFileProblem(where, err instanceof Error ? err.message : String(err)) };
  } finally {
    await rows.return?.(undefined);
  }
  const coerce = createCoercer(schema, location);
  const assumed = coerce.assumedFields(labels);
  const warning = assumed.length > 0 ? assumedColumnWarning(location, line, stream.name, assumed) : null;
  const missing = coerce.missingFields(labels);
  if (alsoRequired.length > 0) {
    const present = new Set(coerce.columnOrder(labels));
    for (const f of alsoRequired) if (!present.has(f) && !missing.includes(f)) missing.push(f);
  }
  if (missing.length === 0) return { problem: null, warning };
  return { problem: missingColumnsProblem({ location, line, stream: stream.name, fields: missing, labels, why: (f) => neededFor(stream, f) }), warning };
}
