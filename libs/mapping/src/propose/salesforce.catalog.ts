import type { ColumnDescription, EntityDescription } from '@ferry/destinations/core';

/**
 * The standard Sales Cloud fields the proposer maps onto, for objects the org does not describe (it is not
 * reachable, or the proposal is drafted offline): API names in lower case as Ferry's maps write them, describe's
 * field types and lengths as a fresh Enterprise org has them. Only the fields a CRM migration usually fills; a
 * described object always wins over this list.
 */

const field = (name: string, type: string, maxLength?: number, required: ColumnDescription['required'] = 'none'): ColumnDescription => ({
  name, type, required, ...(maxLength ? { maxLength } : {}),
});
const text = (name: string, maxLength = 255, required: ColumnDescription['required'] = 'none') => field(name, 'string', maxLength, required);
const area = (name: string, maxLength = 32000) => field(name, 'textarea', maxLength);
const ref = (name: string, targets: string[], required: ColumnDescription['required'] = 'none'): ColumnDescription => ({ name, type: 'reference', required, targets });
const picklist = (name: string, labels: string[], required: ColumnDescription['required'] = 'none'): ColumnDescription => ({
  name, type: 'picklist', maxLength: 255, required, options: labels.map((label, value) => ({ value, label })),
});

const address = (prefix: string): ColumnDescription[] => [
  area(`${prefix}street`, 255), text(`${prefix}city`, 40), text(`${prefix}state`, 80), text(`${prefix}postalcode`, 20), text(`${prefix}country`, 80),
];

/** What every object Ferry writes has: the owner, CreatedDate (settable on insert with the audit-fields setting). */
const common = (owned: boolean): ColumnDescription[] => [
  ...(owned ? [ref('ownerid', ['user'])] : []),
  field('createddate', 'datetime'),
];

const entity = (name: string, columns: ColumnDescription[], owned = true, primaryName = 'name'): EntityDescription => ({
  entity: name, primaryId: 'id', primaryName, custom: false, keys: [], columns: [...columns, ...common(owned)],
});

const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];
const INDUSTRIES = [
  'Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education', 'Electronics',
  'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage', 'Government', 'Healthcare', 'Hospitality', 'Insurance',
  'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation',
  'Utilities', 'Other',
];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.'];
/** The stages of the default sales process; an org's own (and Ferry's per pipeline) come from its describe. */
const STAGES = ['Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'];
const WHAT = ['account', 'opportunity', 'case', 'quote', 'order', 'contract', 'product2'];

export const SALESFORCE_SALES_CATALOG: readonly EntityDescription[] = [
  entity('account', [
    text('name', 255, 'system'), text('accountnumber', 40), text('site', 80), field('phone', 'phone', 40), field('fax', 'phone', 40), field('website', 'url', 255),
    area('description'), field('numberofemployees', 'int'), field('annualrevenue', 'currency'), picklist('industry', INDUSTRIES),
    picklist('rating', ['Hot', 'Warm', 'Cold']), ...address('billing'), ...address('shipping'), ref('parentid', ['account']),
  ]),
  entity('contact', [
    picklist('salutation', SALUTATIONS), text('firstname', 40), text('lastname', 80, 'system'), text('title', 128), text('department', 80),
    field('email', 'email', 80), field('phone', 'phone', 40), field('mobilephone', 'phone', 40), field('homephone', 'phone', 40), field('fax', 'phone', 40),
    field('birthdate', 'date'), picklist('leadsource', LEAD_SOURCES), area('description'), ...address('mailing'), ...address('other'),
    field('hasoptedoutofemail', 'boolean'), field('donotcall', 'boolean'), ref('accountid', ['account']), ref('reportstoid', ['contact']),
  ], true, 'lastname'),
  entity('lead', [
    picklist('salutation', SALUTATIONS), text('firstname', 40), text('lastname', 80, 'system'), text('company', 255, 'system'), text('title', 128),
    field('email', 'email', 80), field('phone', 'phone', 40), field('mobilephone', 'phone', 40), field('website', 'url', 255),
    picklist('status', ['Open - Not Contacted', 'Working - Contacted', 'Closed - Converted', 'Closed - Not Converted']), picklist('leadsource', LEAD_SOURCES),
    picklist('industry', INDUSTRIES), picklist('rating', ['Hot', 'Warm', 'Cold']), field('annualrevenue', 'currency'), field('numberofemployees', 'int'),
    area('description'), ...address(''), field('hasoptedoutofemail', 'boolean'),
  ], true, 'lastname'),
  entity('opportunity', [
    text('name', 120, 'system'), field('amount', 'currency'), field('closedate', 'date', undefined, 'system'), picklist('stagename', STAGES, 'system'),
    field('probability', 'percent'), text('nextstep', 255), picklist('leadsource', LEAD_SOURCES), area('description'),
    picklist('type', ['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer']),
    ref('accountid', ['account']), ref('contactid', ['contact']),
  ]),
  entity('product2', [text('name', 255, 'system'), text('productcode', 255), area('description', 4000), field('isactive', 'boolean'), picklist('family', ['None'])], false),
  entity('quote', [
    text('name', 255, 'system'), picklist('status', ['Draft', 'Needs Review', 'In Review', 'Approved', 'Rejected', 'Presented', 'Accepted', 'Denied']),
    field('expirationdate', 'date'), area('description'), field('email', 'email', 80), field('phone', 'phone', 40), field('tax', 'currency'),
    field('shippinghandling', 'currency'), ref('opportunityid', ['opportunity'], 'system'), ref('contactid', ['contact']),
  ], false),
  entity('quotelineitem', [
    field('quantity', 'double', undefined, 'system'), field('unitprice', 'currency', undefined, 'system'), field('discount', 'percent'), field('servicedate', 'date'),
    text('description', 255), ref('quoteid', ['quote'], 'system'), ref('product2id', ['product2']), ref('pricebookentryid', ['pricebookentry'], 'system'),
  ], false, 'description'),
  entity('order', [
    text('name', 80), picklist('status', ['Draft', 'Activated'], 'system'), field('effectivedate', 'date', undefined, 'system'), field('enddate', 'date'),
    picklist('type', ['New', 'Renewal', 'Upgrade']), area('description'), ...address('billing'), ...address('shipping'),
    ref('accountid', ['account'], 'system'), ref('opportunityid', ['opportunity']), ref('quoteid', ['quote']), ref('billtocontactid', ['contact']),
  ]),
  entity('orderitem', [
    field('quantity', 'double', undefined, 'system'), field('unitprice', 'currency', undefined, 'system'), field('servicedate', 'date'), field('enddate', 'date'),
    text('description', 255), ref('orderid', ['order'], 'system'), ref('product2id', ['product2']), ref('pricebookentryid', ['pricebookentry'], 'system'),
  ], false, 'description'),
  entity('task', [
    text('subject', 255), area('description'), field('activitydate', 'date'),
    picklist('status', ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred']), picklist('priority', ['High', 'Normal', 'Low']),
    picklist('tasksubtype', ['Task', 'Email', 'Call']), field('calldurationinseconds', 'int'), picklist('calltype', ['Internal', 'Inbound', 'Outbound']),
    text('calldisposition', 255),
    ref('whoid', ['contact', 'lead']), ref('whatid', WHAT),
  ], true, 'subject'),
  entity('event', [
    text('subject', 255), area('description'), field('startdatetime', 'datetime'), field('enddatetime', 'datetime'), field('activitydatetime', 'datetime'),
    field('durationinminutes', 'int'), field('isalldayevent', 'boolean'), text('location', 255), ref('whoid', ['contact', 'lead']), ref('whatid', WHAT),
  ], true, 'subject'),
  entity('contentversion', [
    text('title', 255), text('pathonclient', 500, 'system'), field('versiondata', 'base64', undefined, 'system'), area('description', 1000),
    ref('firstpublishlocationid', ['account', 'contact', 'lead', 'opportunity', 'quote', 'order', 'contract', 'case', 'product2']),
  ], true, 'title'),
];

/**
 * The Dynamics column each Salesforce field means, where the names differ: the proposer's synonyms are written for
 * those, so `Mailing City` and `City` find mailingcity as they find address1_city. `entity.field` wins over `field`.
 */
export const SALESFORCE_CONCEPTS: Record<string, string> = {
  phone: 'telephone1', homephone: 'telephone2', email: 'emailaddress1', website: 'websiteurl', title: 'jobtitle', annualrevenue: 'revenue',
  industry: 'industrycode', leadsource: 'leadsourcecode', hasoptedoutofemail: 'donotemail', donotcall: 'donotphone', priority: 'prioritycode',
  street: 'address1_line1', city: 'address1_city', state: 'address1_stateorprovince', postalcode: 'address1_postalcode', country: 'address1_country',
  billingstreet: 'address1_line1', billingcity: 'address1_city', billingstate: 'address1_stateorprovince', billingpostalcode: 'address1_postalcode', billingcountry: 'address1_country',
  mailingstreet: 'address1_line1', mailingcity: 'address1_city', mailingstate: 'address1_stateorprovince', mailingpostalcode: 'address1_postalcode', mailingcountry: 'address1_country',
  'lead.company': 'companyname',
  'opportunity.amount': 'estimatedvalue', 'opportunity.closedate': 'estimatedclosedate', 'opportunity.probability': 'closeprobability', 'opportunity.stagename': 'stepname',
  'product2.productcode': 'productnumber',
  'quote.expirationdate': 'effectiveto', 'quote.tax': 'totaltax',
  'order.effectivedate': 'requestdeliveryby',
  unitprice: 'priceperunit', 'quotelineitem.description': 'productdescription', 'orderitem.description': 'productdescription',
  'task.activitydate': 'scheduledend', 'event.startdatetime': 'scheduledstart', 'event.enddatetime': 'scheduledend', 'event.durationinminutes': 'actualdurationminutes',
  'contentversion.title': 'subject', 'contentversion.versiondata': 'notetext',
};
