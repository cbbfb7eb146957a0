/**
 * Leaf360 records, shaped exactly like schemas/leaf360/<stream>.avsc, and a field table of the same (name,
 * required, kind) that the API mapping and the sample follow. Reading types rows from the Avro schemas (the
 * connector core); a unit test keeps this table equal to them. Export header names are the field names.
 */

/** Every Leaf360 object: also the Avro record `schemas/leaf360/<stream>.avsc` and the topic's object segment. */
export type Leaf360Stream =
  | 'user'
  | 'company'
  | 'contact'
  | 'deal'
  | 'pipeline'
  | 'pipeline_stage'
  | 'deal_stage_history'
  | 'engagement'
  | 'attachment'
  | 'referral'
  | 'workflow'
  | 'report';

export const LEAF360_STREAMS: readonly Leaf360Stream[] = [
  'user',
  'company',
  'contact',
  'deal',
  'pipeline',
  'pipeline_stage',
  'deal_stage_history',
  'engagement',
  'attachment',
  'referral',
  'workflow',
  'report',
];

/** Streams the export drop carries as CSV files (workflows come as JSON; reports only from the API). */
export type Leaf360CsvStream = Exclude<Leaf360Stream, 'workflow' | 'report'>;

/** The three objects the demo route migrates (company → account, contact → contact, deal → opportunity). */
export type Leaf360Object = 'company' | 'contact' | 'deal';

export const LEAF360_OBJECTS: readonly Leaf360Object[] = ['company', 'contact', 'deal'];

export const LEAF360_FILES: Readonly<Record<Leaf360Object, string>> = {
  company: 'companies.csv',
  contact: 'contacts.csv',
  deal: 'deals.csv',
};

export interface Leaf360Company {
  company_id: string;
  name: string;
  domain: string | null;
  phone: string | null;
  industry: string | null;
  property_address: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  parent_company_id: string | null;
  /** epoch millis */
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Contact {
  contact_id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  job_title: string | null;
  company_id: string | null;
  /** email of the loan officer who owns the contact, as the source spelled it */
  loan_officer: string | null;
  loan_status: string | null;
  referral_source: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Deal {
  deal_id: string;
  dealname: string;
  /** canonical decimal text with two places, e.g. "350000.00" */
  loan_amount: string | null;
  /** days since 1970-01-01 */
  closedate: number | null;
  loan_type: string | null;
  preapproval_date: number | null;
  pipeline: string | null;
  dealstage: string | null;
  company_id: string | null;
  contact_id: string | null;
  loan_officer: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}


export interface Leaf360User {
  user_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: string | null;
  /** false for people who left; the records they owned still name them */
  active: boolean;
  deactivated_at: number | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Pipeline {
  pipeline_id: string;
  label: string;
  display_order: number | null;
  active: boolean | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360PipelineStage {
  stage_id: string;
  pipeline_id: string;
  label: string;
  display_order: number;
  /** percent, 0-100 */
  probability: number | null;
  is_closed: boolean | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360DealStageHistory {
  history_id: string;
  deal_id: string;
  pipeline: string | null;
  stage: string;
  entered_at: number;
  /** null while the deal is still in the stage */
  exited_at: number | null;
  changed_by: string | null;
  custom: Record<string, string>;
}

export interface Leaf360Engagement {
  engagement_id: string;
  /** call, email, meeting or note, as the source spelled it */
  type: string;
  subject: string | null;
  /** may hold HTML */
  body: string | null;
  occurred_at: number | null;
  duration_seconds: number | null;
  direction: string | null;
  contact_id: string | null;
  company_id: string | null;
  deal_id: string | null;
  owner_email: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Attachment {
  attachment_id: string;
  file_name: string;
  size_bytes: number;
  mime_type: string | null;
  /** relative to the export folder, under files/ */
  path: string;
  contact_id: string | null;
  company_id: string | null;
  deal_id: string | null;
  uploaded_by: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Referral {
  referral_id: string;
  partner_contact_id: string | null;
  partner_company_id: string | null;
  contact_id: string | null;
  deal_id: string | null;
  label: string;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Workflow {
  workflow_id: string;
  name: string;
  kind: string;
  object: string | null;
  active: boolean;
  trigger: Record<string, string>;
  conditions: Array<Record<string, string>>;
  actions: Array<Record<string, string>>;
  created_by: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360Report {
  report_id: string;
  name: string;
  /** report or dashboard */
  kind: string;
  object: string | null;
  owner_email: string | null;
  columns: string[];
  filters: Array<Record<string, string>>;
  group_by: string | null;
  chart_type: string | null;
  report_ids: string[];
  schedule: string | null;
  created_at: number | null;
  updated_at: number | null;
  custom: Record<string, string>;
}

export interface Leaf360RecordByStream {
  user: Leaf360User;
  company: Leaf360Company;
  contact: Leaf360Contact;
  deal: Leaf360Deal;
  pipeline: Leaf360Pipeline;
  pipeline_stage: Leaf360PipelineStage;
  deal_stage_history: Leaf360DealStageHistory;
  engagement: Leaf360Engagement;
  attachment: Leaf360Attachment;
  referral: Leaf360Referral;
  workflow: Leaf360Workflow;
  report: Leaf360Report;
}

export type Leaf360RecordByObject = Pick<Leaf360RecordByStream, Leaf360Object>;

/**
 * string: trimmed text; email: trimmed text holding an address, kept as spelled (owner matching compares it
 * case-insensitively, and an unusable address is for owner resolution to report, not a reason to drop the row);
 * timestamp: epoch millis; date: days since epoch; decimal: money as canonical text; integer: a
 * whole number that fits Avro's int; long: one that a double holds exactly;
 * boolean: true/false (yes/no, 1/0); text-map, text-list, map-list: JSON objects and arrays of strings
 * (only in the JSON export and the API), empty when absent.
 */
export type Leaf360FieldKind =
  | 'string'
  | 'email'
  | 'timestamp'
  | 'date'
  | 'decimal'
  | 'integer'
  | 'long'
  | 'boolean'
  | 'text-map'
  | 'text-list'
  | 'map-list';

export interface Leaf360FieldSpec {
  /** CSV header name or JSON property, also the record field */
  readonly name: string;
  /** the header must have it and every row must give it a value */
  readonly required: boolean;
  readonly kind: Leaf360FieldKind;
}

const req = <N extends string, K extends Leaf360FieldKind>(name: N, kind: K) => ({ name, required: true as const, kind });
const opt = <N extends string, K extends Leaf360FieldKind>(name: N, kind: K) => ({ name, required: false as const, kind });

const stamps = [opt('created_at', 'timestamp'), opt('updated_at', 'timestamp')] as const;

/** Every stream's fields in Avro order, `custom` left out (it collects whatever the table does not name). */
export const LEAF360_FIELDS = {
  user: [
    req('user_id', 'string'),
    req('email', 'email'),
    opt('first_name', 'string'),
    opt('last_name', 'string'),
    opt('role', 'string'),
    req('active', 'boolean'),
    opt('deactivated_at', 'timestamp'),
    ...stamps,
  ],
  company: [
    req('company_id', 'string'),
    req('name', 'string'),
    opt('domain', 'string'),
    opt('phone', 'string'),
    opt('industry', 'string'),
    opt('property_address', 'string'),
    opt('city', 'string'),
    opt('state', 'string'),
    opt('zip', 'string'),
    opt('parent_company_id', 'string'),
    ...stamps,
  ],
  contact: [
    req('contact_id', 'string'),
    opt('first_name', 'string'),
    opt('last_name', 'string'),
    opt('email', 'email'),
    opt('phone', 'string'),
    opt('job_title', 'string'),
    opt('company_id', 'string'),
    opt('loan_officer', 'email'),
    opt('loan_status', 'string'),
    opt('referral_source', 'string'),
    ...stamps,
  ],
  deal: [
    req('deal_id', 'string'),
    req('dealname', 'string'),
    opt('loan_amount', 'decimal'),
    opt('closedate', 'date'),
    opt('loan_type', 'string'),
    opt('preapproval_date', 'date'),
    opt('pipeline', 'string'),
    opt('dealstage', 'string'),
    opt('company_id', 'string'),
    opt('contact_id', 'string'),
    opt('loan_officer', 'email'),
    ...stamps,
  ],
  pipeline: [
    req('pipeline_id', 'string'),
    req('label', 'string'),
    opt('display_order', 'integer'),
    opt('active', 'boolean'),
    ...stamps,
  ],
  pipeline_stage: [
    req('stage_id', 'string'),
    req('pipeline_id', 'string'),
    req('label', 'string'),
    req('display_order', 'integer'),
    opt('probability', 'integer'),
    opt('is_closed', 'boolean'),
    ...stamps,
  ],
  deal_stage_history: [
    req('history_id', 'string'),
    req('deal_id', 'string'),
    opt('pipeline', 'string'),
    req('stage', 'string'),
    req('entered_at', 'timestamp'),
    opt('exited_at', 'timestamp'),
    opt('changed_by', 'email'),
  ],
  engagement: [
    req('engagement_id', 'string'),
    req('type', 'string'),
    opt('subject', 'string'),
    opt('body', 'string'),
    opt('occurred_at', 'timestamp'),
    opt('duration_seconds', 'integer'),
    opt('direction', 'string'),
    opt('contact_id', 'string'),
    opt('company_id', 'string'),
    opt('deal_id', 'string'),
    opt('owner_email', 'email'),
    ...stamps,
  ],
  attachment: [
    req('attachment_id', 'string'),
    req('file_name', 'string'),
    req('size_bytes', 'long'),
    opt('mime_type', 'string'),
    req('path', 'string'),
    opt('contact_id', 'string'),
    opt('company_id', 'string'),
    opt('deal_id', 'string'),
    opt('uploaded_by', 'email'),
    ...stamps,
  ],
  referral: [
    req('referral_id', 'string'),
    opt('partner_contact_id', 'string'),
    opt('partner_company_id', 'string'),
    opt('contact_id', 'string'),
    opt('deal_id', 'string'),
    req('label', 'string'),
    ...stamps,
  ],
  workflow: [
    req('workflow_id', 'string'),
    req('name', 'string'),
    req('kind', 'string'),
    opt('object', 'string'),
    req('active', 'boolean'),
    opt('trigger', 'text-map'),
    opt('conditions', 'map-list'),
    opt('actions', 'map-list'),
    opt('created_by', 'email'),
    ...stamps,
  ],
  report: [
    req('report_id', 'string'),
    req('name', 'string'),
    req('kind', 'string'),
    opt('object', 'string'),
    opt('owner_email', 'email'),
    opt('columns', 'text-list'),
    opt('filters', 'map-list'),
    opt('group_by', 'string'),
    opt('chart_type', 'string'),
    opt('report_ids', 'text-list'),
    opt('schedule', 'string'),
    ...stamps,
  ],
} as const satisfies Record<Leaf360Stream, readonly Leaf360FieldSpec[]>;

/** The field holding each stream's stable key: always its first. */
export function leaf360Key(stream: Leaf360Stream): string {
  return LEAF360_FIELDS[stream][0].name;
}

/** The record type the field table implies; checked against the hand-written interfaces below. */
type KindType = {
  string: string;
  email: string;
  timestamp: number;
  date: number;
  decimal: string;
  integer: number;
  long: number;
  boolean: boolean;
  'text-map': Record<string, string>;
  'text-list': string[];
  'map-list': Array<Record<string, string>>;
};
type Collection = 'text-map' | 'text-list' | 'map-list';
type Fields<S extends Leaf360Stream> = (typeof LEAF360_FIELDS)[S][number];
type RecordFromFields<S extends Leaf360Stream> = {
  [C in Fields<S> as C['name']]: C['required'] extends true
    ? KindType[C['kind']]
    : C['kind'] extends Collection
      ? KindType[C['kind']]
      : KindType[C['kind']] | null;
} & { custom: Record<string, string> };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AllSame = { [S in Leaf360Stream]: Same<RecordFromFields<S>, Leaf360RecordByStream[S]> };
type AssertTrue<T extends true> = T;
// A field added to the table but not the interface (or the other way round) fails to compile here.
export type Leaf360FieldsMatchRecords = AssertTrue<AllSame[Leaf360Stream] extends true ? true : false>;
