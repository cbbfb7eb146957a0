/**
 * Records that failed with UNABLE_TO_LOCK_ROW, packed for the next attempt: records sharing a parent (the same
 * AccountId, OpportunityId, …) stay together in one call, so retries never contend for the parent's lock with each
 * other; whole groups are packed into calls of at most `max` records (a group larger than that spans consecutive
 * calls). Every record appears exactly once.
 */
export function lockRetryBatches<T>(items: T[], parentOf: (t: T) => string, max: number): T[][] {
  const groups = new Map<string, T[]>();
  for (const i of items) {
    const p = parentOf(i);
    const g = groups.get(p);
    if (g) g.push(i);
    else groups.set(p, [i]);
  }
  const batches: T[][] = [];
  let current: T[] = [];
  for (const g of groups.values()) {
    if (current.length && current.length + g.length > max) {
      batches.push(current);
      current = [];
    }
    for (const i of g) {
      if (current.length === max) {
        batches.push(current);
        current = [];
      }
      current.push(i);
    }
  }
  if (current.length) batches.push(current);
  return batches;
}
