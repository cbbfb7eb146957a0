import type { Kafka } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { consumerGroups, RoutePlan } from '@ferry/contracts';
import type { Destination, RecordImage, RollbackResult } from '@ferry/destinations/core';
import { MigrationRunRepository, PendingRollback, RollbackKind, RollbackRepository } from '@ferry/persistence';
import { runIsLive } from './migration-list';

/**
 * Entities in the order their records may be created: a parent before the entities whose lookups point at it.
 * Derived from the map's lookups; a self-reference is no dependency, and a cycle is cut where it closes (the
 * destination unlinks or the retry pass deletes what a cycle holds).
 */
export function parentsFirst(plan: RoutePlan, extra: string[] = []): string[] {
  const parents = new Map<string, Set<string>>();
  for (const e of plan.entities) {
    const set = parents.get(e.entity) ?? new Set<string>();
    for (const l of e.lookups) for (const t of l.targets) if (t !== e.entity) set.add(t);
    parents.set(e.entity, set);
  }
  for (const x of extra) if (!parents.has(x)) parents.set(x, new Set());
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (entity: string) => {
    if (state.get(entity)) return;
    state.set(entity, 'visiting');
    for (const p of [...(parents.get(entity) ?? [])].sort()) if (parents.has(p)) visit(p);
    state.set(entity, 'done');
    order.push(entity);
  };
  for (const e of [...parents.keys()].sort()) visit(e);
  return order;
}

/**
 * Folds a record's audit images into what it held before the migration's first write: for every column, the value
 * from the earliest image that has it. Each write audited the columns it touched as they were just before it, so a
 * column's earliest image is its value before the migration first wrote it; later images only add columns that
 * earlier writes did not touch (still untouched then). A delete's image is the whole record, so a record the
 * migration deleted gets back every column, the touched ones with their pre-migration values.
 */
export function foldImages(images: (Record<string, unknown> | null)[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const image of images) {
    if (!image) continue;
    for (const [k, v] of Object.entries(image)) if (!(k in out)) out[k] = v;
  }
  return out;
}

export interface RollbackPlanRow {
  entity: string;
  kind: RollbackKind;
  records: number;
}

export interface RollbackProgress {
  kind: RollbackKind;
  entity: string;
  done: number;
  total: number;
  failed: number;
}

export interface RollbackFailure {
  entity: string;
  kind: RollbackKind;
  id: string;
  key: string;
  code: string;
  message: string;
}

export interface RollbackOutcome {
  /** what was pending when it started, per entity and kind, in the order it runs */
  plan: RollbackPlanRow[];
  done: Record<RollbackKind, number>;
  /** records already there (recreate) or already gone (delete, restore): counted as done */
  already: number;
  failures: RollbackFailure[];
  interrupted: boolean;
  /** audit rows an earlier rollback had already put back */
  previouslyRolledBack: number;
}

export interface RollbackOptions {
  dryRun?: boolean;
  /** records per destination call; the destination's own limit caps it */
  batchSize?: number;
  progress?: (p: RollbackProgress) => void;
  /** checked between batches: an aborted rollback stops cleanly and resumes on the next run */
  signal?: AbortSignal;
}

/**
 * Restores the destination to what it held before the migration, from the audit log: restores first (so records
 * that existed before no longer point at records about to go), then deletes of what the migration created,
 * children before parents, then creates again what it deleted, parents before children. Every batch marks its
 * audit rows rolled back once the destination took it, so the rollback can stop anywhere and resume; records that
 * failed (a lookup to a record not back yet) get one more pass at the end and otherwise stay pending.
 */
export async function runRollback(db: DataSource, destination: Destination, plan: RoutePlan, migration: string, opts: RollbackOptions = {}): Promise<RollbackOutcome> {
  const repo = new RollbackRepository(db, migration);
  const summary = await repo.pendingSummary();
  const previouslyRolledBack = await repo.rolledBackCount();
  const order = parentsFirst(plan, summary.map((s) => s.entity));
  const steps: RollbackPlanRow[] = [];
  const count = (entity: string, kind: RollbackKind) => summary.find((s) => s.entity === entity && s.kind === kind)?.records ?? 0;
  for (const [kind, entities] of [
    ['restore', order],
    ['delete', [...order].reverse()],
    ['recreate', order],
  ] as [RollbackKind, string[]][]) {
    for (const entity of entities) if (count(entity, kind) > 0) steps.push({ entity, kind, records: count(entity, kind) });
  }
  const outcome: RollbackOutcome = { plan: steps, done: { restore: 0, delete: 0, recreate: 0 }, already: 0, failures: [], interrupted: false, previouslyRolledBack };
  if (opts.dryRun || steps.length === 0) return outcome;

  const size = Math.max(1, Math.min(opts.batchSize ?? destination.limits.maxBatch, destination.limits.maxBatch));
  const retry: { step: RollbackPlanRow; records: PendingRollback[] }[] = [];
  for (const step of steps) {
    let after = '';
    let done = 0;
    let failed = 0;
    for (;;) {
      if (opts.signal?.aborted) {
        outcome.interrupted = true;
        return outcome;
      }
      const page = await repo.pendingPage(step.entity, step.kind, after, size);
      if (!page.length) break;
      after = page[page.length - 1].destinationId;
      const bad = await apply(destination, repo, step, page, outcome);
      if (bad.length) retry.push({ step, records: bad });
      done += page.length - bad.length;
      failed += bad.length;
      opts.progress?.({ kind: step.kind, entity: step.entity, done, total: step.records, failed });
    }
  }
  // A restore or a re-creation whose lookup points at a record that only came back later in the run.
  for (const r of retry) {
    if (opts.signal?.aborted) {
      outcome.interrupted = true;
      return outcome;
    }
    await apply(destination, repo, r.step, r.records, outcome, true);
  }
  return outcome;
}

async function apply(destination: Destination, repo: RollbackRepository, step: RollbackPlanRow, page: PendingRollback[], outcome: RollbackOutcome, last = false): Promise<PendingRollback[]> {
  let results: RollbackResult[];
  if (step.kind === 'delete') {
    results = await destination.deleteManyById(step.entity, page.map((p) => p.destinationId));
  } else {
    // A restore takes back only what updates overwrote; a re-creation also what the delete removed.
    const items: RecordImage[] = page.map((p) => ({
      id: p.destinationId,
      image: foldImages(step.kind === 'restore' ? p.images.filter((_, i) => p.actions[i] === 'updated') : p.images),
    }));
    results = step.kind === 'restore' ? await destination.restoreMany(step.entity, items) : await destination.createManyWithId(step.entity, items);
  }
  const ok: string[] = [];
  const bad: PendingRollback[] = [];
  results.forEach((r, i) => {
    const p = page[i];
    // A record someone else deleted since cannot be restored, and there is nothing left to undo on it.
    if (r.ok || r.gone) {
      ok.push(...p.auditIds);
      outcome.done[step.kind]++;
      if ((r.ok && (r.existed || r.gone)) || (!r.ok && r.gone)) outcome.already++;
      return;
    }
    bad.push(p);
    if (last) outcome.failures.push({ entity: step.entity, kind: step.kind, id: p.destinationId, key: p.alternateKey, code: r.code, message: r.message });
  });
  await repo.markRolledBack(ok);
  return bad;
}

/**
 * Members of the migration's load consumer group: a loader that is running would write again what the rollback
 * takes back, so the rollback refuses while there are any.
 */
export async function runningLoaders(kafka: Kafka, migration: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [g] = (await admin.describeGroups([consumerGroups.load(migration)])).groups;
    return g?.members.length ?? 0;
  } finally {
    await admin.disconnect();
  }
}

/** The `ferry run` holding the migration, when its marker (ferry.migration_run) says one is and it is alive. */
export async function runningRun(db: DataSource, migration: string): Promise<{ pid: number; host: string } | null> {
  const run = await new MigrationRunRepository(db, migration).get();
  return run && runIsLive(run) ? { pid: run.pid, host: run.host } : null;
}
