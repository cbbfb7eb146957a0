import { createWriteStream } from 'fs';
import { mkdir } from 'fs/promises';
import { once } from 'events';
import { join } from 'path';
import { finished } from 'stream/promises';
import { DEMO_LOAN_OFFICERS } from '../../../demo/src/demo-org';
import type { Leaf360RejectCode } from './leaf360-export.reader';
import { LEAF360_FILES, LEAF360_OBJECTS, type Leaf360Object } from './leaf360.records';
import { hashSeed, SampleRandom } from './leaf360-sample.random';
import * as V from './leaf360-sample.vocabulary';

export interface Leaf360SampleOptions {
  outDir: string;
  /** same seed and counts, same bytes */
  seed: number | string;
  companies?: number;
  contacts?: number;
  deals?: number;
  /** one row in this many is malformed (an extra row nothing references); 0 for none; default 200 */
  malformedEvery?: number;
}

export type Leaf360SampleDefect =
  | 'unclosed-quote'
  | 'stray-quote'
  | 'missing-value'
  | 'bad-date'
  | 'field-count'
  | 'bad-decimal';

export interface Leaf360MalformedRow {
  /** line the row starts on */
  line: number;
  /** the row's id, unless its defect is that the id is missing */
  id: string;
  defect: Leaf360SampleDefect;
  /** the reject code the reader must give it */
  code: Leaf360RejectCode;
}

export interface Leaf360SampleManifest {
  seed: number | string;
  files: Record<Leaf360Object, string>;
  /** good rows, each of which reads back as a record */
  counts: Record<Leaf360Object, number>;
  malformed: Record<Leaf360Object, Leaf360MalformedRow[]>;
  /** physical lines per file, header included */
  lines: Record<Leaf360Object, number>;
  /** loan officer emails the good rows use, in DEMO_LOAN_OFFICERS order */
  owners: string[];
}

export interface Leaf360SampleCounts {
  companies: number;
  contacts: number;
  deals: number;
}

export const LEAF360_SAMPLE_DEFAULT_TOTAL = 3500;

/** Splits a record total 1:4:2 into companies, contacts and deals; 3500 gives 500 / 2000 / 1000. */
export function sampleCounts(total: number = LEAF360_SAMPLE_DEFAULT_TOTAL): Leaf360SampleCounts {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`sample size must be a whole number of records, got ${total}`);
  const companies = Math.floor(total / 7);
  const deals = Math.floor((total * 2) / 7);
  return { companies, contacts: total - companies - deals, deals };
}

export const LEAF360_SAMPLE_HEADERS: Readonly<Record<Leaf360Object, readonly string[]>> = {
  company: [
    'company_id', 'name', 'domain', 'phone', 'industry', 'nmls_id', 'property_address', 'city', 'state', 'zip',
    'parent_company_id', 'created_at', 'updated_at',
  ],
  contact: [
    'contact_id', 'first_name', 'last_name', 'email', 'phone', 'job_title', 'company_id', 'loan_officer',
    'loan_status', 'referral_source', 'notes', 'created_at', 'updated_at',
  ],
  deal: [
    'deal_id', 'dealname', 'loan_amount', 'closedate', 'loan_type', 'preapproval_date', 'pipeline', 'dealstage',
    'company_id', 'contact_id', 'loan_officer', 'referral_source', 'created_at', 'updated_at',
  ],
};

const DEFECTS: Readonly<Record<Leaf360Object, readonly Leaf360SampleDefect[]>> = {
  company: ['unclosed-quote', 'missing-value', 'bad-date', 'field-count', 'stray-quote'],
  contact: ['missing-value', 'unclosed-quote', 'field-count', 'bad-date', 'stray-quote'],
  deal: ['bad-decimal', 'field-count', 'unclosed-quote', 'bad-date', 'missing-value', 'stray-quote'],
};

const DEFECT_CODES: Readonly<Record<Leaf360SampleDefect, Leaf360RejectCode>> = {
  'unclosed-quote': 'CSV_BAD_QUOTE',
  'stray-quote': 'CSV_BAD_QUOTE',
  'missing-value': 'MISSING_VALUE',
  'bad-date': 'BAD_DATE',
  'field-count': 'CSV_FIELD_COUNT',
  'bad-decimal': 'BAD_DECIMAL',
};

/** Independent random streams; a row draws from (seed, stream, index). */
const Stream = {
  company: 1,
  contact: 2,
  deal: 3,
  companyParent: 4,
  contactCompany: 5,
  contactOwner: 6,
  malformedCompany: 7,
  malformedContact: 8,
  malformedDeal: 9,
} as const;
const ROW_STREAMS: Record<Leaf360Object, number> = { company: Stream.company, contact: Stream.contact, deal: Stream.deal };
const MALFORMED_STREAMS: Record<Leaf360Object, number> = {
  company: Stream.malformedCompany,
  contact: Stream.malformedContact,
  deal: Stream.malformedDeal,
};

interface Shape {
  seed: number;
  companies: number;
  contacts: number;
  deals: number;
}

interface Row {
  fields: string[];
  owner?: string | null;
}

const DAY = 86_400_000;
const FIRST_CREATED = Date.UTC(2019, 0, 1);
const LAST_CREATED = Date.UTC(2025, 5, 30);
const OFFICER_WEIGHTS: readonly (readonly [string, number])[] = DEMO_LOAN_OFFICERS.map((email, i) => [email, i < 5 ? 6 : 2] as const);

const pad = (n: number, width = 7) => String(n).padStart(width, '0');
const companyId = (p: number) => `co_${pad(p + 1)}`;
const contactId = (j: number) => `ct_${pad(j + 1)}`;
const dealId = (k: number) => `dl_${pad(k + 1)}`;
const malformedId = (object: Leaf360Object, m: number) => `${object === 'company' ? 'co' : object === 'contact' ? 'ct' : 'dl'}_m${pad(m + 1, 6)}`;

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

const UNDECOMPOSED: Record<string, string> = { ø: 'o', ł: 'l', ß: 'ss', æ: 'ae', đ: 'd', œ: 'oe' };
const asciiSlug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[øłßæđœ]/g, (c) => UNDECOMPOSED[c])
    .replace(/[^a-z0-9]+/g, '');

/**
 * Index into a parent file for the child at `index` of `count`: early children get late parents, so they
 * stream before the parent they need.
 */
function mirrored(rng: SampleRandom, index: number, count: number, parents: number): number {
  const p = parents - 1 - Math.floor((index * parents) / Math.max(1, count)) + rng.between(-3, 3);
  return Math.min(parents - 1, Math.max(0, p));
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatTimestamp(rng: SampleRandom, ms: number): string {
  const iso = new Date(ms).toISOString();
  switch (rng.weighted<number>([[0, 40], [1, 15], [2, 15], [3, 10], [4, 15], [5, 5]])) {
    case 0:
      return iso;
    case 1:
      return `${iso.slice(0, 19)}Z`;
    case 2:
      return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
    case 3: {
      const offset = rng.pick([-300, -360, -420, -480, 330, 60]);
      const local = new Date(ms + offset * 60_000).toISOString().slice(0, 19);
      const a = Math.abs(offset);
      return `${local}${offset < 0 ? '-' : '+'}${two(Math.floor(a / 60))}:${two(a % 60)}`;
    }
    case 4:
      return String(ms);
    default: {
      const d = new Date(ms);
      return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()}`;
    }
  }
}

function formatDate(rng: SampleRandom, days: number): string {
  const d = new Date(days * DAY);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  switch (rng.weighted<number>([[0, 45], [1, 30], [2, 10], [3, 15]])) {
    case 0:
      return `${y}-${two(m)}-${two(day)}`;
    case 1:
      return `${two(m)}/${two(day)}/${y}`;
    case 2:
      return `${m}/${day}/${y}`;
    default:
      return `${y}-${two(m)}-${two(day)}T00:00:00Z`;
  }
}

function formatMoney(rng: SampleRandom, cents: number): string {
  const whole = Math.floor(cents / 100);
  const frac = two(cents % 100);
  const grouped = String(whole).replace(/\B(?=(\d{3})+$)/g, ',');
  switch (rng.weighted<number>([[0, 30], [1, 20], [2, 25], [3, 20], [4, 5]])) {
    case 0:
      return cents % 100 === 0 ? String(whole) : `${whole}.${frac}`;
    case 1:
      return `${whole}.${frac}`;
    case 2:
      return `${grouped}.${frac}`;
    case 3:
      return `$${grouped}.${frac}`;
    default:
      return `$${whole}`;
  }
}

function timestamps(rng: SampleRandom): [string, string] {
  const created = FIRST_CREATED + rng.int(LAST_CREATED - FIRST_CREATED);
  const updated = Math.min(LAST_CREATED + 90 * DAY, created + rng.int(400 * DAY));
  return [formatTimestamp(rng, created), rng.chance(0.05) ? '' : formatTimestamp(rng, updated)];
}

function phone(rng: SampleRandom, area: string): string {
  const mid = rng.between(200, 989);
  const last = rng.digits(4);
  switch (rng.int(4)) {
    case 0:
      return `(${area}) ${mid}-${last}`;
    case 1:
      return `+1 ${area}-${mid}-${last}`;
    case 2:
      return `${area}.${mid}.${last}`;
    default:
      return `${area}${mid}${last}`;
  }
}

function companyName(rng: SampleRandom): string {
  switch (rng.weighted<number>([[0, 55], [1, 15], [2, 10], [3, 10], [4, 5], [5, 5]])) {
    case 0:
      return `${rng.pick(V.PLACE_WORDS)} ${rng.pick(V.COMPANY_KINDS)}`;
    case 1:
      return `${rng.pick(V.LAST_NAMES)} & ${rng.pick(V.LAST_NAMES)} ${rng.pick(V.COMPANY_KINDS)}`;
    case 2:
      return `${rng.pick(V.LAST_NAMES)}, ${rng.pick(V.LAST_NAMES)} & Associates`;
    case 3:
      return `${rng.pick(V.PLACE_WORDS)} ${rng.pick(V.COMPANY_KINDS)}, LLC`;
    case 4:
      return `The "${rng.pick(['Key', 'Front Door', 'Porch', 'Hearth'])}" ${rng.pick(V.COMPANY_KINDS)}`;
    default:
      return `${rng.pick(['Société', 'Crédito', 'Hogar', 'Über'])} ${rng.pick(V.PLACE_WORDS)} ${rng.pick(V.COMPANY_KINDS)}`;
  }
}

function streetAddress(rng: SampleRandom): string {
  const base = `${rng.between(10, 19999)} ${rng.pick(V.STREET_NAMES)} ${rng.pick(V.STREET_TYPES)}`;
  const unit = rng.int(10);
  if (unit === 0) return `${base}, Suite ${rng.between(100, 950)}`;
  if (unit === 1) return `${base} Apt ${rng.between(1, 30)}${rng.pick(['A', 'B', 'C', 'D'])}`;
  return base;
}

function companyParent(shape: Shape, p: number): number | null {
  const rng = SampleRandom.forRow(shape.seed, Stream.companyParent, p);
  if (p >= shape.companies - 1 || !rng.chance(0.15)) return null;
  return p + 1 + rng.int(shape.companies - 1 - p);
}

function contactCompany(shape: Shape, j: number): number | null {
  const rng = SampleRandom.forRow(shape.seed, Stream.contactCompany, j);
  if (shape.companies === 0 || rng.chance(0.05)) return null;
  return rng.chance(0.6) ? mirrored(rng, j, shape.contacts, shape.companies) : rng.int(shape.companies);
}

function contactOwner(shape: Shape, j: number): string | null {
  const rng = SampleRandom.forRow(shape.seed, Stream.contactOwner, j);
  return rng.chance(0.03) ? null : rng.weighted(OFFICER_WEIGHTS);
}

function companyRow(shape: Shape, rng: SampleRandom, p: number | null): Row {
  const name = companyName(rng);
  const [city, state, zip3, area] = rng.pick(V.CITIES);
  const zip = `${zip3}${rng.digits(2)}${rng.chance(0.05) ? `-${rng.digits(4)}` : ''}`;
  const parent = p === null ? null : companyParent(shape, p);
  const [created, updated] = timestamps(rng);
  return {
    fields: [
      '',
      name,
      rng.chance(0.2) ? '' : `${asciiSlug(name.split(/[ ,&]+/).slice(0, 2).join(' ')) || 'company'}.example`,
      rng.chance(0.1) ? '' : phone(rng, area),
      rng.chance(0.1) ? '' : rng.pick(V.INDUSTRIES),
      rng.chance(0.4) ? '' : rng.digits(rng.between(6, 7)).replace(/^0/, '1'),
      rng.chance(0.1) ? '' : streetAddress(rng),
      city,
      state,
      zip,
      parent === null ? '' : companyId(parent),
      created,
      updated,
    ],
  };
}

function personName(rng: SampleRandom): [string, string, string] {
  const kind = rng.weighted<number>([[0, 78], [1, 12], [2, 4], [3, 6]]);
  let first: string;
  let last: string;
  if (kind === 1) [first, last] = rng.pick(V.NON_LATIN_NAMES);
  else {
    first = kind === 2 ? rng.pick(V.EMOJI_FIRST_NAMES) : kind === 3 ? rng.pick(V.NICKNAMED_FIRST_NAMES) : rng.pick(V.FIRST_NAMES);
    last = rng.pick(V.LAST_NAMES);
  }
  const handle = kind === 1 ? '' : `${asciiSlug(first.split(' ')[0])}.${asciiSlug(last)}`;
  return [first, last, handle];
}

function contactRow(shape: Shape, rng: SampleRandom, j: number | null): Row {
  const [first, last, handle] = personName(rng);
  const company = j === null ? (shape.companies ? rng.int(shape.companies) : null) : contactCompany(shape, j);
  const owner = j === null ? rng.weighted(OFFICER_WEIGHTS) : contactOwner(shape, j);
  const status = rng.weighted(V.LOAN_STATUSES);
  const referral = status === 'Referral Partner' ? 'Partner' : rng.weighted(V.REFERRAL_SOURCES);
  let email = '';
  if (!rng.chance(0.08)) {
    const local = handle && handle !== '.' ? handle : `client.${rng.digits(6)}`;
    email = `${local}@${rng.pick(V.PERSONAL_MAIL_DOMAINS)}`;
    if (rng.chance(0.1)) email = email[0].toUpperCase() + email.slice(1);
  }
  const noteKind = rng.int(100);
  const notes = noteKind < 65 ? '' : noteKind < 97 || j === null ? rng.pick(V.NOTES) : rng.pick(V.MULTILINE_NOTES);
  const [created, updated] = timestamps(rng);
  return {
    owner,
    fields: [
      '',
      rng.chance(0.02) ? '' : first,
      rng.chance(0.01) ? '' : last,
      email,
      rng.chance(0.1) ? '' : phone(rng, rng.pick(V.CITIES)[3]),
      rng.chance(0.1) ? '' : status === 'Referral Partner' ? rng.pick(['Realtor', 'Listing Agent', "Buyer's Agent", 'Financial Advisor']) : rng.pick(V.JOB_TITLES),
      company === null ? '' : companyId(company),
      owner ?? '',
      status,
      referral,
      notes,
      created,
      updated,
    ],
  };
}

function dealRow(shape: Shape, rng: SampleRandom, k: number | null): Row {
  let contact: number | null = null;
  if (shape.contacts > 0 && !rng.chance(0.05)) {
    contact = k !== null && rng.chance(0.5) ? mirrored(rng, k, shape.deals, shape.contacts) : rng.int(shape.contacts);
  }
  let company = contact === null ? null : contactCompany(shape, contact);
  if (company === null || rng.chance(0.15)) {
    company =
      shape.companies === 0 || rng.chance(0.08)
        ? null
        : k !== null && rng.chance(0.6)
          ? mirrored(rng, k, shape.deals, shape.companies)
          : rng.int(shape.companies);
  }
  const owner = contact !== null && rng.chance(0.8) ? contactOwner(shape, contact) : rng.weighted(OFFICER_WEIGHTS);
  const purpose = rng.pick(V.LOAN_PURPOSES);
  const who = rng.chance(0.12) ? rng.pick(V.NON_LATIN_NAMES)[1] : rng.pick(V.LAST_NAMES);
  const dealname = rng.pick([
    `${who} - ${purpose}`,
    `${who} – ${streetAddress(rng)} ${purpose}`,
    `${streetAddress(rng)} (${purpose})`,
  ]);
  const amountCents = rng.weighted<number>([[0, 70], [1, 20], [2, 10]]);
  const raw = rng.between(60_000, 1_600_000);
  const cents = amountCents === 0 ? Math.round(raw / 1000) * 100_000 : amountCents === 1 ? Math.round(raw / 50) * 5000 : raw * 100 + rng.int(100);
  const preapproval = Math.floor(FIRST_CREATED / DAY) + rng.int(Math.floor((LAST_CREATED - FIRST_CREATED) / DAY));
  const close = preapproval + rng.between(20, 120);
  const [created, updated] = timestamps(rng);
  return {
    owner,
    fields: [
      '',
      dealname,
      rng.chance(0.05) ? '' : formatMoney(rng, cents),
      rng.chance(0.15) ? '' : formatDate(rng, close),
      rng.weighted(V.LOAN_TYPES),
      rng.chance(0.2) ? '' : formatDate(rng, preapproval),
      'Mortgage',
      rng.pick(V.PIPELINE_STAGES),
      company === null ? '' : companyId(company),
      contact === null ? '' : contactId(contact),
      owner ?? '',
      rng.weighted(V.REFERRAL_SOURCES),
      created,
      updated,
    ],
  };
}

const ROW_BUILDERS: Record<Leaf360Object, (shape: Shape, rng: SampleRandom, index: number | null) => Row> = {
  company: companyRow,
  contact: contactRow,
  deal: dealRow,
};

const ROW_IDS: Record<Leaf360Object, (index: number) => string> = { company: companyId, contact: contactId, deal: dealId };

/** Column each defect spoils, by object: the required text, a date, and a free-text column for quotes. */
const DEFECT_COLUMNS: Record<Leaf360Object, { required: number; date: number; text: number }> = {
  company: { required: 1, date: 11, text: 1 },
  contact: { required: 0, date: 12, text: 2 },
  deal: { required: 1, date: 3, text: 1 },
};

const BAD_DATES = ['31/31/2024', '2024-02-30', '13/01/2024', 'yesterday', '2024-13-01', '1700000000', 'N/A', '2023-06-31T10:00:00Z'];
const BAD_AMOUNTS = ['35O,000', '$1,23,456', '350000.505', 'TBD', '350.000,00', '12k'];

/** A malformed row's text, broken in exactly one way and never spanning lines. */
function malformedText(object: Leaf360Object, defect: Leaf360SampleDefect, row: Row, rng: SampleRandom): string {
  const cols = DEFECT_COLUMNS[object];
  const fields = row.fields.map((f) => f.replace(/[\r\n]+/g, ' '));
  const encoded = fields.map(csvField);
  const plainText = fields[cols.text].replace(/[",]/g, '') || 'Broken';
  switch (defect) {
    case 'unclosed-quote':
      encoded[cols.text] = `"${plainText}`;
      break;
    case 'stray-quote': {
      // Never right before a delimiter: a quote there could close an earlier unclosed quote cleanly.
      const text = plainText.length > 1 ? plainText : 'Broken';
      const at = text.indexOf(' ') > 0 ? text.indexOf(' ') + 1 : Math.ceil(text.length / 2);
      encoded[cols.text] = `${text.slice(0, at)}"${text.slice(at)}`;
      break;
    }
    case 'missing-value':
      encoded[cols.required] = rng.pick(['', ' ', '   ']);
      break;
    case 'bad-date':
      encoded[cols.date] = rng.pick(BAD_DATES);
      break;
    case 'bad-decimal':
      encoded[2] = csvField(rng.pick(BAD_AMOUNTS));
      break;
    case 'field-count':
      if (rng.chance(0.5)) encoded.pop();
      else encoded.push(rng.pick(['extra', '', 'N/A']));
      break;
  }
  return encoded.join(',');
}

interface FileResult {
  lines: number;
  malformed: Leaf360MalformedRow[];
}

async function writeFile(
  path: string,
  object: Leaf360Object,
  shape: Shape,
  good: number,
  malformedEvery: number,
  owners: Set<string>,
): Promise<FileResult> {
  const out = createWriteStream(path);
  const malformed: Leaf360MalformedRow[] = [];
  const build = ROW_BUILDERS[object];
  const defects = DEFECTS[object];
  let buffer = `${LEAF360_SAMPLE_HEADERS[object].join(',')}\n`;
  let line = 2;
  let sinceBad = 0;
  const emit = async (text: string) => {
    buffer += `${text}\n`;
    line++;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
    if (buffer.length >= 64 * 1024) {
      const ok = out.write(buffer);
      buffer = '';
      if (!ok) await once(out, 'drain');
    }
  };
  try {
    for (let i = 0; i < good; i++) {
      const row = build(shape, SampleRandom.forRow(shape.seed, ROW_STREAMS[object], i), i);
      row.fields[0] = ROW_IDS[object](i);
      if (row.owner) owners.add(row.owner);
      await emit(row.fields.map(csvField).join(','));
      if (malformedEvery > 0 && ++sinceBad === malformedEvery - 1) {
        sinceBad = 0;
        const m = malformed.length;
        const rng = SampleRandom.forRow(shape.seed, MALFORMED_STREAMS[object], m);
        const defect = defects[m % defects.length];
        const bad = build(shape, rng, null);
        const id = malformedId(object, m);
        bad.fields[0] = id;
        malformed.push({ line, id, defect, code: DEFECT_CODES[defect] });
        await emit(malformedText(object, defect, bad, rng));
      }
    }
    out.end(buffer);
    await finished(out);
  } catch (err) {
    out.destroy();
    throw err;
  }
  return { lines: line - 1, malformed };
}

/**
 * Writes companies.csv, contacts.csv and deals.csv into `outDir`: realistic rows streamed with backpressure
 * (memory stays flat at any size), byte-identical for the same seed and counts, plus the manifest of what a
 * reader must find in them.
 */
export async function writeLeaf360Sample(opts: Leaf360SampleOptions): Promise<Leaf360SampleManifest> {
  const defaults = sampleCounts();
  const counts: Record<Leaf360Object, number> = {
    company: opts.companies ?? defaults.companies,
    contact: opts.contacts ?? defaults.contacts,
    deal: opts.deals ?? defaults.deals,
  };
  const malformedEvery = opts.malformedEvery ?? 200;
  for (const [what, n] of [...Object.entries(counts), ['malformedEvery', malformedEvery]] as const) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`writeLeaf360Sample: ${what} must be a whole number >= 0, got ${n}`);
  }
  if (malformedEvery === 1) throw new RangeError('writeLeaf360Sample: malformedEvery must be 0 (none) or at least 2');
  const shape: Shape = { seed: hashSeed(opts.seed), companies: counts.company, contacts: counts.contact, deals: counts.deal };
  await mkdir(opts.outDir, { recursive: true });
  const owners = new Set<string>();
  const files = {} as Record<Leaf360Object, string>;
  const malformed = {} as Record<Leaf360Object, Leaf360MalformedRow[]>;
  const lines = {} as Record<Leaf360Object, number>;
  for (const object of LEAF360_OBJECTS) {
    files[object] = join(opts.outDir, LEAF360_FILES[object]);
    const result = await writeFile(files[object], object, shape, counts[object], malformedEvery, owners);
    malformed[object] = result.malformed;
    lines[object] = result.lines;
  }
  return {
    seed: opts.seed,
    files,
    counts,
    malformed,
    lines,
    owners: DEMO_LOAN_OFFICERS.filter((o) => owners.has(o)),
  };
}
