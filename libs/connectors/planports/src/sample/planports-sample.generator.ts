import { mkdir, open, writeFile } from 'fs/promises';
import { join } from 'path';
import {
  API_ONLY_DIR,
  badValueOutcome,
  sampleManifest,
  CsvSampleSink,
  SampleFileWriter,
  spreadAmongGood,
  writeWithMalformed,
  XlsxSampleSink,
  type ExportFormat,
  type BadValueOutcome,
  type RejectCode,
  type SampleCell,
  type SampleEmptiedValue,
  type SampleManifest,
  type SampleOptions,
  type SampleSheetSink,
} from '@ferry/connectors/core';
import { PLANPORTS_EXPORT_FILE, PLANPORTS_SHEETS, PLANPORTS_STREAM_NAMES } from '../planports.catalog';
import { planportsFields, planportsSchema, type PlanportsFieldKind } from '../planports.schema';
import { Rng, seedOf } from './planports-sample.random';
import { EXTRA_COLUMNS, PlanportsWorld, planportsSampleCounts, type BuiltRecord, type SampleCounts } from './planports-sample.world';

/**
 * Writes a deterministic Planports export of any size: the Excel workbook (one worksheet per object, streamed
 * with exceljs' WorkbookWriter) or one CSV per object, API-only objects as NDJSON under api-only/, and the
 * attachment files under files/. Values are spelled the way a Turkish/European SMB's export spells them, and a
 * few rows per sheet are broken on purpose; the manifest says which, with the reject a reader must give.
 */

export const FILES_DIR = 'files';
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

type Cell = SampleCell;

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

/**
 * Breaks one good row in exactly one way; the row never spans lines. Returns the cells and, for a bad value,
 * the field it went into and the value (a reader empties it when the field is optional).
 */
function spoil(stream: string, kind: MalformedKind, cells: Cell[], rng: Rng): { cells: Cell[]; bad: { field: string; value: string } | null } {
  const fields = planportsFields(stream);
  const headers = PLANPORTS_SHEETS[stream].headers;
  const flat: Cell[] = cells.map((c) => (typeof c === 'string' ? c.replace(/[\r\n]+/g, ' ') : c));
  const columnOf = (want: (k: PlanportsFieldKind) => boolean) => {
    const candidates = headers.flatMap(([, field], i) => (i > 0 && want(fields.find((f) => f.name === field)!.kind) ? [i] : []));
    return candidates[rng.int(candidates.length)];
  };
  let bad: { field: string; value: string } | null = null;
  const badValue = (column: number, value: string) => {
    flat[column] = value;
    bad = { field: headers[column][1], value };
  };
  switch (kind) {
    case 'missing-key':
      flat[0] = rng.pick(['', ' ', '   ']);
      break;
    case 'bad-timestamp':
      badValue(columnOf((k) => k === 'timestamp'), rng.pick(BAD_VALUES[kind]));
      break;
    case 'bad-date':
      badValue(columnOf((k) => k === 'date'), rng.pick(BAD_VALUES[kind]));
      break;
    case 'bad-money':
      badValue(columnOf((k) => k === 'money'), rng.pick(BAD_VALUES[kind]));
      break;
    case 'bad-number':
      badValue(columnOf((k) => k === 'int' || k === 'long' || k === 'double'), rng.pick(BAD_VALUES[kind]));
      break;
    case 'bad-boolean':
      badValue(columnOf((k) => k === 'boolean'), rng.pick(BAD_VALUES[kind]));
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
  return { cells: flat, bad };
}

// ---- the generator ------------------------------------------------------------------------------------------

interface StreamResult {
  /** spoiled rows, each with what a lenient reader does with it; `field` holds the bad value, if there is one */
  malformed: Array<{ line: number; kind: MalformedKind; outcome: BadValueOutcome; field: string | null }>;
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
  sink: SampleSheetSink,
  stream: string,
  format: ExportFormat,
  out: string,
  madeDirs: Set<string>,
): Promise<StreamResult> {
  const headers = PLANPORTS_SHEETS[stream].headers;
  const extraLabels = EXTRA_COLUMNS[stream] ?? [];
  const fields = planportsFields(stream);
  const schema = planportsSchema(stream);
  const kindOf = new Map(fields.map((f) => [f.name, f.kind]));
  const streamNo = PLANPORTS_STREAM_NAMES.indexOf(stream);
  const sheet = await sink.sheet(format === 'xlsx' ? PLANPORTS_SHEETS[stream].sheet : PLANPORTS_SHEETS[stream].csv, [...headers.map(([label]) => label), ...extraLabels]);
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

  await writeWithMalformed(
    good,
    spreadAmongGood(good, bad),
    async (i) => {
      const built = world.build(stream, i);
      await sheet.row(cellsOf(built, new Rng(world.seed, 1000 + streamNo, i)));
      tally(result, built, built.record[key] as string);
      if (stream === 'attachment') {
        await writeAttachmentFile(out, built.record, madeDirs);
        if (built.marks?.includes('large-file')) {
          result.large.push({ attachment_id: built.record.attachment_id as string, path: built.record.file_path as string, size: built.record.size_bytes as number });
        }
      }
    },
    async (k) => {
      const rng = new Rng(world.seed, 2000 + streamNo, k);
      const kind = kinds[(k + streamNo) % kinds.length];
      const base = world.malformedBase(stream, k);
      const line = sheet.line;
      const { cells, bad } = spoil(stream, kind, cellsOf(base, rng), rng);
      const code = MALFORMED_CODES[kind];
      const outcome = bad === null ? { reject: code } : badValueOutcome(schema, bad.field, bad.value, code);
      result.malformed.push({ line, kind, outcome, field: bad?.field ?? null });
      await sheet.row(cells);
    },
  );
  await sheet.end();
  return result;
}

async function writeApiOnly(world: PlanportsWorld, counts: SampleCounts, stream: string, dir: string): Promise<StreamResult> {
  const out = new SampleFileWriter(join(dir, `${stream}.ndjson`));
  const result: StreamResult = { malformed: [], marks: new Map(), examples: new Map(), large: [] };
  const fields = planportsFields(stream);
  try {
    for (let i = 0; i < counts.good[stream]; i++) {
      const built = world.build(stream, i);
      const ordered: Record<string, unknown> = {};
      for (const f of fields) ordered[f.name] = built.record[f.name] ?? (f.kind === 'map' ? {} : null);
      tally(result, built, ordered[fields[0].name] as string);
      await out.row(JSON.stringify(ordered));
    }
  } finally {
    await out.end();
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
  const sink: SampleSheetSink =
    format === 'xlsx' ? new XlsxSampleSink(join(options.out, PLANPORTS_EXPORT_FILE), 'Planports CRM', FIXED_TIME) : new CsvSampleSink(options.out, { eol: '\r\n' });
  const madeDirs = new Set<string>();
  const malformed: SampleManifest['malformed'] = [];
  const emptied: SampleEmptiedValue[] = [];
  // spoiled values a lenient reader takes after all (a "Y" flag is yes): their rows read as records, no issue
  const readLeniently: Array<{ stream: string; file: string; line: number; field: string }> = [];
  const marks: Record<string, Record<string, number>> = {};
  const examples: Record<string, Record<string, string[]>> = {};
  const large: StreamResult['large'] = [];
  const malformedKindsWritten: Record<string, number> = {};
  for (const stream of PLANPORTS_STREAM_NAMES) {
    const result = PLANPORTS_SHEETS[stream]
      ? await writeExported(world, counts, sink, stream, format, options.out, madeDirs)
      : await writeApiOnly(world, counts, stream, join(options.out, API_ONLY_DIR));
    for (const m of result.malformed) {
      const o = m.outcome;
      if ('reject' in o) malformed.push({ stream, file: fileOf(stream, format), line: m.line, code: o.reject });
      else if ('empty' in o) emptied.push({ stream, file: fileOf(stream, format), line: m.line, field: m.field as string, code: o.empty });
      else readLeniently.push({ stream, file: fileOf(stream, format), line: m.line, field: m.field as string });
      malformedKindsWritten[m.kind] = (malformedKindsWritten[m.kind] ?? 0) + 1;
    }
    if (result.marks.size) marks[stream] = Object.fromEntries(result.marks);
    if (result.examples.size) examples[stream] = Object.fromEntries(result.examples);
    large.push(...result.large);
  }
  await sink.finish();
  const notes = {
    format,
    files: format === 'xlsx' ? [PLANPORTS_EXPORT_FILE] : PLANPORTS_STREAM_NAMES.filter((s) => PLANPORTS_SHEETS[s]).map((s) => PLANPORTS_SHEETS[s].csv),
    apiOnly: PLANPORTS_STREAM_NAMES.filter((s) => !PLANPORTS_SHEETS[s]).map((s) => `${API_ONLY_DIR}/${s}.ndjson`),
    good: counts.good,
    malformedKinds: malformedKindsWritten,
    readLeniently,
    marks,
    examples,
    largeFiles: large,
    filesDir: FILES_DIR,
  };
  return sampleManifest('planports', options.seed, counts.rows, malformed, notes, emptied);
}
