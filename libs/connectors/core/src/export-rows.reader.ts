import { readCsvRows } from './csv-rows.reader';
import { readJsonRows, readNdjsonRows } from './json-rows.reader';
import { readXlsxRows } from './xlsx-rows.reader';
import type { TextEncoding } from './csv-dialect.sniffer';
import type { ExportLocation, RejectCode } from './source.connector';

/**
 * One row of an export file before it is typed: values keyed by the file's own header labels (CSV, XLSX) or
 * property names (JSON, NDJSON), or a reject for a row that could not be read at all. `line` is the physical
 * 1-based line a CSV row starts on, the sheet row number (XLSX), the item index (JSON) or the line (NDJSON).
 * A reject's reason already names the file and line.
 */
export type ExportRow =
  | { kind: 'row'; line: number; values: Record<string, unknown>; raw: string | null }
  | { kind: 'reject'; line: number; code: RejectCode; reason: string; raw: string | null };

export interface ExportRowsOptions {
  /** skip rows before this line / row / item index without reading their values (resume); default 1 */
  fromPosition?: number;
  /** CSV: read as this encoding instead of detecting it */
  encoding?: TextEncoding;
  /** CSV, XLSX: called once with the header labels, before any row is yielded */
  onHeader?: (labels: string[], line: number) => void;
}

/** Streams the rows of one export file in the format its location names. */
export async function* readExportRows(file: string, location: ExportLocation, options?: ExportRowsOptions): AsyncGenerator<ExportRow> {
  for await (const batch of readExportRowBatches(file, location, options)) yield* batch;
}

/** The same rows in the batches the readers produce (one per chunk read): one await per batch, not per row. */
export function readExportRowBatches(file: string, location: ExportLocation, options?: ExportRowsOptions): AsyncGenerator<ExportRow[]> {
  switch (location.format) {
    case 'csv':
      return readCsvRows(file, location, options);
    case 'json':
      return readJsonRows(file, location, options);
    case 'ndjson':
      return readNdjsonRows(file, location, options);
    case 'xlsx':
      return readXlsxRows(file, location, options);
    default:
      throw new Error(`${location.file}: unknown export format ${JSON.stringify(location.format)} (csv, xlsx, json or ndjson)`);
  }
}
