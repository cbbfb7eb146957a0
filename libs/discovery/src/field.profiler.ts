import { isPlaceholder } from '@ferry/connectors/core';
import { DistinctCounter, hashValue } from './distinct.sketch';
import { kindGroup } from './shift.detector';
import { typoSuggestions } from './typo.suggester';
import { classifyValue, dateOrderEvidence, phoneDigits, VALUE_KINDS, type ValueKind } from './value-kind.classifier';

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
  /**
   * numeric dates whose day and month could be swapped: the order the column's own values decide (a first
   * number over 12 means d/m), how many decide it, how many could be either, and how many say the other way
   */
  dateOrder?: { order: 'd/m' | 'm/d' | 'undecided'; decidedBy: number; ambiguous: number; contrary: number };
  /** values standing in for none ("N/A", "TBD", "Default Value", or one value filling most of a varied column), with counts */
  placeholders?: Array<{ value: string; count: number; dominant?: boolean }>;
  /** values the reader left out because they did not parse (an optional field is emptied, not the row refused) */
  emptied?: { count: number; byCode: Record<string, number>; examples: Array<{ line: number | null; value: string; problem: string }> };
  /** text the reader repaired: UTF-8 that had been read as Windows-1252 ("JosÃ©" → "José"), kept repaired */
  repaired?: { count: number; examples: Array<{ line: number | null; value: string; repaired: string }> };
  /** picklists: rare values one or two edits from a frequent one ("Qualifed": did you mean Qualified?) */
  typos?: Array<{ value: string; count: number; suggestion: string }>;
  /** what a person should know about the field, one sentence each */
  notes?: string[];
}

/** A value the reader left out of a record (see ValueIssue in the connector core), with the record's line. */
export interface EmptiedValue {
  code: string;
  value: string;
  problem: string;
  line: number | null;
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
  code: hint(['zip', 'zipcode', 'postal', 'postcode', 'plz', 'cep', 'postleitzahl'], ['zipcode', 'postalcode', 'postcode']),
  id: (name: string) => ['id', 'key', 'ref', 'uuid', 'guid'].includes(nameWords(name).pop() ?? ''),
};

const ISO_DAY = 86_400_000;
const BARE_DIGITS = /^\+?\d+$/;
/** distinct values whose counts are kept exactly, to find one value filling most of a column */
const FREQUENT_MAX = 64;
const EMPTIED_EXAMPLES = 3;

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
  /** integers that are 0 or 1: a flag column writes only these */
  private flagInts = 0;
  /** digit strings with a leading zero (ZIP codes, phone-like ids): text, never numbers */
  private leadingZeros = 0;
  /** digit strings too long to be a number exactly */
  private longDigits = 0;
  private readonly placeholderCounts = new Map<string, number>();
  /** exact counts of the first FREQUENT_MAX distinct values */
  private readonly frequent = new Map<string, number>();
  /** numeric dates per separator: decided d/m, decided m/d, either */
  private readonly dateEvidence = new Map<string, { dmy: number; mdy: number; either: number }>();
  private emptiedCount = 0;
  private readonly emptiedByCode = new Map<string, number>();
  private readonly emptiedExamples: EmptiedValue[] = [];
  private repairedCount = 0;
  private readonly repairedExamples: NonNullable<FieldProfile['repaired']>['examples'] = [];

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
    if (typeof value === 'string' && isPlaceholder(value)) {
      // a stand-in for no value: counted, but neither a fill nor evidence of the field's type
      const key = value.trim();
      this.placeholderCounts.set(key, (this.placeholderCounts.get(key) ?? 0) + 1);
      return null;
    }
    const kind = classifyValue(value, this.spec.logical);
    if (kind === null) return null;
    this.filled++;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    const text = textOf(value);
    if (this.frequent.has(text) || this.frequent.size < FREQUENT_MAX) this.frequent.set(text, (this.frequent.get(text) ?? 0) + 1);
    if (kind === 'integer' && (text === '0' || text === '1')) this.flagInts++;
    if (typeof value === 'string' && (kind === 'date' || kind === 'timestamp')) this.noteDateOrder(text);
    if (kind === 'text' && /^0\d+$/.test(text)) this.leadingZeros++;
    if (kind === 'integer' && text.replace(/^[-+]/, '').length > 15) this.longDigits++;
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

  /** The kind group (see shift.detector.ts) four in five of the field's values share, once it has ten; else null. */
  dominantGroup(): string | null {
    if (this.filled < 10) return null;
    const groups = new Map<string, number>();
    for (const [k, c] of this.kinds) groups.set(kindGroup(k), (groups.get(kindGroup(k)) ?? 0) + c);
    for (const [g, c] of groups) if (c * 5 >= this.filled * 4) return g;
    return null;
  }

  /** A value the reader left out of this field (it did not parse, or was a placeholder in a typed field). */
  addEmptied(issue: EmptiedValue): void {
    if (issue.code === 'MISSING_VALUE') {
      const key = issue.value.trim();
      this.placeholderCounts.set(key, (this.placeholderCounts.get(key) ?? 0) + 1);
      return;
    }
    this.emptiedCount++;
    this.emptiedByCode.set(issue.code, (this.emptiedByCode.get(issue.code) ?? 0) + 1);
    if (this.emptiedExamples.length < EMPTIED_EXAMPLES) this.emptiedExamples.push({ ...issue, value: displayValue(issue.value, null) });
  }

  /** A value the reader repaired (mojibake decoded back); `repaired` is what the record holds. */
  addRepaired(line: number | null, value: string, repaired: string): void {
    this.repairedCount++;
    if (this.repairedExamples.length < EMPTIED_EXAMPLES) this.repairedExamples.push({ line, value: displayValue(value, null), repaired: displayValue(repaired, null) });
  }

  private noteDateOrder(text: string): void {
    const { evidence, separator } = dateOrderEvidence(text);
    if (evidence === null || separator === undefined) return;
    let e = this.dateEvidence.get(separator);
    if (!e) this.dateEvidence.set(separator, (e = { dmy: 0, mdy: 0, either: 0 }));
    e[evidence]++;
  }

  /** The most common separator's evidence: the day-month order its values decide, and how firmly. */
  private dateOrder(): FieldProfile['dateOrder'] {
    let best: { dmy: number; mdy: number; either: number } | null = null;
    for (const e of this.dateEvidence.values()) {
      if (best === null || e.dmy + e.mdy + e.either > best.dmy + best.mdy + best.either) best = e;
    }
    if (best === null || best.either === 0) return undefined;
    const order = best.dmy > best.mdy ? 'd/m' : best.mdy > best.dmy ? 'm/d' : 'undecided';
    if (order === 'undecided') return { order, decidedBy: 0, ambiguous: best.either, contrary: best.dmy };
    return { order, decidedBy: Math.max(best.dmy, best.mdy), ambiguous: best.either, contrary: Math.min(best.dmy, best.mdy) };
  }

  /** The one value filling more than half of the values of a column whose other values mostly differ. */
  private dominantValue(): { value: string; count: number } | null {
    let top: [string, number] | null = null;
    for (const e of this.frequent) if (top === null || e[1] > top[1]) top = e;
    if (top === null || top[1] * 2 <= this.filled) return null;
    const rest = this.filled - top[1];
    const otherDistinct = this.distinct.count().value - 1;
    return rest >= 10 && otherDistinct * 2 >= rest ? { value: top[0], count: top[1] } : null;
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
    // a flag written 1/0 (or 1 and blank)
    if (this.only('boolean', 'integer') && this.flagInts === this.count('integer')) return 'boolean';
    if (this.only('date')) return 'date';
    if (this.only('date', 'timestamp')) return 'timestamp';
    if (this.only('integer', 'decimal', 'percent') && this.count('percent') > 0) return 'percent';
    if (this.only('integer', 'decimal', 'money') && this.count('money') > 0) return 'money';
    if (this.only('integer', 'decimal')) {
      if (NAME.money(name) && this.maxScale <= 2) return 'money';
      if (NAME.percent(name) && this.min >= 0 && this.max <= 100) return 'percent';
      if (NAME.phone(name) && this.digitPhones > 0) return 'phone';
      // postal codes and numbers too long to hold exactly are codes, kept as text
      if (this.only('integer') && (NAME.code(name) || this.longDigits > 0)) return NAME.id(name) ? 'id' : 'string';
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
    const notes: string[] = [];
    const order = this.dateOrder();
    if (order) {
      profile.dateOrder = order;
      const n = (v: number) => v.toLocaleString('en-US');
      if (order.order === 'undecided') notes.push(`d/m or m/d undecided: ${n(order.ambiguous)} dates could be either and none decides; give the column's order`);
      else notes.push(`decided ${order.order} from ${n(order.decidedBy)} values${order.contrary ? ` (${n(order.contrary)} say the other way)` : ''}; ${n(order.ambiguous)} could be either`);
    }
    const placeholders: NonNullable<FieldProfile['placeholders']> = [...this.placeholderCounts].map(([value, count]) => ({ value, count }));
    const dominant = this.dominantValue();
    if (dominant) {
      placeholders.push({ ...dominant, dominant: true });
      notes.push(`"${displayValue(dominant.value, null)}" fills ${Math.round((dominant.count / this.filled) * 100)}% of a varied column: a placeholder?`);
    }
    if (placeholders.length > 0) {
      profile.placeholders = placeholders.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      const known = placeholders.filter((p) => !p.dominant);
      if (known.length > 0) notes.push(`placeholders: ${known.map((p) => `${p.value} ×${p.count}`).join(', ')}`);
    }
    if (this.leadingZeros > 0) notes.push(`${this.leadingZeros} values with leading zeros, kept as text`);
    if (this.emptiedCount > 0) {
      profile.emptied = { count: this.emptiedCount, byCode: Object.fromEntries(this.emptiedByCode), examples: this.emptiedExamples.map((e) => ({ line: e.line, value: e.value, problem: e.problem })) };
      const lines = this.emptiedExamples.map((e) => `${e.line ?? '?'} "${e.value}"`).join(', ');
      notes.push(`${this.emptiedCount} values did not parse and were left empty (line ${lines})`);
    }
    if (this.repairedCount > 0) {
      profile.repaired = { count: this.repairedCount, examples: [...this.repairedExamples] };
      const e = this.repairedExamples[0];
      notes.push(`${this.repairedCount} values were UTF-8 read as Windows-1252 (mojibake) and were repaired, e.g. line ${e.line ?? '?'} "${e.value}" → "${e.repaired}"`);
    }
    if (profile.values) {
      const typos = typoSuggestions(profile.values);
      if (typos.length > 0) {
        profile.typos = typos.map((t) => ({ value: t.value, count: t.count, suggestion: t.suggestion }));
        notes.push(...typos.map((t) => `"${t.value}" ×${t.count}: did you mean ${t.suggestion}? (×${t.suggestionCount})`));
      }
    }
    if (notes.length > 0) profile.notes = notes;
    return profile;
  }
}
