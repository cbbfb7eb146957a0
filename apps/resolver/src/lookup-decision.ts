import type { DestinationEvent, Lookup } from '@ferry/contracts';
import { targetRef } from '@ferry/persistence';
import type { TargetRef } from '@ferry/persistence';

/** The merge policy of a version that never creates its record (see the map document). */
export const FILLS_EXISTING = 'fills-existing';

/**
 * Where a fills-existing version is parked: beside, not over, the record's own version that may be waiting too. The
 * separator is a control character no source key holds (and, unlike NUL, one PostgreSQL text accepts).
 */
export const fillsKey = (key: string, entry: string) => `${key}\u0001${entry}`;

export interface ParentState {
  destinationId: string | null;
  state: string;
}

export interface WaitSlot {
  slot: string;
  candidates: TargetRef[];
}

export type Decision =
  /** every lookup resolved, or deferred: the record goes on now and a copy waits to patch the deferred ones in */
  | { kind: 'ready'; lookups: Lookup[]; deferred: WaitSlot[]; missing?: Lookup[] }
  | { kind: 'wait'; missing: WaitSlot[] }
  | { kind: 'reject'; code: string; reason: string };

/**
 * Whether a destination record may go on. Each lookup is satisfied by the first of its candidates that landed (a
 * parent a split sent to contact or to lead, a polymorphic customer). A lookup none of whose candidates is known
 * yet waits, unless it is deferrable (a self-reference, which may form a cycle): then the record goes without it
 * and a copy waits to write it in. A lookup whose every candidate failed to load rejects the record, naming it; one
 * whose every candidate the source does not have (found by the resolver's sweep once everything is read) is left out,
 * or, when the map requires it, rejects the record as MISSING_PARENT.
 */
export function decide(event: DestinationEvent, parents: Map<string, ParentState>): Decision {
  const lookups: Lookup[] = [];
  const missing: WaitSlot[] = [];
  const deferred: WaitSlot[] = [];
  const absent: Lookup[] = [];
  const who = `${event.target.entity} ${event.target.key}`;
  if (event.target.merge === FILLS_EXISTING) {
    // A version that only adds to a record another entry writes waits until that record is there.
    const self = parents.get(targetRef(event.target.entity, event.target.key));
    if (!self) return { kind: 'wait', missing: [{ slot: FILLS_EXISTING, candidates: [{ entity: event.target.entity, key: event.target.key }] }] };
    if (self.state === 'missing') return { kind: 'reject', code: 'NOTHING_TO_FILL', reason: `${who}: ${event.target.entry} adds to a record no other entry of the map writes for this key; nothing was written` };
    if (self.state !== 'loaded') return { kind: 'reject', code: 'PARENT_FAILED', reason: `${who}: the record ${event.target.entry} adds to failed to load; fix that record and replay` };
  }
  for (const l of event.lookups) {
    const states = l.candidates.map((c) => ({ c, p: parents.get(targetRef(c.entity, c.key)) }));
    const landed = states.find((s) => s.p?.state === 'loaded' && s.p.destinationId);
    if (landed) {
      lookups.push({ ...l, targetEntity: landed.c.entity, destinationId: landed.p!.destinationId });
      continue;
    }
    const unknown = states.filter((s) => !s.p);
    const slot = { slot: l.column, candidates: l.candidates.map((c) => ({ entity: c.entity, key: c.key })) };
    if (unknown.length) {
      (l.deferrable ? deferred : missing).push(slot);
      continue;
    }
    if (l.deferrable) continue;
    const names = l.candidates.map((c) => `${c.entity} ${c.key}`).join(' or ');
    // Every candidate is a record the source does not have: the record lands without this lookup, and is reported,
    // unless the map requires the lookup; then the destination would refuse the record anyway, so it is refused here.
    if (states.every((x) => x.p?.state === 'missing')) {
      if (l.required) {
        return {
          kind: 'reject', code: 'MISSING_PARENT',
          reason: `${who}: its ${l.column} is required but the source has no ${names}; nothing was written (add the parent to the source and replay, or make the lookup optional in the map)`,
        };
      }
      absent.push(l);
      continue;
    }
    return { kind: 'reject', code: 'PARENT_FAILED', reason: `${who}: its ${l.column} (${names}) failed to load; fix that record and replay` };
  }
  if (missing.length) return { kind: 'wait', missing };
  return absent.length ? { kind: 'ready', lookups, deferred, missing: absent } : { kind: 'ready', lookups, deferred };
}
