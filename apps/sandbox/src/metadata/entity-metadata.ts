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

export interface AttributeMetadata {
  logicalName: string;
  type: AttributeType;
  maxLength?: number;
  /** The platform enforces only SystemRequired. */
  requiredLevel?: RequiredLevel;
  /** Lookup target tables; more than one makes the lookup polymorphic (bound through <name>_<target>). */
  targets?: string[];
  /** Allowed option-set values. */
  options?: number[];
  validForCreate?: boolean;
  validForUpdate?: boolean;
  /** Kept in the row's own columns rather than the JSON document. */
  system?: 'createdon' | 'modifiedon' | 'versionnumber';
}

export type KeyIndexStatus = 'Pending' | 'InProgress' | 'Active' | 'Failed';

export interface EntityKeyMetadata {
  logicalName: string;
  keyAttributes: string[];
  status: KeyIndexStatus;
}

export interface EntityMetadata {
  logicalName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  attributes: AttributeMetadata[];
  /** The sandbox stores and enforces one alternate key per table. */
  keys: EntityKeyMetadata[];
  /** Served for reads only (system users are seeded, not written through the API). */
  readOnly?: boolean;
}

const str = (logicalName: string, maxLength: number, requiredLevel: RequiredLevel = 'None'): AttributeMetadata => ({
  logicalName,
  type: 'string',
  maxLength,
  requiredLevel,
});

/** Columns every user-owned table has: audit stamps, row version, owner, state, migration created-on. */
function standardColumns(stateOptions: number[]): AttributeMetadata[] {
  return [
    { logicalName: 'createdon', type: 'datetime', system: 'createdon', validForCreate: false, validForUpdate: false },
    { logicalName: 'modifiedon', type: 'datetime', system: 'modifiedon', validForCreate: false, validForUpdate: false },
    { logicalName: 'versionnumber', type: 'bigint', system: 'versionnumber', validForCreate: false, validForUpdate: false },
    { logicalName: 'overriddencreatedon', type: 'datetime', validForUpdate: false },
    { logicalName: 'ownerid', type: 'lookup', targets: ['systemuser'], requiredLevel: 'SystemRequired' },
    { logicalName: 'statecode', type: 'picklist', options: stateOptions },
    str('crm_sourceid', 100),
    { logicalName: 'crm_sourcecreatedon', type: 'datetime' },
  ];
}

const sourceIdKey = (table: string): EntityKeyMetadata => ({
  logicalName: `crm_${table}_sourceid_key`,
  keyAttributes: ['crm_sourceid'],
  status: 'Active',
});

export const ENTITY_DEFINITIONS: EntityMetadata[] = [
  {
    logicalName: 'account',
    entitySetName: 'accounts',
    primaryIdAttribute: 'accountid',
    primaryNameAttribute: 'name',
    attributes: [
      { logicalName: 'accountid', type: 'uniqueidentifier', validForUpdate: false },
      str('name', 160, 'SystemRequired'),
      str('websiteurl', 200),
      str('telephone1', 50),
      str('address1_line1', 250),
      str('address1_city', 80),
      str('address1_stateorprovince', 50),
      str('address1_postalcode', 20),
      str('crm_industry', 100),
      str('crm_propertyaddress', 250),
      str('crm_nmlsid', 50),
      { logicalName: 'parentaccountid', type: 'lookup', targets: ['account'] },
      ...standardColumns([0, 1]),
    ],
    keys: [sourceIdKey('account')],
  },
  {
    logicalName: 'contact',
    entitySetName: 'contacts',
    primaryIdAttribute: 'contactid',
    primaryNameAttribute: 'fullname',
    attributes: [
      { logicalName: 'contactid', type: 'uniqueidentifier', validForUpdate: false },
      str('firstname', 50),
      str('lastname', 50, 'ApplicationRequired'),
      str('emailaddress1', 100),
      str('telephone1', 50),
      str('jobtitle', 100),
      str('crm_loanstatus', 100),
      str('crm_referralsource', 100),
      { logicalName: 'crm_isreferralpartner', type: 'boolean' },
      { logicalName: 'crm_notes', type: 'memo' },
      { logicalName: 'parentcustomerid', type: 'lookup', targets: ['account', 'contact'] },
      ...standardColumns([0, 1]),
    ],
    keys: [sourceIdKey('contact')],
  },
  {
    logicalName: 'opportunity',
    entitySetName: 'opportunities',
    primaryIdAttribute: 'opportunityid',
    primaryNameAttribute: 'name',
    attributes: [
      { logicalName: 'opportunityid', type: 'uniqueidentifier', validForUpdate: false },
      str('name', 300, 'ApplicationRequired'),
      { logicalName: 'estimatedvalue', type: 'money' },
      { logicalName: 'estimatedclosedate', type: 'dateonly' },
      str('stepname', 200),
      str('crm_loantype', 100),
      { logicalName: 'crm_preapprovaldate', type: 'dateonly' },
      str('crm_loanofficer', 100),
      { logicalName: 'salesstage', type: 'picklist', options: [0, 1, 2, 3] },
      { logicalName: 'closeprobability', type: 'integer' },
      str('crm_pipeline', 200),
      str('crm_referralsource', 100),
      { logicalName: 'customerid', type: 'lookup', targets: ['account', 'contact'] },
      { logicalName: 'parentcontactid', type: 'lookup', targets: ['contact'] },
      { logicalName: 'parentaccountid', type: 'lookup', targets: ['account'] },
      ...standardColumns([0, 1, 2]),
    ],
    keys: [sourceIdKey('opportunity')],
  },
  ...[
    { logicalName: 'phonecall', setName: 'phonecalls', states: [0, 1, 2], statuses: [1, 2, 3, 4], extra: [str('crm_outcome', 100), { logicalName: 'crm_durationseconds', type: 'integer' as const }] },
    { logicalName: 'email', setName: 'emails', states: [0, 1, 2], statuses: [1, 2, 3, 4, 5, 6, 7, 8], extra: [] },
    {
      logicalName: 'appointment', setName: 'appointments', states: [0, 1, 2, 3], statuses: [1, 2, 3, 4, 5, 6],
      extra: [str('location', 200), { logicalName: 'scheduledstart', type: 'datetime' as const }, { logicalName: 'scheduledend', type: 'datetime' as const }, { logicalName: 'crm_durationseconds', type: 'integer' as const }],
    },
  ].map(
    (a): EntityMetadata => ({
      logicalName: a.logicalName,
      entitySetName: a.setName,
      primaryIdAttribute: 'activityid',
      primaryNameAttribute: 'subject',
      attributes: [
        { logicalName: 'activityid', type: 'uniqueidentifier', validForUpdate: false },
        str('subject', 200),
        { logicalName: 'description', type: 'memo' },
        { logicalName: 'directioncode', type: 'boolean' },
        { logicalName: 'actualstart', type: 'datetime' },
        { logicalName: 'statuscode', type: 'picklist', options: a.statuses },
        { logicalName: 'regardingobjectid', type: 'lookup', targets: ['contact', 'opportunity', 'account'] },
        ...a.extra,
        ...standardColumns(a.states),
      ],
      keys: [sourceIdKey(a.logicalName)],
    }),
  ),
  {
    logicalName: 'annotation',
    entitySetName: 'annotations',
    primaryIdAttribute: 'annotationid',
    primaryNameAttribute: 'subject',
    attributes: [
      { logicalName: 'annotationid', type: 'uniqueidentifier', validForUpdate: false },
      str('subject', 500),
      { logicalName: 'notetext', type: 'memo' },
      str('filename', 255),
      str('mimetype', 256),
      { logicalName: 'documentbody', type: 'memo' },
      { logicalName: 'objectid', type: 'lookup', targets: ['contact', 'opportunity', 'account'] },
      ...standardColumns([0]),
    ],
    keys: [sourceIdKey('annotation')],
  },
  {
    logicalName: 'connectionrole',
    entitySetName: 'connectionroles',
    primaryIdAttribute: 'connectionroleid',
    primaryNameAttribute: 'name',
    attributes: [
      { logicalName: 'connectionroleid', type: 'uniqueidentifier', validForUpdate: false },
      str('name', 100, 'SystemRequired'),
      { logicalName: 'category', type: 'picklist', options: [1, 2, 3, 4, 5, 1000, 1001, 1002] },
      ...standardColumns([0, 1]),
    ],
    keys: [sourceIdKey('connectionrole')],
  },
  {
    logicalName: 'connection',
    entitySetName: 'connections',
    primaryIdAttribute: 'connectionid',
    primaryNameAttribute: 'name',
    attributes: [
      { logicalName: 'connectionid', type: 'uniqueidentifier', validForUpdate: false },
      { logicalName: 'description', type: 'memo' },
      { logicalName: 'effectivestart', type: 'datetime' },
      { logicalName: 'record1id', type: 'lookup', targets: ['contact', 'account'] },
      { logicalName: 'record2id', type: 'lookup', targets: ['contact', 'opportunity'] },
      { logicalName: 'record1roleid', type: 'lookup', targets: ['connectionrole'] },
      ...standardColumns([0, 1]),
    ],
    keys: [sourceIdKey('connection')],
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

  constructor(readonly meta: EntityMetadata) {
    for (const a of meta.attributes) {
      this.attributes.set(a.logicalName, a);
      if (a.type === 'lookup') {
        const targets = a.targets ?? [];
        if (targets.length === 1) this.navigation.set(a.logicalName, { name: a.logicalName, attribute: a, target: targets[0] });
        else for (const t of targets) this.navigation.set(`${a.logicalName}_${t}`, { name: `${a.logicalName}_${t}`, attribute: a, target: t });
      }
    }
    // The owner is defaulted by the platform, so only the other SystemRequired columns can be missing.
    this.systemRequired = meta.attributes.filter((a) => a.requiredLevel === 'SystemRequired' && a.type !== 'lookup');
    if (meta.keys.length > 1) throw new Error(`${meta.logicalName}: the sandbox supports one alternate key per table`);
    this.key = meta.keys[0];
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
}

export class EntityRegistry {
  private readonly bySet = new Map<string, EntityTable>();
  private readonly byName = new Map<string, EntityTable>();

  constructor(definitions: EntityMetadata[] = ENTITY_DEFINITIONS) {
    for (const d of definitions) {
      const t = new EntityTable(d);
      this.bySet.set(d.entitySetName, t);
      this.byName.set(d.logicalName, t);
    }
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
