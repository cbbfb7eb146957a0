import { isUtf8 } from 'buffer';
import { open } from 'fs/promises';
import { Parser } from 'csv-parse';
import * as iconv from 'iconv-lite';
import { detectEncoding, sniffDelimiter, SNIFF_BYTES, type TextEncoding } from './csv-dialect.sniffer';
import { CsvRowFramer, MAX_ROW_BYTES, type FramedReject, type FramedRow } from './csv-row.framer';
import type { ExportRow, ExportRowsOptions } from './export-rows.reader';
import { duplicateLabel, headerLabels } from './header.labels';
import type { ExportLocation } from './source.connector';

const CHUNK_BYTES = 256 * 1024;
const REPLACEMENT = '\uFFFD';

type Reject = Extract<ExportRow, { kind: 'reject' }>;

/** A row waiting for its values from csv-parse (or, before the header is read, for the header). */
interface Pending {
  kind: 'pending';
  line: number;
  raw: string;
  values: string[] | null;
  reject: Reject | null;
}

const DELIMITER_NAMES: Record<string, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab', '|': 'pipe' };

/** What the start of a CSV file said about how to read the rest. */
export interface CsvDialect {
  encoding: TextEncoding;
  delimiter: string;
  /** how the encoding was chosen */
  encodingFrom: 'bom' | 'sniffed' | 'option';
}

/**
 * Streams one CSV file as header-labelled rows and rejects, in file order, reading it in chunks only as fast
 * as the consumer pulls. The framer finds each row and refuses broken quoting (one reject per bad row, the
 * rest flows on); rows without a quote are split on the delimiter directly, rows with quotes go through one
 * csv-parse per file, which never sees a row it could fail on. Line numbers are physical and 1-based; a row
 * spanning lines reports the line it starts on. Rows come in batches, one per chunk read, so a consumer
 * pays for one await per chunk rather than per row.
 */
export async function* readCsvRows(file: string, location: ExportLocation, options: ExportRowsOptions = {}): AsyncGenerator<ExportRow[]> {
  const name = location.file;
  const fromPosition = options.fromPosition ?? 1;
  const fh = await open(file, 'r');
  let parser: Parser | null = null;
  try {
    let chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let { bytesRead } = await fh.read(chunk, 0, CHUNK_BYTES, 0);
    let position = bytesRead;
    const sample = chunk.subarray(0, Math.min(bytesRead, SNIFF_BYTES));
    const sampleWhole = bytesRead < CHUNK_BYTES && bytesRead <= SNIFF_BYTES;
    const dialect = csvDialect(sample, sampleWhole, options.encoding);
    const win1252 = dialect.encoding === 'windows-1252';
    const delimiter = dialect.delimiter;
    const decode = win1252
      ? (b: Buffer, s: number, e: number) => iconv.decode(b.subarray(s, e), 'win1252')
      : (b: Buffer, s: number, e: number) => b.toString('utf8', s, e);
    const framer = new CsvRowFramer(delimiter);
    let labels: string[] | null = null;
    let framedHeader = false;
    let width = 0;
    let ended = false;

    const badBytes = (row: FramedRow, text: string): boolean =>
      !win1252 && text.indexOf(REPLACEMENT) !== -1 && !isUtf8(row.data.subarray(row.start, row.contentEnd));

    // Rows in file order. Quoted rows wait here for csv-parse, which hands back a row only once it has seen
    // what follows it; rows without quotes are typed at once but keep their place behind them.
    const queue: Array<ExportRow | Pending> = [];
    let head = 0;
    const waiting: Pending[] = [];
    let waitHead = 0;
    const takeValues = () => {
      for (let v = parser!.read() as string[] | null; v !== null; v = parser!.read() as string[] | null) waiting[waitHead++].values = v;
      // csv-parse keeps the last row of each write back, so the list is seldom empty: drop what it has filled.
      if (waitHead === waiting.length) waiting.length = waitHead = 0;
      else if (waitHead >= 1024) {
        waiting.splice(0, waitHead);
        waitHead = 0;
      }
      if (parser!.errored) throw new Error(`CSV reader: csv-parse refused a row of ${name} that the framer passed: ${parser!.errored.message}`);
    };
    let run: FramedRow | null = null;
    let runEnd = 0;
    const flush = () => {
      if (run === null) return;
      parser ??= new Parser({ delimiter, relax_column_count: true, record_delimiter: framer.crOnly ? ['\r'] : ['\r\n', '\n'] });
      parser.write(win1252 ? decode(run.data, run.start, runEnd) : run.data.subarray(run.start, runEnd));
      run = null;
      takeValues();
    };
    const header = (line: number, values: string[], raw: string): Reject | null => {
      const h = startHeader(name, line, values, raw, options);
      if (h.kind === 'reject') return h;
      labels = h.labels;
      width = labels.length;
      return null;
    };

    while (!ended) {
      if (bytesRead > 0) framer.push(bytesRead === CHUNK_BYTES ? chunk : chunk.subarray(0, bytesRead));
      else {
        ended = true;
        framer.end();
      }
      for (let item = framer.next(); item !== null; item = framer.next()) {
        // Rows before the resume position cost only their framing; the header, the first item, is always read.
        const first = !framedHeader;
        if (!first && item.line < fromPosition) continue;
        framedHeader = true;
        if (item.kind === 'bad') {
          const reject = framingReject(name, item, decode, first);
          if (first) {
            yield [reject];
            return;
          }
          queue.push(reject);
          continue;
        }
        const raw = decode(item.data, item.start, item.contentEnd);
        const reject = badBytes(item, raw) ? encodingReject(name, item.line, raw) : null;
        if (item.fields === -1) {
          if (labels !== null) queue.push(reject ?? splitRow(name, delimiter, labels, width, item.line, raw));
          else if (first) {
            const stop = reject ?? header(item.line, raw.split(delimiter), raw);
            if (stop) {
              yield [stop];
              return;
            }
          } else queue.push({ kind: 'pending', line: item.line, raw, values: raw.split(delimiter), reject });
          continue;
        }
        // Quoted rows back to back in the buffer go to csv-parse in one write.
        if (run === null || run.data !== item.data || runEnd !== item.start) {
          flush();
          run = item;
        }
        runEnd = item.end;
        const pending: Pending = { kind: 'pending', line: item.line, raw, values: null, reject };
        waiting.push(pending);
        queue.push(pending);
      }
      flush();
      if (parser && ended) {
        const p = parser as Parser;
        await new Promise<void>((done) => p.end(() => done()));
        takeValues();
      }
      const batch: ExportRow[] = [];
      for (; head < queue.length; head++) {
        const q = queue[head];
        if (q.kind !== 'pending') {
          batch.push(q);
          continue;
        }
        if (q.values === null) break;
        if (labels === null) {
          const stop = q.reject ?? header(q.line, q.values, q.raw);
          if (stop) {
            yield [stop];
            return;
          }
          continue;
        }
        batch.push(q.reject ?? rowOf(name, delimiter, labels, width, q.line, q.values, q.raw));
      }
      if (head === queue.length) queue.length = head = 0;
      else if (head > 4096) {
        queue.splice(0, head);
        head = 0;
      }
      if (batch.length > 0) yield batch;
      if (!ended) {
        chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        ({ bytesRead } = await fh.read(chunk, 0, CHUNK_BYTES, position));
        position += bytesRead;
      }
    }
  } finally {
    (parser as Parser | null)?.destroy();
    await fh.close();
  }
}

/** The encoding and delimiter of a file, from the start of it. */
export function csvDialect(sample: Buffer, whole: boolean, forced?: TextEncoding): CsvDialect {
  const bom = sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf;
  const encoding = forced ?? (bom ? 'utf-8' : detectEncoding(sample, whole));
  return { encoding, delimiter: sniffDelimiter(sample, whole).delimiter, encodingFrom: forced ? 'option' : bom ? 'bom' : 'sniffed' };
}

function startHeader(
  file: string,
  line: number,
  values: string[],
  raw: string,
  options: ExportRowsOptions,
): { kind: 'header'; labels: string[] } | Reject {
  const labels = headerLabels(values);
  const dup = duplicateLabel(labels);
  if (dup) {
    return {
      kind: 'reject',
      line,
      code: 'DUPLICATE_COLUMN',
      reason: `${file} line ${line}: the header names column "${labels[dup.second]}" twice (columns ${dup.first + 1} and ${dup.second + 1}), so its values are ambiguous; rename or remove one; nothing in this file was read`,
      raw,
    };
  }
  options.onHeader?.(labels, line);
  return { kind: 'header', labels };
}

function fieldCountReject(file: string, delimiter: string, width: number, line: number, count: number, raw: string): Reject {
  return {
    kind: 'reject',
    line,
    code: 'CSV_FIELD_COUNT',
    reason:
      `${file} line ${line}: the row has ${count} values but the header has ${width} columns ` +
      `(an unquoted ${DELIMITER_NAMES[delimiter] ?? JSON.stringify(delimiter)} inside a value, or a missing or extra one); the row was skipped`,
    raw,
  };
}

function rowOf(file: string, delimiter: string, labels: string[], width: number, line: number, fields: string[], raw: string): ExportRow {
  if (fields.length !== width) return fieldCountReject(file, delimiter, width, line, fields.length, raw);
  const values: Record<string, unknown> = {};
  for (let i = 0; i < width; i++) values[labels[i]] = fields[i];
  return { kind: 'row', line, values, raw };
}

/** A row without quotes, split on the delimiter straight into its values. */
function splitRow(file: string, delimiter: string, labels: string[], width: number, line: number, raw: string): ExportRow {
  const values: Record<string, unknown> = {};
  let start = 0;
  const last = width - 1;
  for (let i = 0; i < last; i++) {
    const end = raw.indexOf(delimiter, start);
    if (end === -1) return fieldCountReject(file, delimiter, width, line, i + 1, raw);
    values[labels[i]] = raw.slice(start, end);
    start = end + 1;
  }
  if (raw.indexOf(delimiter, start) !== -1) return fieldCountReject(file, delimiter, width, line, raw.split(delimiter).length, raw);
  values[labels[last]] = raw.slice(start);
  return { kind: 'row', line, values, raw };
}

function encodingReject(file: string, line: number, raw: string): Reject {
  return {
    kind: 'reject',
    line,
    code: 'BAD_ENCODING',
    reason:
      `${file} line ${line}: the row holds bytes that are not UTF-8, though the start of the file is; ` +
      're-save the file as UTF-8 (or read it as windows-1252 if that is what it is); the row was skipped',
    raw,
  };
}

function framingReject(
  file: string,
  bad: FramedReject,
  decode: (b: Buffer, s: number, e: number) => string,
  header: boolean,
): Reject {
  const raw = decode(bad.raw, 0, bad.raw.length);
  const at = `${file} line ${bad.line}`;
  const mib = `${MAX_ROW_BYTES / 1024 / 1024} MiB`;
  if (header) {
    return {
      kind: 'reject',
      line: bad.line,
      code: bad.problem === 'too-long' ? 'ROW_TOO_LONG' : 'CSV_BAD_QUOTE',
      reason: `${at}: the header row ${bad.problem === 'too-long' ? `is longer than ${mib}` : 'has a misplaced or unclosed double quote'}, so its columns cannot be read; nothing in this file was read`,
      raw,
    };
  }
  if (bad.problem === 'too-long') {
    return { kind: 'reject', line: bad.line, code: 'ROW_TOO_LONG', reason: `${at}: the row is longer than ${mib}; it was skipped`, raw };
  }
  const what =
    bad.problem === 'unclosed-quote'
      ? `a double quote opened on this line is never closed, so the row runs into the lines after it${bad.detail ? ` (${bad.detail})` : ''}`
      : 'a double quote is misplaced (a value holding the delimiter, quotes or line breaks must be wrapped in double quotes, with quotes inside it doubled as "")';
  return {
    kind: 'reject',
    line: bad.line,
    code: 'CSV_BAD_QUOTE',
    reason: `${at}: ${what}; the row was skipped and reading went on with line ${bad.line + 1}`,
    raw,
  };
}
