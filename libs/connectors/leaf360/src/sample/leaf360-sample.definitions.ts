/**
 * Workflow and report definitions the sample exports: the automations a mortgage shop sets up in Leaf360
 * (lead routing, drip sequences, task triggers, SLA timers) and the reports and dashboards it reads.
 * Values are written as the export spells them: mostly strings, some numbers and booleans, one nested object.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface WorkflowTemplate {
  name: string;
  kind: 'lead-routing' | 'drip-sequence' | 'task-trigger' | 'sla-timer';
  object: string;
  active: boolean;
  trigger: Record<string, JsonValue>;
  conditions: Array<Record<string, JsonValue>>;
  actions: Array<Record<string, JsonValue>>;
}

export const WORKFLOWS: readonly WorkflowTemplate[] = [
  {
    name: 'Web leads: round-robin to loan officers',
    kind: 'lead-routing',
    object: 'contact',
    active: true,
    trigger: { event: 'record.created' },
    conditions: [{ field: 'referral_source', operator: 'eq', value: 'Website' }],
    actions: [
      { type: 'assign_owner', strategy: 'round_robin', pool: 'Loan Officers (Austin)' },
      { type: 'send_email', template: 'Welcome - web lead', delay_minutes: 0 },
    ],
  },
  {
    name: 'Zillow leads → Alicia',
    kind: 'lead-routing',
    object: 'contact',
    active: true,
    trigger: { event: 'record.created' },
    conditions: [
      { field: 'referral_source', operator: 'eq', value: 'Zillow' },
      { field: 'state', operator: 'in', value: 'TX,OK' },
    ],
    actions: [{ type: 'assign_owner', user: 'alicia.moreno@contoso-lending.example' }],
  },
  {
    name: 'Pre-approval drip (5 emails over 3 weeks)',
    kind: 'drip-sequence',
    object: 'contact',
    active: true,
    trigger: { event: 'property.changed', field: 'loan_status', to: 'Pre-Approval' },
    conditions: [{ field: 'email', operator: 'is_known' }],
    actions: [
      { type: 'send_email', template: 'Pre-approval 1: what happens next 🎉', delay_days: 0 },
      { type: 'send_email', template: 'Pre-approval 2: house hunting tips', delay_days: 3 },
      { type: 'send_email', template: 'Pre-approval 3: rate lock explained', delay_days: 7 },
      { type: 'send_email', template: 'Pre-approval 4: meet your processor', delay_days: 14 },
      { type: 'send_email', template: 'Pre-approval 5: still looking?', delay_days: 21, stop_if: 'dealstage != Pre-Approval' },
    ],
  },
  {
    name: 'Stale lead nurture',
    kind: 'drip-sequence',
    object: 'contact',
    active: true,
    trigger: { event: 'schedule', cron: '0 9 * * MON' },
    conditions: [
      { field: 'loan_status', operator: 'eq', value: 'Lead' },
      { field: 'updated_at', operator: 'older_than_days', value: 30 },
    ],
    actions: [{ type: 'send_email', template: '<p>Still thinking about buying? Rates moved this week.</p>', delay_days: 0 }],
  },
  {
    name: 'Underwriting: collect conditions',
    kind: 'task-trigger',
    object: 'deal',
    active: true,
    trigger: { event: 'stage.entered', stage: 'Underwriting' },
    conditions: [],
    actions: [{ type: 'create_task', subject: 'Collect underwriting conditions', due_in_days: 2, assign_to: 'deal.loan_officer' }],
  },
  {
    name: 'Clear to close: schedule the closing',
    kind: 'task-trigger',
    object: 'deal',
    active: true,
    trigger: { event: 'stage.entered', stage: 'Clear to Close' },
    conditions: [{ field: 'closedate', operator: 'is_known' }],
    actions: [
      { type: 'create_task', subject: 'Book closing with title', due_in_days: 1, assign_to: 'priya.nair@contoso-lending.example' },
      { type: 'send_email', template: 'Clear to close! 🏡', to: 'contact' },
    ],
  },
  {
    name: 'Funded: past client and review request',
    kind: 'task-trigger',
    object: 'deal',
    active: true,
    trigger: { event: 'stage.entered', stage: 'Funded' },
    conditions: [],
    actions: [
      { type: 'update_property', object: 'contact', field: 'loan_status', value: 'Funded' },
      { type: 'send_email', template: 'Thank you + review request', delay_days: 7 },
      { type: 'webhook', url: 'https://reviews.example/hooks/leaf360', headers: { 'X-Source': 'leaf360', Retry: 3 } },
    ],
  },
  {
    name: 'Appraisal SLA: 10 days in Processing',
    kind: 'sla-timer',
    object: 'deal',
    active: true,
    trigger: { event: 'stage.entered', stage: 'Processing' },
    conditions: [{ field: 'dealstage', operator: 'eq', value: 'Processing' }],
    actions: [{ type: 'notify', after_days: 10, to: 'dana.kowalski@contoso-lending.example', message: 'Appraisal overdue on {{dealname}}' }],
  },
  {
    name: 'New lead response within 15 minutes',
    kind: 'sla-timer',
    object: 'contact',
    active: true,
    trigger: { event: 'record.created' },
    conditions: [{ field: 'loan_status', operator: 'eq', value: 'Lead' }],
    actions: [{ type: 'escalate', after_minutes: 15, to: 'role:Branch Manager', unless: 'engagement.logged' }],
  },
  {
    name: 'Partner referral thank-you',
    kind: 'task-trigger',
    object: 'referral',
    active: true,
    trigger: { event: 'record.created' },
    conditions: [{ field: 'label', operator: 'eq', value: 'Referred by' }],
    actions: [{ type: 'send_email', template: 'Thanks for the referral 🙏', to: 'partner', business_days_only: true }],
  },
  {
    name: 'Rate lock expiring',
    kind: 'sla-timer',
    object: 'deal',
    active: true,
    trigger: { event: 'date.approaching', field: 'lock_expiration', days_before: 3 },
    conditions: [{ field: 'dealstage', operator: 'not_in', value: 'Funded' }],
    actions: [{ type: 'create_task', subject: 'Extend or re-lock the rate', due_in_days: 0, assign_to: 'deal.loan_officer' }],
  },
  {
    name: '2019 purchase leads to Frank (retired)',
    kind: 'lead-routing',
    object: 'contact',
    active: false,
    trigger: { event: 'record.created' },
    conditions: [{ field: 'referral_source', operator: 'eq', value: 'Open House' }],
    actions: [{ type: 'assign_owner', user: 'frank.lee@oldbroker.example' }],
  },
];

export interface ReportTemplate {
  name: string;
  kind: 'report' | 'dashboard';
  object: string | null;
  owner: string | null;
  columns: string[];
  filters: Array<Record<string, string>>;
  group_by: string | null;
  chart_type: string | null;
  /** a dashboard's reports, by their position in REPORTS */
  reports: number[];
  schedule: string | null;
}

export const REPORTS: readonly ReportTemplate[] = [
  { name: 'Pipeline by stage', kind: 'report', object: 'deal', owner: 'dana.kowalski@contoso-lending.example', columns: ['dealname', 'loan_amount', 'dealstage', 'loan_officer'], filters: [{ field: 'pipeline', operator: 'eq', value: 'Mortgage' }], group_by: 'dealstage', chart_type: 'funnel', reports: [], schedule: null },
  { name: 'Funded volume by loan officer', kind: 'report', object: 'deal', owner: 'dana.kowalski@contoso-lending.example', columns: ['loan_officer', 'loan_amount'], filters: [{ field: 'dealstage', operator: 'eq', value: 'Funded' }], group_by: 'loan_officer', chart_type: 'column', reports: [], schedule: 'weekly:MON:08:00' },
  { name: 'Leads by source', kind: 'report', object: 'contact', owner: 'alicia.moreno@contoso-lending.example', columns: ['referral_source', 'contact_id'], filters: [{ field: 'loan_status', operator: 'eq', value: 'Lead' }], group_by: 'referral_source', chart_type: 'pie', reports: [], schedule: null },
  { name: 'Referral partner leaderboard 🏆', kind: 'report', object: 'referral', owner: 'dana.kowalski@contoso-lending.example', columns: ['partner_contact_id', 'partner_company_id', 'referral_id'], filters: [], group_by: 'partner_contact_id', chart_type: 'bar', reports: [], schedule: 'monthly:1:07:00' },
  { name: 'Activity by owner (last 30 days)', kind: 'report', object: 'engagement', owner: 'dana.kowalski@contoso-lending.example', columns: ['owner_email', 'type', 'occurred_at'], filters: [{ field: 'occurred_at', operator: 'within_days', value: '30' }], group_by: 'owner_email', chart_type: 'stacked-bar', reports: [], schedule: null },
  { name: 'Stale pre-approvals', kind: 'report', object: 'deal', owner: 'brian.okafor@contoso-lending.example', columns: ['dealname', 'preapproval_date', 'loan_officer'], filters: [{ field: 'dealstage', operator: 'eq', value: 'Pre-Approval' }, { field: 'updated_at', operator: 'older_than_days', value: '45' }], group_by: null, chart_type: null, reports: [], schedule: 'daily:07:30' },
  { name: 'Time in stage', kind: 'report', object: 'deal_stage_history', owner: 'tom.becker@contoso-lending.example', columns: ['stage', 'entered_at', 'exited_at'], filters: [], group_by: 'stage', chart_type: 'box', reports: [], schedule: null },
  { name: 'Frank’s old pipeline', kind: 'report', object: 'deal', owner: 'frank.lee@oldbroker.example', columns: ['dealname', 'dealstage'], filters: [{ field: 'loan_officer', operator: 'eq', value: 'frank.lee@oldbroker.example' }], group_by: null, chart_type: null, reports: [], schedule: null },
  { name: 'Branch dashboard', kind: 'dashboard', object: null, owner: 'dana.kowalski@contoso-lending.example', columns: [], filters: [], group_by: null, chart_type: null, reports: [0, 1, 2, 4], schedule: 'weekly:MON:08:00' },
  { name: 'Loan officer scorecard', kind: 'dashboard', object: null, owner: null, columns: [], filters: [], group_by: null, chart_type: null, reports: [1, 3, 5], schedule: null },
];
