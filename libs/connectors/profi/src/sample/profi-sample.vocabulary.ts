/**
 * Word lists the Profi sample draws from: a European coaching practice's clients, corporate sponsors, team
 * and programs. Some entries carry characters Windows-1252 cannot hold (Turkish ş and ı, Polish ł, Cyrillic,
 * Arabic, CJK, emoji) on purpose: the export turns each of them into "?".
 */

export const FIRST_NAMES = [
  'Anna', 'Lena', 'Sophie', 'Marie', 'Laura', 'Julia', 'Hannah', 'Clara', 'Emma', 'Mia', 'Lukas', 'Jonas', 'Felix',
  'Maximilian', 'Paul', 'Leon', 'Tobias', 'Stefan', 'Thomas', 'Michael', 'Sabine', 'Petra', 'Katrin', 'Jürgen',
  'Jörg', 'Björn', 'Søren', 'Åsa', 'Ingrid', 'Lars', 'Mette', 'Chloé', 'Élodie', 'François', 'Hélène', 'Noémie',
  'Daan', 'Sanne', 'Joost', 'Anouk', 'Pieter', 'Zeynep', 'Mehmet', 'Elif', 'Can', 'Ayşe', 'Emre', 'Agnieszka',
  'Łukasz', 'Małgorzata', 'Piotr', 'Inés', 'José', 'Lucía', 'Giulia', 'Matteo', 'Niamh', 'Siobhán', 'Oliver',
  'Charlotte', 'Amara', 'Kwame', 'Priya', 'Arjun', 'Yasmin', 'Omar', 'Dragan', 'Zoë', 'Renée', 'Maëlle',
] as const;

export const LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann',
  'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger',
  'Hofmann', 'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann', 'Köhler', 'Maier', 'Huber', 'Gruber',
  'Bauer', 'Steiner', 'Moser', 'de Vries', 'van den Berg', 'Jansen', 'Bakker', 'Visser', 'Dubois', 'Lefèvre',
  'Moreau', 'Girard', 'Rousseau', 'Nielsen', 'Jørgensen', 'Øre', 'Lindqvist', 'Åberg', 'Andersson', 'Çelik',
  'Öztürk', 'Yılmaz', 'Kaya', 'Şahin', 'Demir', 'Kowalski', 'Wiśniewska', 'Nowak', 'Zieliński', 'García',
  'Fernández', 'Rossi', 'Bianchi', "O'Connor", "O'Sullivan", 'McCarthy', 'Smith', 'Mensah', 'Sharma', 'Haddad',
] as const;

/** given name, family name in their own scripts: all of it is lost to "?" in a cp1252 export */
export const NON_LATIN_NAMES: readonly (readonly [string, string])[] = [
  ['Наталья', 'Кузнецова'],
  ['Алексей', 'Смирнов'],
  ['Олена', 'Шевченко'],
  ['محمد', 'الحسن'],
  ['ليلى', 'خوري'],
  ['美咲', '田中'],
  ['伟', '张'],
  ['서연', '박'],
  ['Δήμητρα', 'Παπαδάκη'],
  ['נועה', 'לוי'],
];

export const EMOJI_FIRST_NAMES = ['Sunny ☀️', 'Mila 🌸', 'Max 🚀', 'Jule ✨', 'Tom 🙂', 'Nina 💪'] as const;

/** how the same person is spelled the second time round */
export const RESPELLINGS: Readonly<Record<string, string>> = {
  ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', é: 'e', è: 'e', ë: 'e', ç: 'c', Ç: 'C', ø: 'o',
  Ø: 'O', å: 'aa', Å: 'Aa', ł: 'l', Ł: 'L', ş: 's', Ş: 'S', ı: 'i', ś: 's', ń: 'n', í: 'i', á: 'a', ó: 'o', ñ: 'n',
};

export const SALUTATIONS: readonly (readonly [string, number])[] = [
  ['Ms', 30],
  ['Mr', 28],
  ['Frau', 8],
  ['Herr', 7],
  ['Mx', 2],
  ['Dr.', 5],
  ['', 20],
];

/** written by hand in every spelling a practice manages: discovery has to see them as one stage each */
export const LIFECYCLE_STAGES: readonly (readonly [string, number])[] = [
  ['Lead', 12],
  ['lead', 4],
  ['Prospect', 6],
  ['Interested', 3],
  ['Active', 18],
  ['active client', 8],
  ['ACTIVE', 4],
  ['Active ', 2],
  ['Paused', 5],
  ['on hold', 3],
  ['Alumni', 9],
  ['former client', 4],
  ['Past Client', 3],
  ['Churned', 3],
  ['', 6],
];

export const LANGUAGES: readonly (readonly [string, number])[] = [
  ['de', 30],
  ['en', 30],
  ['German', 5],
  ['English', 5],
  ['fr', 8],
  ['nl', 6],
  ['tr', 3],
  ['pl', 3],
  ['', 10],
];

export const CLIENT_SOURCES: readonly (readonly [string, number])[] = [
  ['Website', 20],
  ['Referral', 18],
  ['LinkedIn', 14],
  ['Employer program', 12],
  ['Instagram', 6],
  ['Workshop', 6],
  ['Podcast', 3],
  ['Google Ads', 5],
  ['', 16],
];

/** city, postcode digits, ISO country, phone country code, currency the practice bills in */
export const CITIES: readonly (readonly [string, number, string, string, string])[] = [
  ['Berlin', 5, 'DE', '49', 'EUR'],
  ['München', 5, 'DE', '49', 'EUR'],
  ['Hamburg', 5, 'DE', '49', 'EUR'],
  ['Köln', 5, 'DE', '49', 'EUR'],
  ['Frankfurt am Main', 5, 'DE', '49', 'EUR'],
  ['Düsseldorf', 5, 'DE', '49', 'EUR'],
  ['Leipzig', 5, 'DE', '49', 'EUR'],
  ['Wien', 4, 'AT', '43', 'EUR'],
  ['Graz', 4, 'AT', '43', 'EUR'],
  ['Zürich', 4, 'CH', '41', 'CHF'],
  ['Genève', 4, 'CH', '41', 'CHF'],
  ['Amsterdam', 4, 'NL', '31', 'EUR'],
  ['Utrecht', 4, 'NL', '31', 'EUR'],
  ['Bruxelles', 4, 'BE', '32', 'EUR'],
  ['Paris', 5, 'FR', '33', 'EUR'],
  ['Lyon', 5, 'FR', '33', 'EUR'],
  ['København', 4, 'DK', '45', 'DKK'],
  ['Stockholm', 5, 'SE', '46', 'SEK'],
  ['Oslo', 4, 'NO', '47', 'NOK'],
  ['Warszawa', 5, 'PL', '48', 'PLN'],
  ['İstanbul', 5, 'TR', '90', 'EUR'],
  ['London', 0, 'GB', '44', 'GBP'],
  ['Dublin', 0, 'IE', '353', 'EUR'],
  ['Lisboa', 7, 'PT', '351', 'EUR'],
];

export const STREETS = [
  'Hauptstraße', 'Bahnhofstraße', 'Gartenweg', 'Schillerstraße', 'Goethestraße', 'Lindenallee', 'Am Markt',
  'Keizersgracht', 'Rue de la Paix', 'Boulevard Haussmann', 'Nørrebrogade', 'Drottninggatan', 'Mariahilfer Straße',
  'Bahnhofplatz', 'Kurfürstendamm', 'Königsallee', 'ul. Marszałkowska', 'Rua Augusta', 'High Street', 'Baker Street',
  'İstiklal Caddesi', 'Via Roma', 'Prinsengracht', 'Rämistrasse',
] as const;

export const MAIL_DOMAINS = ['gmx.example', 'web.example', 'mailbox.example', 't-online.example', 'outlook.example', 'proton.example'] as const;

/** addresses a person typed wrong or a form let through */
export const MALFORMED_EMAILS = [
  (local: string) => `${local}@gmx`,
  (local: string) => `${local}(at)web.example`,
  (local: string) => `${local}@@mailbox.example`,
  (local: string) => `${local.replace('.', ' ')}@web.example`,
  (local: string) => `mailto:${local}@gmx.example`,
  (local: string) => `${local}@gmx.example; ${local}@web.example`,
  () => 'n/a',
  () => '-',
] as const;

export const MALFORMED_PHONES = ['n/a', '-', '0', '12345', 'tbd', 'call via assistant', '+49 (0) ', '0171/'] as const;

export const COMPANY_TYPES: readonly (readonly [string, number])[] = [
  ['Corporate client', 45],
  ['Coaching firm', 15],
  ['Individual coach', 12],
  ['Public sector', 8],
  ['Non-profit', 8],
  ['Partner', 6],
  ['', 6],
];

export const INDUSTRIES = [
  'Information Technology', 'Financial Services', 'Healthcare', 'Manufacturing', 'Automotive', 'Retail',
  'Consulting', 'Education', 'Public Administration', 'Pharmaceuticals', 'Energy', 'Logistics', 'Media',
  'Insurance', 'Hospitality', 'Non-profit', 'Telecommunications', 'Real Estate',
] as const;

export const COMPANY_WORDS = [
  'Nordlicht', 'Alpenblick', 'Lumen', 'Brightpath', 'Rheinwerk', 'Kompass', 'Horizont', 'Silberfluss', 'Ostsee',
  'Meridian', 'Atlas', 'Vireo', 'Falkenstein', 'Lindgren', 'Aurora', 'Quellwerk', 'Stadtwerke', 'Helvetia',
  'Baltic', 'Kaya', 'Zeitgeist', 'Vertex', 'Morgenrot', 'Solvik',
] as const;

export const COMPANY_SUFFIXES = [
  'Coaching', 'Consulting', 'Leadership', 'Personalentwicklung', 'Versicherung', 'Technologies', 'Logistik',
  'Klinikum', 'Bank', 'Energie', 'Software', 'Danışmanlık', 'Partners', 'Akademie', 'Group', 'Systems',
] as const;

export const LEGAL_FORMS = ['GmbH', 'AG', 'B.V.', 'SE', 'SARL', 'AB', 'ApS', 'Ltd', 'sp. z o.o.', 'A.Ş.', 'GmbH & Co. KG', 'e.V.', ''] as const;

export const COACH_ROLES: readonly (readonly [string, number])[] = [
  ['Coach', 75],
  ['Assistant', 10],
  ['Admin', 8],
  ['Owner', 2],
];

export const SPECIALTIES = [
  'Leadership coaching', 'Career transition', 'Executive coaching', 'Burnout prevention', 'Team coaching',
  'Business coaching', 'Life coaching', 'Health & nutrition', 'Mindfulness', 'Communication & conflict',
  'Women in leadership', 'Agile coaching', 'Relationship coaching', 'Sales performance',
] as const;

export const CREDENTIALS = [
  'ICF ACC', 'ICF PCC', 'ICF MCC', 'EMCC Senior Practitioner', 'DBVC Coach', 'Systemic Coach (DGfC)',
  'Certified Scrum Master', 'NLP Practitioner', 'MBSR Teacher', 'Dipl.-Psych.', 'M.Sc. Psychology', 'Heilpraktiker (Psychotherapie)',
] as const;

export const BIOS = [
  'Former HR director turned coach; works with first-time managers.',
  'Helps engineers grow into leadership without losing the joy of building.',
  'Ten years in consulting, now coaching founders through growth phases.',
  'Certified in systemic coaching; sessions in German and English.',
  'Focus on resilience and sustainable performance after burnout.',
  'Coaches teams through reorganisations; "clarity before speed" is the motto.',
  'Bilingual French/German, specialised in cross-cultural leadership.',
  'Runs group programs for women stepping into senior roles — and loves it.',
] as const;

export const TIMEZONES = ['Europe/Berlin', 'Europe/Vienna', 'Europe/Zurich', 'Europe/Amsterdam', 'Europe/Paris', 'Europe/London', 'Europe/Stockholm', 'Europe/Istanbul'] as const;

export const PROGRAM_NAMES = [
  'Leadership Kickstart', 'Executive Presence', 'Career Compass', 'Resilience Reset', 'New Manager Bootcamp',
  'Confident Communication', 'Burnout Recovery', 'Women Lead', 'Team Alignment Sprint', 'Founder Focus',
  'Mindful Performance', 'Feedback Culture', 'Next Step Career Change', 'Conflict to Clarity', 'Sales Mastery',
] as const;

export const PROGRAM_TYPES: readonly (readonly [string, number])[] = [
  ['Session package', 45],
  ['Group program', 20],
  ['Online course', 20],
  ['Workshop', 15],
];

export const PROGRAM_STATUSES: readonly (readonly [string, number])[] = [
  ['Published', 65],
  ['Archived', 25],
  ['Draft', 10],
];

export const ENROLLMENT_STATUSES: readonly (readonly [string, number])[] = [
  ['Active', 40],
  ['Completed', 30],
  ['Paused', 8],
  ['Cancelled', 10],
  ['Pending payment', 12],
];

export const SESSION_TYPES: readonly (readonly [string, number])[] = [
  ['1:1 Session', 55],
  ['Intro call', 15],
  ['Follow-up', 12],
  ['Group session', 10],
  ['Assessment', 8],
];

export const SESSION_STATUSES: readonly (readonly [string, number])[] = [
  ['Completed', 55],
  ['Scheduled', 20],
  ['Cancelled', 12],
  ['No-show', 6],
  ['Rescheduled', 7],
];

export const SESSION_LOCATIONS: readonly (readonly [string, number])[] = [
  ['Online', 60],
  ['In person', 25],
  ['Phone', 10],
  ['', 5],
];

export const VIDEO_HOSTS = ['https://vimeo.example/recordings/', 'https://video.profi-cloud.example/r/', 'https://drive.example/file/d/'] as const;

export const MEETING_HOSTS = ['https://meet.profi-cloud.example/', 'https://zoom.example/j/', 'https://teams.example/l/meetup-join/'] as const;

export const SESSION_TITLES = [
  'Kick-off', 'Goal setting', 'Strengths review', 'Stakeholder map', 'Check-in', 'Values & priorities',
  'Feedback debrief', '360° debrief', 'Career options', 'Closing session', 'Energy audit', 'Role play: tough talk',
] as const;

export const PAYMENT_STATUSES: readonly (readonly [string, number])[] = [
  ['Paid', 60],
  ['Open', 14],
  ['Overdue', 8],
  ['Partially paid', 5],
  ['Refunded', 5],
  ['Failed', 4],
  ['Cancelled', 4],
];

export const PAYMENT_METHODS: readonly (readonly [string, number])[] = [
  ['Card', 35],
  ['SEPA direct debit', 25],
  ['Bank transfer', 25],
  ['PayPal', 10],
  ['Cash', 2],
  ['', 3],
];

/** currency, VAT rate in percent */
export const VAT: Readonly<Record<string, number>> = { EUR: 19, CHF: 8.1, GBP: 20, SEK: 25, DKK: 25, NOK: 25, PLN: 23, USD: 0 };

export const NOTE_TITLES = [
  'Session notes', 'Intake', 'Homework', 'Goals Q3', 'Reflection', 'Follow-up', 'Action items', 'Check-in summary',
  'Feedback from sponsor', '', '',
] as const;

/** paragraphs of a note's HTML body; a few carry characters cp1252 cannot hold */
export const NOTE_PARAGRAPHS = [
  '<p>Client arrived energised; we reviewed the <strong>stakeholder map</strong> and two difficult conversations.</p>',
  '<p>Homework:</p>\n<ul>\n<li>Write down three wins per week</li>\n<li>Ask for feedback from the team lead</li>\n</ul>',
  '<p>Feels "stuck" between two offers &mdash; next session: values exercise.</p>',
  '<p>Sponsor (HR) asked for a <em>short</em> progress update; agreed to share only the goals, not the content.</p>',
  '<p>Sleep still poor, energy 4/10. Suggested a <a href="https://mindful.example/breathing">breathing routine</a>.</p>',
  '<p>Great progress 🎉 — presented to the board on Friday!</p>',
  '<p>Quote of the day: „Mut ist, wenn man Angst hat und es trotzdem tut.“</p>',
  '<p>Discussed delegation; the client will hand the weekly report to Çelik&#39;s team.</p>',
  '<p>Client wrote her goals in Turkish: “Kendime daha çok güvenmek istiyorum.”</p>',
  '<p>Клиент хочет улучшить навыки презентации.</p>',
  '<p>目标：提高团队沟通效率。</p>',
  '<p>Cancelled last minute (third time) &ndash; raise in next session.</p>',
  '<p>Pasted from Word:</p>\n<p class="MsoNormal" style="margin:0cm;font-family:Calibri">Agenda &amp; goals for the quarter</p>',
  '<table><tr><td>Goal</td><td>Status</td></tr><tr><td>Delegate reporting</td><td>✔ done</td></tr></table>',
] as const;

/** vertical custom fields: stream, label as the export heads its column, field type, select options */
export const CUSTOM_FIELDS: readonly (readonly [string, string, string, readonly string[]])[] = [
  ['client', 'Coaching goal', 'long_text', []],
  ['client', 'Sponsored by employer', 'checkbox', []],
  ['client', 'Preferred session time', 'select', ['Morning', 'Lunch', 'Afternoon', 'Evening']],
  ['client', 'Referral partner', 'text', []],
  ['company', 'HR contact', 'text', []],
  ['company', 'Framework agreement until', 'date', []],
  ['program', 'Certification track', 'select', ['ICF ACC', 'ICF PCC', 'None']],
  ['enrollment', 'Voucher code', 'text', []],
  ['session', 'Mood before (1-10)', 'number', []],
  ['session', 'Mood after (1-10)', 'number', []],
  ['session', 'Topics', 'multi_select', ['Leadership', 'Career', 'Stress', 'Conflict', 'Communication', 'Work-life balance']],
  ['client', 'DISC profile', 'select', ['D', 'I', 'S', 'C', 'DI', 'SC']],
];

export const COACHING_GOALS = [
  'Step into my first team-lead role',
  'Find a job that fits my values',
  'Lead with more calm under pressure',
  'Prepare for the promotion round',
  'Say no more often',
  'Return to work after parental leave',
  'Build a personal brand as an expert',
  'Weniger Stress, mehr Fokus',
] as const;

export const REFERRAL_PARTNERS = ['Kompass HR Network', 'Business Club Nord', 'LinkedIn group "New Leaders"', 'Dr. Anja Weber', ''] as const;

/** name, trigger event, session type filter, steps as [offset minutes, channel, recipient, template, subject] */
export const REMINDER_SEQUENCES: readonly (readonly [
  string,
  string,
  string | null,
  readonly (readonly [number, string, string, string, string | null])[],
])[] = [
  ['Session reminder 24h + 1h', 'session.scheduled', null, [[-1440, 'email', 'client', 'reminder-24h', 'Your session tomorrow'], [-60, 'sms', 'client', 'reminder-1h', null]]],
  ['Intro call confirmation', 'session.scheduled', 'Intro call', [[0, 'email', 'client', 'intro-confirm', 'Looking forward to meeting you'], [-120, 'email', 'coach', 'coach-brief', 'Intro call in 2 hours']]],
  ['Post-session follow-up', 'session.completed', null, [[60, 'email', 'client', 'session-recap', 'Your session recap'], [4320, 'email', 'client', 'homework-nudge', 'How is the homework going?']]],
  ['No-show rebooking', 'session.no_show', null, [[30, 'email', 'client', 'missed-you', 'We missed you today'], [1440, 'sms', 'client', 'rebook-link', null]]],
  ['Welcome sequence', 'enrollment.created', null, [[0, 'email', 'client', 'welcome', 'Welcome to your program'], [2880, 'email', 'client', 'prep-questionnaire', 'Before we start: 5 questions'], [10080, 'push', 'client', 'first-week', null]]],
  ['Invoice overdue', 'invoice.overdue', null, [[1440, 'email', 'client', 'payment-reminder-1', 'Friendly reminder: invoice due'], [10080, 'email', 'client', 'payment-reminder-2', 'Second reminder'], [20160, 'email', 'coach', 'escalate-to-coach', 'Invoice still unpaid']]],
  ['Win-back after 90 days', 'client.inactive', null, [[0, 'email', 'client', 'win-back', 'It has been a while']]],
  ['Group session reminder', 'session.scheduled', 'Group session', [[-2880, 'email', 'client', 'group-reminder', 'Group session this week'], [-30, 'push', 'both', 'starting-soon', null]]],
  ['Program halfway check-in', 'enrollment.progress', null, [[0, 'email', 'coach', 'halfway-coach', 'Client at 50%'], [0, 'email', 'client', 'halfway-client', 'Halfway there!']]],
  ['Assessment prep', 'session.scheduled', 'Assessment', [[-4320, 'email', 'client', 'assessment-prep', 'Please complete the assessment']]],
];

/** emails that own records or coach sessions but never had a Profi login of their own */
export const NEVER_USERS = [
  'info@praxis-weber.example',
  'buchhaltung@lumen-coaching.example',
  'guest.coach@freelance-coaches.example',
  'jana.horak@freelance-coaches.example',
  'old-admin@profi-practice.example',
] as const;

export const FILE_KINDS: readonly (readonly [string, string, string, number])[] = [
  ['Intake questionnaire', 'pdf', 'application/pdf', 20],
  ['Coaching agreement signed', 'pdf', 'application/pdf', 15],
  ['Whiteboard', 'png', 'image/png', 18],
  ['Flipchart photo', 'jpg', 'image/jpeg', 14],
  ['Assessment report', 'pdf', 'application/pdf', 10],
  ['Session worksheet', 'docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 10],
  ['Goals', 'txt', 'text/plain', 6],
  ['Voice memo', 'm4a', 'audio/mp4', 4],
  ['Session recording excerpt', 'mp4', 'video/mp4', 3],
];
