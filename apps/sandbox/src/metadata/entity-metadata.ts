import { DYNAMICS_INDUSTRIES, DYNAMICS_LEAD_SOURCES } from '@ferry/mapping';

/**
 * The tables the sandbox emulates, in one place. Add a table or a column here and the Web API, $filter,
 * validation and lookups pick it up; nothing else holds per-table knowledge.
 */

export type AttributeType =
  | 'uniqueidentifier'
  | 'string'
  | 'memo'
  | 'integer'
  | 'decimal'
  | 'money'
  | 'boolean'
  | 'datetime'
  | 'dateonly'
  | 'picklist'
  | 'lookup'
  | 'bigint';

export type RequiredLevel = 'None' | 'ApplicationRequired' | 'SystemRequired';

/** What deleting the referenced record does to the records that look it up (the relationship's CascadeDelete). */
export type CascadeDelete = 'Cascade' | 'RemoveLink' | 'Restrict';

export interface AttributeMetadata {
  logicalName: string;
  type: AttributeType;
  maxLength?: number;
  /** The platform enforces only SystemRequired. */
  requiredLevel?: RequiredLevel;
  /** Lookup target tables; more than one makes the lookup polymorphic (bound through <name>_<target><suffix>). */
  targets?: string[];
  /** Single-valued navigation property name when it is not the logical name (custom lookups: their SchemaName). */
  navigationProperty?: string;
  /** Polymorphic lookups of activities name their navigation properties regardingobjectid_<target>_<activity>. */
  navigationSuffix?: string;
  /** A lookup that also targets every custom table (regarding, notes, connections). */
  targetsCustomTables?: boolean;
  /** Lookups: what deleting the referenced record does to this one; RemoveLink unless said. */
  cascadeDelete?: CascadeDelete;
  /**
   * Lookups: the referenced table's collection-valued navigation property (the 1:N relationship's schema name), for
   * $ref; defaults to `<referencing>_<lookup>` (`contact_parentcustomerid`).
   */
  relationshipName?: string;
  /** Allowed option-set values. */
  options?: number[];
  /** Names of the options, for metadata reads. */
  optionLabels?: Record<number, string>;
  /** Global option set the picklist uses (custom columns). */
  globalOptionSet?: string;
  /** DateTime columns: DateOnly or DateAndTime (metadata reads). */
  format?: string;
  validForCreate?: boolean;
  validForUpdate?: boolean;
  /** Kept in the row's own columns rather than the JSON document. */
  system?: 'createdon' | 'modifiedon' | 'versionnumber';
  /** Base64 file content capped by the organization's maxuploadfilesize (SANDBOX_MAX_UPLOAD_FILE_SIZE). */
  uploadLimited?: boolean;
  /** Created through POST EntityDefinitions(...)/Attributes. */
  custom?: boolean;
}

export type KeyIndexStatus = 'Pending' | 'InProgress' | 'Active' | 'Failed';

export interface EntityKeyMetadata {
  logicalName: string;
  keyAttributes: string[];
  status: KeyIndexStatus;
  schemaName?: string;
}

/** One statecode value, its status reasons and the one a record gets when only the state is set. */
export interface StateMetadata {
  value: number;
  name: string;
  statuses: number[];
  defaultStatus: number;
}

export interface EntityMetadata {
  logicalName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  attributes: AttributeMetadata[];
  /** Alternate keys; the first is kept in the records' alt_key column, further ones have a unique index each. */
  keys: EntityKeyMetadata[];
  /** Served for reads only (system users are seeded, activity parties are written through their activity). */
  readOnly?: boolean;
  ownershipType?: 'UserOwned' | 'OrganizationOwned';
  /** statecode/statuscode model; the first state is the one records are created in by default. */
  states?: StateMetadata[];
  /** Activities: the collection-valued property carrying the activity parties (email_activity_parties). */
  activityParties?: string;
  isActivity?: boolean;
  /** Created through POST EntityDefinitions. */
  custom?: boolean;
  schemaName?: string;
  metadataId?: string;
}

/** A many-to-many relationship: records of entity1 and entity2 associated through an intersect. */
export interface ManyToManyMetadata {
  schemaName: string;
  entity1: string;
  entity2: string;
  intersectEntityName: string;
  /** Collection-valued navigation property on entity1 (to entity2 records) and on entity2. */
  entity1NavigationPropertyName: string;
  entity2NavigationPropertyName: string;
  metadataId?: string;
}

/** Declared N:N relationships (custom ones are added by POST RelationshipDefinitions). */
export const MANY_TO_MANY_DEFINITIONS: ManyToManyMetadata[] = [];

/** Standard tables' state model for a custom table: Active 0 {1}, Inactive 1 {2}. */
export const CUSTOM_TABLE_STATES: StateMetadata[] = [
  { value: 0, name: 'Active', statuses: [1], defaultStatus: 1 },
  { value: 1, name: 'Inactive', statuses: [2], defaultStatus: 2 },
];

/** The columns a new custom table gets besides its primary id and name. */
export function customTableColumns(ownership: 'UserOwned' | 'OrganizationOwned'): AttributeMetadata[] {
  return [...(ownership === 'UserOwned' ? userOwnedColumns() : auditColumns()), ...stateColumns(CUSTOM_TABLE_STATES)];
}

/** Participation types of an activity party (participationtypemask). */
export const PARTICIPATION_TYPES: Record<number, string> = {
  1: 'Sender', 2: 'To Recipient', 3: 'CC Recipient', 4: 'BCC Recipient', 5: 'Required attendee', 6: 'Optional attendee',
  7: 'Organizer', 8: 'Regarding', 9: 'Owner', 10: 'Resource', 11: 'Customer',
};

const str = (logicalName: string, maxLength: number, requiredLevel: RequiredLevel = 'None'): AttributeMetadata => ({
  logicalName,
  type: 'string',
  maxLength,
  requiredLevel,
});
const memo = (logicalName: string, maxLength: number): AttributeMetadata => ({ logicalName, type: 'memo', maxLength });
const dt = (logicalName: string): AttributeMetadata => ({ logicalName, type: 'datetime' });
const id = (logicalName: string): AttributeMetadata => ({ logicalName, type: 'uniqueidentifier', validForUpdate: false });
const lookup = (logicalName: string, targets: string[], more: Partial<AttributeMetadata> = {}): AttributeMetadata => ({
  logicalName,
  type: 'lookup',
  targets,
  ...more,
});
const picklist = (logicalName: string, labels: Record<number, string>): AttributeMetadata => ({
  logicalName,
  type: 'picklist',
  options: Object.keys(labels).map(Number),
  optionLabels: labels,
});
const state = (value: number, name: string, statuses: number[], defaultStatus = statuses[0]): StateMetadata => ({ value, name, statuses, defaultStatus });

/** Audit stamps and row version: every table. */
function auditColumns(): AttributeMetadata[] {
  return [
    { logicalName: 'createdon', type: 'datetime', system: 'createdon', validForCreate: false, validForUpdate: false },
    { logicalName: 'modifiedon', type: 'datetime', system: 'modifiedon', validForCreate: false, validForUpdate: false },
    { logicalName: 'versionnumber', type: 'bigint', system: 'versionnumber', validForCreate: false, validForUpdate: false },
    { logicalName: 'overriddencreatedon', type: 'datetime', validForUpdate: false },
  ];
}

/** Columns every user-owned table has: audit stamps, row version, owner, migration created-on. */
function userOwnedColumns(): AttributeMetadata[] {
  return [...auditColumns(), { logicalName: 'ownerid', type: 'lookup', targets: ['systemuser'], requiredLevel: 'SystemRequired' }];
}

/** statecode and statuscode picklists from a state model. */
export function stateColumns(states: StateMetadata[]): AttributeMetadata[] {
  return [
    { logicalName: 'statecode', type: 'picklist', options: states.map((s) => s.value), optionLabels: Object.fromEntries(states.map((s) => [s.value, s.name])) },
    { logicalName: 'statuscode', type: 'picklist', options: states.flatMap((s) => s.statuses) },
  ];
}

/** The migration's own columns on the tables the demo loads. */
function migrationColumns(): AttributeMetadata[] {
  return [str('crm_sourceid', 100), { logicalName: 'crm_sourcecreatedon', type: 'datetime' }];
}

const sourceIdKey = (table: string): EntityKeyMetadata => ({
  logicalName: `crm_${table}_sourceid_key`,
  keyAttributes: ['crm_sourceid'],
  status: 'Active',
});

const ACTIVE_INACTIVE = [state(0, 'Active', [1]), state(1, 'Inactive', [2])];
/** Tables an activity can be regarding (custom tables join them). */
const REGARDING_TARGETS = ['account', 'contact', 'lead', 'opportunity', 'quote', 'salesorder'];
const ACTIVITY_TABLES = ['task', 'phonecall', 'email', 'appointment'];
/** Who can be an activity party. */
const PARTY_TARGETS = ['account', 'contact', 'lead', 'systemuser'];

/** The columns every activity shares: subject, description, schedule, duration, regarding. */
function activityColumns(activity: string, descriptionLength: number): AttributeMetadata[] {
  return [
    id('activityid'),
    str('subject', 200),
    memo('description', descriptionLength),
    dt('scheduledstart'),
    dt('scheduledend'),
    dt('actualstart'),
    dt('actualend'),
    { logicalName: 'actualdurationminutes', type: 'integer' },
    { logicalName: 'scheduleddurationminutes', type: 'integer' },
    picklist('prioritycode', { 0: 'Low', 1: 'Normal', 2: 'High' }),
    lookup('regardingobjectid', REGARDING_TARGETS, {
      navigationSuffix: `_${activity}`,
      targetsCustomTables: true,
      cascadeDelete: 'Cascade',
      relationshipName: `${activity}_regarding`,
    }),
  ];
}

function activity(logicalName: string, entitySetName: string, states: StateMetadata[], extra: AttributeMetadata[], opts: { parties?: boolean; descriptionLength?: number } = {}): EntityMetadata {
  return {
    logicalName,
    entitySetName,
    primaryIdAttribute: 'activityid',
    primaryNameAttribute: 'subject',
    isActivity: true,
    ...(opts.parties ? { activityParties: `${logicalName}_activity_parties` } : {}),
    states,
    attributes: [...activityColumns(logicalName, opts.descriptionLength ?? 2000), ...extra, ...userOwnedColumns(), ...stateColumns(states)],
    keys: [],
  };
}

const LEAD_SOURCES = Object.fromEntries(DYNAMICS_LEAD_SOURCES.map((label, i) => [i + 1, label]));
const LEAD_STATES = [state(0, 'Open', [1, 2]), state(1, 'Qualified', [3]), state(2, 'Disqualified', [4, 5, 6, 7])];
const OPPORTUNITY_STATES = [state(0, 'Open', [1, 2]), state(1, 'Won', [3]), state(2, 'Lost', [4, 5])];
const QUOTE_STATES = [state(0, 'Draft', [1]), state(1, 'Active', [2, 3]), state(2, 'Won', [4]), state(3, 'Closed', [5, 6, 7])];
const SALESORDER_STATES = [state(0, 'Active', [1, 2]), state(1, 'Submitted', [3]), state(2, 'Canceled', [4]), state(3, 'Fulfilled', [100001, 100002]), state(4, 'Invoiced', [100003])];

/** Write-in or catalog product lines of quotes and orders. */
function lineColumns(): AttributeMetadata[] {
  return [
    str('productdescription', 500),
    { logicalName: 'isproductoverridden', type: 'boolean' },
    { logicalName: 'quantity', type: 'decimal' },
    { logicalName: 'priceperunit', type: 'money' },
    { logicalName: 'manualdiscountamount', type: 'money' },
    { logicalName: 'tax', type: 'money' },
    { logicalName: 'lineitemnumber', type: 'integer' },
    { logicalName: 'sequencenumber', type: 'integer' },
    memo('description', 2000),
  ];
}

export const ENTITY_DEFINITIONS: EntityMetadata[] = [
  {
    logicalName: 'account',
    entitySetName: 'accounts',
    primaryIdAttribute: 'accountid',
    primaryNameAttribute: 'name',
    states: ACTIVE_INACTIVE,
    attributes: [
      id('accountid'),
      str('name', 160, 'SystemRequired'),
      str('websiteurl', 200),
      str('telephone1', 50),
      str('telephone2', 50),
      str('fax', 50),
      str('tickersymbol', 10),
      str('address1_line1', 250),
      str('address1_city', 80),
      str('address1_stateorprovince', 50),
      str('address1_postalcode', 20),
      str('address1_line2', 250),
      str('address1_country', 80),
      str('emailaddress1', 100),
      str('accountnumber', 20),
      memo('description', 2000),
      { logicalName: 'numberofemployees', type: 'integer' },
      { logicalName: 'revenue', type: 'money' },
      picklist('industrycode', Object.fromEntries(DYNAMICS_INDUSTRIES.map((label, i) => [i + 1, label]))),
      str('crm_industry', 100),
      str('crm_propertyaddress', 250),
      lookup('parentaccountid', ['account'], { relationshipName: 'account_parent_account' }),
      lookup('primarycontactid', ['contact'], { relationshipName: 'account_primary_contact' }),
      ...userOwnedColumns(),
      ...stateColumns(ACTIVE_INACTIVE),
      ...migrationColumns(),
    ],
    keys: [sourceIdKey('account')],
  },
  {
    logicalName: 'contact',
    entitySetName: 'contacts',
    primaryIdAttribute: 'contactid',
    primaryNameAttribute: 'fullname',
    states: ACTIVE_INACTIVE,
    attributes: [
      id('contactid'),
      str('firstname', 50),
      str('lastname', 50, 'ApplicationRequired'),
      str('emailaddress1', 100),
      str('telephone1', 50),
      str('jobtitle', 100),
      str('mobilephone', 50),
      str('salutation', 100),
      { logicalName: 'birthdate', type: 'dateonly' },
      { logicalName: 'donotemail', type: 'boolean' },
      memo('description', 2000),
      str('address1_line1', 250),
      str('address1_city', 80),
      str('address1_stateorprovince', 50),
      str('address1_postalcode', 20),
      str('address1_country', 80),
      str('middlename', 50),
      str('nickname', 100),
      str('emailaddress2', 100),
      str('telephone2', 50),
      str('fax', 50),
      str('department', 100),
      str('websiteurl', 200),
      str('address1_line2', 250),
      str('address2_line1', 250),
      str('address2_line2', 250),
      str('address2_city', 80),
      str('address2_stateorprovince', 50),
      str('address2_postalcode', 20),
      str('address2_country', 80),
      { logicalName: 'donotphone', type: 'boolean' },
      picklist('leadsourcecode', LEAD_SOURCES),
      str('crm_loanstatus', 100),
      str('crm_referralsource', 100),
      lookup('parentcustomerid', ['account', 'contact'], { relationshipName: 'contact_customer' }),
      ...userOwnedColumns(),
      ...stateColumns(ACTIVE_INACTIVE),
      ...migrationColumns(),
    ],
    keys: [sourceIdKey('contact')],
  },
  {
    logicalName: 'lead',
    entitySetName: 'leads',
    primaryIdAttribute: 'leadid',
    primaryNameAttribute: 'fullname',
    states: LEAD_STATES,
    attributes: [
      id('leadid'),
      str('subject', 300, 'ApplicationRequired'),
      str('firstname', 50),
      str('lastname', 50, 'ApplicationRequired'),
      { ...str('fullname', 160), validForCreate: false, validForUpdate: false },
      str('companyname', 100, 'ApplicationRequired'),
      str('jobtitle', 100),
      str('emailaddress1', 100),
      str('telephone1', 50),
      str('mobilephone', 20),
      str('salutation', 100),
      { logicalName: 'donotemail', type: 'boolean' },
      str('address1_line1', 250),
      str('address1_line2', 250),
      str('address1_city', 80),
      str('address1_stateorprovince', 50),
      str('address1_postalcode', 20),
      str('address1_country', 80),
      str('websiteurl', 200),
      { logicalName: 'estimatedclosedate', type: 'dateonly' },
      memo('description', 2000),
      picklist('leadsourcecode', LEAD_SOURCES),
      { logicalName: 'estimatedamount', type: 'money' },
      lookup('parentaccountid', ['account'], { relationshipName: 'lead_parent_account' }),
      lookup('parentcontactid', ['contact'], { relationshipName: 'lead_parent_contact' }),
      ...userOwnedColumns(),
      ...stateColumns(LEAD_STATES),
    ],
    keys: [],
  },
  {
    logicalName: 'opportunity',
    entitySetName: 'opportunities',
    primaryIdAttribute: 'opportunityid',
    primaryNameAttribute: 'name',
    states: OPPORTUNITY_STATES,
    attributes: [
      id('opportunityid'),
      str('name', 300, 'ApplicationRequired'),
      { logicalName: 'estimatedvalue', type: 'money' },
      { logicalName: 'estimatedclosedate', type: 'dateonly' },
      { logicalName: 'actualvalue', type: 'money' },
      { logicalName: 'actualclosedate', type: 'dateonly' },
      picklist('salesstage', { 0: 'Qualify', 1: 'Develop', 2: 'Propose', 3: 'Close' }),
      str('stepname', 200),
      memo('description', 2000),
      str('crm_loantype', 100),
      { logicalName: 'crm_preapprovaldate', type: 'dateonly' },
      str('crm_loanofficer', 100),
      lookup('customerid', ['account', 'contact'], { relationshipName: 'opportunity_customer' }),
      lookup('originatingleadid', ['lead'], { relationshipName: 'opportunity_originating_lead' }),
      lookup('parentaccountid', ['account'], { relationshipName: 'opportunity_parent_account' }),
      lookup('parentcontactid', ['contact'], { relationshipName: 'opportunity_parent_contact' }),
      { logicalName: 'closeprobability', type: 'integer' },
      { logicalName: 'budgetamount', type: 'money' },
      ...userOwnedColumns(),
      ...stateColumns(OPPORTUNITY_STATES),
      ...migrationColumns(),
    ],
    keys: [sourceIdKey('opportunity')],
  },
  activity('task', 'tasks', [state(0, 'Open', [2, 3, 4, 7]), state(1, 'Completed', [5]), state(2, 'Canceled', [6])], [
    { logicalName: 'percentcomplete', type: 'integer' },
  ]),
  activity(
    'phonecall',
    'phonecalls',
    [state(0, 'Open', [1]), state(1, 'Completed', [2]), state(2, 'Canceled', [3])],
    [str('phonenumber', 200), { logicalName: 'directioncode', type: 'boolean' }],
    { parties: true },
  ),
  activity(
    'email',
    'emails',
    [state(0, 'Open', [1, 8]), state(1, 'Completed', [2, 3, 4, 6]), state(2, 'Canceled', [5])],
    [{ logicalName: 'directioncode', type: 'boolean' }, str('sender', 250), str('torecipients', 500), str('messageid', 320)],
    { parties: true, descriptionLength: 1_048_576 },
  ),
  activity(
    'appointment',
    'appointments',
    [state(0, 'Open', [1, 2]), state(1, 'Completed', [3]), state(2, 'Canceled', [4]), state(3, 'Scheduled', [5, 6])],
    [str('location', 200), { logicalName: 'isalldayevent', type: 'boolean' }],
    { parties: true },
  ),
  {
    logicalName: 'activityparty',
    entitySetName: 'activityparties',
    primaryIdAttribute: 'activitypartyid',
    primaryNameAttribute: 'addressused',
    readOnly: true,
    ownershipType: 'OrganizationOwned',
    attributes: [
      id('activitypartyid'),
      lookup('activityid', ACTIVITY_TABLES, { cascadeDelete: 'Cascade', navigationSuffix: '', relationshipName: 'activity_parties' }),
      lookup('partyid', PARTY_TARGETS, { cascadeDelete: 'RemoveLink', relationshipName: 'party_activity_parties' }),
      picklist('participationtypemask', PARTICIPATION_TYPES),
      str('addressused', 320),
      ...auditColumns(),
    ],
    keys: [],
  },
  {
    logicalName: 'annotation',
    entitySetName: 'annotations',
    primaryIdAttribute: 'annotationid',
    primaryNameAttribute: 'subject',
    attributes: [
      id('annotationid'),
      str('subject', 500),
      memo('notetext', 100_000),
      str('filename', 255),
      str('mimetype', 256),
      { logicalName: 'documentbody', type: 'memo', uploadLimited: true },
      { logicalName: 'isdocument', type: 'boolean' },
      lookup('objectid', [...REGARDING_TARGETS, ...ACTIVITY_TABLES], { targetsCustomTables: true, cascadeDelete: 'Cascade', relationshipName: 'annotations' }),
      ...userOwnedColumns(),
    ],
    keys: [],
  },
  {
    logicalName: 'connectionrole',
    entitySetName: 'connectionroles',
    primaryIdAttribute: 'connectionroleid',
    primaryNameAttribute: 'name',
    ownershipType: 'OrganizationOwned',
    states: ACTIVE_INACTIVE,
    attributes: [
      id('connectionroleid'),
      str('name', 100, 'SystemRequired'),
      memo('description', 4000),
      picklist('category', { 1: 'Business', 2: 'Family', 3: 'Social', 4: 'Sales', 5: 'Other', 1000: 'Stakeholder', 1001: 'Sales Team', 1002: 'Service' }),
      ...auditColumns(),
      ...stateColumns(ACTIVE_INACTIVE),
    ],
    keys: [],
  },
  {
    logicalName: 'connection',
    entitySetName: 'connections',
    primaryIdAttribute: 'connectionid',
    primaryNameAttribute: 'name',
    states: ACTIVE_INACTIVE,
    attributes: [
      id('connectionid'),
      { ...str('name', 500), validForCreate: false, validForUpdate: false },
      lookup('record1id', [...REGARDING_TARGETS, ...ACTIVITY_TABLES, 'systemuser'], { targetsCustomTables: true, cascadeDelete: 'Cascade', relationshipName: 'connections1' }),
      lookup('record2id', [...REGARDING_TARGETS, ...ACTIVITY_TABLES, 'systemuser'], { targetsCustomTables: true, cascadeDelete: 'Cascade', relationshipName: 'connections2' }),
      lookup('record1roleid', ['connectionrole'], { relationshipName: 'connection_role_connections1' }),
      lookup('record2roleid', ['connectionrole'], { relationshipName: 'connection_role_connections2' }),
      memo('description', 4000),
      dt('effectivestart'),
      dt('effectiveend'),
      ...userOwnedColumns(),
      ...stateColumns(ACTIVE_INACTIVE),
    ],
    keys: [],
  },
  {
    logicalName: 'quote',
    entitySetName: 'quotes',
    primaryIdAttribute: 'quoteid',
    primaryNameAttribute: 'name',
    states: QUOTE_STATES,
    attributes: [
      id('quoteid'),
      str('name', 300, 'SystemRequired'),
      str('quotenumber', 100),
      memo('description', 2000),
      { logicalName: 'totalamount', type: 'money' },
      { logicalName: 'totaltax', type: 'money' },
      { logicalName: 'discountamount', type: 'money' },
      { logicalName: 'effectivefrom', type: 'dateonly' },
      { logicalName: 'effectiveto', type: 'dateonly' },
      dt('expireson'),
      lookup('customerid', ['account', 'contact'], { relationshipName: 'quote_customer' }),
      lookup('opportunityid', ['opportunity'], { relationshipName: 'opportunity_quotes' }),
      ...userOwnedColumns(),
      ...stateColumns(QUOTE_STATES),
    ],
    keys: [],
  },
  {
    logicalName: 'quotedetail',
    entitySetName: 'quotedetails',
    primaryIdAttribute: 'quotedetailid',
    primaryNameAttribute: 'quotedetailname',
    attributes: [
      id('quotedetailid'),
      str('quotedetailname', 500),
      lookup('quoteid', ['quote'], { requiredLevel: 'SystemRequired', cascadeDelete: 'Cascade', relationshipName: 'quote_details' }),
      ...lineColumns(),
      ...userOwnedColumns(),
    ],
    keys: [],
  },
  {
    logicalName: 'salesorder',
    entitySetName: 'salesorders',
    primaryIdAttribute: 'salesorderid',
    primaryNameAttribute: 'name',
    states: SALESORDER_STATES,
    attributes: [
      id('salesorderid'),
      str('name', 300, 'SystemRequired'),
      str('ordernumber', 100),
      memo('description', 2000),
      { logicalName: 'totalamount', type: 'money' },
      { logicalName: 'totaltax', type: 'money' },
      { logicalName: 'discountamount', type: 'money' },
      { logicalName: 'datefulfilled', type: 'dateonly' },
      { logicalName: 'requestdeliveryby', type: 'dateonly' },
      lookup('customerid', ['account', 'contact'], { relationshipName: 'order_customer' }),
      lookup('quoteid', ['quote'], { relationshipName: 'quote_orders' }),
      lookup('opportunityid', ['opportunity'], { relationshipName: 'opportunity_sales_orders' }),
      ...userOwnedColumns(),
      ...stateColumns(SALESORDER_STATES),
    ],
    keys: [],
  },
  {
    logicalName: 'salesorderdetail',
    entitySetName: 'salesorderdetails',
    primaryIdAttribute: 'salesorderdetailid',
    primaryNameAttribute: 'salesorderdetailname',
    attributes: [
      id('salesorderdetailid'),
      str('salesorderdetailname', 500),
      lookup('salesorderid', ['salesorder'], { requiredLevel: 'SystemRequired', cascadeDelete: 'Cascade', relationshipName: 'order_details' }),
      ...lineColumns(),
      ...userOwnedColumns(),
    ],
    keys: [],
  },
  {
    logicalName: 'systemuser',
    entitySetName: 'systemusers',
    primaryIdAttribute: 'systemuserid',
    primaryNameAttribute: 'fullname',
    readOnly: true,
    attributes: [
      { logicalName: 'systemuserid', type: 'uniqueidentifier' },
      str('fullname', 200),
      str('internalemailaddress', 100),
      { logicalName: 'isdisabled', type: 'boolean' },
      { logicalName: 'createdon', type: 'datetime', system: 'createdon', validForCreate: false, validForUpdate: false },
      { logicalName: 'modifiedon', type: 'datetime', system: 'modifiedon', validForCreate: false, validForUpdate: false },
      { logicalName: 'versionnumber', type: 'bigint', system: 'versionnumber', validForCreate: false, validForUpdate: false },
    ],
    keys: [],
  },
];

export interface NavigationProperty {
  name: string;
  attribute: AttributeMetadata;
  target: string;
}

/** Lookups and validation views over the definitions, indexed once. */
export class EntityTable {
  readonly attributes = new Map<string, AttributeMetadata>();
  readonly navigation = new Map<string, NavigationProperty>();
  readonly systemRequired: AttributeMetadata[];
  readonly key?: EntityKeyMetadata;
  private readonly states = new Map<number, StateMetadata>();

  /** `customTables`: logical names of the custom tables, which lookups marked targetsCustomTables also target. */
  constructor(
    readonly meta: EntityMetadata,
    customTables: string[] = [],
  ) {
    for (const a of meta.attributes) {
      this.attributes.set(a.logicalName, a);
      if (a.type === 'lookup') {
        for (const t of lookupTargets(a, customTables)) {
          const name = navigationName(a, t, customTables);
          this.navigation.set(name, { name, attribute: a, target: t });
        }
      }
    }
    // The owner is defaulted by the platform, so only the other SystemRequired columns can be missing.
    this.systemRequired = meta.attributes.filter((a) => a.requiredLevel === 'SystemRequired' && a.logicalName !== 'ownerid');
    this.key = meta.keys[0];
    for (const st of meta.states ?? []) this.states.set(st.value, st);
    this.customTables = customTables;
  }

  private readonly customTables: string[];

  /** The lookup's targets, custom tables included where the lookup takes them. */
  targetsOf(a: AttributeMetadata): string[] {
    return lookupTargets(a, this.customTables);
  }

  /** The single-valued navigation property binding this lookup to a record of `target`. */
  navigationFor(a: AttributeMetadata, target: string): string {
    return navigationName(a, target, this.customTables);
  }

  get logicalName(): string {
    return this.meta.logicalName;
  }

  get setName(): string {
    return this.meta.entitySetName;
  }

  get primaryId(): string {
    return this.meta.primaryIdAttribute;
  }

  get odataType(): string {
    return `Microsoft.Dynamics.CRM.${this.meta.logicalName}`;
  }

  /** The state a record is created in, when the table has a state model. */
  get defaultState(): StateMetadata | undefined {
    return this.meta.states?.[0];
  }

  state(value: number): StateMetadata | undefined {
    return this.states.get(value);
  }
}

export function lookupTargets(a: AttributeMetadata, customTables: string[]): string[] {
  const targets = a.targets ?? [];
  return a.targetsCustomTables ? [...targets, ...customTables.filter((t) => !targets.includes(t))] : targets;
}

export function navigationName(a: AttributeMetadata, target: string, customTables: string[]): string {
  const polymorphic = lookupTargets(a, customTables).length > 1 || a.targetsCustomTables;
  return polymorphic ? `${a.logicalName}_${target}${a.navigationSuffix ?? ''}` : (a.navigationProperty ?? a.logicalName);
}

/** The tables: the declared ones plus what metadata writes added (custom tables, columns, keys), rebuilt on change. */
export class EntityRegistry {
  private bySet = new Map<string, EntityTable>();
  private byName = new Map<string, EntityTable>();
  manyToMany: ManyToManyMetadata[] = [];

  constructor(definitions: EntityMetadata[] = ENTITY_DEFINITIONS, manyToMany: ManyToManyMetadata[] = MANY_TO_MANY_DEFINITIONS) {
    this.rebuild(definitions, manyToMany);
  }

  rebuild(definitions: EntityMetadata[], manyToMany: ManyToManyMetadata[] = this.manyToMany): void {
    this.manyToMany = manyToMany;
    const custom = definitions.filter((d) => d.custom).map((d) => d.logicalName);
    const bySet = new Map<string, EntityTable>();
    const byName = new Map<string, EntityTable>();
    for (const d of definitions) {
      const t = new EntityTable(d, custom);
      bySet.set(d.entitySetName, t);
      byName.set(d.logicalName, t);
    }
    this.bySet = bySet;
    this.byName = byName;
  }

  /** Entity set names are case-sensitive, as on the platform. */
  bySetName(set: string): EntityTable | undefined {
    return this.bySet.get(set);
  }

  byLogicalName(name: string): EntityTable | undefined {
    return this.byName.get(name);
  }

  all(): EntityTable[] {
    return [...this.byName.values()];
  }
}

/** Where a navigation property of a record leads, for $ref and cascades. */
export type RecordNavigation =
  /** 1:N seen from the referenced record: the children whose lookup points at it. */
  | { kind: 'one-to-many'; name: string; child: EntityTable; attribute: AttributeMetadata }
  /** N:N: records of the other table associated through the intersect. */
  | { kind: 'many-to-many'; name: string; relationship: ManyToManyMetadata; other: EntityTable; side: 1 | 2 }
  /** The record's own lookup (single-valued). */
  | { kind: 'lookup'; name: string; attribute: AttributeMetadata; target: EntityTable };

/**
 * The collection-valued navigation property of a 1:N relationship on the referenced table: the relationship name,
 * suffixed with the referenced entity set for a polymorphic lookup (contact_customer_accounts, contact_customer_contacts).
 */
export function oneToManyName(child: EntityTable, a: AttributeMetadata, referenced: EntityTable): string {
  const base = a.relationshipName ?? `${child.logicalName}_${a.logicalName}`;
  return child.targetsOf(a).length > 1 ? `${base}_${referenced.setName}` : base;
}

/** Every relationship in which `table` is the referenced side: children, their lookup, and what a delete does. */
export function referencingLookups(registry: EntityRegistry, table: EntityTable): { child: EntityTable; attribute: AttributeMetadata }[] {
  const out: { child: EntityTable; attribute: AttributeMetadata }[] = [];
  for (const child of registry.all()) {
    for (const a of child.meta.attributes) {
      if (a.type === 'lookup' && child.targetsOf(a).includes(table.logicalName)) out.push({ child, attribute: a });
    }
  }
  return out;
}

/** Resolves a navigation property name on a record of `table`. */
export function recordNavigation(registry: EntityRegistry, table: EntityTable, name: string): RecordNavigation | undefined {
  const nav = table.navigation.get(name);
  if (nav) {
    const target = registry.byLogicalName(nav.target);
    if (target) return { kind: 'lookup', name, attribute: nav.attribute, target };
  }
  for (const { child, attribute } of referencingLookups(registry, table)) {
    if (oneToManyName(child, attribute, table) === name) return { kind: 'one-to-many', name, child, attribute };
  }
  for (const r of registry.manyToMany) {
    if (r.entity1 === table.logicalName && r.entity1NavigationPropertyName === name) {
      const other = registry.byLogicalName(r.entity2);
      if (other) return { kind: 'many-to-many', name, relationship: r, other, side: 1 };
    }
    if (r.entity2 === table.logicalName && r.entity2NavigationPropertyName === name) {
      const other = registry.byLogicalName(r.entity1);
      if (other) return { kind: 'many-to-many', name, relationship: r, other, side: 2 };
    }
  }
  return undefined;
}
