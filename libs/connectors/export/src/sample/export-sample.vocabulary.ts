/** Words the export sample draws its values from. Names carry the letters mojibake damages (Ł and Á need the C1 bytes). */

export const FIRST_NAMES = [
  'Liam', 'Emma', 'Noah', 'Olivia', 'James', 'Mia', 'Lucas', 'Sofia', 'Ethan', 'Grace', 'Daniel', 'Hannah',
  'José', 'Zoë', 'François', 'Jürgen', 'Ayşe', 'Søren', 'Łukasz', 'Björn', 'Renée', 'Chloé', 'Ágnes', 'Íñigo',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Brown', 'Kim', 'Novak', 'Rossi', 'Carter', 'Ito', 'Walsh', 'Hughes', 'Patel', 'Evans',
  'Müller', 'García', 'Núñez', 'Kowalski', 'Schäfer', 'Peña', 'Dubois', 'Yılmaz', 'Lefèvre', 'Åberg', 'Dvořák', 'Őri',
];

/** Three lists whose product names every account once (30 × 30 × 10 = 9,000); past that a number is added. */
export const COMPANY_FIRST = [
  'Acme', 'Blue', 'Cedar', 'Delta', 'Evergreen', 'Falcon', 'Granite', 'Harbor', 'Iron', 'Juniper', 'Keystone', 'Lakeside',
  'Maple', 'North', 'Oak', 'Pioneer', 'Quarry', 'Redwood', 'Silver', 'Summit', 'Tidal', 'Union', 'Valley', 'Willow',
  'Crescent', 'Beacon', 'Atlas', 'Bright', 'Copper', 'Café',
];
export const COMPANY_SECOND = [
  'Harbor', 'Ridge', 'Point', 'Bridge', 'Stone', 'Field', 'River', 'Peak', 'Bay', 'Grove', 'Hill', 'Park',
  'Lane', 'Creek', 'Forge', 'Gate', 'Mill', 'Port', 'Spring', 'Wood', 'Crest', 'Shore', 'Brook', 'Glen',
  'Haven', 'Rock', 'Dale', 'Ford', 'Marsh', 'Vale',
];
export const COMPANY_KIND = ['Logistics', 'Foods', 'Dental Group', 'Print Works', 'Software', 'Partners', 'Supply Co.', 'Clinics', 'Builders', 'Media'];

export const DEAL_TOPICS = [
  'Renewal 2022', 'Fleet expansion', 'Clinic software', 'Annual support', 'Pilot project', 'Upgrade to Pro', 'New office fit-out', 'Cloud migration',
  'Training package', 'Hardware refresh', 'Consulting retainer', 'Onboarding', 'Renewal 2023', 'Data platform', 'Security audit', 'Website relaunch',
  'Print campaign', 'Warehouse scanners', 'Loyalty program', 'POS rollout', 'Field service app', 'Marketing automation', 'Payroll integration', 'Support extension',
];

export const CITIES = ['Boston', 'New York', 'Chicago', 'San Francisco', 'Zürich', 'São Paulo', 'Kraków', 'Düsseldorf', 'Lyon', 'Austin', 'Denver', 'Toronto'];
export const INDUSTRIES = ['Transportation', 'Food & Beverage', 'Healthcare', 'Manufacturing', 'Retail', 'Software', 'Education', 'Construction', 'Media'];
export const ROLES = ['Sales Manager', 'Sales Rep', 'Account Executive', 'Administrator', 'Customer Success'];
export const LEAD_SOURCES = ['Web', 'Referral', 'Trade Show', 'Cold Call', 'Partner'];
export const ACTIVITY_TYPES = ['Call', 'Email', 'Meeting', 'Task'];
export const SUBJECTS = ['Follow-up call', 'Sent proposal', 'Demo booked', 'Contract questions', 'Quarterly review', 'Pricing discussion', 'Intro meeting', 'Renewal reminder'];
export const WIDE_WORDS = ['Tier', 'Region', 'Segment', 'Channel', 'Batch', 'Cohort', 'Zone', 'Wave'];

/** Misspellings as people type them; a stage without one here loses the letter in its middle. */
export const TYPOS: Record<string, readonly string[]> = {
  Qualified: ['Qualifed', 'Qualifid'],
  'Closed Won': ['Closed Wonn', 'Cloesd Won'],
  'Closed Lost': ['Closed Lsot'],
  'Negotiation/Review': ['Negotation/Review'],
  'Needs Analysis': ['Needs Analysys'],
};

export function typosOf(value: string): readonly string[] {
  const known = TYPOS[value];
  if (known) return known;
  const mid = Math.floor(value.length / 2);
  return [`${value.slice(0, mid)}${value.slice(mid + 1)}`];
}

/** A name as an email's local part: letters folded to ASCII ("Łukasz Müller" → lukasz.muller). */
export function asciiWord(text: string): string {
  return text
    .replace(/[Łł]/g, 'l')
    .replace(/ø/g, 'o')
    .replace(/ı/g, 'i')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}
