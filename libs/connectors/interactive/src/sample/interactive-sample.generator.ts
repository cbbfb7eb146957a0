import { mkdir, open, writeFile } from 'fs/promises';
import { join } from 'path';
import {
  API_ONLY_DIR,
  badValueOutcome,
  loadRecordSchema,
  sampleManifest,
  snakeCase,
  spreadAmongRows,
  withSampleFile,
  writeWithMalformed,
  type RejectCode,
  type SampleEmptiedValue,
  type SampleManifest,
  type SampleOptions,
} from '@ferry/connectors/core';
import { INTERACTIVE_STREAMS, interactiveStream, type InteractiveStream } from '../interactive.catalog';
import {
  activityContact,
  activityType,
  companyParent,
  contactCompany,
  dealStage,
  dealTimes,
  deletedId,
  duplicateOf,
  firstEntry,
  idOf,
  malformedId,
  ownerOf,
  planSample,
  S,
  stagePath,
  strideFor,
  userIdOf,
  type Link,
  type SamplePlan,
} from './interactive-sample.plan';
import { Rng } from './interactive-sample.random';
import {
  apiTime,
  asciiSlug,
  DAY,
  foreignPhone,
  iso,
  lifetime,
  moneyText,
  propertyDate,
  propertyTime,
  rewritePhone,
  stripAccents,
  usPhone,
} from './interactive-sample.values';
import * as V from './interactive-sample.vocabulary';

export interface InteractiveSampleOptions extends SampleOptions {
  /** about one row in this many is malformed, in every file; 0 for none; default 200 */
  malformedEvery?: number;
}

export const DEFAULT_MALFORMED_EVERY = 200;

type Defect =
  | 'bad-json'
  | 'missing-id'
  | 'missing-name'
  | 'missing-type'
  | 'bad-timestamp'
  | 'bad-date'
  | 'bad-boolean'
  | 'bad-number'
  | 'bad-decimal'
  | 'unknown-object';

const DEFECT_CODES: Readonly<Record<Defect, RejectCode>> = {
  'bad-json': 'BAD_JSON',
  'missing-id': 'MISSING_VALUE',
  'missing-name': 'MISSING_VALUE',
  'missing-type': 'MISSING_VALUE',
  'bad-timestamp': 'BAD_TIMESTAMP',
  'bad-date': 'BAD_DATE',
  'bad-boolean': 'BAD_BOOLEAN',
  'bad-number': 'BAD_NUMBER',
  'bad-decimal': 'BAD_DECIMAL',
  'unknown-object': 'BAD_RECORD',
};

const BAD_TIMES = ['yesterday', '2023-13-45T25:61:00Z', 'N/A', '32/01/2024 10:00', '2024-02-30T09:00:00Z', 'sometime in May'] as const;
const BAD_DATES = ['2024-02-30', '31/31/2024', 'next Tuesday', '2024-13-01', 'TBD', '0000-00-00'] as const;
const BAD_AMOUNTS = ['12k', 'TBD', '3,500.505', 'about $4000', '$1,23,456', '5000 + costs'] as const;
const BAD_NUMBERS = ['fifty', '45 min', '12 MB', 'high', '~20', 'n/a (see notes)'] as const;
const BAD_BOOLEANS = ['maybe', 'sometimes', 'Y/N', 'unsubscribed?'] as const;

/** Big objects are NDJSON in the API's item shape; the rest sit in small documents. */
type Item = Record<string, unknown>;

/** The deliberate mess, tallied as it is written, for the manifest's notes. */
class Mess {
  readonly tallies: Record<string, number> = {};
  readonly examples: Record<string, unknown[]> = {};
  /** malformed rows are built like good ones; their mess is not the sample's */
  quiet = false;

  count(what: string, example?: unknown): void {
    if (this.quiet) return;
    this.tallies[what] = (this.tallies[what] ?? 0) + 1;
    if (example !== undefined) {
      const list = (this.examples[what] ??= []);
      if (list.length < 20) list.push(example);
    }
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The item envelope the API (and the NDJSON export) wraps every record of the large objects in. */
function apiItem(rng: Rng, id: string, properties: Record<string, string | null>, created: number, updated: number): Item {
  return { id, properties, createdAt: apiTime(rng, created), updatedAt: apiTime(rng, updated), archived: false };
}

class Writer {
  readonly mess = new Mess();
  private lastDir = '';
  /** rows a reader must quarantine */
  readonly malformed: SampleManifest['malformed'] = [];
  /** bad values in optional fields, which a reader empties while keeping the row */
  readonly emptied: SampleEmptiedValue[] = [];
  readonly counts: Record<string, number> = {};

  constructor(
    readonly plan: SamplePlan,
    readonly out: string,
  ) {}

  // ---- references -------------------------------------------------------------------------------------

  owner(rng: Rng, stream: string): string | null {
    if (rng.chance(0.003)) {
      const id = deletedId('owner', rng.int(20));
      this.mess.count(`orphans.${stream}.owner_id`, id);
      return id;
    }
    const o = ownerOf(this.plan, rng);
    return o === null ? null : idOf('owner', o);
  }

  link(stream: string, field: string, parent: 'company' | 'contact' | 'deal' | 'matter' | 'note', l: Link): string | null {
    if (l === null) return null;
    if (typeof l === 'number') return idOf(parent, l);
    const id = deletedId(parent, l.deleted);
    this.mess.count(`orphans.${stream}.${field}`, id);
    return id;
  }

  /** A parent index, now and then one that was deleted. */
  maybeDeleted(rng: Rng, count: number, orphanChance: number): Link {
    if (count === 0) return null;
    return rng.chance(orphanChance) ? { deleted: rng.int(1000) } : rng.int(count);
  }

  // ---- the small documents ----------------------------------------------------------------------------

  ownerItem(i: number): Item {
    const o = this.plan.owners[i];
    const rng = Rng.row(this.plan.seed, S.ownerOf, i);
    const [created, updated] = lifetime(rng);
    if (!o.active) this.mess.count('owners.inactive', idOf('owner', i));
    if (!o.user) this.mess.count('owners.neverUsers', idOf('owner', i));
    return {
      id: idOf('owner', i),
      email: o.email,
      firstName: o.firstName,
      lastName: o.lastName,
      userId: o.user ? userIdOf(i) : null,
      active: o.active,
      team: o.team,
      createdAt: iso(created),
      updatedAt: iso(updated),
    };
  }

  /** When each pipeline was set up: the default one with the account, the others later. */
  private pipelineTimes(i: number): [number, number] {
    const rng = Rng.row(this.plan.seed, S.pipeline, i);
    const created = Date.UTC(2017, 0, 3, 15, 0, 0) + i * 300 * DAY + rng.int(90 * DAY);
    return [created, created + rng.between(1, 60) * DAY];
  }

  pipelineItems(): Item[] {
    return V.PIPELINES.map((p, i) => {
      const [created, updated] = this.pipelineTimes(i);
      return { id: p.id, label: p.label, objectType: 'deal', displayOrder: i, createdAt: iso(created), updatedAt: iso(updated) };
    });
  }

  stageItems(): Item[] {
    return V.PIPELINES.flatMap((p, i) => {
      const [created, updated] = this.pipelineTimes(i);
      return p.stages.map((s, order) => ({
        id: s.id,
        pipelineId: p.id,
        label: s.label,
        displayOrder: order,
        // The default pipeline's probabilities come as numbers, later ones as text, as they were entered.
        probability: i === 0 ? s.probability : String(s.probability),
        isClosed: s.closed,
        createdAt: iso(created),
        updatedAt: iso(updated + order * 3_600_000),
      }));
    });
  }

  workflowItem(w: number): Item {
    const def = V.WORKFLOWS[w];
    const rng = Rng.row(this.plan.seed, S.workflow, w);
    const [created, updated] = lifetime(rng);
    const ownerRef = (v: unknown): unknown => (typeof v === 'string' && /^#\d+$/.test(v) ? idOf('owner', Number(v.slice(1))) : v);
    const actions = def.actions.map((a) => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, Array.isArray(v) ? v.map(ownerRef) : ownerRef(v)])));
    return {
      id: idOf('workflow', w),
      name: def.name,
      objectType: def.objectType,
      enabled: def.enabled,
      revision: rng.between(1, 40),
      trigger: def.trigger,
      conditions: def.conditions,
      actions,
      createdAt: iso(created),
      updatedAt: iso(updated),
    };
  }

  // ---- companies --------------------------------------------------------------------------------------

  company(p: number, rng: Rng): Item {
    const foreign = rng.chance(0.05);
    const [kind, industry, type] = rng.pick(V.COMPANY_KINDS);
    const stem = rng.chance(0.6) ? rng.pick(V.COMPANY_STEMS) : rng.pick(V.LAST_NAMES);
    const name = foreign ? rng.pick(V.FOREIGN_COMPANIES) : rng.chance(0.15) ? `${stem} & ${rng.pick(V.LAST_NAMES)} ${kind}` : `${stem} ${kind}`;
    const parent = companyParent(this.plan, p);
    if (parent !== null) this.mess.count('companies.parentAfterChild');
    const city = rng.pick(V.US_CITIES);
    const abroad = foreign ? rng.pick(V.ABROAD) : null;
    const currency = foreign ? rng.pick(['EUR', 'TRY', 'AED', 'GBP']) : 'USD';
    const slug = asciiSlug(stem) || `firm${rng.digits(4)}`;
    const [created, updated] = lifetime(rng);
    const props: Record<string, string | null> = {
      name: rng.chance(0.03) ? `${name}  ` : name,
      domain: rng.chance(0.15) ? null : rng.chance(0.05) ? `https://www.${slug}.example/` : `${slug}.example`,
      phone: rng.chance(0.1) ? null : abroad ? foreignPhone(rng, abroad[2]) : usPhone(rng, city[3]),
      industry: rng.chance(0.1) ? null : industry,
      company_type: type,
      employee_count: rng.chance(0.25) ? null : String(rng.weighted([[rng.between(1, 20), 60], [rng.between(21, 250), 30], [rng.between(251, 5000), 10]])),
      annual_revenue: rng.chance(0.4) ? null : moneyText(rng, rng.between(200, 90_000) * 100_000, currency),
      currency,
      parent_company_id: parent === null ? null : idOf('company', parent),
      owner_id: this.owner(rng, 'company'),
      street_address: rng.chance(0.2) ? null : `${rng.between(10, 9999)} ${rng.pick(V.STREET_NAMES)} ${rng.pick(V.STREET_TYPES)}`,
      city: abroad ? abroad[0] : city[0],
      state: abroad ? null : city[1],
      postal_code: abroad ? null : `${city[2]}${rng.digits(2)}`,
      country: abroad ? abroad[1] : rng.pick(['US', 'USA', 'United States', null]),
      partner_tier: type === 'PARTNER' ? rng.pick(['Gold', 'Silver', 'Bronze']) : null,
      referral_count: type === 'PARTNER' ? String(rng.between(0, 40)) : null,
    };
    return apiItem(rng, idOf('company', p), props, created, updated);
  }

  // ---- contacts ---------------------------------------------------------------------------------------

  person(j: number): { first: string; last: string; email: string | null; phone: string | null; script: 'latin' | 'other' | 'odd' } {
    const rng = Rng.row(this.plan.seed, S.person, j);
    const script = rng.weighted<'latin' | 'other' | 'odd'>([['latin', 84], ['other', 10], ['odd', 6]]);
    let first: string;
    let last: string;
    if (script === 'other') [first, last] = rng.pick(V.NON_LATIN_NAMES);
    else {
      first = script === 'odd' ? rng.pick(V.ODD_FIRST_NAMES) : rng.pick(V.FIRST_NAMES);
      last = rng.pick(V.LAST_NAMES);
    }
    let email: string | null = null;
    const e = rng.next();
    if (e >= 0.06 && e < 0.09) email = rng.pick(V.BAD_EMAILS);
    else if (e >= 0.09) {
      const handle = `${asciiSlug(first)}.${asciiSlug(last)}`;
      const local = script === 'other' || handle.length < 4 ? `client${rng.digits(5)}` : rng.chance(0.3) ? `${handle}${rng.between(1, 99)}` : handle;
      email = `${local}@${rng.pick(V.PERSONAL_MAIL_DOMAINS)}`;
    }
    let phone: string | null = null;
    const ph = rng.next();
    if (ph >= 0.1 && ph < 0.13) phone = rng.pick(V.BAD_PHONES);
    else if (ph >= 0.13) phone = rng.chance(0.9) ? usPhone(rng, rng.pick(V.US_CITIES)[3]) : foreignPhone(rng, rng.pick(V.ABROAD)[2]);
    return { first, last, email, phone, script };
  }

  contact(j: number, rng: Rng): Item {
    const root = firstEntry(this.plan, j);
    const base = this.person(root);
    let { first, last, email, phone } = base;
    const dupOf = root === j ? null : duplicateOf(this.plan, j);
    if (dupOf !== null && (base.email || base.phone)) {
      this.mess.count('contacts.duplicates', [idOf('contact', dupOf), idOf('contact', j)]);
      [first, last] = respell(rng, first, last);
      if (email && rng.chance(0.35)) email = rng.chance(0.5) ? email.toUpperCase() : ` ${email[0].toUpperCase()}${email.slice(1)}`;
      if (phone && (!email || rng.chance(0.5))) phone = rewritePhone(phone);
    } else if (dupOf !== null) {
      ({ first, last, email, phone } = this.person(j));
    }
    if (email === null) this.mess.count('contacts.noEmail');
    else if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim())) this.mess.count('contacts.malformedEmail', email);
    if (base.script === 'other') this.mess.count('contacts.nonLatinName');

    let lifecycle: string | null;
    const l = rng.next();
    if (l < 0.05) {
      lifecycle = rng.pick(V.LEGACY_LIFECYCLE_VALUES);
      this.mess.count('contacts.legacyLifecycle', lifecycle);
    } else if (l < 0.08) {
      lifecycle = null;
      this.mess.count('contacts.noLifecycle');
    } else lifecycle = rng.weighted(V.LIFECYCLE_STAGES);
    let leadStatus: string | null = null;
    if (lifecycle !== null && /lead|mql|prospect|marketing/i.test(lifecycle)) leadStatus = rng.chance(0.85) ? rng.pick(V.LEAD_STATUSES) : null;
    else if (lifecycle === 'customer' && rng.chance(0.05)) {
      leadStatus = rng.pick(['NEW', 'OPEN']);
      this.mess.count('contacts.customerWithOpenLeadStatus', idOf('contact', j));
    }
    const [created, updated] = lifetime(rng);
    const abroad = rng.chance(0.1) ? rng.pick(V.ABROAD) : null;
    const city = rng.pick(V.US_CITIES);
    const customerDay = Math.floor((created + rng.int(Math.max(1, updated - created))) / DAY);
    const props: Record<string, string | null> = {
      first_name: rng.chance(0.02) ? null : first,
      last_name: rng.chance(0.01) ? null : last,
      email,
      phone,
      mobile_phone: rng.chance(0.2) ? usPhone(rng, city[3]) : null,
      job_title: rng.chance(0.4) ? null : rng.pick(V.JOB_TITLES),
      lifecycle_stage: lifecycle,
      lead_status: leadStatus,
      lead_source: rng.chance(0.15) ? null : rng.weighted(V.LEAD_SOURCES),
      primary_company_id: this.link('contact', 'primary_company_id', 'company', contactCompany(this.plan, j)),
      owner_id: this.owner(rng, 'contact'),
      street_address: rng.chance(0.3) ? null : `${rng.between(10, 19999)} ${rng.pick(V.STREET_NAMES)} ${rng.pick(V.STREET_TYPES)}`,
      city: abroad ? abroad[0] : city[0],
      state: abroad ? null : city[1],
      postal_code: abroad ? null : `${city[2]}${rng.digits(2)}`,
      country: abroad ? abroad[1] : rng.chance(0.5) ? 'US' : null,
      do_not_email: rng.chance(0.5) ? null : rng.pick(['true', 'false', 'false', 'false', 'Yes', 'no']),
      last_contacted_at: rng.chance(0.3) ? null : propertyTime(rng, created + rng.int(Math.max(1, updated - created))),
      became_customer_on: lifecycle === 'customer' && rng.chance(0.8) ? propertyDate(rng, customerDay) : null,
      estate_plan_type: rng.chance(0.5) ? rng.pick(V.ESTATE_PLAN_TYPES) : null,
      marital_status: rng.chance(0.4) ? null : rng.pick(V.MARITAL_STATUSES),
      number_of_children: rng.chance(0.5) ? null : String(rng.between(0, 6)),
      seminar_attended: rng.chance(0.75) ? null : propertyDate(rng, Math.floor(created / DAY) - rng.int(60)),
      veteran: rng.chance(0.8) ? null : rng.pick(['Yes', 'No', 'Y', 'Spouse']),
      preferred_language: base.script === 'other' || abroad ? rng.pick(V.LANGUAGES) : rng.chance(0.05) ? 'Spanish' : null,
    };
    return apiItem(rng, idOf('contact', j), props, created, updated);
  }

  // ---- deals, matters ---------------------------------------------------------------------------------

  deal(k: number, rng: Rng): Item {
    const { pipeline, stage } = dealStage(this.plan, k);
    const s = pipeline.stages[stage];
    const types = V.MATTER_TYPES.filter((t) => t[1] === pipeline.id);
    const [matterType, , lo, hi] = rng.pick(types);
    const pack = rng.pick(V.PLAN_PACKAGES);
    const who = rng.chance(0.1) ? rng.pick(V.NON_LATIN_NAMES)[1] : rng.pick(V.LAST_NAMES);
    const currency = rng.chance(0.93) ? 'USD' : rng.pick(['EUR', 'GBP', 'TRY']);
    const [created, updated] = dealTimes(this.plan, k);
    const closeDay = Math.floor(created / DAY) + rng.between(14, 200);
    const name = rng.pick([`${who} Family – ${pack}`, `${who} – ${matterType}`, `${who}, ${rng.pick(V.FIRST_NAMES)}: ${matterType}`]);
    const props: Record<string, string | null> = {
      name: rng.chance(0.01) ? `${name} 🎉` : name,
      amount: rng.chance(0.06) ? null : moneyText(rng, rng.between(lo, hi) * 100 + (rng.chance(0.2) ? rng.int(100) : 0), currency),
      currency: rng.chance(0.05) ? null : currency,
      close_date: rng.chance(0.1) ? null : propertyDate(rng, closeDay),
      pipeline_id: pipeline.id,
      stage_id: s.id,
      owner_id: this.owner(rng, 'deal'),
      company_id: rng.chance(0.6) ? null : this.link('deal', 'company_id', 'company', this.maybeDeleted(rng, this.plan.good.company, 0.005)),
      deal_type: rng.chance(0.2) ? null : rng.weighted([['newbusiness', 80], ['existingbusiness', 20]]),
      priority: rng.chance(0.5) ? null : rng.pick(['low', 'medium', 'high']),
      closed_lost_reason: s.closed && s.probability === 0 && rng.chance(0.7) ? rng.pick(V.CLOSED_LOST_REASONS) : null,
      description: rng.chance(0.7) ? null : rng.pick(V.NOTE_BODIES).replace('{other}', idOf('contact', rng.int(this.plan.good.contact))),
      plan_package: rng.chance(0.3) ? null : pack,
      retainer_received: rng.chance(0.5) ? null : rng.pick(['Yes', 'No', 'Partial']),
    };
    return apiItem(rng, idOf('deal', k), props, created, updated);
  }

  matter(m: number, rng: Rng): Item {
    const [type, , lo, hi] = rng.pick(V.MATTER_TYPES);
    const who = rng.chance(0.1) ? rng.pick(V.NON_LATIN_NAMES)[1] : rng.pick(V.LAST_NAMES);
    const [created, updated] = lifetime(rng);
    const currency = rng.chance(0.95) ? 'USD' : 'EUR';
    const signing = Math.floor(created / DAY) + rng.between(20, 120);
    const status = rng.weighted(V.MATTER_STATUSES);
    const signed = status === 'Signed' || status === 'Funding' || status === 'Closed';
    const year = new Date(created).getUTCFullYear();
    const props: Record<string, string | null> = {
      matter_number: `${type.startsWith('Trust Admin') || type === 'Probate' ? 'TA' : type.startsWith('Medicaid') || type.startsWith('VA') ? 'EL' : 'EP'}-${year}-${pad(m + 1, 5)}`,
      name: `${who} ${type}`,
      matter_type: type,
      status,
      estate_value: rng.chance(0.3) ? null : moneyText(rng, rng.between(150, 12_000) * 1_000_00, currency),
      flat_fee: moneyText(rng, rng.between(lo, hi) * 100, currency),
      currency,
      signing_date: signed ? propertyDate(rng, signing) : null,
      review_date: signed && rng.chance(0.7) ? propertyDate(rng, signing + 365) : null,
      answer_file: rng.chance(0.4) ? null : `${asciiSlug(who) || 'client'}_${type.replace(/[^A-Za-z]+/g, '')}_${year}.anx`,
      company_id: rng.chance(0.65) ? null : this.link('matter', 'company_id', 'company', this.maybeDeleted(rng, this.plan.good.company, 0.005)),
      owner_id: this.owner(rng, 'matter'),
      court_county: rng.chance(0.6) ? null : rng.pick(['Travis', 'Harris', 'Maricopa', 'Collier', 'Palm Beach', 'Sarasota', 'Mecklenburg']),
      hotdocs_template_version: rng.chance(0.5) ? null : rng.pick(['2019.2', '2021.1', '2023.4', 'legacy']),
    };
    return apiItem(rng, idOf('matter', m), props, created, updated);
  }

  // ---- activities, notes, attachments -----------------------------------------------------------------

  activity(i: number, rng: Rng): Item {
    const type = activityType(this.plan, i);
    const contact = activityContact(this.plan, i);
    const [created, updated] = lifetime(rng);
    const when = created - rng.int(3 * DAY);
    const personName = contact === null ? 'there' : this.person(firstEntry(this.plan, contact)).first;
    const props: Record<string, string | null> = { activity_type: type };
    switch (type) {
      case 'CALL':
        Object.assign(props, {
          subject: rng.pick(V.CALL_SUBJECTS),
          body: rng.chance(0.3) ? null : rng.pick(V.CALL_NOTES),
          status: 'COMPLETED',
          direction: rng.weighted([['OUTBOUND', 70], ['INBOUND', 30]]),
          outcome: rng.pick(V.CALL_OUTCOMES),
          occurred_at: propertyTime(rng, when),
          duration_ms: String(rng.between(0, 45 * 60) * 1000),
        });
        break;
      case 'EMAIL':
        Object.assign(props, {
          subject: rng.pick(V.EMAIL_SUBJECTS),
          body: rng.pick(V.EMAIL_BODIES).replace('{name}', personName),
          status: rng.pick(['SENT', 'SENT', 'BOUNCED', 'RECEIVED']),
          direction: rng.weighted([['OUTBOUND', 60], ['INBOUND', 40]]),
          occurred_at: propertyTime(rng, when),
        });
        break;
      case 'MEETING':
        Object.assign(props, {
          subject: rng.pick(V.MEETING_SUBJECTS),
          body: rng.chance(0.5) ? null : '<p>Agenda:</p><ol><li>Family goals</li><li>Assets &amp; titling</li><li>Fiduciaries</li></ol>',
          outcome: rng.pick(['SCHEDULED', 'COMPLETED', 'COMPLETED', 'NO_SHOW', 'RESCHEDULED', 'CANCELED']),
          occurred_at: propertyTime(rng, when),
          duration_ms: String(rng.pick([30, 45, 60, 90, 120]) * 60_000),
          meeting_location: rng.pick(['Office', 'Zoom', 'Client home', 'Assisted living facility', null]),
        });
        break;
      default:
        Object.assign(props, {
          subject: rng.pick(V.TASK_SUBJECTS),
          status: rng.pick(['NOT_STARTED', 'IN_PROGRESS', 'WAITING', 'COMPLETED', 'COMPLETED']),
          due_at: rng.chance(0.15) ? null : propertyTime(rng, when + rng.between(1, 14) * DAY),
          task_priority: rng.pick(['LOW', 'MEDIUM', 'HIGH', null]),
        });
    }
    props.owner_id = this.owner(rng, 'activity');
    props.contact_id = contact === null ? null : idOf('contact', contact);
    props.company_id = contact === null || rng.chance(0.06) ? idOf('company', rng.int(this.plan.good.company)) : null;
    props.deal_id = rng.chance(0.35) ? this.link('activity', 'deal_id', 'deal', this.maybeDeleted(rng, this.plan.good.deal, 0.005)) : null;
    return apiItem(rng, idOf('activity', i), props, created, updated);
  }

  note(n: number, rng: Rng): Item {
    const [created, updated] = lifetime(rng);
    let body: string = rng.pick(V.NOTE_BODIES);
    body = body.replace('{other}', idOf('contact', rng.int(this.plan.good.contact)));
    if (body.includes('<img')) this.mess.count('notes.inlineImages');
    const props: Record<string, string | null> = { body, owner_id: this.owner(rng, 'note') };
    const parent = rng.weighted<'contact' | 'deal' | 'company' | 'matter'>([['contact', 55], ['deal', 20], ['company', 10], ['matter', 15]]);
    const counts = { contact: this.plan.good.contact, deal: this.plan.good.deal, company: this.plan.good.company, matter: this.plan.good.matter };
    props[`${parent}_id`] = this.link('note', `${parent}_id`, parent, this.maybeDeleted(rng, counts[parent], 0.008));
    if (parent === 'deal' && rng.chance(0.4)) props.contact_id = idOf('contact', rng.int(this.plan.good.contact));
    return apiItem(rng, idOf('note', n), props, created, updated);
  }

  async attachment(a: number, rng: Rng): Promise<Item> {
    const id = idOf('attachment', a);
    // A few of each, and always one of each early on, so even a small sample has them.
    const large = a === 3 || rng.chance(1 / 150);
    const [smallName, smallMime, lo, hi] = rng.pick(V.ATTACHMENT_FILES);
    const [largeName, largeMime] = rng.pick(V.LARGE_FILES);
    const name = large ? largeName : smallName;
    const mime = large ? largeMime : smallMime;
    const size = large ? rng.between(6, 64) * 1_048_576 + rng.int(1_048_576) : rng.between(lo, hi);
    const dir = `files/${Math.floor(a / 1000)}`;
    const path = `${dir}/${id}-${name}`;
    if (!large && (a === 5 || rng.chance(1 / 300))) this.mess.count('attachments.missingFile', id);
    else {
      if (dir !== this.lastDir) {
        await mkdir(join(this.out, dir), { recursive: true });
        this.lastDir = dir;
      }
      if (large) {
        this.mess.count('attachments.tooLarge', { attachment_id: id, path, size_bytes: size });
        // Sparse: the declared size is real on disk without filling it.
        const fh = await open(join(this.out, path), 'w');
        try {
          await fh.truncate(size);
        } finally {
          await fh.close();
        }
      } else await writeFile(join(this.out, path), fileBytes(id, name, size));
    }
    const [created, updated] = lifetime(rng);
    const parent = rng.weighted<'note' | 'contact' | 'deal' | 'matter'>([['note', 30], ['contact', 35], ['deal', 20], ['matter', 15]]);
    const counts = { note: this.plan.good.note, contact: this.plan.good.contact, deal: this.plan.good.deal, matter: this.plan.good.matter };
    const item: Item = {
      id,
      fileName: name,
      mimeType: rng.chance(0.05) ? null : mime,
      sizeBytes: size,
      path,
      url: `https://files.interactive.example/portal/4471/${id}/${encodeURIComponent(name)}`,
      noteId: null,
      contactId: null,
      companyId: null,
      dealId: null,
      matterId: null,
      uploadedBy: this.owner(rng, 'attachment'),
      createdAt: apiTime(rng, created),
      updatedAt: apiTime(rng, updated),
    };
    item[`${parent}Id`] = this.link('attachment', `${parent}_id`, parent, this.maybeDeleted(rng, counts[parent], 0.006));
    return item;
  }

  // ---- associations -----------------------------------------------------------------------------------

  /** Association rows in file order: primary company links, further company links, deal, matter and meeting links. */
  associations(): () => Item {
    const { plan } = this;
    const { links } = plan;
    const contacts = plan.good.contact;
    const companies = plan.good.company;
    const contactStride = strideFor(contacts);
    let j = -1;
    let t = 0;
    const row = (from: string, fromId: string, to: string, toId: string, label: string | null, primary: boolean | null): Item => {
      const item: Item = { fromObjectType: from, fromObjectId: fromId, toObjectType: to, toObjectId: toId, label };
      if (primary !== null) item.primary = primary;
      return item;
    };
    return () => {
      const i = t++;
      if (i < links.primary) {
        let c: Link = null;
        while (c === null) c = contactCompany(plan, ++j);
        return row('contact', idOf('contact', j), 'company', this.link('association', 'company_id', 'company', c)!, 'Primary', true);
      }
      let r = i - links.primary;
      if (r < links.extra) {
        const contact = (r * contactStride + 17) % contacts;
        const rng = Rng.row(plan.seed, S.association, i);
        const primary = contactCompany(plan, contact);
        const other = typeof primary === 'number' ? (primary + 1 + rng.int(Math.max(1, companies - 1))) % companies : rng.int(companies);
        this.mess.count('contacts.furtherCompanies');
        return row('contact', idOf('contact', contact), 'company', idOf('company', other), rng.pick(V.COMPANY_LABELS), false);
      }
      r -= links.extra;
      if (r < links.dealContact) {
        const deals = plan.good.deal;
        const deal = r % deals;
        const round = Math.floor(r / deals);
        const rng = Rng.row(plan.seed, S.association, i);
        const first = Rng.row(plan.seed, S.association, -1 - deal).int(contacts);
        if (round === 0 && rng.chance(0.004)) {
          return row('deal', idOf('deal', deal), 'contact', this.link('association', 'contact_id', 'contact', { deleted: rng.int(1000) })!, null, null);
        }
        const contact = (first + round * contactStride) % contacts;
        return row('deal', idOf('deal', deal), 'contact', idOf('contact', contact), round === 0 ? rng.weighted(V.DEAL_CONTACT_LABELS) : 'Spouse', null);
      }
      r -= links.dealContact;
      if (r < links.matterContact) {
        const matters = plan.good.matter;
        const matter = r % matters;
        const round = Math.floor(r / matters);
        const client = Rng.row(plan.seed, S.matter + 100, matter).int(contacts);
        const contact = round === 1 ? (client + 1) % contacts : (client + round * contactStride) % contacts;
        const label = round === 0 ? 'Client' : V.MATTER_ROLES[(round - 1) % V.MATTER_ROLES.length];
        return row('matter', idOf('matter', matter), 'contact', idOf('contact', contact), label, null);
      }
      r -= links.matterContact;
      const meetings = plan.meetings;
      const meeting = meetings[r % meetings.length];
      const round = Math.floor(r / meetings.length);
      const host = activityContact(plan, meeting) ?? Rng.row(plan.seed, S.association, -1 - meeting).int(contacts);
      const contact = (host + 1 + round * contactStride) % contacts;
      return row('activity', idOf('activity', meeting), 'contact', idOf('contact', contact), 'Attendee', null);
    };
  }

  // ---- deal stage history (API only) ------------------------------------------------------------------

  historyRows(): () => Item {
    let k = 0;
    let path = stagePath(this.plan, 0);
    let step = 0;
    let n = 0;
    return () => {
      while (step >= path.length) {
        k++;
        path = stagePath(this.plan, k);
        step = 0;
      }
      const { pipeline } = dealStage(this.plan, k);
      const [created, updated] = dealTimes(this.plan, k);
      const rng = Rng.row(this.plan.seed, S.history, 1_000_000_000 + n);
      const span = Math.max(1, updated - created);
      const at = path.length === 1 ? created : created + Math.floor((span * step) / (path.length - 1 || 1));
      const imported = path.length === 1 && step === 0;
      const owner = ownerOf(this.plan, rng);
      const item: Item = {
        history_id: idOf('deal_stage_history', n),
        deal_id: idOf('deal', k),
        pipeline_id: pipeline.id,
        stage_id: pipeline.stages[path[step]].id,
        entered_at: at,
        change_source: imported ? 'IMPORT' : rng.weighted([['CRM_UI', 70], ['WORKFLOW', 20], ['API', 10]]),
        changed_by: imported || owner === null ? null : idOf('owner', owner),
        custom: {},
      };
      step++;
      n++;
      return item;
    };
  }

  // ---- malformed rows ---------------------------------------------------------------------------------

  /** A row of `stream` broken in exactly one way, and the reject code a reader must give it. */
  /** Malformed row k: its text, its defect and, for a value defect, the key it spoiled and the value written. */
  malformedRow(stream: InteractiveStream, k: number, defects: readonly Defect[]): { text: string; defect: Defect; bad: { key: string; value: string } | null } {
    const rng = Rng.row(this.plan.seed, S.bad + INTERACTIVE_STREAMS.findIndex((s) => s.name === stream), k);
    const defect = defects[k % defects.length];
    this.mess.quiet = true;
    let item: Item;
    try {
      item = this.goodShapedItem(stream, k, rng);
    } finally {
      this.mess.quiet = false;
    }
    const props = (item.properties as Record<string, string | null> | undefined) ?? item;
    let bad: { key: string; value: string } | null = null;
    const spoil = (target: Record<string, unknown>, key: string, value: string) => {
      target[key] = value;
      bad = { key, value };
    };
    switch (defect) {
      case 'bad-json': {
        const text = JSON.stringify(item);
        const cut = text.indexOf('","', Math.floor(text.length * 0.4));
        return { text: rng.chance(0.5) && cut > 0 ? text.slice(0, cut + 1) : text.replace(/"(\w+)":/, "'$1':"), defect, bad };
      }
      case 'missing-id':
        if (stream === 'association') item.toObjectId = rng.pick(['', null]);
        else item.id = rng.pick(['', '  ', null]);
        break;
      case 'missing-name':
      case 'missing-type':
        props[spoiled(defect, stream)] = rng.pick(['', '   ', null]);
        break;
      case 'bad-timestamp':
        if (stream === 'activity') spoil(props, 'occurred_at', rng.pick(BAD_TIMES));
        else spoil(item, 'updatedAt', rng.pick(BAD_TIMES));
        break;
      case 'bad-date':
        spoil(props, spoiled(defect, stream), rng.pick(BAD_DATES));
        break;
      case 'bad-boolean':
        spoil(props, spoiled(defect, stream), rng.pick(BAD_BOOLEANS));
        break;
      case 'bad-number':
        spoil(props, spoiled(defect, stream), rng.pick(BAD_NUMBERS));
        break;
      case 'bad-decimal':
        spoil(props, spoiled(defect, stream), rng.pick(BAD_AMOUNTS));
        break;
      case 'unknown-object':
        item.toObjectType = rng.pick(['ticket', 'quote', 'line_item']);
        break;
    }
    return { text: JSON.stringify(item), defect, bad };
  }

  /** A plausible row for a malformed slot: built like a good one, under an id nothing references. */
  private goodShapedItem(stream: InteractiveStream, k: number, rng: Rng): Item {
    const id = stream === 'association' || stream === 'pipeline' || stream === 'pipeline_stage' ? null : malformedId(stream, k);
    let item: Item;
    switch (stream) {
      case 'owner':
        item = { ...this.ownerItem(rng.int(this.plan.owners.length)) };
        break;
      case 'pipeline':
        return { ...this.pipelineItems()[0], id: `9900${k}` };
      case 'pipeline_stage':
        return { ...this.stageItems()[rng.int(4)], id: `9901${k}` };
      case 'workflow':
        item = this.workflowItem(rng.int(V.WORKFLOWS.length));
        break;
      case 'company':
        item = this.company(rng.int(this.plan.good.company), rng);
        break;
      case 'contact':
        item = this.contact(rng.int(this.plan.good.contact), rng);
        break;
      case 'deal':
        item = this.deal(rng.int(this.plan.good.deal), rng);
        break;
      case 'matter':
        item = this.matter(rng.int(this.plan.good.matter), rng);
        break;
      case 'activity':
        item = this.activity(rng.int(this.plan.good.activity), rng);
        break;
      case 'note':
        item = this.note(rng.int(this.plan.good.note), rng);
        break;
      case 'attachment': {
        const [name, mime, lo] = rng.pick(V.ATTACHMENT_FILES);
        const [created, updated] = lifetime(rng);
        return {
          id,
          fileName: name,
          mimeType: mime,
          sizeBytes: lo,
          path: `files/unreadable/${id}-${name}`,
          url: null,
          contactId: idOf('contact', rng.int(this.plan.good.contact)),
          uploadedBy: null,
          createdAt: iso(created),
          updatedAt: iso(updated),
        };
      }
      case 'association':
        return {
          fromObjectType: 'contact',
          fromObjectId: idOf('contact', rng.int(this.plan.good.contact)),
          toObjectType: 'company',
          toObjectId: idOf('company', rng.int(this.plan.good.company)),
          label: rng.pick(V.COMPANY_LABELS),
          primary: false,
        };
      default:
        throw new Error(`no malformed rows are written for ${stream}`);
    }
    if (id !== null) item.id = id;
    return item;
  }
}

/** The same name typed again by someone else: a nickname, accents dropped, capitals, or first and last swapped. */
function respell(rng: Rng, first: string, last: string): [string, string] {
  const ways: Array<() => [string, string]> = [
    () => [rng.pick(V.NAME_VARIANTS[first] ?? [stripAccents(first)]), last],
    () => [stripAccents(first), stripAccents(last)],
    () => [first, last.toUpperCase()],
    () => [last, first],
    () => [first.toLowerCase(), last.toLowerCase()],
  ];
  const start = rng.int(ways.length);
  for (let i = 0; i < ways.length; i++) {
    const [f, l] = ways[(start + i) % ways.length]();
    if (f.trim() !== first.trim() || l.trim() !== last.trim()) return [rng.chance(0.2) ? `${f} ` : f, l];
  }
  return [first, `${last} Jr.`];
}

/** Bytes for a small attachment: the file type's signature, then filler naming the record. */
function fileBytes(id: string, name: string, size: number): Buffer {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  const magic: Record<string, string> = { pdf: '%PDF-1.4\n', jpg: '\xff\xd8\xff\xe0', docx: 'PK\x03\x04', xlsx: 'PK\x03\x04', zip: 'PK\x03\x04' };
  const head = Buffer.from(magic[ext] ?? '', 'latin1');
  const body = Buffer.alloc(Math.max(0, size - head.length), `${id} ${name}\n`);
  return Buffer.concat([head, body], size);
}

/** The property (or export key) each value defect spoils, per stream. */
const SPOILED: Readonly<Partial<Record<Defect, Partial<Record<InteractiveStream, string>>>>> = {
  'missing-name': { company: 'name', deal: 'name', attachment: 'fileName', pipeline: 'label' },
  'missing-type': { activity: 'activity_type' },
  'bad-date': { contact: 'became_customer_on', deal: 'close_date', matter: 'signing_date' },
  'bad-boolean': { contact: 'do_not_email', association: 'primary', owner: 'active' },
  'bad-number': { company: 'employee_count', activity: 'duration_ms', attachment: 'sizeBytes', pipeline_stage: 'probability' },
  'bad-decimal': { company: 'annual_revenue', deal: 'amount', matter: 'flat_fee' },
};

function spoiled(defect: Defect, stream: InteractiveStream): string {
  const field = SPOILED[defect]?.[stream];
  if (!field) throw new Error(`the sample has no ${defect} defect for ${stream}`);
  return field;
}

const DEFECTS: Readonly<Partial<Record<InteractiveStream, readonly Defect[]>>> = {
  owner: ['bad-boolean'],
  pipeline: ['missing-name'],
  pipeline_stage: ['bad-number'],
  workflow: ['bad-timestamp'],
  company: ['bad-json', 'missing-name', 'bad-number', 'bad-decimal', 'bad-timestamp'],
  contact: ['bad-json', 'missing-id', 'bad-timestamp', 'bad-date', 'bad-boolean'],
  deal: ['bad-decimal', 'bad-json', 'bad-date', 'missing-name', 'bad-timestamp'],
  matter: ['bad-decimal', 'bad-date', 'bad-json', 'missing-id'],
  activity: ['bad-json', 'bad-number', 'missing-type', 'bad-timestamp'],
  note: ['bad-json', 'missing-id', 'bad-timestamp'],
  attachment: ['bad-number', 'missing-name', 'bad-json'],
  association: ['bad-json', 'bad-boolean', 'missing-id', 'unknown-object'],
};

/** The schema field an item key feeds: the association row's `primary` is `is_primary`; camelCase keys are snake_case fields. */
function schemaField(stream: InteractiveStream, key: string): string {
  return stream === 'association' && key === 'primary' ? 'is_primary' : snakeCase(key);
}

/** Lists a malformed row as a reject, or (one bad value in an optional field) as a value the reader empties. */
function placeBadRow(w: Writer, stream: InteractiveStream, file: string, line: number, defect: Defect, bad: { key: string; value: string } | null): void {
  if (bad === null) {
    w.malformed.push({ stream, file, line, code: DEFECT_CODES[defect] });
    return;
  }
  const field = schemaField(stream, bad.key);
  const outcome = badValueOutcome(loadRecordSchema('interactive', stream), field, bad.value, DEFECT_CODES[defect]);
  if ('reject' in outcome) w.malformed.push({ stream, file, line, code: outcome.reject });
  // 'read' (a flag a lenient reader takes) never comes up: none of the sample's bad flags is Y or N
  else if ('empty' in outcome) w.emptied.push({ stream, file, line, field, code: outcome.empty });
}

/** JSON documents number their items from 1, the way the reader reports them. */
export const JSON_FIRST_ITEM = 1;

async function writeDocument(w: Writer, stream: InteractiveStream, items: Item[]): Promise<void> {
  const file = interactiveStream(stream).export!.file;
  const bad = w.plan.bad[stream];
  const all = items.map((item) => JSON.stringify(item));
  for (let k = 0; k < bad; k++) {
    const at = Math.floor(((k + 1) * (all.length + 1)) / (bad + 1));
    const row = w.malformedRow(stream, k, DEFECTS[stream]!);
    if (row.defect === 'bad-json') throw new Error(`${file}: a JSON document cannot hold an item that is not JSON`);
    all.splice(at, 0, row.text);
    placeBadRow(w, stream, file, at + JSON_FIRST_ITEM, row.defect, row.bad);
  }
  await writeFile(join(w.out, file), `{"results":[\n${all.join(',\n')}\n],"paging":null}\n`);
  w.counts[stream] = all.length;
}

async function writeNdjson(w: Writer, stream: InteractiveStream, row: (i: number) => Item | Promise<Item>): Promise<void> {
  const file = interactiveStream(stream).export!.file;
  const good = w.plan.good[stream];
  const bad = w.plan.bad[stream];
  const total = good + bad;
  await withSampleFile(join(w.out, file), (out) =>
    writeWithMalformed(
      good,
      spreadAmongRows(good, bad),
      async (i) => out.row(JSON.stringify(await row(i))),
      async (k) => {
        const { text, defect, bad } = w.malformedRow(stream, k, DEFECTS[stream]!);
        placeBadRow(w, stream, file, out.line, defect, bad);
        await out.row(text);
      },
    ),
  );
  w.counts[stream] = total;
}

async function writeApiOnly(w: Writer, stream: InteractiveStream, row: () => Item): Promise<void> {
  await mkdir(join(w.out, API_ONLY_DIR), { recursive: true });
  await withSampleFile(join(w.out, API_ONLY_DIR, `${stream}.ndjson`), async (out) => {
    for (let i = 0; i < w.plan.good[stream]; i++) await out.row(JSON.stringify(row()));
  });
  w.counts[stream] = w.plan.good[stream];
}

/**
 * Writes a deterministic Interactive export of `records` rows in total, spread over every object, into `out`:
 * NDJSON in the API's item shape for the large objects, `{"results": [...]}` documents for the small ones,
 * attachment bytes under files/, and the API-only deal stage history under api-only/. Same seed and size,
 * same bytes. Rows stream out with backpressure, so memory stays flat at any size.
 */
export async function generateInteractiveSample(options: InteractiveSampleOptions): Promise<SampleManifest> {
  if (options.format !== undefined && options.format !== 'json' && options.format !== 'ndjson') {
    throw new RangeError(`Interactive exports are JSON (NDJSON for the large objects); there is no ${options.format} export`);
  }
  const plan = planSample(options.records, options.seed, options.malformedEvery ?? DEFAULT_MALFORMED_EVERY);
  await mkdir(options.out, { recursive: true });
  const w = new Writer(plan, options.out);
  const seeded = (stream: number, build: (i: number, rng: Rng) => Item | Promise<Item>) => (i: number) => build(i, Rng.row(plan.seed, stream, i));

  await writeDocument(w, 'owner', plan.owners.map((_, i) => w.ownerItem(i)));
  await writeDocument(w, 'pipeline', w.pipelineItems());
  await writeDocument(w, 'pipeline_stage', w.stageItems());
  await writeDocument(w, 'workflow', V.WORKFLOWS.map((_, i) => w.workflowItem(i)));
  await writeNdjson(w, 'company', seeded(S.company, (p, rng) => w.company(p, rng)));
  await writeNdjson(w, 'contact', seeded(S.contact, (j, rng) => w.contact(j, rng)));
  await writeNdjson(w, 'deal', seeded(S.deal, (k, rng) => w.deal(k, rng)));
  await writeNdjson(w, 'matter', seeded(S.matter, (m, rng) => w.matter(m, rng)));
  await writeNdjson(w, 'activity', seeded(S.activity, (i, rng) => w.activity(i, rng)));
  await writeNdjson(w, 'note', seeded(S.note, (n, rng) => w.note(n, rng)));
  await writeNdjson(w, 'attachment', seeded(S.attachment, (a, rng) => w.attachment(a, rng)));
  await writeNdjson(w, 'association', w.associations());
  await writeApiOnly(w, 'deal_stage_history', w.historyRows());

  const notes: Record<string, unknown> = {
    exportedAt: '2025-10-01T06:00:00.000Z',
    apiOnly: INTERACTIVE_STREAMS.filter((s) => !s.export).map((s) => `${API_ONLY_DIR}/${s.name}.ndjson`),
    links: plan.links,
  };
  for (const [what, n] of Object.entries(w.mess.tallies)) notes[what] = w.mess.examples[what] ? { count: n, examples: w.mess.examples[what] } : n;
  return sampleManifest('interactive', options.seed, w.counts, w.malformed, notes, w.emptied);
}
