import type { DestinationEvent, Lookup } from '@ferry/contracts';

export interface ParentState {
  destinationId: string | null;
  state: string;
}

export type Decision =
  | { kind: 'ready'; lookups: Lookup[] }
  | { kind: 'wait'; missing: { objectType: string; sourceKey: string }[] }
  | { kind: 'reject'; code: string; reason: string };

export const parentKey = (objectType: string, sourceKey: string) => `${objectType}|${sourceKey}`;

/**
 * Whether a record may go on: every parent it references has landed (ready, with the parents' ids filled in),
 * some have not been seen yet (wait for them), or one failed to load (reject, naming it).
 */
export function decide(event: DestinationEvent, parents: Map<string, ParentState>): Decision {
  const missing: { objectType: string; sourceKey: string }[] = [];
  const lookups: Lookup[] = [];
  for (const l of event.lookups) {
    const p = parents.get(parentKey(l.targetObject, l.sourceKey));
    if (!p) {
      missing.push({ objectType: l.targetObject, sourceKey: l.sourceKey });
      continue;
    }
    if (p.state !== 'loaded' || !p.destinationId) {
      return {
        kind: 'reject',
        code: 'PARENT_FAILED',
        reason: `${event.envelope.objectType} ${event.envelope.sourceKey}: its ${l.targetObject} ${l.sourceKey} (${l.attribute}) failed to load; fix that record and replay`,
      };
    }
    lookups.push({ ...l, destinationId: p.destinationId });
  }
  return missing.length ? { kind: 'wait', missing } : { kind: 'ready', lookups };
}
