import { mkdir, truncate, writeFile } from 'fs/promises';
import { dirname, join } from 'path';
import { DEMO_USERS } from '@ferry/demo';
import {
  API_ONLY_DIR,
  badValueOutcome,
  loadRecordSchema,
  sampleManifest,
  SampleFileWriter,
  semicolonCsvField,
  shareOut,
  spreadAtStride,
  writeWithMalformed,
  type RejectCode,
  type SampleEmptiedValue,
  type SampleManifest,
  type SampleOptions,
} from '@ferry/connectors/core';
import { PROFI_EXPORT_COLUMNS, PROFI_EXPORT_FILES, PROFI_FILES_DIR, type ProfiExportStream } from '../profi.catalog';
import { ProfiRandom, seedOf } from './profi-sample.random';
import * as V from './profi-sample.vocabulary';
import {
  type AttachmentInfo,
  attachmentInfo,
  attachmentPath,
  attachmentsOfNote,
  baseIdentity,
  clientCoach,
  clientCurrency,
  coachInfo,
  createdUpdated,
  deletedClient,
  DEMO_COACHES,
  enrollmentLinks,
  enrollmentLinksBase,
  EXPORTED_AT,
  type Good,
  id,
  identity,
  malformedId,
  noteLinks,
  ownerEmail,
  PREFIX,
  programInfo,
  sessionLinks,
  type Shape,
  slug,
  someCoach,
  T,
} from './profi-sample.links';
import { DAY_MS, formatDate, formatMoney, formatPhone, formatTimestamp } from './profi-sample.values';

/** Streams in the order the sample writes them: the export's files, then the API-only streams. */
export const PROFI_SAMPLE_STREAMS = [
  'company',
  'coach',
  'client',
  'program',
  'enrollment',
  'session',
  'payment',
  'note',
  'attachment',
  'custom_field',
  'reminder_sequence',
] as const;
export type ProfiSampleStream = (typeof PROFI_SAMPLE_STREAMS)[number];

export const PROFI_SAMPLE_DEFAULT_RECORDS = 2000;

/** Share of the records left after coaches, custom fields and reminder sequences, per exported object. */
const SHARES: ReadonlyArray<readonly [ProfiExportStream, number]> = [
  ['company', 4],
  ['client', 26],
  ['program', 1],
  ['enrollment', 12],
  ['session', 31],
  ['payment', 14],
  ['note', 10],
  ['attachment', 2],
];

/**
 * Splits a record total over every object the way a practice's data is shaped: clients and their sessions
 * dominate, a handful of team members and configuration records. The parts always add up to `records`.
 */
export function profiSampleCounts(records: number = PROFI_SAMPLE_DEFAULT_RECORDS): Record<ProfiSampleStream, number> {
  if (!Number.isInteger(records) || records < 0) throw new RangeError(`Profi sample: records must be a whole number >= 0, got ${records}`);
  const counts = {} as Record<ProfiSampleStream, number>;
  counts.custom_field = Math.min(V.CUSTOM_FIELDS.length, Math.floor(records / 100));
  counts.reminder_sequence = Math.min(V.REMINDER_SEQUENCES.length, Math.floor(records / 150));
  counts.coach = Math.min(1500, Math.max(records >= 60 ? 6 : Math.floor(records / 10), Math.round(records * 0.003)));
  const rest = records - counts.custom_field - counts.reminder_sequence - counts.coach;
  Object.assign(counts, shareOut(rest, SHARES, 'session'));
  return counts;
}

/** Characters a Windows-1252 file can hold; anything else leaves the exporter as "?". */
const NOT_CP1252 = /[^\u0000-\u007f\u00a0-\u00ff\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178]/;

// ---------------------------------------------------------------------------------------------------------
// Rows. Each builder returns the cells of one good row in the export's column order, custom columns last.

const CUSTOM_COLUMNS = {} as Record<ProfiExportStream, string[]>;
for (const s of Object.keys(PROFI_EXPORT_COLUMNS) as ProfiExportStream[]) {
  CUSTOM_COLUMNS[s] = V.CUSTOM_FIELDS.filter(([stream]) => stream === s).map(([, label]) => label);
}

/** Header labels of an exported stream as the sample writes them. */
export function profiSampleHeader(stream: ProfiExportStream): string[] {
  return [...PROFI_EXPORT_COLUMNS[stream].map(([label]) => label), ...CUSTOM_COLUMNS[stream]];
}

const ref = (stream: ProfiExportStream, index: number | null) => (index === null ? '' : id(stream, index));
const blankOr = (rng: ProfiRandom, pBlank: number, value: () => string) => (rng.chance(pBlank) ? '' : value());
const bool = (rng: ProfiRandom, v: boolean) => rng.weighted<string>([[v ? 'Yes' : 'No', 60], [v ? '1' : '0', 20], [v ? 'true' : 'false', 15], [v ? 'YES' : 'no', 5]]);

function stamps(rng: ProfiRandom, created: number, updated: number): [string, string] {
  return [formatTimestamp(rng, created), rng.chance(0.03) ? '' : formatTimestamp(rng, updated)];
}

function companyName(rng: ProfiRandom): string {
  const form = rng.pick(V.LEGAL_FORMS);
  switch (rng.weighted<number>([[0, 60], [1, 20], [2, 10], [3, 10]])) {
    case 0:
      return `${rng.pick(V.COMPANY_WORDS)} ${rng.pick(V.COMPANY_SUFFIXES)}${form ? ` ${form}` : ''}`;
    case 1:
      return `${rng.pick(V.LAST_NAMES)} & Partner ${rng.pick(['Beratung', 'Coaching', 'Consulting'])}`;
    case 2:
      return `Praxis ${rng.pick(V.FIRST_NAMES)} ${rng.pick(V.LAST_NAMES)}`;
    default:
      return `${rng.pick(V.COMPANY_WORDS)}${rng.pick(['', ' ', '-'])}${rng.pick(['Werke', 'Bank', 'Klinik', 'Labs'])} ${form || 'AG'}`;
  }
}

function postcode(rng: ProfiRandom, city: readonly [string, number, string, string, string]): string {
  if (city[2] === 'GB') return `${rng.pick(['SW1A', 'EC2V', 'N1', 'W1T', 'SE1'])} ${rng.between(1, 9)}${rng.pick(['AA', 'BD', 'HF', 'LZ'])}`;
  if (city[2] === 'IE') return `D${two(rng.between(1, 24))} ${rng.pick(['X', 'Y', 'K'])}${rng.digits(3)}`;
  if (city[2] === 'NL') return `${rng.between(1000, 9999)} ${rng.pick(['AB', 'CD', 'KL', 'XZ'])}`;
  if (city[2] === 'PT') return `${rng.between(1000, 1999)}-${rng.digits(3)}`;
  // Some spreadsheets on the way turned postcodes into numbers and dropped the leading zero.
  const code = rng.digits(city[1]);
  return rng.chance(0.05) ? code.replace(/^0+/, '') : code;
}
const two = (n: number) => (n < 10 ? `0${n}` : String(n));

function street(rng: ProfiRandom): string {
  return `${rng.pick(V.STREETS)} ${rng.between(1, 180)}${rng.chance(0.15) ? rng.pick(['a', 'b', 'c']) : ''}`;
}

function companyRow(shape: Shape, rng: ProfiRandom): string[] {
  const name = companyName(rng);
  const city = rng.pick(V.CITIES);
  const employees = rng.weighted<number>([[rng.between(1, 9), 30], [rng.between(10, 249), 40], [rng.between(250, 4999), 22], [rng.between(5000, 120000), 8]]);
  const revenueCents = employees * rng.between(60_000, 250_000) * 100;
  const [created, updated] = createdUpdated(rng);
  const web = slug(name.split(' ').slice(0, 2).join(' ')) || 'company';
  const hr = rng.chance(0.4) ? `${rng.pick(V.FIRST_NAMES)} ${rng.pick(V.LAST_NAMES)} <hr@${web}.example>` : '';
  return [
    '',
    name,
    rng.weighted(V.COMPANY_TYPES),
    blankOr(rng, 0.15, () => rng.pick(V.INDUSTRIES)),
    blankOr(rng, 0.2, () => (employees >= 1000 && rng.chance(0.3) ? `${Math.floor(employees / 1000)}.${String(employees % 1000).padStart(3, '0')}` : String(employees))),
    blankOr(rng, 0.45, () => formatMoney(rng, revenueCents, city[4])),
    blankOr(rng, 0.5, () => city[4]),
    blankOr(rng, 0.25, () => (rng.chance(0.5) ? `https://www.${web}.example` : `${web}.example`)),
    blankOr(rng, 0.3, () => `${rng.pick(['info', 'kontakt', 'hello', 'office'])}@${web}.example`),
    blankOr(rng, 0.25, () => formatPhone(rng, city[3], false)),
    blankOr(rng, 0.2, () => street(rng)),
    postcode(rng, city),
    city[0],
    rng.chance(0.1) ? '' : rng.chance(0.2) ? city[2].toLowerCase() : city[2],
    blankOr(rng, 0.5, () => `${city[2] === 'GB' ? 'GB' : city[2]}${rng.digits(9)}`),
    ownerEmail(shape, rng, null),
    ...stamps(rng, created, updated),
    hr,
    blankOr(rng, 0.75, () => formatDate(rng, Math.floor(EXPORTED_AT / DAY_MS) + rng.between(-200, 900))),
  ];
}

function coachRow(shape: Shape, rng: ProfiRandom, c: number): string[] {
  const info = coachInfo(shape, c);
  const [created, updated] = createdUpdated(rng, Date.UTC(2019, 0, 1));
  const currency = rng.weighted<string>([['EUR', 85], ['CHF', 10], ['GBP', 5]]);
  const role = c === 0 ? 'Owner' : rng.weighted(V.COACH_ROLES);
  const coaches = role === 'Coach' || role === 'Owner';
  const deactivated = info.active ? null : Math.floor(updated / DAY_MS);
  return [
    '',
    info.first,
    info.last,
    info.email,
    blankOr(rng, 0.3, () => formatPhone(rng, '49', true)),
    role,
    coaches ? rng.pick(V.SPECIALTIES) : '',
    coaches ? [rng.pick(V.CREDENTIALS), ...(rng.chance(0.5) ? [rng.pick(V.CREDENTIALS)] : [])].filter((v, i, all) => all.indexOf(v) === i).join(', ') : '',
    coaches ? blankOr(rng, 0.2, () => rng.pick(V.BIOS)) : '',
    rng.pick(['German, English', 'English', 'German', 'French, German', 'Dutch, English', 'English, Turkish']),
    coaches ? blankOr(rng, 0.2, () => formatMoney(rng, rng.pick([9000, 12000, 15000, 18000, 22000, 30000]), currency)) : '',
    coaches ? currency : '',
    rng.pick(V.TIMEZONES),
    bool(rng, info.active),
    deactivated === null ? '' : formatDate(rng, deactivated),
    ...stamps(rng, created, updated),
  ];
}

function clientRow(shape: Shape, rng: ProfiRandom, j: number | null): string[] {
  const who = j === null ? baseIdentity(shape, shape.good.client + rng.int(1_000_000)) : identity(shape, j);
  const city = V.CITIES[who.city];
  const coach = j === null ? someCoach(shape, rng) : clientCoach(shape, j);
  const [created, updated] = createdUpdated(rng);
  const sponsored = rng.chance(0.3);
  return [
    '',
    rng.weighted(V.SALUTATIONS),
    rng.chance(0.02) ? '' : who.first,
    rng.chance(0.01) ? '' : who.last,
    who.email,
    who.phone,
    who.mobile,
    rng.weighted(V.LIFECYCLE_STAGES),
    shape.good.company && rng.chance(sponsored ? 0.95 : 0.35) ? id('company', rng.int(shape.good.company)) : '',
    ref('coach', coach),
    rng.chance(0.7) && coach !== null ? coachInfo(shape, coach).email : ownerEmail(shape, rng, coach),
    blankOr(rng, 0.6, () => formatDate(rng, Math.floor(Date.UTC(1955, 0, 1) / DAY_MS) + rng.int(17000))),
    rng.weighted(V.LANGUAGES),
    blankOr(rng, 0.3, () => street(rng)),
    blankOr(rng, 0.2, () => postcode(rng, city)),
    blankOr(rng, 0.15, () => city[0]),
    blankOr(rng, 0.15, () => city[2]),
    rng.weighted(V.CLIENT_SOURCES),
    blankOr(rng, 0.2, () => bool(rng, rng.chance(0.4))),
    ...stamps(rng, created, updated),
    blankOr(rng, 0.6, () => rng.pick(V.COACHING_GOALS)),
    sponsored ? 'Yes' : rng.chance(0.5) ? 'No' : '',
    blankOr(rng, 0.5, () => rng.pick(['Morning', 'Lunch', 'Afternoon', 'Evening'])),
    blankOr(rng, 0.8, () => rng.pick(V.REFERRAL_PARTNERS)),
    blankOr(rng, 0.85, () => rng.pick(['D', 'I', 'S', 'C', 'DI', 'SC'])),
  ];
}

function programRow(shape: Shape, rng: ProfiRandom, p: number | null): string[] {
  const info = programInfo(shape, p ?? shape.good.program + rng.int(1000));
  const [created, updated] = createdUpdated(rng);
  const suffix = rng.weighted<string>([['', 60], [` ${new Date(created).getUTCFullYear()}`, 20], [' (EN)', 8], [' – Kohorte 3', 6], [' 🚀', 6]]);
  return [
    '',
    `${rng.pick(V.PROGRAM_NAMES)}${suffix}`,
    info.type,
    blankOr(rng, 0.3, () => `${info.sessions ?? 'Self-paced'}${info.sessions ? ' sessions' : ''}; ${rng.pick(V.SPECIALTIES).toLowerCase()} for ${rng.pick(['new managers', 'founders', 'teams', 'professionals in transition'])}.`),
    ref('coach', someCoach(shape, rng)),
    info.sessions === null ? '' : String(info.sessions),
    blankOr(rng, 0.3, () => String(rng.pick([4, 6, 8, 12, 16, 26]))),
    formatMoney(rng, info.cents, info.currency),
    info.currency,
    rng.weighted(V.PROGRAM_STATUSES),
    info.type === 'Group program' || info.type === 'Workshop' ? formatDate(rng, Math.floor(created / DAY_MS) + rng.between(14, 120)) : '',
    ...stamps(rng, created, updated),
    info.type === 'Session package' ? rng.pick(['ICF ACC', 'ICF PCC', 'None', '']) : '',
  ];
}

function enrollmentRow(shape: Shape, rng: ProfiRandom, k: number | null): string[] {
  const links = k === null ? enrollmentLinksBase(shape, rng.int(1_000_000)) : enrollmentLinks(shape, k);
  const info = links.program === null ? null : programInfo(shape, links.program);
  const status = rng.weighted(V.ENROLLMENT_STATUSES);
  const included = info?.sessions ?? null;
  const used = included === null ? null : status === 'Completed' ? included : status === 'Pending payment' ? 0 : rng.int(included + 1);
  const progress = status === 'Completed' ? 100 : included ? Math.round(((used ?? 0) * 100) / included) : rng.int(101);
  const [created, updated] = createdUpdated(rng);
  const enrolled = Math.floor(created / DAY_MS);
  const cents = info ? Math.round((info.cents * rng.pick([100, 100, 100, 90, 80, 50])) / 100) : 0;
  return [
    '',
    ref('client', links.client),
    ref('program', links.program),
    status,
    String(progress),
    included === null ? '' : String(included),
    used === null ? '' : String(used),
    formatDate(rng, enrolled),
    status === 'Completed' ? formatDate(rng, enrolled + rng.between(20, 200)) : '',
    info ? formatMoney(rng, cents, info.currency) : '',
    info ? info.currency : '',
    ...stamps(rng, created, updated),
    blankOr(rng, 0.9, () => `${rng.pick(['WELCOME', 'HR', 'SPRING', 'ALUMNI'])}${rng.between(10, 50)}`),
  ];
}

function sessionRow(shape: Shape, rng: ProfiRandom, s: number | null): string[] {
  const links = sessionLinks(shape, s ?? shape.good.session + rng.int(1_000_000));
  const type = links.enrollment === null ? rng.weighted(V.SESSION_TYPES) : rng.weighted<string>([['1:1 Session', 70], ['Group session', 15], ['Follow-up', 10], ['Assessment', 5]]);
  const status = rng.weighted(V.SESSION_STATUSES);
  const location = rng.weighted(V.SESSION_LOCATIONS);
  const [created, updated] = createdUpdated(rng);
  const start = (Math.floor(created / DAY_MS) + rng.between(1, 60)) * DAY_MS + rng.between(28, 76) * 900_000;
  const duration = type === 'Intro call' ? rng.pick([15, 20, 30]) : type === 'Group session' ? rng.pick([90, 120]) : rng.pick([45, 50, 60, 60, 90]);
  const online = location === 'Online';
  const held = status === 'Completed';
  const feeCurrency = links.client < shape.good.client ? clientCurrency(shape, links.client) : 'EUR';
  const standalone = links.program === null && type !== 'Intro call';
  const mood = held && rng.chance(0.4) ? rng.between(2, 8) : null;
  return [
    '',
    `${type === 'Intro call' ? 'Intro call' : rng.pick(V.SESSION_TITLES)}${rng.chance(0.05) ? ' 🙂' : ''}`,
    type,
    ref('client', links.client),
    ref('coach', links.coach),
    links.guestCoach ?? (links.coach !== null && rng.chance(0.7) ? coachInfo(shape, links.coach).email : ''),
    ref('program', links.program),
    links.lostEnrollment ? '' : ref('enrollment', links.enrollment),
    formatTimestamp(rng, start),
    rng.chance(0.04) ? '' : String(duration),
    status,
    location,
    online ? `${rng.pick(V.MEETING_HOSTS)}${rng.digits(10)}` : '',
    online && held && rng.chance(0.35) ? `${rng.pick(V.VIDEO_HOSTS)}${rng.digits(9)}` : '',
    standalone && rng.chance(0.8) ? formatMoney(rng, rng.pick([9000, 12000, 15000, 18000]), feeCurrency) : '',
    standalone ? feeCurrency : '',
    ...stamps(rng, created, updated),
    mood === null ? '' : String(mood),
    mood === null ? '' : String(Math.min(10, mood + rng.between(0, 3))),
    held && rng.chance(0.5) ? [rng.pick(['Leadership', 'Career', 'Stress']), rng.pick(['Conflict', 'Communication', 'Work-life balance'])].join(', ') : '',
  ];
}

function paymentRow(shape: Shape, rng: ProfiRandom): string[] {
  let client: number;
  let enrollment: number | null = null;
  let session: number | null = null;
  let cents: number;
  let description: string;
  const kind = rng.next();
  if (kind < 0.55 && shape.good.enrollment > 0) {
    enrollment = rng.int(shape.good.enrollment);
    const links = enrollmentLinks(shape, enrollment);
    client = links.client;
    const info = links.program === null ? null : programInfo(shape, links.program);
    cents = info ? info.cents : rng.between(50, 2000) * 100;
    const instalments = rng.chance(0.25) ? rng.pick([2, 3, 4]) : 1;
    cents = Math.round(cents / instalments);
    description = `${info ? info.type : 'Program'}${instalments > 1 ? ` – instalment ${rng.between(1, instalments)}/${instalments}` : ''}`;
  } else if (kind < 0.85 && shape.good.session > 0) {
    session = rng.int(shape.good.session);
    client = sessionLinks(shape, session).client;
    cents = rng.pick([9000, 12000, 15000, 18000]);
    description = 'Single session';
  } else {
    client = shape.good.client === 0 || rng.chance(0.02) ? deletedClient(shape, rng) : rng.int(shape.good.client);
    cents = rng.pick([2500, 4900, 9900, 29000]);
    description = rng.pick(['Assessment fee', 'Workbook', 'No-show fee', 'Travel expenses']);
  }
  const currency = rng.chance(0.08) ? 'USD' : clientCurrency(shape, client);
  const status = rng.weighted(V.PAYMENT_STATUSES);
  const refund = status === 'Refunded' && rng.chance(0.5);
  const gross = refund ? -cents : cents;
  const tax = Math.round((gross * V.VAT[currency]) / (100 + V.VAT[currency]));
  const [created, updated] = createdUpdated(rng);
  const invoiced = Math.floor(created / DAY_MS);
  const year = new Date(created).getUTCFullYear();
  return [
    '',
    rng.chance(0.03) ? '' : `${rng.pick(['RE', 'INV', 'RE'])}-${year}-${rng.digits(5)}`,
    ref('client', client),
    ref('enrollment', enrollment),
    ref('session', session),
    description,
    formatMoney(rng, gross, currency),
    blankOr(rng, 0.2, () => formatMoney(rng, tax, currency)),
    rng.chance(0.05) ? '' : currency,
    status,
    rng.weighted(V.PAYMENT_METHODS),
    formatDate(rng, invoiced),
    formatDate(rng, invoiced + rng.pick([7, 14, 14, 30])),
    status === 'Paid' || status === 'Partially paid' || status === 'Refunded' ? formatDate(rng, invoiced + rng.between(0, 40)) : '',
    ...stamps(rng, created, updated),
  ];
}

function noteRow(shape: Shape, rng: ProfiRandom, n: number | null): string[] {
  const links = noteLinks(shape, n ?? shape.good.note + rng.int(1_000_000));
  const paragraphs: string[] = [];
  for (let k = rng.between(1, 3); k > 0; k--) paragraphs.push(rng.pick(V.NOTE_PARAGRAPHS));
  if (n !== null) {
    const [from, to] = attachmentsOfNote(shape, n);
    for (let a = from; a < to; a++) {
      const info = attachmentInfo(shape, a);
      if (!info.embedded) continue;
      const path = attachmentPath(a, info);
      paragraphs.push(
        info.contentType.startsWith('image/')
          ? `<p><img src="${path}" alt="${info.fileName}" width="640"></p>`
          : `<p>Attached: <a href="${path}" data-file-id="${id('attachment', a)}">${info.fileName}</a></p>`,
      );
    }
  }
  const [created, updated] = createdUpdated(rng);
  return [
    '',
    ref('client', links.client),
    ref('session', links.session),
    ref('coach', links.author),
    rng.pick(V.NOTE_TITLES),
    paragraphs.join(rng.chance(0.5) ? '\n' : ''),
    rng.weighted<string>([['Private', 80], ['Shared with client', 20]]),
    blankOr(rng, 0.5, () => bool(rng, rng.chance(0.1))),
    ...stamps(rng, created, updated),
  ];
}

function attachmentRow(shape: Shape, rng: ProfiRandom, a: number | null): string[] {
  const info = attachmentInfo(shape, a ?? shape.good.attachment + rng.int(1_000_000));
  const [created] = createdUpdated(rng);
  return [
    '',
    ref('client', info.client),
    info.embedded ? ref('note', info.slot) : '',
    ref('coach', info.author),
    info.fileName,
    a === null ? `${PROFI_FILES_DIR}/missing/${info.fileName}` : attachmentPath(a, info),
    info.contentType,
    String(info.size),
    formatTimestamp(rng, created),
  ];
}

const BUILDERS: Record<ProfiExportStream, (shape: Shape, rng: ProfiRandom, index: number | null) => string[]> = {
  company: (shape, rng) => companyRow(shape, rng),
  coach: (shape, rng, c) => coachRow(shape, rng, c ?? shape.good.coach + 100 + rng.int(1000)),
  client: clientRow,
  program: programRow,
  enrollment: enrollmentRow,
  session: sessionRow,
  payment: (shape, rng) => paymentRow(shape, rng),
  note: noteRow,
  attachment: attachmentRow,
};

// ---------------------------------------------------------------------------------------------------------
// Malformed rows: one defect each, on one physical line, with the reject a reader must give.

type Defect =
  | { kind: 'blank'; field: string; code: 'MISSING_VALUE' }
  | { kind: 'value'; field: string; values: readonly string[]; code: RejectCode }
  | { kind: 'unclosed-quote' | 'stray-quote'; field: string; code: 'CSV_BAD_QUOTE' }
  | { kind: 'field-count'; code: 'CSV_FIELD_COUNT' };

const BAD_DATES = ['31.02.2024', '2024-13-01', '00.00.0000', '32.01.2023', 'gestern', '2024/02/30'] as const;
const BAD_TIMESTAMPS = ['31.04.2024 10:00', 'morgen 10 Uhr', '2024-06-31T09:00:00+02:00', '24.12.2023 25:10', 'TBD'] as const;
const BAD_AMOUNTS = ['auf Anfrage', '1.250,00,00 €', '12O,00 €', '€€ 90', 'EUR1.2.3', '1,234,56 €'] as const;
const BAD_INTS = ['ca. 50', '1h', '12,5', 'half', 'n.a.', '2 1/2'] as const;
const BAD_BOOLEANS = ['vielleicht', 'maybe', 'Ja?', 'x', 'unknown'] as const;

const DEFECTS: Record<ProfiExportStream, readonly Defect[]> = {
  company: [
    { kind: 'blank', field: 'name', code: 'MISSING_VALUE' },
    { kind: 'value', field: 'employee_count', values: BAD_INTS, code: 'BAD_NUMBER' },
    { kind: 'unclosed-quote', field: 'name', code: 'CSV_BAD_QUOTE' },
    { kind: 'value', field: 'created_at', values: BAD_TIMESTAMPS, code: 'BAD_TIMESTAMP' },
    { kind: 'field-count', code: 'CSV_FIELD_COUNT' },
  ],
  coach: [
    { kind: 'value', field: 'active', values: BAD_BOOLEANS, code: 'BAD_BOOLEAN' },
    { kind: 'blank', field: 'coach_id', code: 'MISSING_VALUE' },
    { kind: 'value', field: 'hourly_rate', values: BAD_AMOUNTS, code: 'BAD_DECIMAL' },
  ],
  client: [
    { kind: 'blank', field: 'client_id', code: 'MISSING_VALUE' },
    { kind: 'value', field: 'date_of_birth', values: BAD_DATES, code: 'BAD_DATE' },
    { kind: 'unclosed-quote', field: 'last_name', code: 'CSV_BAD_QUOTE' },
    { kind: 'value', field: 'newsletter_opt_in', values: BAD_BOOLEANS, code: 'BAD_BOOLEAN' },
    { kind: 'stray-quote', field: 'first_name', code: 'CSV_BAD_QUOTE' },
    { kind: 'field-count', code: 'CSV_FIELD_COUNT' },
    { kind: 'value', field: 'updated_at', values: BAD_TIMESTAMPS, code: 'BAD_TIMESTAMP' },
  ],
  program: [
    { kind: 'value', field: 'price', values: BAD_AMOUNTS, code: 'BAD_DECIMAL' },
    { kind: 'blank', field: 'name', code: 'MISSING_VALUE' },
  ],
  enrollment: [
    { kind: 'value', field: 'progress_percent', values: BAD_INTS, code: 'BAD_NUMBER' },
    { kind: 'value', field: 'enrolled_on', values: BAD_DATES, code: 'BAD_DATE' },
    { kind: 'field-count', code: 'CSV_FIELD_COUNT' },
  ],
  session: [
    { kind: 'value', field: 'starts_at', values: BAD_TIMESTAMPS, code: 'BAD_TIMESTAMP' },
    { kind: 'value', field: 'duration_minutes', values: BAD_INTS, code: 'BAD_NUMBER' },
    { kind: 'stray-quote', field: 'title', code: 'CSV_BAD_QUOTE' },
    { kind: 'blank', field: 'session_id', code: 'MISSING_VALUE' },
  ],
  payment: [
    { kind: 'value', field: 'amount', values: BAD_AMOUNTS, code: 'BAD_DECIMAL' },
    { kind: 'value', field: 'paid_on', values: BAD_DATES, code: 'BAD_DATE' },
    { kind: 'field-count', code: 'CSV_FIELD_COUNT' },
    { kind: 'blank', field: 'payment_id', code: 'MISSING_VALUE' },
  ],
  note: [
    { kind: 'unclosed-quote', field: 'title', code: 'CSV_BAD_QUOTE' },
    { kind: 'value', field: 'pinned', values: BAD_BOOLEANS, code: 'BAD_BOOLEAN' },
    { kind: 'value', field: 'created_at', values: BAD_TIMESTAMPS, code: 'BAD_TIMESTAMP' },
  ],
  attachment: [
    { kind: 'value', field: 'size_bytes', values: ['12 MB', '1,5 KB', '~300000', 'unknown'], code: 'BAD_NUMBER' },
    { kind: 'blank', field: 'file_name', code: 'MISSING_VALUE' },
    { kind: 'field-count', code: 'CSV_FIELD_COUNT' },
  ],
};

function column(stream: ProfiExportStream, field: string): number {
  const i = PROFI_EXPORT_COLUMNS[stream].findIndex(([, f]) => f === field);
  if (i === -1) throw new Error(`Profi sample: ${stream} has no column for ${field}`);
  return i;
}

/** The malformed row's line and, for a `value` defect, the bad value it wrote (a reader may empty it instead). */
function malformedLine(stream: ProfiExportStream, defect: Defect, cells: string[], rng: ProfiRandom): { text: string; value: string | null } {
  const flat = cells.map((c) => c.replace(/[\r\n]+/g, ' '));
  const encoded = flat.map(semicolonCsvField);
  let value: string | null = null;
  switch (defect.kind) {
    case 'blank':
      encoded[column(stream, defect.field)] = '';
      break;
    case 'value':
      encoded[column(stream, defect.field)] = semicolonCsvField((value = rng.pick(defect.values)));
      break;
    case 'unclosed-quote': {
      const at = column(stream, defect.field);
      encoded[at] = `"${flat[at].replace(/["\r\n;]/g, '') || 'Unknown'}`;
      break;
    }
    case 'stray-quote': {
      const at = column(stream, defect.field);
      const text = flat[at].replace(/["\r\n;]/g, '').length > 1 ? flat[at].replace(/["\r\n;]/g, '') : 'Broken';
      const cut = Math.ceil(text.length / 2);
      encoded[at] = `${text.slice(0, cut)}"${text.slice(cut)}`;
      break;
    }
    case 'field-count':
      if (rng.chance(0.5)) encoded.pop();
      else encoded.push(rng.pick(['', 'extra', 'n/a']));
      break;
  }
  return { text: encoded.join(';'), value };
}

// ---------------------------------------------------------------------------------------------------------
// Writing.

class Examples<T> {
  count = 0;
  readonly examples: T[] = [];
  constructor(private readonly keep = 10) {}
  add(example: T): void {
    this.count++;
    if (this.examples.length < this.keep) this.examples.push(example);
  }
  toJSON(): { count: number; examples: T[] } {
    return { count: this.count, examples: this.examples };
  }
}

/** What the sample tells tests and discovery about its deliberate mess. */
interface Mess {
  duplicates: Examples<{ client_id: string; duplicate_of: string; matched_by: string }>;
  orphans: Examples<{ stream: string; id: string; field: string; missing: string }>;
  guestCoachSessions: Examples<{ session_id: string; coach_email: string }>;
  lostEnrollmentLinks: Examples<{ session_id: string; program_id: string }>;
  doubleEnrollments: Examples<{ enrollment_id: string; same_as: string; client_id: string; program_id: string }>;
  largeFiles: Examples<{ attachment_id: string; path: string; size_bytes: number }>;
  files: { written: number; bytes_declared: number };
  owners: Set<string>;
  lossyRows: Record<string, number>;
}

function recordMess(shape: Shape, stream: ProfiExportStream, index: number, cells: string[], mess: Mess): void {
  const rowId = cells[0];
  switch (stream) {
    case 'client': {
      const who = identity(shape, index);
      if (who.duplicateOf !== null) mess.duplicates.add({ client_id: rowId, duplicate_of: id('client', who.duplicateOf), matched_by: who.matchedBy ?? '' });
      mess.owners.add(cells[column('client', 'owner_email')].toLowerCase());
      break;
    }
    case 'company':
      mess.owners.add(cells[column('company', 'owner_email')].toLowerCase());
      break;
    case 'enrollment': {
      const links = enrollmentLinks(shape, index);
      if (links.client >= shape.good.client) mess.orphans.add({ stream, id: rowId, field: 'client_id', missing: id('client', links.client) });
      if (links.again !== null) {
        mess.doubleEnrollments.add({ enrollment_id: rowId, same_as: id('enrollment', links.again), client_id: id('client', links.client), program_id: ref('program', links.program) });
      }
      break;
    }
    case 'session': {
      const links = sessionLinks(shape, index);
      if (links.orphan) mess.orphans.add({ stream, id: rowId, field: 'client_id', missing: id('client', links.client) });
      if (links.guestCoach) mess.guestCoachSessions.add({ session_id: rowId, coach_email: links.guestCoach });
      if (links.lostEnrollment && links.program !== null) mess.lostEnrollmentLinks.add({ session_id: rowId, program_id: id('program', links.program) });
      break;
    }
    case 'payment':
    case 'note': {
      const client = cells[column(stream, 'client_id')];
      if (client && Number(client.slice(3)) > shape.good.client) mess.orphans.add({ stream, id: rowId, field: 'client_id', missing: client });
      break;
    }
    default:
      break;
  }
}

async function writeAttachmentFile(root: string, a: number, info: AttachmentInfo, mess: Mess): Promise<void> {
  const path = join(root, attachmentPath(a, info));
  await mkdir(dirname(path), { recursive: true });
  const head = FILE_HEADS[info.ext] ?? '';
  const body = `${head}${info.fileName} ${id('attachment', a)}\n`;
  if (info.large) {
    // The declared size, without the disk space: the tail is a hole the filesystem reads as zeros.
    await writeFile(path, body, 'latin1');
    await truncate(path, info.size);
    mess.largeFiles.add({ attachment_id: id('attachment', a), path: attachmentPath(a, info), size_bytes: info.size });
  } else {
    const bytes = Buffer.alloc(info.size, `${body}Profi sample file. `, 'latin1');
    await writeFile(path, bytes);
  }
  mess.files.written++;
  mess.files.bytes_declared += info.size;
}

const FILE_HEADS: Record<string, string> = {
  pdf: '%PDF-1.4\n',
  png: '\x89PNG\r\n\x1a\n',
  jpg: '\xff\xd8\xff\xe0',
  docx: 'PK\x03\x04',
  m4a: '\x00\x00\x00\x20ftypM4A ',
  mp4: '\x00\x00\x00\x20ftypisom',
  txt: '',
};

interface FileResult {
  rows: number;
  /** rows a reader must quarantine */
  malformed: SampleManifest['malformed'];
  /** bad values in optional columns, which a reader empties while keeping the row */
  emptied: SampleEmptiedValue[];
}

async function writeExportFile(out: string, stream: ProfiExportStream, shape: Shape, rows: number, mess: Mess): Promise<FileResult> {
  const file = PROFI_EXPORT_FILES[stream];
  const writer = new SampleFileWriter(join(out, file), { eol: '\r\n', encoding: 'windows-1252' });
  let lossyRows = 0;
  const row = (text: string) => {
    if (NOT_CP1252.test(text)) lossyRows++;
    return writer.row(text);
  };
  const good = shape.good[stream];
  const malformed: SampleManifest['malformed'] = [];
  const emptied: SampleEmptiedValue[] = [];
  const schema = loadRecordSchema('profi', stream);
  const build = BUILDERS[stream];
  const defects = DEFECTS[stream];
  try {
    await row(profiSampleHeader(stream).map(semicolonCsvField).join(';'));
    await writeWithMalformed(
      good,
      spreadAtStride(good, rows - good),
      async (i) => {
        const cells = build(shape, ProfiRandom.of(shape.seed, T[stream], i), i);
        cells[0] = id(stream, i);
        recordMess(shape, stream, i, cells, mess);
        await row(cells.map(semicolonCsvField).join(';'));
        if (stream === 'attachment') await writeAttachmentFile(out, i, attachmentInfo(shape, i), mess);
      },
      async (m) => {
        const rng = ProfiRandom.of(shape.seed, T.malformed + Object.keys(PREFIX).indexOf(stream), m);
        const defect = defects[m % defects.length];
        const badCells = build(shape, rng, null);
        badCells[0] = malformedId(stream, m);
        const line = writer.line;
        const { text, value } = malformedLine(stream, defect, badCells, rng);
        if (defect.kind === 'value' && value !== null) {
          const outcome = badValueOutcome(schema, defect.field, value, defect.code);
          if ('reject' in outcome) malformed.push({ stream, file, line, code: outcome.reject });
          // 'read' (a flag a lenient reader takes) never comes up: none of the sample's bad flags is Y or N
          else if ('empty' in outcome) emptied.push({ stream, file, line, field: defect.field, code: outcome.empty });
        } else malformed.push({ stream, file, line, code: defect.code });
        await row(text);
      },
    );
    await writer.end();
  } catch (err) {
    writer.destroy();
    throw err;
  }
  mess.lossyRows[stream] = lossyRows;
  return { rows, malformed, emptied };
}

async function writeNdjson(path: string, records: Iterable<Record<string, unknown>>): Promise<number> {
  let text = '';
  let n = 0;
  for (const r of records) {
    text += `${JSON.stringify(r)}\n`;
    n++;
  }
  await writeFile(path, text, 'utf8');
  return n;
}

function* customFieldRecords(shape: Shape, count: number): Generator<Record<string, unknown>> {
  for (let i = 0; i < count; i++) {
    const rng = ProfiRandom.of(shape.seed, T.customField, i);
    const [stream, label, type, options] = V.CUSTOM_FIELDS[i];
    const [created, updated] = createdUpdated(rng);
    yield {
      field_id: `CF-${String(i + 1).padStart(4, '0')}`,
      object: stream,
      label,
      api_name: `cf_${slug(label.replace(/\(.*\)/, ''))}`,
      field_type: type,
      options: [...options],
      required: false,
      created_at: created,
      updated_at: updated,
      custom: {},
    };
  }
}

function* reminderRecords(shape: Shape, count: number): Generator<Record<string, unknown>> {
  for (let i = 0; i < count; i++) {
    const rng = ProfiRandom.of(shape.seed, T.reminderSequence, i);
    const [name, event, sessionType, steps] = V.REMINDER_SEQUENCES[i];
    const [created, updated] = createdUpdated(rng);
    const scoped = event.startsWith('enrollment.') && shape.good.program > 0 && rng.chance(0.5);
    yield {
      sequence_id: `RS-${String(i + 1).padStart(4, '0')}`,
      name,
      active: !rng.chance(0.2),
      trigger_event: event,
      session_type: sessionType,
      program_id: scoped ? id('program', rng.int(shape.good.program)) : null,
      steps: steps.map(([offset, channel, recipient, template, subject], position) => ({
        position: position + 1,
        offset_minutes: offset,
        channel,
        recipient,
        template,
        subject,
      })),
      created_by: shape.good.coach ? id('coach', rng.int(Math.min(shape.good.coach, DEMO_COACHES.length))) : null,
      created_at: created,
      updated_at: updated,
      custom: {},
    };
  }
}

export interface ProfiSampleTuning {
  /** one row in this many is malformed (0: none); default 150 */
  malformedEvery?: number;
}

const DEFAULT_MALFORMED_EVERY = 150;

/** Malformed rows per file: one in `every` rows, and at least one in every file of three rows or more. */
function malformedCount(rows: number, every: number): number {
  if (rows < 3 || every === 0) return 0;
  return Math.min(Math.max(1, Math.floor(rows / every)), Math.floor(rows / 3));
}

/**
 * Writes a Profi export drop into `out`: one semicolon-separated, Windows-1252, CRLF file per object with
 * `records` rows in all (a few of them malformed on purpose), the uploaded files under `files/`, and the
 * API-only streams as NDJSON under `api-only/`. Same seed and size, same bytes; memory stays flat at any size.
 */
export async function generateProfiSample(options: SampleOptions, tuning: ProfiSampleTuning = {}): Promise<SampleManifest> {
  if (options.format !== undefined && options.format !== 'csv') {
    throw new RangeError(`Profi exports are CSV only; format "${options.format}" is not something Profi writes`);
  }
  const every = tuning.malformedEvery ?? DEFAULT_MALFORMED_EVERY;
  if (!Number.isInteger(every) || every < 0 || every === 1 || every === 2) {
    throw new RangeError(`Profi sample: malformedEvery must be 0 (none) or a whole number of at least 3, got ${every}`);
  }
  const counts = profiSampleCounts(options.records);
  const good = {} as Good;
  for (const s of Object.keys(PREFIX) as ProfiExportStream[]) good[s] = counts[s] - malformedCount(counts[s], every);
  const shape: Shape = { seed: seedOf(options.seed), good };
  await mkdir(join(options.out, API_ONLY_DIR), { recursive: true });
  await mkdir(join(options.out, PROFI_FILES_DIR), { recursive: true });
  const mess: Mess = {
    duplicates: new Examples(),
    orphans: new Examples(20),
    guestCoachSessions: new Examples(),
    lostEnrollmentLinks: new Examples(),
    doubleEnrollments: new Examples(),
    largeFiles: new Examples(50),
    files: { written: 0, bytes_declared: 0 },
    owners: new Set(),
    lossyRows: {},
  };
  const malformed: SampleManifest['malformed'] = [];
  const emptied: SampleEmptiedValue[] = [];
  for (const stream of PROFI_SAMPLE_STREAMS) {
    if (stream === 'custom_field' || stream === 'reminder_sequence') continue;
    const result = await writeExportFile(options.out, stream, shape, counts[stream], mess);
    malformed.push(...result.malformed);
    emptied.push(...result.emptied);
  }
  await writeNdjson(join(options.out, API_ONLY_DIR, 'custom_field.ndjson'), customFieldRecords(shape, counts.custom_field));
  await writeNdjson(join(options.out, API_ONLY_DIR, 'reminder_sequence.ndjson'), reminderRecords(shape, counts.reminder_sequence));

  const coachEmails = Array.from({ length: good.coach }, (_, c) => coachInfo(shape, c));
  const demoEmails = new Set(DEMO_USERS.map((u) => u.internalemailaddress.toLowerCase()));
  const notes = {
    encoding: 'windows-1252',
    delimiter: ';',
    line_end: 'CRLF',
    custom_columns: CUSTOM_COLUMNS,
    rows_with_characters_lost_to_cp1252: mess.lossyRows,
    duplicate_clients: mess.duplicates.toJSON(),
    orphans: mess.orphans.toJSON(),
    guest_coach_sessions: mess.guestCoachSessions.toJSON(),
    sessions_without_their_enrollment: mess.lostEnrollmentLinks.toJSON(),
    double_enrollments: mess.doubleEnrollments.toJSON(),
    large_files: mess.largeFiles.toJSON(),
    files: mess.files,
    inactive_team_members: coachEmails.filter((c) => !c.active).slice(0, 50).map((c) => c.email),
    owners_matching_demo_users: [...mess.owners].filter((e) => demoEmails.has(e)).sort(),
    owners_who_were_never_users: [...mess.owners].filter((e) => V.NEVER_USERS.includes(e as (typeof V.NEVER_USERS)[number])).sort(),
  };
  return sampleManifest('profi', options.seed, counts, malformed, notes, emptied);
}
