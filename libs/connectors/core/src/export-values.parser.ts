/**
 * Cell values as CRM exports spell them, turned into the types of an Avro record. Each parser returns the
 * value or a short problem phrase ("which is not a date (expected …)") that the coercer puts into a reason.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const MS_PER_DAY = 86_400_000;
/** Days from 1899-12-30 (day 0 of Excel's 1900 date system, past its 1900 leap-year bug) to 1970-01-01. */
const EXCEL_EPOCH_DAYS = 25_569;
/** Days from 1904-01-01 (day 0 of Excel's 1904 date system) to 1970-01-01. */
const EXCEL_1904_EPOCH_DAYS = 24_107;

export const DATE_FORMATS_HINT =
  'expected ISO 8601 such as 2024-03-01 or 2024-03-01T09:30:00+03:00, DD.MM.YYYY, DD-MM-YYYY, M/D/YYYY, a month ' +
  'name such as "16 Apr 2021" or "Apr 16, 2021 3:04 PM", RFC 2822, or epoch seconds or milliseconds';
export const MONEY_FORMATS_HINT = 'expected an amount such as 1234.50, $1,234.50, 1.234,50 €, TRY 1.500,00 or (1,200.00)';
export const NUMBER_FORMATS_HINT = 'expected a number such as 1234, 1,234.5 or 1.234,5';
export const PERCENT_FORMATS_HINT = 'expected a percentage such as 45%, 45, 12.5 % or 12,5%';
export const BOOLEAN_FORMATS_HINT = 'expected true/false, yes/no or 1/0';
export const LENIENT_BOOLEAN_FORMATS_HINT = 'expected true/false, yes/no, Y/N or 1/0';

/** Days from 1970-01-01 to a proleptic Gregorian date, without Date's two-digit-year quirks. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** A moment as written: the calendar date on the page, and the instant (a missing zone read as UTC). */
export interface Moment {
  days: number;
  millis: number;
}

const ZONE = '(Z|z|UTC|GMT|UT|[+-]\\d{2}(?::?\\d{2})?)';
const TIME = '(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?';
const ISO = new RegExp(`^(\\d{4})([-/])(\\d{2})\\2(\\d{2})(?:(?:[Tt]|\\s+)${TIME}\\s*${ZONE}?)?$`);
const US_ZONES: Record<string, number> = { EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420 };

/** Minutes east of UTC, or null for an impossible offset. */
function zoneMinutes(zone: string | undefined): number | null {
  if (zone === undefined) return 0;
  const upper = zone.toUpperCase();
  if (upper === 'Z' || upper === 'UTC' || upper === 'GMT' || upper === 'UT') return 0;
  if (upper in US_ZONES) return US_ZONES[upper];
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const m = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (h > 18 || m > 59) return null;
  return sign * (h * 60 + m);
}

function moment(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  fraction: string | undefined = undefined,
  zone: string | undefined = undefined,
): Moment | null {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const offset = zoneMinutes(zone);
  if (offset === null) return null;
  const millisPart = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
  const days = daysFromCivil(year, month, day);
  return { days, millis: days * MS_PER_DAY + ((hour * 60 + minute - offset) * 60 + second) * 1000 + millisPart };
}

function fromMillis(millis: number): Moment {
  return { days: Math.floor(millis / MS_PER_DAY), millis };
}

function num(s: string | undefined): number {
  return s === undefined ? 0 : Number(s);
}

/** Which number comes first in a numeric day-month date: `dmy` (16/04/2021) or `mdy` (04/16/2021). */
export type DateOrder = 'dmy' | 'mdy';

/**
 * What one value says about the column's day-month order: `dmy` or `mdy` when only that order gives a real
 * date (a first number over 12 decides d/m), `either` when both would, null when it is not a numeric
 * day-month date at all (ISO, month names, epoch values).
 */
export type DateOrderEvidence = DateOrder | 'either' | null;

/** A moment and the day-month evidence of the text it was read from. */
export interface MomentReading {
  moment: Moment | null;
  evidence: DateOrderEvidence;
  /** the separator of a numeric day-month date ('/', '.' or '-'): a column writing two kinds may order each its own way */
  separator?: DateSeparator;
}

export type DateSeparator = '/' | '.' | '-';

/** The order numeric dates are read in: one for every separator, or one per separator. */
export type DateOrders = DateOrder | Partial<Record<DateSeparator, DateOrder>>;

/**
 * Month names and their usual abbreviations in English, French, Spanish, German, Dutch, Italian and
 * Portuguese, lower-case without accents (the text is folded the same way before lookup).
 */
const MONTH_WORDS: ReadonlyArray<readonly string[]> = [
  ['jan', 'january', 'janv', 'janvier', 'ene', 'enero', 'januar', 'jaenner', 'janner', 'januari', 'gen', 'gennaio', 'janeiro'],
  ['feb', 'february', 'fev', 'fevr', 'fevrier', 'febrero', 'februar', 'februari', 'febbraio', 'fevereiro'],
  ['mar', 'march', 'mars', 'marzo', 'marz', 'maerz', 'mrt', 'maart', 'marco'],
  ['apr', 'april', 'avr', 'avril', 'abr', 'abril', 'aprile'],
  ['may', 'mai', 'mayo', 'mei', 'mag', 'maggio', 'maio'],
  ['jun', 'june', 'juin', 'junio', 'juni', 'giu', 'giugno', 'junho'],
  ['jul', 'july', 'juil', 'juillet', 'julio', 'juli', 'lug', 'luglio', 'julho'],
  ['aug', 'august', 'aou', 'aout', 'ago', 'agosto', 'augustus'],
  ['sep', 'sept', 'september', 'septembre', 'septiembre', 'set', 'setiembre', 'settembre', 'setembro'],
  ['oct', 'october', 'octobre', 'octubre', 'okt', 'oktober', 'ott', 'ottobre', 'out', 'outubro'],
  ['nov', 'november', 'novembre', 'noviembre', 'novembro'],
  ['dec', 'december', 'decembre', 'dic', 'diciembre', 'dez', 'dezember', 'dicembre', 'dezembro'],
];
const MONTH_BY_WORD = new Map<string, number>(MONTH_WORDS.flatMap((words, i) => words.map((w) => [w, i + 1] as [string, number])));

/** Words a written-out date may carry that say nothing about it: weekdays, "de", "of", "the", "at", "um", "à". */
const FILLER_WORDS = new Set([
  ...['mon', 'monday', 'tue', 'tues', 'tuesday', 'wed', 'wednesday', 'thu', 'thur', 'thurs', 'thursday', 'fri', 'friday', 'sat', 'saturday', 'sun', 'sunday'],
  ...['lun', 'lundi', 'mardi', 'mer', 'mercredi', 'jeu', 'jeudi', 'ven', 'vendredi', 'sam', 'samedi', 'dim', 'dimanche'],
  ...['lunes', 'martes', 'miercoles', 'jueves', 'viernes', 'sabado', 'domingo'],
  ...['mo', 'montag', 'di', 'dienstag', 'mi', 'mittwoch', 'do', 'donnerstag', 'fr', 'freitag', 'sa', 'samstag', 'so', 'sonntag'],
  ...['ma', 'maandag', 'dinsdag', 'wo', 'woensdag', 'donderdag', 'vr', 'vrijdag', 'za', 'zaterdag', 'zo', 'zondag'],
  ...['de', 'del', 'of', 'the', 'at', 'um', 'a', 'om', 'le', 'el', 'den', 'der'],
]);
/** Ordinal endings written straight after a day: 1st, 2nd, 3rd, 16th, 1er, 1º. */
const ORDINAL_ENDINGS = new Set(['st', 'nd', 'rd', 'th', 'er', 'e', 'o', 'a', 'º', 'ª']);

/** Folds text for the word tables: lower case, accents and dots dropped ("Févr." → "fevr", "März" → "marz"). */
function foldWord(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f.]/g, '');
}

/** A two-digit year in the century POSIX strptime puts it: 69-99 are 1969-1999, 00-68 are 2000-2068. */
export function fullYear(twoDigits: number): number {
  return twoDigits >= 69 ? 1900 + twoDigits : 2000 + twoDigits;
}

interface Tokens {
  numbers: Array<{ text: string; sep: string }>;
  month: number;
  /** where the month word sits among the numbers: before the first, after the first, … */
  monthAt: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string | undefined;
  hasTime: boolean;
  meridiem: 'AM' | 'PM' | undefined;
  zone: string | undefined;
}

const TOKEN = /(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?|([ap])\.?\s?m\.?(?!\p{L})|(z|utc|gmt|ut)(?!\p{L})|([+-]\d{2}(?::?\d{2})?)(?!\d)|(\d+)|(\p{L}+\.?)|([/.,\s]+|-)|(.)/giuy;

/** Splits a written date into numbers (with the separator before each), one month word, a time, a zone. */
function tokenize(text: string): Tokens | null {
  const t: Tokens = { numbers: [], month: 0, monthAt: -1, hour: 0, minute: 0, second: 0, fraction: undefined, hasTime: false, meridiem: undefined, zone: undefined };
  let sep = '';
  let afterNumber = false;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const wasAfterNumber = afterNumber;
    afterNumber = false;
    if (m[1] !== undefined) {
      if (t.hasTime) return null;
      t.hasTime = true;
      t.hour = Number(m[1]);
      t.minute = Number(m[2]);
      t.second = m[3] === undefined ? 0 : Number(m[3]);
      t.fraction = m[4];
    } else if (m[5] !== undefined) {
      if (!t.hasTime || t.meridiem) return null;
      t.meridiem = m[5].toUpperCase() === 'A' ? 'AM' : 'PM';
    } else if (m[7] !== undefined && !t.hasTime) {
      // before a time, "-07" is a dash between two numbers ("03-07-2021")
      sep += m[7][0];
      TOKEN.lastIndex = m.index + 1;
      continue;
    } else if (m[6] !== undefined || m[7] !== undefined) {
      if (!t.hasTime || t.zone !== undefined) return null;
      t.zone = m[6] ?? m[7];
    } else if (m[8] !== undefined) {
      if (t.hasTime) return null;
      t.numbers.push({ text: m[8], sep });
      sep = '';
      afterNumber = true;
      continue;
    } else if (m[9] !== undefined) {
      const word = foldWord(m[9]);
      const month = MONTH_BY_WORD.get(word);
      if (wasAfterNumber && ORDINAL_ENDINGS.has(word)) {
        // "16th", "1er": the ending belongs to the number just read
      } else if (month !== undefined && t.month === 0) {
        t.month = month;
        t.monthAt = t.numbers.length;
      } else if (US_ZONES[word.toUpperCase()] !== undefined && t.hasTime && t.zone === undefined) {
        t.zone = word.toUpperCase();
      } else if (!FILLER_WORDS.has(word)) return null;
    } else if (m[10] !== undefined) {
      sep += m[10].replace(/\s+/g, ' ');
      continue;
    } else return null;
    sep = '';
  }
  return t;
}

function yearOf(text: string): number | null {
  if (text.length === 4) return Number(text);
  if (text.length === 2) return fullYear(Number(text));
  return null;
}

/**
 * Reads the dates and date-times exports write, beyond the common ISO shape: month names in seven languages
 * in any order ("16 Apr, 2021 00:02:00", "Apr 16 2021", "16. April 2021", "3 févr. 2021", "16 de abril de
 * 2021"); numeric day-month-year with slashes, dots or dashes ("03-07-2021 01:09", "03.07.21"); two-digit
 * years (69-99 → 19xx, else 20xx); 12-hour clocks; RFC 2822; a zone after the time. Digits alone are epoch
 * seconds (9-10 digits), epoch milliseconds (12-13) or a compact YYYYMMDD (8).
 *
 * A numeric date whose day and month could be swapped is read in `order` when given; without it, a first
 * number over 12 means d/m, a second over 12 means m/d, and otherwise slashes are m/d (US) and dots and
 * dashes d/m (Europe). The column decides `order` from every value it holds (see the coercer).
 */
export function readMoment(text: string, orders?: DateOrders): MomentReading {
  const fast = isoMillis(text);
  if (!Number.isNaN(fast)) return { moment: fromMillis(fast), evidence: null };
  const c0 = text.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && /^\d+$/.test(text)) {
    if (text.length === 8) return { moment: moment(num(text.slice(0, 4)), num(text.slice(4, 6)), num(text.slice(6, 8))), evidence: null };
    if (text.length === 9 || text.length === 10) return { moment: fromMillis(Number(text) * 1000), evidence: null };
    if (text.length === 12 || text.length === 13) return { moment: fromMillis(Number(text)), evidence: null };
    return { moment: null, evidence: null };
  }
  const iso = ISO.exec(text);
  if (iso) return { moment: moment(num(iso[1]), num(iso[3]), num(iso[4]), num(iso[5]), num(iso[6]), num(iso[7]), iso[8], iso[9]), evidence: null };
  if (text.length > 64) return { moment: null, evidence: null };
  const t = tokenize(text);
  if (t === null) return { moment: null, evidence: null };
  let hour = t.hour;
  if (t.meridiem) {
    if (hour < 1 || hour > 12) return { moment: null, evidence: null };
    hour = (hour % 12) + (t.meridiem === 'PM' ? 12 : 0);
  }
  const at = (y: number, mo: number, d: number) => moment(y, mo, d, hour, t.minute, t.second, t.fraction, t.zone);
  const n = t.numbers;
  if (t.month > 0) {
    if (n.length !== 2) return { moment: null, evidence: null };
    // the year is the four-digit number, or the one that cannot be a day; else the day comes first
    let dayIndex = n[0].text.length === 4 || Number(n[0].text) > 31 ? 1 : 0;
    if (n[1].text.length === 4 && n[0].text.length !== 4) dayIndex = 0;
    const dayText = n[dayIndex].text;
    const year = yearOf(n[1 - dayIndex].text);
    if (year === null || dayText.length > 2) return { moment: null, evidence: null };
    return { moment: at(year, t.month, Number(dayText)), evidence: null };
  }
  if (n.length !== 3 || n[1].sep !== n[2].sep || !/^[-/.]$/.test(n[1].sep)) return { moment: null, evidence: null };
  const sep = n[1].sep as DateSeparator;
  const order = typeof orders === 'string' ? orders : orders?.[sep];
  const [a, b, c] = n.map((x) => x.text);
  if (a.length === 4) {
    // year first: 2021.07.03, 2021/7/3
    if (b.length > 2 || c.length > 2) return { moment: null, evidence: null };
    return { moment: at(Number(a), Number(b), Number(c)), evidence: null };
  }
  const year = yearOf(c);
  if (year === null || a.length > 2 || b.length > 2) return { moment: null, evidence: null };
  const first = Number(a);
  const second = Number(b);
  const evidence: DateOrderEvidence = first > 12 && second <= 12 ? 'dmy' : second > 12 && first <= 12 ? 'mdy' : first <= 12 && second <= 12 ? 'either' : null;
  const chosen = evidence === 'dmy' || evidence === 'mdy' ? evidence : (order ?? (sep === '/' ? 'mdy' : 'dmy'));
  const m = chosen === 'dmy' ? at(year, second, first) : at(year, first, second);
  return { moment: m, evidence: m === null ? null : evidence, separator: sep };
}

/** A date or date-time as a moment (see readMoment), or null. */
export function parseMoment(text: string, orders?: DateOrders): Moment | null {
  return readMoment(text, orders).moment;
}

/** The number written in text[from, from + n) when it is all digits, else -1. */
function digitsAt(text: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * The common shapes, without a regular expression: "YYYY-MM-DD" and "YYYY-MM-DDTHH:MM:SS" with optional
 * milliseconds and "Z" (what most exports and APIs write). Returns NaN for anything else, including these
 * shapes with a date or time that does not exist, and leaves those to the general parser.
 */
export function isoMillis(text: string): number {
  const len = text.length;
  if ((len !== 10 && len < 19) || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return NaN;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  const days = daysFromCivil(year, month, day);
  if (len === 10) return days * MS_PER_DAY;
  const t = text.charCodeAt(10);
  if ((t !== 84 && t !== 32) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return NaN;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return NaN;
  let i = 19;
  let millis = 0;
  if (i < len && text.charCodeAt(i) === 46) {
    const end = len - (text.charCodeAt(len - 1) === 90 ? 1 : 0);
    if (end - i - 1 < 1 || end - i - 1 > 9) return NaN;
    const frac = digitsAt(text, i + 1, Math.min(3, end - i - 1));
    if (frac < 0 || (end - i - 1 > 3 && digitsAt(text, i + 4, end - i - 4) < 0)) return NaN;
    millis = end - i - 1 === 1 ? frac * 100 : end - i - 1 === 2 ? frac * 10 : frac;
    i = end;
  }
  if (i === len - 1 && text.charCodeAt(i) === 90) i++;
  if (i !== len) return NaN;
  return days * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

/** An Excel serial date (days since 1899-12-30, the time as a fraction of a day) as a moment. */
export function excelSerialMoment(serial: number, date1904 = false): Moment | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2_958_466) return null;
  const millis = Math.round((serial - (date1904 ? EXCEL_1904_EPOCH_DAYS : EXCEL_EPOCH_DAYS)) * MS_PER_DAY);
  return fromMillis(millis);
}

/** An instant as epoch millis. */
export function parseTimestamp(text: string): Parsed<number> {
  const m = parseMoment(text);
  return m ? { ok: true, value: m.millis } : { ok: false, problem: `which is not a date and time (${DATE_FORMATS_HINT})` };
}

/** A calendar date as days since 1970-01-01; a date-time keeps the date it was written with, epoch values the UTC date. */
export function parseDate(text: string): Parsed<number> {
  const m = parseMoment(text);
  return m ? { ok: true, value: m.days } : { ok: false, problem: `which is not a date (${DATE_FORMATS_HINT})` };
}

const GROUPING = /[\s\u00a0\u202f']/;
const SPLIT_ANY = /[.,\s\u00a0\u202f']/;
const SPLIT_DOT = /[.\s\u00a0\u202f']/;
const SPLIT_COMMA = /[,\s\u00a0\u202f']/;

interface DecimalParts {
  whole: string;
  fraction: string;
}

/**
 * Splits digits with grouping and a decimal mark, in either convention: "1,234.50", "1.234,50", "1 234,5",
 * "1'234.50". When both '.' and ',' appear the later one is the decimal mark. A lone '.' or ',' followed by
 * exactly three digits is ambiguous ("1.500"); `loneThree` says how to read it.
 */
function decimalParts(core: string, loneThree: 'group' | 'dot-decimal'): DecimalParts | null {
  if (core.length === 0) return null;
  const c0 = core.charCodeAt(0);
  if (c0 < 48 || c0 > 57) {
    // ".5" and ",5" are fractions.
    if ((core[0] === '.' || core[0] === ',') && /^[.,]\d+$/.test(core)) return { whole: '0', fraction: core.slice(1) };
    return null;
  }
  let plain = true;
  for (let i = 0; i < core.length; i++) {
    const c = core.charCodeAt(i);
    if (c < 48 || c > 57) {
      plain = false;
      break;
    }
  }
  if (plain) return { whole: stripZeros(core), fraction: '' };
  const lastDot = core.lastIndexOf('.');
  const lastComma = core.lastIndexOf(',');
  let mark = -1;
  if (lastDot !== -1 && lastComma !== -1) mark = Math.max(lastDot, lastComma);
  else if (lastDot !== -1 || lastComma !== -1) {
    const at = lastDot !== -1 ? lastDot : lastComma;
    const ch = core[at];
    const once = core.indexOf(ch) === at;
    const after = core.length - at - 1;
    const before = core.slice(0, at);
    if (once) {
      const couldGroup = after === 3 && /^[1-9]\d{0,2}([\s\u00a0\u202f']\d{3})*$/.test(before);
      if (!couldGroup) mark = at;
      else if (loneThree === 'dot-decimal' && ch === '.') mark = at;
    }
  }
  const wholeText = mark === -1 ? core : core.slice(0, mark);
  const fraction = mark === -1 ? '' : core.slice(mark + 1);
  if (mark !== -1 && !/^\d+$/.test(fraction)) return null;
  const sep = mark === -1 ? null : core[mark] === '.' ? ',' : '.';
  const groups = wholeText.split(sep === null ? SPLIT_ANY : sep === '.' ? SPLIT_DOT : SPLIT_COMMA);
  if (groups.length === 1) {
    if (!/^\d+$/.test(groups[0])) return null;
    return { whole: stripZeros(groups[0]), fraction };
  }
  if (!/^[1-9]\d{0,2}$/.test(groups[0])) return null;
  for (let i = 1; i < groups.length; i++) if (!/^\d{3}$/.test(groups[i])) return null;
  if (sep === null && GROUPING.test(wholeText) && /[.,]/.test(wholeText)) {
    // Mixed grouping ("1 234.567.890") without a decimal mark is not one convention.
    const kinds = new Set(wholeText.replace(/\d/g, ''));
    if (kinds.size > 1) return null;
  }
  return { whole: stripZeros(groups.join('')), fraction };
}

function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  return i === 0 ? digits : digits.slice(i);
}

const CURRENCY_SIGN = '[$€£¥₺₹₽₩₪₫₴฿₦₱]';
const CURRENCY_PREFIX = new RegExp(`^(?:[A-Za-z]{1,3}${CURRENCY_SIGN}|${CURRENCY_SIGN}|[A-Za-z]{2,3}\\.?)`);
const CURRENCY_SUFFIX = new RegExp(`(?:${CURRENCY_SIGN}|[A-Za-z]{2,3}\\.?)$`);
const SIMPLE_MONEY = /^-?\d+(?:\.\d{1,2})?$/;

/**
 * Money as exact text with two decimals, never through a float: "$1,234.5" → "1234.50", "1.234,50 €" →
 * "1234.50", "(1,200.00)" → "-1200.00". A currency symbol or 2-3 letter code may lead or trail; the amount
 * may be negative by a leading or trailing minus or by parentheses. A lone separator before exactly three
 * digits groups thousands ("1.500" is 1500.00), since amounts are kept to the cent.
 */
export function parseMoney(text: string): Parsed<string> {
  const simple = simpleMoney(text);
  if (simple !== null) return { ok: true, value: simple };
  let s = text;
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  let signs = 0;
  const takeSign = () => {
    if (s[0] === '-' || s[0] === '+' || s[0] === '\u2212') {
      if (s[0] !== '+') negative = true;
      signs++;
      s = s.slice(1).trimStart();
    }
  };
  takeSign();
  const prefix = CURRENCY_PREFIX.exec(s);
  if (prefix) s = s.slice(prefix[0].length).trimStart();
  takeSign();
  if (s.endsWith('-')) {
    negative = true;
    signs++;
    s = s.slice(0, -1).trimEnd();
  }
  const suffix = prefix ? null : CURRENCY_SUFFIX.exec(s);
  if (suffix) s = s.slice(0, suffix.index).trimEnd();
  if (s.endsWith('-')) {
    negative = true;
    signs++;
    s = s.slice(0, -1).trimEnd();
  }
  const parts = signs > 1 || (signs > 0 && text.startsWith('(')) ? null : decimalParts(s, 'group');
  if (!parts) return { ok: false, problem: `which is not an amount of money (${MONEY_FORMATS_HINT})` };
  if (parts.fraction.length > 2 && /[^0]/.test(parts.fraction.slice(2))) {
    return { ok: false, problem: 'which has more than 2 decimal places (amounts are kept to the cent; round it in the export)' };
  }
  return { ok: true, value: moneyText(negative, parts.whole + (parts.fraction ? `.${parts.fraction}` : '')) };
}

/** Money written plainly ("1234.5", "-20"), without parsing it any further; null for anything else. */
export function simpleMoney(text: string): string | null {
  if (!SIMPLE_MONEY.test(text)) return null;
  const negative = text.charCodeAt(0) === 45;
  return moneyText(negative, negative ? text.slice(1) : text);
}

/** "1234.5" → "1234.50"; no sign for zero. `digits` is unsigned, with at most one '.'. */
function moneyText(negative: boolean, digits: string): string {
  const dot = digits.indexOf('.');
  const whole = stripZeros(dot === -1 ? digits : digits.slice(0, dot));
  const cents = (dot === -1 ? '' : digits.slice(dot + 1, dot + 3)).padEnd(2, '0');
  return `${negative && !(whole === '0' && cents === '00') ? '-' : ''}${whole}.${cents}`;
}

/** A JavaScript number (an XLSX or JSON cell) as money text, when it is a whole number of cents. */
export function moneyFromNumber(n: number): Parsed<string> {
  if (!Number.isFinite(n)) return { ok: false, problem: `which is not an amount of money (${MONEY_FORMATS_HINT})` };
  const cents = Math.round(n * 100);
  if (Math.abs(n * 100 - cents) > 1e-6 * Math.max(1, Math.abs(n))) {
    return { ok: false, problem: 'which has more than 2 decimal places (amounts are kept to the cent; round it in the export)' };
  }
  if (!Number.isSafeInteger(cents)) return parseMoney(String(n));
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  return { ok: true, value: `${cents < 0 ? '-' : ''}${whole}.${String(abs % 100).padStart(2, '0')}` };
}

/** An integer written as plain digits with an optional minus (at most 15 digits, so exact), else NaN. */
export function plainInteger(text: string): number {
  const len = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0;
  if (len === i || len - i > 15) return NaN;
  for (; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return NaN;
  }
  const n = Number(text);
  return n === 0 ? 0 : n;
}

const EXPONENT = /^[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * A number written with optional grouping and either decimal mark. Doubles read a lone "1.500" as one and a
 * half (as most programs write them) and a lone "1,500" as fifteen hundred, and "45%" as 0.45; int and long
 * read both as fifteen hundred and accept a zero fraction ("12.00"). Longs must fit a JavaScript number exactly.
 */
export function parseNumber(text: string, kind: 'int' | 'long' | 'double'): Parsed<number> {
  let s = text;
  if (kind === 'double' && s.endsWith('%')) {
    // "45%" as a number is 0.45 (a percent-formatted XLSX cell reads as the text Excel shows).
    const p = parsePercent(s);
    return p.ok ? { ok: true, value: Number(shiftLeft2(p.value)) } : { ok: false, problem: `which is not a number (${NUMBER_FORMATS_HINT})` };
  }
  let negative = false;
  if (s[0] === '-' || s[0] === '+' || s[0] === '\u2212') {
    negative = s[0] !== '+';
    s = s.slice(1).trimStart();
  }
  if (kind === 'double' && EXPONENT.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? { ok: true, value: negative ? -v : v } : { ok: false, problem: `which is out of range for a double` };
  }
  const parts = decimalParts(s, kind === 'double' ? 'dot-decimal' : 'group');
  if (!parts) return { ok: false, problem: `which is not a number (${NUMBER_FORMATS_HINT})` };
  if (kind === 'double') {
    const v = Number(parts.fraction ? `${parts.whole}.${parts.fraction}` : parts.whole);
    return { ok: true, value: negative && v !== 0 ? -v : v };
  }
  if (/[^0]/.test(parts.fraction)) return { ok: false, problem: `which is not a whole number` };
  return intValue(negative ? -Number(parts.whole) : Number(parts.whole), kind);
}

/** Decimal text divided by 100 by moving its point: "45" → "0.45", "-12.5" → "-0.125". */
function shiftLeft2(decimal: string): string {
  const negative = decimal.startsWith('-');
  const [whole, fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  const padded = whole.padStart(3, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -2)}.${padded.slice(-2)}${fraction}`;
}

/** A JavaScript number checked against an Avro int or long. */
export function intValue(v: number, kind: 'int' | 'long'): Parsed<number> {
  if (!Number.isInteger(v)) return { ok: false, problem: `which is not a whole number` };
  if (kind === 'int' && (v < INT32_MIN || v > INT32_MAX)) return { ok: false, problem: 'which is too large for a 32-bit int' };
  if (kind === 'long' && !Number.isSafeInteger(v)) return { ok: false, problem: 'which is too large to hold exactly (beyond ±2^53)' };
  return { ok: true, value: v === 0 ? 0 : v };
}

/**
 * A percentage as decimal text in percent units: "45%" → "45", "12,50 %" → "12.5", "0.45" → "0.45". A bare
 * number is already in percent units (CRM exports write a 45% probability as 45); a source that writes
 * fractions scales them in its connector. Trailing fraction zeros are dropped so every spelling of a value is
 * the same text.
 */
export function parsePercent(text: string): Parsed<string> {
  let s = text;
  if (s.endsWith('%')) s = s.slice(0, -1).trimEnd();
  else if (s.startsWith('%')) s = s.slice(1).trimStart();
  let negative = false;
  if (s[0] === '-' || s[0] === '+' || s[0] === '\u2212') {
    negative = s[0] !== '+';
    s = s.slice(1).trimStart();
  }
  const parts = decimalParts(s, 'dot-decimal');
  if (!parts) return { ok: false, problem: `which is not a percentage (${PERCENT_FORMATS_HINT})` };
  return { ok: true, value: percentText(negative, parts.whole, parts.fraction) };
}

export function percentFromNumber(n: number): Parsed<string> {
  if (!Number.isFinite(n)) return { ok: false, problem: `which is not a percentage (${PERCENT_FORMATS_HINT})` };
  return parsePercent(numberText(n));
}

function percentText(negative: boolean, whole: string, fraction: string): string {
  const f = fraction.replace(/0+$/, '');
  const text = f ? `${whole}.${f}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
}

/** A number as plain decimal text, without exponent notation. */
export function numberText(n: number): string {
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}

/**
 * A yes/no value: true/false, yes/no, 1/0 in any case; `lenient` (exports of unknown CRMs) also takes Y/N,
 * which a known exporter that never writes them would treat as a defect.
 */
export function parseBoolean(text: string, lenient = false): Parsed<boolean> {
  switch (text.toLowerCase()) {
    case 'true':
    case 'yes':
    case '1':
      return { ok: true, value: true };
    case 'false':
    case 'no':
    case '0':
      return { ok: true, value: false };
    case 'y':
      if (lenient) return { ok: true, value: true };
      break;
    case 'n':
      if (lenient) return { ok: true, value: false };
      break;
  }
  return { ok: false, problem: `which is not a yes/no value (${lenient ? LENIENT_BOOLEAN_FORMATS_HINT : BOOLEAN_FORMATS_HINT})` };
}

/**
 * Values exports write where there is nothing: "N/A", "-", "null", "TBD", "Default Value"… compared without
 * case or surrounding spaces. A placeholder is no value: a typed field read leniently takes it as blank, and
 * discovery reports how often each field holds one.
 */
export const PLACEHOLDER_VALUES: ReadonlySet<string> = new Set([
  'n/a', 'na', 'n.a.', 'n.a', '#n/a', 'n/d', 'n.v.t.', 'k.a.', 'k. a.', 's/o', 's.o.',
  '-', '--', '---', '.', '?', '??', '???', '_', 'x', 'xx', 'xxx', '0000-00-00', '00/00/0000', '00.00.0000',
  'null', '(null)', '<null>', 'nil', 'none', '(none)', '-none-', '--none--', 'undefined', 'nan', '#value!', '#ref!',
  'tbd', 'tba', 'tbc', 'to be determined', 'unknown', 'not set', 'not available', 'not applicable', 'not specified',
  'default', 'default value', '(blank)', 'blank', 'empty', 'no value', '[empty]', 'select...', '--select--', '-- select --',
]);

export function isPlaceholder(text: string): boolean {
  return text.length <= 20 && PLACEHOLDER_VALUES.has(text.trim().toLowerCase());
}
