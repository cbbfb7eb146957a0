import type { DestinationEvent, Lookup } from '@ferry/contracts';
import { targetRef } from '@ferry/persistence';
import type { TargetRef } from '@ferry/persistence';

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
 * whose every candidate the source does not have (found by the resolver's sweep once everything is read) is left out.
 */
export function decide(event: DestinationEvent, parents: Map<string, ParentState>): Decision {
  const lookups: Lookup[] = [];
  const missing: WaitSlot[] = [];
  const deferred: WaitSlot[] = [];
  const absent: Lookup[] = [];
  const who = `${event.target.entity} ${event.target.key}`;
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
    // Every candidate is a record the source does not have: the record lands without this lookup, and is reported.
    if (states.every((x) => x.p?.state === 'missing')) {
      absent.push(l);
      continue;
    }
    const names = l.candidates.map((c) => `${c.entity} ${c.key}`).join(' or ');
    return { kind: 'reject', code: 'PARENT_FAILED', reason: `${who}: its ${l.column} (${names}) failed to load; fix that record and replay` };
  }
  if (missing.length) return { kind: 'wait', missing };
  return absent.length ? { kind: 'ready', lookups, deferred, missing: absent } : { kind: 'ready', lookups, deferred };
}
