import type { DestinationEvent, ObjectRoute, Route } from '@ferry/contracts';
import { objectByEntity } from '@ferry/contracts';

/** Avro `date` (days since epoch) → Dataverse date-only text. */
const dateOnly = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);
/** Avro `timestamp-millis` → Dataverse date-time, which carries no milliseconds. */
const dateTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Column kinds that need converting from their Avro form; everything else goes as it is. */
const DATE_ONLY = new Set(['estimatedclosedate', 'crm_preapprovaldate']);
const DATE_TIME = new Set(['crm_sourcecreatedon']);
const MONEY = new Set(['estimatedvalue']);

/**
 * The Web API body of one resolved record: its columns, each lookup bound by the parent's destination id
 * through the entity's navigation property, and the owner bound to the resolved systemuser.
 */
export function dataverseBody(route: Route, event: DestinationEvent): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(event.record ?? {})) {
    if (column === route.alternateKey) continue;
    if (value === null || value === undefined) body[column] = null;
    else if (DATE_ONLY.has(column)) body[column] = dateOnly(value as number);
    else if (DATE_TIME.has(column)) body[column] = dateTime(value as number);
    else if (MONEY.has(column)) body[column] = Number(value);
    else body[column] = value;
  }
  for (const l of event.lookups) {
    if (!l.destinationId) throw new Error(`lookup ${l.attribute} of ${event.envelope.sourceKey} is not resolved`);
    const parent: ObjectRoute = objectByEntity(route, l.targetEntity);
    body[`${l.attribute}@odata.bind`] = `/${parent.entitySet}(${l.destinationId})`;
  }
  if (event.owner?.systemUserId) body['ownerid@odata.bind'] = `/systemusers(${event.owner.systemUserId})`;
  return body;
}
