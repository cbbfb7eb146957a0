import { once } from 'events';
import { open } from 'fs/promises';
import { join } from 'path';
import * as ExcelJS from 'exceljs';
import { csvField, SampleFileWriter, semicolonCsvField, type SampleFileOptions } from './sample-file.writer';

/**
 * Where a sample generator writes an object's rows: one CSV file per object, or one worksheet per object of a
 * streamed workbook. Both count the line (CSV) or row (XLSX) each row starts on, for the manifest.
 */

/**
 * `raw` is written to a CSV exactly as given (a deliberately broken value the writer must not quote); `date` is
 * a real Excel date cell with its display format (workbooks only).
 */
export type SampleCell = string | number | { raw: string } | { date: Date; format: string };

export interface SampleSheet {
  /** the line (CSV) or row (XLSX) the next row starts on */
  readonly line: number;
  row(cells: SampleCell[]): Promise<void>;
  end(): Promise<void>;
}

export interface SampleSheetSink {
  /** `name`: the CSV file (relative to the folder) or the worksheet */
  sheet(name: string, headers: string[]): Promise<SampleSheet>;
  finish(): Promise<void>;
}

/** Excel's row limit; a bigger object needs a CSV export. */
export const XLSX_MAX_ROWS = 1_048_576;

function csvCell(c: SampleCell, delimiter: ',' | ';'): string {
  if (typeof c === 'object') {
    if ('raw' in c) return c.raw;
    throw new Error('a date cell cannot go into a CSV file');
  }
  const text = typeof c === 'number' ? String(c) : c;
  return delimiter === ',' ? csvField(text) : semicolonCsvField(text);
}

/** A CSV row of cells, quoted as exporters quote. */
export const csvRow = (cells: readonly SampleCell[], delimiter: ',' | ';' = ',') => cells.map((c) => csvCell(c, delimiter)).join(delimiter);

export class CsvSampleSink implements SampleSheetSink {
  constructor(
    private readonly dir: string,
    private readonly options: SampleFileOptions & { delimiter?: ',' | ';'; bom?: boolean } = {},
  ) {}

  async sheet(name: string, headers: string[]): Promise<SampleSheet> {
    const out = new SampleFileWriter(join(this.dir, name), this.options);
    const delimiter = this.options.delimiter ?? ',';
    // a byte-order mark, as Excel-minded exporters put at the start of every file
    if (this.options.bom) await out.write('\uFEFF');
    await out.row(csvRow(headers, delimiter));
    return {
      get line() {
        return out.line;
      },
      row: (cells) => out.row(csvRow(cells, delimiter)),
      end: () => out.end(),
    };
  }

  async finish(): Promise<void> {}
}

/**
 * The worksheet's zip entry stream and the bytes waiting in it. exceljs writes rows without backpressure, so
 * the writer looks at the entry's buffer itself (readable-stream keeps it in `_writableState`).
 */
function xlsxEntry(ws: ExcelJS.Worksheet): { pipe: NodeJS.EventEmitter; waiting: number } | null {
  const pipe = (ws as unknown as { stream?: { pipes?: Array<NodeJS.EventEmitter & { _writableState?: { length: number } }> } }).stream?.pipes?.[0];
  return pipe?._writableState ? { pipe, waiting: pipe._writableState.length } : null;
}

const PLAIN_STYLE: Partial<ExcelJS.Style> = {};
const DATE_STYLES = new Map<string, Partial<ExcelJS.Style>>();
const styleFor = (numFmt: string) => {
  let style = DATE_STYLES.get(numFmt);
  if (!style) DATE_STYLES.set(numFmt, (style = { numFmt }));
  return style;
};

/** A streamed workbook whose bytes depend only on its rows: `time` stamps the document and every zip entry. */
export class XlsxSampleSink implements SampleSheetSink {
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;

  constructor(
    private readonly file: string,
    author: string,
    private readonly time: Date,
  ) {
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
    this.wb.creator = author;
    this.wb.lastModifiedBy = author;
    this.wb.created = time;
    this.wb.modified = time;
  }

  async sheet(name: string, headers: string[]): Promise<SampleSheet> {
    const ws = this.wb.addWorksheet(name);
    ws.addRow(headers).commit();
    let line = 2;
    let sinceCheck = 0;
    return {
      get line() {
        return line;
      },
      async row(cells) {
        if (line > XLSX_MAX_ROWS) {
          throw new RangeError(`${name}: more than ${XLSX_MAX_ROWS} rows do not fit a worksheet; generate with format "csv"`);
        }
        const row = ws.addRow(cells.map((c) => (typeof c !== 'object' ? c : 'raw' in c ? c.raw : c.date)));
        // exceljs caches a cell's style by object identity; a fresh style per cell would be rendered per cell.
        for (let i = 0; i < cells.length; i++) {
          const c = cells[i];
          row.getCell(i + 1).style = typeof c === 'object' && 'date' in c ? styleFor(c.format) : PLAIN_STYLE;
        }
        row.commit();
        line++;
        if (++sinceCheck >= 256) {
          sinceCheck = 0;
          const entry = xlsxEntry(ws);
          if (entry && entry.waiting > 4 * 1024 * 1024) await once(entry.pipe, 'drain');
          else if (!entry) await new Promise((resolve) => setImmediate(resolve));
        }
      },
      async end() {
        ws.commit();
      },
    };
  }

  async finish(): Promise<void> {
    await this.wb.commit();
    await stampZipEntries(this.file, this.time);
  }
}

const ZIP_LOCAL_HEADER = 0x04034b50;
const ZIP_CENTRAL_HEADER = 0x02014b50;
const ZIP_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

/**
 * Sets the modification time of every entry of a zip file, in its local and central headers. exceljs (through
 * archiver) stamps entries with the clock, some of them before a caller can intervene, and in local time.
 */
export async function stampZipEntries(file: string, when: Date): Promise<void> {
  const time = (when.getUTCHours() << 11) | (when.getUTCMinutes() << 5) | (when.getUTCSeconds() >> 1);
  const date = ((when.getUTCFullYear() - 1980) << 9) | ((when.getUTCMonth() + 1) << 5) | when.getUTCDate();
  const stamp = Buffer.alloc(4);
  stamp.writeUInt16LE(time, 0);
  stamp.writeUInt16LE(date, 2);
  const fh = await open(file, 'r+');
  try {
    const { size } = await fh.stat();
    const tail = Buffer.alloc(Math.min(size, 22 + 0xffff));
    await fh.read(tail, 0, tail.length, size - tail.length);
    const end = tail.lastIndexOf(ZIP_END);
    if (end < 0) throw new Error(`${file}: no zip end-of-central-directory record`);
    const entries = tail.readUInt16LE(end + 10);
    const cdSize = tail.readUInt32LE(end + 12);
    const cdOffset = tail.readUInt32LE(end + 16);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const local = Buffer.alloc(4);
    for (let i = 0, p = 0; i < entries; i++) {
      if (cd.readUInt32LE(p) !== ZIP_CENTRAL_HEADER) throw new Error(`${file}: zip central directory entry ${i + 1} is damaged`);
      stamp.copy(cd, p + 12);
      const at = cd.readUInt32LE(p + 42);
      await fh.read(local, 0, 4, at);
      if (local.readUInt32LE(0) !== ZIP_LOCAL_HEADER) throw new Error(`${file}: zip entry ${i + 1} has no local header at ${at}`);
      await fh.write(stamp, 0, 4, at + 10);
      p += 46 + cd.readUInt16LE(p + 28) + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    await fh.write(cd, 0, cdSize, cdOffset);
  } finally {
    await fh.close();
  }
}
