import type { AutomationDefinition } from '@ferry/connectors/core';

/**
 * Profi's reminder and follow-up sequences as automations to rebuild. A sequence is a trigger event, optional
 * filters (session type, program) and timed message steps; neither Dynamics 365 nor Salesforce can import
 * one, so discovery lists what each does and where it belongs in the destination.
 */

interface Step {
  position: number;
  offset_minutes: number;
  channel: string;
  recipient: string;
  template: string | null;
  subject: string | null;
}

interface TriggerInfo {
  /** the object whose change or time starts the sequence */
  object: string;
  /** what the step offsets are measured from */
  relativeTo: string;
  change: string;
  dynamics: string;
  salesforce: string;
}

const TRIGGERS: Record<string, TriggerInfo> = {
  'session.scheduled': {
    object: 'session',
    relativeTo: 'session start',
    change: 'a session is booked or moved',
    dynamics:
      'Power Automate scheduled cloud flow (every 15 minutes) listing session activities whose start falls inside each step offset; ' +
      'a "Delay until" in an automated flow also works but cannot wait longer than 30 days',
    salesforce: 'Record-triggered Flow on the session object (created or updated) with one scheduled path per step, offset from the start field',
  },
  'session.completed': {
    object: 'session',
    relativeTo: 'status change',
    change: 'a session is marked completed',
    dynamics: 'Power Automate automated cloud flow "When a row is modified" on the session activity, filtered on status, with a Delay per step',
    salesforce: 'Record-triggered Flow on update when status changes to Completed, with scheduled paths after the change',
  },
  'session.no_show': {
    object: 'session',
    relativeTo: 'status change',
    change: 'a session is marked no-show',
    dynamics: 'Power Automate automated cloud flow "When a row is modified" on the session activity, filtered on status = No-show, with a Delay per step',
    salesforce: 'Record-triggered Flow on update when status changes to No-show, with scheduled paths after the change',
  },
  'enrollment.created': {
    object: 'enrollment',
    relativeTo: 'enrollment creation',
    change: 'a client is enrolled in a program',
    dynamics: 'Power Automate automated cloud flow "When a row is added" on the program enrollment table, with a Delay per step',
    salesforce: 'Record-triggered Flow on create of the program enrollment object, with scheduled paths after creation',
  },
  'enrollment.progress': {
    object: 'enrollment',
    relativeTo: 'progress change',
    change: "an enrollment's progress reaches 50%",
    dynamics: 'Power Automate automated cloud flow "When a row is modified" on the progress column, conditioned on progress >= 50 (or a real-time classic workflow)',
    salesforce: 'Record-triggered Flow on update, run only when the record is updated to meet progress >= 50',
  },
  'invoice.overdue': {
    object: 'payment',
    relativeTo: 'due date',
    change: 'an invoice passes its due date unpaid',
    dynamics: 'Power Automate scheduled cloud flow (daily) over the coaching payment table: status Open or Overdue and due date plus the step offset reached',
    salesforce: 'Record-triggered Flow on the payment object with scheduled paths offset from the due date, exiting when status becomes Paid (or a daily Schedule-Triggered Flow)',
  },
  'client.inactive': {
    object: 'client',
    relativeTo: 'last session',
    change: 'a client has had no session for 90 days',
    dynamics: 'Power Automate scheduled cloud flow (daily) selecting contacts whose latest session activity is older than 90 days',
    salesforce: 'Schedule-Triggered Flow (daily) on Contact filtered on a last-session date field kept by a roll-up or record-triggered flow',
  },
};

const UNKNOWN_TRIGGER: TriggerInfo = {
  object: 'unknown',
  relativeTo: 'trigger',
  change: 'an event Ferry does not know',
  dynamics: 'Power Automate cloud flow: review the sequence in Profi and choose an automated or scheduled trigger',
  salesforce: 'Flow: review the sequence in Profi and choose a record-triggered or schedule-triggered flow',
};

const CHANNEL_ACTIONS: Record<string, string> = { email: 'send-email', sms: 'send-sms', push: 'send-push-notification' };

function steps(value: unknown): Step[] {
  return Array.isArray(value) ? (value as Step[]).slice().sort((a, b) => a.position - b.position) : [];
}

/** The automation a reminder_sequence record describes; [] for records of any other stream. */
export function profiAutomations(stream: string, record: Record<string, unknown>): AutomationDefinition[] {
  if (stream !== 'reminder_sequence') return [];
  const event = String(record.trigger_event ?? '');
  const trigger = TRIGGERS[event] ?? UNKNOWN_TRIGGER;
  const conditions: Array<Record<string, unknown>> = [];
  if (record.session_type) conditions.push({ field: 'session_type', operator: 'equals', value: record.session_type });
  if (record.program_id) conditions.push({ field: 'program_id', operator: 'equals', value: record.program_id });
  if (event === 'invoice.overdue') conditions.push({ field: 'status', operator: 'in', value: ['Open', 'Overdue', 'Partially paid'] });
  if (event === 'enrollment.progress') conditions.push({ field: 'progress_percent', operator: 'greater-or-equal', value: 50 });
  if (event === 'session.scheduled') conditions.push({ field: 'status', operator: 'equals', value: 'Scheduled' });
  const all = steps(record.steps);
  const actions = all.map((s) => ({
    type: CHANNEL_ACTIONS[s.channel] ?? `send-${s.channel}`,
    to: s.recipient,
    template: s.template,
    subject: s.subject,
    offsetMinutes: s.offset_minutes,
    relativeTo: trigger.relativeTo,
  }));
  const needsMessaging = all.some((s) => s.channel !== 'email');
  const messaging = needsMessaging ? '; SMS and push steps need a messaging connector (Dynamics: e.g. Azure Communication Services; Salesforce: Digital Engagement or an SMS app)' : '';
  return [
    {
      id: String(record.sequence_id),
      name: String(record.name ?? record.sequence_id),
      kind: 'reminder-sequence',
      active: record.active === true,
      trigger: { event, object: trigger.object, when: trigger.change },
      conditions,
      actions,
      rebuildIn: { dynamics: `${trigger.dynamics}${messaging}`, salesforce: `${trigger.salesforce}${messaging}` },
    },
  ];
}
