import { csvField, type RejectCode } from '@ferry/connectors/core';
import type { Leaf360CsvStream, Leaf360FieldKind } from '../leaf360.records';
import { LEAF360_FIELDS } from '../leaf360.records';
import {
  DAY,
  FIRST_CREATED,
  LAST_CREATED,
  OFFICER_WEIGHTS,
  asciiSlug,
  companyId,
  contactCompany,
  contactOwner,
  contactStatus,
  dealId,
  contactId,
  formatPhone,
  phone,
  type Person,
  type SamplePlan,
} from './leaf360-sample.plan';
import { SampleRandom } from './leaf360-sample.random';
import * as V from './leaf360-sample.vocabulary';

/**
 * The CSV side of the sample: every file's header (the schema's columns plus the vertical custom columns a
 * mortgage shop adds), how values are spelled (mixed date formats and zones, money with and without $ and
 * grouping), and the one way each malformed row is broken.
 */

export const LEAF360_SAMPLE_HEADERS: Readonly<Record<Leaf360CsvStream, readonly string[]>> = {
  user: ['user_id', 'email', 'first_name', 'last_name', 'role', 'active', 'deactivated_at', 'created_at', 'updated_at', 'phone', 'branch'],
  company: [
    'company_id', 'name', 'domain', 'phone', 'industry', 'nmls_id', 'property_address', 'city', 'state', 'zip',
    'parent_company_id', 'created_at', 'updated_at', 'annual_volume', 'license_states',
  ],
  contact: [
    'contact_id', 'first_name', 'last_name', 'email', 'phone', 'job_title', 'company_id', 'loan_officer',
    'loan_status', 'referral_source', 'notes', 'created_at', 'updated_at', 'credit_score', 'first_time_buyer',
    'preferred_language', 'annual_income',
  ],
  deal: [
    'deal_id', 'dealname', 'loan_amount', 'closedate', 'loan_type', 'preapproval_date', 'pipeline', 'dealstage',
    'company_id', 'contact_id', 'loan_officer', 'referral_source', 'created_at', 'updated_at', 'interest_rate',
    'ltv_ratio', 'lock_expiration', 'property_type', 'occupancy', 'loan_number',
  ],
  pipeline: ['pipeline_id', 'label', 'display_order', 'active', 'created_at', 'updated_at'],
  pipeline_stage: ['stage_id', 'pipeline_id', 'label', 'display_order', 'probability', 'is_closed', 'created_at', 'updated_at', 'required_documents'],
  deal_stage_history: ['history_id', 'deal_id', 'pipeline', 'stage', 'entered_at', 'exited_at', 'changed_by'],
  engagement: [
    'engagement_id', 'type', 'subject', 'body', 'occurred_at', 'duration_seconds', 'direction', 'contact_id',
    'company_id', 'deal_id', 'owner_email', 'created_at', 'updated_at', 'outcome', 'location',
  ],
  attachment: [
    'attachment_id', 'file_name', 'size_bytes', 'mime_type', 'path', 'contact_id', 'company_id', 'deal_id',
    'uploaded_by', 'created_at', 'updated_at', 'document_type',
  ],
  referral: ['referral_id', 'partner_contact_id', 'partner_company_id', 'contact_id', 'deal_id', 'label', 'created_at', 'updated_at', 'source_detail'],
};

/** Columns a file has beyond its schema: they land in the record's custom map. */
export function customColumns(stream: Leaf360CsvStream): string[] {
  const known = new Set<string>(LEAF360_FIELDS[stream].map((f) => f.name));
  return LEAF360_SAMPLE_HEADERS[stream].filter((h) => !known.has(h));
}

export function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatTimestamp(rng: SampleRandom, ms: number): string {
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

export function formatDate(rng: SampleRandom, days: number): string {
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

export function formatMoney(rng: SampleRandom, cents: number): string {
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

function formatBoolean(rng: SampleRandom, v: boolean): string {
  return rng.pick(v ? ['true', 'true', 'TRUE', 'Yes', '1'] : ['false', 'false', 'FALSE', 'No', '0']);
}

export function randomCreated(rng: SampleRandom): number {
  return FIRST_CREATED + rng.int(LAST_CREATED - FIRST_CREATED);
}

function timestamps(rng: SampleRandom, created = randomCreated(rng)): [string, string] {
  const updated = Math.min(LAST_CREATED + 90 * DAY, created + rng.int(400 * DAY));
  return [formatTimestamp(rng, created), rng.chance(0.05) ? '' : formatTimestamp(rng, updated)];
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

// ---------------------------------------------------------------------------------------------------------
// One builder per stream. A builder gets the row's own random stream and its index (null for a malformed
// row, which may point anywhere) and returns the values in header order, the id left blank.

export function userRow(rng: SampleRandom, u: (typeof V.USERS)[number]): string[] {
  const created = FIRST_CREATED - rng.int(400) * DAY;
  const deactivated = u.active ? '' : formatTimestamp(rng, LAST_CREATED - rng.between(30, 700) * DAY);
  return [
    '',
    u.email,
    u.first ?? '',
    u.last ?? '',
    u.role,
    formatBoolean(rng, u.active),
    deactivated,
    formatTimestamp(rng, created),
    formatTimestamp(rng, created + rng.int(900) * DAY),
    rng.chance(0.3) ? '' : phone(rng, rng.pick(V.CITIES)[3]),
    u.branch ?? '',
  ];
}

export function companyRow(rng: SampleRandom, parent: string | null): string[] {
  const name = companyName(rng);
  const [city, state, zip3, area] = rng.pick(V.CITIES);
  const zip = `${zip3}${rng.digits(2)}${rng.chance(0.05) ? `-${rng.digits(4)}` : ''}`;
  const [created, updated] = timestamps(rng);
  return [
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
    parent ?? '',
    created,
    updated,
    rng.chance(0.6) ? '' : rng.pick([`$${rng.between(2, 90)}.${rng.int(10)}M`, `${rng.between(2, 90)} million`, String(rng.between(2, 90) * 1_000_000)]),
    rng.chance(0.5) ? state : rng.chance(0.5) ? `${state}, ${rng.pick(V.CITIES)[1]}` : '',
  ];
}

/** A second entry for the same person: the name spelled another way, the email or the phone kept. */
export function duplicateSpelling(rng: SampleRandom, original: Person, on: 'email' | 'phone'): Person {
  let { first, last } = original;
  const plainFirst = first.replace(/ .*$/, '');
  switch (rng.int(6)) {
    case 0:
      first = first.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      last = last.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      if (first === original.first && last === original.last) last = last.toUpperCase();
      break;
    case 1:
      first = V.NICKNAMES[plainFirst] ?? `${plainFirst[0]}.`;
      break;
    case 2:
      last = last.toUpperCase();
      break;
    case 3:
      [first, last] = [last, first];
      break;
    case 4:
      last = last.length > 3 ? `${last.slice(0, 1)}${last.slice(2, 3)}${last.slice(1, 2)}${last.slice(3)}` : `${last}${last.slice(-1)}`;
      break;
    default:
      first = first.toLowerCase();
      last = `${last.toLowerCase()} `;
  }
  // Some spellings change nothing on some names (an accent-free name, "Moore" transposed): swap them instead.
  if (first.trim() === original.first && last.trim() === original.last) [first, last] = [last, `${first} `];
  let email = original.email;
  let phoneText = original.phone;
  if (on === 'email') {
    email = rng.chance(0.5) ? email.toLowerCase() : email.toUpperCase();
    phoneText = rng.chance(0.5) ? '' : phone(rng, rng.pick(V.CITIES)[3]);
  } else {
    const digits = phoneText.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
    phoneText = formatPhone(rng.int(4), digits.slice(0, 3), digits.slice(3, 6), digits.slice(6));
    email = rng.chance(0.5) ? '' : `${original.handle || 'client'}.${rng.digits(2)}@${rng.pick(V.PERSONAL_MAIL_DOMAINS)}`;
  }
  return { ...original, first, last, email, phone: phoneText };
}

export function contactRow(plan: SamplePlan, rng: SampleRandom, j: number | null, person: Person): { fields: string[]; owner: string | null } {
  const companies = plan.good.company;
  const company = j === null ? (companies ? rng.int(companies) : null) : contactCompany(plan, j);
  const owner = j === null ? rng.weighted(OFFICER_WEIGHTS) : contactOwner(plan, j);
  const status = j === null ? rng.weighted(V.LOAN_STATUSES) : contactStatus(plan, j);
  const referral = status === 'Referral Partner' ? 'Partner' : rng.weighted(V.REFERRAL_SOURCES);
  const noteKind = rng.int(100);
  const notes = noteKind < 65 ? '' : noteKind < 97 || j === null ? rng.pick(V.NOTES) : rng.pick(V.MULTILINE_NOTES);
  const [created, updated] = timestamps(rng);
  const borrower = status !== 'Referral Partner';
  return {
    owner,
    fields: [
      '',
      rng.chance(0.02) ? '' : person.first,
      rng.chance(0.01) ? '' : person.last,
      person.email,
      person.phone,
      rng.chance(0.1) ? '' : borrower ? rng.pick(V.JOB_TITLES) : rng.pick(['Realtor', 'Listing Agent', "Buyer's Agent", 'Financial Advisor']),
      company === null ? '' : companyId(company),
      owner ?? '',
      status,
      referral,
      notes,
      created,
      updated,
      !borrower || rng.chance(0.4) ? '' : rng.chance(0.9) ? String(rng.between(580, 830)) : rng.pick(['700-719', '740+', 'unknown']),
      !borrower || rng.chance(0.3) ? '' : rng.pick(['Y', 'N', 'yes', 'no', 'TRUE']),
      rng.pick(V.PREFERRED_LANGUAGES),
      !borrower || rng.chance(0.5) ? '' : rng.pick([`$${rng.between(40, 400)},000`, `${rng.between(40, 400)}000`, `${rng.between(40, 400)}k`]),
    ],
  };
}

export interface DealRowFacts {
  contact: string | null;
  company: string | null;
  owner: string | null;
  stage: string;
  created: number;
  /** when the deal last changed stage, if it did */
  lastStageChange: number;
}

export function dealRow(rng: SampleRandom, f: DealRowFacts): string[] {
  const purpose = rng.pick(V.LOAN_PURPOSES);
  const who = rng.chance(0.12) ? rng.pick(V.NON_LATIN_NAMES)[1] : rng.pick(V.LAST_NAMES);
  const dealname = rng.pick([`${who} - ${purpose}`, `${who} – ${streetAddress(rng)} ${purpose}`, `${streetAddress(rng)} (${purpose})`]);
  const amountKind = rng.weighted<number>([[0, 70], [1, 20], [2, 10]]);
  const raw = rng.between(60_000, 1_600_000);
  const cents = amountKind === 0 ? Math.round(raw / 1000) * 100_000 : amountKind === 1 ? Math.round(raw / 50) * 5000 : raw * 100 + rng.int(100);
  const preapproval = Math.floor(f.created / DAY) + rng.int(10);
  const close = preapproval + rng.between(20, 120);
  const updated = Math.max(f.lastStageChange, f.created + rng.int(30 * DAY));
  const year = new Date(f.created).getUTCFullYear();
  return [
    '',
    dealname,
    rng.chance(0.05) ? '' : formatMoney(rng, cents),
    rng.chance(0.15) ? '' : formatDate(rng, close),
    rng.weighted(V.LOAN_TYPES),
    rng.chance(0.2) ? '' : formatDate(rng, preapproval),
    'Mortgage',
    f.stage,
    f.company ?? '',
    f.contact ?? '',
    f.owner ?? '',
    rng.weighted(V.REFERRAL_SOURCES),
    formatTimestamp(rng, f.created),
    rng.chance(0.05) ? '' : formatTimestamp(rng, updated),
    rng.chance(0.3) ? '' : rng.pick([`${rng.between(5, 8)}.${rng.pick(['0', '125', '25', '375', '5', '625', '75', '875'])}`, `${rng.between(5, 8)}.${rng.pick(['25', '5', '875'])}%`]),
    rng.chance(0.4) ? '' : rng.pick([`${rng.between(50, 97)}`, `${rng.between(50, 97)}%`, `0.${rng.between(50, 97)}`]),
    rng.chance(0.5) ? '' : formatDate(rng, preapproval + rng.between(30, 60)),
    rng.chance(0.2) ? '' : rng.pick(V.PROPERTY_TYPES),
    rng.chance(0.2) ? '' : rng.pick(V.OCCUPANCIES),
    rng.chance(0.1) ? '' : `LN-${year}-${rng.digits(6)}`,
  ];
}

export function pipelineRow(rng: SampleRandom, index: number): string[] {
  const p = V.PIPELINES[index];
  const created = FIRST_CREATED - rng.between(10, 300) * DAY;
  return [p.id, p.label, String(index + 1), formatBoolean(rng, p.active), formatTimestamp(rng, created), formatTimestamp(rng, created + rng.int(1500) * DAY)];
}

export function pipelineStageRow(rng: SampleRandom, pipeline: number, stage: number): string[] {
  const p = V.PIPELINES[pipeline];
  const s = p.stages[stage];
  const created = FIRST_CREATED - rng.between(10, 300) * DAY;
  return [
    s.id,
    p.id,
    s.label,
    String(stage + 1),
    String(s.probability),
    formatBoolean(rng, s.closed),
    formatTimestamp(rng, created),
    rng.chance(0.3) ? '' : formatTimestamp(rng, created + rng.int(1500) * DAY),
    V.STAGE_DOCUMENTS[Math.min(stage, V.STAGE_DOCUMENTS.length - 1)],
  ];
}

/** An instant to the second in any of the export's spellings except a bare date: stage times must agree to the second. */
function formatInstant(rng: SampleRandom, ms: number): string {
  for (;;) {
    const text = formatTimestamp(rng, ms);
    if (!/^\d\d\/\d\d\/\d{4}$/.test(text)) return text;
  }
}

export function historyRow(rng: SampleRandom, deal: string, stage: string, entered: number, exited: number | null, by: string | null): string[] {
  return ['', deal, rng.chance(0.02) ? '' : 'Mortgage', stage, formatInstant(rng, entered), exited === null ? '' : formatInstant(rng, exited), by ?? ''];
}

export interface EngagementRowFacts {
  contact: string | null;
  company: string | null;
  deal: string | null;
  owner: string | null;
  /** the contact's first name, for the body */
  first: string;
}

export function engagementRow(rng: SampleRandom, f: EngagementRowFacts): string[] {
  const type = rng.weighted(V.ENGAGEMENT_TYPES);
  const spelled = rng.chance(0.05) ? rng.pick(V.ENGAGEMENT_TYPE_SPELLINGS[type]) : type;
  const occurred = randomCreated(rng);
  const body = rng.chance(0.08) ? '' : rng.pick(V.ENGAGEMENT_BODIES).replace(/\{first\}/g, f.first || 'there');
  let subject = '';
  let duration = '';
  let direction = '';
  let outcome = '';
  let location = '';
  switch (type) {
    case 'call':
      subject = rng.pick(V.CALL_SUBJECTS);
      duration = rng.chance(0.1) ? '' : String(rng.between(20, 1800));
      direction = rng.pick(['outbound', 'outbound', 'inbound', 'Outbound']);
      outcome = rng.pick(V.CALL_OUTCOMES);
      break;
    case 'email':
      subject = rng.pick(V.EMAIL_SUBJECTS);
      direction = rng.pick(['outbound', 'inbound']);
      break;
    case 'meeting':
      subject = rng.pick(V.MEETING_SUBJECTS);
      duration = String(rng.pick([900, 1800, 2700, 3600, 5400]));
      location = rng.pick(V.MEETING_LOCATIONS);
      break;
    default:
      subject = rng.pick(V.NOTE_SUBJECTS) ?? '';
  }
  const [created, updated] = timestamps(rng, occurred + rng.int(600_000));
  return [
    '',
    spelled,
    subject,
    body,
    formatTimestamp(rng, occurred),
    duration,
    direction,
    f.contact ?? '',
    f.company ?? '',
    f.deal ?? '',
    f.owner ?? '',
    created,
    updated,
    outcome,
    location,
  ];
}

export interface AttachmentRowFacts {
  id: string;
  parent: { field: 'contact_id' | 'company_id' | 'deal_id'; id: string };
  owner: string | null;
  size: number;
  fileName: string;
  mime: string;
  path: string;
  documentType: string;
}

export function attachmentRow(rng: SampleRandom, f: AttachmentRowFacts): string[] {
  const [created, updated] = timestamps(rng);
  return [
    '',
    f.fileName,
    String(f.size),
    f.mime,
    f.path,
    f.parent.field === 'contact_id' ? f.parent.id : '',
    f.parent.field === 'company_id' ? f.parent.id : '',
    f.parent.field === 'deal_id' ? f.parent.id : '',
    f.owner ?? '',
    created,
    updated,
    f.documentType,
  ];
}

export interface ReferralRowFacts {
  partnerContact: string | null;
  partnerCompany: string | null;
  contact: string | null;
  deal: string | null;
}

export function referralRow(rng: SampleRandom, f: ReferralRowFacts): string[] {
  const [created, updated] = timestamps(rng);
  return [
    '',
    f.partnerContact ?? '',
    f.partnerCompany ?? '',
    f.contact ?? '',
    f.deal ?? '',
    rng.weighted(V.REFERRAL_LABELS),
    created,
    updated,
    rng.chance(0.6) ? '' : rng.pick(['Met at open house', 'Co-op agreement 2023', 'Sends 2-3 buyers a month', 'Builder preferred lender']),
  ];
}

/** A malformed row's random stand-in facts: it points anywhere, and nothing points at it. */
export function anyId(plan: SamplePlan, rng: SampleRandom, stream: 'company' | 'contact' | 'deal'): string | null {
  const n = plan.good[stream];
  if (n === 0) return null;
  const i = rng.int(n);
  return stream === 'company' ? companyId(i) : stream === 'contact' ? contactId(i) : dealId(i);
}

// ---------------------------------------------------------------------------------------------------------
// Malformed rows.

export type Leaf360SampleDefect =
  | 'unclosed-quote'
  | 'stray-quote'
  | 'missing-value'
  | 'field-count'
  | 'bad-date'
  | 'bad-timestamp'
  | 'bad-decimal'
  | 'bad-number'
  | 'bad-boolean';

/** Each file's defects, taken in turn; the first is the one a small file's single malformed row gets. */
export const DEFECTS: Readonly<Record<Leaf360CsvStream, readonly Leaf360SampleDefect[]>> = {
  user: ['bad-boolean', 'missing-value', 'stray-quote', 'bad-timestamp', 'field-count', 'unclosed-quote'],
  company: ['unclosed-quote', 'missing-value', 'bad-timestamp', 'field-count', 'stray-quote'],
  contact: ['missing-value', 'unclosed-quote', 'field-count', 'bad-timestamp', 'stray-quote'],
  deal: ['bad-decimal', 'field-count', 'unclosed-quote', 'bad-date', 'missing-value', 'stray-quote'],
  pipeline: ['bad-number', 'missing-value', 'bad-boolean'],
  pipeline_stage: ['bad-number', 'bad-boolean', 'missing-value', 'field-count'],
  deal_stage_history: ['bad-timestamp', 'missing-value', 'unclosed-quote', 'field-count', 'stray-quote'],
  engagement: ['unclosed-quote', 'bad-number', 'bad-timestamp', 'missing-value', 'stray-quote', 'field-count'],
  attachment: ['bad-number', 'missing-value', 'field-count', 'unclosed-quote', 'bad-timestamp', 'stray-quote'],
  referral: ['missing-value', 'bad-timestamp', 'stray-quote', 'field-count', 'unclosed-quote'],
};

const DEFECT_KIND: Partial<Record<Leaf360SampleDefect, Leaf360FieldKind[]>> = {
  'bad-date': ['date'],
  'bad-timestamp': ['timestamp'],
  'bad-decimal': ['decimal'],
  'bad-number': ['integer', 'long'],
  'bad-boolean': ['boolean'],
};

export const DEFECT_CODES: Readonly<Record<Leaf360SampleDefect, RejectCode>> = {
  'unclosed-quote': 'CSV_BAD_QUOTE',
  'stray-quote': 'CSV_BAD_QUOTE',
  'missing-value': 'MISSING_VALUE',
  'field-count': 'CSV_FIELD_COUNT',
  'bad-date': 'BAD_DATE',
  'bad-timestamp': 'BAD_TIMESTAMP',
  'bad-decimal': 'BAD_DECIMAL',
  'bad-number': 'BAD_NUMBER',
  'bad-boolean': 'BAD_BOOLEAN',
};

/** The column a defect spoils: a required one, a free-text one for quotes, or the first of the right kind. */
export function defectColumn(stream: Leaf360CsvStream, defect: Exclude<Leaf360SampleDefect, 'field-count'>): number {
  const header = LEAF360_SAMPLE_HEADERS[stream];
  const fields = LEAF360_FIELDS[stream] as readonly { name: string; required: boolean; kind: Leaf360FieldKind }[];
  if (defect === 'missing-value') {
    // The first required column after the id, or the id itself.
    const f = fields.slice(1).find((x) => x.required) ?? fields[0];
    return header.indexOf(f.name);
  }
  if (defect === 'unclosed-quote' || defect === 'stray-quote') {
    const text = QUOTE_COLUMNS[stream];
    return header.indexOf(text);
  }
  const kinds = DEFECT_KIND[defect];
  const f = kinds ? fields.find((x) => kinds.includes(x.kind)) : undefined;
  if (!f) throw new Error(`sample: ${stream} has no column a ${defect} defect can spoil`);
  return header.indexOf(f.name);
}

const QUOTE_COLUMNS: Readonly<Record<Leaf360CsvStream, string>> = {
  user: 'first_name',
  company: 'name',
  contact: 'last_name',
  deal: 'dealname',
  pipeline: 'label',
  pipeline_stage: 'label',
  deal_stage_history: 'stage',
  engagement: 'subject',
  attachment: 'file_name',
  referral: 'label',
};

// Each refused by the core's value parser, which reads a lot (day-first slashes, epoch seconds, 1.234,50).
const BAD_DATES = ['31/31/2024', '2024-02-30', '32/01/2024', 'yesterday', '2024-13-01', '17000000', 'N/A', '2023-06-31T10:00:00Z'];
const BAD_AMOUNTS = ['35O,000', '$1,23,456', '350000.505', 'TBD', '1.2.3', '12k'];
const BAD_NUMBERS = ['twelve', '3.5', '1e3', '12 min', 'N/A', '--', '1,5'];
const BAD_BOOLEANS = ['maybe', 'Active?', 'TRUE1', 'si', '2', 'unknown'];

/**
 * A malformed row's text, broken in exactly one way and never spanning lines, and the bad value it holds (null
 * when the defect is the row's shape or a blank): whether a reader quarantines the row or empties the value
 * depends on it.
 */
export function malformedText(stream: Leaf360CsvStream, defect: Leaf360SampleDefect, fields: string[], rng: SampleRandom): { text: string; value: string | null } {
  const clean = fields.map((f) => f.replace(/[\r\n]+/g, ' '));
  const encoded = clean.map(csvField);
  const col = defect === 'field-count' ? 0 : defectColumn(stream, defect);
  const plainText = clean[col].replace(/[",]/g, '') || 'Broken';
  let value: string | null = null;
  switch (defect) {
    case 'unclosed-quote':
      encoded[col] = `"${plainText}`;
      break;
    case 'stray-quote': {
      // Never right before a delimiter: a quote there could close an earlier unclosed quote cleanly.
      const text = plainText.length > 1 ? plainText : 'Broken';
      const at = text.indexOf(' ') > 0 ? text.indexOf(' ') + 1 : Math.ceil(text.length / 2);
      encoded[col] = `${text.slice(0, at)}"${text.slice(at)}`;
      break;
    }
    case 'missing-value':
      encoded[col] = rng.pick(['', ' ', '   ']);
      break;
    case 'bad-date':
    case 'bad-timestamp':
      encoded[col] = value = rng.pick(BAD_DATES);
      break;
    case 'bad-decimal':
      encoded[col] = csvField((value = rng.pick(BAD_AMOUNTS)));
      break;
    case 'bad-number':
      encoded[col] = csvField((value = rng.pick(BAD_NUMBERS)));
      break;
    case 'bad-boolean':
      encoded[col] = value = rng.pick(BAD_BOOLEANS);
      break;
    case 'field-count':
      if (rng.chance(0.5)) encoded.pop();
      else encoded.push(rng.pick(['extra', '', 'N/A']));
      break;
  }
  return { text: encoded.join(','), value };
}
