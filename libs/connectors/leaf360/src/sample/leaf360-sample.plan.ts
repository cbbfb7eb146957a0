import { goodRowsIn, rowsFor, usPhoneSpelling } from '@ferry/connectors/core';
import { DEMO_LOAN_OFFICERS } from '@ferry/demo';
import { LEAF360_STREAMS, type Leaf360Stream } from '../leaf360.records';
import { SampleRandom } from './leaf360-sample.random';
import { REPORTS, WORKFLOWS } from './leaf360-sample.definitions';
import * as V from './leaf360-sample.vocabulary';

/**
 * What a sample holds, and the facts several files must agree on. Every fact is a pure function of the seed
 * and an index (a contact's company, a deal's stage and contact, a duplicate's original), so any file can
 * recompute what another file wrote without either being held in memory.
 */

/** Independent random streams; a row or a fact draws from (seed, stream, index). */
export const Stream = {
  company: 1,
  contact: 2,
  deal: 3,
  companyParent: 4,
  contactCompany: 5,
  contactOwner: 6,
  malformed: 7,
  contactPerson: 10,
  contactStatus: 11,
  contactDuplicate: 12,
  dealFacts: 13,
  user: 14,
  pipeline: 15,
  history: 16,
  engagement: 17,
  attachment: 18,
  referral: 19,
  workflow: 20,
  report: 21,
  fileBytes: 22,
} as const;

export interface SamplePlan {
  seed: number;
  /** good rows (items) per stream; 0 for a stream the sample does not write */
  good: Record<Leaf360Stream, number>;
  /** every this-many-th row of a file is malformed; 0 for none */
  malformedEvery: number;
  /** a file with fewer rows than malformedEvery still gets one malformed row (in its middle) */
  minOneBad: boolean;
  /**
   * Deals whose company was deleted, engagements whose contact was, and a company parent cycle: real exports
   * have them, and a route that waits for parents never settles them, so the demo's sample leaves them out.
   */
  brokenReferences: boolean;
}

export const DAY = 86_400_000;
export const FIRST_CREATED = Date.UTC(2019, 0, 1);
export const LAST_CREATED = Date.UTC(2025, 5, 30);
export const OFFICER_WEIGHTS: readonly (readonly [string, number])[] = DEMO_LOAN_OFFICERS.map((email, i) => [email, i < 5 ? 6 : 2] as const);

const pad = (n: number, width = 7) => String(n).padStart(width, '0');
export const companyId = (p: number) => `co_${pad(p + 1)}`;
export const contactId = (j: number) => `ct_${pad(j + 1)}`;
export const dealId = (k: number) => `dl_${pad(k + 1)}`;

// ---------------------------------------------------------------------------------------------------------
// How a total splits over the streams.

/** Reference data has a natural size that does not grow with the sample. */
export const FIXED_GOOD: Readonly<Partial<Record<Leaf360Stream, number>>> = {
  user: V.USERS.length,
  pipeline: V.PIPELINES.length,
  pipeline_stage: V.PIPELINES.reduce((n, p) => n + p.stages.length, 0),
  workflow: WORKFLOWS.length,
  report: REPORTS.length,
};

/** Shares of the rest (stage history follows from the deals' stages, engagements take what is left). */
const SHARES: Readonly<Partial<Record<Leaf360Stream, number>>> = { company: 10, contact: 40, deal: 20, attachment: 4, referral: 4 };
/** company + contact + deal + attachment + referral, about 3 history rows per deal, and engagements */
const SHARE_TOTAL = 198;

export const MIN_SAMPLE_RECORDS = 200;

/**
 * Good rows per stream for a sample of `records` rows in all (malformed rows count): reference data at its
 * natural size, the rest 10 : 40 : 20 companies, contacts and deals, the deals' stage history, a few
 * attachments and referrals, and engagements making up the total exactly.
 */
export function planSample(records: number, seed: number, malformedEvery: number, brokenReferences: boolean): SamplePlan {
  if (!Number.isInteger(records) || records < MIN_SAMPLE_RECORDS) {
    throw new RangeError(`a Leaf360 sample needs a whole number of at least ${MIN_SAMPLE_RECORDS} records (one of every object), got ${records}`);
  }
  const good = Object.fromEntries(LEAF360_STREAMS.map((s) => [s, 0])) as Record<Leaf360Stream, number>;
  const plan: SamplePlan = { seed, good, malformedEvery, minOneBad: true, brokenReferences };
  const fileRows = (s: Leaf360Stream) => (s === 'report' ? good[s] : rowsFor(plan, good[s]));
  let rest = records;
  for (const [s, n] of Object.entries(FIXED_GOOD) as [Leaf360Stream, number][]) {
    good[s] = n;
    rest -= fileRows(s);
  }
  let used = 0;
  for (const [s, share] of Object.entries(SHARES) as [Leaf360Stream, number][]) {
    const rows = Math.max(3, Math.round((rest * share) / SHARE_TOTAL));
    good[s] = goodRowsIn(plan, rows);
    used += rows;
  }
  good.deal_stage_history = historyRows(plan);
  used += fileRows('deal_stage_history');
  const engagementRows = rest - used;
  if (engagementRows < 3) throw new RangeError(`a Leaf360 sample of ${records} records leaves no room for engagements; ask for more`);
  good.engagement = goodRowsIn(plan, engagementRows);
  return plan;
}

// ---------------------------------------------------------------------------------------------------------
// Facts shared between files.

/**
 * Index into a parent file for the child at `index` of `count`: early children get late parents, so they
 * stream before the parent they need.
 */
export function mirrored(rng: SampleRandom, index: number, count: number, parents: number): number {
  const p = parents - 1 - Math.floor((index * parents) / Math.max(1, count)) + rng.between(-3, 3);
  return Math.min(parents - 1, Math.max(0, p));
}

/** Per-plan values every row asks for, worked out once. */
interface Derived {
  chain: number[];
  cycle: [number, number] | null;
  deletedCompanies: string[];
  deletedContacts: string[];
}

const derivedCache = new WeakMap<SamplePlan, Derived>();

function derived(plan: SamplePlan): Derived {
  let d = derivedCache.get(plan);
  if (!d) {
    const { company, contact } = plan.good;
    const start = Math.floor(company / 2);
    const a = Math.floor(company / 4);
    const deleted = (n: number, per: number, id: (i: number) => string) =>
      !plan.brokenReferences || n === 0 ? [] : Array.from({ length: Math.min(50, Math.max(1, Math.floor(n / per))) }, (_, i) => id(n + i));
    d = {
      chain: company < 12 ? [] : [start, start + 1, start + 2, start + 3, start + 4],
      cycle: !plan.brokenReferences || company < 20 ? null : [a, a + 1],
      deletedCompanies: deleted(company, 500, companyId),
      deletedContacts: deleted(contact, 2000, contactId),
    };
    derivedCache.set(plan, d);
  }
  return d;
}

/** Companies a chain of five parents deep (each the parent of the one before), always present once there are enough. */
export function parentChain(plan: SamplePlan): number[] {
  return derived(plan).chain;
}

/** Two companies that are each other's parent. */
export function parentCycle(plan: SamplePlan): [number, number] | null {
  return derived(plan).cycle;
}

/** A company's parent, always later in the file than the company (except in the cycle). */
export function companyParent(plan: SamplePlan, p: number): number | null {
  const chain = parentChain(plan);
  const inChain = chain.indexOf(p);
  if (inChain !== -1) return inChain < chain.length - 1 ? chain[inChain + 1] : null;
  const cycle = parentCycle(plan);
  if (cycle && (p === cycle[0] || p === cycle[1])) return p === cycle[0] ? cycle[1] : cycle[0];
  const companies = plan.good.company;
  const rng = SampleRandom.forRow(plan.seed, Stream.companyParent, p);
  if (p >= companies - 1 || !rng.chance(0.15)) return null;
  const parent = p + 1 + rng.int(companies - 1 - p);
  // Chain members and the cycle keep exactly the parents named above.
  return chain.includes(parent) || (cycle !== null && cycle.includes(parent)) ? null : parent;
}

/** Company ids the source deleted while records still point at them: just past the last written company. */
export function deletedCompanyIds(plan: SamplePlan): string[] {
  return derived(plan).deletedCompanies;
}

export function deletedContactIds(plan: SamplePlan): string[] {
  return derived(plan).deletedContacts;
}

export function contactCompany(plan: SamplePlan, j: number): number | null {
  const companies = plan.good.company;
  const rng = SampleRandom.forRow(plan.seed, Stream.contactCompany, j);
  if (companies === 0 || rng.chance(0.05)) return null;
  return rng.chance(0.6) ? mirrored(rng, j, plan.good.contact, companies) : rng.int(companies);
}

export function contactOwner(plan: SamplePlan, j: number): string | null {
  const rng = SampleRandom.forRow(plan.seed, Stream.contactOwner, j);
  return rng.chance(0.03) ? null : rng.weighted(OFFICER_WEIGHTS);
}

export function contactStatus(plan: SamplePlan, j: number): string {
  return SampleRandom.forRow(plan.seed, Stream.contactStatus, j).weighted(V.LOAN_STATUSES);
}

export interface Person {
  first: string;
  last: string;
  /** ascii first.last, '' for names in other scripts */
  handle: string;
  /** '' when the contact has none */
  email: string;
  phone: string;
  emailProblem: 'missing' | 'malformed' | null;
  phoneProblem: 'missing' | 'malformed' | null;
}

const UNDECOMPOSED: Record<string, string> = { ø: 'o', ł: 'l', ß: 'ss', æ: 'ae', đ: 'd', œ: 'oe' };
export const asciiSlug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[øłßæđœ]/g, (c) => UNDECOMPOSED[c])
    .replace(/[^a-z0-9]+/g, '');

export function phone(rng: SampleRandom, area: string): string {
  const mid = rng.between(200, 989);
  const last = rng.digits(4);
  return formatPhone(rng.int(4), area, String(mid), last);
}

export const formatPhone = usPhoneSpelling;

const MALFORMED_PHONES = ['555-01', 'ask front desk', '+1 (512) 555-01OO', '000-000-0000', '512555010', 'cell'];

function malformedEmail(rng: SampleRandom, local: string, domain: string): string {
  switch (rng.int(6)) {
    case 0:
      return `${local}@${domain.split('.')[0]}`;
    case 1:
      return `${local}@@${domain}`;
    case 2:
      return `${local.replace('.', ' ')}@${domain}`;
    case 3:
      return `${local} at ${domain}`;
    case 4:
      return `${local}@${domain}; ${local}.work@${domain}`;
    default:
      return rng.pick(['n/a', 'none', 'NO EMAIL', '-']);
  }
}

/** A contact's name, email and phone, apart from the rest of the row so a duplicate can copy them. */
export function contactPerson(plan: SamplePlan, j: number | null, rng = SampleRandom.forRow(plan.seed, Stream.contactPerson, j ?? 0)): Person {
  const kind = rng.weighted<number>([[0, 78], [1, 12], [2, 4], [3, 6]]);
  let first: string;
  let last: string;
  if (kind === 1) [first, last] = rng.pick(V.NON_LATIN_NAMES);
  else {
    first = kind === 2 ? rng.pick(V.EMOJI_FIRST_NAMES) : kind === 3 ? rng.pick(V.NICKNAMED_FIRST_NAMES) : rng.pick(V.FIRST_NAMES);
    last = rng.pick(V.LAST_NAMES);
  }
  const handle = kind === 1 ? '' : `${asciiSlug(first.split(' ')[0])}.${asciiSlug(last)}`;
  const local = handle && handle !== '.' ? handle : `client.${rng.digits(6)}`;
  const domain = rng.pick(V.PERSONAL_MAIL_DOMAINS);
  let email = '';
  let emailProblem: Person['emailProblem'] = null;
  const e = rng.next();
  if (e < 0.08) emailProblem = 'missing';
  else if (e < 0.1) {
    email = malformedEmail(rng, local, domain);
    emailProblem = 'malformed';
  } else {
    email = `${local}@${domain}`;
    if (rng.chance(0.1)) email = email[0].toUpperCase() + email.slice(1);
  }
  let phoneText = '';
  let phoneProblem: Person['phoneProblem'] = null;
  const p = rng.next();
  if (p < 0.1) phoneProblem = 'missing';
  else if (p < 0.12) {
    phoneText = rng.pick(MALFORMED_PHONES);
    phoneProblem = 'malformed';
  } else phoneText = phone(rng, rng.pick(V.CITIES)[3]);
  return { first, last, handle, email, phone: phoneText, emailProblem, phoneProblem };
}

export interface Duplicate {
  /** the earlier contact this one is the same person as */
  of: number;
  on: 'email' | 'phone';
}

/** About one contact in seventy is someone entered before, spelled differently, sharing an email or a phone. */
export function contactDuplicate(plan: SamplePlan, j: number): Duplicate | null {
  if (j < 10) return null;
  const rng = SampleRandom.forRow(plan.seed, Stream.contactDuplicate, j);
  if (!rng.chance(0.015)) return null;
  const of = j - 1 - rng.int(Math.min(j, 5000));
  // Only originals that are not duplicates themselves, so the pair shares what the manifest says it shares.
  if (SampleRandom.forRow(plan.seed, Stream.contactDuplicate, of).chance(0.015) && of >= 10) return null;
  const person = contactPerson(plan, of);
  const on = person.email && !person.emailProblem && (!person.phone || person.phoneProblem || rng.chance(0.6)) ? 'email' : person.phone && !person.phoneProblem ? 'phone' : null;
  return on ? { of, on } : null;
}

export interface DealFacts {
  contact: number | null;
  /** a company index, or the id of a deleted company */
  company: number | string | null;
  owner: string | null;
  /** index into the Mortgage pipeline's stages: the deal went through stages 0..stage */
  stage: number;
  created: number;
}

export function dealFacts(plan: SamplePlan, k: number): DealFacts {
  const rng = SampleRandom.forRow(plan.seed, Stream.dealFacts, k);
  const { contact: contacts, company: companies, deal: deals } = plan.good;
  let contact: number | null = null;
  if (contacts > 0 && !rng.chance(0.05)) contact = rng.chance(0.5) ? mirrored(rng, k, deals, contacts) : rng.int(contacts);
  let company: number | string | null = contact === null ? null : contactCompany(plan, contact);
  if (company === null || rng.chance(0.15)) {
    company = companies === 0 || rng.chance(0.08) ? null : rng.chance(0.6) ? mirrored(rng, k, deals, companies) : rng.int(companies);
  }
  const deleted = deletedCompanyIds(plan);
  if (deleted.length && rng.chance(0.004)) company = rng.pick(deleted);
  const owner = contact !== null && rng.chance(0.8) ? contactOwner(plan, contact) : rng.weighted(OFFICER_WEIGHTS);
  const stage = rng.int(V.PIPELINE_STAGES.length);
  const created = FIRST_CREATED + rng.int(LAST_CREATED - FIRST_CREATED);
  return { contact, company, owner, stage, created };
}

/** Stage history rows in all: one per stage each deal has been in. */
function historyRows(plan: SamplePlan): number {
  let n = 0;
  for (let k = 0; k < plan.good.deal; k++) n += dealFacts(plan, k).stage + 1;
  return n;
}

/** When a deal entered each stage it has been in, to the second: about one to four weeks per stage. */
export function stageTimes(plan: SamplePlan, k: number, facts = dealFacts(plan, k)): number[] {
  const rng = SampleRandom.forRow(plan.seed, Stream.history, k);
  const second = (ms: number) => Math.floor(ms / 1000) * 1000;
  const times = [second(facts.created + rng.int(3 * DAY))];
  for (let s = 1; s <= facts.stage; s++) times.push(second(times[s - 1] + rng.between(2, 28) * DAY + rng.int(DAY)));
  return times;
}
