import { shareOut } from '@ferry/connectors/core';
import { DEMO_USERS } from '@ferry/demo';
import { PLANPORTS_SHEETS, PLANPORTS_STREAM_NAMES, planportsStream } from '../planports.catalog';
import { Rng } from './planports-sample.random';
import * as V from './planports-sample.vocabulary';

/**
 * The sample's world: every record of every Planports object as typed values (epoch millis, days, money as
 * decimal text), computed from (seed, stream, index) alone. The generator renders these into messy export
 * cells; tests rebuild them to check what a reader produced.
 */

export type Typed = Record<string, unknown>;

export interface BuiltRecord {
  record: Typed;
  /** values of the export's extra columns (vertical and user-defined fields), by header label; '' for blank */
  extra: Record<string, string>;
  /** what is deliberately wrong with the record, for the manifest's notes */
  marks?: string[];
}

/** Extra (custom) columns each exported object carries after its catalog headers. */
export const EXTRA_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  contact: ['Referral Source', 'Clinic ID', 'Agent', 'Channel Attribution', 'Preferred Contact Time'],
  lead: ['Treatment Interest', 'Budget', 'Property Type'],
  deal: ['Treatment Package', 'Clinic ID', 'Referral Source', 'Property ID', 'Viewing Schedule', 'Agent', 'Campaign ID', 'Ad Spend', 'Channel Attribution'],
};

/** The custom field definitions (the Custom Fields sheet), one per extra column, in that order. */
const CUSTOM_FIELD_DEFS: readonly (readonly [object: string, label: string, type: string, vertical: string, options: string | null])[] = [
  ['contact', 'Referral Source', 'select', 'health_tourism', V.REFERRAL_SOURCES.join(';')],
  ['contact', 'Clinic ID', 'text', 'health_tourism', null],
  ['contact', 'Agent', 'text', 'real_estate', null],
  ['contact', 'Channel Attribution', 'text', 'digital_agency', null],
  ['contact', 'Preferred Contact Time', 'select', 'general', 'Morning;Afternoon;Evening;WhatsApp only'],
  ['lead', 'Treatment Interest', 'select', 'health_tourism', V.TREATMENT_PACKAGES.join(';')],
  ['lead', 'Budget', 'currency', 'general', null],
  ['lead', 'Property Type', 'select', 'real_estate', 'Villa;Apartment;Office;Land'],
  ['deal', 'Treatment Package', 'select', 'health_tourism', V.TREATMENT_PACKAGES.join(';')],
  ['deal', 'Clinic ID', 'text', 'health_tourism', null],
  ['deal', 'Referral Source', 'select', 'health_tourism', V.REFERRAL_SOURCES.join(';')],
  ['deal', 'Property ID', 'text', 'real_estate', null],
  ['deal', 'Viewing Schedule', 'text', 'real_estate', null],
  ['deal', 'Agent', 'text', 'real_estate', null],
  ['deal', 'Campaign ID', 'text', 'digital_agency', null],
  ['deal', 'Ad Spend', 'currency', 'digital_agency', null],
  ['deal', 'Channel Attribution', 'text', 'digital_agency', null],
];

export const ID_PREFIX: Readonly<Record<string, string>> = {
  user: 'usr', pipeline: 'pl', pipeline_stage: 'stg', product: 'prd', custom_field: 'cf', contact: 'ct',
  whatsapp_conversation: 'wac', lead: 'ld', deal: 'dl', deal_stage_history: 'dsh', quote: 'qt', quote_line_item: 'qli',
  order: 'ord', order_line_item: 'oli', activity: 'act', activity_attendee: 'att', process_board: 'brd',
  board_column: 'col', board_card: 'crd', note: 'nt', board_automation_rule: 'rule', workflow_automation: 'wf', attachment: 'file',
};

export const idOf = (stream: string, index: number) => `${ID_PREFIX[stream]}_${String(index + 1).padStart(6, '0')}`;
/** Ids of rows that will never exist: parents deleted before the export. */
const goneId = (stream: string, count: number, rng: Rng) => idOf(stream, count + 1 + rng.int(90_000));

/** Share of the records left after the fixed-size objects, per object. */
const VOLUME_WEIGHTS: readonly (readonly [string, number])[] = [
  ['contact', 21], ['whatsapp_conversation', 6], ['lead', 12], ['deal', 8], ['deal_stage_history', 9], ['quote', 3],
  ['quote_line_item', 7], ['order', 2], ['order_line_item', 4], ['activity', 14], ['activity_attendee', 3],
  ['board_card', 2], ['note', 7.5], ['attachment', 1.5],
];

export const MIN_SAMPLE_RECORDS = 400;
const MALFORMED_MIN_ROWS = 10;
const MALFORMED_MAX_PER_SHEET = 40;

export interface SampleCounts {
  /** rows per stream, malformed ones included; they add up to the total asked for */
  rows: Record<string, number>;
  /** rows that read back as records */
  good: Record<string, number>;
  /** deliberately malformed rows (exported streams only) */
  malformed: Record<string, number>;
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const malformedFor = (stream: string, rows: number) =>
  PLANPORTS_SHEETS[stream] && rows >= MALFORMED_MIN_ROWS ? Math.min(MALFORMED_MAX_PER_SHEET, 2 + Math.floor(rows / 400)) : 0;

function boardCount(total: number): number {
  return clamp(3 + Math.floor(total / 200_000), 3, 12);
}
function pipelineCount(total: number): number {
  return Math.min(V.PIPELINES.length, 4 + Math.floor(total / 300_000));
}

/** How a total splits over the objects: fixed-size reference objects first, the rest by realistic weights. */
export function planportsSampleCounts(total: number): SampleCounts {
  if (!Number.isInteger(total) || total < MIN_SAMPLE_RECORDS) {
    throw new RangeError(`a Planports sample needs a whole number of at least ${MIN_SAMPLE_RECORDS} records to hold every object, got ${total}`);
  }
  const pipelines = pipelineCount(total);
  const boards = boardCount(total);
  const fixedGood: Record<string, number> = {
    user: clamp(Math.round(total / 4000), 16, 80),
    pipeline: pipelines,
    pipeline_stage: V.PIPELINES.slice(0, pipelines).reduce((n, p) => n + p.stages.length, 0),
    product: clamp(Math.round(total / 2500), 12, 300),
    custom_field: CUSTOM_FIELD_DEFS.length,
    process_board: boards,
    board_column: Array.from({ length: boards }, (_, b) => V.BOARDS[b % V.BOARDS.length].columns.length).reduce((a, b) => a + b, 0),
    board_automation_rule: boards * 2,
    workflow_automation: clamp(6 + Math.floor(total / 100_000), 6, 20),
  };
  const rows: Record<string, number> = {};
  const good: Record<string, number> = {};
  const malformed: Record<string, number> = {};
  let used = 0;
  for (const [stream, n] of Object.entries(fixedGood)) {
    // A fixed object's good rows are what the world needs; its malformed rows come on top.
    let m = malformedFor(stream, n);
    if (malformedFor(stream, n + m) !== m) m = malformedFor(stream, n + m);
    good[stream] = n;
    malformed[stream] = m;
    rows[stream] = n + m;
    used += n + m;
  }
  const rest = total - used;
  Object.assign(rows, shareOut(rest, VOLUME_WEIGHTS, 'contact'));
  for (const [stream] of VOLUME_WEIGHTS) {
    malformed[stream] = malformedFor(stream, rows[stream]);
    good[stream] = rows[stream] - malformed[stream];
  }
  const order = (o: Record<string, number>) => Object.fromEntries(PLANPORTS_STREAM_NAMES.map((s) => [s, o[s]]));
  return { rows: order(rows), good: order(good), malformed: order(malformed) };
}

/** Child i of `children` spread evenly over `parents`: its parent, and a parent's children as [from, to). */
const parentOf = (i: number, children: number, parents: number) => Math.min(parents - 1, Math.floor((i * parents) / children));
const childRange = (p: number, parents: number, children: number): [number, number] => [
  Math.ceil((p * children) / parents),
  Math.ceil(((p + 1) * children) / parents),
];

const MINUTE = 60_000;
const DAY = 86_400_000;
const FIRST = Date.UTC(2021, 0, 4);
const LAST = Date.UTC(2025, 8, 30);
/** minute-precise, so every export spelling (some have no seconds) reads back as the same instant */
const at = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
const dayOf = (ms: number) => Math.floor(ms / DAY);
const money = (cents: number) => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

const UNDECOMPOSED: Record<string, string> = { ı: 'i', ø: 'o', ł: 'l', ß: 'ss', æ: 'ae', ə: 'e', đ: 'd' };
export const asciiFold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ıøłßæəđ]/g, (c) => UNDECOMPOSED[c]);
const slug = (s: string) => asciiFold(s).toLowerCase().replace(/[^a-z0-9]+/g, '');
/** Turkish casing: i → İ, ı → I */
const upperTr = (s: string) => s.replace(/i/g, 'İ').toUpperCase();

const S = {
  user: 1, pipeline: 2, product: 3, person: 4, contact: 5, conversation: 6, lead: 7, deal: 8, history: 9, quote: 10,
  quoteLine: 11, order: 12, orderLine: 13, activity: 14, attendee: 15, card: 16, note: 17, rule: 18, workflow: 19,
  attachment: 20, leadPerson: 22, malformed: 23, quoteLineOrphan: 24, customField: 25, board: 26, orderLineOrphan: 27,
} as const;

interface Person {
  first: string;
  last: string;
  /** non-Latin names get no name-based address */
  latin: boolean;
  email: string | null;
  cc: string;
  /** national number without the trunk 0 */
  national: string;
  city: string;
  country: string;
  language: string;
}

interface DealCore {
  rng: Rng;
  pipeline: number;
  vertical: V.Vertical;
  /** index into the pipeline's stage list */
  stage: number;
  /** stage indices the deal went through, ending with `stage` */
  path: number[];
  status: 'open' | 'won' | 'lost';
  contact: number | null;
  contactId: string | null;
  currency: string;
  created: number;
  owner: string | null;
}

interface LineCore {
  productId: string;
  description: string;
  quantity: number;
  unitCents: number;
  discountPercent: number;
  vatRate: number;
  /** after discount, before VAT */
  netCents: number;
  grossCents: number;
}

const CHANNEL_NUMBERS = ['+90 850 305 44 10', '+90 532 700 12 34', '+44 7700 900456'];
const FORMS_TAIL = ['Mayıs', 'Spring', 'Ramadan', 'Q3', 'Always-On'];

export class PlanportsWorld {
  readonly good: Record<string, number>;
  private readonly pipelines: number;
  private readonly stageOffsets: number[];
  private readonly boards: number;
  private readonly columnOffsets: number[];
  /** cumulative owner weights, so a pick is a binary search rather than a walk over every user */
  private readonly ownerCumulative: Float64Array;
  private readonly products: { template: readonly [string, string, string, number, string, number]; vertical: V.Vertical }[];
  private readonly meetings: number;
  private readonly companies: number;

  constructor(
    readonly seed: number,
    counts: SampleCounts,
  ) {
    this.good = counts.good;
    this.pipelines = this.good.pipeline;
    this.stageOffsets = [0];
    for (let p = 0; p < this.pipelines; p++) this.stageOffsets.push(this.stageOffsets[p] + V.PIPELINES[p].stages.length);
    this.boards = this.good.process_board;
    this.columnOffsets = [0];
    for (let b = 0; b < this.boards; b++) this.columnOffsets.push(this.columnOffsets[b] + V.BOARDS[b % V.BOARDS.length].columns.length);
    this.ownerCumulative = new Float64Array(this.good.user);
    for (let u = 0, sum = 0; u < this.good.user; u++) this.ownerCumulative[u] = sum += this.ownerWeight(u);
    this.products = (Object.entries(V.PRODUCTS) as [V.Vertical, (typeof V.PRODUCTS)[V.Vertical]][]).flatMap(([vertical, list]) =>
      list.map((template) => ({ template, vertical })),
    );
    // Every sixth activity is a meeting, so attendees know their meeting without a lookup.
    this.meetings = this.good.activity > 2 ? Math.floor((this.good.activity - 3) / 6) + 1 : 0;
    this.companies = clamp(Math.floor(this.good.contact / 8), 10, V.COMPANY_STEMS.length * V.COMPANY_SUFFIXES.length);
  }

  build(stream: string, index: number): BuiltRecord {
    switch (stream) {
      case 'user': return this.userRecord(index);
      case 'pipeline': return this.pipelineRecord(index);
      case 'pipeline_stage': return this.stageRecord(index);
      case 'product': return this.productRecord(index);
      case 'custom_field': return this.customFieldRecord(index);
      case 'contact': return this.contactRecord(index);
      case 'whatsapp_conversation': return this.conversationRecord(index);
      case 'lead': return this.leadRecord(index);
      case 'deal': return this.dealRecord(index);
      case 'deal_stage_history': return this.historyRecord(index);
      case 'quote': return this.quoteRecord(index);
      case 'quote_line_item': return this.lineRecord('quote_line_item', index);
      case 'order': return this.orderRecord(index);
      case 'order_line_item': return this.lineRecord('order_line_item', index);
      case 'activity': return this.activityRecord(index);
      case 'activity_attendee': return this.attendeeRecord(index);
      case 'process_board': return this.boardRecord(index);
      case 'board_column': return this.columnRecord(index);
      case 'board_card': return this.cardRecord(index);
      case 'note': return this.noteRecord(index);
      case 'board_automation_rule': return this.ruleRecord(index);
      case 'workflow_automation': return this.workflowRecord(index);
      case 'attachment': return this.attachmentRecord(index);
      default: throw new Error(`the Planports sample has no builder for stream "${stream}"`);
    }
  }

  /** The content of malformed row k: a copy of some good row under its own id, spoiled later by the generator. */
  malformedBase(stream: string, k: number): BuiltRecord {
    const rng = new Rng(this.seed, S.malformed * 100 + PLANPORTS_STREAM_NAMES.indexOf(stream), k);
    const built = this.build(stream, rng.int(Math.max(1, this.good[stream])));
    built.record[planportsStream(stream).key] = `${ID_PREFIX[stream]}_x${String(k + 1).padStart(5, '0')}`;
    return built;
  }

  // ---- users and owners -------------------------------------------------------------------------------

  /** Demo destination users own most records, the one disabled there (Evan) fewer, Planports-only users some. */
  private ownerWeight(u: number): number {
    if (u < 4) return 6;
    if (u >= 5 && u < 5 + V.PLANPORTS_ONLY_USERS.length) return 3;
    return 2;
  }

  private pickUser(rng: Rng): number {
    const c = this.ownerCumulative;
    const r = rng.next() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** An owner id: mostly real users, a few unassigned, a few users deleted from Planports (never users anywhere). */
  private owner(rng: Rng, unassigned = 0.015): string | null {
    const r = rng.next();
    if (r < unassigned) return null;
    if (r < unassigned + 0.006) return goneId('user', this.good.user, rng);
    return idOf('user', this.pickUser(rng));
  }

  private userRecord(u: number): BuiltRecord {
    const rng = new Rng(this.seed, S.user, u);
    let name: string;
    let email: string;
    let active = true;
    let marks: string[] | undefined;
    if (u < 5) {
      const demo = DEMO_USERS[u + 1];
      name = demo.fullname;
      // Planports spells one address with capitals; owner matching must not care.
      email = u === 1 ? 'Brian.Okafor@contoso-lending.example' : demo.internalemailaddress;
      active = !demo.isdisabled;
      marks = ['destination-user'];
    } else if (u < 5 + V.PLANPORTS_ONLY_USERS.length) {
      [name, email] = V.PLANPORTS_ONLY_USERS[u - 5];
      marks = ['never-destination-user'];
    } else if (u < 5 + V.PLANPORTS_ONLY_USERS.length + V.FORMER_USERS.length) {
      [name, email] = V.FORMER_USERS[u - 5 - V.PLANPORTS_ONLY_USERS.length];
      active = false;
    } else {
      const first = rng.pick(V.FIRST_NAMES);
      const last = rng.pick(V.LAST_NAMES);
      name = `${first} ${last}`;
      email = `${slug(first)}.${slug(last)}${u}@planports-agency.example`;
      active = !rng.chance(0.12);
    }
    if (!active) marks = [...(marks ?? []), 'inactive-user'];
    const created = at(FIRST + rng.int(400) * DAY + rng.int(DAY));
    const deactivated = active ? null : at(created + rng.between(200, 1200) * DAY);
    const lastLogin = rng.chance(0.1) ? null : at(active ? LAST - rng.int(20 * DAY) : (deactivated ?? LAST) - rng.int(10 * DAY));
    return {
      record: {
        user_id: idOf('user', u), email, full_name: name,
        phone: rng.chance(0.3) ? null : `+90 5${rng.digits(2)} ${rng.digits(3)} ${rng.digits(2)} ${rng.digits(2)}`,
        role: u === 0 ? 'admin' : u < 3 ? 'manager' : rng.weighted([['agent', 8], ['manager', 1], ['viewer', 1]]),
        team: rng.pick(V.TEAMS), active, last_login_at: lastLogin, deactivated_at: deactivated,
        created_at: created, updated_at: at(Math.max(created, deactivated ?? created + rng.int(600) * DAY)), custom: {},
      },
      extra: {},
      marks,
    };
  }

  // ---- pipelines, stages, products, custom fields -------------------------------------------------------

  private pipelineRecord(p: number): BuiltRecord {
    const rng = new Rng(this.seed, S.pipeline, p);
    const t = V.PIPELINES[p];
    const created = at(FIRST + rng.int(60) * DAY);
    return {
      record: {
        pipeline_id: idOf('pipeline', p), name: t.name, vertical: t.vertical, default_currency: t.currency, is_default: p === 0,
        archived: false, created_at: created, updated_at: at(created + rng.int(900) * DAY), custom: {},
      },
      extra: {},
    };
  }

  private stageId(pipeline: number, stage: number): string {
    return idOf('pipeline_stage', this.stageOffsets[pipeline] + stage);
  }

  private stageRecord(s: number): BuiltRecord {
    let p = 0;
    while (this.stageOffsets[p + 1] <= s) p++;
    const [name, probability, outcome, rotting] = V.PIPELINES[p].stages[s - this.stageOffsets[p]];
    return {
      record: {
        stage_id: idOf('pipeline_stage', s), pipeline_id: idOf('pipeline', p), name, position: s - this.stageOffsets[p] + 1,
        probability, outcome, rotting_days: rotting, custom: {},
      },
      extra: {},
    };
  }

  private productCore(k: number) {
    const { template, vertical } = this.products[k % this.products.length];
    const [name, category, unit, price, currency, vat] = template;
    const round = Math.floor(k / this.products.length);
    const variant = round === 0 ? '' : ` – ${['Premium', 'Basic', '2025', 'Paket', 'VIP', 'Plus'][round % 6]}${round >= 6 ? ` ${round}` : ''}`;
    const cents = Math.round(price * 100 * (1 + ((round * 7) % 5) / 10));
    return { name: `${name}${variant}`, category, unit, cents, currency, vat, vertical };
  }

  private productRecord(k: number): BuiltRecord {
    const rng = new Rng(this.seed, S.product, k);
    const c = this.productCore(k);
    const created = at(FIRST + rng.int(500) * DAY);
    return {
      record: {
        product_id: idOf('product', k), name: c.name, sku: rng.chance(0.2) ? null : `${c.category.slice(0, 3).toUpperCase()}-${String(k + 1).padStart(4, '0')}`,
        category: c.category, description: rng.chance(0.5) ? null : `${c.name} (${c.vertical.replace('_', ' ')})`, unit: c.unit,
        unit_price: money(c.cents), currency: c.currency, vat_rate: c.vat, active: !rng.chance(0.08),
        created_at: created, updated_at: at(created + rng.int(700) * DAY), custom: {},
      },
      extra: {},
    };
  }

  private customFieldRecord(f: number): BuiltRecord {
    const rng = new Rng(this.seed, S.customField, f);
    const [object, label, type, vertical, options] = CUSTOM_FIELD_DEFS[f];
    const created = at(FIRST + rng.int(300) * DAY);
    return {
      record: {
        field_id: idOf('custom_field', f), object, label, api_name: `cf_${slug(label)}`, field_type: type, options, vertical,
        required: false, created_at: created, updated_at: at(created + rng.int(300) * DAY), custom: {},
      },
      extra: {},
    };
  }

  // ---- people, contacts, conversations, leads -------------------------------------------------------------

  private personFrom(rng: Rng): Person {
    const kind = rng.weighted([[0, 82], [1, 12], [2, 6]] as const);
    let first: string;
    let last: string;
    if (kind === 1) [first, last] = rng.pick(V.NON_LATIN_NAMES);
    else {
      first = kind === 2 ? rng.pick(V.EMOJI_NAMES) : rng.pick(V.FIRST_NAMES);
      last = rng.pick(V.LAST_NAMES);
    }
    const [city, country, cc] = rng.pick(V.CITIES);
    const local = kind === 1 ? `client${rng.digits(5)}` : `${slug(first.replace(/[^\p{L} ]/gu, '')) || 'client'}.${slug(last)}${rng.chance(0.3) ? rng.between(1, 99) : ''}`;
    const national = cc === '90' ? `5${rng.pick(['32', '33', '42', '05', '44', '53'])}${rng.digits(7)}` : `${rng.between(1, 9)}${rng.digits(cc.length >= 3 ? 8 : 9)}`;
    return {
      first, last, latin: kind !== 1, email: `${local}@${rng.pick(V.MAIL_DOMAINS)}`, cc, national, city, country,
      language: country === 'TR' ? 'tr' : country === 'DE' ? 'de' : country === 'SA' || country === 'AE' || country === 'IQ' ? 'ar' : rng.weighted(V.LANGUAGES),
    };
  }

  private person(j: number): Person {
    return this.personFrom(new Rng(this.seed, S.person, j));
  }

  /** The person on contact j: its own, or a re-spelled copy of an earlier contact (the duplicates to merge). */
  private contactPerson(j: number): { person: Person; duplicateOf: number | null; rng: Rng } {
    const rng = new Rng(this.seed, S.contact, j);
    if (j >= 20 && rng.chance(0.03)) {
      const original = j - 1 - rng.int(Math.min(j - 1, 400));
      const p = { ...this.person(original) };
      switch (rng.int(5)) {
        case 0:
          p.first = asciiFold(p.first);
          p.last = asciiFold(p.last);
          break;
        case 1:
          p.last = upperTr(p.last);
          break;
        case 2:
          [p.first, p.last] = [p.last, p.first];
          break;
        case 3:
          p.first = `${p.first} `;
          p.last = p.last.toLowerCase();
          break;
        default:
          p.first = p.first.slice(0, 1) + '.';
      }
      // Same address (maybe in capitals), or same number in another spelling with the address lost.
      if (rng.chance(0.5) && p.email) p.email = rng.chance(0.4) ? p.email.toUpperCase() : p.email;
      else p.email = rng.chance(0.5) ? null : `${slug(p.first) || 'x'}${rng.digits(2)}@${rng.pick(V.MAIL_DOMAINS)}`;
      return { person: p, duplicateOf: original, rng };
    }
    return { person: this.person(j), duplicateOf: null, rng };
  }

  /** A company as this contact's row spells it: the same firm written several ways across contacts. */
  private companyName(rng: Rng): string | null {
    if (rng.chance(0.3)) return null;
    const k = rng.int(this.companies);
    const stem = V.COMPANY_STEMS[k % V.COMPANY_STEMS.length];
    const suffix = V.COMPANY_SUFFIXES[Math.floor(k / V.COMPANY_STEMS.length) % V.COMPANY_SUFFIXES.length];
    const canonical = suffix ? `${stem} ${suffix}` : stem;
    switch (rng.weighted([[0, 55], [1, 12], [2, 10], [3, 8], [4, 8], [5, 7]] as const)) {
      case 0:
        return canonical;
      case 1:
        return upperTr(canonical);
      case 2:
        return `${canonical.replace(/\.$/, '')}.`;
      case 3:
        return ` ${canonical.toLowerCase()} `;
      case 4:
        return asciiFold(canonical).replace(/\./g, '');
      default:
        return canonical.replace(/\bLtd\b\.?/, 'Limited').replace(/A\.Ş\./, 'AŞ');
    }
  }

  private phoneText(rng: Rng, p: Person): string {
    const n = p.national;
    if (p.cc === '90') {
      switch (rng.int(6)) {
        case 0:
          return `+90 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`;
        case 1:
          return `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
        case 2:
          return `0${n}`;
        case 3:
          return `+90${n}`;
        case 4:
          return `(0${n.slice(0, 3)}) ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`;
        default:
          return `90 ${n.slice(0, 3)} ${n.slice(3)}`;
      }
    }
    return rng.chance(0.6) ? `+${p.cc} ${n.slice(0, 3)} ${n.slice(3)}` : `00${p.cc}${n}`;
  }

  private emailText(rng: Rng, email: string | null): string | null {
    if (email === null || rng.chance(0.06)) return null;
    if (rng.chance(0.035)) {
      const [local, domain] = email.split('@');
      return rng.pick([`${local}@${domain.split('.')[0]}`, `${local.replace('.', ' ')}@${domain}`, `${local}@@${domain}`, `${local}.${domain}`, `mailto:${email}`]);
    }
    return email;
  }

  private conversationCore(c: number) {
    const rng = new Rng(this.seed, S.conversation, c);
    const contact = parentOf(c, this.good.whatsapp_conversation, this.good.contact);
    const started = at(FIRST + rng.int(LAST - FIRST - 30 * DAY));
    const last = at(started + rng.int(40 * DAY));
    return { rng, contact, started, last, messages: rng.between(1, 160) };
  }

  private contactRecord(j: number): BuiltRecord {
    const { person: p, duplicateOf, rng } = this.contactPerson(j);
    const marks: string[] = [];
    if (duplicateOf !== null) marks.push(`duplicate-of:${idOf('contact', duplicateOf)}`);
    const vertical = rng.weighted([['health_tourism', 35], ['real_estate', 25], ['digital_agency', 15], ['general', 25]] as const);
    const created = at(FIRST + rng.int(LAST - FIRST - 60 * DAY));
    const email = this.emailText(rng, p.email);
    if (p.email && email && email !== p.email && email.toLowerCase() !== p.email.toLowerCase()) marks.push('malformed-email');
    let phone: string | null = rng.chance(0.05) ? null : this.phoneText(rng, p);
    if (phone && rng.chance(0.025)) {
      phone = rng.pick(['123', '0000000000', 'n/a', '+90 532', 'ara beni', '5 3 2']);
      marks.push('malformed-phone');
    }

    const [from, to] = this.good.whatsapp_conversation ? childRange(j, this.good.contact, this.good.whatsapp_conversation) : [0, 0];
    const conversations: string[] = [];
    let lastMessage: number | null = null;
    let messages = 0;
    for (let c = from; c < to; c++) {
      const core = this.conversationCore(c);
      conversations.push(idOf('whatsapp_conversation', c));
      lastMessage = Math.max(lastMessage ?? 0, core.last);
      messages += core.messages;
    }
    const whatsapp = conversations.length > 0 || rng.chance(0.12);
    if (whatsapp && rng.chance(0.15)) {
      // A conversation the card still lists, whose history stayed on Meta's side.
      conversations.push(goneId('whatsapp_conversation', this.good.whatsapp_conversation, rng));
      lastMessage = Math.max(lastMessage ?? 0, at(created + rng.int(200) * DAY));
      messages += rng.between(1, 30);
      marks.push('missing-conversation');
    }

    const platform = rng.weighted(V.SOURCE_PLATFORMS);
    const campaign = rng.pick(V.CAMPAIGNS[vertical]);
    const extra: Record<string, string> = Object.fromEntries(EXTRA_COLUMNS.contact.map((l) => [l, '']));
    if (vertical === 'health_tourism' && rng.chance(0.7)) {
      extra['Referral Source'] = rng.pick(V.REFERRAL_SOURCES);
      if (rng.chance(0.6)) extra['Clinic ID'] = rng.pick(V.CLINIC_IDS);
    }
    if (vertical === 'real_estate' && rng.chance(0.6)) extra.Agent = rng.pick(V.PLANPORTS_ONLY_USERS)[0];
    if (vertical === 'digital_agency' && rng.chance(0.6)) extra['Channel Attribution'] = rng.pick(V.CHANNEL_ATTRIBUTIONS);
    if (rng.chance(0.2)) extra['Preferred Contact Time'] = rng.pick(['Morning', 'Afternoon', 'Evening', 'WhatsApp only', 'akşam 🌙']);
    const owner = this.owner(rng);
    if (owner && !this.isUser(owner)) marks.push('deleted-owner');
    const tags = rng.chance(0.55) ? null : Array.from({ length: rng.between(1, 3) }, () => rng.pick(V.TAGS)).join(', ');
    return {
      record: {
        contact_id: idOf('contact', j), first_name: rng.chance(0.02) ? null : p.first, last_name: rng.chance(0.04) ? null : p.last,
        email, phone, company_name: this.companyName(rng), job_title: rng.chance(0.6) ? null : rng.pick(V.JOB_TITLES),
        city: rng.chance(0.15) ? null : p.city, country: rng.chance(0.1) ? null : p.country, language: p.language,
        birth_date: vertical === 'health_tourism' && rng.chance(0.5) ? dayOf(Date.UTC(rng.between(1955, 2004), rng.int(12), rng.between(1, 28))) : null,
        lifecycle_stage: rng.weighted([['subscriber', 20], ['prospect', 45], ['customer', 30], ['former_customer', 5]] as const),
        tags, owner_id: owner,
        whatsapp_phone: whatsapp ? rng.pick(CHANNEL_NUMBERS) : null, whatsapp_opt_in: whatsapp ? !rng.chance(0.1) : rng.chance(0.3) ? false : null,
        whatsapp_last_message_at: lastMessage, whatsapp_message_count: whatsapp ? messages : null,
        whatsapp_conversation_ids: conversations.length ? conversations.join(';') : null,
        source_platform: platform,
        meta_form_id: platform === 'meta_instant_form' ? `${rng.between(1, 9)}${rng.digits(15)}` : null,
        meta_campaign: platform === 'meta_instant_form' ? `${campaign} | ${rng.pick(FORMS_TAIL)}` : null,
        google_ads_campaign: platform === 'google_ads' ? campaign : null,
        google_click_id: platform === 'google_ads' && rng.chance(0.8) ? `Cj0KCQ${this.token(rng, 34)}` : null,
        tiktok_campaign: platform === 'tiktok' ? campaign : null, tiktok_ad_id: platform === 'tiktok' ? `17${rng.digits(17)}` : null,
        created_at: created, updated_at: rng.chance(0.04) ? null : at(Math.max(created, lastMessage ?? created) + rng.int(90) * DAY),
        custom: {},
      },
      extra,
      marks,
    };
  }

  private token(rng: Rng, n: number): string {
    const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
    let s = '';
    for (let i = 0; i < n; i++) s += abc[rng.int(abc.length)];
    return s;
  }

  private isUser(id: string): boolean {
    return Number(id.slice(4)) <= this.good.user;
  }

  private conversationRecord(c: number): BuiltRecord {
    const core = this.conversationCore(c);
    const { rng } = core;
    const p = this.person(core.contact);
    const orphan = rng.chance(0.005);
    return {
      record: {
        conversation_id: idOf('whatsapp_conversation', c),
        contact_id: orphan ? goneId('contact', this.good.contact, rng) : idOf('contact', core.contact),
        channel_phone: rng.pick(CHANNEL_NUMBERS), contact_phone: `+${p.cc}${p.national}`, started_at: core.started, last_message_at: core.last,
        last_direction: rng.chance(0.55) ? 'inbound' : 'outbound', message_count: core.messages,
        status: core.last < LAST - 60 * DAY ? rng.weighted([['closed', 7], ['expired', 3]] as const) : rng.weighted([['open', 6], ['closed', 4]] as const),
        assigned_user_id: this.owner(rng, 0.1), transcript_available: rng.chance(0.3),
        last_message_preview: rng.pick(['Merhaba, fiyat alabilir miyim?', 'Thank you doctor 🙏', 'تمام، شكرا', 'Ok 👍', 'Konum atar mısınız?', 'Спасибо!', '📷 Photo', null]),
        created_at: core.started, updated_at: core.last, custom: {},
      },
      extra: {},
      marks: orphan ? ['orphan'] : undefined,
    };
  }

  private leadRecord(l: number): BuiltRecord {
    const rng = new Rng(this.seed, S.lead, l);
    const status = rng.weighted(V.LEAD_STATUSES);
    const marks: string[] = [];
    let contact: number | null = null;
    let p: Person;
    if (status === 'converted' && this.good.contact > 0) {
      contact = rng.int(this.good.contact);
      p = this.contactPerson(contact).person;
    } else if (this.good.contact > 0 && rng.chance(0.04)) {
      // The same person came in again through another ad before anyone converted the first lead.
      p = this.contactPerson(rng.int(this.good.contact)).person;
      marks.push('same-person-as-contact');
    } else {
      p = this.personFrom(new Rng(this.seed, S.leadPerson, l));
    }
    const vertical = rng.weighted([['health_tourism', 40], ['real_estate', 25], ['digital_agency', 15], ['general', 20]] as const);
    const platform = rng.weighted(V.LEAD_PLATFORMS);
    const submitted = at(FIRST + rng.int(LAST - FIRST - 10 * DAY));
    const created = at(submitted + rng.between(1, 240) * MINUTE);
    const converted = contact !== null ? at(created + rng.between(1, 60) * DAY) : null;
    const extra: Record<string, string> = Object.fromEntries(EXTRA_COLUMNS.lead.map((c) => [c, '']));
    if (vertical === 'health_tourism' && rng.chance(0.7)) extra['Treatment Interest'] = rng.pick(V.TREATMENT_PACKAGES);
    if (rng.chance(0.3)) extra.Budget = rng.pick(['€2.000', '₺75.000', '3000 EUR', '5-10k $', 'bilmiyorum', '£1,500']);
    if (vertical === 'real_estate' && rng.chance(0.7)) extra['Property Type'] = rng.pick(['Villa', 'Apartment', 'Office', 'Land', 'daire']);
    const orphan = contact !== null && rng.chance(0.01);
    if (orphan) marks.push('orphan');
    return {
      record: {
        lead_id: idOf('lead', l), full_name: rng.chance(0.03) ? null : `${p.first} ${p.last}`, email: this.emailText(rng, p.email),
        phone: rng.chance(0.08) ? null : this.phoneText(rng, p), city: rng.chance(0.4) ? null : p.city, country: rng.chance(0.3) ? null : p.country,
        source_platform: platform,
        campaign_name: platform === 'manual' ? null : rng.pick(V.CAMPAIGNS[vertical]),
        campaign_id: platform === 'manual' || platform === 'website_form' ? null : `${rng.between(1, 9)}${rng.digits(rng.between(10, 17))}`,
        ad_id: platform === 'meta_instant_form' || platform === 'tiktok' ? `${rng.between(1, 9)}${rng.digits(16)}` : null,
        form_id: platform === 'meta_instant_form' || platform === 'website_form' ? `${rng.between(1, 9)}${rng.digits(15)}` : null,
        form_name: platform === 'meta_instant_form' || platform === 'website_form' ? rng.pick(V.FORM_NAMES) : null,
        submitted_at: submitted, lead_score: rng.chance(0.1) ? null : rng.int(101), status,
        assigned_user_id: this.owner(rng, 0.08),
        converted_contact_id: contact === null ? null : orphan ? goneId('contact', this.good.contact, rng) : idOf('contact', contact),
        converted_at: converted, message: rng.chance(0.5) ? null : rng.pick(V.LEAD_MESSAGES) || null,
        created_at: created, updated_at: at(Math.max(created, converted ?? created) + rng.int(30) * DAY), custom: {},
      },
      extra,
      marks,
    };
  }

  // ---- deals and their history ----------------------------------------------------------------------------

  private dealCore(d: number): DealCore {
    const rng = new Rng(this.seed, S.deal, d);
    const weights = Array.from({ length: this.pipelines }, (_, p) => [p, p < 4 ? [30, 30, 20, 20][p] : 10] as const);
    const pipeline = rng.weighted(weights);
    const t = V.PIPELINES[pipeline];
    const open = t.stages.filter((s) => s[2] === 'open').length;
    const won = t.stages.findIndex((s) => s[2] === 'won');
    const lost = t.stages.findIndex((s) => s[2] === 'lost');
    const status = rng.weighted([['open', 60], ['won', 25], ['lost', 15]] as const);
    let path: number[];
    if (status === 'open') path = Array.from({ length: rng.int(open) + 1 }, (_, i) => i);
    else if (status === 'won') path = [...Array.from({ length: open }, (_, i) => i), won];
    else path = [...Array.from({ length: rng.int(open) + 1 }, (_, i) => i), lost];
    let contact: number | null = null;
    let contactId: string | null = null;
    if (this.good.contact > 0 && !rng.chance(0.03)) {
      if (rng.chance(0.005)) contactId = goneId('contact', this.good.contact, rng);
      else {
        contact = rng.int(this.good.contact);
        contactId = idOf('contact', contact);
      }
    }
    const currency = rng.chance(0.75) ? t.currency : rng.weighted([['TRY', 5], ['EUR', 3], ['USD', 2], ['GBP', 1]] as const);
    const created = at(FIRST + rng.int(LAST - FIRST - 120 * DAY));
    return { rng, pipeline, vertical: t.vertical, stage: path[path.length - 1], path, status, contact, contactId, currency, created, owner: this.owner(rng) };
  }

  private dealRecord(d: number): BuiltRecord {
    const core = this.dealCore(d);
    const { rng } = core;
    const t = V.PIPELINES[core.pipeline];
    const stage = t.stages[core.stage];
    const marks: string[] = [];
    if (core.contactId && core.contact === null) marks.push('orphan');
    const base = { health_tourism: [1500, 15000], real_estate: [60_000, 900_000], digital_agency: [800, 25_000], general: [500, 20_000] }[core.vertical];
    let major = rng.between(base[0], base[1]) * (core.currency === 'TRY' && core.vertical !== 'general' ? 30 : 1);
    if (rng.chance(0.6)) major = Math.max(100, Math.round(major / 100) * 100);
    const amount = rng.chance(0.04) ? null : money(major * 100 + (rng.chance(0.15) ? rng.int(100) : 0));
    const closedAt = core.status === 'open' ? null : at(core.created + rng.between(3, 150) * DAY);
    const name = core.contact === null ? null : this.person(core.contact);
    const extra: Record<string, string> = Object.fromEntries(EXTRA_COLUMNS.deal.map((c) => [c, '']));
    if (core.vertical === 'health_tourism') {
      extra['Treatment Package'] = rng.pick(V.TREATMENT_PACKAGES);
      extra['Clinic ID'] = rng.chance(0.8) ? rng.pick(V.CLINIC_IDS) : '';
      extra['Referral Source'] = rng.chance(0.6) ? rng.pick(V.REFERRAL_SOURCES) : '';
    } else if (core.vertical === 'real_estate') {
      extra['Property ID'] = `${rng.pick(V.PROPERTY_PREFIXES)}-${rng.digits(4)}`;
      if (rng.chance(0.6)) {
        const v = new Date(core.created + rng.between(2, 20) * DAY);
        extra['Viewing Schedule'] = rng.pick([
          `${String(v.getUTCDate()).padStart(2, '0')}.${String(v.getUTCMonth() + 1).padStart(2, '0')}.${v.getUTCFullYear()} 14:00`,
          'Sat 11:00; Sun 15:30',
          'Cumartesi öğleden sonra',
        ]);
      }
      extra.Agent = rng.chance(0.7) ? rng.pick(V.PLANPORTS_ONLY_USERS)[0] : '';
    } else if (core.vertical === 'digital_agency') {
      extra['Campaign ID'] = `CMP-${2021 + rng.int(5)}-${rng.digits(3)}`;
      extra['Ad Spend'] = rng.pick([`₺${rng.between(5, 90)}.${rng.digits(3)},00`, `${rng.between(1, 40)}.${rng.digits(3)} TL`, `€${rng.between(300, 9000)}`, '']);
      extra['Channel Attribution'] = rng.pick(V.CHANNEL_ATTRIBUTIONS);
    }
    return {
      record: {
        deal_id: idOf('deal', d), title: `${rng.pick(V.DEAL_TITLES[core.vertical])}${name ? ` – ${name.first} ${name.last}` : ''}`,
        contact_id: core.contactId, pipeline_id: idOf('pipeline', core.pipeline), stage_id: this.stageId(core.pipeline, core.stage),
        amount, currency: amount === null && rng.chance(0.5) ? null : core.currency,
        probability: rng.chance(0.15) ? clamp(stage[1] + rng.between(-10, 10), 0, 100) : stage[1],
        expected_close_date: rng.chance(0.2) ? null : dayOf(core.created) + rng.between(10, 120), closed_at: closedAt,
        status: core.status, close_reason: core.status !== 'open' && rng.chance(0.7) ? rng.pick(V.CLOSE_REASONS[core.status]) : null,
        source: rng.weighted(V.SOURCE_PLATFORMS), owner_id: core.owner, created_at: core.created,
        updated_at: at(Math.max(closedAt ?? core.created, core.created) + rng.int(60) * DAY), custom: {},
      },
      extra,
      marks,
    };
  }

  private historyRecord(h: number): BuiltRecord {
    const rng = new Rng(this.seed, S.history, h);
    const d = parentOf(h, this.good.deal_stage_history, this.good.deal);
    const [from] = childRange(d, this.good.deal, this.good.deal_stage_history);
    const [, to] = childRange(d, this.good.deal, this.good.deal_stage_history);
    const core = this.dealCore(d);
    const n = to - from;
    const k = h - from;
    // The deal's last n steps; a deal with more history rows than stages went back and forth at the start.
    const stepAt = (i: number) => core.path[Math.max(0, core.path.length - n + i)];
    const prevIndex = core.path.length - n + k - 1;
    const fromStage = k > 0 ? stepAt(k - 1) : prevIndex >= 0 ? core.path[prevIndex] : null;
    const gap = (i: number) => (new Rng(this.seed, S.history, from + i).between(1, 25));
    let changed = core.created;
    for (let i = 0; i <= k; i++) changed += gap(i) * DAY;
    const orphan = rng.chance(0.004);
    return {
      record: {
        history_id: idOf('deal_stage_history', h), deal_id: orphan ? goneId('deal', this.good.deal, rng) : idOf('deal', d),
        from_stage_id: fromStage === null ? null : this.stageId(core.pipeline, fromStage), to_stage_id: this.stageId(core.pipeline, stepAt(k)),
        changed_at: at(changed + rng.int(DAY)), changed_by: rng.chance(0.1) ? null : (core.owner ?? this.owner(rng)),
        days_in_previous_stage: k === 0 && fromStage === null ? null : gap(k), custom: {},
      },
      extra: {},
      marks: orphan ? ['orphan'] : undefined,
    };
  }

  // ---- quotes, orders and their lines ---------------------------------------------------------------------

  private quoteCore(q: number) {
    const d = parentOf(q, this.good.quote, this.good.deal);
    return { deal: d, dealCore: this.dealCore(d) };
  }

  private lineCore(stream: 'quote_line_item' | 'order_line_item', l: number, currency: string): LineCore {
    const rng = new Rng(this.seed, stream === 'quote_line_item' ? S.quoteLine : S.orderLine, l);
    const k = rng.int(this.good.product);
    const p = this.productCore(k);
    const unitCents = Math.round((p.cents * V.TRY_PER[p.currency]) / V.TRY_PER[currency] / 100) * 100;
    const quantity = p.unit === 'hour' || p.unit === 'night' ? rng.pick([0.5, 1, 1.5, 2, 3, 4, 7]) : rng.weighted([[1, 60], [2, 20], [4, 8], [10, 6], [20, 6]] as const);
    const discountPercent = rng.weighted([[0, 70], [5, 10], [10, 12], [12.5, 3], [15, 5]] as const);
    const lineCents = Math.round(unitCents * quantity);
    const netCents = lineCents - Math.round((lineCents * discountPercent) / 100);
    return {
      productId: idOf('product', k), description: rng.chance(0.6) ? p.name : `${p.name} ${rng.pick(['(kampanya)', '– early booking', '+ transfer', '🎁'])}`,
      quantity, unitCents, discountPercent, vatRate: p.vat, netCents, grossCents: netCents + Math.round((netCents * p.vat) / 100),
    };
  }

  private lineRecord(stream: 'quote_line_item' | 'order_line_item', l: number): BuiltRecord {
    const parentStream = stream === 'quote_line_item' ? 'quote' : 'order';
    const parent = parentOf(l, this.good[stream], this.good[parentStream]);
    const currency = parentStream === 'quote' ? this.quoteCore(parent).dealCore.currency : this.orderCore(parent).currency;
    const [from] = childRange(parent, this.good[parentStream], this.good[stream]);
    const c = this.lineCore(stream, l, currency);
    const rng = new Rng(this.seed, stream === 'quote_line_item' ? S.quoteLineOrphan : S.orderLineOrphan, l);
    const orphan = rng.chance(0.003);
    return {
      record: {
        line_id: idOf(stream, l), [`${parentStream}_id`]: orphan ? goneId(parentStream, this.good[parentStream], rng) : idOf(parentStream, parent),
        product_id: c.productId, position: l - from + 1, description: c.description, quantity: c.quantity, unit_price: money(c.unitCents),
        discount_percent: c.discountPercent, vat_rate: c.vatRate, line_total: money(c.netCents), currency, custom: {},
      },
      extra: {},
      marks: orphan ? ['orphan'] : undefined,
    };
  }

  private quoteRecord(q: number): BuiltRecord {
    const rng = new Rng(this.seed, S.quote, q);
    const { deal, dealCore } = this.quoteCore(q);
    const [from, to] = childRange(q, this.good.quote, this.good.quote_line_item);
    let net = 0;
    let discount = 0;
    let tax = 0;
    for (let l = from; l < to; l++) {
      const c = this.lineCore('quote_line_item', l, dealCore.currency);
      net += c.netCents;
      discount += Math.round(c.unitCents * c.quantity) - c.netCents;
      tax += c.grossCents - c.netCents;
    }
    const ordered = this.good.order > 0 && childRange(q, this.good.quote, this.good.order)[1] > childRange(q, this.good.quote, this.good.order)[0];
    const status = ordered ? 'accepted' : rng.weighted([['draft', 15], ['sent', 40], ['accepted', 20], ['declined', 15], ['expired', 10]] as const);
    const approval = rng.weighted([['not_required', 40], ['approved', 35], ['pending', 15], ['rejected', 10]] as const);
    const issued = dayOf(dealCore.created) + rng.between(1, 30);
    const created = at(issued * DAY + rng.between(7, 19) * 3_600_000);
    const decided = approval === 'approved' || approval === 'rejected' ? at(created + rng.between(1, 72) * 3_600_000) : null;
    return {
      record: {
        quote_id: idOf('quote', q), quote_number: `Q-${new Date(created).getUTCFullYear()}-${String(q + 1).padStart(5, '0')}`,
        title: rng.chance(0.3) ? null : `${rng.pick(['Teklif', 'Treatment plan', 'Angebot', 'Proposal'])} ${idOf('deal', deal)}`,
        deal_id: idOf('deal', deal), contact_id: dealCore.contactId, status, approval_status: approval,
        approved_by: decided === null ? null : idOf('user', rng.int(3)), approved_at: decided, issue_date: issued,
        valid_until: rng.chance(0.1) ? null : issued + rng.pick([7, 15, 30]), subtotal: money(net + discount), discount_total: money(discount),
        tax_total: money(tax), total: money(net + tax), currency: dealCore.currency,
        terms: rng.pick([null, '50% deposit, balance on arrival', 'Ödeme: %30 peşin, kalan tedavi günü', 'Prices include hotel and transfer', 'KDV dahil değildir']),
        owner_id: dealCore.owner, created_at: created, updated_at: at(Math.max(created, decided ?? created) + rng.int(20) * DAY), custom: {},
      },
      extra: {},
    };
  }

  private orderCore(o: number) {
    const rng = new Rng(this.seed, S.order, o);
    const direct = this.good.quote === 0 || rng.chance(0.1);
    const q = direct ? null : parentOf(o, this.good.order, this.good.quote);
    const deal = q === null ? (this.good.deal ? rng.int(this.good.deal) : null) : this.quoteCore(q).deal;
    const dealCore = deal === null ? null : this.dealCore(deal);
    return { rng, quote: q, deal, dealCore, currency: dealCore?.currency ?? 'TRY' };
  }

  private orderRecord(o: number): BuiltRecord {
    const core = this.orderCore(o);
    const { rng } = core;
    const [from, to] = childRange(o, this.good.order, this.good.order_line_item);
    let total = 0;
    for (let l = from; l < to; l++) total += this.lineCore('order_line_item', l, core.currency).grossCents;
    const payment = rng.weighted([['paid', 55], ['partially_paid', 15], ['unpaid', 25], ['refunded', 5]] as const);
    const method = rng.weighted([['bank_transfer', 40], ['credit_card', 35], ['cash', 10], ['installments', 15]] as const);
    const created = at((core.dealCore?.created ?? FIRST) + rng.between(5, 90) * DAY);
    const orderDay = dayOf(created);
    const paid = payment === 'paid' || payment === 'refunded' ? total : payment === 'partially_paid' ? Math.round(total * rng.pick([0.3, 0.5])) : null;
    const settled = payment === 'paid' ? orderDay + rng.between(0, 45) : null;
    return {
      record: {
        order_id: idOf('order', o), order_number: `SO-${String(o + 1).padStart(6, '0')}`, quote_id: core.quote === null ? null : idOf('quote', core.quote),
        deal_id: core.deal === null ? null : idOf('deal', core.deal), contact_id: core.dealCore?.contactId ?? null,
        status: payment === 'refunded' ? 'cancelled' : rng.weighted([['new', 10], ['confirmed', 25], ['in_progress', 20], ['completed', 45]] as const),
        order_date: orderDay, total: money(total), currency: core.currency, payment_status: payment, payment_method: method,
        installments: method === 'installments' ? rng.pick([3, 6, 9, 12]) : null, paid_amount: paid === null ? null : money(paid),
        settlement_date: settled, invoice_number: paid === null ? null : `PPA${new Date(created).getUTCFullYear()}${String(o + 1).padStart(9, '0')}`,
        owner_id: core.dealCore?.owner ?? this.owner(rng), created_at: created,
        updated_at: at(Math.max(created, (settled ?? 0) * DAY) + rng.int(10) * DAY), custom: {},
      },
      extra: {},
    };
  }

  // ---- activities, attendees, notes ----------------------------------------------------------------------

  private activityCore(a: number) {
    const rng = new Rng(this.seed, S.activity, a);
    const type: 'meeting' | 'call' | 'email' | 'task' = a % 6 === 2 ? 'meeting' : rng.weighted([['call', 40], ['email', 35], ['task', 25]] as const);
    let deal: number | null = null;
    let dealId: string | null = null;
    let contact: number | null = null;
    let contactId: string | null = null;
    let leadId: string | null = null;
    const target = rng.weighted([['deal', 40], ['contact', 45], ['lead', 15]] as const);
    const orphan = rng.chance(0.006);
    if (target === 'deal' && this.good.deal) {
      if (orphan) dealId = goneId('deal', this.good.deal, rng);
      else {
        deal = rng.int(this.good.deal);
        dealId = idOf('deal', deal);
        const dc = this.dealCore(deal);
        contact = dc.contact;
        contactId = dc.contactId;
      }
    } else if (target === 'lead' && this.good.lead) leadId = orphan ? goneId('lead', this.good.lead, rng) : idOf('lead', rng.int(this.good.lead));
    else if (this.good.contact) {
      if (orphan) contactId = goneId('contact', this.good.contact, rng);
      else {
        contact = rng.int(this.good.contact);
        contactId = idOf('contact', contact);
      }
    }
    return { rng, type, deal, dealId, contact, contactId, leadId, orphan };
  }

  private activityRecord(a: number): BuiltRecord {
    const core = this.activityCore(a);
    const { rng, type } = core;
    const owner = this.owner(rng);
    const start = at(FIRST + rng.int(LAST - FIRST - 10 * DAY));
    const minutes = type === 'meeting' ? rng.pick([30, 45, 60, 90]) : 0;
    const status = type === 'task' ? rng.weighted([['planned', 30], ['completed', 60], ['cancelled', 10]] as const) : start < LAST - 30 * DAY ? 'completed' : rng.pick(['planned', 'completed'] as const);
    const disposition = type === 'call' ? rng.weighted(V.CALL_DISPOSITIONS) : null;
    const duration = disposition === 'connected' ? rng.between(20, 1800) : disposition === 'voicemail' ? rng.between(10, 60) : disposition ? 0 : null;
    const person = core.contact === null ? null : this.person(core.contact);
    const ownerEmail = owner && this.isUser(owner) ? (this.userRecord(Number(owner.slice(4)) - 1).record.email as string) : null;
    const inbound = rng.chance(0.4);
    const completed = status === 'completed' ? at(start + (minutes + rng.int(120)) * MINUTE) : null;
    const email = type === 'email';
    return {
      record: {
        activity_id: idOf('activity', a), type, subject: rng.chance(0.05) ? null : rng.pick(V.ACTIVITY_SUBJECTS[type]),
        description: rng.chance(0.5) ? null : rng.pick(V.NOTE_BODIES), contact_id: core.contactId, lead_id: core.leadId, deal_id: core.dealId,
        owner_id: owner, start_at: type === 'task' && rng.chance(0.5) ? null : start, end_at: type === 'meeting' ? at(start + minutes * MINUTE) : type === 'call' && duration ? at(start + duration * 1000) : null,
        due_date: type === 'task' ? dayOf(start) + rng.between(0, 14) : null, completed_at: completed, status,
        priority: type === 'task' ? rng.pick(['low', 'normal', 'high']) : null,
        call_direction: type === 'call' ? (inbound ? 'inbound' : 'outbound') : null, call_disposition: disposition, call_duration_seconds: duration,
        email_direction: email ? (inbound ? 'inbound' : 'outbound') : null,
        email_from: email ? (inbound ? (person?.email ?? null) : ownerEmail) : null, email_to: email ? (inbound ? ownerEmail : (person?.email ?? null)) : null,
        location: type === 'meeting' ? rng.pick(V.MEETING_LOCATIONS) : null,
        meeting_url: type === 'meeting' && rng.chance(0.4) ? `https://meet.example.com/${this.token(rng, 10)}` : null,
        created_at: at(start - rng.int(5 * DAY)), updated_at: at((completed ?? start) + rng.int(2 * DAY)), custom: {},
      },
      extra: {},
      marks: core.orphan ? ['orphan'] : undefined,
    };
  }

  private attendeeRecord(t: number): BuiltRecord {
    const rng = new Rng(this.seed, S.attendee, t);
    const m = parentOf(t, this.good.activity_attendee, Math.max(1, this.meetings));
    const a = Math.min(this.good.activity - 1, m * 6 + 2);
    const meeting = this.activityCore(a);
    const kind = rng.weighted([['contact', 50], ['user', 30], ['address', 20]] as const);
    let contactId: string | null = null;
    let userId: string | null = null;
    let email: string | null;
    let name: string | null;
    if (kind === 'contact' && this.good.contact) {
      const c = meeting.contact !== null && rng.chance(0.7) ? meeting.contact : rng.int(this.good.contact);
      const p = this.person(c);
      contactId = idOf('contact', c);
      email = p.email;
      name = `${p.first} ${p.last}`;
    } else if (kind === 'user') {
      const u = this.pickUser(rng);
      const user = this.userRecord(u).record;
      userId = idOf('user', u);
      email = user.email as string;
      name = user.full_name as string;
    } else {
      const p = this.personFrom(rng);
      email = p.email;
      name = rng.chance(0.5) ? null : `${p.first} ${p.last}`;
    }
    return {
      record: {
        attendee_id: idOf('activity_attendee', t), activity_id: idOf('activity', a), contact_id: contactId, user_id: userId, email, name,
        response_status: rng.weighted([['accepted', 55], ['tentative', 10], ['declined', 10], ['needs_action', 25]] as const), custom: {},
      },
      extra: {},
    };
  }

  private noteRecord(n: number): BuiltRecord {
    const rng = new Rng(this.seed, S.note, n);
    const target = rng.weighted([['contact', 45], ['deal', 25], ['lead', 15], ['card', 10], ['gone', 5]] as const);
    const pick = (stream: string) => (this.good[stream] ? idOf(stream, rng.int(this.good[stream])) : null);
    const created = at(FIRST + rng.int(LAST - FIRST - DAY));
    let body: string = rng.pick(V.NOTE_BODIES);
    if (rng.chance(0.1)) body = `${body}\n${rng.pick(V.NOTE_BODIES)}`;
    return {
      record: {
        note_id: idOf('note', n), body, contact_id: target === 'contact' ? pick('contact') : null,
        lead_id: target === 'lead' ? pick('lead') : null,
        deal_id: target === 'deal' ? pick('deal') : target === 'gone' ? goneId('deal', this.good.deal, rng) : null,
        card_id: target === 'card' ? pick('board_card') : null, author_id: this.owner(rng, 0.02), pinned: rng.chance(0.05),
        created_at: created, updated_at: rng.chance(0.7) ? created : at(created + rng.int(30 * DAY)), custom: {},
      },
      extra: {},
      marks: target === 'gone' ? ['orphan'] : undefined,
    };
  }

  // ---- process boards ------------------------------------------------------------------------------------

  private boardRecord(b: number): BuiltRecord {
    const rng = new Rng(this.seed, S.board, b);
    const t = V.BOARDS[b % V.BOARDS.length];
    const round = Math.floor(b / V.BOARDS.length);
    const created = at(FIRST + rng.int(700) * DAY);
    return {
      record: {
        board_id: idOf('process_board', b), name: round ? `${t.name} ${round + 1}` : t.name,
        description: rng.chance(0.5) ? null : `${t.kind} board`, kind: t.kind,
        pipeline_id: t.kind === 'sales' ? idOf('pipeline', b % this.pipelines) : null, owner_id: this.owner(rng, 0),
        archived: round > 0 && rng.chance(0.3), created_at: created, updated_at: at(created + rng.int(500) * DAY), custom: {},
      },
      extra: {},
    };
  }

  private columnRecord(c: number): BuiltRecord {
    let b = 0;
    while (this.columnOffsets[b + 1] <= c) b++;
    const [name, wip, done] = V.BOARDS[b % V.BOARDS.length].columns[c - this.columnOffsets[b]];
    return {
      record: {
        column_id: idOf('board_column', c), board_id: idOf('process_board', b), name, position: c - this.columnOffsets[b] + 1,
        wip_limit: wip, is_done: done, custom: {},
      },
      extra: {},
    };
  }

  private cardRecord(k: number): BuiltRecord {
    const rng = new Rng(this.seed, S.card, k);
    const b = rng.int(this.boards);
    const t = V.BOARDS[b % V.BOARDS.length];
    const column = rng.int(t.columns.length);
    const created = at(FIRST + rng.int(LAST - FIRST - 30 * DAY));
    const deal = t.kind === 'sales' || rng.chance(0.3) ? (this.good.deal ? rng.int(this.good.deal) : null) : null;
    return {
      record: {
        card_id: idOf('board_card', k), board_id: idOf('process_board', b), column_id: idOf('board_column', this.columnOffsets[b] + column),
        title: rng.pick(V.CARD_TITLES), description: rng.chance(0.5) ? null : rng.pick(V.NOTE_BODIES),
        due_date: rng.chance(0.3) ? null : dayOf(created) + rng.between(1, 30), owner_id: this.owner(rng, 0.1),
        deal_id: deal === null ? null : idOf('deal', deal), contact_id: rng.chance(0.4) && this.good.contact ? idOf('contact', rng.int(this.good.contact)) : null,
        position: rng.between(1, 40), priority: rng.pick(['low', 'normal', 'high', 'urgent', null]), created_at: created,
        updated_at: at(created + rng.int(40 * DAY)), custom: {},
      },
      extra: {},
    };
  }

  private ruleRecord(r: number): BuiltRecord {
    const rng = new Rng(this.seed, S.rule, r);
    const b = Math.min(this.boards - 1, Math.floor(r / 2));
    const t = V.BOARDS[b % V.BOARDS.length];
    const doneColumn = t.columns.findIndex((c) => c[2]);
    const created = at(FIRST + rng.int(800) * DAY);
    const first = r % 2 === 0;
    const rule = first
      ? {
          name: `${t.columns[doneColumn][0]}: close the linked deal`, trigger_type: 'card_moved_to_column', trigger_column_id: idOf('board_column', this.columnOffsets[b] + doneColumn),
          conditions: [{ field: 'deal_id', operator: 'is_set' }],
          actions: [{ type: 'update_related', object: 'deal', field: 'status', value: 'won' }, { type: 'notify_user', user: 'card_owner', message: 'Card done 🎉' }],
        }
      : rng.chance(0.5)
        ? {
            name: 'Overdue cards: remind the owner', trigger_type: 'due_date_passed', trigger_column_id: null,
            conditions: [{ field: 'column_id', operator: 'not_equals', value: idOf('board_column', this.columnOffsets[b] + doneColumn) }],
            actions: [{ type: 'send_whatsapp_template', to: 'card_owner', template: 'gorev_hatirlatma' }],
          }
        : {
            name: 'New card: assign round robin', trigger_type: 'card_created', trigger_column_id: null, conditions: [],
            actions: [{ type: 'assign_round_robin', users: [idOf('user', 1), idOf('user', 2), idOf('user', 3)] }],
          };
    return {
      record: {
        rule_id: idOf('board_automation_rule', r), board_id: idOf('process_board', b), name: rule.name, active: !rng.chance(0.2),
        trigger_type: rule.trigger_type, trigger_column_id: rule.trigger_column_id, conditions: JSON.stringify(rule.conditions),
        actions: JSON.stringify(rule.actions), created_by: this.owner(rng, 0), created_at: created, updated_at: at(created + rng.int(300) * DAY), custom: {},
      },
      extra: {},
    };
  }

  private workflowRecord(w: number): BuiltRecord {
    const rng = new Rng(this.seed, S.workflow, w);
    const stageOf = (stage: number) => (this.pipelines > 1 ? this.stageId(1, Math.min(stage, V.PIPELINES[1].stages.length - 1)) : null);
    const templates = [
      {
        name: 'Meta lead: assign and greet on WhatsApp', object: 'lead', trigger_type: 'form_submitted', trigger_field: null, trigger_value: null, schedule: null, pipeline: null,
        conditions: [{ field: 'source_platform', operator: 'equals', value: 'meta_instant_form' }],
        actions: [{ type: 'assign_round_robin', users: [idOf('user', 1), idOf('user', 2)] }, { type: 'send_whatsapp_template', template: 'hosgeldiniz_tr' }],
      },
      {
        name: 'Deposit paid: book travel task', object: 'deal', trigger_type: 'stage_changed', trigger_field: 'stage_id', trigger_value: stageOf(3), schedule: null, pipeline: 1,
        conditions: [{ field: 'amount', operator: 'greater_than', value: '1000' }],
        actions: [{ type: 'create_task', subject: 'Book hotel and transfer', due_in_days: 2, assign_to: 'deal_owner' }],
      },
      {
        name: 'Quote approved: e-mail the PDF', object: 'quote', trigger_type: 'field_changed', trigger_field: 'approval_status', trigger_value: 'approved', schedule: null, pipeline: null,
        conditions: [],
        actions: [{ type: 'send_email', template: 'quote_pdf', to: 'contact' }],
      },
      {
        name: 'Hot lead: tell the manager', object: 'lead', trigger_type: 'field_changed', trigger_field: 'lead_score', trigger_value: null, schedule: null, pipeline: null,
        conditions: [{ field: 'lead_score', operator: 'greater_or_equal', value: 70 }],
        actions: [{ type: 'notify_user', user: idOf('user', 0), message: 'Sıcak lead!' }],
      },
      {
        name: 'Weekday 09:00: stale deal reminder', object: 'deal', trigger_type: 'scheduled', trigger_field: null, trigger_value: null, schedule: '0 9 * * 1-5', pipeline: null,
        conditions: [{ field: 'updated_at', operator: 'older_than_days', value: 14 }, { field: 'status', operator: 'equals', value: 'open' }],
        actions: [{ type: 'notify_user', user: 'deal_owner', message: 'Deal idle for two weeks' }],
      },
      {
        name: 'Inbound WhatsApp: make sure a contact exists', object: 'contact', trigger_type: 'whatsapp_message_received', trigger_field: null, trigger_value: null, schedule: null, pipeline: null,
        conditions: [{ field: 'contact_id', operator: 'is_empty' }],
        actions: [{ type: 'create_record', object: 'contact', fields: { source_platform: 'whatsapp' } }, { type: 'set_field', field: 'lifecycle_stage', value: 'prospect' }],
      },
      {
        name: 'Order paid: mark the deal won', object: 'order', trigger_type: 'field_changed', trigger_field: 'payment_status', trigger_value: 'paid', schedule: null, pipeline: null,
        conditions: [],
        actions: [{ type: 'update_related', object: 'deal', field: 'status', value: 'won' }],
      },
      {
        name: 'German contact: owner by country', object: 'contact', trigger_type: 'record_created', trigger_field: null, trigger_value: null, schedule: null, pipeline: null,
        conditions: [{ field: 'country', operator: 'equals', value: 'DE' }],
        actions: [{ type: 'set_field', field: 'owner_id', value: idOf('user', 2) }, { type: 'set_field', field: 'language', value: 'de' }],
      },
    ];
    const t = templates[w % templates.length];
    const round = Math.floor(w / templates.length);
    const created = at(FIRST + rng.int(900) * DAY);
    const active = !rng.chance(0.2);
    const lastRun = active && rng.chance(0.9) ? at(LAST - rng.int(20 * DAY)) : null;
    return {
      record: {
        workflow_id: idOf('workflow_automation', w), name: round ? `${t.name} (${round + 1})` : t.name,
        description: rng.chance(0.5) ? null : 'Built by the agency during onboarding', object: t.object, active, trigger_type: t.trigger_type,
        trigger_field: t.trigger_field, trigger_value: t.trigger_value, schedule: t.schedule,
        pipeline_id: t.pipeline === null || t.pipeline >= this.pipelines ? null : idOf('pipeline', t.pipeline),
        conditions: JSON.stringify(t.conditions), actions: JSON.stringify(t.actions), created_by: this.owner(rng, 0),
        last_run_at: lastRun, run_count: lastRun === null ? 0 : rng.between(1, 20_000), created_at: created,
        updated_at: at(Math.max(created, lastRun ?? created) - rng.int(5) * DAY), custom: {},
      },
      extra: {},
    };
  }

  // ---- attachments -----------------------------------------------------------------------------------------

  /** Large files: at least two in any sample with a dozen attachments, one past each destination's limit. */
  private attachmentSize(f: number, rng: Rng): { size: number; large: boolean } {
    if (f === 3) return { size: 5 * 1024 * 1024 + rng.between(300_000, 9_000_000), large: true };
    if (f === 11) return { size: 38 * 1024 * 1024 + rng.between(1, 12_000_000), large: true };
    if (f > 11 && rng.chance(0.0015)) return { size: 5 * 1024 * 1024 + rng.between(1, 30_000_000), large: true };
    return { size: rng.between(180, 6000), large: false };
  }

  private attachmentRecord(f: number): BuiltRecord {
    const rng = new Rng(this.seed, S.attachment, f);
    const [kind, pattern, mime, parent] = rng.weighted(V.ATTACHMENT_KINDS.map((k) => [k, k[4]] as const));
    const orphan = rng.chance(0.008);
    const ids: Record<string, string | null> = { contact_id: null, deal_id: null, quote_id: null, order_id: null };
    let n: string;
    const count = this.good[parent];
    if (!count || orphan) {
      ids[`${parent}_id`] = goneId(parent, count, rng);
      n = rng.digits(4);
    } else {
      const p = rng.int(count);
      ids[`${parent}_id`] = idOf(parent, p);
      n = parent === 'quote' ? `Q-${String(p + 1).padStart(5, '0')}` : parent === 'order' ? `SO-${String(p + 1).padStart(6, '0')}` : String(p + 1);
      if (parent === 'quote') ids.deal_id = idOf('deal', this.quoteCore(p).deal);
    }
    const { size, large } = this.attachmentSize(f, rng);
    const fileName = pattern.replace('{n}', n);
    const id = idOf('attachment', f);
    const created = at(FIRST + rng.int(LAST - FIRST - DAY));
    const marks: string[] = [];
    if (orphan || !count) marks.push('orphan');
    if (large) marks.push('large-file');
    return {
      record: {
        attachment_id: id, file_name: fileName, mime_type: mime, size_bytes: size,
        file_path: `files/${String(Math.floor(f / 1000)).padStart(3, '0')}/${id}-${slug(fileName.replace(/\.[^.]+$/, '')) || 'file'}${fileName.match(/\.[^.]+$/)?.[0] ?? ''}`,
        kind, ...ids, uploaded_by: this.owner(rng, 0.03), created_at: created, updated_at: created, custom: {},
      },
      extra: {},
      marks,
    };
  }
}
