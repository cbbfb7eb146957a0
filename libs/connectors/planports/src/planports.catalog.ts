import type { ExportLocation, StreamDefinition } from '@ferry/connectors/core';

/**
 * Every Planports object as Ferry reads it. The Excel export is one workbook with a worksheet per object and
 * human header labels; the CSV variant (used for very large drops) is one file per object with the same
 * headers. Workflow automations, Kanban automation rules and WhatsApp conversations are API-only.
 */

export const PLANPORTS_EXPORT_FILE = 'planports-export.xlsx';

/** Worksheet, CSV file and header labels of one exported object; the labels are the column order. */
export interface PlanportsSheet {
  sheet: string;
  csv: string;
  /** [header label, schema field], in the order the export writes them */
  headers: ReadonlyArray<readonly [string, string]>;
}

type Ref = readonly [field: string, object: string];

interface StreamSpec {
  key: string;
  cursor: string | null;
  refs: readonly Ref[];
  api: string;
  description: string;
  sheet?: PlanportsSheet;
}

const STAMPS = [['Created At', 'created_at'], ['Updated At', 'updated_at']] as const;

const LINE_HEADERS = (parent: readonly [string, string]) =>
  [
    ['Line ID', 'line_id'], parent, ['Product ID', 'product_id'], ['Line No.', 'position'], ['Description', 'description'],
    ['Quantity', 'quantity'], ['Unit Price', 'unit_price'], ['Discount (%)', 'discount_percent'], ['VAT (%)', 'vat_rate'],
    ['Line Total', 'line_total'], ['Currency', 'currency'],
  ] as const;

/** Parents come before their children, so the catalog is also a load order. */
const SPECS: Readonly<Record<string, StreamSpec>> = {
  user: {
    key: 'user_id', cursor: 'updated_at', refs: [], api: '/v1/users',
    description: 'Users who own records, including those who left (inactive)',
    sheet: {
      sheet: 'Users', csv: 'users.csv',
      headers: [
        ['User ID', 'user_id'], ['E-mail', 'email'], ['Full Name', 'full_name'], ['Phone', 'phone'], ['Role', 'role'], ['Team', 'team'],
        ['Active', 'active'], ['Last Login', 'last_login_at'], ['Deactivated At', 'deactivated_at'], ...STAMPS,
      ],
    },
  },
  pipeline: {
    key: 'pipeline_id', cursor: 'updated_at', refs: [], api: '/v1/pipelines',
    description: 'Sales pipelines, one or more per vertical',
    sheet: {
      sheet: 'Pipelines', csv: 'pipelines.csv',
      headers: [
        ['Pipeline ID', 'pipeline_id'], ['Pipeline Name', 'name'], ['Vertical', 'vertical'], ['Default Currency', 'default_currency'],
        ['Default Pipeline', 'is_default'], ['Archived', 'archived'], ...STAMPS,
      ],
    },
  },
  pipeline_stage: {
    key: 'stage_id', cursor: null, refs: [['pipeline_id', 'pipeline']], api: '/v1/pipeline-stages',
    description: 'Stages of each pipeline with their win probability',
    sheet: {
      sheet: 'Pipeline Stages', csv: 'pipeline-stages.csv',
      headers: [
        ['Stage ID', 'stage_id'], ['Pipeline ID', 'pipeline_id'], ['Stage Name', 'name'], ['Order', 'position'],
        ['Probability (%)', 'probability'], ['Outcome', 'outcome'], ['Rotting Days', 'rotting_days'],
      ],
    },
  },
  product: {
    key: 'product_id', cursor: 'updated_at', refs: [], api: '/v1/products',
    description: 'Products and services that quote and order lines reference',
    sheet: {
      sheet: 'Products', csv: 'products.csv',
      headers: [
        ['Product ID', 'product_id'], ['Product Name', 'name'], ['SKU', 'sku'], ['Category', 'category'], ['Description', 'description'],
        ['Unit', 'unit'], ['Unit Price', 'unit_price'], ['Currency', 'currency'], ['VAT (%)', 'vat_rate'], ['Active', 'active'], ...STAMPS,
      ],
    },
  },
  custom_field: {
    key: 'field_id', cursor: 'updated_at', refs: [], api: '/v1/custom-fields',
    description: 'Definitions of vertical and user-defined fields on contacts, leads and deals',
    sheet: {
      sheet: 'Custom Fields', csv: 'custom-fields.csv',
      headers: [
        ['Field ID', 'field_id'], ['Object', 'object'], ['Label', 'label'], ['API Name', 'api_name'], ['Field Type', 'field_type'],
        ['Options', 'options'], ['Vertical', 'vertical'], ['Required', 'required'], ...STAMPS,
      ],
    },
  },
  contact: {
    key: 'contact_id', cursor: 'updated_at', refs: [['owner_id', 'user']], api: '/v1/contacts',
    description: 'Unified contact cards: person, company name, WhatsApp channel and ad-source attribution',
    sheet: {
      sheet: 'Contacts', csv: 'contacts.csv',
      headers: [
        ['Contact ID', 'contact_id'], ['First Name', 'first_name'], ['Last Name', 'last_name'], ['E-mail', 'email'], ['Phone', 'phone'],
        ['Company', 'company_name'], ['Job Title', 'job_title'], ['City', 'city'], ['Country', 'country'], ['Language', 'language'],
        ['Date of Birth', 'birth_date'], ['Lifecycle Stage', 'lifecycle_stage'], ['Tags', 'tags'], ['Owner ID', 'owner_id'],
        ['WhatsApp Phone', 'whatsapp_phone'], ['WhatsApp Opt-in', 'whatsapp_opt_in'], ['Last WhatsApp Message', 'whatsapp_last_message_at'],
        ['WhatsApp Messages', 'whatsapp_message_count'], ['WhatsApp Conversations', 'whatsapp_conversation_ids'],
        ['Source Platform', 'source_platform'], ['Meta Form ID', 'meta_form_id'], ['Meta Campaign', 'meta_campaign'],
        ['Google Ads Campaign', 'google_ads_campaign'], ['Google Click ID', 'google_click_id'], ['TikTok Campaign', 'tiktok_campaign'],
        ['TikTok Ad ID', 'tiktok_ad_id'], ...STAMPS,
      ],
    },
  },
  whatsapp_conversation: {
    key: 'conversation_id', cursor: 'updated_at', refs: [['contact_id', 'contact'], ['assigned_user_id', 'user']],
    api: '/v1/whatsapp/conversations',
    description: 'WhatsApp Business conversation metadata (API only; bodies mostly stay with Meta)',
  },
  lead: {
    key: 'lead_id', cursor: 'updated_at', refs: [['assigned_user_id', 'user'], ['converted_contact_id', 'contact']], api: '/v1/leads',
    description: 'Ad and form intake (Meta Instant Forms, Google Ads, TikTok) with score, status and assignment',
    sheet: {
      sheet: 'Leads', csv: 'leads.csv',
      headers: [
        ['Lead ID', 'lead_id'], ['Full Name', 'full_name'], ['E-mail', 'email'], ['Phone', 'phone'], ['City', 'city'], ['Country', 'country'],
        ['Source Platform', 'source_platform'], ['Campaign', 'campaign_name'], ['Campaign ID', 'campaign_id'], ['Ad ID', 'ad_id'],
        ['Form ID', 'form_id'], ['Form Name', 'form_name'], ['Submitted At', 'submitted_at'], ['Lead Score', 'lead_score'],
        ['Status', 'status'], ['Assigned User ID', 'assigned_user_id'], ['Converted Contact ID', 'converted_contact_id'],
        ['Converted At', 'converted_at'], ['Message', 'message'], ...STAMPS,
      ],
    },
  },
  deal: {
    key: 'deal_id', cursor: 'updated_at',
    refs: [['contact_id', 'contact'], ['pipeline_id', 'pipeline'], ['stage_id', 'pipeline_stage'], ['owner_id', 'user']],
    api: '/v1/deals',
    description: 'Deals in a pipeline stage, with amount, probability, close reason and vertical fields',
    sheet: {
      sheet: 'Deals', csv: 'deals.csv',
      headers: [
        ['Deal ID', 'deal_id'], ['Deal Title', 'title'], ['Contact ID', 'contact_id'], ['Pipeline ID', 'pipeline_id'], ['Stage ID', 'stage_id'],
        ['Amount', 'amount'], ['Currency', 'currency'], ['Probability (%)', 'probability'], ['Expected Close Date', 'expected_close_date'],
        ['Closed At', 'closed_at'], ['Status', 'status'], ['Close Reason', 'close_reason'], ['Source', 'source'], ['Owner ID', 'owner_id'],
        ...STAMPS,
      ],
    },
  },
  deal_stage_history: {
    key: 'history_id', cursor: 'changed_at',
    refs: [['deal_id', 'deal'], ['from_stage_id', 'pipeline_stage'], ['to_stage_id', 'pipeline_stage'], ['changed_by', 'user']],
    api: '/v1/deals/stage-history',
    description: 'Every move of a deal from one stage to another',
    sheet: {
      sheet: 'Deal Stage History', csv: 'deal-stage-history.csv',
      headers: [
        ['History ID', 'history_id'], ['Deal ID', 'deal_id'], ['From Stage ID', 'from_stage_id'], ['To Stage ID', 'to_stage_id'],
        ['Changed At', 'changed_at'], ['Changed By', 'changed_by'], ['Days in Previous Stage', 'days_in_previous_stage'],
      ],
    },
  },
  quote: {
    key: 'quote_id', cursor: 'updated_at',
    refs: [['deal_id', 'deal'], ['contact_id', 'contact'], ['approved_by', 'user'], ['owner_id', 'user']],
    api: '/v1/quotes',
    description: 'Quotes on deals with totals and approval status (PDFs are attachments)',
    sheet: {
      sheet: 'Quotes', csv: 'quotes.csv',
      headers: [
        ['Quote ID', 'quote_id'], ['Quote No.', 'quote_number'], ['Title', 'title'], ['Deal ID', 'deal_id'], ['Contact ID', 'contact_id'],
        ['Status', 'status'], ['Approval Status', 'approval_status'], ['Approved By', 'approved_by'], ['Approved At', 'approved_at'],
        ['Issue Date', 'issue_date'], ['Valid Until', 'valid_until'], ['Subtotal', 'subtotal'], ['Discount', 'discount_total'],
        ['Tax', 'tax_total'], ['Total', 'total'], ['Currency', 'currency'], ['Terms', 'terms'], ['Owner ID', 'owner_id'], ...STAMPS,
      ],
    },
  },
  quote_line_item: {
    key: 'line_id', cursor: null, refs: [['quote_id', 'quote'], ['product_id', 'product']], api: '/v1/quote-items',
    description: 'Quote lines: product, quantity, price, discount and VAT',
    sheet: { sheet: 'Quote Items', csv: 'quote-items.csv', headers: LINE_HEADERS(['Quote ID', 'quote_id']) },
  },
  order: {
    key: 'order_id', cursor: 'updated_at',
    refs: [['quote_id', 'quote'], ['deal_id', 'deal'], ['contact_id', 'contact'], ['owner_id', 'user']],
    api: '/v1/orders',
    description: 'Orders with payment and settlement data',
    sheet: {
      sheet: 'Orders', csv: 'orders.csv',
      headers: [
        ['Order ID', 'order_id'], ['Order No.', 'order_number'], ['Quote ID', 'quote_id'], ['Deal ID', 'deal_id'], ['Contact ID', 'contact_id'],
        ['Status', 'status'], ['Order Date', 'order_date'], ['Total', 'total'], ['Currency', 'currency'], ['Payment Status', 'payment_status'],
        ['Payment Method', 'payment_method'], ['Installments', 'installments'], ['Paid Amount', 'paid_amount'],
        ['Settlement Date', 'settlement_date'], ['Invoice No.', 'invoice_number'], ['Owner ID', 'owner_id'], ...STAMPS,
      ],
    },
  },
  order_line_item: {
    key: 'line_id', cursor: null, refs: [['order_id', 'order'], ['product_id', 'product']], api: '/v1/order-items',
    description: 'Order lines: product, quantity and price',
    sheet: { sheet: 'Order Items', csv: 'order-items.csv', headers: LINE_HEADERS(['Order ID', 'order_id']) },
  },
  activity: {
    key: 'activity_id', cursor: 'updated_at',
    refs: [['contact_id', 'contact'], ['lead_id', 'lead'], ['deal_id', 'deal'], ['owner_id', 'user']],
    api: '/v1/activities',
    description: 'Calls (disposition, duration), emails, meetings and tasks',
    sheet: {
      sheet: 'Activities', csv: 'activities.csv',
      headers: [
        ['Activity ID', 'activity_id'], ['Type', 'type'], ['Subject', 'subject'], ['Description', 'description'], ['Contact ID', 'contact_id'],
        ['Lead ID', 'lead_id'], ['Deal ID', 'deal_id'], ['Owner ID', 'owner_id'], ['Start', 'start_at'], ['End', 'end_at'],
        ['Due Date', 'due_date'], ['Completed At', 'completed_at'], ['Status', 'status'], ['Priority', 'priority'],
        ['Call Direction', 'call_direction'], ['Call Result', 'call_disposition'], ['Call Duration (s)', 'call_duration_seconds'],
        ['Email Direction', 'email_direction'], ['From', 'email_from'], ['To', 'email_to'], ['Location', 'location'],
        ['Meeting Link', 'meeting_url'], ...STAMPS,
      ],
    },
  },
  activity_attendee: {
    key: 'attendee_id', cursor: null, refs: [['activity_id', 'activity'], ['contact_id', 'contact'], ['user_id', 'user']],
    api: '/v1/activities/attendees',
    description: 'Meeting attendees: contacts, users or bare addresses',
    sheet: {
      sheet: 'Meeting Attendees', csv: 'meeting-attendees.csv',
      headers: [
        ['Attendee ID', 'attendee_id'], ['Activity ID', 'activity_id'], ['Contact ID', 'contact_id'], ['User ID', 'user_id'],
        ['E-mail', 'email'], ['Name', 'name'], ['Response', 'response_status'],
      ],
    },
  },
  process_board: {
    key: 'board_id', cursor: 'updated_at', refs: [['pipeline_id', 'pipeline'], ['owner_id', 'user']], api: '/v1/boards',
    description: 'Kanban process boards',
    sheet: {
      sheet: 'Process Boards', csv: 'process-boards.csv',
      headers: [
        ['Board ID', 'board_id'], ['Board Name', 'name'], ['Description', 'description'], ['Board Type', 'kind'], ['Pipeline ID', 'pipeline_id'],
        ['Owner ID', 'owner_id'], ['Archived', 'archived'], ...STAMPS,
      ],
    },
  },
  board_column: {
    key: 'column_id', cursor: null, refs: [['board_id', 'process_board']], api: '/v1/boards/columns',
    description: 'Columns of each process board',
    sheet: {
      sheet: 'Board Columns', csv: 'board-columns.csv',
      headers: [
        ['Column ID', 'column_id'], ['Board ID', 'board_id'], ['Column Name', 'name'], ['Order', 'position'], ['WIP Limit', 'wip_limit'],
        ['Done Column', 'is_done'],
      ],
    },
  },
  board_card: {
    key: 'card_id', cursor: 'updated_at',
    refs: [['board_id', 'process_board'], ['column_id', 'board_column'], ['owner_id', 'user'], ['deal_id', 'deal'], ['contact_id', 'contact']],
    api: '/v1/boards/cards',
    description: 'Cards on process boards, with due date, owner and linked deal',
    sheet: {
      sheet: 'Board Cards', csv: 'board-cards.csv',
      headers: [
        ['Card ID', 'card_id'], ['Board ID', 'board_id'], ['Column ID', 'column_id'], ['Title', 'title'], ['Description', 'description'],
        ['Due Date', 'due_date'], ['Owner ID', 'owner_id'], ['Deal ID', 'deal_id'], ['Contact ID', 'contact_id'], ['Order', 'position'],
        ['Priority', 'priority'], ...STAMPS,
      ],
    },
  },
  note: {
    key: 'note_id', cursor: 'updated_at',
    refs: [['contact_id', 'contact'], ['lead_id', 'lead'], ['deal_id', 'deal'], ['card_id', 'board_card'], ['author_id', 'user']],
    api: '/v1/notes',
    description: 'Rich-text notes on contacts, leads and deals, and comments on board cards',
    sheet: {
      sheet: 'Notes', csv: 'notes.csv',
      headers: [
        ['Note ID', 'note_id'], ['Note', 'body'], ['Contact ID', 'contact_id'], ['Lead ID', 'lead_id'], ['Deal ID', 'deal_id'],
        ['Card ID', 'card_id'], ['Author ID', 'author_id'], ['Pinned', 'pinned'], ...STAMPS,
      ],
    },
  },
  board_automation_rule: {
    key: 'rule_id', cursor: 'updated_at',
    refs: [['board_id', 'process_board'], ['trigger_column_id', 'board_column'], ['created_by', 'user']],
    api: '/v1/boards/automations',
    description: 'Kanban automation rules (API only: card moved, created, due or assigned)',
  },
  workflow_automation: {
    key: 'workflow_id', cursor: 'updated_at', refs: [['pipeline_id', 'pipeline'], ['created_by', 'user']], api: '/v1/workflows',
    description: 'Workflow automations (API only: the Excel export leaves them out)',
  },
  attachment: {
    key: 'attachment_id', cursor: 'updated_at',
    refs: [['contact_id', 'contact'], ['deal_id', 'deal'], ['quote_id', 'quote'], ['order_id', 'order'], ['uploaded_by', 'user']],
    api: '/v1/files',
    description: 'Files on contact, deal, quote and order cards (quote PDFs, scans, contracts), under files/ in the export',
    sheet: {
      sheet: 'Attachments', csv: 'attachments.csv',
      headers: [
        ['File ID', 'attachment_id'], ['File Name', 'file_name'], ['MIME Type', 'mime_type'], ['Size (bytes)', 'size_bytes'], ['Path', 'file_path'],
        ['Category', 'kind'], ['Contact ID', 'contact_id'], ['Deal ID', 'deal_id'], ['Quote ID', 'quote_id'], ['Order ID', 'order_id'],
        ['Uploaded By', 'uploaded_by'], ...STAMPS,
      ],
    },
  },
};

export const PLANPORTS_STREAM_NAMES: readonly string[] = Object.keys(SPECS);

/** The worksheet (and CSV twin) of each exported object. */
export const PLANPORTS_SHEETS: Readonly<Record<string, PlanportsSheet>> = Object.fromEntries(
  Object.entries(SPECS).flatMap(([name, s]) => (s.sheet ? [[name, s.sheet]] : [])),
);

const columnsOf = (sheet: PlanportsSheet): Record<string, string> => Object.fromEntries(sheet.headers.map(([label, field]) => [label, field]));

/** Where a stream sits in the Excel export; undefined for API-only streams. */
export function xlsxLocation(stream: string): ExportLocation | undefined {
  const sheet = PLANPORTS_SHEETS[stream];
  return sheet && { file: PLANPORTS_EXPORT_FILE, format: 'xlsx', sheet: sheet.sheet, columns: columnsOf(sheet) };
}

/** Where a stream sits in a CSV drop (one file per object, same headers); undefined for API-only streams. */
export function csvLocation(stream: string): ExportLocation | undefined {
  const sheet = PLANPORTS_SHEETS[stream];
  return sheet && { file: sheet.csv, format: 'csv', columns: columnsOf(sheet) };
}

export const PLANPORTS_STREAMS: readonly StreamDefinition[] = Object.entries(SPECS).map(([name, s]) => {
  const def: StreamDefinition = {
    name,
    key: s.key,
    cursor: s.cursor,
    references: s.refs.map(([field, object]) => ({ field, object })),
    api: { path: s.api },
    description: s.description,
  };
  const location = xlsxLocation(name);
  if (location) def.export = location;
  return def;
});

export function planportsStream(name: string): StreamDefinition {
  const found = PLANPORTS_STREAMS.find((s) => s.name === name);
  if (!found) throw new Error(`Planports has no stream "${name}"; streams: ${PLANPORTS_STREAM_NAMES.join(', ')}`);
  return found;
}
