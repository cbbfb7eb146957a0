import { DistinctCounter, hashValue } from './distinct.sketch';
import { classifyValue, phoneDigits, VALUE_KINDS, type ValueKind } from './value-kind.classifier';

export const FIELD_TYPES = [
  'string', 'integer', 'decimal', 'money', 'percent', 'boolean', 'date', 'timestamp', 'email', 'phone',
  'url', 'html', 'picklist', 'id', 'reference', 'json', 'empty',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** What the schema says about a field before any value is seen. */
export interface FieldSpec {
  name: string;
  /** from the record's `custom` map: a column the schema does not name */
  custom: boolean;
  /** the Avro type as written, e.g. `string`, `timestamp-millis`, `enum`; `map<string>` entry for custom */
  declared: string;
  /** numbers under these logical types are days or epoch millis */
  logical: 'date' | 'timestamp' | null;
  /** the stream's key, or a declared reference to another object */
  role: 'key' | 'reference' | null;
}

export interface FieldProfile {
  name: string;
  custom: boolean;
  declared: string;
  type: FieldType;
  /** records holding a non-blank value */
  filled: number;
  /** filled / records, 0..1 */
  fillRate: number;
  distinct: number;
  /** false once the distinct count passed the exact cap and became a sketch estimate */
  distinctExact: boolean;
  /** the first three distinct values seen, shortened */
  examples: string[];
  /** email and phone fields: filled values that are not a usable address or number */
  malformed?: number;
  /** how the filled values looked one by one */
  kinds: Partial<Record<ValueKind, number>>;
  /** picklists: every value with its count, most frequent first */
  values?: Array<{ value: string; count: number }>;
}

export const PICKLIST_MAX = 50;
export const EXAMPLE_LENGTH = 40;

/** A field name as lower-case words: `loanAmount`, `loan_amount`, `Loan Amount` and `loan-amount` are all [loan, amount]. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/** What a field's name says it holds: a word of the name is one of the words, or the name contains a stem. */
const hint = (words: string[], stems: string[] = []) => {
  const set = new Set(words);
  return (name: string) => {
    const ws = nameWords(name);
    return ws.some((w) => set.has(w)) || stems.some((stem) => ws.join('').includes(stem));
  };
};

const NAME = {
  money: hint(['amount', 'price', 'cost', 'costs', 'revenue', 'value', 'total', 'subtotal', 'fee', 'fees', 'spend', 'budget', 'salary', 'income', 'balance', 'payment', 'paid', 'deposit', 'commission'], ['amount', 'price', 'revenue']),
  percent: hint(['percent', 'percentage', 'pct', 'ratio', 'probability', 'progress', 'rate'], ['percent']),
  email: hint(['email', 'mail'], ['email']),
  phone: hint(['phone', 'mobile', 'cell', 'tel', 'telephone', 'fax', 'whatsapp', 'gsm'], ['phone', 'telefon', 'mobile']),
  url: hint(['url', 'website', 'web', 'site', 'domain', 'link', 'homepage'], ['url', 'website']),
  id: (name: string) => ['id', 'key', 'ref', 'uuid', 'guid'].includes(nameWords(name).pop() ?? ''),
};

const ISO_DAY = 86_400_000;
const BARE_DIGITS = /^\+?\d+$/;

export function displayValue(value: unknown, logical: FieldSpec['logical']): string {
  let text: string;
  if (typeof value === 'number' && logical === 'date') text = new Date(value * ISO_DAY).toISOString().slice(0, 10);
  else if (typeof value === 'number' && logical === 'timestamp') text = new Date(value).toISOString();
  else if (typeof value === 'object' && value !== null) text = JSON.stringify(value);
  else text = String(value).trim().replace(/\s+/g, ' ');
  return text.length > EXAMPLE_LENGTH ? `${text.slice(0, EXAMPLE_LENGTH - 1)}…` : text;
}

function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

const textOf = (value: unknown) => (typeof value === 'string' ? value.trim() : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** Profiles one field over every record of a stream, in memory that does not grow with the record count. */
export class FieldProfiler {
  private filled = 0;
  private readonly kinds = new Map<ValueKind, number>();
  private readonly distinct: DistinctCounter;
  private readonly examples: string[] = [];
  private readonly exampleTexts: string[] = [];
  private valueCounts: Map<string, number> | null = new Map();
  private maxScale = 0;
  private min = Infinity;
  private max = -Infinity;
  /** bare digit strings of phone length (7 to 15 digits, leading zeros and + allowed): numbers to dial in a phone field */
  private digitPhones = 0;
  /** text values holding whitespace: not identifiers */
  private spaced = 0;

  /** the name says phone: bare digit strings in it are numbers to dial (worked out once, not per value) */
  readonly phoneNamed: boolean;

  constructor(
    readonly spec: FieldSpec,
    distinctCap = 10_000,
  ) {
    this.distinct = new DistinctCounter(distinctCap);
    this.phoneNamed = NAME.phone(spec.name);
  }

  /** Adds one record's value; returns its kind, or null when blank. */
  add(value: unknown): ValueKind | null {
    if (isBlank(value)) return null;
    const kind = classifyValue(value, this.spec.logical);
    if (kind === null) return null;
    this.filled++;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    const text = textOf(value);
    this.distinct.addHash(hashValue(text));
    if (this.examples.length < 3 && !this.exampleTexts.includes(text)) {
      this.exampleTexts.push(text);
      this.examples.push(displayValue(value, this.spec.logical));
    }
    if (this.valueCounts) {
      this.valueCounts.set(text, (this.valueCounts.get(text) ?? 0) + 1);
      if (this.valueCounts.size > PICKLIST_MAX) this.valueCounts = null;
    }
    if (kind === 'integer' || kind === 'decimal') this.noteNumber(text);
    if ((kind === 'integer' || kind === 'text') && BARE_DIGITS.test(text) && phoneDigits(text)) this.digitPhones++;
    if (kind === 'text' && /\s/.test(text)) this.spaced++;
    return kind;
  }

  private noteNumber(text: string): void {
    const dot = text.indexOf('.');
    if (dot >= 0) this.maxScale = Math.max(this.maxScale, text.length - dot - 1);
    const n = Number(text.replace(/,/g, ''));
    if (n < this.min) this.min = n;
    if (n > this.max) this.max = n;
  }

  private count(...kinds: ValueKind[]): number {
    let n = 0;
    for (const k of kinds) n += this.kinds.get(k) ?? 0;
    return n;
  }

  private only(...kinds: ValueKind[]): boolean {
    return this.count(...kinds) === this.filled;
  }

  /** The field's type, judged from every value seen, its name and its declaration. */
  inferType(): FieldType {
    const { spec, filled } = this;
    const name = spec.name;
    if (filled === 0) return 'empty';
    if (spec.role === 'key') return 'id';
    if (spec.role === 'reference') return 'reference';
    if (spec.declared === 'enum') return 'picklist';
    if (this.only('boolean')) return 'boolean';
    if (this.only('date')) return 'date';
    if (this.only('date', 'timestamp')) return 'timestamp';
    if (this.only('integer', 'decimal', 'percent') && this.count('percent') > 0) return 'percent';
    if (this.only('integer', 'decimal', 'money') && this.count('money') > 0) return 'money';
    if (this.only('integer', 'decimal')) {
      if (NAME.money(name) && this.maxScale <= 2) return 'money';
      if (NAME.percent(name) && this.min >= 0 && this.max <= 100) return 'percent';
      if (NAME.phone(name) && this.digitPhones > 0) return 'phone';
      if (this.only('integer')) return NAME.id(name) ? 'id' : 'integer';
      return 'decimal';
    }
    const emails = this.count('email');
    if (emails * 2 >= filled || (NAME.email(name) && emails > 0)) return 'email';
    const phones = this.count('phone');
    if (phones * 2 >= filled || (NAME.phone(name) && phones + this.digitPhones > 0)) return 'phone';
    const urls = this.count('url');
    if (10 * this.count('url', 'domain') >= 9 * filled && (urls * 2 >= filled || NAME.url(name))) return 'url';
    if (this.count('html') * 20 >= filled) return 'html';
    if (this.only('json')) return 'json';
    const d = this.distinct.count();
    const tokens = this.only('text', 'integer', 'domain') && this.spaced === 0;
    if (tokens && NAME.id(name)) return 'id';
    if (tokens && spec.custom && d.exact && d.value === filled && filled >= 20 && this.count('text') === filled) return 'id';
    // a few values, each used often: up to 20 of them used twice on average, up to 50 used ten times
    if (this.valueCounts && d.value * 2 <= filled && (d.value <= 20 || d.value * 10 <= filled)) return 'picklist';
    return 'string';
  }

  result(records: number): FieldProfile {
    const type = this.inferType();
    const d = this.distinct.count();
    const kinds: Partial<Record<ValueKind, number>> = {};
    for (const k of VALUE_KINDS) if (this.kinds.has(k)) kinds[k] = this.kinds.get(k);
    const profile: FieldProfile = {
      name: this.spec.name,
      custom: this.spec.custom,
      declared: this.spec.declared,
      type,
      filled: this.filled,
      fillRate: records === 0 ? 0 : Math.round((this.filled / records) * 10_000) / 10_000,
      distinct: d.value,
      distinctExact: d.exact,
      examples: [...this.examples],
      kinds,
    };
    if (type === 'email') profile.malformed = this.filled - this.count('email');
    if (type === 'phone') profile.malformed = this.filled - this.count('phone') - this.digitPhones;
    if (type === 'picklist' && this.valueCounts) {
      profile.values = [...this.valueCounts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    }
    return profile;
  }
}
