import type { ColumnDescription, EntityDescription } from '@ferry/destinations/core';

/**
 * The standard Dynamics 365 Sales columns the proposer maps onto, for tables the destination does not describe
 * (yet): logical names, Dataverse types and maximum lengths as a fresh Sales organisation has them. It is not the
 * whole schema, only the columns a CRM migration usually fills; a described table always wins over this list.
 * Left out on purpose: the product table (Dynamics routes write quote and order lines as write-in lines; a product
 * needs the unit groups and price lists the customer sets up) and the columns Dataverse calculates or refuses on
 * create (extendedamount, totallineitemamount, an annotation's filesize). The built-in sandbox has every column
 * listed here (apps/sandbox checks it), so a proposal made without an org to describe still fits the sandbox.
 */

const text = (name: string, maxLength: number, required: ColumnDescription['required'] = 'none'): ColumnDescription => ({ name, type: 'String', maxLength, required });
const memo = (name: string, maxLength: number): ColumnDescription => ({ name, type: 'Memo', maxLength, required: 'none' });
const col = (name: string, type: string): ColumnDescription => ({ name, type, required: 'none' });
const lookup = (name: string, ...targets: string[]): ColumnDescription => ({ name, type: targets.length > 1 ? 'Customer' : 'Lookup', required: 'none', targets });
const picklist = (name: string, labels: string[], first = 1): ColumnDescription => ({
  name, type: 'Picklist', required: 'none', options: labels.map((label, i) => ({ value: first + i, label })),
});

/** Date-only columns: Dataverse describes them as DateTime, with the behaviour only in their format. */
export const DATE_ONLY_COLUMNS = new Set([
  'estimatedclosedate', 'actualclosedate', 'birthdate', 'anniversary', 'effectivefrom', 'effectiveto', 'datefulfilled', 'requestdeliveryby',
]);

const address = (n: 1 | 2): ColumnDescription[] => [
  text(`address${n}_line1`, 250), text(`address${n}_line2`, 250), text(`address${n}_city`, 80),
  text(`address${n}_stateorprovince`, 50), text(`address${n}_postalcode`, 20), text(`address${n}_country`, 80),
];

const common = (): ColumnDescription[] => [lookup('ownerid', 'systemuser', 'team'), col('overriddencreatedon', 'DateTime'), text('crm_sourceid', 100), col('crm_sourcecreatedon', 'DateTime')];

const activityParties = ['account', 'contact', 'lead', 'opportunity', 'quote', 'salesorder'];
const activity = (entity: string, extra: ColumnDescription[], descriptionLength = 2000): EntityDescription => ({
  entity,
  primaryId: 'activityid',
  primaryName: 'subject',
  custom: false,
  keys: [],
  columns: [
    text('subject', 200), memo('description', descriptionLength), col('scheduledstart', 'DateTime'), col('scheduledend', 'DateTime'),
    col('actualstart', 'DateTime'), col('actualend', 'DateTime'), col('actualdurationminutes', 'Integer'), col('scheduleddurationminutes', 'Integer'),
    picklist('prioritycode', ['Low', 'Normal', 'High'], 0), lookup('regardingobjectid', ...activityParties), ...extra, ...common(),
  ],
});

const entity = (name: string, primaryName: string, columns: ColumnDescription[]): EntityDescription => ({
  entity: name, primaryId: `${name}id`, primaryName, custom: false, keys: [], columns: [...columns, ...common()],
});

/** Account industry options of a fresh Sales organisation, values 1… in this order (the sandbox uses them too). */
export const DYNAMICS_INDUSTRIES: readonly string[] = [
  'Accounting', 'Agriculture and Non-petrol Natural Resource Extraction', 'Broadcasting Printing and Publishing', 'Brokers', 'Building Supply Retail',
  'Business Services', 'Consulting', 'Consumer Services', 'Design, Direction and Creative Management', 'Distributors, Dispatchers and Processors',
  "Doctor's Offices and Clinics", 'Durable Manufacturing', 'Eating and Drinking Places', 'Entertainment Retail', 'Equipment Rental and Leasing',
  'Financial', 'Food and Tobacco Processing', 'Inbound Capital Intensive Processing', 'Inbound Repair and Services', 'Insurance', 'Legal Services',
  'Non-Durable Merchandise Retail', 'Outbound Consumer Service', 'Petrochemical Extraction and Distribution', 'Service Retail', 'SIG Affiliations',
  'Social Services', 'Special Outbound Trade Contractors', 'Specialty Realty', 'Transportation', 'Utility Creation and Distribution', 'Vehicle Retail', 'Wholesale',
];
/** Lead source options of a fresh Sales organisation, values 1… in this order (the sandbox uses them too). */
export const DYNAMICS_LEAD_SOURCES: readonly string[] = ['Advertisement', 'Employee Referral', 'External Referral', 'Partner', 'Public Relations', 'Seminar', 'Trade Show', 'Web', 'Word of Mouth', 'Other'];

export const DYNAMICS_SALES_CATALOG: readonly EntityDescription[] = [
  entity('account', 'name', [
    text('name', 160, 'system'), text('accountnumber', 20), text('websiteurl', 200), text('telephone1', 50), text('telephone2', 50), text('fax', 50),
    text('emailaddress1', 100), ...address(1), memo('description', 2000), col('numberofemployees', 'Integer'), col('revenue', 'Money'),
    picklist('industrycode', [...DYNAMICS_INDUSTRIES]), text('tickersymbol', 10), lookup('parentaccountid', 'account'), lookup('primarycontactid', 'contact'),
  ]),
  entity('contact', 'fullname', [
    text('firstname', 50), text('lastname', 50, 'recommended'), text('middlename', 50), text('salutation', 100), text('nickname', 100),
    text('emailaddress1', 100), text('emailaddress2', 100), text('telephone1', 50), text('telephone2', 50), text('mobilephone', 50), text('fax', 50),
    text('jobtitle', 100), text('department', 100), col('birthdate', 'DateTime'), text('websiteurl', 200), ...address(1), ...address(2),
    memo('description', 2000), col('donotemail', 'Boolean'), col('donotphone', 'Boolean'), picklist('leadsourcecode', [...DYNAMICS_LEAD_SOURCES]),
    lookup('parentcustomerid', 'account', 'contact'),
  ]),
  entity('lead', 'fullname', [
    text('subject', 300), text('firstname', 50), text('lastname', 50, 'recommended'), text('companyname', 100), text('jobtitle', 100),
    text('emailaddress1', 100), text('telephone1', 50), text('mobilephone', 20), text('websiteurl', 200), ...address(1), memo('description', 2000),
    col('estimatedamount', 'Money'), col('estimatedclosedate', 'DateTime'), picklist('leadsourcecode', [...DYNAMICS_LEAD_SOURCES]),
    lookup('parentaccountid', 'account'), lookup('parentcontactid', 'contact'),
  ]),
  entity('opportunity', 'name', [
    text('name', 300, 'recommended'), col('estimatedvalue', 'Money'), col('estimatedclosedate', 'DateTime'), col('actualvalue', 'Money'),
    col('actualclosedate', 'DateTime'), col('closeprobability', 'Integer'), text('stepname', 200), memo('description', 2000), col('budgetamount', 'Money'),
    lookup('customerid', 'account', 'contact'), lookup('parentaccountid', 'account'), lookup('parentcontactid', 'contact'),
  ]),
  entity('quote', 'name', [
    text('name', 300, 'system'), text('quotenumber', 100), memo('description', 2000), col('totalamount', 'Money'),
    col('discountamount', 'Money'), col('totaltax', 'Money'), col('effectivefrom', 'DateTime'), col('effectiveto', 'DateTime'),
    col('expireson', 'DateTime'), lookup('customerid', 'account', 'contact'), lookup('opportunityid', 'opportunity'),
  ]),
  entity('quotedetail', 'productdescription', [
    text('productdescription', 500), col('quantity', 'Decimal'), col('priceperunit', 'Money'), col('manualdiscountamount', 'Money'), col('tax', 'Money'),
    col('lineitemnumber', 'Integer'), lookup('quoteid', 'quote'),
  ]),
  entity('salesorder', 'name', [
    text('name', 300, 'system'), text('ordernumber', 100), memo('description', 2000), col('totalamount', 'Money'), col('discountamount', 'Money'),
    col('totaltax', 'Money'), col('datefulfilled', 'DateTime'), col('requestdeliveryby', 'DateTime'), lookup('customerid', 'account', 'contact'),
    lookup('opportunityid', 'opportunity'), lookup('quoteid', 'quote'),
  ]),
  entity('salesorderdetail', 'productdescription', [
    text('productdescription', 500), col('quantity', 'Decimal'), col('priceperunit', 'Money'), col('manualdiscountamount', 'Money'), col('tax', 'Money'),
    col('lineitemnumber', 'Integer'), lookup('salesorderid', 'salesorder'),
  ]),
  activity('task', [col('percentcomplete', 'Integer')]),
  activity('phonecall', [text('phonenumber', 200), col('directioncode', 'Boolean')]),
  activity('email', [text('sender', 250), text('torecipients', 500), col('directioncode', 'Boolean')], 1_048_576),
  activity('appointment', [text('location', 200)]),
  {
    entity: 'annotation', primaryId: 'annotationid', primaryName: 'subject', custom: false, keys: [],
    columns: [
      text('subject', 500), memo('notetext', 100000), text('filename', 255), text('mimetype', 256), col('isdocument', 'Boolean'),
      lookup('objectid', 'account', 'contact', 'lead', 'opportunity', 'quote', 'salesorder'), ...common(),
    ],
  },
  {
    entity: 'connection', primaryId: 'connectionid', primaryName: 'name', custom: false, keys: [],
    columns: [text('name', 500), memo('description', 4000), lookup('record1id', 'account', 'contact', 'lead', 'opportunity'), lookup('record2id', 'account', 'contact', 'lead', 'opportunity'), ...common()],
  },
];

/** The destination's own descriptions, with the catalog's for the tables it did not describe. */
export function withCatalog(described: readonly EntityDescription[], catalog: readonly EntityDescription[] = DYNAMICS_SALES_CATALOG): EntityDescription[] {
  const have = new Set(described.map((d) => d.entity));
  return [...described, ...catalog.filter((c) => !have.has(c.entity))];
}
