/**
 * Word tables for the Planports sample: a Turkey-and-Europe SMB that runs health-tourism, real-estate and
 * digital-agency pipelines, talks to customers over WhatsApp and buys leads on Meta, Google Ads and TikTok.
 */

export type Vertical = 'health_tourism' | 'real_estate' | 'digital_agency' | 'general';

export const FIRST_NAMES = [
  'Ayşe', 'Mehmet', 'Fatma', 'Mustafa', 'Emine', 'Ahmet', 'Zeynep', 'Ali', 'Elif', 'Hüseyin', 'Özge', 'Çağla', 'Gökhan',
  'İbrahim', 'Şükrü', 'Ümit', 'Burak', 'Deniz', 'Ebru', 'Serkan', 'Tuğba', 'Oğuz', 'Gülşen', 'İrem', 'Cem', 'Selin',
  'Jürgen', 'Anja', 'Lukas', 'Sophie', 'Jan', 'Emma', 'Oliver', 'Charlotte', 'Liam', 'Chloé', 'Mateo', 'Lucía',
  'Omar', 'Layla', 'Yusuf', 'Nour', 'Aleksandr', 'Olga', 'Giorgos', 'Nino', 'Leyla', 'Rashid', 'Siobhán', 'Björn',
] as const;

export const LAST_NAMES = [
  'Yılmaz', 'Kaya', 'Demir', 'Şahin', 'Çelik', 'Yıldız', 'Yıldırım', 'Öztürk', 'Aydın', 'Özdemir', 'Arslan', 'Doğan',
  'Kılıç', 'Aslan', 'Çetin', 'Koç', 'Kurt', 'Özkan', 'Şimşek', 'Polat', 'Erdoğan', 'Güneş', 'Aksoy', 'Uçar',
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'de Vries', 'van Dijk', 'Janssen', 'Smith', 'Jones', "O'Connor",
  'Dubois', 'García', 'Rossi', 'Al-Hashimi', 'Haddad', 'Mansour', 'Ivanov', 'Papadopoulos', 'Beridze', 'Əliyev', 'Nielsen',
] as const;

/** given name, family name in their own scripts */
export const NON_LATIN_NAMES: readonly (readonly [string, string])[] = [
  ['محمد', 'العتيبي'],
  ['فاطمة', 'الزهراني'],
  ['عبدالله', 'القحطاني'],
  ['نورة', 'الشمري'],
  ['Анна', 'Смирнова'],
  ['Дмитрий', 'Кузнецов'],
  ['Екатерина', 'Попова'],
  ['伟', '王'],
  ['静', '李'],
  ['陽翔', '佐藤'],
  ['민준', '김'],
  ['Γιώργος', 'Παπαδάκης'],
  ['נועה', 'כהן'],
] as const;

export const EMOJI_NAMES = ['Ayşe 🌸', 'Mehmet 🏠', '⭐ VIP Elif', 'Deniz 🦷', 'Dr. Selin 👩‍⚕️', 'Oğuz 🚀'] as const;

/** a company as it should be, and its suffix family for the spelling variants */
export const COMPANY_STEMS = [
  'Yıldız Turizm', 'Anadolu Sağlık', 'Ege Emlak', 'Boğaziçi Dijital', 'Acme', 'Marmara Yapı', 'Kapadokya Travel',
  'Akdeniz Dental', 'Toros Gayrimenkul', 'Pera Medya', 'Nordic Dental', 'Gulf Medical Travel', 'Berlin Immobilien',
  'Lotus Klinik', 'Galata Reklam', 'Bosphorus Homes', 'Atlas Lojistik', 'Mavi Ajans', 'Hanse Consulting', 'Orient Estates',
  'Safir Estetik', 'Zirve İnşaat', 'Kuzey Yazılım', 'Smile Design Istanbul', 'Riverside Lettings',
] as const;

export const COMPANY_SUFFIXES = ['Ltd. Şti.', 'A.Ş.', 'Ltd', 'GmbH', 'LLC', 'B.V.', 'AB', ''] as const;

/** city, country code, WhatsApp/phone country calling code */
export const CITIES: readonly (readonly [string, string, string])[] = [
  ['İstanbul', 'TR', '90'], ['İstanbul', 'TR', '90'], ['İstanbul', 'TR', '90'], ['Ankara', 'TR', '90'], ['İzmir', 'TR', '90'],
  ['Antalya', 'TR', '90'], ['Bursa', 'TR', '90'], ['Muğla', 'TR', '90'], ['Berlin', 'DE', '49'], ['München', 'DE', '49'],
  ['London', 'GB', '44'], ['Amsterdam', 'NL', '31'], ['Dubai', 'AE', '971'], ['Riyadh', 'SA', '966'], ['Москва', 'RU', '7'],
  ['Bakı', 'AZ', '994'], ['Paris', 'FR', '33'], ['Tbilisi', 'GE', '995'], ['Baghdad', 'IQ', '964'], ['Stockholm', 'SE', '46'],
] as const;

export const LANGUAGES = [['tr', 50], ['en', 20], ['de', 10], ['ar', 10], ['ru', 6], ['fr', 4]] as const;

export const MAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'yahoo.com', 'yandex.ru', 'icloud.com', 'gmx.de', 'mynet.com'] as const;

export const JOB_TITLES = [
  'Genel Müdür', 'Satın Alma Müdürü', 'Marketing Manager', 'Owner', 'CEO', 'Muhasebe', 'Geschäftsführer', 'Office Manager',
  'Pazarlama Uzmanı', 'Founder', 'Patient', 'Investor', 'Emlak Danışmanı', 'Head of Growth',
] as const;

export const TAGS = ['vip', 'whatsapp', 'hot', 'returning', 'price-sensitive', 'referral', 'arabic-speaking', 'investor', 'agency-client'] as const;

export const SOURCE_PLATFORMS = [
  ['meta_instant_form', 34], ['google_ads', 20], ['tiktok', 10], ['website', 12], ['whatsapp', 10], ['referral', 7], ['manual', 5], ['import', 2],
] as const;

export const LEAD_PLATFORMS = [
  ['meta_instant_form', 45], ['google_ads', 25], ['tiktok', 15], ['website_form', 8], ['whatsapp', 5], ['manual', 2],
] as const;

export const LEAD_STATUSES = [['new', 25], ['contacted', 25], ['qualified', 15], ['unqualified', 12], ['converted', 15], ['junk', 8]] as const;

export const CAMPAIGNS: Readonly<Record<Vertical, readonly string[]>> = {
  health_tourism: ['Hair Transplant TR-DE 2024', 'Dental Veneers UK Spring', 'Rhinoplasty MENA Ramadan', 'Smile Makeover NL', 'IVF Istanbul Q3'],
  real_estate: ['Antalya Seaview Villas', 'Istanbul Citizenship Investment', 'Bodrum Summer Homes', 'Berlin Kreuzberg Lofts'],
  digital_agency: ['Agency Leadgen Always-On', 'E-commerce Audit Offer', 'TikTok Creators B2B'],
  general: ['Brand Awareness 2024', 'Retargeting Website Visitors', 'Newsletter Signup'],
};

export const FORM_NAMES = ['Free consultation form', 'Ücretsiz ön görüşme', 'Get a quote', 'Fiyat teklifi al', 'Book a viewing', 'Kostenlose Beratung'] as const;

export const LEAD_MESSAGES = [
  'Fiyat bilgisi alabilir miyim?', 'How much for 4000 grafts?', 'Ich interessiere mich für Veneers.', 'Kaç gün kalmam gerekiyor?',
  'هل يشمل السعر الفندق؟', 'Сколько стоит имплант?', 'Please call me after 6pm', 'Villa ile ilgileniyorum, WhatsApp\'tan yazın 🙏',
  'Is citizenship possible with this property?', '<b>URGENT</b> call me', '',
] as const;

/** pipeline templates: name, vertical, default currency, stages (name, probability, outcome, rotting days) */
export const PIPELINES: readonly {
  name: string;
  vertical: Vertical;
  currency: string;
  stages: readonly (readonly [string, number, 'open' | 'won' | 'lost', number | null])[];
}[] = [
  {
    name: 'Satış', vertical: 'general', currency: 'TRY',
    stages: [['Yeni', 10, 'open', 14], ['Görüşme', 25, 'open', 14], ['Teklif', 50, 'open', 21], ['Pazarlık', 70, 'open', 21], ['Kazanıldı', 100, 'won', null], ['Kaybedildi', 0, 'lost', null]],
  },
  {
    name: 'Health Tourism Patients', vertical: 'health_tourism', currency: 'EUR',
    stages: [['Inquiry', 10, 'open', 7], ['Photos Received', 25, 'open', 7], ['Treatment Plan Sent', 45, 'open', 10], ['Deposit Paid', 80, 'open', 30], ['Travel Booked', 90, 'open', 30], ['Treated', 100, 'won', null], ['Lost', 0, 'lost', null]],
  },
  {
    name: 'Gayrimenkul Satış', vertical: 'real_estate', currency: 'USD',
    stages: [['Talep', 10, 'open', 14], ['Yer Gösterme', 30, 'open', 14], ['Teklif', 55, 'open', 21], ['Kapora', 85, 'open', 30], ['Tapu Devri', 100, 'won', null], ['Vazgeçti', 0, 'lost', null]],
  },
  {
    name: 'Agency Retainers', vertical: 'digital_agency', currency: 'TRY',
    stages: [['Discovery', 15, 'open', 10], ['Proposal', 40, 'open', 14], ['Negotiation', 65, 'open', 14], ['Signed', 100, 'won', null], ['Lost', 0, 'lost', null]],
  },
  {
    name: 'Health Tourism Dental', vertical: 'health_tourism', currency: 'GBP',
    stages: [['New Enquiry', 10, 'open', 5], ['X-Ray Review', 30, 'open', 7], ['Quote Sent', 50, 'open', 10], ['Booked', 85, 'open', 30], ['Completed', 100, 'won', null], ['Cancelled', 0, 'lost', null]],
  },
  {
    name: 'Kiralama', vertical: 'real_estate', currency: 'TRY',
    stages: [['Talep', 10, 'open', 7], ['Gösterim', 35, 'open', 7], ['Sözleşme', 80, 'open', 14], ['Kiralandı', 100, 'won', null], ['İptal', 0, 'lost', null]],
  },
];

export const CLOSE_REASONS: Readonly<Record<'won' | 'lost', readonly string[]>> = {
  won: ['Best price', 'Fast response on WhatsApp', 'Referral', 'Package included hotel', 'Doctor reputation'],
  lost: ['Price too high', 'Fiyat yüksek', 'Chose competitor', 'No response', 'Ulaşılamadı', 'Visa problem', 'Budget cut', 'Timing'],
};

/** product templates per vertical: name, category, unit, price in the currency, currency, VAT percent */
export const PRODUCTS: Readonly<Record<Vertical, readonly (readonly [string, string, string, number, string, number])[]>> = {
  health_tourism: [
    ['Hair Transplant FUE 4000 grafts', 'Hair', 'session', 2300, 'EUR', 0], ['Dental Veneer (E-max)', 'Dental', 'piece', 250, 'EUR', 0],
    ['Zirconium Crown', 'Dental', 'piece', 180, 'GBP', 0], ['Rhinoplasty', 'Aesthetic', 'session', 3200, 'EUR', 0],
    ['Gastric Sleeve', 'Bariatric', 'session', 4100, 'EUR', 0], ['Hotel 5* (per night)', 'Accommodation', 'night', 95, 'EUR', 10],
    ['VIP Airport Transfer', 'Transfer', 'piece', 60, 'EUR', 20], ['Implant (Straumann)', 'Dental', 'piece', 590, 'GBP', 0],
  ],
  real_estate: [
    ['Danışmanlık Hizmeti', 'Service', 'piece', 25000, 'TRY', 20], ['Tapu İşlem Ücreti', 'Fee', 'piece', 12000, 'TRY', 0],
    ['Property Valuation Report', 'Service', 'piece', 450, 'USD', 20], ['Furniture Package', 'Goods', 'piece', 8500, 'USD', 20],
    ['Kiralama Komisyonu', 'Fee', 'month', 18000, 'TRY', 20],
  ],
  digital_agency: [
    ['Meta Ads Yönetimi', 'Retainer', 'month', 15000, 'TRY', 20], ['Google Ads Management', 'Retainer', 'month', 900, 'EUR', 20],
    ['TikTok UGC Video', 'Creative', 'piece', 4500, 'TRY', 20], ['SEO Audit', 'Project', 'piece', 1200, 'USD', 20],
    ['Landing Page', 'Project', 'piece', 30000, 'TRY', 20], ['Strategy Workshop', 'Project', 'hour', 150, 'EUR', 20],
  ],
  general: [
    ['CRM Kurulum', 'Service', 'piece', 7500, 'TRY', 20], ['Eğitim (saatlik)', 'Service', 'hour', 1250, 'TRY', 20],
    ['Destek Paketi', 'Support', 'month', 2000, 'TRY', 20], ['Consulting Day', 'Service', 'piece', 800, 'EUR', 19],
  ],
};

/** units of each currency per one Turkish lira cent, for pricing a product in another currency */
export const TRY_PER: Readonly<Record<string, number>> = { TRY: 1, EUR: 35, USD: 32, GBP: 41 };

export const TREATMENT_PACKAGES = ['Hair FUE 4000 + Hotel 3N', 'Hollywood Smile 20 Veneers', 'Rhinoplasty + 5N Hotel', 'Gastric Sleeve All-Inclusive', 'IVF Basic', 'Implant 2x + Crowns'] as const;
export const CLINIC_IDS = ['CLN-IST-01', 'CLN-IST-02', 'CLN-ANT-01', 'CLN-IZM-03', 'cln-ist-01', 'CLN IST 02'] as const;
export const REFERRAL_SOURCES = ['Facilitator agency', 'Instagram influencer', 'Former patient', 'Google', 'Hotel concierge', 'Eski hasta', 'Trustpilot'] as const;
export const PROPERTY_PREFIXES = ['PRP-ANT', 'PRP-IST', 'PRP-BDR', 'PRP-BER'] as const;
export const CHANNEL_ATTRIBUTIONS = ['Meta 60% / Google 40%', 'Google Ads', 'TikTok', 'Meta Ads', 'Organic + Meta', 'Meta %70, TikTok %30'] as const;

export const DEAL_TITLES: Readonly<Record<Vertical, readonly string[]>> = {
  health_tourism: ['Hair transplant', 'Veneers', 'Rhinoplasty', 'Implants', 'Gastric sleeve', 'Smile makeover'],
  real_estate: ['Deniz manzaralı 3+1', 'Villa with pool', 'Kadıköy 2+1 kiralık', 'Citizenship investment', 'Office floor', 'Bodrum yazlık'],
  digital_agency: ['Meta Ads retainer', 'Website redesign', 'SEO project', 'TikTok campaign', 'Performance audit'],
  general: ['Yıllık lisans', 'Kurulum projesi', 'Danışmanlık', 'Destek yenileme'],
};

export const ACTIVITY_SUBJECTS = {
  call: ['Follow-up call', 'Geri arama', 'Price discussion', 'Ön görüşme', 'Payment reminder', 'Tedavi planı görüşmesi'],
  email: ['Treatment plan', 'Teklifiniz ektedir', 'Your quote from us', 'Invoice', 'Viewing confirmation', 'Re: Fiyat'],
  meeting: ['Online consultation', 'Yer gösterme', 'Kick-off meeting', 'Clinic visit', 'Proposal review', 'Zoom demo'],
  task: ['Send quote', 'Fotoğrafları iste', 'Prepare contract', 'Book hotel', 'Transfer ayarla', 'Update CRM'],
} as const;

export const CALL_DISPOSITIONS = [['connected', 55], ['no_answer', 20], ['busy', 7], ['voicemail', 10], ['wrong_number', 3], ['callback_requested', 5]] as const;

export const MEETING_LOCATIONS = ['Clinic, Şişli', 'Ofis - Levent', 'Zoom', 'Google Meet', 'Hotel lobby, Taksim', 'Site, Konyaaltı', 'Teams'] as const;

/** note bodies as the rich-text editor stored them */
export const NOTE_BODIES = [
  '<p>Hasta <b>Mayıs</b> sonunda gelmek istiyor 🙏</p>',
  '<p>Sent treatment plan via WhatsApp, waiting for photos.</p>',
  '<ul><li>Teklif gönderildi</li><li>Kapora bekleniyor</li></ul>',
  '<p dir="rtl">المريض يريد موعدا في يونيو مع الفندق</p>',
  '<p>Клиент хочет виллу у моря, бюджет до $400k</p>',
  '<p>客户希望下个月来伊斯坦布尔看房</p>',
  '<p>Called back &amp; confirmed the <i>viewing</i> for Saturday.</p>',
  '<div style="color:red">VIP – do not discuss price on the phone!</div>',
  'Plain text note without markup; müşteri memnun.',
  '<p>Line one<br>Line two<br/>Line three</p>',
  '<p>Ödeme <span style="font-weight:bold">3 taksit</span> olarak alınacak.</p>',
  '<p>Kunde möchte Rückruf am Montag 😊</p>',
  '<p>&lt;script&gt;alert(1)&lt;/script&gt; pasted from a web form</p>',
  '<p>Deal moved to <b>Negotiation</b> after the call 🚀🔥</p>',
  '<p>Passport copy received. Flight TK1984 on 12.06.</p>',
] as const;

export const CARD_TITLES = ['Send contract', 'Fotoğraf iste', 'Prepare creatives', 'Tapu randevusu', 'Hotel booking', 'Invoice follow-up', 'Landing page QA', 'Transfer ayarla'] as const;

/** board templates: name, kind, columns (name, WIP limit, done) */
export const BOARDS: readonly { name: string; kind: string; columns: readonly (readonly [string, number | null, boolean])[] }[] = [
  { name: 'Patient Journey', kind: 'service', columns: [['Photos', null, false], ['Plan', 20, false], ['Travel', null, false], ['In Clinic', 15, false], ['Aftercare', null, true]] },
  { name: 'Satış Süreci', kind: 'sales', columns: [['Yeni', null, false], ['Aranacak', 30, false], ['Teklif', null, false], ['Takip', null, false], ['Tamamlandı', null, true]] },
  { name: 'Agency Delivery', kind: 'project', columns: [['Backlog', null, false], ['Doing', 5, false], ['Review', 3, false], ['Done', null, true]] },
  { name: 'Emlak Portföy', kind: 'sales', columns: [['Portföy', null, false], ['Gösterim', 10, false], ['Pazarlık', null, false], ['Satıldı', null, true]] },
];

/** what an attachment is: kind, file name pattern, MIME type, parent object */
export const ATTACHMENT_KINDS: readonly (readonly [string, string, string, 'contact' | 'deal' | 'quote' | 'order', number])[] = [
  ['quote_pdf', 'Teklif_{n}.pdf', 'application/pdf', 'quote', 25],
  ['signed_quote', 'Signed_Quote_{n}.pdf', 'application/pdf', 'quote', 8],
  ['invoice', 'Fatura_{n}.pdf', 'application/pdf', 'order', 12],
  ['passport_scan', 'pasaport_{n}.jpg', 'image/jpeg', 'contact', 12],
  ['medical_report', 'medical report {n}.pdf', 'application/pdf', 'contact', 8],
  ['photo', 'IMG_{n}.HEIC', 'image/heic', 'contact', 10],
  ['floor_plan', 'kat_plani_{n}.pdf', 'application/pdf', 'deal', 8],
  ['contract', 'Sözleşme_{n}.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'deal', 10],
  ['creative', 'creative_{n}.mp4', 'video/mp4', 'deal', 5],
  ['other', 'WhatsApp Image {n}.jpeg', 'image/jpeg', 'contact', 2],
];

/** Planports users who are not (and never were) destination users */
export const PLANPORTS_ONLY_USERS = [
  ['Mert Aydın', 'mert.aydin@planports-agency.example'],
  ['Seda Korkmaz', 'seda.korkmaz@planports-agency.example'],
  ['Kerem Baysal', 'kerem@yildizturizm.example'],
  ['Lena Hoffmann', 'lena.hoffmann@partner-clinic.example'],
  ['Hakan Öz', 'hakan.oz@planports-agency.example'],
  ['Aylin Tekin', 'aylin.tekin@planports-agency.example'],
] as const;

/** users who left: still owners of old records, inactive in Planports */
export const FORMER_USERS = [
  ['Burcu Er', 'burcu.er@planports-agency.example'],
  ['Tolga Şen', 'tolga.sen@planports-agency.example'],
  ['Max Braun', 'max.braun@planports-agency.example'],
] as const;

export const TEAMS = ['Sales TR', 'Patient Care', 'International', 'Agency', 'Emlak'] as const;
