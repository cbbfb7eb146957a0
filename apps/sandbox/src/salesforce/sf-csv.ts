import { parse } from 'csv-parse/sync';

export const COLUMN_DELIMITERS: Record<string, string> = {
  COMMA: ',',
  TAB: '\t',
  PIPE: '|',
  SEMICOLON: ';',
  CARET: '^',
  BACKQUOTE: '`',
};

export type LineEnding = 'LF' | 'CRLF';

export interface ParsedCsv {
  /** the header line exactly as uploaded (results repeat it) */
  headerLine: string;
  header: string[];
  rows: string[][];
}

export class CsvInputError extends Error {}

/** Parses an uploaded batch with the job's delimiter and line ending; a mismatch is refused as Salesforce does. */
export function parseIngestCsv(text: string, delimiterName: string, lineEnding: LineEnding): ParsedCsv {
  const delimiter = COLUMN_DELIMITERS[delimiterName];
  if (!delimiter) throw new CsvInputError(`ColumnDelimiter ${delimiterName} is not one of ${Object.keys(COLUMN_DELIMITERS).join(', ')}`);
  const body = text.startsWith('\ufeff') ? text.slice(1) : text;
  const firstBreak = body.indexOf('\n');
  if (firstBreak < 0 && body.trim() === '') throw new CsvInputError('the upload is empty: send a header line and at least one row');
  const headerLine = (firstBreak < 0 ? body : body.slice(0, firstBreak)).replace(/\r$/, '');
  const crlfHeader = firstBreak > 0 && body[firstBreak - 1] === '\r';
  if (firstBreak >= 0 && lineEnding === 'LF' && crlfHeader) {
    throw new CsvInputError('ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF');
  }
  if (firstBreak >= 0 && lineEnding === 'CRLF' && !crlfHeader) {
    throw new CsvInputError('ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF');
  }
  let records: string[][];
  try {
    records = parse(body, { delimiter, record_delimiter: lineEnding === 'CRLF' ? '\r\n' : '\n', relax_column_count: false, skip_empty_lines: true, bom: true });
  } catch (err) {
    throw new CsvInputError(`ClientInputError : the CSV could not be read: ${(err as Error).message}`);
  }
  if (records.length === 0) throw new CsvInputError('the upload is empty: send a header line and at least one row');
  const [header, ...rows] = records;
  return { headerLine, header: header.map((h) => h.trim()), rows };
}

function quote(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

export interface ResultFileOptions {
  delimiter: string;
  lineEnding: LineEnding;
}

/**
 * A result file: the sf__ columns (quoted), then the uploaded header as it was, then one line per row with every value
 * quoted. An empty list still carries the header line.
 */
export function resultCsv(prefix: string[], headerLine: string, rows: { prefix: string[]; values: string[] }[], o: ResultFileOptions): string {
  const eol = o.lineEnding === 'CRLF' ? '\r\n' : '\n';
  const head = [...prefix.map(quote), headerLine].filter((x) => x !== '').join(o.delimiter);
  const lines = rows.map((r) => [...r.prefix, ...r.values].map(quote).join(o.delimiter));
  return [head, ...lines].join(eol) + eol;
}

/** `CODE:message:fields --` as sf__Error carries it. */
export function bulkError(code: string, message: string, fields: string[]): string {
  return `${code}:${message}:${fields.length ? `${fields.join(',')} ` : ''}--`;
}
