import { FerryError } from '@ferry/common';
import type { StreamDefinition } from '@ferry/connectors/core';

/**
 * Every object an Interactive account holds, in load order (parents before children). Stream names are the
 * Avro record files under schemas/interactive/.
 *
 * The export is a folder of JSON: the large objects as NDJSON in the API's own item shape
 * (`{ id, properties, createdAt, updatedAt, archived }`), the small ones as one document each with the items
 * under `results`, written with the export's camelCase keys. `columns` names only what the reader cannot find
 * by itself (camelCase keys find their snake_case field on their own).
 */
export const INTERACTIVE_STREAMS: readonly StreamDefinition[] = [
  {
    name: 'owner',
    key: 'owner_id',
    cursor: 'updated_at',
    references: [],
    export: {
      file: 'owners.json',
      format: 'json',
      arrayPath: 'results',
      columns: { id: 'owner_id' },
    },
    api: { path: '/v1/owners' },
    description: 'People records are assigned to, with whether they are still active and ever had a login',
  },
  {
    name: 'company',
    key: 'company_id',
    cursor: 'updated_at',
    references: [
      { field: 'parent_company_id', object: 'company' },
      { field: 'owner_id', object: 'owner' },
    ],
    export: { file: 'companies.ndjson', format: 'ndjson', columns: { id: 'company_id' } },
    api: { path: '/v1/companies' },
    description: 'Organisations (referral partners, trust companies, employers), with an optional parent company',
  },
  {
    name: 'contact',
    key: 'contact_id',
    cursor: 'updated_at',
    references: [
      { field: 'primary_company_id', object: 'company' },
      { field: 'owner_id', object: 'owner' },
    ],
    export: { file: 'contacts.ndjson', format: 'ndjson', columns: { id: 'contact_id' } },
    api: { path: '/v1/contacts' },
    description: 'People, with lifecycle stage and lead status, a primary company and further company associations',
  },
  {
    name: 'pipeline',
    key: 'pipeline_id',
    cursor: 'updated_at',
    references: [],
    export: {
      file: 'pipelines.json',
      format: 'json',
      arrayPath: 'results',
      columns: { id: 'pipeline_id' },
    },
    api: { path: '/v1/pipelines' },
    description: 'Deal pipelines; each becomes a sales process',
  },
  {
    name: 'pipeline_stage',
    key: 'stage_id',
    cursor: 'updated_at',
    references: [{ field: 'pipeline_id', object: 'pipeline' }],
    export: {
      file: 'pipeline_stages.json',
      format: 'json',
      arrayPath: 'results',
      columns: { id: 'stage_id' },
    },
    api: { path: '/v1/pipeline-stages' },
    description: 'Stages of each pipeline, in order, with their win probability',
  },
  {
    name: 'deal',
    key: 'deal_id',
    cursor: 'updated_at',
    references: [
      { field: 'pipeline_id', object: 'pipeline' },
      { field: 'stage_id', object: 'pipeline_stage' },
      { field: 'owner_id', object: 'owner' },
      { field: 'company_id', object: 'company' },
    ],
    export: { file: 'deals.ndjson', format: 'ndjson', columns: { id: 'deal_id' } },
    api: { path: '/v1/deals' },
    description: 'Opportunities with amount, currency, close date and pipeline stage',
  },
  {
    name: 'matter',
    key: 'matter_id',
    cursor: 'updated_at',
    references: [
      { field: 'company_id', object: 'company' },
      { field: 'owner_id', object: 'owner' },
    ],
    export: { file: 'matters.ndjson', format: 'ndjson', columns: { id: 'matter_id' } },
    api: { path: '/v1/objects/matters' },
    description: 'Custom object: estate-planning matters, linked many-to-many to contacts by labelled associations',
  },
  {
    name: 'activity',
    key: 'activity_id',
    cursor: 'updated_at',
    references: [
      { field: 'owner_id', object: 'owner' },
      { field: 'contact_id', object: 'contact' },
      { field: 'company_id', object: 'company' },
      { field: 'deal_id', object: 'deal' },
    ],
    export: { file: 'activities.ndjson', format: 'ndjson', columns: { id: 'activity_id' } },
    api: { path: '/v1/activities' },
    description: 'Logged calls, emails and meetings, and tasks, with their original timestamps',
  },
  {
    name: 'note',
    key: 'note_id',
    cursor: 'updated_at',
    references: [
      { field: 'owner_id', object: 'owner' },
      { field: 'contact_id', object: 'contact' },
      { field: 'company_id', object: 'company' },
      { field: 'deal_id', object: 'deal' },
      { field: 'matter_id', object: 'matter' },
    ],
    export: { file: 'notes.ndjson', format: 'ndjson', columns: { id: 'note_id' } },
    api: { path: '/v1/notes' },
    description: 'Rich-text (HTML) notes on a contact, company, deal or matter, some with inline images',
  },
  {
    name: 'attachment',
    key: 'attachment_id',
    cursor: 'updated_at',
    references: [
      { field: 'note_id', object: 'note' },
      { field: 'contact_id', object: 'contact' },
      { field: 'company_id', object: 'company' },
      { field: 'deal_id', object: 'deal' },
      { field: 'matter_id', object: 'matter' },
      { field: 'owner_id', object: 'owner' },
    ],
    export: { file: 'attachments.ndjson', format: 'ndjson', columns: { id: 'attachment_id', uploadedBy: 'owner_id' } },
    api: { path: '/v1/files' },
    description: 'Files attached to records or notes; the bytes are under files/ in the export',
  },
  {
    name: 'association',
    key: 'association_id',
    cursor: null,
    references: [
      { field: 'contact_id', object: 'contact' },
      { field: 'company_id', object: 'company' },
      { field: 'deal_id', object: 'deal' },
      { field: 'matter_id', object: 'matter' },
      { field: 'activity_id', object: 'activity' },
    ],
    export: { file: 'associations.ndjson', format: 'ndjson' },
    api: { path: '/v1/associations' },
    description: 'Labelled links: contact-company (one primary), deal-contact, matter-contact, meeting attendees',
  },
  {
    name: 'workflow',
    key: 'workflow_id',
    cursor: 'updated_at',
    references: [],
    export: {
      file: 'workflows.json',
      format: 'json',
      arrayPath: 'results',
      columns: { id: 'workflow_id' },
    },
    api: { path: '/v1/automation/workflows' },
    description: 'Automation rules (trigger, filters, actions): rebuilt by hand in the destination, never migrated',
  },
  {
    name: 'deal_stage_history',
    key: 'history_id',
    cursor: 'entered_at',
    references: [
      { field: 'deal_id', object: 'deal' },
      { field: 'pipeline_id', object: 'pipeline' },
      { field: 'stage_id', object: 'pipeline_stage' },
      { field: 'changed_by', object: 'owner' },
    ],
    api: { path: '/v1/deals/stage-history' },
    description: 'Every stage a deal entered and when; the API has it, the export does not',
  },
];

export type InteractiveStream =
  | 'owner'
  | 'company'
  | 'contact'
  | 'pipeline'
  | 'pipeline_stage'
  | 'deal'
  | 'matter'
  | 'activity'
  | 'note'
  | 'attachment'
  | 'association'
  | 'workflow'
  | 'deal_stage_history';

export function interactiveStream(name: string): StreamDefinition {
  const s = INTERACTIVE_STREAMS.find((d) => d.name === name);
  if (!s) {
    const names = INTERACTIVE_STREAMS.map((d) => d.name).join(', ');
    throw new FerryError('USAGE', `interactive has no stream "${name}": choose one of ${names}`, 'fatal');
  }
  return s;
}
