/**
 * What the Interactive sample draws from: an estate-planning law practice that runs seminars, takes referrals
 * from financial advisors and CPAs, and serves families in several languages.
 */
import { DEMO_USERS } from '@ferry/demo';

export interface SampleOwner {
  email: string | null;
  firstName: string;
  lastName: string;
  /** false: never had a login (a shared inbox, a temp imported with the data) */
  user: boolean;
  active: boolean;
  team: string | null;
  /** relative share of records assigned to this owner */
  weight: number;
}

const demo = (email: string) => {
  const u = DEMO_USERS.find((d) => d.internalemailaddress.toLowerCase() === email.toLowerCase());
  if (!u) throw new Error(`libs/demo has no user ${email}`);
  return u;
};
const demoOwner = (email: string, team: string, weight: number): SampleOwner => {
  const [firstName, ...rest] = demo(email).fullname.split(' ');
  return { email, firstName, lastName: rest.join(' '), user: true, active: true, team, weight };
};

/**
 * The practice's owners. The first five are destination users in the demo organisation (one written with other
 * capitals, one disabled there); the rest left the firm, never had a login, or are users the destination
 * does not know, so owner resolution meets every case.
 */
export const OWNERS: readonly SampleOwner[] = [
  demoOwner('alicia.moreno@contoso-lending.example', 'Estate Planning', 14),
  demoOwner('Brian.Okafor@contoso-lending.example', 'Estate Planning', 12),
  demoOwner('chen.wei@contoso-lending.example', 'Trust Administration', 10),
  demoOwner('dana.kowalski@contoso-lending.example', 'Elder Law', 9),
  demoOwner('evan.brooks@contoso-lending.example', 'Intake', 5),
  { email: 'CHEN.WEI@contoso-lending.example', firstName: 'Chen', lastName: 'Wei (old)', user: true, active: false, team: null, weight: 2 },
  { email: 'hannah.schultz@hartwell-estate.example', firstName: 'Hannah', lastName: 'Schultz', user: true, active: false, team: 'Estate Planning', weight: 5 },
  { email: 'omar.haddad@hartwell-estate.example', firstName: 'Omar', lastName: 'Haddad', user: true, active: false, team: 'Elder Law', weight: 3 },
  { email: 'intake@hartwell-estate.example', firstName: 'Intake', lastName: 'Queue', user: false, active: true, team: 'Intake', weight: 6 },
  { email: 'seminars@hartwell-estate.example', firstName: 'Seminar', lastName: 'Team', user: false, active: true, team: 'Marketing', weight: 3 },
  { email: null, firstName: 'Temp', lastName: 'Paralegal', user: false, active: false, team: null, weight: 1 },
  { email: 'yuki.tanaka@hartwell-estate.example', firstName: 'Yuki', lastName: 'Tanaka', user: true, active: true, team: 'Trust Administration', weight: 4 },
  { email: 'leyla.demir@hartwell-estate.example', firstName: 'Leyla', lastName: 'Demir', user: true, active: true, team: 'Estate Planning', weight: 4 },
  { email: 'r.ivanova@hartwell-estate.example', firstName: 'Раиса', lastName: 'Иванова', user: true, active: true, team: 'Elder Law', weight: 3 },
];

export const OWNER_TEAMS = ['Estate Planning', 'Trust Administration', 'Elder Law', 'Intake', 'Marketing'] as const;

export interface SampleStage {
  id: string;
  label: string;
  probability: number;
  closed: boolean;
}

export interface SamplePipeline {
  id: string;
  label: string;
  stages: readonly SampleStage[];
  /** share of deals in this pipeline */
  weight: number;
}

/** The default pipeline keeps the word ids of a fresh account; the ones added later have numeric ids. */
export const PIPELINES: readonly SamplePipeline[] = [
  {
    id: 'default',
    label: 'Estate Planning',
    weight: 70,
    stages: [
      { id: 'inquiry', label: 'Inquiry', probability: 0.05, closed: false },
      { id: 'consultation', label: 'Initial Consultation', probability: 0.2, closed: false },
      { id: 'design', label: 'Design Meeting', probability: 0.4, closed: false },
      { id: 'engaged', label: 'Engagement Signed', probability: 0.7, closed: false },
      { id: 'drafting', label: 'Drafting', probability: 0.8, closed: false },
      { id: 'signing', label: 'Signing Ceremony', probability: 0.9, closed: false },
      { id: 'closedwon', label: 'Closed Won', probability: 1, closed: true },
      { id: 'closedlost', label: 'Closed Lost', probability: 0, closed: true },
    ],
  },
  {
    id: '4471023',
    label: 'Trust Administration',
    weight: 20,
    stages: [
      { id: '4471024', label: 'Intake', probability: 0.1, closed: false },
      { id: '4471025', label: 'Asset Inventory', probability: 0.4, closed: false },
      { id: '4471026', label: 'Distribution', probability: 0.8, closed: false },
      { id: '4471027', label: 'Closed Won', probability: 1, closed: true },
      { id: '4471028', label: 'Closed Lost', probability: 0, closed: true },
    ],
  },
  {
    id: '5580311',
    label: 'Medicaid & Elder Law',
    weight: 10,
    stages: [
      { id: '5580312', label: 'Screening', probability: 0.1, closed: false },
      { id: '5580313', label: 'Application Filed', probability: 0.5, closed: false },
      { id: '5580314', label: 'Approved', probability: 1, closed: true },
      { id: '5580315', label: 'Denied', probability: 0, closed: true },
    ],
  },
];

/** Interactive's lifecycle stages, with how often contacts sit in each. */
export const LIFECYCLE_STAGES: readonly (readonly [string, number])[] = [
  ['lead', 34],
  ['marketingqualifiedlead', 14],
  ['salesqualifiedlead', 9],
  ['opportunity', 8],
  ['customer', 22],
  ['evangelist', 3],
  ['other', 3],
];

/** Values older imports left in the lifecycle field: each routes ambiguously to Lead or Contact. */
export const LEGACY_LIFECYCLE_VALUES = ['Prospect', 'MQL', 'Customer ', 'Marketing Qualified', 'subscriber', 'Active Client', 'LEAD'] as const;

export const LEAD_STATUSES = ['NEW', 'OPEN', 'IN_PROGRESS', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'OPEN_DEAL', 'BAD_TIMING', 'UNQUALIFIED'] as const;

export const LEAD_SOURCES: readonly (readonly [string, number])[] = [
  ['SEMINAR', 20],
  ['REFERRALS', 25],
  ['ORGANIC_SEARCH', 15],
  ['PAID_SEARCH', 8],
  ['SOCIAL_MEDIA', 6],
  ['EMAIL_MARKETING', 6],
  ['DIRECT_TRAFFIC', 8],
  ['OFFLINE', 12],
];

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Linda', 'Michael', 'Barbara', 'William', 'Elizabeth', 'Richard',
  'Susan', 'Thomas', 'Margaret', 'Charles', 'Dorothy', 'Carlos', 'Lucía', 'José', 'Mónica', 'Raúl', 'Inés',
  'Nguyen', 'Priya', 'Anil', 'Grace', 'Harold', 'Evelyn', 'Walter', 'Gloria', 'Frank', 'Beverly', 'Zoë', 'Renée',
  'François', 'Søren', 'Łukasz', 'Siobhan', 'Kwame', 'Ngozi', 'Mateo', 'Camila', 'Ayşe', 'Mehmet', 'Çağla',
  'İbrahim', 'Gülşen', 'Yousef', 'Layla', 'Dmitri', 'Olga',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernández', 'López', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Nguyễn', 'Patel', "O'Brien",
  "D'Angelo", 'García-López', 'Müller', 'Østergaard', 'Kowalczyk', 'Okonkwo', 'McAllister', 'Van der Berg',
  'St. James', 'Lefèvre', 'Yılmaz', 'Öztürk', 'Şahin', 'Doğan', 'Çelik', 'Al-Masri', 'Haddad', 'Petrov',
] as const;

/** given name, family name, written in their own scripts */
export const NON_LATIN_NAMES: readonly (readonly [string, string])[] = [
  ['明', '王'],
  ['美玲', '陈'],
  ['さくら', '佐藤'],
  ['健太', '鈴木'],
  ['지훈', '김'],
  ['Мария', 'Иванова'],
  ['Дмитрий', 'Соколов'],
  ['Светлана', 'Кузнецова'],
  ['محمد', 'العلي'],
  ['فاطمة', 'حسن'],
  ['يوسف', 'المصري'],
  ['Ελένη', 'Παπαδοπούλου'],
];

/** what people type into a name field besides a name */
export const ODD_FIRST_NAMES = [
  'Sunny ☀️', 'Bea 🐝', 'Rosie 🌹', 'Robert "Bob"', 'Mr. & Mrs.', '<b>Harold</b>', 'Jane &amp; John', 'MARGARET',
  'dorothy', 'Dr. Anil',
] as const;

/** a common name, and how else it gets spelled when the same person is entered twice */
export const NAME_VARIANTS: Readonly<Record<string, readonly string[]>> = {
  Robert: ['Bob', 'Rob', 'Robert J.'],
  William: ['Bill', 'Will'],
  Elizabeth: ['Liz', 'Beth', 'Elisabeth'],
  Margaret: ['Peggy', 'Maggie', 'Marg.'],
  Richard: ['Rick', 'Dick'],
  Thomas: ['Tom'],
  Charles: ['Chuck', 'Charlie'],
  Mónica: ['Monica'],
  José: ['Jose'],
  Lucía: ['Lucia'],
  Ayşe: ['Ayse'],
  Çağla: ['Cagla'],
  İbrahim: ['Ibrahim'],
  Gülşen: ['Gulsen'],
  Zoë: ['Zoe'],
  Renée: ['Renee'],
  Łukasz: ['Lukasz'],
  Søren: ['Soren', 'Sören'],
};

export const PERSONAL_MAIL_DOMAINS = ['mail.example', 'inbox.example', 'post.example', 'webmail.example'] as const;

/** what an email field holds when it does not hold an address */
export const BAD_EMAILS = [
  'maria.garcia@', 'john.smith at mail.example', 'n/a', 'jane@@inbox.example', 'bob@mail', 'none', '.@post.example',
  'client(at)webmail.example',
] as const;

export const BAD_PHONES = ['555-CALL-LAW', '000-000-0000', 'n/a', '12345', 'ask spouse', '+1 (512) 555-01234'] as const;

/** city, state, zip prefix, phone area code */
export const US_CITIES: readonly (readonly [string, string, string, string])[] = [
  ['Austin', 'TX', '787', '512'],
  ['Houston', 'TX', '770', '713'],
  ['Scottsdale', 'AZ', '852', '480'],
  ['Naples', 'FL', '341', '239'],
  ['Boca Raton', 'FL', '334', '561'],
  ['Sarasota', 'FL', '342', '941'],
  ['Charlotte', 'NC', '282', '704'],
  ['Denver', 'CO', '802', '303'],
  ['San Diego', 'CA', '921', '619'],
  ['Pasadena', 'CA', '911', '626'],
  ['Columbus', 'OH', '432', '614'],
  ['Minneapolis', 'MN', '554', '612'],
  ['Nashville', 'TN', '372', '615'],
  ['Dearborn', 'MI', '481', '313'],
  ['Flushing', 'NY', '113', '718'],
  ['Fort Lee', 'NJ', '070', '201'],
];

/** clients abroad: city, country code, dialling prefix and local pattern */
export const ABROAD: readonly (readonly [string, string, string])[] = [
  ['İstanbul', 'TR', '+90 212'],
  ['Dubai', 'AE', '+971 4'],
  ['London', 'GB', '+44 20'],
  ['Toronto', 'CA', '+1 416'],
  ['Москва', 'RU', '+7 495'],
  ['東京', 'JP', '+81 3'],
];

export const STREET_NAMES = [
  'Maple', 'Oak', 'Cedar', 'Elm', 'Lincoln', 'Park', 'Lakeview', 'Hillcrest', 'Sunset', 'Meadow', 'Willow', 'Church',
  'Magnolia', 'Palm', 'Bay Colony', 'Camino Real', 'Peachtree', "O'Hara",
] as const;

export const STREET_TYPES = ['St', 'Ave', 'Blvd', 'Dr', 'Ln', 'Rd', 'Ct', 'Way', 'Circle'] as const;

export const COMPANY_STEMS = [
  'Summit', 'Harbor', 'Keystone', 'Legacy', 'Heritage', 'Northstar', 'Evergreen', 'Bayview', 'Cornerstone',
  'Magnolia', 'Granite', 'Sterling', 'Lakeshore', 'Pinnacle', 'Beacon',
] as const;

/** company kind, industry, company type */
export const COMPANY_KINDS: readonly (readonly [string, string, string])[] = [
  ['Wealth Advisors', 'Financial Services', 'PARTNER'],
  ['Financial Planning', 'Financial Services', 'PARTNER'],
  ['CPA Group', 'Accounting', 'PARTNER'],
  ['Tax & Accounting', 'Accounting', 'PARTNER'],
  ['Trust Company', 'Banking', 'PARTNER'],
  ['Community Bank', 'Banking', 'PROSPECT'],
  ['Senior Living', 'Hospital & Health Care', 'PARTNER'],
  ['Home Care', 'Hospital & Health Care', 'PROSPECT'],
  ['Funeral Home', 'Consumer Services', 'OTHER'],
  ['Insurance Agency', 'Insurance', 'PARTNER'],
  ['Realty', 'Real Estate', 'OTHER'],
  ['Family Office', 'Investment Management', 'CLIENT'],
  ['Holdings LLC', 'Investment Management', 'CLIENT'],
  ['Printing', 'Printing', 'VENDOR'],
];

export const FOREIGN_COMPANIES = [
  'Öztürk Danışmanlık A.Ş.', 'شركة المصري للاستثمار', 'ООО «Северный Капитал»', '株式会社さくら信託', 'Müller & Söhne GmbH',
] as const;

export const JOB_TITLES = [
  'Retired', 'Homemaker', 'Physician', 'Engineer', 'Business Owner', 'Teacher', 'Financial Advisor', 'CPA',
  'Trust Officer', 'Realtor', 'Executive Director', 'Nurse', 'Attorney', 'Pastor', 'Veteran Services Officer',
] as const;

/** matter type, pipeline it usually comes through, flat fee range in dollars */
export const MATTER_TYPES: readonly (readonly [string, string, number, number])[] = [
  ['Revocable Living Trust', 'default', 2500, 6500],
  ['Will Package', 'default', 900, 2200],
  ['Special Needs Trust', 'default', 3500, 7500],
  ['Durable Power of Attorney', 'default', 350, 900],
  ['Trust Administration', '4471023', 4000, 15000],
  ['Probate', '4471023', 3000, 12000],
  ['Medicaid Asset Protection Trust', '5580311', 5000, 9500],
  ['VA Aid & Attendance', '5580311', 1500, 4000],
];

export const MATTER_STATUSES: readonly (readonly [string, number])[] = [
  ['Open', 30],
  ['Drafting', 15],
  ['Awaiting Signing', 10],
  ['Signed', 25],
  ['Funding', 8],
  ['Closed', 12],
];

/** labels on matter-contact associations after the client: the people a plan names */
export const MATTER_ROLES = ['Spouse', 'Trustee', 'Successor Trustee', 'Beneficiary', 'Guardian', 'Agent (POA)', 'Beneficiary'] as const;

export const COMPANY_LABELS = ['Employer', 'Financial Advisor', 'CPA', 'Trust Company', 'Former Employer', 'Referral Partner'] as const;

export const DEAL_CONTACT_LABELS: readonly (readonly [string | null, number])[] = [
  [null, 40],
  ['Decision Maker', 25],
  ['Spouse', 20],
  ['Referral Source', 10],
  ['Billing Contact', 5],
];

export const PLAN_PACKAGES = ['Basic Will', 'Trust Package', 'Trust Package Plus', 'Legacy Plan', 'Elder Care Plan'] as const;

export const CLOSED_LOST_REASONS = ['Price', 'Went with another firm', 'Decided to wait', 'No response', 'Did it online', 'Passed away before signing'] as const;

export const ESTATE_PLAN_TYPES = ['Revocable Living Trust', 'Will', 'Special Needs Trust', 'Irrevocable Trust', 'None yet'] as const;

export const MARITAL_STATUSES = ['Married', 'Single', 'Widowed', 'Divorced', 'Domestic Partnership', 'married', 'M'] as const;

export const LANGUAGES = ['English', 'Spanish', 'Turkish', 'Arabic', 'Russian', 'Mandarin', 'Japanese', 'Korean', 'Vietnamese'] as const;

export const CALL_SUBJECTS = [
  'Intake call', 'Follow-up on design meeting', 'Left voicemail', 'Questions about funding the trust',
  'Spouse called back', 'Seminar RSVP confirmation', 'Called about deed transfer', 'Medicaid look-back questions',
] as const;

export const CALL_OUTCOMES = ['CONNECTED', 'LEFT_VOICEMAIL', 'NO_ANSWER', 'BUSY', 'WRONG_NUMBER'] as const;

export const EMAIL_SUBJECTS = [
  'Your estate planning questionnaire', 'Draft documents for review', 'Signing ceremony: what to bring',
  'Re: trust funding instructions', 'Seminar materials', 'Fwd: beneficiary designation forms', 'Invoice and engagement letter',
  'Tebrikler! Belgeleriniz hazır 🎉', 'Вопрос по доверенности', 'استفسار عن الوصية', '遺言書の件について',
] as const;

export const MEETING_SUBJECTS = [
  'Initial consultation', 'Design meeting', 'Signing ceremony', 'Trust funding review', 'Annual plan review',
  'Family meeting with adult children', 'Medicaid planning consult',
] as const;

export const TASK_SUBJECTS = [
  'Send engagement letter', 'Record deed with county', 'Order death certificate copies', 'Prepare asset spreadsheet',
  'Call client re: missing beneficiary info', 'Schedule signing ceremony', 'Mail original documents',
] as const;

export const CALL_NOTES = [
  'Discussed trust vs. will; client leaning toward trust.',
  'Spouse wants to be co-trustee. Needs to check with kids.',
  'Voicemail full.',
  'Asked about fees again — sent price sheet.',
  'Client says "call after 5pm" — works days.',
  'Prefers Türkçe; daughter will translate.',
  'Owns property in two states → ancillary probate risk.',
  'يرغب في ترتيب موعد مع المحامي الأسبوع المقبل',
] as const;

export const EMAIL_BODIES = [
  '<p>Hi {name},</p><p>Attached is the questionnaire we discussed. Please bring it to the design meeting.</p><p>Best,<br>Hartwell Estate Law</p>',
  '<div dir="ltr">Thanks for coming to the seminar! 🙏<br><a href="https://hartwell-estate.example/book">Book your free review</a></div>',
  '<p>Dear {name},</p><p>Your documents are ready. Please review the <b>trust agreement</b> and <i>pour-over will</i>.</p>',
  '<table><tr><td>Asset</td><td>Title</td></tr><tr><td>Home</td><td>Trust</td></tr></table>',
  'Plain text reply from phone:\n> On Tue, the firm wrote:\n> See attached.\nOK thanks',
  '<p dir="rtl">شكراً لكم على المساعدة</p>',
] as const;

/** Notes as the rich-text editor saved them, some with images pasted inline. */
export const NOTE_BODIES = [
  '<p>Design meeting went well. Clients chose the <strong>Trust Package Plus</strong>.</p>',
  '<p>Called re: deed. County recording fee is $86.</p><ul><li>Send funding letter</li><li>Update beneficiary forms</li></ul>',
  '<p>Spouse is the same person as contact {other} (entered twice at the seminar).</p>',
  '<p>Photo of the handwritten asset list:</p><p><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==" alt="asset list" width="320"></p>',
  '<p>Screenshot of the beneficiary form:<br><img src="https://files.interactive.example/inline/4471/beneficiary-form.png" style="max-width:100%"></p>',
  '<div>Pasted from email:<img src="cid:image001.png@01DA2B3C.4D5E6F70"></div>',
  '<p>Client signed! 🎉🖋️ Originals mailed certified.</p>',
  '<p>Müşteri Türkçe konuşmayı tercih ediyor. Kızı Çağla tercümanlık yapacak.</p>',
  '<p>Клиент просит перенести встречу на следующую неделю.</p>',
  '<p dir="rtl">العميل يريد إضافة ابنه كمستفيد ثانٍ</p>',
  '<p>依頼人は信託の見直しを希望。次回は娘さんも同席。</p>',
  '<p>Do NOT call before 10am &mdash; night shift nurse.</p>',
  '<p><span style="color:#ff0000">URGENT</span>: Medicaid look-back ends in March.</p><script>alert(1)</script>',
  'plain text note, no markup at all',
] as const;

/** file name, MIME type, small size range in bytes */
export const ATTACHMENT_FILES: readonly (readonly [string, string, number, number])[] = [
  ['Engagement Letter.pdf', 'application/pdf', 1800, 9000],
  ['Trust Funding Instructions.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 2400, 12000],
  ['Estate Planning Questionnaire.pdf', 'application/pdf', 3000, 16000],
  ['Deed - recorded.pdf', 'application/pdf', 1500, 8000],
  ['scan_0001.jpg', 'image/jpeg', 2000, 14000],
  ['IMG_4471.HEIC', 'image/heic', 3000, 15000],
  ['asset list.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 2000, 9000],
  ['Answer File.anx', 'application/octet-stream', 400, 2000],
  ['Медицинская доверенность.pdf', 'application/pdf', 1500, 7000],
  ['وصية.pdf', 'application/pdf', 1500, 7000],
  ['遺言書.pdf', 'application/pdf', 1500, 7000],
  ['Vekaletname (noter).pdf', 'application/pdf', 1500, 7000],
];

/** files too large for Dataverse's default 5 MB attachment limit or Salesforce's upload limits */
export const LARGE_FILES: readonly (readonly [string, string])[] = [
  ['Signing ceremony recording.mp4', 'video/mp4'],
  ['Full estate binder (scanned).pdf', 'application/pdf'],
  ['Family meeting.m4a', 'audio/mp4'],
  ['Property appraisal photos.zip', 'application/zip'],
];

export interface SampleWorkflow {
  name: string;
  objectType: 'contact' | 'company' | 'deal' | 'matter';
  enabled: boolean;
  trigger: Record<string, unknown>;
  conditions: Array<Record<string, unknown>>;
  actions: Array<Record<string, unknown>>;
}

/** The practice's automation rules, as the workflows endpoint describes them. Owner references use owner indexes (`#n`). */
export const WORKFLOWS: readonly SampleWorkflow[] = [
  {
    name: 'Web form lead → intake queue',
    objectType: 'contact',
    enabled: true,
    trigger: { type: 'FORM_SUBMISSION', form: 'Free Estate Plan Review' },
    conditions: [{ property: 'lifecycle_stage', operator: 'EQ', value: 'lead' }],
    actions: [
      { type: 'ROTATE_OWNER', owners: ['#0', '#1', '#8'] },
      { type: 'CREATE_TASK', subject: 'Call new web lead', dueInHours: 24 },
      { type: 'SEND_INTERNAL_EMAIL', to: 'owner', subject: 'New web lead assigned to you' },
    ],
  },
  {
    name: 'Seminar attendee nurture',
    objectType: 'contact',
    enabled: true,
    trigger: { type: 'PROPERTY_CHANGE', property: 'seminar_attended', operator: 'IS_KNOWN' },
    conditions: [{ property: 'lifecycle_stage', operator: 'IN', values: ['lead', 'subscriber'] }],
    actions: [
      { type: 'SET_PROPERTY', property: 'lifecycle_stage', value: 'marketingqualifiedlead' },
      { type: 'SEND_EMAIL', template: 'Seminar thank-you + workbook' },
      { type: 'DELAY', days: 3 },
      { type: 'SEND_EMAIL', template: 'Book your design meeting' },
    ],
  },
  {
    name: 'Engagement signed → open a matter',
    objectType: 'deal',
    enabled: true,
    trigger: { type: 'PROPERTY_CHANGE', property: 'stage_id', operator: 'EQ', value: 'engaged' },
    conditions: [{ property: 'pipeline_id', operator: 'EQ', value: 'default' }],
    actions: [
      { type: 'CREATE_RECORD', object: 'matter', properties: { status: 'Open', matter_type: '{{deal.plan_package}}' } },
      { type: 'ASSOCIATE', from: 'matter', to: 'deal.contacts', label: 'Client' },
      { type: 'SEND_INTERNAL_EMAIL', to: 'owner', subject: 'Matter opened for {{deal.name}}' },
    ],
  },
  {
    name: 'Signing ceremony reminder',
    objectType: 'deal',
    enabled: true,
    trigger: { type: 'DATE_PROPERTY', property: 'close_date', offsetDays: -2, time: '09:00' },
    conditions: [{ property: 'stage_id', operator: 'EQ', value: 'signing' }],
    actions: [
      { type: 'SEND_EMAIL', template: 'Signing ceremony: what to bring', to: 'deal.contacts' },
      { type: 'CREATE_TASK', subject: 'Print and tab the binder', dueInHours: 24 },
    ],
  },
  {
    name: 'Closed won → contacts become customers',
    objectType: 'deal',
    enabled: true,
    trigger: { type: 'PROPERTY_CHANGE', property: 'stage_id', operator: 'IN', values: ['closedwon', '4471027'] },
    conditions: [],
    actions: [
      { type: 'UPDATE_ASSOCIATED', object: 'contact', property: 'lifecycle_stage', value: 'customer' },
      { type: 'UPDATE_ASSOCIATED', object: 'contact', property: 'became_customer_on', value: '{{today}}' },
    ],
  },
  {
    name: 'Annual plan review',
    objectType: 'matter',
    enabled: true,
    trigger: { type: 'DATE_PROPERTY', property: 'review_date', offsetDays: -30, time: '08:00' },
    conditions: [{ property: 'status', operator: 'IN', values: ['Signed', 'Funding'] }],
    actions: [
      { type: 'CREATE_TASK', subject: 'Schedule annual review', dueInHours: 72 },
      { type: 'SEND_EMAIL', template: 'Time for your annual plan review' },
    ],
  },
  {
    name: 'Default owner for unassigned contacts',
    objectType: 'contact',
    enabled: true,
    trigger: { type: 'RECORD_CREATED' },
    conditions: [{ property: 'owner_id', operator: 'IS_UNKNOWN' }],
    actions: [{ type: 'SET_PROPERTY', property: 'owner_id', value: '#8' }],
  },
  {
    name: 'Stale leads → unqualified (weekly)',
    objectType: 'contact',
    enabled: false,
    trigger: { type: 'SCHEDULE', every: 'WEEK', day: 'MONDAY', time: '06:00' },
    conditions: [
      { property: 'lifecycle_stage', operator: 'EQ', value: 'lead' },
      { property: 'last_contacted_at', operator: 'OLDER_THAN_DAYS', value: 180 },
    ],
    actions: [{ type: 'SET_PROPERTY', property: 'lead_status', value: 'UNQUALIFIED' }],
  },
  {
    name: 'Partner referral thank-you',
    objectType: 'company',
    enabled: true,
    trigger: { type: 'PROPERTY_CHANGE', property: 'referral_count', operator: 'INCREASED' },
    conditions: [{ property: 'company_type', operator: 'EQ', value: 'PARTNER' }],
    actions: [
      { type: 'SEND_EMAIL', template: 'Thank you for the referral', to: 'company.contacts' },
      { type: 'CREATE_TASK', subject: 'Send partner gift card', dueInHours: 168 },
    ],
  },
];
