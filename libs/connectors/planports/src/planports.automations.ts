import type { AutomationDefinition } from '@ferry/connectors/core';

/**
 * Planports workflow automations and Kanban rules as structured definitions, with where each one is rebuilt:
 * they never migrate as data. Dynamics gets a business rule when a rule only sets fields on the record that
 * fired it, and a Power Automate cloud flow otherwise; Salesforce gets a before-save record-triggered flow for
 * field updates, an after-save one for everything else, and schedule-triggered flows for timers.
 */

const DYNAMICS_TABLE: Readonly<Record<string, string>> = {
  contact: 'contact (lead while unqualified)',
  lead: 'lead',
  deal: 'opportunity',
  quote: 'quote',
  order: 'salesorder',
};
const SALESFORCE_OBJECT: Readonly<Record<string, string>> = {
  contact: 'Contact',
  lead: 'Lead',
  deal: 'Opportunity',
  quote: 'Quote',
  order: 'Order',
};

function jsonList(stream: string, record: Record<string, unknown>, field: string): Array<Record<string, unknown>> {
  const text = record[field];
  if (text === null || text === undefined || text === '') return [];
  let parsed: unknown;
  try {
    parsed = typeof text === 'string' ? JSON.parse(text) : text;
  } catch {
    throw new Error(`Planports ${stream} ${String(record[keyField(stream)])}: ${field} is not JSON: ${String(text).slice(0, 120)}`);
  }
  if (!Array.isArray(parsed) || parsed.some((x) => x === null || typeof x !== 'object' || Array.isArray(x))) {
    throw new Error(`Planports ${stream} ${String(record[keyField(stream)])}: ${field} should be a JSON array of objects, got ${String(text).slice(0, 120)}`);
  }
  return parsed as Array<Record<string, unknown>>;
}

const keyField = (stream: string) => (stream === 'workflow_automation' ? 'workflow_id' : 'rule_id');

const onlySetsFields = (actions: Array<Record<string, unknown>>) => actions.length > 0 && actions.every((a) => a.type === 'set_field');

function describeCondition(conditions: Array<Record<string, unknown>>): string {
  if (conditions.length === 0) return '';
  return ` where ${conditions.map((c) => `${String(c.field)} ${String(c.operator).replace(/_/g, ' ')}${c.value === undefined ? '' : ` ${JSON.stringify(c.value)}`}`).join(' and ')}`;
}

function workflowRebuild(record: Record<string, unknown>, conditions: Array<Record<string, unknown>>, actions: Array<Record<string, unknown>>) {
  const object = String(record.object ?? 'contact');
  const table = DYNAMICS_TABLE[object] ?? object;
  const sobject = SALESFORCE_OBJECT[object] ?? object;
  const field = record.trigger_field ? String(record.trigger_field) : null;
  const when = describeCondition(conditions);
  switch (record.trigger_type) {
    case 'scheduled':
      return {
        dynamics: `Power Automate scheduled cloud flow (Recurrence matching cron "${String(record.schedule)}") that lists ${table} rows${when}`,
        salesforce: `Schedule-triggered flow (cron "${String(record.schedule)}") on ${sobject}${when}`,
      };
    case 'whatsapp_message_received':
      return {
        dynamics: `Power Automate cloud flow triggered by the WhatsApp Business channel (Customer Service WhatsApp channel or a third-party connector); Sales has no WhatsApp trigger of its own`,
        salesforce: `Platform event-triggered flow fed by the WhatsApp integration (Messaging for WhatsApp / Digital Engagement)`,
      };
    case 'form_submitted':
      return {
        dynamics: `Power Automate cloud flow, Dataverse trigger "When a row is added" on ${table}${when}`,
        salesforce: `After-save record-triggered flow on ${sobject} (created)${when}`,
      };
    case 'record_created':
      return onlySetsFields(actions)
        ? { dynamics: `Business rule on ${table} (scope: Entity) setting the fields on create${when}`, salesforce: `Before-save record-triggered flow on ${sobject} (created)${when}` }
        : { dynamics: `Power Automate cloud flow, Dataverse trigger "When a row is added" on ${table}${when}`, salesforce: `After-save record-triggered flow on ${sobject} (created)${when}` };
    default: {
      const column = field === 'stage_id' && object === 'deal' ? 'the stage (stepname / pipeline stage)' : (field ?? 'the record');
      const to = record.trigger_value ? ` to ${JSON.stringify(record.trigger_value)}` : '';
      return onlySetsFields(actions)
        ? { dynamics: `Business rule on ${table} when ${column} changes${to}${when}`, salesforce: `Before-save record-triggered flow on ${sobject} (updated, ISCHANGED(${field ?? 'field'}))${when}` }
        : {
            dynamics: `Power Automate cloud flow, Dataverse trigger "When a row is modified" on ${table} filtered on ${column}${to}${when}`,
            salesforce: `After-save record-triggered flow on ${sobject} (updated, only when ${field ?? 'the field'} changes${to})${when}`,
          };
    }
  }
}

function ruleRebuild(record: Record<string, unknown>, conditions: Array<Record<string, unknown>>) {
  const when = describeCondition(conditions);
  const column = record.trigger_column_id ? ` ${String(record.trigger_column_id)}` : '';
  switch (record.trigger_type) {
    case 'card_moved_to_column':
      return {
        dynamics: `Power Automate cloud flow, "When a row is modified" on the opportunity's board-column choice (the card's column) when it becomes${column}${when}`,
        salesforce: `After-save record-triggered flow on Opportunity (Case for service boards) when the board-column field changes to${column}${when}`,
      };
    case 'due_date_passed':
      return {
        dynamics: `Power Automate scheduled cloud flow (daily) listing the board's open tasks past their due date${when}`,
        salesforce: `Record-triggered flow with a scheduled path (0 days after the due date) on the card's Task${when}`,
      };
    case 'card_created':
      return {
        dynamics: `Power Automate cloud flow, "When a row is added" on the task that holds the card${when}`,
        salesforce: `After-save record-triggered flow on Opportunity / Case (created)${when}; round-robin needs an assignment rule or Omni-Channel`,
      };
    default:
      return {
        dynamics: `Power Automate cloud flow, "When a row is modified" on the card's task owner${when}`,
        salesforce: `After-save record-triggered flow on the card's Task when OwnerId changes${when}`,
      };
  }
}

export function planportsAutomations(stream: string, record: Record<string, unknown>): AutomationDefinition[] {
  if (stream !== 'workflow_automation' && stream !== 'board_automation_rule') return [];
  const conditions = jsonList(stream, record, 'conditions');
  const actions = jsonList(stream, record, 'actions');
  if (stream === 'workflow_automation') {
    return [
      {
        id: String(record.workflow_id),
        name: String(record.name ?? record.workflow_id),
        kind: 'workflow',
        active: record.active !== false,
        trigger: {
          type: record.trigger_type ?? null,
          object: record.object ?? null,
          field: record.trigger_field ?? null,
          value: record.trigger_value ?? null,
          schedule: record.schedule ?? null,
          pipeline_id: record.pipeline_id ?? null,
        },
        conditions,
        actions,
        rebuildIn: workflowRebuild(record, conditions, actions),
      },
    ];
  }
  return [
    {
      id: String(record.rule_id),
      name: String(record.name ?? record.rule_id),
      kind: 'kanban-rule',
      active: record.active !== false,
      trigger: { type: record.trigger_type ?? null, board_id: record.board_id ?? null, column_id: record.trigger_column_id ?? null },
      conditions,
      actions,
      rebuildIn: ruleRebuild(record, conditions),
    },
  ];
}
