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
