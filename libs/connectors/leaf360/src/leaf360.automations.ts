import type { AutomationDefinition } from '@ferry/connectors/core';

/**
 * Leaf360 workflows and report definitions as rebuild items. Nothing here migrates as data: each definition
 * says what to build by hand in the destination, and with which tool.
 */

interface Rebuild {
  dynamics: string;
  salesforce: string;
}

const WORKFLOW_REBUILD: Record<string, Rebuild> = {
  'lead-routing': {
    dynamics: 'Power Automate cloud flow (automated, on row added): set the owner by the routing rule',
    salesforce: 'Record-Triggered Flow (after save) assigning the owner; or a Lead/Case assignment rule',
  },
  'drip-sequence': {
    dynamics: 'Power Automate cloud flow with Delay steps sending the emails (or a Sales sequence)',
    salesforce: 'Record-Triggered Flow with Scheduled Paths sending the emails (or a Sales Engagement cadence)',
  },
  'task-trigger': {
    dynamics: 'classic workflow (real-time, on change) creating the task; a Power Automate cloud flow for emails and webhooks',
    salesforce: 'Record-Triggered Flow creating the Task records',
  },
  'sla-timer': {
    dynamics: 'Power Automate cloud flow with a Delay until the deadline, then the escalation (or an SLA with KPIs)',
    salesforce: 'Record-Triggered Flow with a Scheduled Path at the deadline (or an Entitlement milestone)',
  },
};

const OTHER_WORKFLOW: Rebuild = {
  dynamics: 'Power Automate cloud flow (or a classic workflow when it only updates rows)',
  salesforce: 'Flow (record-triggered or scheduled, as the trigger says)',
};

const REPORT_REBUILD: Record<string, Rebuild> = {
  report: {
    dynamics: 'Dynamics 365 view with a chart on the migrated table (or a Power BI report on Dataverse)',
    salesforce: 'Salesforce report (custom report type on the migrated object) with a chart',
  },
  dashboard: {
    dynamics: 'Dynamics 365 dashboard of the rebuilt views and charts (or a Power BI dashboard)',
    salesforce: 'Salesforce dashboard of the rebuilt reports',
  },
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const maps = (v: unknown): Array<Record<string, unknown>> =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];

/** The automations a record of `stream` describes: one per workflow or report, none for data streams. */
export function leaf360Automations(stream: string, record: Record<string, unknown>): AutomationDefinition[] {
  if (stream === 'workflow') {
    const kind = text(record.kind) ?? 'workflow';
    const trigger = typeof record.trigger === 'object' && record.trigger !== null ? { ...(record.trigger as Record<string, unknown>) } : {};
    if (text(record.object) && !('object' in trigger)) trigger.object = record.object;
    return [
      {
        id: String(record.workflow_id),
        name: text(record.name) ?? String(record.workflow_id),
        kind,
        active: record.active === true,
        trigger,
        conditions: maps(record.conditions),
        actions: maps(record.actions),
        rebuildIn: WORKFLOW_REBUILD[kind] ?? OTHER_WORKFLOW,
      },
    ];
  }
  if (stream === 'report') {
    const kind = text(record.kind) === 'dashboard' ? 'dashboard' : 'report';
    const schedule = text(record.schedule);
    const actions: Array<Record<string, unknown>> = [];
    if (kind === 'dashboard') actions.push({ type: 'show_reports', reports: Array.isArray(record.report_ids) ? record.report_ids : [] });
    else {
      actions.push({ type: 'list', object: record.object ?? null, columns: Array.isArray(record.columns) ? record.columns : [] });
      if (text(record.group_by)) actions.push({ type: 'group', by: record.group_by, chart: record.chart_type ?? null });
    }
    if (schedule) actions.push({ type: 'email', schedule, to: record.owner_email ?? null });
    return [
      {
        id: String(record.report_id),
        name: text(record.name) ?? String(record.report_id),
        kind,
        active: true,
        trigger: schedule ? { event: 'schedule', schedule } : { event: 'on-demand' },
        conditions: maps(record.filters),
        actions,
        rebuildIn: REPORT_REBUILD[kind],
      },
    ];
  }
  return [];
}
