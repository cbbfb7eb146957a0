/**
 * The standard objects the sandbox org holds, described as Salesforce's describe does. Custom fields, picklist values
 * and record types added at run time live in the database (see sf-metadata.service.ts); this file is the baseline.
 */
export type SfFieldType =
  | 'id' | 'string' | 'textarea' | 'picklist' | 'multipicklist' | 'combobox' | 'reference' | 'date' | 'datetime' | 'double'
  | 'currency' | 'percent' | 'int' | 'boolean' | 'email' | 'phone' | 'url' | 'base64';

export interface SfPicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface SfField {
  name: string;
  label: string;
  type: SfFieldType;
  length: number;
  precision: number;
  scale: number;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  defaultedOnCreate: boolean;
  externalId: boolean;
  idLookup: boolean;
  unique: boolean;
  caseSensitive: boolean;
  restrictedPicklist: boolean;
  picklistValues: SfPicklistValue[];
  referenceTo: string[];
  relationshipName: string | null;
  custom: boolean;
  calculated: boolean;
  /** CreatedDate & co: createable only with "Set Audit Fields upon Record Creation" */
  audit?: boolean;
}

export interface SfObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  queryable: boolean;
  /** whether custom fields may be added (ContentDocumentLink, ContentNote, ContentDocument cannot hold them) */
  customizable: boolean;
  /** served under /tooling only */
  tooling?: boolean;
  fields: SfField[];
}

interface FieldOpts {
  label?: string;
  len?: number;
  precision?: number;
  scale?: number;
  /** required on create: not nillable and not defaulted */
  req?: boolean;
  /** read-only: neither createable nor updateable */
  ro?: boolean;
  /** createable, not updateable */
  createOnly?: boolean;
  /** not nillable but the platform fills it in */
  defaulted?: boolean;
  notNull?: boolean;
  values?: string[];
  defaultValue?: string;
  restricted?: boolean;
  ref?: string[];
  rel?: string;
  ext?: boolean;
  unique?: boolean;
  caseSensitive?: boolean;
  idLookup?: boolean;
  audit?: boolean;
}

const DEFAULT_LENGTH: Partial<Record<SfFieldType, number>> = { string: 255, textarea: 32000, email: 80, phone: 40, url: 255, picklist: 255, combobox: 255, id: 18, reference: 18 };

function humanLabel(name: string): string {
  return name.replace(/Id$/, ' ID').replace(/__c$/, '').replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
}

export function makeField(name: string, type: SfFieldType, o: FieldOpts = {}): SfField {
  const ro = o.ro ?? false;
  const values = (o.values ?? []).map((v) => ({ value: v, label: v, active: true, defaultValue: v === o.defaultValue }));
  return {
    name,
    label: o.label ?? humanLabel(name),
    type,
    length: o.len ?? DEFAULT_LENGTH[type] ?? 0,
    precision: o.precision ?? (type === 'currency' || type === 'double' ? 18 : type === 'percent' ? 3 : type === 'int' ? 9 : 0),
    scale: o.scale ?? (type === 'currency' ? 2 : 0),
    nillable: !(o.req || o.defaulted || o.notNull) && type !== 'boolean',
    createable: !ro,
    updateable: !ro && !o.createOnly,
    defaultedOnCreate: o.defaulted ?? (type === 'boolean' && !ro ? true : false),
    externalId: o.ext ?? false,
    idLookup: o.idLookup ?? o.ext ?? type === 'id',
    unique: o.unique ?? false,
    caseSensitive: o.caseSensitive ?? false,
    restrictedPicklist: o.restricted ?? false,
    picklistValues: values,
    referenceTo: o.ref ?? [],
    relationshipName: o.rel ?? (type === 'reference' ? name.replace(/Id$/, '') : null),
    custom: name.endsWith('__c'),
    calculated: false,
    audit: o.audit,
  };
}

const f = makeField;

function system(owned: boolean): SfField[] {
  const out = [
    f('Id', 'id', { label: 'Record ID', ro: true, defaulted: true }),
    f('IsDeleted', 'boolean', { label: 'Deleted', ro: true, defaulted: true }),
    f('CreatedDate', 'datetime', { ro: true, defaulted: true, audit: true }),
    f('CreatedById', 'reference', { label: 'Created By ID', ro: true, defaulted: true, ref: ['User'], rel: 'CreatedBy', audit: true }),
    f('LastModifiedDate', 'datetime', { ro: true, defaulted: true, audit: true }),
    f('LastModifiedById', 'reference', { label: 'Last Modified By ID', ro: true, defaulted: true, ref: ['User'], rel: 'LastModifiedBy', audit: true }),
    f('SystemModstamp', 'datetime', { ro: true, defaulted: true }),
  ];
  if (owned) out.push(f('OwnerId', 'reference', { label: 'Owner ID', defaulted: true, ref: ['User'], rel: 'Owner' }));
  return out;
}

function address(prefix: string): SfField[] {
  return [
    f(`${prefix}Street`, 'textarea', { len: 255 }),
    f(`${prefix}City`, 'string', { len: 40 }),
    f(`${prefix}State`, 'string', { len: 80 }),
    f(`${prefix}PostalCode`, 'string', { len: 20 }),
    f(`${prefix}Country`, 'string', { len: 80 }),
  ];
}

interface ObjOpts {
  label?: string;
  plural?: string;
  owned?: boolean;
  createable?: boolean;
  updateable?: boolean;
  deletable?: boolean;
  customizable?: boolean;
  tooling?: boolean;
}

function obj(name: string, keyPrefix: string, fields: SfField[], o: ObjOpts = {}): SfObjectDef {
  const label = o.label ?? humanLabel(name);
  return {
    name,
    label,
    labelPlural: o.plural ?? `${label}s`,
    keyPrefix,
    custom: false,
    createable: o.createable ?? true,
    updateable: o.updateable ?? true,
    deletable: o.deletable ?? true,
    queryable: true,
    customizable: o.customizable ?? true,
    tooling: o.tooling,
    fields: [...system(o.owned ?? false), ...fields],
  };
}

export const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const INDUSTRIES = ['Agriculture', 'Banking', 'Construction', 'Consulting', 'Education', 'Finance', 'Healthcare', 'Hospitality', 'Insurance', 'Manufacturing', 'Media', 'Real Estate', 'Retail', 'Technology', 'Transportation', 'Other'];
const RATINGS = ['Hot', 'Warm', 'Cold'];
const WHAT = ['Account', 'Opportunity', 'Case', 'Quote', 'Order', 'Contract', 'Product2'];

/** The standard ten sales stages: name, probability, closed, won, forecast category. */
export const STANDARD_STAGES: { name: string; probability: number; closed: boolean; won: boolean; forecast: string }[] = [
  { name: 'Prospecting', probability: 10, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Qualification', probability: 10, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Needs Analysis', probability: 20, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Value Proposition', probability: 50, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Id. Decision Makers', probability: 60, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Perception Analysis', probability: 70, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Proposal/Price Quote', probability: 75, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Negotiation/Review', probability: 90, closed: false, won: false, forecast: 'Pipeline' },
  { name: 'Closed Won', probability: 100, closed: true, won: true, forecast: 'Closed' },
  { name: 'Closed Lost', probability: 0, closed: true, won: false, forecast: 'Omitted' },
];

export const STANDARD_OBJECTS: SfObjectDef[] = [
  obj('Account', '001', [
    f('Name', 'string', { label: 'Account Name', req: true, idLookup: true }),
    f('Type', 'picklist', { label: 'Account Type', values: ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'] }),
    f('ParentId', 'reference', { label: 'Parent Account ID', ref: ['Account'], rel: 'Parent' }),
    f('AccountNumber', 'string', { len: 40 }),
    f('Site', 'string', { label: 'Account Site', len: 80 }),
    f('Industry', 'picklist', { values: INDUSTRIES }),
    f('Rating', 'picklist', { values: RATINGS }),
    f('AnnualRevenue', 'currency'),
    f('NumberOfEmployees', 'int', { label: 'Employees', precision: 8 }),
    f('Phone', 'phone', { label: 'Account Phone' }),
    f('Fax', 'phone', { label: 'Account Fax' }),
    f('Website', 'url'),
    f('Description', 'textarea'),
    ...address('Billing'),
    ...address('Shipping'),
  ], { owned: true }),
  obj('Contact', '003', [
    f('Salutation', 'picklist', { values: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'] }),
    f('FirstName', 'string', { len: 40 }),
    f('LastName', 'string', { len: 80, req: true }),
    f('Name', 'string', { label: 'Full Name', len: 121, ro: true, notNull: true }),
    f('AccountId', 'reference', { ref: ['Account'], rel: 'Account' }),
    f('ReportsToId', 'reference', { ref: ['Contact'], rel: 'ReportsTo' }),
    f('Title', 'string', { len: 128 }),
    f('Department', 'string', { len: 80 }),
    f('Email', 'email', { idLookup: true }),
    f('Phone', 'phone', { label: 'Business Phone' }),
    f('MobilePhone', 'phone'),
    f('HomePhone', 'phone'),
    f('Birthdate', 'date'),
    f('LeadSource', 'picklist', { values: LEAD_SOURCES }),
    f('Description', 'textarea'),
    ...address('Mailing'),
  ], { owned: true }),
  obj('Lead', '00Q', [
    f('Salutation', 'picklist', { values: ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'] }),
    f('FirstName', 'string', { len: 40 }),
    f('LastName', 'string', { len: 80, req: true }),
    f('Name', 'string', { label: 'Full Name', len: 121, ro: true, notNull: true }),
    f('Company', 'string', { len: 255, req: true }),
    f('Title', 'string', { len: 128 }),
    f('Email', 'email', { idLookup: true }),
    f('Phone', 'phone'),
    f('MobilePhone', 'phone'),
    f('Website', 'url'),
    f('Status', 'picklist', { label: 'Lead Status', defaulted: true, restricted: true, defaultValue: 'Open - Not Contacted', values: ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted'] }),
    f('LeadSource', 'picklist', { values: LEAD_SOURCES }),
    f('Industry', 'picklist', { values: INDUSTRIES }),
    f('Rating', 'picklist', { values: RATINGS }),
    f('AnnualRevenue', 'currency'),
    f('NumberOfEmployees', 'int', { label: 'Employees', precision: 8 }),
    f('Description', 'textarea'),
    f('IsConverted', 'boolean', { label: 'Converted', ro: true, defaulted: true }),
    f('ConvertedAccountId', 'reference', { ro: true, ref: ['Account'], rel: 'ConvertedAccount' }),
    f('ConvertedContactId', 'reference', { ro: true, ref: ['Contact'], rel: 'ConvertedContact' }),
    f('ConvertedOpportunityId', 'reference', { ro: true, ref: ['Opportunity'], rel: 'ConvertedOpportunity' }),
    ...address(''),
  ], { owned: true }),
  obj('Opportunity', '006', [
    f('Name', 'string', { label: 'Opportunity Name', len: 120, req: true }),
    f('AccountId', 'reference', { ref: ['Account'], rel: 'Account' }),
    f('ContactId', 'reference', { ref: ['Contact'], rel: 'Contact' }),
    f('RecordTypeId', 'reference', { label: 'Record Type ID', ref: ['RecordType'], rel: 'RecordType', defaulted: true }),
    f('StageName', 'picklist', { label: 'Stage', req: true, restricted: true }),
    f('CloseDate', 'date', { req: true }),
    f('Amount', 'currency'),
    f('Probability', 'percent', { label: 'Probability (%)', defaulted: true, precision: 3 }),
    f('ExpectedRevenue', 'currency', { ro: true }),
    f('IsClosed', 'boolean', { label: 'Closed', ro: true, defaulted: true }),
    f('IsWon', 'boolean', { label: 'Won', ro: true, defaulted: true }),
    f('ForecastCategoryName', 'picklist', { label: 'Forecast Category', defaulted: true, values: ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed'] }),
    f('Type', 'picklist', { label: 'Opportunity Type', values: ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer'] }),
    f('LeadSource', 'picklist', { values: LEAD_SOURCES }),
    f('NextStep', 'string', { len: 255 }),
    f('Pricebook2Id', 'reference', { label: 'Price Book ID', ref: ['Pricebook2'], rel: 'Pricebook2' }),
    f('Description', 'textarea'),
  ], { owned: true, plural: 'Opportunities' }),
  obj('Quote', '0Q0', [
    f('Name', 'string', { label: 'Quote Name', req: true }),
    f('OpportunityId', 'reference', { req: true, createOnly: true, ref: ['Opportunity'], rel: 'Opportunity' }),
    f('Pricebook2Id', 'reference', { label: 'Price Book ID', ref: ['Pricebook2'], rel: 'Pricebook2' }),
    f('ContactId', 'reference', { ref: ['Contact'], rel: 'Contact' }),
    f('AccountId', 'reference', { ro: true, ref: ['Account'], rel: 'Account' }),
    f('QuoteNumber', 'string', { len: 30, ro: true, notNull: true }),
    f('Status', 'picklist', { defaulted: true, defaultValue: 'Draft', values: ['Draft', 'Needs Review', 'In Review', 'Approved', 'Rejected', 'Presented', 'Accepted', 'Denied'] }),
    f('ExpirationDate', 'date'),
    f('Description', 'textarea'),
    f('Email', 'email'),
    f('Phone', 'phone'),
    f('Tax', 'currency'),
    f('ShippingHandling', 'currency'),
    f('Subtotal', 'currency', { ro: true }),
    f('TotalPrice', 'currency', { ro: true }),
    f('GrandTotal', 'currency', { ro: true }),
    f('BillingName', 'string'),
    ...address('Billing'),
  ]),
  obj('QuoteLineItem', '0QL', [
    f('QuoteId', 'reference', { req: true, createOnly: true, ref: ['Quote'], rel: 'Quote' }),
    f('PricebookEntryId', 'reference', { req: true, createOnly: true, ref: ['PricebookEntry'], rel: 'PricebookEntry' }),
    f('Product2Id', 'reference', { createOnly: true, ref: ['Product2'], rel: 'Product2' }),
    f('LineNumber', 'string', { ro: true, notNull: true }),
    f('Quantity', 'double', { req: true, scale: 2 }),
    f('UnitPrice', 'currency', { label: 'Sales Price', req: true }),
    f('ListPrice', 'currency', { ro: true }),
    f('Discount', 'percent', { precision: 5, scale: 2 }),
    f('Subtotal', 'currency', { ro: true }),
    f('TotalPrice', 'currency', { ro: true }),
    f('ServiceDate', 'date'),
    f('Description', 'string', { label: 'Line Item Description' }),
  ], { label: 'Quote Line Item' }),
  obj('Product2', '01t', [
    f('Name', 'string', { label: 'Product Name', req: true }),
    f('ProductCode', 'string'),
    f('Description', 'textarea', { len: 4000 }),
    f('IsActive', 'boolean', { label: 'Active' }),
    f('Family', 'picklist', { label: 'Product Family', values: ['None'] }),
    f('QuantityUnitOfMeasure', 'picklist', { values: ['Each'] }),
  ], { label: 'Product' }),
  obj('Pricebook2', '01s', [
    f('Name', 'string', { label: 'Price Book Name', req: true }),
    f('IsActive', 'boolean', { label: 'Active' }),
    f('IsStandard', 'boolean', { label: 'Is Standard Price Book', ro: true, defaulted: true }),
    f('Description', 'string'),
  ], { label: 'Price Book' }),
  obj('PricebookEntry', '01u', [
    f('Name', 'string', { label: 'Product Name', ro: true }),
    f('Pricebook2Id', 'reference', { label: 'Price Book ID', req: true, createOnly: true, ref: ['Pricebook2'], rel: 'Pricebook2' }),
    f('Product2Id', 'reference', { req: true, createOnly: true, ref: ['Product2'], rel: 'Product2' }),
    f('UnitPrice', 'currency', { label: 'List Price', req: true }),
    f('IsActive', 'boolean', { label: 'Active' }),
    f('UseStandardPrice', 'boolean'),
    f('ProductCode', 'string', { ro: true }),
  ], { label: 'Price Book Entry', plural: 'Price Book Entries' }),
  obj('Contract', '800', [
    f('AccountId', 'reference', { req: true, ref: ['Account'], rel: 'Account' }),
    f('Pricebook2Id', 'reference', { label: 'Price Book ID', ref: ['Pricebook2'], rel: 'Pricebook2' }),
    f('ContractNumber', 'string', { len: 30, ro: true, notNull: true }),
    f('Status', 'picklist', { defaulted: true, restricted: true, defaultValue: 'Draft', values: ['Draft', 'In Approval Process', 'Activated'] }),
    f('StartDate', 'date', { label: 'Contract Start Date' }),
    f('ContractTerm', 'int', { label: 'Contract Term', precision: 4 }),
    f('EndDate', 'date', { label: 'Contract End Date', ro: true }),
    f('Description', 'textarea'),
    f('SpecialTerms', 'textarea', { len: 4000 }),
    ...address('Billing'),
  ], { owned: true }),
  obj('Order', '801', [
    f('AccountId', 'reference', { ref: ['Account'], rel: 'Account' }),
    f('ContractId', 'reference', { ref: ['Contract'], rel: 'Contract' }),
    f('Pricebook2Id', 'reference', { label: 'Price Book ID', ref: ['Pricebook2'], rel: 'Pricebook2' }),
    f('OpportunityId', 'reference', { ref: ['Opportunity'], rel: 'Opportunity' }),
    f('QuoteId', 'reference', { ref: ['Quote'], rel: 'Quote' }),
    f('BillToContactId', 'reference', { label: 'Bill To Contact ID', ref: ['Contact'], rel: 'BillToContact' }),
    f('ShipToContactId', 'reference', { label: 'Ship To Contact ID', ref: ['Contact'], rel: 'ShipToContact' }),
    f('OrderNumber', 'string', { len: 30, ro: true, notNull: true }),
    f('Name', 'string', { label: 'Order Name', len: 80 }),
    f('Status', 'picklist', { req: true, restricted: true, values: ['Draft', 'Activated'] }),
    f('EffectiveDate', 'date', { label: 'Order Start Date', req: true }),
    f('EndDate', 'date', { label: 'Order End Date' }),
    f('Type', 'picklist', { label: 'Order Type', values: ['New', 'Renewal', 'Upgrade'] }),
    f('Description', 'textarea'),
    f('TotalAmount', 'currency', { label: 'Order Amount', ro: true }),
    ...address('Billing'),
    ...address('Shipping'),
  ], { owned: true }),
  obj('OrderItem', '802', [
    f('OrderId', 'reference', { req: true, createOnly: true, ref: ['Order'], rel: 'Order' }),
    f('PricebookEntryId', 'reference', { req: true, createOnly: true, ref: ['PricebookEntry'], rel: 'PricebookEntry' }),
    f('Product2Id', 'reference', { createOnly: true, ref: ['Product2'], rel: 'Product2' }),
    f('OrderItemNumber', 'string', { len: 30, ro: true, notNull: true }),
    f('Quantity', 'double', { req: true, scale: 2 }),
    f('UnitPrice', 'currency', { req: true }),
    f('ListPrice', 'currency', { ro: true }),
    f('TotalPrice', 'currency', { ro: true }),
    f('ServiceDate', 'date', { label: 'Start Date' }),
    f('EndDate', 'date'),
    f('Description', 'string', { label: 'Line Description' }),
  ], { label: 'Order Product' }),
  obj('Task', '00T', [
    f('Subject', 'combobox', { values: ['Call', 'Send Letter', 'Send Quote', 'Other'] }),
    f('WhoId', 'reference', { label: 'Name ID', ref: ['Contact', 'Lead'], rel: 'Who' }),
    f('WhatId', 'reference', { label: 'Related To ID', ref: WHAT, rel: 'What' }),
    f('ActivityDate', 'date', { label: 'Due Date Only' }),
    f('Status', 'picklist', { defaulted: true, restricted: true, defaultValue: 'Not Started', values: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred'] }),
    f('Priority', 'picklist', { defaulted: true, restricted: true, defaultValue: 'Normal', values: ['High', 'Normal', 'Low'] }),
    f('TaskSubtype', 'picklist', { createOnly: true, restricted: true, values: ['Task', 'Email', 'Call'] }),
    f('IsClosed', 'boolean', { label: 'Closed', ro: true, defaulted: true }),
    f('CallDurationInSeconds', 'int', { label: 'Call Duration', precision: 8 }),
    f('CallType', 'picklist', { restricted: true, values: ['Internal', 'Inbound', 'Outbound'] }),
    f('CallDisposition', 'string', { label: 'Call Result' }),
    f('Description', 'textarea'),
  ], { owned: true }),
  obj('Event', '00U', [
    f('Subject', 'combobox', { values: ['Call', 'Email', 'Meeting', 'Send Letter/Quote', 'Other'] }),
    f('WhoId', 'reference', { label: 'Name ID', ref: ['Contact', 'Lead'], rel: 'Who' }),
    f('WhatId', 'reference', { label: 'Related To ID', ref: WHAT, rel: 'What' }),
    f('StartDateTime', 'datetime'),
    f('EndDateTime', 'datetime'),
    f('ActivityDateTime', 'datetime', { label: 'Due Date Time' }),
    f('ActivityDate', 'date', { label: 'Due Date Only' }),
    f('DurationInMinutes', 'int', { label: 'Duration', precision: 8 }),
    f('IsAllDayEvent', 'boolean', { label: 'All-Day Event' }),
    f('Location', 'string'),
    f('EventSubtype', 'picklist', { createOnly: true, restricted: true, values: ['Event'] }),
    f('Description', 'textarea'),
  ], { owned: true }),
  obj('EmailMessage', '02s', [
    f('ParentId', 'reference', { label: 'Case ID', ref: ['Case'], rel: 'Parent' }),
    f('RelatedToId', 'reference', { label: 'Related To ID', ref: WHAT, rel: 'RelatedTo' }),
    f('ActivityId', 'reference', { createOnly: true, ref: ['Task'], rel: 'Activity' }),
    f('Subject', 'string', { len: 3000 }),
    f('TextBody', 'textarea', { len: 131072 }),
    f('HtmlBody', 'textarea', { len: 131072 }),
    f('FromName', 'string', { len: 1000 }),
    f('FromAddress', 'email', { len: 1000 }),
    f('ToAddress', 'string', { len: 4000 }),
    f('CcAddress', 'string', { len: 4000 }),
    f('BccAddress', 'string', { len: 4000 }),
    f('MessageDate', 'datetime'),
    f('Incoming', 'boolean', { label: 'Is Incoming' }),
    f('Status', 'picklist', { req: true, restricted: true, values: ['0', '1', '2', '3', '4', '5'] }),
  ], { label: 'Email Message' }),
  obj('ContentVersion', '068', [
    f('ContentDocumentId', 'reference', { createOnly: true, ref: ['ContentDocument'], rel: 'ContentDocument' }),
    f('Title', 'string', { defaulted: true }),
    f('PathOnClient', 'string', { len: 500, req: true, createOnly: true }),
    f('VersionData', 'base64', { req: true, createOnly: true }),
    f('FirstPublishLocationId', 'reference', { createOnly: true, ref: ['Account', 'Contact', 'Lead', 'Opportunity', 'Quote', 'Order', 'Contract', 'Case', 'User', 'Product2'], rel: 'FirstPublishLocation' }),
    f('Description', 'textarea', { len: 1000 }),
    f('ReasonForChange', 'string'),
    f('FileType', 'string', { len: 20, ro: true, notNull: true }),
    f('FileExtension', 'string', { len: 40, ro: true }),
    f('ContentSize', 'int', { label: 'Size', ro: true }),
    f('IsLatest', 'boolean', { ro: true, defaulted: true }),
    f('VersionNumber', 'string', { len: 20, ro: true }),
  ], { owned: true, updateable: true, deletable: false, label: 'Content Version' }),
  obj('ContentDocument', '069', [
    f('Title', 'string', { req: true }),
    f('FileType', 'string', { len: 20, ro: true }),
    f('FileExtension', 'string', { len: 40, ro: true }),
    f('ContentSize', 'int', { label: 'Size', ro: true }),
    f('LatestPublishedVersionId', 'reference', { ro: true, ref: ['ContentVersion'], rel: 'LatestPublishedVersion' }),
    f('ParentId', 'reference', { label: 'Library ID', ro: true, ref: ['ContentWorkspace'] }),
    f('Description', 'textarea', { len: 1000 }),
  ], { owned: true, createable: false, customizable: false, label: 'Content Document' }),
  obj('ContentDocumentLink', '06A', [
    f('ContentDocumentId', 'reference', { req: true, createOnly: true, ref: ['ContentDocument'], rel: 'ContentDocument' }),
    f('LinkedEntityId', 'reference', { req: true, createOnly: true, ref: ['Account', 'Contact', 'Lead', 'Opportunity', 'Quote', 'Order', 'Contract', 'Case', 'User', 'Product2'], rel: 'LinkedEntity' }),
    f('ShareType', 'picklist', { defaulted: true, restricted: true, defaultValue: 'V', values: ['V', 'C', 'I'] }),
    f('Visibility', 'picklist', { defaulted: true, restricted: true, defaultValue: 'AllUsers', values: ['AllUsers', 'InternalUsers', 'SharedUsers'] }),
  ], { updateable: true, customizable: false, label: 'Content Document Link' }),
  obj('ContentNote', '069', [
    f('Title', 'string', { req: true }),
    f('Content', 'base64', { ro: true }),
    f('TextPreview', 'string', { ro: true }),
    f('FileType', 'string', { len: 20, ro: true }),
    f('LatestPublishedVersionId', 'reference', { ro: true, ref: ['ContentVersion'], rel: 'LatestPublishedVersion' }),
  ], { owned: true, createable: false, updateable: false, deletable: false, customizable: false, label: 'Note' }),
  obj('Case', '500', [
    f('CaseNumber', 'string', { len: 30, ro: true, notNull: true }),
    f('AccountId', 'reference', { ref: ['Account'], rel: 'Account' }),
    f('ContactId', 'reference', { ref: ['Contact'], rel: 'Contact' }),
    f('Subject', 'string'),
    f('Description', 'textarea'),
    f('Status', 'picklist', { defaulted: true, defaultValue: 'New', values: ['New', 'Working', 'Escalated', 'Closed'] }),
    f('Origin', 'picklist', { label: 'Case Origin', values: ['Phone', 'Email', 'Web'] }),
    f('Priority', 'picklist', { defaulted: true, defaultValue: 'Medium', values: ['High', 'Medium', 'Low'] }),
    f('Type', 'picklist', { label: 'Case Type', values: ['Mechanical', 'Electrical', 'Electronic', 'Structural', 'Other'] }),
    f('Reason', 'picklist', { label: 'Case Reason', values: ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'] }),
    f('IsClosed', 'boolean', { label: 'Closed', ro: true, defaulted: true }),
    f('SuppliedName', 'string', { label: 'Web Name', len: 80 }),
    f('SuppliedEmail', 'email', { label: 'Web Email' }),
    f('SuppliedPhone', 'string', { label: 'Web Phone', len: 40 }),
  ], { owned: true }),
  obj('User', '005', [
    f('Username', 'string', { len: 80, req: true, unique: true, idLookup: true }),
    f('Email', 'email', { len: 128, req: true }),
    f('FirstName', 'string', { len: 40 }),
    f('LastName', 'string', { len: 80, req: true }),
    f('Name', 'string', { label: 'Full Name', len: 121, ro: true, notNull: true }),
    f('Alias', 'string', { len: 8, req: true }),
    f('IsActive', 'boolean', { label: 'Active' }),
    f('Title', 'string', { len: 80 }),
    f('FederationIdentifier', 'string', { len: 512, idLookup: true }),
  ], { createable: false, deletable: false }),
  obj('RecordType', '012', [
    f('Name', 'string', { label: 'Record Type Label', len: 80, req: true }),
    f('DeveloperName', 'string', { label: 'Record Type Name', len: 80, req: true }),
    f('SobjectType', 'picklist', { req: true, createOnly: true, restricted: true, values: ['Account', 'Contact', 'Lead', 'Opportunity', 'Quote', 'Order', 'Contract', 'Case', 'Task', 'Event', 'Product2'] }),
    f('BusinessProcessId', 'reference', { ref: ['BusinessProcess'], rel: 'BusinessProcess' }),
    f('Description', 'string'),
    f('IsActive', 'boolean', { label: 'Active' }),
  ], { deletable: false, customizable: false, label: 'Record Type' }),
  obj('BusinessProcess', '019', [
    f('Name', 'string', { len: 80, req: true }),
    f('TableEnumOrId', 'string', { label: 'Entity Enumeration Or ID', len: 40, req: true, createOnly: true }),
    f('Description', 'string'),
    f('IsActive', 'boolean', { label: 'Active' }),
  ], { createable: false, updateable: false, deletable: false, customizable: false, label: 'Business Process', plural: 'Business Processes' }),
  obj('OpportunityStage', '01J', [
    f('MasterLabel', 'string', { ro: true }),
    f('ApiName', 'string', { ro: true }),
    f('IsActive', 'boolean', { ro: true, defaulted: true }),
    f('SortOrder', 'int', { ro: true }),
    f('IsClosed', 'boolean', { ro: true, defaulted: true }),
    f('IsWon', 'boolean', { ro: true, defaulted: true }),
    f('ForecastCategoryName', 'string', { ro: true }),
    f('DefaultProbability', 'percent', { ro: true }),
  ], { createable: false, updateable: false, deletable: false, customizable: false, label: 'Opportunity Stage' }),
  obj('PermissionSet', '0PS', [
    f('Name', 'string', { len: 80, req: true }),
    f('Label', 'string', { len: 80, req: true }),
    f('Description', 'string'),
  ], { customizable: false, label: 'Permission Set' }),
  obj('FieldPermissions', '01k', [
    f('ParentId', 'reference', { req: true, createOnly: true, ref: ['PermissionSet'], rel: 'Parent' }),
    f('SobjectType', 'string', { len: 40, req: true, createOnly: true }),
    f('Field', 'string', { len: 100, req: true, createOnly: true }),
    f('PermissionsRead', 'boolean', { label: 'Read Access' }),
    f('PermissionsEdit', 'boolean', { label: 'Edit Access' }),
  ], { customizable: false, label: 'Field Permissions', plural: 'Field Permissions' }),
  obj('CustomField', '00N', [
    f('DeveloperName', 'string', { len: 40, ro: true }),
    f('TableEnumOrId', 'string', { len: 40, ro: true }),
    f('FullName', 'string', { ro: true }),
    f('NamespacePrefix', 'string', { len: 15, ro: true }),
    f('Description', 'string', { ro: true }),
    f('InlineHelpText', 'string', { ro: true }),
  ], { tooling: true, customizable: false, createable: false, updateable: false, deletable: false, label: 'Custom Field' }),
];
