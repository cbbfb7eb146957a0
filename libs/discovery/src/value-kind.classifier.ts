import { readMoment, type DateOrderEvidence, type DateSeparator } from '@ferry/connectors/core';

/**
 * What one value looks like, judged on its own. A field's type is decided later from the counts of these
 * kinds together with the field's name and declared Avro type (see field-type.inference.ts).
 */

export const VALUE_KINDS = [
  'boolean', 'integer', 'decimal', 'money', 'percent', 'date', 'timestamp',
  'email', 'phone', 'url', 'domain', 'html', 'json', 'text',
] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

const BOOLEAN = /^(true|false|yes|no|y|n)$/i;
const INTEGER = /^[-+]?(0|[1-9]\d*)$/;
const DECIMAL = /^[-+]?(\d+|\d{1,3}(,\d{3})+)\.\d+$|^[-+]?\d{1,3}(,\d{3})+$/;
/** a decimal comma, and dots, spaces or apostrophes grouping thousands: 1.234,56, 1 234,5, 12,5, 1'234 */
const LOCALE_DECIMAL = /^[-+]?(\d+|\d{1,3}([.\s\u00a0\u202f']\d{3})+),\d+$|^[-+]?\d{1,3}([\s\u00a0\u202f']\d{3})+$|^[-+]?\d{1,3}(\.\d{3}){2,}$/;
const CODES = '(USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|CNY|HKD|SGD|INR|RUB|UAH|PLN|CZK|HUF|RON|SEK|NOK|DKK|TRY|TL|AED|SAR|QAR|GEL|AZN|KZT|ZAR|BRL|MXN)';
const CURRENCY_BEFORE = new RegExp(`^[-+]?\\s?([$€£¥₹₽₺]|${CODES}\\s?)\\s?[-+]?\\d[\\d,.\\s'\u00a0\u202f]*$`, 'i');
const CURRENCY_AFTER = new RegExp(`^[-+]?\\d[\\d,.\\s'\u00a0\u202f]*\\s?([$€£¥₹₽₺]|\\s?${CODES})$`, 'i');
const PERCENT = /^[-+]?\d+([.,]\d+)?\s?%$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const SLASH_DATE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?\s?(Z|[+-]\d{2}:?\d{2})?$/i;
const SLASH_DATE_TIME = /^\d{1,2}[/.]\d{1,2}[/.]\d{4},?\s+\d{1,2}:\d{2}(:\d{2})?\s?(AM|PM)?$/i;
/** deliberately stricter than RFC 5322: what a CRM will accept as a deliverable address */
const EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;
const PHONE_SHAPE = /^\+?[\d\s().\-/]+(\s*(x|ext\.?|extension)\s*\d{1,6})?$/i;
const URL = /^(https?:\/\/|www\.)[^\s<>"]+$/i;
const DOMAIN = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/i;
const HTML = /<\/?[a-z][a-z0-9]*(\s[^<>]*)?\/?>|&(nbsp|amp|lt|gt|quot|#\d+);/i;

export function isEmail(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text);
}

/** digits only, without an extension; null when the text is not shaped like a phone number */
export function phoneDigits(text: string): string | null {
  if (!PHONE_SHAPE.test(text)) return null;
  const main = text.replace(/\s*(x|ext\.?|extension)\s*\d{1,6}$/i, '');
  const digits = main.replace(/\D/g, '');
  return digits.length >= 7 && digits.length <= 15 ? digits : null;
}

function validDay(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1 || y < 1000) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function isDate(text: string): boolean {
  let m = ISO_DATE.exec(text);
  if (m) return validDay(+m[1], +m[2], +m[3]);
  m = SLASH_DATE.exec(text);
  // M/D/YYYY or D.M.YYYY: either order has to be a real day
  if (m) return validDay(+m[3], +m[1], +m[2]) || validDay(+m[3], +m[2], +m[1]);
  return false;
}

/**
 * The other dates exports write (month names, dashes, two-digit years, 12-hour clocks) through the
 * connector core's reader, so discovery and the reader agree on what a date is: 'date', 'timestamp' when
 * it carries a time, or null. Digits alone are left to the number checks.
 */
function writtenDate(text: string): 'date' | 'timestamp' | null {
  if (text.length > 48 || !/\d/.test(text) || /^\d+$/.test(text)) return null;
  return readMoment(text).moment === null ? null : text.includes(':') ? 'timestamp' : 'date';
}

/** What a date value says about its column's day-month order, and its separator (see readMoment). */
export function dateOrderEvidence(text: string): { evidence: DateOrderEvidence; separator?: DateSeparator } {
  const r = readMoment(text.trim());
  return r.moment === null ? { evidence: null } : { evidence: r.evidence, separator: r.separator };
}

function isTimestamp(text: string): boolean {
  if (DATE_TIME.test(text)) return !Number.isNaN(Date.parse(text.replace(' ', 'T')));
  return SLASH_DATE_TIME.test(text);
}

function looksLikeJson(text: string): boolean {
  const first = text[0];
  const last = text[text.length - 1];
  if (!((first === '{' && last === '}') || (first === '[' && last === ']'))) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** The kind of one text value, already trimmed and non-empty. */
export function classifyText(text: string): ValueKind {
  const c = text.charCodeAt(0);
  const startsNumeric = (c >= 48 && c <= 57) || c === 45 || c === 43;
  if (startsNumeric) {
    if (INTEGER.test(text)) return 'integer';
    if (DECIMAL.test(text)) return 'decimal';
    if (PERCENT.test(text)) return 'percent';
    if (isDate(text)) return 'date';
    // shaped like a date but no real day (2023-02-29): a bad date, not a phone number
    if (ISO_DATE.test(text) || SLASH_DATE.test(text)) return 'text';
    if (isTimestamp(text)) return 'timestamp';
    if (LOCALE_DECIMAL.test(text)) return 'decimal';
    if (CURRENCY_AFTER.test(text) || CURRENCY_BEFORE.test(text)) return 'money';
    const written = writtenDate(text);
    if (written) return written;
    if (phoneDigits(text) && /[\s().\-/+]/.test(text)) return 'phone';
  } else {
    if (BOOLEAN.test(text)) return 'boolean';
    if (CURRENCY_BEFORE.test(text)) return 'money';
    if (c === 40 && phoneDigits(text)) return 'phone';
    const written = writtenDate(text);
    if (written) return written;
  }
  if (text.includes('@') && isEmail(text)) return 'email';
  if (URL.test(text)) return 'url';
  if (DOMAIN.test(text)) return 'domain';
  if (looksLikeJson(text)) return 'json';
  if (HTML.test(text)) return 'html';
  return 'text';
}

/**
 * The kind of a value as a connector typed it. Numbers under a date or timestamp logical type are those;
 * other numbers are integers or decimals; strings are classified by their text. Null and blank are not values.
 */
export function classifyValue(value: unknown, logical: 'date' | 'timestamp' | null): ValueKind | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string': {
      const text = value.trim();
      return text === '' ? null : classifyText(text);
    }
    case 'number':
      if (!Number.isFinite(value)) return 'text';
      if (logical) return logical;
      return Number.isInteger(value) ? 'integer' : 'decimal';
    case 'bigint':
      return 'integer';
    case 'boolean':
      return 'boolean';
    case 'object':
      return 'json';
    default:
      return 'text';
  }
}
