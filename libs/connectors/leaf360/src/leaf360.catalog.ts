import type { StreamDefinition } from '@ferry/connectors/core';
import type { Leaf360Stream } from './leaf360.records';

/** Where each object sits in a Leaf360 export drop. Reports and dashboards are not in the export: only the API serves them. */
export const LEAF360_EXPORT_FILES = {
  user: 'users.csv',
  company: 'companies.csv',
  contact: 'contacts.csv',
  deal: 'deals.csv',
  pipeline: 'pipelines.csv',
  pipeline_stage: 'pipeline_stages.csv',
  deal_stage_history: 'deal_stage_history.csv',
  engagement: 'engagements.csv',
  attachment: 'attachments.csv',
  referral: 'referrals.csv',
  workflow: 'workflows.json',
} as const satisfies Partial<Record<Leaf360Stream, string>>;

/** The folder of an export drop holding the attachments' bytes; attachment paths start with it. */
export const LEAF360_FILES_DIR = 'files';

const csv = (stream: keyof typeof LEAF360_EXPORT_FILES) => ({ file: LEAF360_EXPORT_FILES[stream], format: 'csv' as const });

/**
 * Every Leaf360 object: its key, change cursor, the parents it points at, where the export drop and the API
 * carry it. Names are also the Avro records (schemas/leaf360/<name>.avsc) and the topics' object segments.
 * Listed parents first, so a reader taking them in order meets few children before their parents.
 */
export const LEAF360_CATALOG: readonly StreamDefinition[] = [
  {
    name: 'user',
    key: 'user_id',
    cursor: 'updated_at',
    references: [],
    export: csv('user'),
    api: { path: '/v1/users' },
    description: 'Leaf360 logins (loan officers, processors, admins) with email, name, role and whether they still work there',
  },
  {
    name: 'company',
    key: 'company_id',
    cursor: 'updated_at',
    references: [{ field: 'parent_company_id', object: 'company' }],
    export: csv('company'),
    api: { path: '/v1/companies' },
    description: 'brokerages, builders, title companies and borrowers’ employers, with property address and parent company',
  },
  {
    name: 'contact',
    key: 'contact_id',
    cursor: 'updated_at',
    references: [{ field: 'company_id', object: 'company' }],
    export: csv('contact'),
    api: { path: '/v1/contacts' },
    description: 'borrowers and referral partners, with loan officer (by email), loan status and referral source',
  },
  {
    name: 'deal',
    key: 'deal_id',
    cursor: 'updated_at',
    references: [
      { field: 'company_id', object: 'company' },
      { field: 'contact_id', object: 'contact' },
    ],
    export: csv('deal'),
    api: { path: '/v1/deals' },
    description: 'loans in the pipeline: amount, loan type, pre-approval and close dates, stage and loan officer',
  },
  {
    name: 'pipeline',
    key: 'pipeline_id',
    cursor: 'updated_at',
    references: [],
    export: csv('pipeline'),
    api: { path: '/v1/pipelines' },
    description: 'deal pipelines (deals name theirs by label)',
  },
  {
    name: 'pipeline_stage',
    key: 'stage_id',
    cursor: 'updated_at',
    references: [{ field: 'pipeline_id', object: 'pipeline' }],
    export: csv('pipeline_stage'),
    api: { path: '/v1/pipelines/stages' },
    description: 'the milestones of each pipeline in order, with the probability forecasting gives them',
  },
  {
    name: 'deal_stage_history',
    key: 'history_id',
    // A row changes when the deal leaves its stage, and carries no modification time: deltas compare contents.
    cursor: null,
    references: [{ field: 'deal_id', object: 'deal' }],
    export: csv('deal_stage_history'),
    api: { path: '/v1/deals/stage-history' },
    description: 'when each deal entered and left each stage',
  },
  {
    name: 'engagement',
    key: 'engagement_id',
    cursor: 'updated_at',
    references: [
      { field: 'contact_id', object: 'contact' },
      { field: 'company_id', object: 'company' },
      { field: 'deal_id', object: 'deal' },
    ],
    export: csv('engagement'),
    api: { path: '/v1/engagements' },
    description: 'calls, emails, meetings and notes with their original time, owner and the records they were logged against',
  },
  {
    name: 'attachment',
    key: 'attachment_id',
    cursor: 'updated_at',
    references: [
      { field: 'contact_id', object: 'contact' },
      { field: 'company_id', object: 'company' },
      { field: 'deal_id', object: 'deal' },
    ],
    export: csv('attachment'),
    api: { path: '/v1/files' },
    description: `files uploaded to a contact, company or deal: name, size, type and where the bytes are under ${LEAF360_FILES_DIR}/`,
  },
  {
    name: 'referral',
    key: 'referral_id',
    cursor: 'updated_at',
    references: [
      { field: 'partner_contact_id', object: 'contact' },
      { field: 'partner_company_id', object: 'company' },
      { field: 'contact_id', object: 'contact' },
      { field: 'deal_id', object: 'deal' },
    ],
    export: csv('referral'),
    api: { path: '/v1/referrals' },
    description: 'referral partners (a contact or a company) credited with a borrower or a loan, with how they are related',
  },
  {
    name: 'workflow',
    key: 'workflow_id',
    cursor: 'updated_at',
    references: [],
    export: { file: LEAF360_EXPORT_FILES.workflow, format: 'json', arrayPath: 'workflows' },
    api: { path: '/v1/workflows' },
    description: 'automations (lead routing, drip sequences, task triggers, SLA timers): definitions to rebuild, never migrated as data',
  },
  {
    name: 'report',
    key: 'report_id',
    cursor: 'updated_at',
    references: [],
    api: { path: '/v1/reports' },
    description: 'report and dashboard definitions (API only): what to rebuild in the destination’s reporting',
  },
];
