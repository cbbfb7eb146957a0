/**
 * How many rows of each object a sample of N records gets, and the links between rows. Every link is a
 * function of (seed, index), so a child can name its parent without anything being held in memory.
 */
import type { InteractiveStream } from '../interactive.catalog';
import { Rng, seedOf } from './interactive-sample.random';
import { lifetime } from './interactive-sample.values';
import * as V from './interactive-sample.vocabulary';

/** Independent random streams: a row draws from (seed, stream, index). */
export const S = {
  owner: 1,
  company: 2,
  companyParent: 3,
  contact: 4,
  person: 5,
  duplicate: 6,
  contactCompany: 7,
  deal: 8,
  dealStage: 9,
  dealTimes: 10,
  matter: 11,
  activity: 12,
  activityType: 13,
  activityLinks: 14,
  note: 15,
  attachment: 16,
  association: 17,
  history: 18,
  ownerOf: 19,
  workflow: 20,
  pipeline: 21,
  bad: 40,
} as const;

/** Ids are numeric text, one range per object, as the API hands them out. */
export const ID_BASE: Readonly<Record<Exclude<InteractiveStream, 'association' | 'pipeline' | 'pipeline_stage'>, number>> = {
  owner: 31_000_001,
  company: 201_000_001,
  contact: 101_000_001,
  deal: 301_000_001,
  matter: 401_000_001,
  activity: 501_000_001,
  note: 601_000_001,
  attachment: 701_000_001,
  workflow: 3_301_001,
  deal_stage_history: 801_000_001,
};
type Numbered = keyof typeof ID_BASE;

export const idOf = (stream: Numbered, index: number) => String(ID_BASE[stream] + index);
/** ids of records the account deleted: children still point at them */
export const deletedId = (stream: Numbered, k: number) => String(ID_BASE[stream] + 90_000_000 + k);
/** ids written on malformed rows: nothing points at them */
export const malformedId = (stream: Numbered, k: number) => String(ID_BASE[stream] + 80_000_000 + k);
export const userIdOf = (ownerIndex: number) => 9_100_001 + ownerIndex;

export interface SamplePlan {
  seed: number;
  owners: readonly V.SampleOwner[];
  /** rows that read back as records, per stream */
  good: Record<InteractiveStream, number>;
  /** malformed rows, per stream */
  bad: Record<InteractiveStream, number>;
  /** association rows of each kind, in file order */
  links: { primary: number; extra: number; dealContact: number; matterContact: number; attendee: number };
  /** activity indexes that are meetings (attendees link to them) */
  meetings: Int32Array;
}

const SHARES = {
  company: 0.045,
  contact: 0.19,
  deal: 0.045,
  matter: 0.02,
  note: 0.08,
  attachment: 0.02,
  extra: 0.025,
  dealContact: 0.045,
  matterContact: 0.035,
  attendee: 0.02,
} as const;

export const MIN_SAMPLE_RECORDS = 300;

const stages = V.PIPELINES.reduce((n, p) => n + p.stages.length, 0);

/** Splits `records` over every object; the rows of every stream, good and malformed, add up to exactly `records`. */
export function planSample(records: number, seed: number | string, malformedEvery: number): SamplePlan {
  if (!Number.isInteger(records) || records < MIN_SAMPLE_RECORDS) {
    throw new RangeError(`an Interactive sample needs a whole number of at least ${MIN_SAMPLE_RECORDS} records to cover every object, got ${records}`);
  }
  if (!Number.isInteger(malformedEvery) || malformedEvery < 0 || malformedEvery === 1) {
    throw new RangeError(`malformedEvery must be 0 (none) or a whole number of at least 2, got ${malformedEvery}`);
  }
  const h = seedOf(seed);
  const badFor = (rows: number) => (malformedEvery === 0 || rows < 2 ? 0 : Math.max(1, Math.floor(rows / malformedEvery)));
  const oneBad = malformedEvery === 0 ? 0 : 1;

  const owners = [...V.OWNERS];
  const extraOwners = Math.floor(records / 40_000);
  for (let i = 0; i < extraOwners; i++) {
    const rng = Rng.row(h, S.owner, i);
    const firstName = rng.pick(V.FIRST_NAMES);
    const lastName = rng.pick(V.LAST_NAMES);
    owners.push({
      email: `${firstName.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${i + 1}@hartwell-estate.example`,
      firstName,
      lastName,
      user: true,
      active: !rng.chance(0.2),
      team: rng.pick(V.OWNER_TEAMS),
      weight: 2,
    });
  }

  const good = {} as Record<InteractiveStream, number>;
  const bad = {} as Record<InteractiveStream, number>;
  const fixed: Array<[InteractiveStream, number]> = [
    ['owner', owners.length],
    ['pipeline', V.PIPELINES.length],
    ['pipeline_stage', stages],
    ['workflow', V.WORKFLOWS.length],
  ];
  for (const [s, n] of fixed) {
    good[s] = n;
    bad[s] = oneBad;
  }
  const rest = records - fixed.reduce((n, [s]) => n + good[s] + bad[s], 0);
  for (const s of ['company', 'contact', 'deal', 'matter', 'note', 'attachment'] as const) {
    const rows = Math.max(3, Math.round(rest * SHARES[s]));
    bad[s] = badFor(rows);
    good[s] = rows - bad[s];
  }

  const partial: SamplePlan = { seed: h, owners, good, bad, links: { primary: 0, extra: 0, dealContact: 0, matterContact: 0, attendee: 0 }, meetings: new Int32Array(0) };
  let primary = 0;
  for (let j = 0; j < good.contact; j++) if (contactCompany(partial, j) !== null) primary++;
  const links = {
    primary,
    extra: Math.min(good.contact, Math.round(rest * SHARES.extra)),
    dealContact: Math.max(1, Math.round(rest * SHARES.dealContact)),
    matterContact: Math.max(good.matter, Math.round(rest * SHARES.matterContact)),
    attendee: Math.max(1, Math.round(rest * SHARES.attendee)),
  };
  good.association = links.primary + links.extra + links.dealContact + links.matterContact + links.attendee;
  bad.association = badFor(good.association);

  let history = 0;
  for (let k = 0; k < good.deal; k++) history += stagePath(partial, k).length;
  good.deal_stage_history = history;
  bad.deal_stage_history = 0;

  const taken = Object.keys(good).reduce((n, s) => n + good[s as InteractiveStream] + bad[s as InteractiveStream], 0);
  const activities = records - taken;
  if (activities < 3) {
    throw new RangeError(`${records} records are too few to cover every Interactive object; ask for at least ${MIN_SAMPLE_RECORDS * 2}`);
  }
  bad.activity = badFor(activities);
  good.activity = activities - bad.activity;

  let m = 0;
  const meetings = new Int32Array(good.activity);
  for (let i = 0; i < good.activity; i++) if (activityType(partial, i) === 'MEETING') meetings[m++] = i;
  return { ...partial, links, meetings: meetings.slice(0, m) };
}

/** Index of an owner by their share of the work; null (no owner) now and then. */
export function ownerOf(plan: SamplePlan, rng: Rng): number | null {
  if (rng.chance(0.04)) return null;
  let total = 0;
  for (const o of plan.owners) total += o.weight;
  let r = rng.next() * total;
  for (let i = 0; i < plan.owners.length; i++) {
    r -= plan.owners[i].weight;
    if (r < 0) return i;
  }
  return plan.owners.length - 1;
}

/** A company index, a deleted company (`{ deleted }`), or none. */
export type Link = number | { deleted: number } | null;

/** The parent company: always later in the file than its child, so there are no cycles but the child arrives first. */
export function companyParent(plan: SamplePlan, p: number): number | null {
  const rng = Rng.row(plan.seed, S.companyParent, p);
  const n = plan.good.company;
  if (p >= n - 1 || !rng.chance(0.12)) return null;
  return p + 1 + rng.int(Math.min(n - 1 - p, 50));
}

/** The contact's primary company. */
export function contactCompany(plan: SamplePlan, j: number): Link {
  const rng = Rng.row(plan.seed, S.contactCompany, j);
  if (rng.chance(0.07)) return null;
  if (rng.chance(0.004)) return { deleted: rng.int(1000) };
  return rng.int(plan.good.company);
}

/**
 * The contact this one duplicates (the same person entered again, usually soon after), or null. Chains
 * resolve to the first entry, so every entry of one person shares its email or phone.
 */
export function duplicateOf(plan: SamplePlan, j: number): number | null {
  if (j === 0) return null;
  const rng = Rng.row(plan.seed, S.duplicate, j);
  if (!rng.chance(0.025)) return null;
  return j - 1 - rng.int(Math.min(j, 40));
}

export function firstEntry(plan: SamplePlan, j: number): number {
  let k = j;
  for (let d = duplicateOf(plan, k); d !== null; d = duplicateOf(plan, k)) k = d;
  return k;
}

export interface DealStage {
  pipeline: V.SamplePipeline;
  /** index into pipeline.stages */
  stage: number;
}

export function dealStage(plan: SamplePlan, k: number): DealStage {
  const rng = Rng.row(plan.seed, S.dealStage, k);
  const pipeline = rng.weighted(V.PIPELINES.map((p) => [p, p.weight] as const));
  const open = pipeline.stages.filter((s) => !s.closed).length;
  const r = rng.next();
  const stage = r < 0.55 ? rng.int(open) : r < 0.8 ? pipeline.stages.findIndex((s) => s.closed && s.probability === 1) : pipeline.stages.findIndex((s) => s.closed && s.probability === 0);
  return { pipeline, stage };
}

/**
 * The stages a deal went through, oldest first, ending at its current one. Imported deals start where they
 * were imported; lost deals leave from an open stage.
 */
export function stagePath(plan: SamplePlan, k: number): number[] {
  const { pipeline, stage } = dealStage(plan, k);
  const rng = Rng.row(plan.seed, S.history, k);
  const open = pipeline.stages.filter((s) => !s.closed).length;
  if (rng.chance(0.3)) return [stage];
  const last = stage < open ? stage : pipeline.stages[stage].probability === 1 ? open - 1 : rng.int(open);
  const first = Math.max(0, last - rng.int(3));
  const path: number[] = [];
  for (let s = first; s <= last; s++) path.push(s);
  if (stage >= open) path.push(stage);
  return path;
}

export const dealTimes = (plan: SamplePlan, k: number) => lifetime(Rng.row(plan.seed, S.dealTimes, k));

export type ActivityType = 'CALL' | 'EMAIL' | 'MEETING' | 'TASK';

export function activityType(plan: SamplePlan, i: number): ActivityType {
  if (i === 0) return 'MEETING';
  return Rng.row(plan.seed, S.activityType, i).weighted<ActivityType>([
    ['CALL', 34],
    ['EMAIL', 30],
    ['MEETING', 16],
    ['TASK', 20],
  ]);
}

/** The contact an activity is logged against, or null when it is only on a company or deal. */
export function activityContact(plan: SamplePlan, i: number): number | null {
  const rng = Rng.row(plan.seed, S.activityLinks, i);
  return rng.chance(0.85) ? rng.int(plan.good.contact) : null;
}

/** a whole number in [1, n) that shares no factor with n, to walk 0..n-1 in a scattered order */
export function strideFor(n: number): number {
  for (const p of [7919, 104_729, 1_299_709, 15_485_863]) if (n % p !== 0) return p % Math.max(1, n) || 1;
  return 1;
}
