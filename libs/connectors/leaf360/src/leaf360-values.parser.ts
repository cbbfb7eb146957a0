/**
 * Cell values as Leaf360 exports spell them, turned into the record's types. Each parser returns the value or
 * a short problem phrase the reader puts into a reject reason.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const MS_PER_DAY = 86_400_000;

export const DATE_FORMATS_HINT = 'expected YYYY-MM-DD, MM/DD/YYYY, ISO 8601 or epoch milliseconds';
export const MONEY_FORMATS_HINT = 'expected an amount such as 350000, 350,000.50 or $350,000.50';

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

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
// 12-13 digits is 1973..2286 in millis; shorter numbers are more likely seconds or YYYYMMDD, and guessing is worse than rejecting.
const EPOCH_MILLIS = /^\d{12,13}$/;

interface Moment {
  /** the calendar date as written */
  days: number;
  /** the instant, with a missing zone read as UTC */
  millis: number;
}

function parseMoment(text: string): Moment | null {
  if (EPOCH_MILLIS.test(text)) {
    const millis = Number(text);
    return { days: Math.floor(millis / MS_PER_DAY), millis };
  }
  const us = US.exec(text);
  if (us) {
    const month = Number(us[1]);
    const day = Number(us[2]);
    const year = Number(us[3]);
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
    const days = daysFromCivil(year, month, day);
    return { days, millis: days * MS_PER_DAY };
  }
  const iso = ISO.exec(text);
  if (!iso) return null;
  const year = Number(iso[1]);
  const month = Number(iso[2]);
  const day = Number(iso[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  const hour = iso[4] === undefined ? 0 : Number(iso[4]);
  const minute = iso[5] === undefined ? 0 : Number(iso[5]);
  const second = iso[6] === undefined ? 0 : Number(iso[6]);
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millisPart = iso[7] === undefined ? 0 : Number(iso[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  const zone = iso[8];
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 18 || om > 59) return null;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const days = daysFromCivil(year, month, day);
  const millis = days * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millisPart;
  return { days, millis };
}

/** An instant as epoch millis. */
export function parseTimestamp(text: string): Parsed<number> {
  const m = parseMoment(text);
  return m ? { ok: true, value: m.millis } : { ok: false, problem: `which is not a date (${DATE_FORMATS_HINT})` };
}

/** A calendar date as days since epoch; a datetime keeps the date it was written with, epoch millis the UTC date. */
export function parseDate(text: string): Parsed<number> {
  const m = parseMoment(text);
  return m ? { ok: true, value: m.days } : { ok: false, problem: `which is not a date (${DATE_FORMATS_HINT})` };
}

const MONEY = /^(-)?\s*\$?\s*(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/** Money as exact text with two decimals: "$350,000.5" → "350000.50". Never goes through a float. */
export function parseMoney(text: string): Parsed<string> {
  const m = MONEY.exec(text);
  if (!m || (m[1] && m[2])) return { ok: false, problem: `which is not an amount of money (${MONEY_FORMATS_HINT})` };
  const whole = m[3].replace(/,/g, '').replace(/^0+(?=\d)/, '');
  const fraction = m[4] ?? '';
  if (fraction.length > 2 && /[^0]/.test(fraction.slice(2))) {
    return { ok: false, problem: 'which has more than 2 decimal places (amounts are kept to the cent; round it in the export)' };
  }
  const cents = fraction.slice(0, 2).padEnd(2, '0');
  const negative = (m[1] ?? m[2]) === '-' && !(whole === '0' && cents === '00');
  return { ok: true, value: `${negative ? '-' : ''}${whole}.${cents}` };
}
