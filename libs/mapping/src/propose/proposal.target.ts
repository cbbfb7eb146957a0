import type { ColumnType } from '@ferry/contracts';
import type { ColumnDescription, EntityDescription } from '@ferry/destinations/core';
import type { FieldProfile } from '@ferry/discovery';
import type { MapField } from '../map/route-map.schema';
import { DATE_ONLY_COLUMNS, DYNAMICS_SALES_CATALOG } from './dynamics.catalog';
import { SALESFORCE_CONCEPTS, SALESFORCE_SALES_CATALOG } from './salesforce.catalog';
import type { ActivityKind, DestinationWords } from './propose.synonyms';

/**
 * What the proposer knows a record as, whatever the destination calls it. The names are Dynamics' tables, since
 * the synonyms were written for those (see propose.synonyms.ts); a destination says which of its tables each is.
 */
export type Kind = 'account' | 'contact' | 'lead' | 'opportunity' | 'quote' | 'quotedetail' | 'salesorder' | 'salesorderdetail' | 'product' | 'annotation' | 'connection' | ActivityKind;

/** One destination as the proposer sees it: its catalog, its names and its conventions. */
export interface ProposalTarget {
  destination: 'dynamics' | 'salesforce';
  catalog: readonly EntityDescription[];
  /** the external-key column Ferry creates on every table it writes */
  keyColumn: string;
  /** the table a kind of record goes to; undefined when the destination has none */
  tableOf(kind: Kind): string | undefined;
  /** the kind a table holds, for its synonyms (a table of the destination's own: itself) */
  kindOf(table: string): string;
  /** the Dynamics column a column means, for synonyms and value checks */
  conceptOf(table: string, column: string): string;
  /** the map's type of a column, given what the source holds */
  columnType(c: ColumnDescription, f: FieldProfile): ColumnType | null;
  /** whether a column is one an earlier migration or template created (crm_… / …__c) */
  isCustom(column: string): boolean;
  /** a custom column's name without its marks: crm_referralsource → referralsource, referral_source__c → referralsource */
  bare(column: string): string;
  customColumn(words: string[]): string;
  customTable(words: string[]): string;
  /** the name column of a proposed custom table */
  customPrimaryName: string;
  /** whether schema apply creates a custom table the map names (Dataverse does; Salesforce objects are made in Setup) */
  createsTables: boolean;
  /** the platform's created-time column a load may set (create only), and the custom one keeping the source's time */
  created: { platform: string; custom: string; platformReason: string; customReason: string };
  /** columns a proposal never fills from a source field */
  system: ReadonlySet<string>;
  /** whether picklists carry their label as text (Salesforce) rather than an option number (Dataverse) */
  picklistAsText: boolean;
  /** columns every entry of a kind gets, whatever the source has (a Task's subtype) */
  fixed(kind: Kind, table: string, fields: readonly FieldProfile[]): Record<string, MapField>;
  /** fills what the destination requires together from what was mapped (an Event's start and end) */
  complete(table: string, fields: Record<string, MapField>): void;
  /** a word on the table a kind lands in, for the entry's note */
  kindNote(kind: Kind, table: string, fields: readonly FieldProfile[]): string | null;
  words: DestinationWords;
}

const DATAVERSE_TYPES: Record<string, ColumnType> = {
  string: 'string', memo: 'memo', integer: 'integer', bigint: 'bigint', decimal: 'decimal', double: 'double', money: 'money',
  boolean: 'boolean', picklist: 'picklist', state: 'picklist', status: 'picklist', uniqueidentifier: 'uniqueidentifier',
};

const slug = (words: string[]) => words.join('');

export const DYNAMICS_TARGET: ProposalTarget = {
  destination: 'dynamics',
  catalog: DYNAMICS_SALES_CATALOG,
  keyColumn: 'crm_sourceid',
  tableOf: (kind) => kind,
  kindOf: (table) => table,
  conceptOf: (_table, column) => column,
  columnType(c, f) {
    const t = c.type.toLowerCase();
    if (t === 'datetime') return DATE_ONLY_COLUMNS.has(c.name) || (f.type === 'date' && !c.name.startsWith('crm_source')) ? 'dateonly' : 'datetime';
    return DATAVERSE_TYPES[t] ?? null;
  },
  isCustom: (column) => column.startsWith('crm_'),
  bare: (column) => column.replace(/^crm_/, ''),
  customColumn: (words) => `crm_${slug(words)}`.replace(/^crm_(\d)/, 'crm_x$1').slice(0, 50) || 'crm_field',
  customTable: (words) => `crm_${slug(words)}`.slice(0, 40),
  customPrimaryName: 'crm_name',
  createsTables: true,
  created: {
    platform: 'overriddencreatedon',
    custom: 'crm_sourcecreatedon',
    platformReason: "the source's created time → overriddencreatedon (Dataverse keeps it as the record's created on; createdon is its own)",
    customReason: "the source's created time → crm_sourcecreatedon (createdon is set by Dataverse); proposed custom column",
  },
  system: new Set(['createdon', 'modifiedon', 'versionnumber', 'ownerid', 'statecode', 'statuscode', 'fullname']),
  picklistAsText: false,
  fixed: () => ({}),
  complete: () => undefined,
  kindNote: () => null,
  words: {
    product: 'Dynamics', automation: 'Power Automate', stages: 'sales stages / business process flows', custom: 'crm_ columns',
    noTable: (t) => `no standard table; ${t} is proposed as a custom table`,
  },
};

const SF_TABLES: Record<Kind, string | undefined> = {
  account: 'account', contact: 'contact', lead: 'lead', opportunity: 'opportunity', quote: 'quote', quotedetail: 'quotelineitem',
  salesorder: 'order', salesorderdetail: 'orderitem', product: 'product2', annotation: 'contentversion', connection: undefined,
  task: 'task', phonecall: 'task', email: 'task', appointment: 'event',
};
const SF_KINDS: Record<string, string> = { product2: 'product', quotelineitem: 'quotedetail', order: 'salesorder', orderitem: 'salesorderdetail', event: 'appointment', contentversion: 'annotation' };

const SF_TYPES: Record<string, ColumnType> = {
  string: 'string', combobox: 'string', email: 'string', phone: 'string', url: 'string', encryptedstring: 'string', textarea: 'memo',
  picklist: 'picklist', multipicklist: 'string', double: 'double', currency: 'money', percent: 'decimal', int: 'integer', long: 'bigint',
  boolean: 'boolean', date: 'dateonly', datetime: 'datetime', base64: 'file',
};

/** A field or object API name Salesforce takes: a letter first, words joined by one underscore, ≤ 40 characters before __c. */
function sfName(words: string[], fallback: string): string {
  let name = words.join('_').replace(/_+/g, '_').slice(0, 40).replace(/_+$/, '');
  if (!name) name = fallback;
  if (!/^[a-z]/.test(name)) name = `x_${name}`.slice(0, 40).replace(/_+$/, '');
  return `${name}__c`;
}

const TASK_SUBTYPE: Partial<Record<Kind, string>> = { phonecall: 'Call', email: 'Email', task: 'Task' };
const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');
const plainName = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().replace(/[^a-z0-9]+/g, '');
const FILE_NAMES = new Set(['filename', 'name', 'file', 'originalfilename']);
const FILE_PATHS = new Set(['filepath', 'path', 'storagepath', 'localpath', 'exportpath', 'attachmentpath']);

function fixedField(expr: string, maxLength: number, required: boolean, reason: string): MapField {
  return { expr, transforms: [], type: 'string', maxLength, onOverflow: 'reject', required, confidence: 0.9, reason };
}

export const SALESFORCE_TARGET: ProposalTarget = {
  destination: 'salesforce',
  catalog: SALESFORCE_SALES_CATALOG,
  keyColumn: 'ferry_key__c',
  tableOf: (kind) => SF_TABLES[kind],
  kindOf: (table) => SF_KINDS[table] ?? table,
  conceptOf: (table, column) => SALESFORCE_CONCEPTS[`${table}.${column}`] ?? SALESFORCE_CONCEPTS[column] ?? column,
  columnType: (c) => SF_TYPES[c.type.toLowerCase()] ?? null,
  isCustom: (column) => column.endsWith('__c'),
  bare: (column) => column.replace(/__c$/, '').replace(/_/g, ''),
  customColumn: (words) => sfName(words, 'field'),
  customTable: (words) => sfName(words, 'object'),
  customPrimaryName: 'name',
  createsTables: false,
  created: {
    platform: 'createddate',
    custom: 'original_created_date__c',
    platformReason: "the source's created time → CreatedDate, settable on insert only when the org allows audit fields on create (Setup → User Interface)",
    customReason: "the source's created time, kept in original_created_date__c too (CreatedDate is the platform's unless audit fields are enabled); proposed custom field",
  },
  system: new Set(['id', 'ownerid', 'createddate', 'createdbyid', 'lastmodifieddate', 'lastmodifiedbyid', 'systemmodstamp', 'isdeleted', 'recordtypeid', 'tasksubtype', 'pathonclient']),
  picklistAsText: true,
  fixed(kind, table, fields): Record<string, MapField> {
    if (table === 'task' && TASK_SUBTYPE[kind]) {
      return { tasksubtype: fixedField(`'${TASK_SUBTYPE[kind]}'`, 40, false, `${article(kind)} ${kind} is a Task of subtype ${TASK_SUBTYPE[kind]}`) };
    }
    if (table === 'contentversion') {
      // a file: its name and the path of its body in the export; a note: a .snote file made of its text
      const name = fields.find((f) => FILE_NAMES.has(plainName(f.name)));
      const body = fields.find((f) => FILE_PATHS.has(plainName(f.name)));
      if (name && body) {
        const path = (f: FieldProfile) => (f.custom ? `custom.${f.name}` : f.name);
        return {
          pathonclient: { from: path(name), transforms: ['trim'], type: 'string', maxLength: 500, onOverflow: 'reject', required: true, confidence: 0.9, reason: `the file's name, from ${name.name}` },
          versiondata: { from: path(body), transforms: ['trim'], type: 'file', onOverflow: 'reject', required: true, confidence: 0.85, reason: `the file's body, read from the export at the path in ${body.name} just before the write` },
        };
      }
      return { pathonclient: fixedField("concat('note-', $key, '.snote')", 500, true, 'a ContentVersion needs a file name; .snote makes it a Salesforce note') };
    }
    return {};
  },
  complete(table, fields) {
    if (table !== 'event') return;
    // Salesforce wants an Event's start, and its end or duration
    const when = fields.startdatetime ?? fields.enddatetime ?? fields.activitydatetime;
    if (!when) return;
    const from = typeof when.from === 'string' ? when.from : 'the mapped time';
    if (!fields.startdatetime) {
      fields.startdatetime = { ...when, type: 'datetime', confidence: Math.min(0.7, when.confidence ?? 0.7), reason: `the event's only time (${from}) as its start: Salesforce requires one` };
    }
    if (!fields.enddatetime && !fields.durationinminutes) {
      fields.enddatetime = { ...fields.startdatetime, confidence: 0.6, reason: `an event needs an end or a duration: its start (${from}), a zero-length event until a person maps one` };
    }
  },
  kindNote(kind, table, fields) {
    if (table === 'task' && kind === 'email') return 'an e-mail lands as a Task of subtype Email (its timeline entry); the message itself as an EmailMessage is for a person to add';
    if (table === 'contentversion') {
      return fields.some((f) => FILE_PATHS.has(plainName(f.name)))
        ? 'a file lands as a ContentVersion on its record; its body, file name and record cannot change after the insert, and a body over the org limit is refused'
        : 'a note lands as a ContentVersion (.snote) on its record; its body, file name and record cannot change after the insert';
    }
    return null;
  },
  words: {
    product: 'Salesforce', automation: 'Salesforce Flow', stages: 'Opportunity stages and sales processes', custom: '__c fields',
    noTable: (t) => `no standard object takes it: create the custom object ${t} in Setup (Ferry creates fields, not objects), then map it to ${t}`,
  },
};

export function proposalTarget(destination: string): ProposalTarget {
  return destination === 'salesforce' ? SALESFORCE_TARGET : DYNAMICS_TARGET;
}
