/**
 * How five CRMs write their exports, as far as a sample needs: file names, header spellings, how dates, money
 * and owners are written, and which object comes without an id column. The labels are the ones their export
 * screens use (Zoho CRM's module export, HubSpot's "export all", a Salesforce report export, Dynamics 365's
 * "Export to Excel" saved as CSV, Pipedrive's export); the values are invented.
 */

export const EXPORT_SAMPLE_STYLES = ['zoho', 'hubspot', 'salesforce', 'dynamics', 'pipedrive'] as const;
export type ExportSampleStyle = (typeof EXPORT_SAMPLE_STYLES)[number];

export type SampleObject = 'users' | 'accounts' | 'contacts' | 'deals' | 'activities';
export const SAMPLE_OBJECTS: readonly SampleObject[] = ['users', 'accounts', 'contacts', 'deals', 'activities'];

/**
 * What a column holds. `accountName`, `contactId`: a reference to another object, by its display name or by its
 * id; `owner`: the owning user's full name; `ownerEmail`: their email; `wide`: the run of mostly empty custom
 * columns; `blank`: a column whose header cell is empty (an exporter's trailing delimiter).
 */
export type Role =
  | 'id' | 'rowChecksum' | 'modified' | 'userName' | 'userEmail' | 'userRole'
  | 'accountName' | 'phone' | 'website' | 'owner' | 'ownerEmail' | 'city' | 'zip' | 'industry' | 'created' | 'revenue' | 'keyAccount'
  | 'first' | 'last' | 'fullName' | 'email' | 'leadSource' | 'optOut'
  | 'dealName' | 'amount' | 'currency' | 'stage' | 'closeDate'
  | 'subject' | 'activityType' | 'contactId' | 'due'
  | 'wide' | 'blank';

/** How a moment is written; `format` names the spelling for the manifest. */
export type DateWriter = (d: Date, pick: (n: number) => number) => { text: string; format: string };

export interface StyleSpec {
  files: Record<SampleObject, string>;
  columns: Record<SampleObject, ReadonlyArray<readonly [string, Role]>>;
  /** the column a shifted contact row starts to slide at (its values move one to the right, the last is lost) */
  shiftFrom: string;
  ids: Record<SampleObject, (i: number) => string>;
  created: DateWriter;
  modified: DateWriter;
  closeDate: DateWriter;
  money: { format: string; write: (cents: number) => string };
  stages: readonly string[];
  wideLabel: (n: number) => string;
  /** custom columns in the wide file */
  wideColumns: number;
}

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const MONTHS_DE = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const MONTHS_FR = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const MONTHS_ES = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];
const short = (m: number) => MONTHS_EN[m].slice(0, 3);
const p2 = (n: number) => String(n).padStart(2, '0');
const parts = (d: Date) => ({ y: d.getUTCFullYear(), m: d.getUTCMonth(), d: d.getUTCDate(), h: d.getUTCHours(), min: d.getUTCMinutes() });
const clock12 = (h: number, min: number) => `${h % 12 === 0 ? 12 : h % 12}:${p2(min)} ${h < 12 ? 'AM' : 'PM'}`;

/** "16 Apr, 2021 00:02:00" */
export const zohoTime: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${p2(x.d)} ${short(x.m)}, ${x.y} ${p2(x.h)}:${p2(x.min)}:00`, format: 'DD Mon, YYYY HH:mm:ss' };
};
/** "Apr 16 2021" */
const monDayYear: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${short(x.m)} ${x.d} ${x.y}`, format: 'Mon D YYYY' };
};
/** "2021-04-16 00:02" */
const isoMinutes: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${x.y}-${p2(x.m + 1)}-${p2(x.d)} ${p2(x.h)}:${p2(x.min)}`, format: 'YYYY-MM-DD HH:mm' };
};
/** "Apr 16, 2021 3:04 PM" */
const monDayYear12h: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${short(x.m)} ${x.d}, ${x.y} ${clock12(x.h, x.min)}`, format: 'Mon D, YYYY h:mm AM' };
};
/** "4/16/2021, 3:04 PM" */
const usTime12h: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${x.m + 1}/${x.d}/${x.y}, ${clock12(x.h, x.min)}`, format: 'M/D/YYYY, h:mm AM' };
};
/** "4/16/21" */
const usShortYear: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${x.m + 1}/${x.d}/${p2(x.y % 100)}`, format: 'M/D/YY' };
};
/** "16-04-2021 01:09" (day first, dashes) */
const dashedDayFirst: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${p2(x.d)}-${p2(x.m + 1)}-${x.y} ${p2(x.h)}:${p2(x.min)}`, format: 'DD-MM-YYYY HH:mm' };
};
/** "16.04.21" */
const dottedShortYear: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${p2(x.d)}.${p2(x.m + 1)}.${p2(x.y % 100)}`, format: 'DD.MM.YY' };
};
/** "2021-04-16 00:02:00" */
const isoSeconds: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${x.y}-${p2(x.m + 1)}-${p2(x.d)} ${p2(x.h)}:${p2(x.min)}:00`, format: 'YYYY-MM-DD HH:mm:ss' };
};
/** "2021-04-16" */
const isoDate: DateWriter = (t) => {
  const x = parts(t);
  return { text: `${x.y}-${p2(x.m + 1)}-${p2(x.d)}`, format: 'YYYY-MM-DD' };
};
/**
 * A date in the language of whoever typed it: "April 16, 2021", "16. April 2021", "16 avril 2021",
 * "16 de abril de 2021" (a team spread over countries, one column).
 */
export const anyLanguageDate: DateWriter = (t, pick) => {
  const x = parts(t);
  switch (pick(4)) {
    case 0:
      return { text: `${MONTHS_EN[x.m]} ${x.d}, ${x.y}`, format: 'en: Month D, YYYY' };
    case 1:
      return { text: `${x.d}. ${MONTHS_DE[x.m]} ${x.y}`, format: 'de: D. Monat YYYY' };
    case 2:
      return { text: `${x.d} ${MONTHS_FR[x.m]} ${x.y}`, format: 'fr: D mois YYYY' };
    default:
      return { text: `${x.d} de ${MONTHS_ES[x.m]} de ${x.y}`, format: 'es: D de mes de YYYY' };
  }
};

const group3 = (whole: number, sep: string) => String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
const cents2 = (cents: number) => p2(cents % 100);

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export const STYLES: Record<ExportSampleStyle, StyleSpec> = {
  zoho: {
    files: { users: 'Users.csv', accounts: 'Accounts.csv', contacts: 'Contacts.csv', deals: 'Deals.csv', activities: 'Notes.csv' },
    columns: {
      users: [['User Id', 'id'], ['Full Name', 'userName'], ['Email', 'userEmail'], ['Role', 'userRole']],
      accounts: [
        ['Record Id', 'id'], ['Account Name', 'accountName'], ['Phone', 'phone'], ['Website', 'website'], ['Account Owner', 'owner'], ['Billing City', 'city'],
        ['Billing Code', 'zip'], ['Industry', 'industry'], ['Annual Revenue', 'revenue'], ['Key Account', 'keyAccount'], ['Created Time', 'created'], ['Custom Field', 'wide'],
        ['', 'blank'], ['', 'blank'],
      ],
      contacts: [
        ['Record Id', 'id'], ['First Name', 'first'], ['Last Name', 'last'], ['Email', 'email'], ['Account Name', 'accountName'], ['Contact Owner', 'owner'],
        ['Mobile', 'phone'], ['Lead Source', 'leadSource'], ['Created Time', 'created'], ['Email Opt Out', 'optOut'],
      ],
      deals: [['Deal Name', 'dealName'], ['Account Name', 'accountName'], ['Amount', 'amount'], ['Stage', 'stage'], ['Closing Date', 'closeDate'], ['Deal Owner', 'ownerEmail']],
      activities: [['Note Id', 'id'], ['Note Title', 'subject'], ['Parent Id', 'contactId'], ['Note Owner', 'owner'], ['Due Date', 'due'], ['Created Time', 'created']],
    },
    shiftFrom: 'First Name',
    ids: {
      users: (i) => `zcrm_50000${pad(i + 1, 14)}`,
      accounts: (i) => `zcrm_40000${pad(i + 1, 14)}`,
      contacts: (i) => `zcrm_40001${pad(i + 1, 14)}`,
      deals: (i) => `zcrm_40002${pad(i + 1, 14)}`,
      activities: (i) => `zcrm_40003${pad(i + 1, 14)}`,
    },
    created: zohoTime,
    modified: zohoTime,
    closeDate: monDayYear,
    money: { format: '$12,500.00', write: (c) => `$${group3(Math.floor(c / 100), ',')}.${cents2(c)}` },
    stages: ['Qualified', 'Needs Analysis', 'Value Proposition', 'Negotiation/Review', 'Closed Won', 'Closed Lost'],
    wideLabel: (n) => `Custom Field ${n}`,
    wideColumns: 40,
  },
  hubspot: {
    files: { users: 'owners.csv', accounts: 'all-companies.csv', contacts: 'all-contacts.csv', deals: 'all-deals.csv', activities: 'all-notes.csv' },
    columns: {
      users: [['Owner ID', 'id'], ['Name', 'userName'], ['Email', 'userEmail'], ['Team', 'userRole']],
      accounts: [
        ['Record ID', 'id'], ['Company name', 'accountName'], ['Company owner', 'owner'], ['Create Date', 'created'], ['Phone Number', 'phone'], ['City', 'city'],
        ['Postal Code', 'zip'], ['Industry', 'industry'], ['Annual Revenue', 'revenue'], ['Target Account', 'keyAccount'], ['Company Domain Name', 'website'],
        ['custom_property', 'wide'], ['', 'blank'],
      ],
      contacts: [
        ['Record ID', 'id'], ['First Name', 'first'], ['Last Name', 'last'], ['Email', 'email'], ['Associated Company', 'accountName'], ['Contact owner', 'owner'],
        ['Phone Number', 'phone'], ['Original Source', 'leadSource'], ['Create Date', 'created'], ['Unsubscribed from all email', 'optOut'],
      ],
      deals: [['Deal Name', 'dealName'], ['Associated Company', 'accountName'], ['Amount', 'amount'], ['Deal Stage', 'stage'], ['Close Date', 'closeDate'], ['Deal owner', 'owner']],
      activities: [['Record ID', 'id'], ['Note body', 'subject'], ['Associated Contact ID', 'contactId'], ['Activity assigned to', 'owner'], ['Activity date', 'due'], ['Create Date', 'created']],
    },
    shiftFrom: 'First Name',
    ids: {
      users: (i) => String(51_000_000 + i * 7),
      accounts: (i) => String(9_100_000_000 + i * 3),
      contacts: (i) => String(501_000 + i * 2),
      deals: (i) => String(12_000_000_000 + i),
      activities: (i) => String(31_000_000_000 + i * 5),
    },
    created: isoMinutes,
    modified: isoMinutes,
    closeDate: monDayYear12h,
    money: { format: '12500.5 (plain)', write: (c) => String(c / 100) },
    stages: ['Appointment Scheduled', 'Qualified', 'Presentation Scheduled', 'Decision Maker Bought-In', 'Contract Sent', 'Closed Won', 'Closed Lost'],
    wideLabel: (n) => `custom_property_${n}`,
    wideColumns: 60,
  },
  salesforce: {
    files: { users: 'Users.csv', accounts: 'Accounts.csv', contacts: 'Contacts.csv', deals: 'Opportunities.csv', activities: 'Tasks.csv' },
    columns: {
      users: [['User ID', 'id'], ['Full Name', 'userName'], ['Email', 'userEmail'], ['Role', 'userRole']],
      accounts: [
        ['Account ID', 'id'], ['Account Name', 'accountName'], ['Account Owner', 'owner'], ['Type', 'industry'], ['Billing Zip/Postal Code', 'zip'], ['Billing City', 'city'],
        ['Phone', 'phone'], ['Annual Revenue', 'revenue'], ['Key Account', 'keyAccount'], ['Created Date', 'created'], ['Custom__c', 'wide'], ['', 'blank'], ['', 'blank'],
      ],
      contacts: [
        ['Contact ID', 'id'], ['First Name', 'first'], ['Last Name', 'last'], ['Email', 'email'], ['Account Name', 'accountName'], ['Contact Owner', 'owner'],
        ['Phone', 'phone'], ['Lead Source', 'leadSource'], ['Created Date', 'created'], ['Email Opt Out', 'optOut'],
      ],
      deals: [['Opportunity Name', 'dealName'], ['Account Name', 'accountName'], ['Amount', 'amount'], ['Stage', 'stage'], ['Close Date', 'closeDate'], ['Opportunity Owner', 'owner']],
      activities: [['Activity ID', 'id'], ['Subject', 'subject'], ['Contact ID', 'contactId'], ['Assigned', 'owner'], ['Due Date', 'due'], ['Created Date', 'created']],
    },
    shiftFrom: 'First Name',
    ids: {
      users: (i) => `0055g0000${pad(i + 1, 6)}AAA`,
      accounts: (i) => `0015g0000${pad(i + 1, 6)}AAC`,
      contacts: (i) => `0035g0000${pad(i + 1, 6)}AAE`,
      deals: (i) => `0065g0000${pad(i + 1, 6)}AAG`,
      activities: (i) => `00T5g0000${pad(i + 1, 6)}AAI`,
    },
    created: usTime12h,
    modified: usTime12h,
    closeDate: usShortYear,
    money: { format: 'USD 12,500.00', write: (c) => `USD ${group3(Math.floor(c / 100), ',')}.${cents2(c)}` },
    stages: ['Prospecting', 'Qualified', 'Needs Analysis', 'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost'],
    wideLabel: (n) => `Custom_Field_${n}__c`,
    wideColumns: 50,
  },
  dynamics: {
    files: { users: 'Users.csv', accounts: 'Active Accounts.csv', contacts: 'Active Contacts.csv', deals: 'Open Opportunities.csv', activities: 'Activities.csv' },
    columns: {
      users: [['(Do Not Modify) User', 'id'], ['Full Name', 'userName'], ['Primary Email', 'userEmail'], ['Title', 'userRole']],
      accounts: [
        ['(Do Not Modify) Account', 'id'], ['(Do Not Modify) Row Checksum', 'rowChecksum'], ['(Do Not Modify) Modified On', 'modified'], ['Account Name', 'accountName'],
        ['Main Phone', 'phone'], ['Address 1: City', 'city'], ['Address 1: ZIP/Postal Code', 'zip'], ['Owner', 'owner'], ['Annual Revenue', 'revenue'],
        ['Key Account', 'keyAccount'], ['Industry', 'industry'], ['Created On', 'created'], ['new_customfield', 'wide'], ['', 'blank'],
      ],
      contacts: [
        ['(Do Not Modify) Contact', 'id'], ['(Do Not Modify) Row Checksum', 'rowChecksum'], ['(Do Not Modify) Modified On', 'modified'], ['Full Name', 'fullName'],
        ['Email', 'email'], ['Company Name', 'accountName'], ['Owner', 'owner'], ['Business Phone', 'phone'], ['Lead Source', 'leadSource'], ['Created On', 'created'],
        ['Do not allow Emails', 'optOut'],
      ],
      deals: [['Topic', 'dealName'], ['Potential Customer', 'accountName'], ['Est. Revenue', 'amount'], ['Pipeline Phase', 'stage'], ['Est. Close Date', 'closeDate'], ['Owner', 'owner']],
      activities: [['(Do Not Modify) Activity', 'id'], ['Subject', 'subject'], ['Regarding', 'accountName'], ['Activity Type', 'activityType'], ['Owner', 'owner'], ['Due Date', 'due']],
    },
    shiftFrom: 'Full Name',
    ids: {
      users: (i) => guid(1, i),
      accounts: (i) => guid(2, i),
      contacts: (i) => guid(3, i),
      deals: (i) => guid(4, i),
      activities: (i) => guid(5, i),
    },
    created: dashedDayFirst,
    modified: dashedDayFirst,
    closeDate: dottedShortYear,
    money: { format: '12.500,00 €', write: (c) => `${group3(Math.floor(c / 100), '.')},${cents2(c)} €` },
    stages: ['1-Qualify', 'Qualified', '2-Develop', '3-Propose', '4-Close', 'Won', 'Lost'],
    wideLabel: (n) => `new_customfield${n}`,
    wideColumns: 45,
  },
  pipedrive: {
    files: { users: 'users.csv', accounts: 'organizations.csv', contacts: 'persons.csv', deals: 'deals.csv', activities: 'activities.csv' },
    columns: {
      users: [['User - ID', 'id'], ['User - Name', 'userName'], ['User - Email', 'userEmail'], ['User - Role', 'userRole']],
      accounts: [
        ['Organization - ID', 'id'], ['Organization - Name', 'accountName'], ['Organization - Owner', 'owner'], ['Organization - Address - ZIP/Postal code', 'zip'],
        ['Organization - Address - City/town/village/locality', 'city'], ['Organization - Annual revenue', 'revenue'], ['Organization - Key account', 'keyAccount'],
        ['Organization - Industry', 'industry'], ['Organization - Add time', 'created'], ['Custom', 'wide'], ['', 'blank'], ['', 'blank'], ['', 'blank'],
      ],
      contacts: [
        ['Person - ID', 'id'], ['Person - Name', 'fullName'], ['Person - Email - Work', 'email'], ['Person - Organization', 'accountName'], ['Person - Owner', 'owner'],
        ['Person - Phone - Work', 'phone'], ['Person - Source', 'leadSource'], ['Person - Add time', 'created'], ['Person - Marketing opt out', 'optOut'],
      ],
      deals: [['Deal - Title', 'dealName'], ['Deal - Organization', 'accountName'], ['Deal - Value', 'amount'], ['Deal - Currency', 'currency'], ['Deal - Stage', 'stage'],
        ['Deal - Expected close date', 'closeDate'], ['Deal - Owner', 'owner']],
      activities: [['Activity - ID', 'id'], ['Activity - Subject', 'subject'], ['Activity - Type', 'activityType'], ['Activity - Organization', 'accountName'],
        ['Activity - Assigned to user', 'owner'], ['Activity - Due date', 'due']],
    },
    shiftFrom: 'Person - Name',
    ids: {
      users: (i) => String(11_000_000 + i),
      accounts: (i) => String(1 + i),
      contacts: (i) => String(100_001 + i),
      deals: (i) => String(5_000 + i),
      activities: (i) => String(700_001 + i),
    },
    created: isoSeconds,
    modified: isoSeconds,
    closeDate: isoDate,
    money: { format: '12 500,00 (space groups, comma decimals)', write: (c) => `${group3(Math.floor(c / 100), ' ')},${cents2(c)}` },
    stages: ['Lead In', 'Qualified', 'Contact Made', 'Demo Scheduled', 'Proposal Made', 'Negotiations Started'],
    wideLabel: (n) => `Custom ${n}`,
    wideColumns: 40,
  },
};

/** A Dataverse-looking guid, unique per (object, row). */
function guid(object: number, i: number): string {
  const h = (x: number) => (x >>> 0).toString(16).padStart(8, '0');
  const a = Math.imul(i + 1, 0x9e3779b1) >>> 0;
  return `${h(a)}-${pad(object, 4)}-4${h(i).slice(5)}-a${h(a ^ 0x5bd1e995).slice(5)}-${pad(i + 1, 12)}`;
}

