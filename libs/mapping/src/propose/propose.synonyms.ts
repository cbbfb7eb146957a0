/**
 * What CRMs call things. Names are compared normalised: lower-case words joined without separators
 * (`first_name`, `firstName` and `First Name` are all `firstname`), the last word also without a plural `s`.
 */

export type ActivityKind = 'phonecall' | 'email' | 'appointment' | 'task';

/** Source object → destination entity. `activity` objects are split by their type field (see ACTIVITY_VALUES). */
export const OBJECT_SYNONYMS: Record<string, string[]> = {
  account: ['company', 'companies', 'organization', 'organisation', 'account', 'firm', 'business', 'customer_company'],
  contact: ['contact', 'person', 'people', 'client', 'customer', 'borrower', 'patient', 'student'],
  lead: ['lead', 'prospect', 'inquiry', 'enquiry'],
  opportunity: ['deal', 'opportunity', 'pipeline_deal'],
  quote: ['quote', 'quotation', 'offer', 'proposal'],
  quotedetail: ['quote_line_item', 'quote_line', 'quote_item'],
  salesorder: ['order', 'sales_order', 'salesorder'],
  salesorderdetail: ['order_line_item', 'order_line', 'order_item'],
  product: ['product', 'item', 'service'],
  activity: ['activity', 'engagement', 'task', 'session', 'meeting', 'call', 'event', 'appointment', 'interaction'],
  annotation: ['note', 'comment', 'attachment', 'file', 'document'],
  connection: ['referral', 'association', 'relationship', 'relation'],
};

/** The words a reason about where things go uses, per destination. */
export interface DestinationWords {
  /** the product (Dynamics, Salesforce) */
  product: string;
  /** where automations are rebuilt */
  automation: string;
  /** what pipelines and boards become */
  stages: string;
  /** what a proposed custom column is called */
  custom: string;
  /** why an object with no standard home is not proposed as a custom table */
  noTable: (table: string) => string;
}

/** Objects that are not records to move, with why. */
export const NOT_MIGRATED: { match: RegExp; reason: (w: DestinationWords) => string }[] = [
  { match: /^(user|users|owner|owners|coach|coaches|employee|staff|agent|member)$/, reason: (w) => `users are matched to ${w.product} users by email (record owners), not migrated` },
  { match: /(workflow|automation|rule|sequence|trigger)/, reason: (w) => `automations are rebuilt in ${w.automation} from the discovery inventory, not migrated` },
  { match: /^(report|reports|dashboard|dashboards|view|views)$/, reason: () => 'reports and dashboards are rebuilt on the migrated data' },
  { match: /(pipeline|stage|board|column)$|^(pipeline|process_board|board)/, reason: (w) => `pipeline and board configuration: rebuilt as ${w.stages}, not migrated as records` },
  { match: /history$|_log$|^audit/, reason: () => 'history of changes: kept in the discovery inventory and the source export, not migrated as records' },
  { match: /^custom_field|^field_definition/, reason: (w) => `custom field definitions: they become the proposed ${w.custom}, not records` },
];

/** Values of an activity's type field, by the activity table they go to. */
export const ACTIVITY_VALUES: Record<Exclude<ActivityKind, 'task'>, string[]> = {
  phonecall: ['call', 'phone', 'phonecall', 'phone call', 'calls', 'voicemail'],
  email: ['email', 'e-mail', 'mail', 'emails'],
  appointment: ['meeting', 'appointment', 'visit', 'session', 'meetings', 'event'],
};

/** Destination column → source names meaning it (normalised), for every entity unless scoped as `entity.column`. */
export const COLUMN_SYNONYMS: Record<string, string[]> = {
  firstname: ['firstname', 'givenname', 'forename', 'first'],
  lastname: ['lastname', 'surname', 'familyname', 'last'],
  middlename: ['middlename'],
  salutation: ['salutation', 'prefix', 'honorific'],
  emailaddress1: ['email', 'emailaddress', 'mail', 'primaryemail', 'workemail', 'businessemail'],
  emailaddress2: ['secondaryemail', 'email2', 'personalemail', 'otheremail'],
  telephone1: ['phone', 'telephone', 'phonenumber', 'tel', 'workphone', 'businessphone', 'officephone', 'primaryphone'],
  telephone2: ['homephone', 'phone2', 'otherphone'],
  mobilephone: ['mobile', 'mobilephone', 'cell', 'cellphone', 'mobilenumber', 'gsm', 'whatsappphone'],
  fax: ['fax', 'faxnumber'],
  jobtitle: ['jobtitle', 'title', 'position', 'role', 'jobrole'],
  department: ['department', 'dept', 'team'],
  birthdate: ['birthdate', 'dateofbirth', 'dob', 'birthday'],
  websiteurl: ['website', 'websiteurl', 'url', 'domain', 'web', 'homepage', 'site'],
  address1_line1: ['street', 'streetaddress', 'address', 'addressline1', 'address1', 'line1', 'street1'],
  address1_line2: ['addressline2', 'address2', 'line2', 'street2'],
  address1_city: ['city', 'town', 'locality'],
  address1_stateorprovince: ['state', 'province', 'region', 'stateorprovince', 'county'],
  address1_postalcode: ['zip', 'zipcode', 'postalcode', 'postcode', 'plz'],
  address1_country: ['country', 'countrycode', 'nation'],
  description: ['description', 'notes', 'note', 'body', 'bodyhtml', 'details', 'comment', 'comments', 'about', 'summary', 'message'],
  numberofemployees: ['employeecount', 'employees', 'numberofemployees', 'headcount', 'staffcount'],
  revenue: ['annualrevenue', 'revenue', 'turnover'],
  industrycode: ['industry', 'sector', 'vertical'],
  leadsourcecode: ['leadsource', 'source', 'sourceplatform', 'referralsource', 'channel'],
  donotemail: ['donotemail', 'emailoptout', 'unsubscribed'],
  accountnumber: ['accountnumber', 'customernumber', 'vatid', 'taxid'],
  tickersymbol: ['ticker', 'tickersymbol'],
  'account.name': ['name', 'companyname', 'accountname', 'organizationname', 'organisationname', 'legalname'],
  'lead.companyname': ['companyname', 'company', 'organization', 'organisation', 'employer'],
  'lead.subject': ['subject', 'topic', 'formname', 'campaignname'],
  'lead.estimatedamount': ['amount', 'value', 'budget', 'estimatedvalue', 'estimatedamount'],
  'opportunity.name': ['name', 'dealname', 'title', 'opportunityname', 'subject', 'topic'],
  'opportunity.estimatedvalue': ['amount', 'value', 'dealvalue', 'estimatedvalue', 'dealamount', 'expectedrevenue', 'estrevenue', 'estimatedrevenue'],
  'opportunity.estimatedclosedate': ['closedate', 'expectedclosedate', 'estimatedclosedate', 'closingdate', 'expectedclose', 'estclosedate', 'expectedclosedate'],
  'opportunity.actualclosedate': ['closedat', 'actualclosedate', 'closedon', 'wondate'],
  'opportunity.closeprobability': ['probability', 'winprobability', 'closeprobability', 'likelihood'],
  'opportunity.stepname': ['stage', 'dealstage', 'stepname', 'pipelinestage', 'stagename', 'stageid', 'pipelinephase', 'phase', 'salesstage'],
  'quote.name': ['title', 'name', 'subject'],
  'quote.quotenumber': ['quotenumber', 'number', 'quoteno'],
  'quote.totalamount': ['total', 'totalamount', 'grandtotal', 'amount'],
  'quote.totallineitemamount': ['subtotal'],
  'quote.discountamount': ['discounttotal', 'discount', 'discountamount'],
  'quote.totaltax': ['taxtotal', 'tax', 'totaltax', 'vat'],
  'quote.effectivefrom': ['issuedate', 'effectivefrom', 'validfrom'],
  'quote.effectiveto': ['validuntil', 'effectiveto', 'validto', 'expirydate', 'expiresat'],
  'quote.description': ['terms', 'description', 'notes'],
  'salesorder.name': ['title', 'name', 'ordernumber'],
  'salesorder.ordernumber': ['ordernumber', 'number', 'orderno', 'invoicenumber'],
  'salesorder.totalamount': ['total', 'totalamount', 'grandtotal', 'amount'],
  'salesorder.datefulfilled': ['fulfilledon', 'datefulfilled', 'settlementdate', 'deliveredon'],
  'salesorder.requestdeliveryby': ['orderdate', 'requestdeliveryby', 'deliverydate'],
  'product.name': ['name', 'productname', 'title'],
  'product.productnumber': ['sku', 'productnumber', 'code', 'productcode'],
  'product.price': ['unitprice', 'price', 'listprice'],
  productdescription: ['description', 'productdescription', 'name', 'title'],
  quantity: ['quantity', 'qty', 'count'],
  priceperunit: ['unitprice', 'price', 'priceperunit'],
  extendedamount: ['linetotal', 'total', 'extendedamount', 'amount'],
  lineitemnumber: ['position', 'linenumber', 'lineitemnumber', 'sequence'],
  subject: ['subject', 'title', 'name', 'topic'],
  // Dataverse sets createdon itself; the source's creation time survives in overriddencreatedon (create only).
  overriddencreatedon: ['createdat', 'createdon', 'created', 'createddate', 'datecreated', 'creationdate'],
  actualstart: ['occurredat', 'actualstart', 'startedat', 'happenedat', 'loggedat'],
  directioncode: ['direction', 'directioncode'],
  scheduledstart: ['startat', 'startsat', 'start', 'starttime', 'scheduledstart', 'date'],
  scheduledend: ['endat', 'endsat', 'end', 'endtime', 'duedate', 'dueat', 'due', 'scheduledend'],
  actualend: ['completedat', 'completedon', 'actualend', 'doneat'],
  actualdurationminutes: ['durationminutes', 'duration', 'actualdurationminutes'],
  location: ['location', 'place', 'venue', 'room'],
  sender: ['emailfrom', 'from', 'sender'],
  torecipients: ['emailto', 'to', 'recipients', 'torecipients'],
  phonenumber: ['phonenumber', 'calledphone', 'dialednumber'],
  prioritycode: ['priority', 'prioritycode', 'importance'],
  'annotation.subject': ['title', 'subject', 'name', 'filename'],
  'annotation.notetext': ['body', 'bodyhtml', 'text', 'content', 'note', 'notetext', 'description', 'notebody', 'notecontent'],
  filename: ['filename', 'name', 'file'],
  mimetype: ['mimetype', 'contenttype', 'filetype'],
  filesize: ['sizebytes', 'filesize', 'size', 'bytes'],
  'connection.name': ['label', 'name', 'role', 'type'],
  'connection.description': ['description', 'notes', 'sourcedetail'],
};

/** Columns a proposal never writes: the platform's, the key, and the lookups (written as lookups). */
export const SYSTEM_COLUMNS = new Set(['createdon', 'modifiedon', 'versionnumber', 'ownerid', 'statecode', 'statuscode', 'fullname']);

/** The source's own created time: Ferry keeps it in crm_sourcecreatedon (createdon is the platform's). */
export const CREATED_NAMES = new Set(['createdat', 'created', 'createdon', 'datecreated', 'createddate', 'createtime', 'createdtime']);

/** Name words saying a field holds the record's owner (a person responsible), not the record's own contact details. */
export const OWNER_WORDS = new Set(['owner', 'officer', 'assigned', 'assignee', 'rep', 'salesrep', 'agent', 'coach', 'salesperson', 'advisor', 'adviser', 'manager']);
