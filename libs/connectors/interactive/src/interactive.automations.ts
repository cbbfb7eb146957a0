import type { AutomationDefinition } from '@ferry/connectors/core';

/**
 * An Interactive workflow record as the definition an admin rebuilds it from. Workflows never migrate as data;
 * what fits best depends on the trigger: field updates on the record itself are a business rule or a
 * before-save flow, anything that waits, emails or touches other records is a cloud flow or an after-save flow,
 * and dates or schedules become scheduled flows.
 */

/** Where each Interactive object lives in Dynamics 365 and in Salesforce. */
const DESTINATION: Readonly<Record<string, { dynamics: string; salesforce: string }>> = {
  contact: { dynamics: 'contact (or lead, when the lifecycle stage routes it there)', salesforce: 'Contact (or Lead)' },
  company: { dynamics: 'account', salesforce: 'Account' },
  deal: { dynamics: 'opportunity', salesforce: 'Opportunity' },
  matter: { dynamics: 'the matter custom table', salesforce: 'Matter__c' },
};

type Json = Record<string, unknown>;

function parsed(text: unknown, what: string): { value: unknown; problem: string | null } {
  if (text === null || text === undefined || text === '') return { value: null, problem: null };
  try {
    return { value: JSON.parse(String(text)), problem: null };
  } catch {
    return { value: null, problem: `${what} is not valid JSON: ${String(text).slice(0, 80)}` };
  }
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map((x) => (isObject(x) ? x : { value: x })) : isObject(v) ? [v] : []);

/** Actions that only set fields on the enrolled record itself. */
function onlySetsOwnFields(actions: Json[]): boolean {
  return actions.length > 0 && actions.every((a) => a.type === 'SET_PROPERTY');
}

function rebuild(objectType: string, trigger: Json, conditions: Json[], actions: Json[]): AutomationDefinition['rebuildIn'] {
  const where = DESTINATION[objectType] ?? { dynamics: `the ${objectType} table`, salesforce: objectType };
  const waits = actions.some((a) => a.type === 'DELAY');
  const property = typeof trigger.property === 'string' ? trigger.property : null;
  switch (trigger.type) {
    case 'RECORD_CREATED':
    case 'PROPERTY_CHANGE': {
      const when = trigger.type === 'RECORD_CREATED' ? 'created' : `${property ?? 'a column'} changes`;
      if (onlySetsOwnFields(actions) && !waits) {
        return {
          dynamics: `Business rule on ${where.dynamics} (sets ${actions.map((a) => a.property).join(', ')} when the record is ${trigger.type === 'RECORD_CREATED' ? 'created' : `saved and ${when}`}${conditions.length ? ', with the conditions as the rule\'s condition' : ''}); a classic real-time workflow if it must also run outside forms`,
          salesforce: `Record-triggered flow on ${where.salesforce}, before save (fast field update) when the record is ${when}`,
        };
      }
      return {
        dynamics: `Power Automate cloud flow, Dataverse trigger "When a row is ${trigger.type === 'RECORD_CREATED' ? 'added' : 'modified'}" on ${where.dynamics}${property ? ` with ${property} as the filtering column` : ''}${waits ? ', a Delay action for each wait' : ''}`,
        salesforce: `Record-triggered flow on ${where.salesforce}, after save when the record is ${when}${waits ? ', with a scheduled path for each wait' : ''}`,
      };
    }
    case 'FORM_SUBMISSION':
      return {
        dynamics: `Power Automate cloud flow triggered by the "${String(trigger.form ?? 'web')}" form submission (a Customer Insights - Journeys form, or "When a row is added" on lead)`,
        salesforce: `Record-triggered flow on Lead, after save on create (Web-to-Lead or the form integration creates the lead)`,
      };
    case 'DATE_PROPERTY': {
      const offset = Number(trigger.offsetDays ?? 0);
      const relative = `${Math.abs(offset)} days ${offset < 0 ? 'before' : 'after'} ${property ?? 'the date'}`;
      return {
        dynamics: `Power Automate scheduled cloud flow, daily at ${String(trigger.time ?? '09:00')}, listing ${where.dynamics} rows ${relative}`,
        salesforce: `Record-triggered flow on ${where.salesforce} with a scheduled path ${relative}`,
      };
    }
    case 'SCHEDULE': {
      const cadence = [trigger.every, trigger.day, trigger.time].filter((x) => x !== undefined).join(' ').toLowerCase();
      return {
        dynamics: `Power Automate scheduled cloud flow (recurrence: ${cadence || 'as in the source'}) over ${where.dynamics}`,
        salesforce: `Schedule-triggered flow (${cadence || 'as in the source'}) on ${where.salesforce}`,
      };
    }
    default:
      return {
        dynamics: `Power Automate cloud flow on ${where.dynamics}; the trigger (${String(trigger.type ?? 'unknown')}) needs reading by hand`,
        salesforce: `Flow on ${where.salesforce}; the trigger (${String(trigger.type ?? 'unknown')}) needs reading by hand`,
      };
  }
}

/** The automation one workflow record describes. JSON that does not parse is kept as text with the problem named. */
export function workflowAutomation(record: Record<string, unknown>): AutomationDefinition {
  const objectType = String(record.object_type ?? 'contact');
  const t = parsed(record.trigger, 'trigger');
  const c = parsed(record.conditions, 'conditions');
  const a = parsed(record.actions, 'actions');
  const trigger: Json = isObject(t.value) ? { ...t.value, object: objectType } : { type: 'UNREADABLE', object: objectType, text: record.trigger ?? null };
  if (t.problem) trigger.problem = t.problem;
  const conditions = c.problem ? [{ type: 'UNREADABLE', text: record.conditions, problem: c.problem }] : list(c.value);
  const actions = a.problem ? [{ type: 'UNREADABLE', text: record.actions, problem: a.problem }] : list(a.value);
  return {
    id: String(record.workflow_id),
    name: String(record.name ?? record.workflow_id),
    kind: 'workflow',
    active: record.enabled === true,
    trigger,
    conditions,
    actions,
    rebuildIn: rebuild(objectType, trigger, conditions, actions),
  };
}
