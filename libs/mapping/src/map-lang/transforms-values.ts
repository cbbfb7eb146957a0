import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import {
  BOOLEAN_FORMATS_HINT,
  DATE_FORMATS_HINT,
  numberText,
  NUMBER_FORMATS_HINT,
  parseMoment,
  parseMoney,
  parseNumber,
} from '@ferry/connectors/core';
import { show, TransformError } from './errors';
import { define, isBlank, kindOf, NO_ARGS, TransformContext } from './transform-types';
import { notText, scalar } from './transforms-text';

const MS_PER_DAY = 86_400_000;

const zoneArg = z
  .string()
  .refine((zone) => IANAZone.isValidZone(zone), (zone) => ({ message: `${show(zone)} is not an IANA time zone such as Europe/Istanbul or America/New_York` }));

const currencyCode = z
  .string()
  .refine((code) => ISO_CURRENCIES.has(code), (code) => ({ message: `${show(code)} is not an ISO 4217 currency code such as USD, EUR or TRY` }));

// ---------------------------------------------------------------------------------------------------- date

const dateArgs = z
  .object({
    formats: z.array(z.string().min(1)).min(1).optional(),
    zone: zoneArg.default('UTC'),
    dayFirst: z.boolean().default(false),
    locale: z.string().default('en-US'),
    output: z.enum(['date', 'datetime']),
  })
  .strict();
type DateArgs = z.infer<typeof dateArgs>;

/** A reading of a date text: the calendar date it names in the map's zone, and the instant. */
interface Reading {
  days: number;
  millis: number;
}

const HAS_ZONE = /(?:Z|UTC|GMT|UT|[+-]\d{2}(?::?\d{2})?|[ECMP][SD]T)$/i;
const ISO_START = /^\d{4}-\d{2}-\d{2}/;
const NUMERIC_DMY = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})(.*)$/;

function daysOf(dt: DateTime): number {
  return Math.floor(Date.UTC(dt.year, dt.month - 1, dt.day) / MS_PER_DAY);
}

function fromDateTime(dt: DateTime): Reading | null {
  return dt.isValid ? { days: daysOf(dt), millis: dt.toMillis() } : null;
}

function fromInstant(millis: number, zone: string): Reading {
  return { days: daysOf(DateTime.fromMillis(millis, { zone })), millis };
}

function fromCalendarDays(days: number, zone: string): Reading {
  const d = new Date(days * MS_PER_DAY);
  const dt = DateTime.fromObject({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, { zone });
  return { days, millis: dt.toMillis() };
}

function readDateText(text: string, args: DateArgs): Reading | null {
  if (args.formats) {
    for (const format of args.formats) {
      const r = fromDateTime(DateTime.fromFormat(text, format, { zone: args.zone, locale: args.locale }));
      if (r) return r;
    }
    return null;
  }
  if (ISO_START.test(text)) {
    const r = fromDateTime(DateTime.fromISO(text, { zone: args.zone }));
    if (r) return r;
  }
  let spelled = text;
  if (args.dayFirst) {
    const m = NUMERIC_DMY.exec(text);
    // The shared parser reads slashes month-first; swapping makes it read day-first, and it still swaps back when the day cannot be a month.
    if (m) spelled = `${m[2]}/${m[1]}/${m[3]}${m[4]}`;
  } else {
    spelled = text.replace(/^(\d{1,2})-(\d{1,2})-(\d{4})/, '$1/$2/$3');
  }
  const m = parseMoment(spelled);
  if (!m) return null;
  if (/^\d+$/.test(spelled)) return spelled.length === 8 ? fromCalendarDays(m.days, args.zone) : fromInstant(m.millis, args.zone);
  if (spelled.includes(':') && HAS_ZONE.test(spelled)) return fromInstant(m.millis, args.zone);
  // No zone written: the wall-clock time is the map's zone's (the shared parser read it as UTC).
  const wall = DateTime.fromMillis(m.millis, { zone: 'UTC' }).setZone(args.zone, { keepLocalTime: true });
  return { days: m.days, millis: wall.toMillis() };
}

function readDateNumber(n: number, args: DateArgs, ctx: TransformContext): Reading | null {
  if (!Number.isFinite(n) || !Number.isInteger(n)) return null;
  if (ctx.sourceKind === 'date') return fromCalendarDays(n, args.zone);
  if (ctx.sourceKind === 'timestamp') return fromInstant(n, args.zone);
  const text = String(n);
  const m = parseMoment(text);
  if (!m) return null;
  return text.length === 8 ? fromCalendarDays(m.days, args.zone) : fromInstant(m.millis, args.zone);
}

export const date = define({
  name: 'date',
  doc:
    'A date or date-time from text (in `formats`, luxon tokens such as dd/MM/yyyy HH:mm, else ISO 8601 and common export spellings) ' +
    'or from a source date/timestamp; wall-clock times are read in `zone` (default UTC). output date → days since epoch, datetime → epoch ms.',
  args: dateArgs,
  create: (args) => {
    const expected = args.formats ? `expected the format${args.formats.length > 1 ? 's' : ''} ${args.formats.join(', ')}` : DATE_FORMATS_HINT;
    return (value, ctx) => {
      if (value === null || value === undefined) return value;
      let reading: Reading | null;
      if (typeof value === 'number') reading = readDateNumber(value, args, ctx);
      else if (typeof value === 'string') {
        const text = value.trim();
        if (text === '') return null;
        reading = readDateText(text, args);
      } else throw notText('date', value, ctx);
      if (!reading) {
        throw new TransformError(
          'UNPARSEABLE_DATE',
          `${ctx.target}: ${show(value)} is not a date (${expected}${typeof value === 'number' ? `; a number is read by the source type, here ${ctx.sourceKind}` : ''}); ` +
            'fix the value at the source or list its spelling in the date transform\'s formats',
          { value: show(value), formats: args.formats },
        );
      }
      if (args.output === 'date') {
        ctx.sourceKind = 'date';
        return reading.days;
      }
      ctx.sourceKind = 'timestamp';
      return reading.millis;
    };
  },
});

// ---------------------------------------------------------------------------------------------------- money and currency

const ISO_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Currency signs and local abbreviations, longest first so "US$" wins over "$". */
const CURRENCY_SIGNS: [string, string][] = [
  ['US$', 'USD'],
  ['CA$', 'CAD'],
  ['AU$', 'AUD'],
  ['NZ$', 'NZD'],
  ['HK$', 'HKD'],
  ['MX$', 'MXN'],
  ['C$', 'CAD'],
  ['A$', 'AUD'],
  ['S$', 'SGD'],
  ['R$', 'BRL'],
  ['FR.', 'CHF'],
  ['KČ', 'CZK'],
  ['ZŁ', 'PLN'],
  ['TL', 'TRY'],
  ['€', 'EUR'],
  ['£', 'GBP'],
  ['¥', 'JPY'],
  ['₺', 'TRY'],
  ['₹', 'INR'],
  ['₽', 'RUB'],
  ['₩', 'KRW'],
  ['₪', 'ILS'],
  ['₫', 'VND'],
  ['₴', 'UAH'],
  ['฿', 'THB'],
  ['₦', 'NGN'],
  ['₱', 'PHP'],
];

/**
 * The currency an amount's text names: an ISO code ("USD 99", "99 eur") or a sign ("€", "US$"); a bare "$" is
 * `dollar`. Null when the text names none or one this does not know.
 */
export function currencyOf(text: string, dollar: string | null): string | null {
  const mark = text.replace(/[\d\s.,'()+\-\u2212\u00a0\u202f]/g, '').toUpperCase();
  if (mark === '') return null;
  if (mark.length === 3 && ISO_CURRENCIES.has(mark)) return mark;
  if (mark === '$') return dollar;
  for (const [sign, code] of CURRENCY_SIGNS) if (mark === sign) return code;
  return null;
}

const PLAIN_DECIMAL = /^[+-]?\d+(?:\.\d+)?$/;

/** Plain decimal text rounded half away from zero to `decimals` places, exactly (as text). */
export function roundDecimal(plain: string, decimals: number): { text: string; rounded: boolean } {
  const negative = plain.startsWith('-');
  const unsigned = plain.replace(/^[+-]/, '');
  const dot = unsigned.indexOf('.');
  const whole = dot === -1 ? unsigned : unsigned.slice(0, dot);
  const fraction = dot === -1 ? '' : unsigned.slice(dot + 1);
  let digits = whole + fraction.slice(0, decimals).padEnd(decimals, '0');
  const dropped = fraction.slice(decimals);
  const rounded = /[1-9]/.test(dropped);
  if (dropped.charCodeAt(0) >= 53) {
    const chars = digits.split('');
    let i = chars.length - 1;
    while (i >= 0 && chars[i] === '9') chars[i--] = '0';
    if (i >= 0) chars[i] = String(Number(chars[i]) + 1);
    else chars.unshift('1');
    digits = chars.join('');
  }
  const intPart = digits.slice(0, digits.length - decimals).replace(/^0+(?=\d)/, '') || '0';
  const fracPart = digits.slice(digits.length - decimals);
  const text = decimals > 0 ? `${intPart}.${fracPart}` : intPart;
  return { text: negative && /[1-9]/.test(digits) ? `-${text}` : text, rounded };
}

export const money = define({
  name: 'money',
  doc:
    'An amount as exact decimal text ("$1,234.50" → "1234.50", "1.234,50 €" → "1234.50", "(12.00)" → "-12.00"), rounded half away from zero ' +
    'to `decimals` (default 2); with `currency`, an amount marked in another currency fails.',
  args: z
    .object({
      currency: currencyCode.optional(),
      decimals: z.number().int().min(0).max(10).default(2),
    })
    .strict()
    .default({}),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    let plain: string;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw unparseableMoney(value, 'which is not a finite number', ctx);
      plain = numberText(value);
    } else if (typeof value === 'string') {
      const text = value.trim();
      if (text === '') return null;
      if (ctx.sourceKind !== 'string' && PLAIN_DECIMAL.test(text)) plain = text;
      else {
        const parsed = parseMoney(text);
        if (!parsed.ok) throw unparseableMoney(value, parsed.problem, ctx);
        plain = parsed.value;
        if (args.currency) {
          const found = currencyOf(text, args.currency);
          if (found !== null && found !== args.currency) {
            throw new TransformError(
              'CURRENCY_MISMATCH',
              `${ctx.target}: ${show(value)} is in ${found}, but this field takes ${args.currency}; convert it at the source, or map it to a field of that currency`,
              { value: show(value), currency: found, expected: args.currency },
            );
          }
        }
      }
    } else throw notText('money', value, ctx);
    const { text, rounded } = roundDecimal(plain, args.decimals);
    if (rounded) ctx.report?.({ kind: 'rounded', value, detail: `to ${args.decimals} decimals` });
    ctx.sourceKind = 'decimal';
    return text;
  },
});

function unparseableMoney(value: unknown, problem: string, ctx: TransformContext): TransformError {
  return new TransformError(
    'UNPARSEABLE_MONEY',
    `${ctx.target}: ${show(value)}, ${problem}; fix the value at the source or clear it with a replace transform`,
    { value: show(value) },
  );
}

export const currency = define({
  name: 'currency',
  doc: 'The ISO 4217 code an amount\'s text names ("USD 99" → USD, "1.234,50 €" → EUR, "$5" → `dollar`, default USD); none found → `default` (else null).',
  args: z
    .object({ default: currencyCode.optional(), dollar: currencyCode.default('USD') })
    .strict()
    .default({}),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    ctx.sourceKind = 'string';
    if (typeof value === 'number') return args.default ?? null;
    if (typeof value !== 'string') throw notText('currency', value, ctx);
    return currencyOf(value.trim(), args.dollar) ?? args.default ?? null;
  },
});

// ---------------------------------------------------------------------------------------------------- numbers and yes/no

const numeric = (name: 'number' | 'integer', doc: string, kind: 'double' | 'long') =>
  define({
    name,
    doc,
    args: NO_ARGS,
    create: () => (value, ctx) => {
      if (value === null || value === undefined) return value;
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string') {
        const text = value.trim();
        if (text === '') return null;
        // Exact decimal text from a decimal source uses '.', so "1.500" is one and a half, not grouping.
        if (ctx.sourceKind === 'decimal' && PLAIN_DECIMAL.test(text)) n = Number(text);
        else {
          const parsed = parseNumber(text, kind);
          if (!parsed.ok) throw badNumber(value, parsed.problem, ctx);
          n = parsed.value;
        }
      } else if (typeof value === 'boolean') throw badNumber(value, 'which is a yes/no value', ctx);
      else throw notText(name, value, ctx);
      if (kind === 'long' && !Number.isInteger(n)) throw badNumber(value, 'which is not a whole number', ctx);
      if (kind === 'long' && !Number.isSafeInteger(n)) throw badNumber(value, 'which is too large to hold exactly', ctx);
      if (!Number.isFinite(n)) throw badNumber(value, 'which is not a finite number', ctx);
      ctx.sourceKind = kind;
      return n;
    },
  });

function badNumber(value: unknown, problem: string, ctx: TransformContext): TransformError {
  return new TransformError(
    'UNPARSEABLE_NUMBER',
    `${ctx.target}: ${show(value)}, ${problem} (${NUMBER_FORMATS_HINT}); fix the value at the source`,
    { value: show(value) },
  );
}

export const number = numeric('number', 'A number from text ("1,234.5", "1.234,5", "45%" → 0.45) or a numeric source; blank → null.', 'double');
export const integer = numeric('integer', 'A whole number from text ("1,500", "12.00") or a numeric source; a fraction fails the record; blank → null.', 'long');

const TRUE_WORDS = new Set(['1', 'y', 'yes', 'true', 't', 'x', 'on']);
const FALSE_WORDS = new Set(['0', 'n', 'no', 'false', 'f', 'off']);

export const boolean = define({
  name: 'boolean',
  doc: 'Yes/no from 1/0, y/n, yes/no, true/false, t/f, on/off or a checkbox x; blank text → `blank` (default false); anything else fails.',
  args: z
    .object({ blank: z.boolean().nullable().default(false) })
    .strict()
    .default({}),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    if (typeof value === 'boolean') return value;
    ctx.sourceKind = 'boolean';
    if (value === 1 || value === 0) return value === 1;
    if (typeof value === 'string') {
      const word = value.trim().toLowerCase();
      if (word === '') return args.blank;
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
    } else if (typeof value !== 'number') throw notText('boolean', value, ctx);
    throw new TransformError(
      'UNPARSEABLE_BOOLEAN',
      `${ctx.target}: ${show(value)} is not a yes/no value (${BOOLEAN_FORMATS_HINT}, y/n, x or blank); ` +
        'map such values with a map transform before boolean',
      { value: show(value) },
    );
  },
});

// ---------------------------------------------------------------------------------------------------- value map

const mapArgs = z
  .object({
    values: z.record(scalar),
    caseInsensitive: z.boolean().default(true),
    default: scalar.optional(),
    unmapped: z.enum(['default', 'keep', 'null', 'reject']).optional(),
  })
  .strict()
  .superRefine((args, issues) => {
    if (args.unmapped === 'default' && args.default === undefined) {
      issues.addIssue({ code: z.ZodIssueCode.custom, path: ['default'], message: 'unmapped: default needs a default value' });
    }
  });

export const valueMap = define({
  name: 'map',
  doc:
    'Translates source values by `values` (keys compared trimmed, case-insensitively unless caseInsensitive: false); an unmapped value is ' +
    'reported and then, per `unmapped`, replaced by `default`, kept, nulled or rejected (default: `default` when one is given, else reject).',
  args: mapArgs,
  create: (args) => {
    const fold = (s: string) => (args.caseInsensitive ? s.trim().toLowerCase() : s.trim());
    const table = new Map<string, string | number | boolean | null>();
    for (const [key, to] of Object.entries(args.values)) {
      const folded = fold(key);
      if (table.has(folded) && table.get(folded) !== to) {
        throw new Error(`values has ${show(key)} twice (compared ${args.caseInsensitive ? 'case-insensitively' : 'trimmed'}) with different results`);
      }
      table.set(folded, to);
    }
    const unmapped = args.unmapped ?? (args.default !== undefined ? 'default' : 'reject');
    return (value, ctx) => {
      if (isBlank(value)) return value === undefined ? value : null;
      let key: string;
      if (typeof value === 'string') key = fold(value);
      else if (typeof value === 'number' || typeof value === 'boolean') key = fold(String(value));
      else throw notText('map', value, ctx);
      const to = table.get(key);
      if (to !== undefined) {
        ctx.sourceKind = kindOf(to);
        return to;
      }
      ctx.report?.({ kind: 'unmapped', value, detail: unmapped });
      switch (unmapped) {
        case 'keep':
          return value;
        case 'null':
          return null;
        case 'default':
          ctx.sourceKind = kindOf(args.default);
          return args.default;
        case 'reject':
          throw new TransformError(
            'UNMAPPED_VALUE',
            `${ctx.target}: ${show(value)} is not among the map's values (${[...table.keys()].slice(0, 8).map((k) => show(k)).join(', ')}` +
              `${table.size > 8 ? ', …' : ''}); add it to the map, or set unmapped to default, keep or null`,
            { value: show(value) },
          );
      }
    };
  },
});
