import { createWriteStream, type WriteStream } from 'fs';
import { mkdir, open, writeFile } from 'fs/promises';
import { once } from 'events';
import { join } from 'path';
import { finished } from 'stream/promises';
import * as ExcelJS from 'exceljs';
import { API_ONLY_DIR, type ExportFormat, type RejectCode, type SampleManifest, type SampleOptions } from '@ferry/connectors/core';
import { PLANPORTS_EXPORT_FILE, PLANPORTS_SHEETS, PLANPORTS_STREAM_NAMES } from './planports.catalog';
import { planportsFields, type PlanportsFieldKind } from './planports.schema';
import { Rng, seedOf } from './planports-sample.random';
import { EXTRA_COLUMNS, PlanportsWorld, planportsSampleCounts, type BuiltRecord, type SampleCounts } from './planports-sample.world';

/**
 * Writes a deterministic Planports export of any size: the Excel workbook (one worksheet per object, streamed
 * with exceljs' WorkbookWriter) or one CSV per object, API-only objects as NDJSON under api-only/, and the
 * attachment files under files/. Values are spelled the way a Turkish/European SMB's export spells them, and a
 * few rows per sheet are broken on purpose; the manifest says which, with the reject a reader must give.
 */

export const FILES_DIR = 'files';
/** Excel's row limit; a bigger object needs the CSV variant. */
const XLSX_MAX_ROWS = 1_048_576;
/** The workbook's own creation time, and every zip entry's, so the same seed writes the same bytes. */
const FIXED_TIME = new Date(Date.UTC(2025, 9, 1, 6, 0, 0));

export type MalformedKind =
  | 'missing-key'
  | 'bad-timestamp'
  | 'bad-date'
  | 'bad-money'
  | 'bad-number'
  | 'bad-boolean'
  | 'field-count'
  | 'stray-quote';

const MALFORMED_CODES: Readonly<Record<MalformedKind, RejectCode>> = {
  'missing-key': 'MISSING_VALUE',
  'bad-timestamp': 'BAD_TIMESTAMP',
  'bad-date': 'BAD_DATE',
  'bad-money': 'BAD_DECIMAL',
  'bad-number': 'BAD_NUMBER',
  'bad-boolean': 'BAD_BOOLEAN',
  'field-count': 'CSV_FIELD_COUNT',
  'stray-quote': 'CSV_BAD_QUOTE',
};

const BAD_VALUES: Readonly<Record<'bad-timestamp' | 'bad-date' | 'bad-money' | 'bad-number' | 'bad-boolean', readonly string[]>> = {
  'bad-timestamp': ['31.02.2024 10:00', 'dün 14:00', '2024-13-01T10:00:00Z', '12.05.2024 25:61', 'geçen hafta'],
  'bad-date': ['30.02.2024', '2024-00-10', 'next week', '15/15/2024', '31.04.2023'],
  'bad-money': ['₺1.50.0,00', 'about 2000', '12,5k', '1.234,567 TL', 'fiyat sorunuz'],
  'bad-number': ['twelve', '3 adet', '1..5', 'yok', '7 gün'],
  'bad-boolean': ['Evet', 'Hayır', 'maybe', 'Y', 'belki'],
};

/**
 * `raw` is written to a CSV exactly as given (a deliberately broken value the writer must not quote); `date` is
 * a real Excel date cell with its display format (workbooks only).
 */
type Cell = string | number | { raw: string } | { date: Date; format: string };

// ---- value spellings -------------------------------------------------------------------------------------

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

function dotted(d: Date, pad: boolean): string {
  return pad ? `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}` : `${d.getUTCDate()}.${d.getUTCMonth() + 1}.${d.getUTCFullYear()}`;
}

function spellTimestamp(rng: Rng, ms: number, format: ExportFormat): Cell {
  if (format === 'xlsx' && rng.chance(0.15)) return { date: new Date(ms), format: 'dd.mm.yyyy hh:mm' };
  const d = new Date(ms);
  const iso = d.toISOString();
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  switch (rng.weighted([[0, 30], [1, 20], [2, 20], [3, 12], [4, 8], [5, 10]] as const)) {
    case 0:
      return `${iso.slice(0, 19)}Z`;
    case 1: {
      // Istanbul's own clock, with its offset
      const local = new Date(ms + 3 * 3_600_000).toISOString();
      return `${local.slice(0, 19)}+03:00`;
    }
    case 2:
      // no zone: the export's times are UTC
      return `${dotted(d, true)} ${hm}`;
    case 3:
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    case 4:
      return String(ms);
    default: {
      const local = new Date(ms + 3 * 3_600_000);
      return `${dotted(local, true)} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())} +0300`;
    }
  }
}

function spellDate(rng: Rng, days: number, format: ExportFormat): Cell {
  const d = new Date(days * 86_400_000);
  if (format === 'xlsx' && rng.chance(0.2)) return { date: d, format: 'dd.mm.yyyy' };
  switch (rng.weighted([[0, 45], [1, 35], [2, 10], [3, 10]] as const)) {
    case 0:
      return d.toISOString().slice(0, 10);
    case 1:
      return dotted(d, true);
    case 2:
      return dotted(d, false);
    default:
      return d.toISOString().slice(0, 10).replace(/-/g, '/');
  }
}

function grouped(whole: string, sep: string): string {
  return whole.replace(/\B(?=(\d{3})+$)/g, sep);
}

/** Money as the export writes it for its currency: symbols, codes, Turkish/European or English separators. */
function spellMoney(rng: Rng, text: string, currency: string | null): string {
  const negative = text.startsWith('-');
  const [whole, cents] = (negative ? text.slice(1) : text).split('.');
  const eu = `${grouped(whole, '.')},${cents}`;
  const en = `${grouped(whole, ',')}.${cents}`;
  const round = cents === '00';
  let s: string;
  switch (currency) {
    case 'TRY':
      s = rng.pick([`₺${eu}`, `${eu} TL`, `${whole},${cents}`, `TRY ${eu}`, round ? `${grouped(whole, '.')} TL` : `₺${eu}`, text]);
      break;
    case 'EUR':
      s = rng.pick([round ? `€${grouped(whole, '.')}` : `€${eu}`, `${eu} €`, `€${en}`, `EUR ${text}`, text]);
      break;
    case 'USD':
      s = rng.pick([`$${en}`, `${en} USD`, round ? `$${whole}` : `$${en}`, `USD ${en}`, text]);
      break;
    case 'GBP':
      s = rng.pick([`£${en}`, `${text} GBP`, text]);
      break;
    default:
      s = rng.pick([text, eu, en]);
  }
  return negative ? `-${s}` : s;
}

function spellBoolean(rng: Rng, v: boolean): string {
  return rng.pick(v ? ['Yes', 'yes', 'true', 'TRUE', '1'] : ['No', 'no', 'false', 'FALSE', '0']);
}

function spellNumber(rng: Rng, n: number, format: ExportFormat): Cell {
  if (format === 'xlsx' && rng.chance(0.7)) return n;
  if (!Number.isInteger(n) && rng.chance(0.4)) return String(n).replace('.', ',');
  return String(n);
}

function spell(rng: Rng, kind: PlanportsFieldKind, value: unknown, currency: string | null, format: ExportFormat): Cell {
  if (value === null || value === undefined) return '';
  switch (kind) {
    case 'timestamp':
      return spellTimestamp(rng, value as number, format);
    case 'date':
      return spellDate(rng, value as number, format);
    case 'money':
      return format === 'xlsx' && rng.chance(0.15) ? Number(value) : spellMoney(rng, value as string, currency);
    case 'int':
    case 'long':
    case 'double':
      return spellNumber(rng, value as number, format);
    case 'boolean':
      return spellBoolean(rng, value as boolean);
    default:
      return String(value);
  }
}

// ---- sinks -------------------------------------------------------------------------------------------------

interface SheetSink {
  /** the line (CSV) or row (XLSX) the next row starts on */
  readonly line: number;
  row(cells: Cell[]): Promise<void>;
  end(): Promise<void>;
}

interface ExportSink {
  sheet(stream: string, headers: string[]): Promise<SheetSink>;
  finish(): Promise<void>;
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

class XlsxSink implements ExportSink {
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;

  constructor(private readonly file: string) {
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
    this.wb.creator = 'Planports CRM';
    this.wb.lastModifiedBy = 'Planports CRM';
    this.wb.created = FIXED_TIME;
    this.wb.modified = FIXED_TIME;
  }

  async sheet(stream: string, headers: string[]): Promise<SheetSink> {
    const ws = this.wb.addWorksheet(PLANPORTS_SHEETS[stream].sheet);
    ws.addRow(headers).commit();
    let line = 2;
    let sinceCheck = 0;
    return {
      get line() {
        return line;
      },
      async row(cells) {
        if (line > XLSX_MAX_ROWS) {
          throw new RangeError(`${PLANPORTS_SHEETS[stream].sheet}: more than ${XLSX_MAX_ROWS} rows do not fit a worksheet; generate with format "csv"`);
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
    await stampZipEntries(this.file, FIXED_TIME);
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

function csvField(c: Cell): string {
  if (typeof c === 'object') {
    if ('raw' in c) return c.raw;
    throw new Error('a date cell cannot go into a CSV file');
  }
  const s = typeof c === 'number' ? String(c) : c;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Text lines with backpressure: buffered into 64 KiB writes, waiting for the file when it falls behind. */
class LineWriter {
  private buffer = '';
  private readonly out: WriteStream;

  constructor(file: string) {
    this.out = createWriteStream(file);
  }

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= 64 * 1024) {
      const ok = this.out.write(this.buffer);
      this.buffer = '';
      if (!ok) await once(this.out, 'drain');
    }
  }

  async close(): Promise<void> {
    this.out.end(this.buffer);
    this.buffer = '';
    await finished(this.out);
  }
}

class CsvSink implements ExportSink {
  constructor(private readonly dir: string) {}

  async sheet(stream: string, headers: string[]): Promise<SheetSink> {
    const out = new LineWriter(join(this.dir, PLANPORTS_SHEETS[stream].csv));
    await out.write(`${headers.map(csvField).join(',')}\r\n`);
    let line = 2;
    return {
      get line() {
        return line;
      },
      async row(cells) {
        const text = cells.map(csvField).join(',');
        line++;
        for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
        await out.write(`${text}\r\n`);
      },
      end: () => out.close(),
    };
  }

  async finish(): Promise<void> {}
}

// ---- attachment files ----------------------------------------------------------------------------------------

const MAGIC: Readonly<Record<string, string>> = {
  'application/pdf': '%PDF-1.4\n',
  'image/jpeg': '\xff\xd8\xff\xe0JFIF\n',
  'image/heic': '\0\0\0\x18ftypheic\n',
  'video/mp4': '\0\0\0\x18ftypmp42\n',
};

/**
 * The file an attachment row points at, exactly `size_bytes` long. Small ones hold real bytes; large ones are
 * a header and then a hole (a sparse file), so a 40 MB attachment costs no disk.
 */
async function writeAttachmentFile(out: string, record: Record<string, unknown>, madeDirs: Set<string>): Promise<void> {
  const path = join(out, record.file_path as string);
  const dir = path.slice(0, path.lastIndexOf('/'));
  if (!madeDirs.has(dir)) {
    await mkdir(dir, { recursive: true });
    madeDirs.add(dir);
  }
  const size = record.size_bytes as number;
  const head = Buffer.from(`${MAGIC[record.mime_type as string] ?? ''}Planports attachment ${record.attachment_id}: ${record.file_name}\n`, 'latin1');
  if (size <= 64 * 1024) {
    const body = Buffer.alloc(size);
    for (let i = 0; i < size; i += head.length) head.copy(body, i, 0, Math.min(head.length, size - i));
    await writeFile(path, body);
    return;
  }
  const fh = await open(path, 'w');
  try {
    await fh.write(head, 0, head.length, 0);
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
}

// ---- malformed rows ----------------------------------------------------------------------------------------

function malformedKinds(stream: string, format: ExportFormat): MalformedKind[] {
  const kinds = new Set(planportsFields(stream).map((f) => f.kind));
  const out: MalformedKind[] = ['missing-key'];
  if (kinds.has('timestamp')) out.push('bad-timestamp');
  if (kinds.has('money')) out.push('bad-money');
  if (kinds.has('date')) out.push('bad-date');
  if (kinds.has('int') || kinds.has('long') || kinds.has('double')) out.push('bad-number');
  if (kinds.has('boolean')) out.push('bad-boolean');
  if (format === 'csv') out.push('field-count', 'stray-quote');
  return out;
}

/** Breaks one good row in exactly one way; the row never spans lines. */
function spoil(stream: string, kind: MalformedKind, cells: Cell[], rng: Rng): Cell[] {
  const fields = planportsFields(stream);
  const headers = PLANPORTS_SHEETS[stream].headers;
  const flat: Cell[] = cells.map((c) => (typeof c === 'string' ? c.replace(/[\r\n]+/g, ' ') : c));
  const columnOf = (want: (k: PlanportsFieldKind) => boolean) => {
    const candidates = headers.flatMap(([, field], i) => (i > 0 && want(fields.find((f) => f.name === field)!.kind) ? [i] : []));
    return candidates[rng.int(candidates.length)];
  };
  switch (kind) {
    case 'missing-key':
      flat[0] = rng.pick(['', ' ', '   ']);
      break;
    case 'bad-timestamp':
      flat[columnOf((k) => k === 'timestamp')] = rng.pick(BAD_VALUES[kind]);
      break;
    case 'bad-date':
      flat[columnOf((k) => k === 'date')] = rng.pick(BAD_VALUES[kind]);
      break;
    case 'bad-money':
      flat[columnOf((k) => k === 'money')] = rng.pick(BAD_VALUES[kind]);
      break;
    case 'bad-number':
      flat[columnOf((k) => k === 'int' || k === 'long' || k === 'double')] = rng.pick(BAD_VALUES[kind]);
      break;
    case 'bad-boolean':
      flat[columnOf((k) => k === 'boolean')] = rng.pick(BAD_VALUES[kind]);
      break;
    case 'field-count':
      if (rng.chance(0.5)) flat.pop();
      else flat.push(rng.pick(['extra', '', 'N/A']));
      break;
    case 'stray-quote': {
      // A quote inside an unquoted value, never next to a delimiter.
      const i = columnOf((k) => k === 'string');
      const text = (typeof flat[i] === 'string' ? (flat[i] as string) : '').replace(/[",]/g, '').trim();
      const base = text.length > 1 ? text : 'Broken value';
      const cut = Math.max(1, Math.floor(base.length / 2));
      flat[i] = { raw: `${base.slice(0, cut)}"${base.slice(cut)}` };
      break;
    }
  }
  return flat;
}

// ---- the generator ------------------------------------------------------------------------------------------

interface StreamResult {
  malformed: Array<{ line: number; code: RejectCode; kind: MalformedKind }>;
  marks: Map<string, number>;
  examples: Map<string, string[]>;
  large: Array<{ attachment_id: string; path: string; size: number }>;
}

function tally(result: StreamResult, built: BuiltRecord, key: string): void {
  for (const mark of built.marks ?? []) {
    const name = mark.startsWith('duplicate-of:') ? 'duplicate' : mark;
    result.marks.set(name, (result.marks.get(name) ?? 0) + 1);
    const examples = result.examples.get(name) ?? [];
    if (examples.length < 5) {
      examples.push(mark.startsWith('duplicate-of:') ? `${key} duplicates ${mark.slice(13)}` : key);
      result.examples.set(name, examples);
    }
  }
}

async function writeExported(
  world: PlanportsWorld,
  counts: SampleCounts,
  sink: ExportSink,
  stream: string,
  format: ExportFormat,
  out: string,
  madeDirs: Set<string>,
): Promise<StreamResult> {
  const headers = PLANPORTS_SHEETS[stream].headers;
  const extraLabels = EXTRA_COLUMNS[stream] ?? [];
  const fields = planportsFields(stream);
  const kindOf = new Map(fields.map((f) => [f.name, f.kind]));
  const streamNo = PLANPORTS_STREAM_NAMES.indexOf(stream);
  const sheet = await sink.sheet(stream, [...headers.map(([label]) => label), ...extraLabels]);
  const result: StreamResult = { malformed: [], marks: new Map(), examples: new Map(), large: [] };
  const good = counts.good[stream];
  const bad = counts.malformed[stream];
  const kinds = malformedKinds(stream, format);
  const key = headers[0][1];

  const cellsOf = (built: BuiltRecord, rng: Rng): Cell[] => {
    const r = built.record;
    const currency = typeof r.currency === 'string' ? r.currency : null;
    const cells: Cell[] = headers.map(([, field]) => spell(rng, kindOf.get(field)!, r[field], currency, format));
    for (const label of extraLabels) cells.push(built.extra[label] ?? '');
    return cells;
  };

  let nextBad = 0;
  // Malformed row k goes after good row floor((k + 1) * good / (bad + 1)), spreading them through the sheet.
  const badAfter = (k: number) => Math.floor(((k + 1) * good) / (bad + 1));
  for (let i = 0; i < good; i++) {
    const built = world.build(stream, i);
    await sheet.row(cellsOf(built, new Rng(world.seed, 1000 + streamNo, i)));
    tally(result, built, built.record[key] as string);
    if (stream === 'attachment') {
      await writeAttachmentFile(out, built.record, madeDirs);
      if (built.marks?.includes('large-file')) {
        result.large.push({ attachment_id: built.record.attachment_id as string, path: built.record.file_path as string, size: built.record.size_bytes as number });
      }
    }
    while (nextBad < bad && badAfter(nextBad) === i + 1) {
      const rng = new Rng(world.seed, 2000 + streamNo, nextBad);
      const kind = kinds[(nextBad + streamNo) % kinds.length];
      const base = world.malformedBase(stream, nextBad);
      result.malformed.push({ line: sheet.line, code: MALFORMED_CODES[kind], kind });
      await sheet.row(spoil(stream, kind, cellsOf(base, rng), rng));
      nextBad++;
    }
  }
  await sheet.end();
  return result;
}

async function writeApiOnly(world: PlanportsWorld, counts: SampleCounts, stream: string, dir: string): Promise<StreamResult> {
  const out = new LineWriter(join(dir, `${stream}.ndjson`));
  const result: StreamResult = { malformed: [], marks: new Map(), examples: new Map(), large: [] };
  const fields = planportsFields(stream);
  try {
    for (let i = 0; i < counts.good[stream]; i++) {
      const built = world.build(stream, i);
      const ordered: Record<string, unknown> = {};
      for (const f of fields) ordered[f.name] = built.record[f.name] ?? (f.kind === 'map' ? {} : null);
      tally(result, built, ordered[fields[0].name] as string);
      await out.write(`${JSON.stringify(ordered)}\n`);
    }
  } finally {
    await out.close();
  }
  return result;
}

/** Where each exported stream's rows went, for the manifest. */
function fileOf(stream: string, format: ExportFormat): string {
  return format === 'xlsx' ? `${PLANPORTS_EXPORT_FILE}#${PLANPORTS_SHEETS[stream].sheet}` : PLANPORTS_SHEETS[stream].csv;
}

export async function generatePlanportsSample(options: SampleOptions): Promise<SampleManifest> {
  const format = options.format ?? 'xlsx';
  if (format !== 'xlsx' && format !== 'csv') throw new RangeError(`Planports exports are xlsx or csv, not ${format}`);
  const counts = planportsSampleCounts(options.records);
  const world = new PlanportsWorld(seedOf(options.seed), counts);
  await mkdir(join(options.out, API_ONLY_DIR), { recursive: true });
  await mkdir(join(options.out, FILES_DIR), { recursive: true });
  const sink: ExportSink = format === 'xlsx' ? new XlsxSink(join(options.out, PLANPORTS_EXPORT_FILE)) : new CsvSink(options.out);
  const madeDirs = new Set<string>();
  const malformed: SampleManifest['malformed'] = [];
  const marks: Record<string, Record<string, number>> = {};
  const examples: Record<string, Record<string, string[]>> = {};
  const large: StreamResult['large'] = [];
  const malformedKindsWritten: Record<string, number> = {};
  for (const stream of PLANPORTS_STREAM_NAMES) {
    const result = PLANPORTS_SHEETS[stream]
      ? await writeExported(world, counts, sink, stream, format, options.out, madeDirs)
      : await writeApiOnly(world, counts, stream, join(options.out, API_ONLY_DIR));
    for (const m of result.malformed) {
      malformed.push({ stream, file: fileOf(stream, format), line: m.line, code: m.code });
      malformedKindsWritten[m.kind] = (malformedKindsWritten[m.kind] ?? 0) + 1;
    }
    if (result.marks.size) marks[stream] = Object.fromEntries(result.marks);
    if (result.examples.size) examples[stream] = Object.fromEntries(result.examples);
    large.push(...result.large);
  }
  await sink.finish();
  return {
    system: 'planports',
    seed: options.seed,
    counts: counts.rows,
    malformed,
    notes: {
      format,
      files: format === 'xlsx' ? [PLANPORTS_EXPORT_FILE] : PLANPORTS_STREAM_NAMES.filter((s) => PLANPORTS_SHEETS[s]).map((s) => PLANPORTS_SHEETS[s].csv),
      apiOnly: PLANPORTS_STREAM_NAMES.filter((s) => !PLANPORTS_SHEETS[s]).map((s) => `${API_ONLY_DIR}/${s}.ndjson`),
      good: counts.good,
      malformedKinds: malformedKindsWritten,
      marks,
      examples,
      largeFiles: large,
      filesDir: FILES_DIR,
    },
  };
}
