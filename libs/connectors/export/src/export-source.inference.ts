import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FerryError } from '@ferry/common';
import { readExportRows, SAMPLE_MANIFEST_FILE, snakeCase, xlsxSheetNames, type ExportFormat, type ExportLocation } from '@ferry/connectors/core';
import { classifyValue, FieldProfiler, hashValue, nameWords, SortedSpill, type FieldType } from '@ferry/discovery';
import { normalKeyValue } from './export-record.schema';
import {
  EXPORT_SOURCE_FORMAT,
  OWNER_EMAIL_FIELD,
  REVIEW_BELOW,
  SYNTHETIC_KEY_FIELD,
  type ExportField,
  type ExportFieldType,
  type ExportObject,
  type ExportOwner,
  type ExportReference,
  type ExportSourceDocument,
} from './export-source.document';

export interface InferOptions {
  /** default: the folder's name */
  displayName?: string;
  /** distinct values a column keeps for key and reference checks; past it the column is no key or name */
  distinctCap?: number;
  /** values of a column compared with other objects' keys and names */
  referenceSample?: number;
  /**
   * distinct values a column (or a combination tried as a key) holds in memory; its further values go to a
   * sorted spill on disk and are checked by an external sort, so memory does not grow with the export
   */
  memoryValues?: number;
  /** values a spill buffers before it writes a sorted run */
  spillBuffer?: number;
  /** where the spill's temporary folder is made (default: the system's); it is removed afterwards */
  tempDir?: string;
}

type Tuning = Required<Pick<InferOptions, 'distinctCap' | 'referenceSample' | 'memoryValues' | 'spillBuffer'>> & { dir: string };

const singular = (w: string) => (w.length > 3 && w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);
const EXTENSIONS: Record<string, ExportFormat> = { '.csv': 'csv', '.xlsx': 'xlsx', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };
const USER_OBJECTS = new Set(['user', 'owner', 'employee', 'staff', 'member', 'agent', 'rep']);
const OWNER_WORDS = new Set(['owner', 'assigned', 'assignee', 'rep', 'representative', 'salesperson', 'officer', 'manager', 'agent']);
const NOT_OWNER_WORDS = new Set(['created', 'modified', 'updated', 'by', 'last']);
/** Words of fields most CRMs have; a column with none of them is proposed as a custom field. */
const STANDARD_WORDS = new Set(
  ('id name first last full middle salutation email mail phone mobile fax title job company account organization organisation address street ' +
    'city state province zip postal postcode country website web url owner created modified updated description stage amount value close ' +
    'closing date status type source industry lead deal opportunity contact probability currency department revenue employees rating ' +
    'subject due priority note notes comment tag tags time birthday linkedin twitter skype role parent pipeline expected number no code ' +
    'ticket reference ref active').split(' ').map(singular),
);

const words = (label: string) => nameWords(label).map(singular);
const pct = (n: number, of: number) => `${Math.round((100 * n) / Math.max(of, 1))}%`;
const round2 = (n: number) => Math.round(n * 100) / 100;

function isoText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

/** A value as a number below 2^53 (discovery's value hash): sets of these stay small whatever the values hold. */
function valueKey(text: string): number {
  const h = hashValue(text);
  return (h.b >>> 11) * 0x100000000 + h.a;
}

/** Fixed-width hex, so spilled entries sort by their numbers: a value key (below 2^53) in 14 digits. */
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const KEY_WIDTH = 14;
const ORDINAL_WIDTH = 12;
const COLUMN_WIDTH = 6;

/** Rows read before a column repeating more than REPEATS_KEPT of its values is given up as key, name or target. */
const REPEATS_AFTER = 1000;
const REPEATS_KEPT = 0.05;

/**
 * A file's column values past their columns' in-memory sets, on disk. `values` holds each as
 * column|key|ordinal (the ordinal counting the column's filled rows), so once sorted a column's rows of one
 * value lie together, the first first; the repeats spills hold column|ordinal of every value met again after
 * the sets filled up (`readRepeats` those found while reading, `mergeRepeats` those found when `values` is
 * merged), so the point where the column would have been given up as repeating can be replayed in row order.
 */
class FileSpill {
  readonly values: SortedSpill;
  readonly readRepeats: SortedSpill;
  readonly mergeRepeats: SortedSpill;

  constructor(dir: string, file: number, buffer: number) {
    this.values = new SortedSpill(dir, `values.${file}`, buffer);
    this.readRepeats = new SortedSpill(dir, `read-repeats.${file}`, buffer);
    this.mergeRepeats = new SortedSpill(dir, `merge-repeats.${file}`, buffer);
  }

  value(column: number, key: number, ordinal: number): void {
    this.values.add(hex(column, COLUMN_WIDTH) + hex(key, KEY_WIDTH) + hex(ordinal, ORDINAL_WIDTH));
  }

  /** a repeat met while reading the file */
  readRepeat(column: number, ordinal: number): void {
    this.readRepeats.add(hex(column, COLUMN_WIDTH) + hex(ordinal, ORDINAL_WIDTH));
  }

  /** a repeat found when merging `values` */
  mergeRepeat(column: number, ordinal: number): void {
    this.mergeRepeats.add(hex(column, COLUMN_WIDTH) + hex(ordinal, ORDINAL_WIDTH));
  }

  /** The file is read: what was buffered goes to disk, so other files are read without it in memory. */
  seal(): void {
    this.values.seal();
    this.readRepeats.seal();
  }

  dispose(): void {
    this.values.dispose();
    this.readRepeats.dispose();
    this.mergeRepeats.dispose();
  }
}

/** One column while its file is read. */
class ColumnScan {
  readonly profiler: FieldProfiler;
  filled = 0;
  /**
   * keys of the normalised distinct values, the first `memoryValues` of them (the rest are spilled), until the
   * column repeats too many values to be a key, a name or a reference target, or has more than `distinctCap` distinct
   * values (then only `sample` is kept)
   */
  private values: Set<number> | null = new Set();
  /** values met again after their first row (those past the in-memory set are counted when the spill is merged) */
  repeats = 0;
  /** the first distinct values (normalised) and how often each was met: what is matched against other objects */
  readonly sample = new Map<string, number>();
  /** values written to the spill; while none are, `values` and `repeats` are the whole truth */
  private spilled = 0;
  /** repeats met before the first spilled value: where replaying the spilled repeats starts */
  private repeatsBeforeSpill = 0;
  /** distinct values among the spilled ones, counted by `settle` */
  private spilledDistinct = 0;
  /** spilled values that some column's `sample` also holds (all `matchRatio` ever asks of them), found by `settle` */
  private readonly spilledShared = new Set<number>();
  /** repeats counted by the replay so far */
  private replayed = 0;

  constructor(
    readonly label: string,
    private readonly index: number,
    private readonly tuning: Tuning,
    private readonly spill: FileSpill,
  ) {
    this.profiler = new FieldProfiler({ name: label, custom: false, declared: 'string', logical: null, role: null });
  }

  add(raw: unknown): void {
    // a workbook's date cells arrive as Dates: profiled as the text they stand for
    const value = raw instanceof Date ? isoText(raw) : raw;
    if (this.profiler.add(value) === null) return;
    this.filled++;
    const v = normalKeyValue(value);
    const seen = this.sample.get(v);
    if (seen !== undefined) this.sample.set(v, seen + 1);
    else if (this.sample.size < this.tuning.referenceSample) this.sample.set(v, 1);
    if (this.values) {
      const k = valueKey(v);
      if (this.values.has(k)) {
        if (this.spilled > 0) this.spill.readRepeat(this.index, this.filled);
        // past the in-memory set this counts only some repeats: when even these are too many, all of them are
        if (this.overRepeated(++this.repeats, this.filled)) this.giveUp();
      } else if (this.values.size >= this.tuning.distinctCap) this.giveUp();
      else if (this.values.size < this.tuning.memoryValues) this.values.add(k);
      else {
        if (this.spilled++ === 0) this.repeatsBeforeSpill = this.repeats;
        this.spill.value(this.index, k, this.filled);
      }
    }
  }

  /** A column repeating more than REPEATS_KEPT of its values, once it has REPEATS_AFTER, is given up. */
  private overRepeated(repeats: number, filled: number): boolean {
    return repeats > REPEATS_KEPT * filled && filled > REPEATS_AFTER;
  }

  private giveUp(): void {
    this.values = null;
    this.spilledShared.clear();
  }

  /** still a candidate key, name or reference target: its distinct values are all known */
  get alive(): boolean {
    return this.values !== null;
  }

  get unique(): boolean {
    return this.values !== null && this.repeats === 0;
  }

  /** distinct values (known while the column is alive; after `settle` if any were spilled) */
  get distinct(): number {
    return (this.values?.size ?? 0) + this.spilledDistinct;
  }

  /** Whether the column holds a value with this key; only asked of keys of some column's `sample`. */
  has(key: number): boolean {
    return this.values !== null && (this.values.has(key) || this.spilledShared.has(key));
  }

  /**
   * One entry of the column's spilled values, met in the merged order (by value key, then row): the first of
   * a key is a distinct value, the next ones are repeats, spilled to be replayed in row order.
   */
  settleValue(key: number, ordinal: number, first: boolean, shared: Set<number>): void {
    if (this.values === null) return;
    if (!first) return this.spill.mergeRepeat(this.index, ordinal);
    this.spilledDistinct++;
    if (shared.has(key)) this.spilledShared.add(key);
  }

  /** Replaying the spilled repeats starts (after every value was settled). */
  startReplay(): void {
    this.replayed = this.repeatsBeforeSpill;
  }

  /** The next spilled repeat in row order: the column is given up where reading with an unbounded set would have. */
  replayRepeat(ordinal: number): void {
    if (this.values === null) return;
    if (this.overRepeated(++this.replayed, ordinal)) this.giveUp();
  }

  /** Every spilled repeat replayed: the counts are whole; too many distinct values give the column up. */
  endReplay(): void {
    if (this.values === null || this.spilled === 0) return;
    this.repeats = this.replayed;
    if (this.distinct > this.tuning.distinctCap) this.giveUp();
  }

  /** whether any value went to the spill, so `settle` has to merge it */
  get spilling(): boolean {
    return this.spilled > 0 && this.values !== null;
  }
}

interface Scanned {
  name: string;
  file: string;
  format: ExportFormat;
  sheet?: string;
  arrayPath?: string;
  rows: number;
  columns: ColumnScan[];
  location: ExportLocation;
  spill: FileSpill;
}

/** The files of an export folder that hold objects, one per file or sheet. */
type ObjectFile = { file: string; format: ExportFormat; sheet?: string; arrayPath?: string; base: string };
type Skipped = { file: string; reason: string };

/** Files Ferry itself writes next to an export: never objects. */
const FERRY_FILES = new Set(['discovery.json', SAMPLE_MANIFEST_FILE]);

async function objectFiles(dir: string, skipped: Skipped[]): Promise<ObjectFile[]> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch {
    throw new FerryError('USAGE', `export folder ${dir} does not exist or cannot be read; point --export at the folder holding the export`, 'fatal');
  }
  const out: ObjectFile[] = [];
  for (const e of entries.filter((x) => x.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
    const ext = path.extname(e.name).toLowerCase();
    const format = EXTENSIONS[ext];
    if (!format || e.name.startsWith('.') || FERRY_FILES.has(e.name)) continue;
    const base = path.basename(e.name, path.extname(e.name));
    const full = path.join(dir, e.name);
    if (format === 'xlsx') {
      let sheets: string[];
      try {
        sheets = await xlsxSheetNames(full);
      } catch (err) {
        skipped.push({ file: e.name, reason: `not a readable workbook (${(err as Error).message}); re-export it as XLSX or CSV` });
        continue;
      }
      for (const sheet of sheets) out.push({ file: e.name, format, sheet, base: sheets.length === 1 ? base : sheet });
    } else if (format === 'json') {
      const at = await jsonArrayPath(full);
      if (at === null) skipped.push({ file: e.name, reason: 'neither a JSON array of records nor an object holding one' });
      else out.push({ file: e.name, format, base, ...at });
    }
    else out.push({ file: e.name, format, base });
  }
  return out;
}

/** A JSON export is an array, or an object holding one array (e.g. `{"data": [...]}`): which property. */
async function jsonArrayPath(file: string): Promise<{ arrayPath?: string } | null> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart();
    if (head.startsWith('[')) return {};
    const m = /^\{\s*(?:"[^"]*"\s*:\s*(?:"(?:[^"\\]|\\.)*"|[-\d.eE+]+|true|false|null)\s*,\s*)*"((?:[^"\\]|\\.)*)"\s*:\s*\[/.exec(head);
    if (!m) return null;
    return { arrayPath: JSON.parse(`"${m[1]}"`) as string };
  } finally {
    await fh.close();
  }
}

function identifierOf(base: string, taken: Set<string>): string {
  let name = snakeCase(base) || 'object';
  if (!/^[a-z]/.test(name)) name = `o_${name}`;
  let out = name;
  for (let i = 2; taken.has(out); i++) out = `${name}_${i}`;
  taken.add(out);
  return out;
}

async function scan(dir: string, f: ObjectFile, name: string, index: number, tuning: Tuning): Promise<Scanned | Skipped> {
  const location: ExportLocation = { file: f.file, format: f.format, ...(f.sheet ? { sheet: f.sheet } : {}), ...(f.arrayPath ? { arrayPath: f.arrayPath } : {}) };
  const spill = new FileSpill(tuning.dir, index, tuning.spillBuffer);
  const columns = new Map<string, ColumnScan>();
  const column = (label: string) => {
    let c = columns.get(label);
    if (!c) columns.set(label, (c = new ColumnScan(label, columns.size, tuning, spill)));
    return c;
  };
  let rows = 0;
  let rejected = 0;
  let firstReject = '';
  for await (const row of readExportRows(path.join(dir, f.file), location, { onHeader: (labels) => labels.forEach(column) })) {
    if (row.kind === 'reject') {
      rejected++;
      firstReject ||= row.reason;
      continue;
    }
    rows++;
    for (const [label, value] of Object.entries(row.values)) {
      // a JSON property holding an object is kept whole in `custom`
      if (value !== null && typeof value === 'object' && !(value instanceof Date)) continue;
      column(label).add(value);
    }
  }
  const where = `${f.file}${f.sheet ? ` (sheet ${f.sheet})` : ''}`;
  if (rows === 0) {
    spill.dispose();
    return { file: where, reason: rejected > 0 ? `no row could be read: ${firstReject}` : 'no rows' };
  }
  spill.seal();
  return { name, file: f.file, format: f.format, sheet: f.sheet, arrayPath: f.arrayPath, rows, columns: [...columns.values()], location, spill };
}

/**
 * After every file is read: a file's spilled values merged, so each column still a candidate key, name or
 * target knows its distinct values and repeats, whether reading it with an unbounded set would have given it
 * up, and which of its values the columns' samples (`shared`, all that is ever matched against it) hold.
 */
async function settle(s: Scanned, shared: Set<number>): Promise<void> {
  try {
    const spilling = s.columns.filter((c) => c.spilling);
    if (spilling.length === 0) return;
    const keyEnd = COLUMN_WIDTH + KEY_WIDTH;
    let previous = '';
    for await (const entry of SortedSpill.merged([s.spill.values])) {
      const head = entry.slice(0, keyEnd);
      const column = s.columns[parseInt(entry.slice(0, COLUMN_WIDTH), 16)];
      column.settleValue(parseInt(entry.slice(COLUMN_WIDTH, keyEnd), 16), parseInt(entry.slice(keyEnd), 16), head !== previous, shared);
      previous = head;
    }
    for (const c of spilling) c.startReplay();
    for await (const entry of SortedSpill.merged([s.spill.readRepeats, s.spill.mergeRepeats])) {
      s.columns[parseInt(entry.slice(0, COLUMN_WIDTH), 16)].replayRepeat(parseInt(entry.slice(COLUMN_WIDTH), 16));
    }
    for (const c of spilling) c.endReplay();
  } finally {
    s.spill.dispose();
  }
}

const ID_WORDS = new Set(['id', 'key', 'guid', 'uuid', 'no', 'number']);

/** How much a column's name says it is the object's own identifier: 2 own id, 1 some id, 0 none. */
function idNameScore(label: string, object: string): number {
  const ws = words(label);
  if (ws.length === 0 || !ID_WORDS.has(ws[ws.length - 1])) return ws.join(' ') === 'record number' ? 1 : 0;
  const rest = ws.slice(0, -1).filter((w) => w !== 'record');
  const own = words(object);
  return rest.length === 0 || rest.every((w) => own.includes(w)) ? 2 : 1;
}

function inferKey(s: Scanned): { columns: string[]; confidence: number; evidence: string } | null {
  // amounts, dates and flags may happen to be unique in a small file, but they never identify a record
  const full = s.columns.filter((c) => {
    if (c.filled !== s.rows || s.rows === 0 || !c.unique) return false;
    const seen = c.profiler.inferType();
    return ['id', 'string', 'email', 'url'].includes(seen) || (seen === 'integer' && idNameScore(c.label, s.name) > 0);
  });
  if (full.length === 0) return repeatedIdKey(s);
  const ranked = [...full].sort((a, b) => idNameScore(b.label, s.name) - idNameScore(a.label, s.name));
  const best = ranked[0];
  const score = idNameScore(best.label, s.name);
  // a unique column not named as an id is a weaker guess than the record's own id with a few repeated rows
  if (score === 0) {
    const repeated = repeatedIdKey(s);
    if (repeated) return repeated;
  }
  const confidence = score === 2 ? 0.97 : score === 1 ? 0.85 : s.rows >= 20 ? 0.6 : 0.5;
  const why = score === 2 ? 'named as the record id' : score === 1 ? "named as an id (though not with the object's name)" : 'not named as an id';
  return { columns: [best.label], confidence, evidence: `unique and filled in all ${s.rows} rows, ${why}${full.length > 1 ? `; also unique: ${full.filter((c) => c !== best).map((c) => c.label).slice(0, 3).join(', ')}` : ''}` };
}

/**
 * Exports repeat rows (a record exported twice) and carry broken ones: the record's own id column, blank or
 * repeated in at most 2 % of the rows, is still its key: a row without one is quarantined when read, a repeated
 * id is read as its last row. For review.
 */
function repeatedIdKey(s: Scanned): { columns: string[]; confidence: number; evidence: string } | null {
  const c = s.columns.find(
    (x) => s.rows > 0 && x.alive && x.filled >= 0.98 * s.rows && x.repeats <= 0.02 * s.rows && idNameScore(x.label, s.name) === 2,
  );
  if (!c) return null;
  const blank = s.rows - c.filled;
  const problems = [
    ...(blank ? [`${blank} row${blank === 1 ? ' has' : 's have'} none (quarantined when read)`] : []),
    ...(c.repeats ? [`${c.repeats} row${c.repeats === 1 ? ' repeats an id' : 's repeat ids'} of earlier rows (each such record is read as its last row)`] : []),
  ];
  return { columns: [c.label], confidence: 0.7, evidence: `named as the record id, and unique and filled in ${s.rows - blank - c.repeats} of ${s.rows} rows: ${problems.join('; ')}` };
}

/**
 * One more read of the file: the first of the combinations (in the order given) whose values together never
 * repeat. Each combination holds its first `memoryValues` tuples in memory; the rest go to a spill, sorted and
 * merged afterwards, where a tuple met twice lies next to itself.
 */
async function uniqueCombos(dir: string, s: Scanned, combos: ColumnScan[][], tuning: Tuning, name: string): Promise<ColumnScan[] | null> {
  if (combos.length === 0) return null;
  const seen = combos.map(() => new Set<number>());
  const alive = combos.map(() => true);
  const spill = new SortedSpill(tuning.dir, name, tuning.spillBuffer);
  try {
    for await (const row of readExportRows(path.join(dir, s.file), s.location)) {
      if (row.kind !== 'row') continue;
      combos.forEach((combo, i) => {
        if (!alive[i]) return;
        const tuple = valueKey(JSON.stringify(combo.map((c) => normalKeyValue(row.values[c.label]))));
        if (seen[i].has(tuple)) {
          alive[i] = false;
          seen[i].clear();
        } else if (seen[i].size < tuning.memoryValues) seen[i].add(tuple);
        else spill.add(hex(i, COLUMN_WIDTH) + hex(tuple, KEY_WIDTH));
      });
    }
    seen.forEach((x) => x.clear());
    let previous = '';
    for await (const entry of SortedSpill.merged([spill])) {
      if (entry === previous) alive[parseInt(entry.slice(0, COLUMN_WIDTH), 16)] = false;
      previous = entry;
    }
  } finally {
    spill.dispose();
  }
  return combos.find((_, i) => alive[i]) ?? null;
}

/** Words a record's own display name is labelled with: `Deal Name`, `Topic` (Dynamics), `Deal - Title` (Pipedrive). */
const NAME_LABELS = new Set(['name', 'title', 'topic', 'subject']);

/** The label is the object's own name: a name word alone, or with a word of the object's name (`Deal Name` on deals). */
function ownNameLabel(label: string, object: string): boolean {
  const ws = words(label);
  const own = words(object);
  return ws.some((w) => NAME_LABELS.has(w)) && (ws.length === 1 || ws.some((w) => own.includes(w)));
}

/** No single key: the fewest well-filled columns whose values together are unique (a second read of the file). */
async function inferCompositeKey(dir: string, s: Scanned, others: Scanned[], tuning: Tuning): Promise<{ columns: string[]; confidence: number; evidence: string }> {
  const own = nameColumn(s);
  const otherNames = others.filter((o) => o !== s).map(nameColumn).filter((c): c is ColumnScan => c !== null);
  // what makes a column part of a natural key: the record's own name, a parent's name, a date; amounts and flags never
  const weight = (c: ColumnScan): number => {
    const t = c.profiler.inferType();
    if (c === own || ownNameLabel(c.label, s.name)) return 3;
    if (otherNames.some((n) => matchRatio(c, n) >= 0.8)) return 2;
    if (t === 'date' || t === 'timestamp' || t === 'email') return 1;
    return ['string', 'id', 'picklist', 'phone'].includes(t) ? 0.5 : -1;
  };
  const pool = s.columns
    .filter((c) => c.filled === s.rows && weight(c) > 0)
    .sort((a, b) => weight(b) - weight(a) || (b.alive ? b.distinct : b.sample.size) - (a.alive ? a.distinct : a.sample.size))
    .slice(0, 6);
  const score = (combo: ColumnScan[]) => combo.reduce((n, c) => n + weight(c), 0);
  const pairs: ColumnScan[][] = [];
  for (let i = 0; i < pool.length; i++) for (let j = i + 1; j < pool.length; j++) pairs.push([pool[i], pool[j]]);
  const triples: ColumnScan[][] = [];
  for (let i = 0; i < pool.length; i++) for (let j = i + 1; j < pool.length; j++) for (let k = j + 1; k < pool.length; k++) triples.push([pool[i], pool[j], pool[k]]);
  // fewer columns first (triples only read when no pair is unique: each combination holds a set of its tuples), then the most telling
  const found =
    (await uniqueCombos(dir, s, pairs.sort((a, b) => score(b) - score(a)), tuning, `pairs.${s.name}`)) ??
    (await uniqueCombos(dir, s, triples.sort((a, b) => score(b) - score(a)), tuning, `triples.${s.name}`));
  if (found) {
    return {
      columns: found.map((c) => c.label),
      confidence: 0.6,
      evidence: `no column is unique and filled in every row; ${found.map((c) => c.label).join(' + ')} together are unique in all ${s.rows} rows, so ${SYNTHETIC_KEY_FIELD} is a hash of them (a change to one of them makes a new record)`,
    };
  }
  return {
    columns: s.columns.map((c) => c.label),
    confidence: 0.3,
    evidence: `no column or combination of up to three is unique in the ${s.rows} rows: every column makes the key (identical rows merge; any change makes a new record)`,
  };
}

function typeOf(t: FieldType): ExportFieldType {
  switch (t) {
    case 'integer':
      return 'long';
    case 'decimal':
      return 'double';
    case 'money':
    case 'percent':
    case 'boolean':
    case 'date':
    case 'timestamp':
      return t;
    default:
      return 'string';
  }
}

/** Values a column may hold off its type and still be typed (a few shifted rows, a slip), once it has enough to judge. */
const OFF_TYPE_SHARE = 0.03;
const OFF_TYPE_FROM = 20;
const FLAG_TEXT = /^(1|0|y|n|yes|no|true|false)$/i;

/**
 * A column discovery calls text only because a few of its values are not dates or flags (a row shifted into
 * it, a typing slip): typed as the rest of it, for review; the reader empties the odd values and counts them.
 */
function mostlyTyped(c: ColumnScan): { type: ExportFieldType; off: number; examples: string } | null {
  if (c.filled < OFF_TYPE_FROM) return null;
  const p = c.profiler.result(c.filled);
  const limit = c.filled * (1 - OFF_TYPE_SHARE);
  const odd = (ok: (v: string) => boolean) => [...c.sample.keys()].filter((v) => !ok(v)).slice(0, 2).map((v) => `"${v}"`).join(', ');
  const dates = (p.kinds.date ?? 0) + (p.kinds.timestamp ?? 0);
  if (dates < c.filled && dates >= limit) {
    const type = (p.kinds.timestamp ?? 0) > 0 ? 'timestamp' : 'date';
    return { type, off: c.filled - dates, examples: odd((v) => classifyValue(v, null) === 'date' || classifyValue(v, null) === 'timestamp') };
  }
  if (p.values) {
    const flags = p.values.filter((v) => FLAG_TEXT.test(v.value)).reduce((n, v) => n + v.count, 0);
    if (flags < c.filled && flags >= limit) return { type: 'boolean', off: c.filled - flags, examples: odd((v) => FLAG_TEXT.test(v)) };
  }
  return null;
}

function describeKinds(c: ColumnScan): string {
  const p = c.profiler.result(c.filled);
  const kinds = Object.entries(p.kinds).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0)).map(([k, n]) => `${n} ${k}`);
  return `${c.filled} values: ${kinds.slice(0, 3).join(', ')}${kinds.length > 3 ? ', …' : ''}`;
}

function inferFields(s: Scanned, keyColumns: string[], stringColumns: Set<string>): ExportField[] {
  const taken = new Set([SYNTHETIC_KEY_FIELD, OWNER_EMAIL_FIELD, 'custom']);
  return s.columns.map((c, i) => {
    let base = snakeCase(c.label) || `column_${i + 1}`;
    if (!/^[a-z]/.test(base)) base = `c_${base}`;
    let field = base;
    for (let n = 2; taken.has(field) || taken.has(`${field}_key`); n++) field = `${base}_${n}`;
    taken.add(field);
    const seen = c.profiler.inferType();
    const keyed = keyColumns.length === 1 && keyColumns[0] === c.label;
    let type = keyed || stringColumns.has(c.label) ? 'string' : typeOf(seen);
    let confidence = 0.9;
    let evidence = c.filled === 0 ? 'no values in the export' : describeKinds(c);
    if (type !== 'string' && c.filled < 5) {
      confidence = 0.6;
      evidence += `; only ${c.filled} value${c.filled === 1 ? '' : 's'} to judge ${type} by`;
    }
    const mostly = type === 'string' && !keyed && !stringColumns.has(c.label) ? mostlyTyped(c) : null;
    if (mostly) {
      type = mostly.type;
      confidence = 0.75;
      evidence += `; ${mostly.off} of ${c.filled} values are no ${mostly.type} (${mostly.examples}): read as empty and counted, as shifted rows and slips are`;
    } else if (seen === 'picklist') evidence += '; few distinct values (a picklist)';
    if (type === 'long' && /^0\d/.test([...c.sample.keys()][0] ?? '')) type = 'string';
    const custom = /^(cf[_ ]|custom)/i.test(c.label) || !words(c.label).some((w) => STANDARD_WORDS.has(w));
    return { column: c.label, field, type, seen, custom, confidence, evidence: custom ? `${evidence}; no field most CRMs have, so a custom field` : evidence, review: confidence < REVIEW_BELOW };
  });
}

/** The column holding an object's display names: named as its name and nearly unique. */
function nameColumn(s: Scanned): ColumnScan | null {
  const own = words(s.name);
  const candidates = s.columns.filter((c) => {
    const ws = words(c.label);
    return ws[ws.length - 1] === 'name' && (ws.length === 1 || ws.slice(0, -1).every((w) => own.includes(w) || w === 'full' || w === 'display'));
  });
  return candidates.find((c) => c.alive && c.filled >= 0.9 * s.rows && c.distinct >= 0.95 * c.filled) ?? null;
}

/**
 * The share of a column's values (those in its sample, each as often as it was met) found among another
 * column's: weighted, so a few rows shifted into an owner column (50 names, 300,000 rows) cannot outnumber it.
 */
function matchRatio(c: ColumnScan, against: ColumnScan | null): number {
  if (!against?.alive || c.sample.size === 0) return 0;
  let n = 0;
  let all = 0;
  for (const [v, count] of c.sample) {
    all += count;
    if (against.has(valueKey(v))) n += count;
  }
  return n / all;
}

/** "97% of its values (1,000 distinct compared)" */
const matchedShare = (ratio: number, c: ColumnScan) => `${Math.round(ratio * 100)}% of its values (${c.sample.size.toLocaleString('en-US')} distinct compared)`;

interface Inferred {
  scanned: Scanned;
  key: { columns: string[]; confidence: number; evidence: string };
  users: boolean;
}

function inferReferences(o: Inferred, all: Inferred[], ownerColumn: string | null): ExportReference[] {
  const out: ExportReference[] = [];
  for (const c of o.scanned.columns) {
    if (c.label === ownerColumn || (o.key.columns.length === 1 && o.key.columns[0] === c.label) || c.sample.size === 0) continue;
    const t = typeOf(c.profiler.inferType());
    if (t !== 'string' && t !== 'long') continue;
    const colWords = words(c.label);
    let best: ExportReference | null = null;
    for (const target of all) {
      const hint = words(target.scanned.name).some((w) => colWords.includes(w));
      if (target === o && !colWords.includes('parent')) continue;
      const keyCol = target.key.columns.length === 1 ? target.scanned.columns.find((x) => x.label === target.key.columns[0])! : null;
      const nameCol = nameColumn(target.scanned);
      const byKey = matchRatio(c, keyCol);
      const byName = nameCol && nameCol !== c ? matchRatio(c, nameCol) : 0;
      const ratio = Math.max(byKey, byName);
      if (ratio < 0.8 || (!hint && c.sample.size < 3)) continue;
      const confidence = round2(hint ? (ratio >= 0.98 ? 0.95 : 0.8) : ratio >= 0.98 ? 0.7 : 0.5);
      const by = byKey >= byName ? 'key' : 'name';
      const matched = by === 'key' ? `the key ${keyCol!.label} of ${target.scanned.name}` : `the ${nameCol!.label} of ${target.scanned.name}`;
      const evidence = `${matchedShare(ratio, c)} match ${matched}${hint ? '' : `; the column's name does not say ${target.scanned.name}`}`;
      if (!best || confidence > best.confidence) {
        best = { column: c.label, object: target.scanned.name, by, ...(by === 'name' ? { targetColumn: nameCol!.label } : {}), confidence, evidence, review: confidence < REVIEW_BELOW };
      }
    }
    if (best) out.push(best);
  }
  return out;
}

function inferOwner(o: Inferred, users: Inferred | null): ExportOwner | null {
  if (o.users) return null;
  const candidates = o.scanned.columns.filter((c) => {
    const ws = words(c.label);
    return ws.some((w) => OWNER_WORDS.has(w)) && !ws.some((w) => NOT_OWNER_WORDS.has(w)) && c.filled > 0;
  });
  for (const c of candidates) {
    const seen = c.profiler.inferType();
    const emailCol = users?.scanned.columns.find((x) => x.profiler.inferType() === 'email') ?? null;
    if (seen === 'email') {
      const ratio = matchRatio(c, emailCol);
      const confidence = emailCol ? (ratio >= 0.9 ? 0.95 : 0.8) : 0.85;
      const evidence = `${c.label} holds emails${emailCol ? `; ${pct(ratio * c.sample.size, c.sample.size)} of them are in ${users!.scanned.name}.${emailCol.label}` : ''}`;
      return { column: c.label, by: 'email', confidence, evidence, review: confidence < REVIEW_BELOW };
    }
    if (!users || !emailCol) {
      continue;
    }
    const keyCol = users.key.columns.length === 1 ? users.scanned.columns.find((x) => x.label === users.key.columns[0])! : null;
    const names = users.scanned.columns.filter((x) => words(x.label).includes('name') && x.alive);
    const options: Array<{ by: 'key' | 'name'; column: ColumnScan; ratio: number }> = [
      ...(keyCol ? [{ by: 'key' as const, column: keyCol, ratio: matchRatio(c, keyCol) }] : []),
      ...names.map((n) => ({ by: 'name' as const, column: n, ratio: matchRatio(c, n) })),
    ].sort((a, b) => b.ratio - a.ratio);
    const best = options[0];
    if (!best || best.ratio < 0.5) continue;
    const confidence = best.ratio >= 0.9 ? 0.9 : 0.6;
    return {
      column: c.label,
      by: best.by,
      users: { object: users.scanned.name, match: best.column.label, email: emailCol.label },
      confidence,
      evidence: `${matchedShare(best.ratio, c)} match ${users.scanned.name}.${best.column.label}; the email comes from ${users.scanned.name}.${emailCol.label}`,
      review: confidence < REVIEW_BELOW,
    };
  }
  return null;
}

/**
 * Reads an export folder of any CRM and infers what a person then confirms: one object per file (or sheet),
 * each with its key (a unique filled column, else a composite natural key hashed into `ferry_key`), the
 * references among objects (by key or by display name), the owner column (an email, or a name or id found in
 * the users file), every column's type and whether it is a custom field, each with a confidence and evidence.
 * Types come from discovery's field profiler, rows from the connector core's export readers.
 */
export async function inferExportSource(dir: string, options: InferOptions = {}): Promise<ExportSourceDocument> {
  const skipped: Skipped[] = [];
  const files = await objectFiles(dir, skipped);
  const spillDir = fs.mkdtempSync(path.join(options.tempDir ?? os.tmpdir(), 'ferry-infer-'));
  const tuning: Tuning = {
    distinctCap: options.distinctCap ?? 1_000_000,
    referenceSample: options.referenceSample ?? 1000,
    memoryValues: options.memoryValues ?? 10_000,
    spillBuffer: options.spillBuffer ?? 100_000,
    dir: spillDir,
  };
  try {
    return await infer(dir, files, skipped, tuning, options.displayName);
  } finally {
    fs.rmSync(spillDir, { recursive: true, force: true });
  }
}

async function infer(dir: string, files: ObjectFile[], skipped: Skipped[], tuning: Tuning, displayName: string | undefined): Promise<ExportSourceDocument> {
  const taken = new Set<string>();
  const scans: Scanned[] = [];
  for (const [i, f] of files.entries()) {
    const s = await scan(dir, f, identifierOf(f.base, taken), i, tuning);
    if ('reason' in s) skipped.push(s);
    else scans.push(s);
  }
  if (scans.length === 0) {
    const why = skipped.length ? ` (${skipped.map((x) => `${x.file}: ${x.reason}`).join('; ')})` : '';
    throw new FerryError('USAGE', `${dir} holds no .csv, .xlsx, .json or .ndjson file with records${why}; point --export at the folder the CRM exported to`, 'fatal');
  }
  // the values any column is ever matched against another's by: the spills need to say only whether they hold these
  const shared = new Set<number>();
  for (const s of scans) for (const c of s.columns) for (const v of c.sample.keys()) shared.add(valueKey(v));
  for (const s of scans) await settle(s, shared);
  shared.clear();
  const inferred: Inferred[] = [];
  for (const scanned of scans) {
    const key = inferKey(scanned) ?? (await inferCompositeKey(dir, scanned, scans, tuning));
    inferred.push({ scanned, key, users: words(scanned.name).some((w) => USER_OBJECTS.has(w)) });
  }
  const users = inferred.find((o) => o.users) ?? null;
  const objects: ExportObject[] = inferred.map((o) => {
    const owner = inferOwner(o, users);
    const references = inferReferences(o, inferred, owner?.column ?? null);
    const stringColumns = new Set([...references.map((r) => r.column), ...(owner ? [owner.column] : [])]);
    return {
      name: o.scanned.name,
      file: o.scanned.file,
      format: o.scanned.format,
      ...(o.scanned.sheet !== undefined ? { sheet: o.scanned.sheet } : {}),
      ...(o.scanned.arrayPath !== undefined ? { arrayPath: o.scanned.arrayPath } : {}),
      rows: o.scanned.rows,
      key: { ...o.key, review: o.key.confidence < REVIEW_BELOW },
      fields: inferFields(o.scanned, o.key.columns, stringColumns),
      references,
      owner,
      users: o.users,
    };
  });
  return { format: EXPORT_SOURCE_FORMAT, displayName: displayName ?? path.basename(path.resolve(dir)), objects, skipped };
}
