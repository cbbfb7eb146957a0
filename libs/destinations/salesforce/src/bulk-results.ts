import { parse } from 'csv-parse/sync';
import { csvCell } from './sobject.model';
import { parseBulkError, type RecordError } from './salesforce.error';

/** A Bulk API 2.0 upload: a header of API names (parents as `Relationship.Field`) and one row per record. */
export function buildCsv(headers: string[], rows: Record<string, unknown>[]): string {
  const lines = [headers.map((h) => csvCell(h)).join(',')];
  for (const r of rows) lines.push(headers.map((h) => csvCell(r[h])).join(','));
  return `${lines.join('\n')}\n`;
}

export type BulkOutcome =
  | { ok: true; id: string; created: boolean }
  | { ok: false; error: RecordError; unprocessed?: boolean };

function rows(csv: string | undefined): Record<string, string>[] {
  if (!csv || !csv.trim()) return [];
  return parse(csv, { columns: true, skip_empty_lines: true, relax_column_count: true, bom: true }) as Record<string, string>[];
}

/**
 * A finished job's three result files joined back to Ferry's keys. Salesforce does not keep input order in them,
 * so rows are matched on the key column the upload carried (the external-ID field, compared case-insensitively as
 * the field is). A key found in no file has no outcome: the caller reports it as not written.
 */
export function joinBulkResults(keyHeader: string, files: { successful?: string; failed?: string; unprocessed?: string }): Map<string, BulkOutcome> {
  const out = new Map<string, BulkOutcome>();
  const keyOf = (r: Record<string, string>) => {
    const name = Object.keys(r).find((k) => k.toLowerCase() === keyHeader.toLowerCase());
    return name === undefined ? undefined : r[name];
  };
  for (const r of rows(files.successful)) {
    const key = keyOf(r);
    if (key !== undefined) out.set(key.toLowerCase(), { ok: true, id: r.sf__Id, created: String(r.sf__Created).toLowerCase() === 'true' });
  }
  for (const r of rows(files.failed)) {
    const key = keyOf(r);
    if (key !== undefined) out.set(key.toLowerCase(), { ok: false, error: parseBulkError(r.sf__Error ?? '') });
  }
  for (const r of rows(files.unprocessed)) {
    const key = keyOf(r);
    if (key !== undefined && !out.has(key.toLowerCase())) out.set(key.toLowerCase(), { ok: false, unprocessed: true, error: { code: 'BULK_UNPROCESSED', message: 'the job ended before this row was processed', fields: [] } });
  }
  return out;
}
