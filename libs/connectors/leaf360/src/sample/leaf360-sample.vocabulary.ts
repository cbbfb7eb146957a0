/** Word lists the sample draws from: a US mortgage shop's contacts, partners and properties. */

export const PLACE_WORDS = [
  'Cedar Ridge', 'Harbor Point', 'Blue Oak', 'Summit', 'Riverbend', 'Golden Gate', 'Pine Hollow', 'Lakeshore',
  'Maple Grove', 'Sierra Vista', 'Prairie Wind', 'Copper Canyon', 'Stonebridge', 'Willow Creek', 'Granite Peak',
  'Bayview', 'Magnolia', 'Redwood', 'Silver Lake', 'Heritage', 'Keystone', 'Northstar', 'Palmetto', 'Evergreen',
] as const;

export const COMPANY_KINDS = [
  'Home Loans', 'Mortgage', 'Realty', 'Realty Group', 'Title & Escrow', 'Lending', 'Homes', 'Builders',
  'Credit Union', 'Properties', 'Real Estate', 'Insurance Agency', 'Appraisal Services', 'Financial',
] as const;

export const INDUSTRIES = [
  'Mortgage Lending', 'Real Estate Brokerage', 'Title & Escrow', 'Home Building', 'Credit Union',
  'Insurance', 'Appraisal', 'Property Management', 'Financial Planning',
] as const;

export const STREET_NAMES = [
  'Maple', 'Oak', 'Cedar', 'Elm', 'Pine', 'Washington', 'Lincoln', 'Park', 'Lake', 'Hillcrest', 'Sunset',
  'Highland', 'Meadow', 'Ridge', 'Willow', 'Church', 'Mill', 'Spring', 'Jefferson', 'Madison', 'Camino Real',
  'Peachtree', 'Bluebonnet', 'Aspen', 'Juniper', 'Cypress', 'Magnolia', 'Saint-Laurent', "O'Hara",
] as const;

export const STREET_TYPES = ['St', 'Ave', 'Blvd', 'Dr', 'Ln', 'Rd', 'Ct', 'Way', 'Pl', 'Terrace', 'Circle', 'Pkwy'] as const;

/** city, state, first three zip digits, area code */
export const CITIES: readonly (readonly [string, string, string, string])[] = [
  ['Austin', 'TX', '787', '512'],
  ['San Antonio', 'TX', '782', '210'],
  ['Denver', 'CO', '802', '303'],
  ['Phoenix', 'AZ', '850', '602'],
  ['Charlotte', 'NC', '282', '704'],
  ['Raleigh', 'NC', '276', '919'],
  ['Columbus', 'OH', '432', '614'],
  ['Tampa', 'FL', '336', '813'],
  ['Sacramento', 'CA', '958', '916'],
  ['San Diego', 'CA', '921', '619'],
  ['Nashville', 'TN', '372', '615'],
  ['Boise', 'ID', '837', '208'],
  ['Portland', 'OR', '972', '503'],
  ['Minneapolis', 'MN', '554', '612'],
  ['Atlanta', 'GA', '303', '404'],
  ['Albuquerque', 'NM', '871', '505'],
  ['Salt Lake City', 'UT', '841', '801'],
  ['Kansas City', 'MO', '641', '816'],
  ['Richmond', 'VA', '232', '804'],
  ['Madison', 'WI', '537', '608'],
  ['Honolulu', 'HI', '968', '808'],
  ['Boston', 'MA', '021', '617'],
  ['Newark', 'NJ', '071', '973'],
  ['San Juan', 'PR', '009', '787'],
];

export const FIRST_NAMES = [
  'James', 'Maria', 'Robert', 'Linda', 'Michael', 'Patricia', 'David', 'Jennifer', 'William', 'Elizabeth',
  'Aisha', 'Carlos', 'Daniel', 'Emily', 'Jamal', 'Priya', 'Kevin', 'Sarah', 'Luis', 'Megan', 'Tyrone', 'Hannah',
  'José', 'Zoë', 'Renée', 'François', 'Søren', 'Björn', 'Łukasz', 'Chloé', 'Inés', 'Mónica', 'Dmitri', 'Siobhan',
  'Anh', 'Thanh', 'Kwame', 'Olumide', 'Raúl', 'Ngozi', 'Mateo', 'Camila', 'Yusuf', 'Fatima', 'Noah', 'Olivia',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernández', 'López', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Nguyễn', 'Trần', 'Kim', 'Patel', 'Shah', "O'Brien", "D'Angelo", 'García-López', 'Müller', 'Østergaard',
  'Kowalczyk', 'Núñez', 'Okonkwo', 'Adeyemi', 'Fitzgerald', 'McAllister', 'Van der Berg', 'St. James', 'Lefèvre',
] as const;

/** given name, family name in their own scripts */
export const NON_LATIN_NAMES: readonly (readonly [string, string])[] = [
  ['明', '王'],
  ['美玲', '陈'],
  ['さくら', '佐藤'],
  ['健太', '鈴木'],
  ['Мария', 'Иванова'],
  ['Дмитрий', 'Соколов'],
  ['محمد', 'العلي'],
  ['فاطمة', 'حسن'],
  ['Ελένη', 'Παπαδοπούλου'],
  ['지훈', '김'],
  ['अनन्या', 'शर्मा'],
  ['אורי', 'כהן'],
];

export const EMOJI_FIRST_NAMES = ['Sunny ☀️', 'Bea 🐝', 'Rocky 🏔️', 'Skye 🌤️', 'Lucky 🍀', 'Rosie 🌹'] as const;

export const NICKNAMED_FIRST_NAMES = ['Robert "Bob"', 'William "Bill"', 'Elizabeth "Liz"', 'Katherine "Kat"', 'Richard "Rick"'] as const;

export const JOB_TITLES = [
  'Borrower', 'Co-Borrower', 'Homebuyer', 'Realtor', 'Listing Agent', "Buyer's Agent", 'Title Officer',
  'Escrow Officer', 'Builder Sales Rep', 'Financial Advisor', 'Property Manager', 'Attorney',
] as const;

export const LOAN_STATUSES: readonly (readonly [string, number])[] = [
  ['Lead', 18],
  ['Pre-Qualified', 12],
  ['Pre-Approval', 14],
  ['Processing', 10],
  ['Underwriting', 8],
  ['Clear to Close', 5],
  ['Funded', 15],
  ['Closed Lost', 8],
  ['Referral Partner', 10],
];

export const REFERRAL_SOURCES: readonly (readonly [string, number])[] = [
  ['Zillow', 12],
  ['Realtor.com', 8],
  ['Past Client', 12],
  ['Website', 10],
  ['Open House', 5],
  ['Builder', 5],
  ['Partner', 10],
  ['Facebook Ads', 4],
  ['', 25],
];

export const PERSONAL_MAIL_DOMAINS = ['mail.example', 'inbox.example', 'home.example', 'post.example'] as const;

export const NOTES = [
  'Prefers text over calls',
  'First-time buyer, needs down payment assistance info',
  'Relocating from out of state; wants to close before school starts',
  'Asked about rate lock, 30 vs 45 days',
  'Self-employed: two years of returns on file',
  'Referred by her sister, a past client',
  'Spanish-speaking; send disclosures in Spanish',
  'VA eligible, COE requested',
  'Said "call after 5pm" twice',
  'Waiting on gift letter, HOA docs',
] as const;

export const MULTILINE_NOTES = [
  'Pre-approval letter sent.\nWaiting on W-2s and last two pay stubs.',
  'Call recap:\n- wants 20% down\n- closing late June, "flexible"',
  'Appraisal came in low.\nDiscussing options: renegotiate, or cover the gap.',
] as const;

export const LOAN_TYPES: readonly (readonly [string, number])[] = [
  ['Conventional', 45],
  ['FHA', 18],
  ['VA', 10],
  ['USDA', 4],
  ['Jumbo', 8],
  ['HELOC', 5],
  ['Non-QM', 3],
  ['', 7],
];

export const LOAN_PURPOSES = ['Purchase', 'Refinance', 'Cash-Out Refi', 'Construction', 'HELOC', 'Rate/Term Refi'] as const;

export const PIPELINE_STAGES = ['Pre-Approval', 'Processing', 'Underwriting', 'Clear to Close', 'Funded'] as const;

/** Leaf360 logins. Records spell some of these emails differently (Brian.Okafor), and name one officer who never had a login. */
export const USERS: readonly {
  email: string;
  first: string | null;
  last: string | null;
  role: string;
  active: boolean;
  phone?: string;
  branch?: string;
}[] = [
  { email: 'alicia.moreno@contoso-lending.example', first: 'Alicia', last: 'Moreno', role: 'Loan Officer', active: true, branch: 'Austin' },
  { email: 'brian.okafor@contoso-lending.example', first: 'Brian', last: 'Okafor', role: 'Loan Officer', active: true, branch: 'Denver' },
  { email: 'chen.wei@contoso-lending.example', first: 'Wei', last: 'Chen', role: 'Loan Officer', active: true, branch: 'Austin' },
  { email: 'dana.kowalski@contoso-lending.example', first: 'Dana', last: 'Kowalski', role: 'Branch Manager', active: true, branch: 'Denver' },
  { email: 'evan.brooks@contoso-lending.example', first: 'Evan', last: 'Brooks', role: 'Loan Officer', active: true, branch: 'Phoenix' },
  { email: 'frank.lee@oldbroker.example', first: 'Frank', last: 'Lee', role: 'Loan Officer', active: false, branch: 'Phoenix' },
  { email: 'priya.nair@contoso-lending.example', first: 'Priya', last: 'Nair', role: 'Processor', active: true, branch: 'Austin' },
  { email: 'tom.becker@contoso-lending.example', first: 'Tom', last: 'Becker', role: 'Underwriter', active: true },
  { email: 'olivia.grant@contoso-lending.example', first: 'Olivia', last: 'Grant', role: 'Loan Officer', active: false, branch: 'Austin' },
  { email: 'leaf360.admin@contoso-lending.example', first: null, last: null, role: 'Admin', active: true },
];

/** Processors log work on other officers' files. */
export const PROCESSOR_EMAILS = ['priya.nair@contoso-lending.example', 'tom.becker@contoso-lending.example'] as const;

export const PIPELINES: readonly { id: string; label: string; active: boolean; stages: readonly { id: string; label: string; probability: number; closed: boolean }[] }[] = [
  {
    id: 'pl_mortgage',
    label: 'Mortgage',
    active: true,
    stages: [
      { id: 'ps_preapproval', label: 'Pre-Approval', probability: 20, closed: false },
      { id: 'ps_processing', label: 'Processing', probability: 40, closed: false },
      { id: 'ps_underwriting', label: 'Underwriting', probability: 60, closed: false },
      { id: 'ps_clear_to_close', label: 'Clear to Close', probability: 85, closed: false },
      { id: 'ps_funded', label: 'Funded', probability: 100, closed: true },
    ],
  },
  {
    id: 'pl_legacy_purchase',
    label: 'Purchase (2019 setup)',
    active: false,
    stages: [
      { id: 'ps_legacy_application', label: 'Application', probability: 10, closed: false },
      { id: 'ps_legacy_approved', label: 'Approved', probability: 70, closed: false },
      { id: 'ps_legacy_closed', label: 'Closed', probability: 100, closed: true },
    ],
  },
];

export const STAGE_DOCUMENTS = ['Credit report; 1003', 'Pay stubs, W-2s', 'Appraisal, title', 'Closing disclosure', ''] as const;

export const ENGAGEMENT_TYPES: readonly (readonly [string, number])[] = [
  ['call', 30],
  ['email', 30],
  ['meeting', 15],
  ['note', 25],
];

/** The type column as some users' imports spelled it. */
export const ENGAGEMENT_TYPE_SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  call: ['Call', 'CALL', 'phone call'],
  email: ['Email', 'EMAIL', 'e-mail'],
  meeting: ['Meeting', 'MEETING'],
  note: ['Note', 'NOTE'],
};

export const CALL_SUBJECTS = ['Intro call', 'Rate quote follow-up', 'Docs checklist', 'Rate lock discussion', 'Appraisal update', 'Closing date check-in', 'Left voicemail'] as const;
export const CALL_OUTCOMES = ['Connected', 'Left voicemail', 'No answer', 'Wrong number', 'Busy'] as const;

export const EMAIL_SUBJECTS = [
  'Your pre-approval letter 🎉',
  'Documents we still need',
  'Re: rate lock options (30 vs 45 days)',
  'Fwd: appraisal report',
  'Clear to close! 🏡',
  'Bienvenido: próximos pasos',
  'Re: 贷款文件',
] as const;

export const MEETING_SUBJECTS = ['Application meeting', 'Closing at title office', 'Realtor lunch', 'Open house co-hosting', 'Builder walkthrough'] as const;
export const MEETING_LOCATIONS = ['Branch office', 'Zoom', 'Title & escrow office, Suite 200', 'Client home', 'Café Olé, 5th & Main'] as const;

/** Bodies as the CRM stored them: HTML from its editor, pasted text, emoji, other scripts, line breaks. */
export const ENGAGEMENT_BODIES = [
  '<p>Hi {first},</p><p>Attached is your <b>pre-approval letter</b> for up to $450,000. Let me know if you have questions!</p>',
  '<div style="font-family: Arial, sans-serif">Still need:<ul><li>2 most recent pay stubs</li><li>W-2s (2023, 2024)</li><li>Bank statements &amp; gift letter</li></ul></div>',
  'Spoke with {first} about the rate lock.\nShe wants 45 days; quoted 6.875% with 0.5 pt.',
  '<p>Appraisal came in at value ✅ — moving to underwriting.</p>',
  'Client said "call after 5pm" again. Husband works nights.',
  '<p>Hola {first}, gracias por su tiempo hoy. Le envío la lista de documentos.</p>',
  '{first}さん、本日はありがとうございました。必要書類をお送りします。',
  'Клиент просит перенести закрытие на пятницу.',
  '<p>Closing set for Friday 10am 🏠🔑 at <a href="https://title.example/office?id=12&amp;ref=crm">the title office</a>.</p>',
  'Note from Realtor: buyers are flexible on closing date, seller is not.\r\nFollow up Monday.',
  '<table><tr><td>Rate</td><td>6.75%</td></tr><tr><td>APR</td><td>6.91%</td></tr></table>',
  'Borrower uploaded docs 📎 — W-2 looks cut off, asked for a new scan.',
  'CD sent; 3-day waiting period starts today.',
  '<p>Thanks for the referral, {first}! 🙏</p><p>— Alicia</p>',
] as const;

export const NOTE_SUBJECTS = [null, 'Underwriting conditions', 'File note', 'Partner feedback', 'Compliance'] as const;

export const DOCUMENT_TYPES: readonly (readonly [string, string, string])[] = [
  // document type, file name stem, extension
  ['W-2', 'W-2 2024', 'pdf'],
  ['Pay stub', 'paystub_march', 'pdf'],
  ['Bank statement', 'Bank Statement (Chase) - Feb', 'pdf'],
  ['Pre-approval letter', 'Pre-Approval Letter', 'pdf'],
  ['Appraisal', 'appraisal_report_final_v2', 'pdf'],
  ['Purchase contract', 'Purchase Agreement — signed', 'pdf'],
  ['ID', 'drivers license front', 'jpg'],
  ['ID', 'IMG_4821', 'HEIC'],
  ['Property photo', 'front of house', 'png'],
  ['Tax return', '1040 2023 (all schedules)', 'pdf'],
  ['Gift letter', 'gift-letter', 'docx'],
  ['Rate sheet', 'rate sheet 03-14', 'xlsx'],
  ['Walkthrough', 'walkthrough video', 'mp4'],
  ['ID', 'паспорт скан', 'pdf'],
  ['Bank statement', '銀行取引明細', 'pdf'],
];

export const MIME_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  HEIC: 'image/heic',
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  mp4: 'video/mp4',
};

export const REFERRAL_LABELS: readonly (readonly [string, number])[] = [
  ['Referred by', 55],
  ['Listing agent', 12],
  ["Buyer's agent", 15],
  ['Builder partner', 8],
  ['Financial advisor', 5],
  ['Past client', 5],
];

export const NICKNAMES: Readonly<Record<string, string>> = {
  Robert: 'Bob',
  William: 'Bill',
  Elizabeth: 'Liz',
  Michael: 'Mike',
  Jennifer: 'Jen',
  Daniel: 'Dan',
  James: 'Jim',
  Patricia: 'Pat',
  Katherine: 'Kate',
  Richard: 'Rick',
};

export const PREFERRED_LANGUAGES = ['English', 'English', 'English', 'Spanish', 'Español', '中文', 'Tiếng Việt', 'Русский', ''] as const;
export const PROPERTY_TYPES = ['Single Family', 'Single Family', 'Condo', 'Townhouse', '2-4 Unit', 'Manufactured', 'SFR'] as const;
export const OCCUPANCIES = ['Primary', 'Primary', 'Primary Residence', 'Second Home', 'Investment', 'investment'] as const;
