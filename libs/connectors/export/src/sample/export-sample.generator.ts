import { FerryError } from '@ferry/common';
import {
  CsvSampleSink,
  finiteSeed,
  mojibakeOf,
  sampleManifest,
  Sfc32,
  shareOut,
  snakeCase,
  type SampleManifest,
  type SampleOptions,
  type SampleSheet,
} from '@ferry/connectors/core';
import { anyLanguageDate, EXPORT_SAMPLE_STYLES, SAMPLE_OBJECTS, STYLES, type DateWriter, type ExportSampleStyle, type Role, type SampleObject, type StyleSpec } from './export-sample.styles';
import * as V from './export-sample.vocabulary';

/** Cases listed per kind in the manifest; past it only the count grows, so a big sample's manifest stays small. */
export const NOTE_CASES = 1000;

/** How often each kind of mess is injected (per row of the file that carries it). */
export const MESS_RATES = {
  /** contact rows slid one column to the right from the style's `shiftFrom` column */
  shifted: 0.004,
  /** person names with a letter outside ASCII written double-encoded */
  mojibake: 0.2,
  /** deal stages misspelled (stages of six letters or more) */
  typo: 0.03,
  /** the contacts' source column: "Default Value", "N/A", "-", else a real value */
  leadSource: { 'Default Value': 0.6, 'N/A': 0.08, '-': 0.07 },
  /** accounts' annual revenue written "N/A" */
  revenuePlaceholder: 0.1,
  zipLeadingZero: 0.25,
  /** a cell of the wide file's custom columns that holds a value */
  wideFilled: 0.03,
} as const;

const MIN_RECORDS = 40;

export interface MessCase {
  file: string;
  line: number;
  column: string;
  value: string;
  /** mojibake: the text before it was damaged; typo: the value meant */
  intended?: string;
}

/** What the folder holds and what a reader of it must find: the manifest's `notes`. */
export interface ExportSampleNotes {
  style: ExportSampleStyle;
  /** per object: its file, and the key, references and owner that inference must find */
  expected: Record<
    SampleObject,
    { object: string; file: string; rows: number; key: string[]; references: Array<{ column: string; object: string; by: 'key' | 'name' }>; owner: { column: string; by: 'name' | 'email' } | null }
  >;
  rates: typeof MESS_RATES;
  mess: {
    /** every file starts with a UTF-8 byte-order mark and ends its lines with CRLF */
    bom: string[];
    crlf: string[];
    shifted: { count: number; cases: MessCase[] };
    mojibake: { count: number; byColumn: Array<{ file: string; column: string; count: number }>; cases: MessCase[] };
    typos: { count: number; byValue: Array<{ file: string; column: string; value: string; intended: string; count: number }>; cases: MessCase[] };
    placeholders: Array<{ file: string; column: string; values: Record<string, number> }>;
    dates: Array<{ file: string; column: string; formats: Record<string, number>; values: number; minutes: number }>;
    money: Array<{ file: string; column: string; format: string; values: number; cents: number }>;
    flags: Array<{ file: string; column: string; spellings: Record<string, number> }>;
    leadingZeros: Array<{ file: string; column: string; count: number }>;
    wide: { file: string; columns: number; labels: string[]; filledCells: number };
    blankHeaders: Array<{ file: string; count: number }>;
    noIdColumn: { file: string; key: string[] };
    ownersByName: Array<{ file: string; column: string }>;
    referencesByName: Array<{ file: string; column: string; object: string }>;
  };
}


const DAY = 86_400_000;
const FIRST_CREATED = Date.UTC(2019, 0, 1);
const CLOSE_FROM = Date.UTC(2021, 0, 1);

/** The style asked for, or a one-line refusal naming the ones there are. */
export function exportSampleStyle(style: string | undefined): ExportSampleStyle {
  const s = (style ?? 'zoho').toLowerCase();
  if ((EXPORT_SAMPLE_STYLES as readonly string[]).includes(s)) return s as ExportSampleStyle;
  throw new FerryError('USAGE', `--style ${style}: choose one of ${EXPORT_SAMPLE_STYLES.join(', ')}`, 'fatal');
}

/** Rows per object for a total: a few users, then accounts, contacts, deals and activities 2 : 4 : 3 : 3. */
export function exportSampleCounts(records: number): Record<SampleObject, number> {
  const users = Math.min(50, Math.max(4, Math.round(records / 100)));
  return { users, ...shareOut(records - users, [['accounts', 2], ['contacts', 4], ['deals', 3], ['activities', 3]] as const, 'contacts') };
}

const objectName = (file: string) => {
  const n = snakeCase(file.replace(/\.[^.]+$/, '')) || 'object';
  return /^[a-z]/.test(n) ? n : `o_${n}`;
};

/** Account i's display name: every one different (case aside), spread over the word lists. */
export function accountName(i: number): string {
  const cap = V.COMPANY_FIRST.length * V.COMPANY_SECOND.length * V.COMPANY_KIND.length;
  const j = ((i % cap) * 7919) % cap;
  const a = V.COMPANY_FIRST[j % V.COMPANY_FIRST.length];
  const b = V.COMPANY_SECOND[Math.floor(j / V.COMPANY_FIRST.length) % V.COMPANY_SECOND.length];
  const c = V.COMPANY_KIND[Math.floor(j / (V.COMPANY_FIRST.length * V.COMPANY_SECOND.length))];
  const round = Math.floor(i / cap);
  return `${a} ${b} ${c}${round > 0 ? ` ${round + 1}` : ''}`;
}

const userFirst = (i: number) => V.FIRST_NAMES[i % V.FIRST_NAMES.length];
const userLast = (i: number) => V.LAST_NAMES[(i + Math.floor(i / V.FIRST_NAMES.length)) % V.LAST_NAMES.length];
const userName = (i: number) => `${userFirst(i)} ${userLast(i)}`;
const userEmail = (i: number) => `${V.asciiWord(userFirst(i))}.${V.asciiWord(userLast(i))}@northwind.example`;
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** A small counter keyed by file and column, for the manifest. */
class Tally<T> {
  private readonly items = new Map<string, T>();
  constructor(private readonly make: (file: string, column: string) => T) {}
  at(file: string, column: string): T {
    const k = `${file}\u0000${column}`;
    let t = this.items.get(k);
    if (!t) this.items.set(k, (t = this.make(file, column)));
    return t;
  }
  list(): T[] {
    return [...this.items.values()];
  }
}

interface RowContext {
  object: SampleObject;
  i: number;
  r: Sfc32;
  file: string;
  line: number;
  /** a shifted row is written without other mess, so each kind is counted where a reader finds it */
  plain: boolean;
}

class ExportSampleWriter {
  private readonly spec: StyleSpec;
  readonly notes: ExportSampleNotes;
  private readonly placeholders = new Tally((file, column) => ({ file, column, values: {} as Record<string, number> }));
  private readonly dates = new Tally((file, column) => ({ file, column, formats: {} as Record<string, number>, values: 0, minutes: 0 }));
  private readonly money = new Tally((file, column) => ({ file, column, format: '', values: 0, cents: 0 }));
  private readonly flags = new Tally((file, column) => ({ file, column, spellings: {} as Record<string, number> }));
  private readonly zeros = new Tally((file, column) => ({ file, column, count: 0 }));
  private readonly mojibake = new Tally((file, column) => ({ file, column, count: 0 }));
  private readonly typos = new Tally((file, column) => ({ file, column, value: '', intended: '', count: 0 }));

  constructor(
    readonly style: ExportSampleStyle,
    private readonly seed: number,
    private readonly counts: Record<SampleObject, number>,
  ) {
    this.spec = STYLES[style];
    const files = Object.values(this.spec.files);
    const expected = {} as ExportSampleNotes['expected'];
    for (const o of SAMPLE_OBJECTS) expected[o] = this.expectedOf(o);
    this.notes = {
      style,
      expected,
      rates: MESS_RATES,
      mess: {
        bom: files,
        crlf: files,
        shifted: { count: 0, cases: [] },
        mojibake: { count: 0, byColumn: [], cases: [] },
        typos: { count: 0, byValue: [], cases: [] },
        placeholders: [],
        dates: [],
        money: [],
        flags: [],
        leadingZeros: [],
        wide: { file: this.spec.files.accounts, columns: this.spec.wideColumns, labels: Array.from({ length: this.spec.wideColumns }, (_, n) => this.spec.wideLabel(n + 1)), filledCells: 0 },
        blankHeaders: SAMPLE_OBJECTS.map((o) => ({ file: this.spec.files[o], count: this.spec.columns[o].filter(([, role]) => role === 'blank').length })).filter((b) => b.count > 0),
        noIdColumn: { file: this.spec.files.deals, key: expected.deals.key },
        ownersByName: SAMPLE_OBJECTS.flatMap((o) => this.spec.columns[o].filter(([, role]) => role === 'owner').map(([column]) => ({ file: this.spec.files[o], column }))),
        referencesByName: SAMPLE_OBJECTS.filter((o) => o !== 'accounts').flatMap((o) =>
          this.spec.columns[o].filter(([, role]) => role === 'accountName').map(([column]) => ({ file: this.spec.files[o], column, object: expected.accounts.object })),
        ),
      },
    };
  }

  private label(o: SampleObject, role: Role): string {
    return this.spec.columns[o].find(([, r]) => r === role)![0];
  }

  private expectedOf(o: SampleObject): ExportSampleNotes['expected'][SampleObject] {
    const cols = this.spec.columns[o];
    const has = (role: Role) => cols.some(([, r]) => r === role);
    const key = o === 'deals' ? [this.label(o, 'dealName'), this.label(o, 'accountName')] : [this.label(o, 'id')];
    const accounts = objectName(this.spec.files.accounts);
    const references: ExportSampleNotes['expected'][SampleObject]['references'] = [];
    if (o !== 'accounts' && has('accountName')) references.push({ column: this.label(o, 'accountName'), object: accounts, by: 'name' });
    if (has('contactId')) references.push({ column: this.label(o, 'contactId'), object: objectName(this.spec.files.contacts), by: 'key' });
    const owner = has('owner') ? { column: this.label(o, 'owner'), by: 'name' as const } : has('ownerEmail') ? { column: this.label(o, 'ownerEmail'), by: 'email' as const } : null;
    return { object: objectName(this.spec.files[o]), file: this.spec.files[o], rows: this.counts[o], key, references, owner };
  }

  headers(o: SampleObject): string[] {
    return this.spec.columns[o].flatMap(([label, role]) => (role === 'wide' ? Array.from({ length: this.spec.wideColumns }, (_, n) => this.spec.wideLabel(n + 1)) : [label]));
  }

  private caseOf(list: MessCase[], c: MessCase): void {
    if (list.length < NOTE_CASES) list.push(c);
  }

  private date(ctx: RowContext, column: string, writer: DateWriter, at: number): string {
    const w = writer(new Date(at), (n) => ctx.r.int(n));
    if (ctx.plain) return w.text;
    const t = this.dates.at(ctx.file, column);
    t.formats[w.format] = (t.formats[w.format] ?? 0) + 1;
    t.values++;
    t.minutes += at / 60_000;
    return w.text;
  }

  private flag(ctx: RowContext, column: string, spelling: string): string {
    if (!ctx.plain) {
      const t = this.flags.at(ctx.file, column);
      t.spellings[spelling] = (t.spellings[spelling] ?? 0) + 1;
    }
    return spelling;
  }

  private amount(ctx: RowContext, column: string, cents: number): string {
    const t = this.money.at(ctx.file, column);
    t.format = this.spec.money.format;
    t.values++;
    t.cents += cents;
    return this.spec.money.write(cents);
  }

  private placeholder(ctx: RowContext, column: string, value: string): string {
    const t = this.placeholders.at(ctx.file, column);
    t.values[value] = (t.values[value] ?? 0) + 1;
    return value;
  }

  /** A person's name part, now and then double-encoded when it has a letter outside ASCII. */
  private personText(ctx: RowContext, column: string, text: string): string {
    // drawn for every value, so whether a row is damaged does not move the draws after it
    const damage = ctx.r.chance(MESS_RATES.mojibake);
    if (ctx.plain || !damage || /^[\x20-\x7e]*$/.test(text)) return text;
    const value = mojibakeOf(text);
    this.mojibake.at(ctx.file, column).count++;
    this.notes.mess.mojibake.count++;
    this.caseOf(this.notes.mess.mojibake.cases, { file: ctx.file, line: ctx.line, column, value, intended: text });
    return value;
  }

  /** One row's cells, in header order. */
  row(ctx: RowContext): string[] {
    const { object: o, i, r } = ctx;
    const spec = this.spec;
    const users = this.counts.users;
    const owner = r.int(users);
    const created = FIRST_CREATED + r.int(3 * 365 * 24 * 60) * 60_000;
    const first = V.FIRST_NAMES[r.int(V.FIRST_NAMES.length)];
    const last = V.LAST_NAMES[r.int(V.LAST_NAMES.length)];
    const account = o === 'deals' ? i % this.counts.accounts : r.int(this.counts.accounts);
    const cells: string[] = [];
    for (const [column, role] of spec.columns[o]) {
      switch (role) {
        case 'id':
          cells.push(spec.ids[o](i));
          break;
        case 'rowChecksum':
          cells.push(`${(Math.imul(i + 1, 0x9e3779b1) >>> 0).toString(36)}${i.toString(36)}${(r.int(1 << 30)).toString(36)}==`);
          break;
        case 'modified':
          cells.push(this.date(ctx, column, spec.modified, created + r.between(1, 400) * DAY));
          break;
        case 'userName':
          cells.push(userName(i));
          break;
        case 'userEmail':
          cells.push(userEmail(i));
          break;
        case 'userRole':
          cells.push(i === 0 ? V.ROLES[3] : V.ROLES[r.int(V.ROLES.length)]);
          break;
        case 'accountName':
          cells.push(accountName(o === 'accounts' ? i : account));
          break;
        case 'phone':
          cells.push(`+1 ${r.between(201, 989)} 555 ${String(r.int(10_000)).padStart(4, '0')}`);
          break;
        case 'website':
          cells.push(`www.${slug(accountName(i))}.example`);
          break;
        case 'owner':
          cells.push(userName(owner));
          break;
        case 'ownerEmail':
          cells.push(userEmail(owner));
          break;
        case 'city':
          cells.push(V.CITIES[r.int(V.CITIES.length)]);
          break;
        case 'zip': {
          const zero = r.chance(MESS_RATES.zipLeadingZero);
          const zip = zero ? `0${r.between(1000, 9999)}` : String(r.between(10_000, 99_999));
          if (zero) this.zeros.at(ctx.file, column).count++;
          cells.push(zip);
          break;
        }
        case 'industry':
          cells.push(V.INDUSTRIES[r.int(V.INDUSTRIES.length)]);
          break;
        case 'created':
          cells.push(this.date(ctx, column, spec.created, created));
          break;
        case 'revenue': {
          const none = r.chance(MESS_RATES.revenuePlaceholder);
          const cents = r.between(1_000, 500_000) * 10_000;
          cells.push(none ? this.placeholder(ctx, column, 'N/A') : this.amount(ctx, column, cents));
          break;
        }
        case 'keyAccount':
          cells.push(this.flag(ctx, column, r.chance(0.3) ? 'Y' : 'N'));
          break;
        case 'first':
          cells.push(this.personText(ctx, column, first));
          break;
        case 'last':
          cells.push(this.personText(ctx, column, last));
          break;
        case 'fullName':
          cells.push(this.personText(ctx, column, `${first} ${last}`));
          break;
        case 'email':
          cells.push(`${V.asciiWord(first)}.${V.asciiWord(last)}${i + 1}@${slug(accountName(account)).slice(0, 20).replace(/-+$/, '')}.example`);
          break;
        case 'leadSource': {
          const x = r.next();
          const rates = MESS_RATES.leadSource;
          const real = V.LEAD_SOURCES[r.int(V.LEAD_SOURCES.length)];
          if (!ctx.plain && x < rates['Default Value']) cells.push(this.placeholder(ctx, column, 'Default Value'));
          else if (!ctx.plain && x < rates['Default Value'] + rates['N/A']) cells.push(this.placeholder(ctx, column, 'N/A'));
          else if (!ctx.plain && x < rates['Default Value'] + rates['N/A'] + rates['-']) cells.push(this.placeholder(ctx, column, '-'));
          else cells.push(real);
          break;
        }
        case 'optOut': {
          const x = r.next();
          cells.push(this.flag(ctx, column, x < 0.3 ? '1' : x < 0.8 ? '0' : ''));
          break;
        }
        case 'dealName':
          // a deal's name differs from the other deals of its account, so name + account is a key
          cells.push(V.DEAL_TOPICS[(Math.floor(i / this.counts.accounts) + account * 7) % V.DEAL_TOPICS.length]);
          break;
        case 'amount':
          cells.push(this.amount(ctx, column, r.between(50_000, 9_500_000)));
          break;
        case 'currency':
          cells.push('EUR');
          break;
        case 'stage': {
          const stage = spec.stages[r.int(spec.stages.length)];
          const typo = r.chance(MESS_RATES.typo);
          const variants = V.typosOf(stage);
          const pick = variants[r.int(variants.length)];
          if (!typo || stage.length < 6) cells.push(stage);
          else {
            const t = this.typos.at(ctx.file, `${column}\u0000${pick}`);
            Object.assign(t, { column, value: pick, intended: stage, count: t.count + 1 });
            this.notes.mess.typos.count++;
            this.caseOf(this.notes.mess.typos.cases, { file: ctx.file, line: ctx.line, column, value: pick, intended: stage });
            cells.push(pick);
          }
          break;
        }
        case 'closeDate':
          cells.push(this.date(ctx, column, spec.closeDate, CLOSE_FROM + r.int(900) * DAY));
          break;
        case 'subject':
          cells.push(V.SUBJECTS[r.int(V.SUBJECTS.length)]);
          break;
        case 'activityType':
          cells.push(V.ACTIVITY_TYPES[r.int(V.ACTIVITY_TYPES.length)]);
          break;
        case 'contactId':
          cells.push(spec.ids.contacts(r.int(this.counts.contacts)));
          break;
        case 'due':
          cells.push(this.date(ctx, column, anyLanguageDate, CLOSE_FROM + r.int(700) * DAY));
          break;
        case 'wide':
          for (let n = 0; n < spec.wideColumns; n++) {
            if (r.chance(MESS_RATES.wideFilled)) {
              this.notes.mess.wide.filledCells++;
              cells.push(`${V.WIDE_WORDS[r.int(V.WIDE_WORDS.length)]} ${r.between(1, 999)}`);
            } else cells.push('');
          }
          break;
        case 'blank':
          cells.push('');
          break;
      }
    }
    return cells;
  }

  async writeObject(o: SampleObject, sink: CsvSampleSink): Promise<void> {
    const file = this.spec.files[o];
    const headers = this.headers(o);
    const sheet: SampleSheet = await sink.sheet(file, headers);
    const shiftAt = o === 'contacts' ? headers.indexOf(this.spec.shiftFrom) : -1;
    const rows = this.counts[o];
    const forced = rows >= 30 ? Math.floor(rows / 3) : -1;
    const stream = SAMPLE_OBJECTS.indexOf(o) + 1;
    for (let i = 0; i < rows; i++) {
      const r = new Sfc32(this.seed, stream, i);
      const shifted = shiftAt >= 0 && (r.chance(MESS_RATES.shifted) || i === forced);
      const ctx: RowContext = { object: o, i, r, file, line: sheet.line, plain: shifted };
      let cells = this.row(ctx);
      if (shifted) {
        // slid one to the right from shiftAt: that cell is blank, every later value sits under its right neighbour
        cells = [...cells.slice(0, shiftAt), '', ...cells.slice(shiftAt, cells.length - 1)];
        this.notes.mess.shifted.count++;
        this.caseOf(this.notes.mess.shifted.cases, { file, line: sheet.line, column: this.spec.shiftFrom, value: cells[shiftAt + 1] });
      }
      await sheet.row(cells);
    }
    await sheet.end();
  }

  finish(): void {
    const m = this.notes.mess;
    m.placeholders = this.placeholders.list();
    m.dates = this.dates.list();
    m.money = this.money.list();
    m.flags = this.flags.list();
    m.leadingZeros = this.zeros.list();
    m.mojibake.byColumn = this.mojibake.list();
    m.typos.byValue = this.typos.list();
  }
}

/**
 * Writes a folder shaped like one CRM's export (`style`) with users, accounts, contacts, deals and activities,
 * carrying the mess real exports have at the rates in MESS_RATES: a byte-order mark and CRLF in every file,
 * month-name dates in several orders and languages, 12-hour clocks and two-digit years, a deals file without an
 * id column, references and owners by display name, contact rows shifted one column, blank trailing header
 * cells, a wide sparse accounts file, placeholders, picklist typos, mojibake, ZIP codes with leading zeros,
 * 1/0/blank and Y/N flags and money in the style's locale. The manifest's notes count each kind exactly and
 * list the file and line of each case (the first NOTE_CASES). Every row is drawn from its own generator seeded
 * by (seed, object, row), so the same seed writes the same bytes and memory does not grow with the size.
 */
export async function generateExportSample(options: SampleOptions): Promise<SampleManifest> {
  const style = exportSampleStyle(options.style);
  const seed = finiteSeed(options.seed);
  if (!Number.isInteger(options.records) || options.records < MIN_RECORDS) {
    throw new FerryError('USAGE', `--records ${options.records}: the export sample needs at least ${MIN_RECORDS} records (a few of each object)`, 'fatal');
  }
  if (options.format && options.format !== 'csv') {
    throw new FerryError('USAGE', `--format ${options.format}: the export sample writes CSV files, as the CRMs it imitates export them`, 'fatal');
  }
  const counts = exportSampleCounts(options.records);
  const writer = new ExportSampleWriter(style, seed, counts);
  const sink = new CsvSampleSink(options.out, { eol: '\r\n', bom: true });
  for (const o of SAMPLE_OBJECTS) await writer.writeObject(o, sink);
  await sink.finish();
  writer.finish();
  const byObject = Object.fromEntries(SAMPLE_OBJECTS.map((o) => [writer.notes.expected[o].object, counts[o]]));
  return sampleManifest('export', seed, byObject, [], writer.notes as unknown as Record<string, unknown>);
}

