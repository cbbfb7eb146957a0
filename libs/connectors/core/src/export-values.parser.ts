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
  'expected ISO 8601 such as 2024-03-01 or 2024-03-01T09:30:00+03:00, DD.MM.YYYY, M/D/YYYY, RFC 2822 such as ' +
  '"Fri, 01 Mar 2024 09:30:00 +0300", or epoch seconds or milliseconds';
export const MONEY_FORMATS_HINT = 'expected an amount such as 1234.50, $1,234.50, 1.234,50 €, TRY 1.500,00 or (1,200.00)';
export const NUMBER_FORMATS_HINT = 'expected a number such as 1234, 1,234.5 or 1.234,5';
export const PERCENT_FORMATS_HINT = 'expected a percentage such as 45%, 45, 12.5 % or 12,5%';
export const BOOLEAN_FORMATS_HINT = 'expected true/false, yes/no or 1/0';

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
const DOTTED = new RegExp(`^(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})(?:,?\\s+${TIME}\\s*${ZONE}?)?$`);
const SLASHED = new RegExp(`^(\\d{1,2})/(\\d{1,2})/(\\d{4})(?:,?\\s+${TIME}\\s*([AaPp][Mm])?\\s*${ZONE}?)?$`);
const RFC2822 =
  /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|UT|UTC|GMT|Z|[ECMP][SD]T)?)?$/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
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

/**
 * Reads a date or date-time in the formats CRM exports use. Day-first slashes (D/M/YYYY) are taken only when
 * the first number cannot be a month; otherwise slashes are month-first. Digits alone are epoch seconds
 * (9-10 digits), epoch milliseconds (12-13) or a compact YYYYMMDD (8); other lengths are refused rather than
 * guessed.
 */
export function parseMoment(text: string): Moment | null {
  const fast = isoMillis(text);
  if (!Number.isNaN(fast)) return fromMillis(fast);
  const c0 = text.charCodeAt(0);
  if (c0 >= 48 && c0 <= 57 && /^\d+$/.test(text)) {
    if (text.length === 8) return moment(num(text.slice(0, 4)), num(text.slice(4, 6)), num(text.slice(6, 8)));
    if (text.length === 9 || text.length === 10) return fromMillis(Number(text) * 1000);
    if (text.length === 12 || text.length === 13) return fromMillis(Number(text));
    return null;
  }
  let m = ISO.exec(text);
  if (m) return moment(num(m[1]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), num(m[7]), m[8], m[9]);
  m = DOTTED.exec(text);
  if (m) return moment(num(m[3]), num(m[2]), num(m[1]), num(m[4]), num(m[5]), num(m[6]), m[7], m[8]);
  m = SLASHED.exec(text);
  if (m) {
    let first = num(m[1]);
    let second = num(m[2]);
    if (first > 12) [first, second] = [second, first];
    let hour = num(m[4]);
    const meridiem = m[8]?.toUpperCase();
    if (meridiem) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
    }
    return moment(num(m[3]), first, second, hour, num(m[5]), num(m[6]), m[7], m[9]);
  }
  m = RFC2822.exec(text);
  if (m) {
    const month = MONTHS.indexOf(m[2].toLowerCase()) + 1;
    if (month === 0) return null;
    return moment(num(m[3]), month, num(m[1]), num(m[4]), num(m[5]), num(m[6]), undefined, m[7]);
  }
  return null;
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

export function parseBoolean(text: string): Parsed<boolean> {
  switch (text.toLowerCase()) {
    case 'true':
    case 'yes':
    case '1':
      return { ok: true, value: true };
    case 'false':
    case 'no':
    case '0':
      return { ok: true, value: false };
    default:
      return { ok: false, problem: `which is not a yes/no value (${BOOLEAN_FORMATS_HINT})` };
  }
}
