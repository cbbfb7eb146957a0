import {
  excelSerialMoment,
  intValue,
  isoMillis,
  plainInteger,
  simpleMoney,
  moneyFromNumber,
  numberText,
  isPlaceholder,
  parseBoolean,
  readMoment,
  parseMoney,
  parseNumber,
  parsePercent,
  percentFromNumber,
  DATE_FORMATS_HINT,
  type DateOrder,
  type DateSeparator,
  type Moment,
  type Parsed,
} from './export-values.parser';
import { MOJIBAKE_HINT, repairMojibake } from './mojibake.repair';
import type { AvroSchema } from './record-schema';
import type { ExportLocation, RejectCode } from './source.connector';

/**
 * A value a lenient coercer left out of a record instead of refusing the row: it did not parse in an optional
 * field, or it was a placeholder ("N/A", "TBD") in a typed one. Discovery counts them per column.
 */
export interface ValueIssue {
  field: string;
  /** the header label (or JSON property) it came from */
  column: string;
  /** the reject it would have been (placeholders are MISSING_VALUE), or REPAIRED_ENCODING for text repaired, not emptied */
  code: ValueIssueCode;
  value: string;
  /** "which is not a date (expected …)", or "which is a placeholder, not a value" */
  problem: string;
}

/**
 * `REPAIRED_ENCODING`: text that was UTF-8 read as Windows-1252 ("JosÃ©"), decoded back ("José") and kept; the
 * issue's `value` is the text as written and `problem` says what it became.
 */
export type ValueIssueCode = RejectCode | 'REPAIRED_ENCODING';

export type Coerced = { ok: true; record: Record<string, unknown>; issues?: ValueIssue[] } | { ok: false; code: RejectCode; reason: string };

/**
 * How a coercer treats values it cannot type. `lenient` (exports of any CRM; readExportStream's default): a bad
 * value in an optional field empties the field and is listed in the record's `issues`, a placeholder in a
 * typed field counts as blank, and flags may be Y/N; only a missing or bad required value refuses the row.
 * `strict` (createCoercer's default; a known exporter or API whose formats are fixed): any bad value refuses
 * the row.
 */
export type ValuePolicy = 'lenient' | 'strict';

export interface CoercerOptions {
  values?: ValuePolicy;
  /**
   * values a lenient coercer takes as they are although they read as placeholders, because the source uses
   * them as real values (Interactive's default pipeline has the id "default"); compared without case
   */
  notPlaceholders?: readonly string[];
}

/** A coercer also answers which required fields a header leaves without a column (MISSING_COLUMN). */
export type Coercer = ((values: Record<string, unknown>) => Coerced) & {
  /** required fields (not nullable, no default) that none of these labels would fill */
  missingFields(labels: readonly string[]): string[];
  /** required fields no label fills that are given a value all the same (an absent `active` flag is true) */
  assumedFields(labels: readonly string[]): Array<{ field: string; value: unknown }>;
  /** the record's fields in the order of these labels: a field name, or `custom.<label>` for a custom column */
  columnOrder(labels: readonly string[]): string[];
};

/** Required flags an export may leave out: a users file without one lists people who are all still there. */
const ASSUMED_TRUE = new Set(['active', 'is_active', 'enabled']);

/** The map field that keeps columns no field claims. */
export const CUSTOM_FIELD = 'custom';

class Fail {
  constructor(
    readonly code: RejectCode,
    readonly problem: string,
  ) {}
}

type Convert = (value: unknown) => unknown;

interface FieldPlan {
  name: string;
  nullable: boolean;
  /** filled in when the value is missing; undefined: the field is required */
  fallback: (() => unknown) | undefined;
  /** a required field's value when the header has no column for it at all; undefined: MISSING_COLUMN */
  absent: (() => unknown) | undefined;
  convert: Convert;
  /** plain text (an Avro string without a ferry.kind): a lenient coercer repairs mojibake in it */
  text: boolean;
}

interface Plan {
  /** per field, in schema order: the label feeding it, or null */
  sources: Array<string | null>;
  /** labels that go into `custom` */
  custom: string[];
  /** a "custom" property holding an object, merged into `custom` (JSON sources) */
  customObject: string | null;
  /** rows typed with this plan so far; a plan in steady use gets a compiled fast path */
  uses: number;
  /** the plan as straight-line code: the record, or null when any value fails (the general path then says why) */
  fast: ((values: Record<string, unknown>) => Record<string, unknown> | null) | null;
}

/** Rows a plan types through the general path before it is compiled. */
const COMPILE_AFTER = 64;

const PRIMITIVES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);
const PLAN_CACHE_LIMIT = 256;

/**
 * Turns header label → field, and cell text or JSON values → the Avro types of `schema`. Labels find their
 * field through `location.columns` first, then the field name without regard to case, then the label in
 * snake_case ("E-mail Address" → e_mail_address); columns no field claims are kept verbatim in `custom`.
 * Failures name the column, the field and the value. XLSX numbers in date and timestamp fields are Excel
 * serial dates. Throws at once when the schema holds a type it cannot fill, so a bad schema fails before the
 * first row.
 */
export function createCoercer(schema: AvroSchema, location?: ExportLocation, options: CoercerOptions = {}): Coercer {
  if (schema.type !== 'record' || !Array.isArray(schema.fields)) {
    throw new Error(`createCoercer needs an Avro record schema, not ${JSON.stringify(schema.type)}`);
  }
  const named = new Map<string, unknown>();
  const lenient = options.values === 'lenient';
  const real = new Set((options.notPlaceholders ?? []).map((v) => v.trim().toLowerCase()));
  const placeholderValue = real.size === 0 ? isPlaceholder : (v: string) => isPlaceholder(v) && !real.has(v.trim().toLowerCase());
  const context: CompileContext = { named, xlsx: location?.format === 'xlsx', record: schema.name ?? 'record', lenient, dateOrders: location?.dateOrders ?? {} };
  registerNamed(schema, schema.namespace, named);
  const fieldDefs = schema.fields as Array<Record<string, unknown>>;
  const customDef = fieldDefs.find((f) => f.name === CUSTOM_FIELD);
  if (!customDef || !isStringMap(customDef.type, named)) {
    throw new Error(
      `${context.record}: the schema needs a "${CUSTOM_FIELD}" field of type {"type": "map", "values": "string"} to keep columns no field names`,
    );
  }
  const fields: FieldPlan[] = fieldDefs.filter((f) => f !== customDef).map((f) => compileField(f, context));
  const byName = new Map(fields.map((f, i) => [f.name, i]));
  const byLower = new Map(fields.map((f, i) => [f.name.toLowerCase(), i]));
  const explicit = new Map<string, number>();
  for (const [label, field] of Object.entries(location?.columns ?? {})) {
    const index = byName.get(field);
    if (index === undefined) {
      throw new Error(`${context.record}: the export maps column "${label}" to field "${field}", which the schema does not have`);
    }
    explicit.set(label.trim().toLowerCase(), index);
  }

  /** The field a label claims and how strongly (0 strongest), or null. */
  const claim = (label: string): [number, number] | null => {
    const lower = label.trim().toLowerCase();
    const e = explicit.get(lower);
    if (e !== undefined) return [e, 0];
    const exact = byLower.get(lower);
    if (exact !== undefined) return [exact, 1];
    const snake = byLower.get(snakeCase(label));
    if (snake !== undefined) return [snake, 2];
    return null;
  };

  const planFor = (labels: readonly string[]): Plan => {
    const sources: Array<string | null> = fields.map(() => null);
    const strength = fields.map(() => 3);
    const custom: string[] = [];
    let customObject: string | null = null;
    for (const label of labels) {
      const c = claim(label);
      if (c && c[1] < strength[c[0]]) {
        const loser = sources[c[0]];
        if (loser !== null) custom.push(loser);
        sources[c[0]] = label;
        strength[c[0]] = c[1];
      } else if (!c && customObject === null && label.toLowerCase() === CUSTOM_FIELD) customObject = label;
      else custom.push(label);
    }
    return { sources, custom, customObject, uses: 0, fast: null };
  };

  const plans = new Map<string, Plan>();
  let lastKeys: string[] = [];
  let lastPlan = planFor([]);

  const coerce = (values: Record<string, unknown>): Coerced => {
    let i = 0;
    let same = true;
    for (const k in values) {
      if (k !== lastKeys[i++]) {
        same = false;
        break;
      }
    }
    if (!same || i !== lastKeys.length) {
      const keys = Object.keys(values);
      const signature = keys.join('\u0001');
      let plan = plans.get(signature);
      if (!plan) {
        if (plans.size >= PLAN_CACHE_LIMIT) plans.clear();
        plan = planFor(keys);
        plans.set(signature, plan);
      }
      lastKeys = keys;
      lastPlan = plan;
    }
    const plan = lastPlan;
    let issues: ValueIssue[] | undefined;
    if (plan.fast !== null) {
      const record = plan.fast(values);
      if (record !== null) return { ok: true, record };
    } else if (++plan.uses === COMPILE_AFTER) plan.fast = compilePlan(plan, fields, lenient, placeholderValue);
    const record: Record<string, unknown> = {};
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f];
      const label = plan.sources[f];
      let value = label === null ? undefined : values[label];
      if (typeof value === 'string') {
        value = value.trim();
        if (value === '') value = undefined;
      }
      if (value === undefined || value === null) {
        if (field.nullable) record[field.name] = null;
        else if (field.fallback) record[field.name] = field.fallback();
        else if (label === null && field.absent) record[field.name] = field.absent();
        else {
          return {
            ok: false,
            code: 'MISSING_VALUE',
            reason:
              label === null
                ? `there is no value for required field ${field.name}`
                : `required ${columnName(label, field.name)} is empty`,
          };
        }
        continue;
      }
      const optional = field.nullable || field.fallback !== undefined;
      if (lenient && !optional && typeof value === 'string' && placeholderValue(value)) {
        return { ok: false, code: 'MISSING_VALUE', reason: `required ${columnName(label as string, field.name)} holds the placeholder ${quoteValue(value)}, not a value` };
      }
      const out = field.convert(value);
      if (out instanceof Fail) {
        const placeholder = lenient && typeof value === 'string' && placeholderValue(value);
        if (!lenient || !optional) {
          return { ok: false, code: out.code, reason: `${columnName(label as string, field.name)} has ${quoteValue(value)}, ${out.problem}` };
        }
        record[field.name] = field.nullable ? null : (field.fallback as () => unknown)();
        (issues ??= []).push({
          field: field.name,
          column: label as string,
          code: placeholder ? 'MISSING_VALUE' : out.code,
          value: customText(value),
          problem: placeholder ? 'which is a placeholder, not a value' : out.problem,
        });
        continue;
      }
      if (lenient && field.text && typeof out === 'string') {
        const repaired = repairMojibake(out);
        if (repaired !== null) {
          record[field.name] = repaired;
          (issues ??= []).push({ field: field.name, column: label as string, code: 'REPAIRED_ENCODING', value: out, problem: `which is UTF-8 read as Windows-1252, repaired to ${quoteValue(repaired)}` });
          continue;
        }
      }
      record[field.name] = out;
    }
    const custom: Record<string, string> = {};
    for (const label of plan.custom) setEntry(custom, label, customText(values[label]));
    if (plan.customObject !== null) mergeCustom(custom, plan.customObject, values[plan.customObject]);
    record[CUSTOM_FIELD] = custom;
    return issues ? { ok: true, record, issues } : { ok: true, record };
  };

  const unfilled = (labels: readonly string[]): FieldPlan[] => {
    const plan = planFor(labels);
    return fields.filter((f, i) => plan.sources[i] === null && !f.nullable && !f.fallback);
  };
  const missingFields = (labels: readonly string[]): string[] => unfilled(labels).filter((f) => !f.absent).map((f) => f.name);
  const assumedFields = (labels: readonly string[]) =>
    unfilled(labels)
      .filter((f) => f.absent)
      .map((f) => ({ field: f.name, value: (f.absent as () => unknown)() }));
  const columnOrder = (labels: readonly string[]): string[] => {
    const plan = planFor(labels);
    const fieldOf = new Map<string, string>();
    plan.sources.forEach((label, i) => {
      if (label !== null) fieldOf.set(label, fields[i].name);
    });
    return labels.map((l) => fieldOf.get(l) ?? `${CUSTOM_FIELD}.${l}`);
  };

  return Object.assign(coerce, { missingFields, assumedFields, columnOrder });
}

/** A map entry that may be named "__proto__" without touching the map's prototype. */
function setEntry(map: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  else map[key] = value;
}

/** A JSON item's "custom" object merged into the custom map (entries from columns win); anything else kept as text. */
function mergeCustom(custom: Record<string, string>, label: string, extra: unknown): void {
  if (extra !== null && typeof extra === 'object' && !Array.isArray(extra) && !(extra instanceof Date)) {
    for (const [k, v] of Object.entries(extra as Record<string, unknown>)) if (!Object.prototype.hasOwnProperty.call(custom, k)) setEntry(custom, k, customText(v));
  } else if (extra !== undefined) setEntry(custom, label, customText(extra));
}

/**
 * A plan as straight-line code, generated once it is in steady use: every property read and write names its
 * key, so V8 keeps them monomorphic instead of looking keys up row by row (avsc compiles its codecs the same
 * way). Labels and field names enter the code only as JSON string literals. It handles the success path only:
 * on any missing or bad value it returns null and the general path produces the reject.
 */
function compilePlan(plan: Plan, fields: FieldPlan[], lenient: boolean, placeholderValue: (v: string) => boolean): Plan['fast'] {
  const names = [...fields.map((f) => f.name), ...plan.custom, ...(plan.customObject ? [plan.customObject] : [])];
  if (names.includes('__proto__')) return null;
  const q = JSON.stringify;
  const lines: string[] = ['let v;'];
  fields.forEach((field, i) => {
    const label = plan.sources[i];
    const missing = field.nullable ? `f${i} = null;` : field.fallback ? `f${i} = fallback[${i}]();` : 'return null;';
    lines.push(`let f${i};`);
    if (label === null) {
      lines.push(!field.nullable && !field.fallback && field.absent ? `f${i} = absent[${i}]();` : missing);
      return;
    }
    const required = !field.nullable && !field.fallback;
    lines.push(
      `v = values[${q(label)}];`,
      `if (typeof v === 'string') { v = v.trim(); if (v === '') v = undefined;${lenient && required ? ' else if (isPlaceholder(v)) return null;' : ''} }`,
      `if (v === undefined || v === null) { ${missing} } else { f${i} = convert[${i}](v); if (f${i} instanceof Fail) return null; }`,
    );
    // text that may be mojibake goes through the general path, which repairs it and lists the repair
    if (lenient && field.text) lines.push(`if (typeof f${i} === 'string' && MOJIBAKE_HINT.test(f${i})) return null;`);
  });
  lines.push('const custom = {};');
  for (const label of plan.custom) lines.push(`custom[${q(label)}] = customText(values[${q(label)}]);`);
  if (plan.customObject !== null) lines.push(`mergeCustom(custom, ${q(plan.customObject)}, values[${q(plan.customObject)}]);`);
  lines.push(`return { ${fields.map((f, i) => `${q(f.name)}: f${i}`).join(', ')}, ${q(CUSTOM_FIELD)}: custom };`);
  const make = new Function('convert', 'fallback', 'absent', 'Fail', 'customText', 'mergeCustom', 'isPlaceholder', 'MOJIBAKE_HINT', `'use strict'; return function coerceRow(values) {\n${lines.join('\n')}\n};`);
  return make(
    fields.map((f) => f.convert),
    fields.map((f) => f.fallback),
    fields.map((f) => f.absent),
    Fail,
    customText,
    mergeCustom,
    placeholderValue,
    MOJIBAKE_HINT,
  ) as Plan['fast'];
}

/** "First Name" → first_name, "E-mail Address" → e_mail_address, "createdAt" → created_at, "Çağla" → cagla. */
export function snakeCase(label: string): string {
  return label
    .replace(/ı/g, 'i')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function columnName(label: string, field: string): string {
  return label === field ? `column "${label}"` : `column "${label}" (field ${field})`;
}

function quoteValue(v: unknown): string {
  const text = typeof v === 'string' ? v : v instanceof Date ? (Number.isNaN(v.getTime()) ? 'Invalid Date' : v.toISOString()) : JSON.stringify(v) ?? String(v);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** A value as it goes into `custom`: text verbatim, dates as ISO 8601, objects and arrays as JSON. */
export function customText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

interface CompileContext {
  named: Map<string, unknown>;
  xlsx: boolean;
  record: string;
  lenient: boolean;
  /** field → the day-month order its numeric dates are written in, when the location says */
  dateOrders: Record<string, DateOrder>;
}

function fullName(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function registerNamed(type: unknown, namespace: string | undefined, named: Map<string, unknown>): void {
  if (Array.isArray(type)) {
    for (const t of type) registerNamed(t, namespace, named);
    return;
  }
  if (type === null || typeof type !== 'object') return;
  const t = type as Record<string, unknown>;
  const ns = typeof t.namespace === 'string' ? t.namespace : namespace;
  if (typeof t.name === 'string' && (t.type === 'record' || t.type === 'enum' || t.type === 'fixed')) {
    named.set(fullName(t.name, ns), t);
    named.set(t.name.split('.').pop() as string, t);
  }
  if (Array.isArray(t.fields)) for (const f of t.fields as Array<Record<string, unknown>>) registerNamed(f.type, ns, named);
  if (t.items !== undefined) registerNamed(t.items, ns, named);
  if (t.values !== undefined) registerNamed(t.values, ns, named);
  if (typeof t.type === 'object') registerNamed(t.type, ns, named);
}

function resolve(type: unknown, named: Map<string, unknown>): unknown {
  if (typeof type === 'string' && !PRIMITIVES.has(type)) {
    const t = named.get(type);
    if (!t) throw new Error(`unknown Avro type "${type}"`);
    return t;
  }
  return type;
}

function isStringMap(type: unknown, named: Map<string, unknown>): boolean {
  const t = resolve(type, named) as Record<string, unknown>;
  return typeof t === 'object' && t !== null && t.type === 'map' && resolve(t.values, named) === 'string';
}

function compileField(def: Record<string, unknown>, context: CompileContext): FieldPlan {
  const name = def.name as string;
  const where = `${context.record}.${name}`;
  let type = resolve(def.type, context.named);
  let nullable = false;
  if (Array.isArray(type)) {
    nullable = type.some((t) => t === 'null');
    const branches = type.filter((t) => t !== 'null');
    if (branches.length === 0) throw new Error(`${where}: a union of only null cannot hold a value`);
    type = branches.length === 1 ? resolve(branches[0], context.named) : branches;
  }
  const kind = (def['ferry.kind'] as string | undefined) ?? undefined;
  const convert = compileType(type, kind, where, { ...context, field: name });
  const hasDefault = Object.prototype.hasOwnProperty.call(def, 'default') && def.default !== null;
  const fallback = hasDefault && !nullable ? () => structuredClone(def.default) : undefined;
  const absent = !nullable && !fallback && type === 'boolean' && ASSUMED_TRUE.has(name.toLowerCase()) ? () => true : undefined;
  return { name, nullable, fallback, absent, convert, text: type === 'string' && kind === undefined };
}

function compileType(type: unknown, kind: string | undefined, where: string, context: CompileContext & { field?: string }): Convert {
  if (Array.isArray(type)) {
    const branches = type.map((t) => compileType(resolve(t, context.named), kind, where, context));
    return (v) => {
      let first: Fail | null = null;
      for (const b of branches) {
        const out = b(v);
        if (!(out instanceof Fail)) return out;
        first ??= out;
      }
      return first;
    };
  }
  if (typeof type === 'string') return compilePrimitive(type, undefined, kind, where, context);
  const t = type as Record<string, unknown>;
  const ownKind = (t['ferry.kind'] as string | undefined) ?? kind;
  switch (t.type) {
    case 'enum':
      return compileEnum(t.symbols as string[]);
    case 'array':
      return compileArray(compileType(resolve(t.items, context.named), undefined, `${where}[]`, context));
    case 'map':
      if (resolve(t.values, context.named) !== 'string') throw new Error(`${where}: only maps of strings can be filled from an export`);
      return stringMap;
    case 'record': {
      const nested = createCoercer({ ...(t as AvroSchema), fields: withCustom(t.fields as unknown[]) }, undefined, { values: context.lenient ? 'lenient' : 'strict' });
      return (v) => {
        const obj = objectValue(v);
        if (obj instanceof Fail) return obj;
        const out = nested(obj);
        if (!out.ok) return new Fail(out.code, `which does not fit ${t.name as string}: ${out.reason}`);
        if (!(t.fields as Array<{ name: string }>).some((f) => f.name === CUSTOM_FIELD)) delete out.record[CUSTOM_FIELD];
        return out.record;
      };
    }
    default:
      if (typeof t.type === 'string' && PRIMITIVES.has(t.type)) {
        return compilePrimitive(t.type, t.logicalType as string | undefined, ownKind, where, context);
      }
      throw new Error(`${where}: Avro type ${JSON.stringify(t.type)} cannot be filled from an export`);
  }
}

/** Nested records read their own fields by name; what they do not name has nowhere to go but an added custom map. */
function withCustom(fields: unknown[]): unknown[] {
  const hasCustom = (fields as Array<{ name: string }>).some((f) => f.name === CUSTOM_FIELD);
  return hasCustom ? fields : [...fields, { name: CUSTOM_FIELD, type: { type: 'map', values: 'string' }, default: {} }];
}

function compilePrimitive(type: string, logical: string | undefined, kind: string | undefined, where: string, context: CompileContext & { field?: string }): Convert {
  const order = () => dateOrderState(context.field === undefined ? undefined : context.dateOrders[context.field]);
  switch (type) {
    case 'string':
      if (kind === 'money') return money;
      if (kind === 'percent') return percent;
      if (kind !== undefined) throw new Error(`${where}: unknown "ferry.kind" ${JSON.stringify(kind)} (known: money, percent)`);
      return text;
    case 'boolean':
      return context.lenient ? lenientBoolean : boolean;
    case 'int':
      if (logical === 'date') return momentConvert(context.xlsx, 'days', order());
      return (v) => integer(v, 'int');
    case 'long':
      if (logical === 'timestamp-millis') return momentConvert(context.xlsx, 'millis', order());
      if (logical === 'timestamp-micros') {
        const millis = momentConvert(context.xlsx, 'millis', order());
        return (v) => {
          const out = millis(v);
          return out instanceof Fail ? out : (out as number) * 1000;
        };
      }
      return (v) => integer(v, 'long');
    case 'float':
    case 'double':
      return double;
    default:
      throw new Error(`${where}: Avro type "${type}" cannot be filled from an export`);
  }
}

const text: Convert = (v) => (typeof v === 'string' ? v : customText(v));

const booleanConvert =
  (lenient: boolean): Convert =>
  (v) => {
    if (typeof v === 'boolean') return v;
    if (v === 1 || v === 0) return v === 1;
    const p = parseBoolean(typeof v === 'string' ? v : String(v), lenient);
    return p.ok ? p.value : new Fail('BAD_BOOLEAN', p.problem);
  };
const boolean = booleanConvert(false);
const lenientBoolean = booleanConvert(true);

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

function integer(v: unknown, kind: 'int' | 'long'): unknown {
  if (typeof v === 'string') {
    const n = plainInteger(v);
    if (n === n && (kind === 'long' || (n >= INT32_MIN && n <= INT32_MAX))) return n;
  }
  const p = typeof v === 'number' ? intValue(v, kind) : typeof v === 'string' ? parseNumber(v, kind) : notA('number');
  return p.ok ? p.value : new Fail('BAD_NUMBER', p.problem);
}

const double: Convert = (v) => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : new Fail('BAD_NUMBER', 'which is not a finite number');
  const p = typeof v === 'string' ? parseNumber(v, 'double') : notA('number');
  return p.ok ? p.value : new Fail('BAD_NUMBER', p.problem);
};

const money: Convert = (v) => {
  if (typeof v === 'string') {
    const simple = simpleMoney(v);
    if (simple !== null) return simple;
  }
  const p = typeof v === 'number' ? moneyFromNumber(v) : typeof v === 'string' ? parseMoney(v) : notA('amount of money');
  return p.ok ? p.value : new Fail('BAD_DECIMAL', p.problem);
};

const percent: Convert = (v) => {
  const p = typeof v === 'number' ? percentFromNumber(v) : typeof v === 'string' ? parsePercent(v) : notA('percentage');
  return p.ok ? p.value : new Fail('BAD_DECIMAL', p.problem);
};

function notA(what: string): Parsed<never> {
  return { ok: false, problem: `which is not a ${what}` };
}

/**
 * One column's day-month order: the location's when it gives one, else, per separator, the first value that
 * can only be read one way (13/04/2021 is d/m) settles it for the values after it; until then the
 * separator's custom holds (slashes m/d, dots and dashes d/m). Separators are apart because one column may
 * mix 13.04.2021 with 4/13/2021.
 */
interface DateOrderState {
  given: DateOrder | undefined;
  learned: Partial<Record<DateSeparator, DateOrder>>;
}

function dateOrderState(given: DateOrder | undefined): DateOrderState {
  return { given, learned: {} };
}

/** A moment from text, a Date (XLSX date cell), or a number: epoch seconds/millis by digits, or an Excel serial. */
function momentOf(v: unknown, excel: boolean, state: DateOrderState): Moment | null | 'not-a-moment' {
  if (typeof v === 'string') {
    const r = readMoment(v, state.given ?? state.learned);
    if (state.given === undefined && r.separator !== undefined && (r.evidence === 'dmy' || r.evidence === 'mdy')) state.learned[r.separator] ??= r.evidence;
    return r.moment;
  }
  if (v instanceof Date) {
    const millis = v.getTime();
    return Number.isNaN(millis) ? null : { days: Math.floor(millis / 86_400_000), millis };
  }
  if (typeof v === 'number') {
    if (excel) return excelSerialMoment(v);
    if (Number.isInteger(v) && v > 0) return readMoment(String(v)).moment;
    return null;
  }
  return 'not-a-moment';
}

function momentConvert(excel: boolean, pick: 'days' | 'millis', state: DateOrderState): Convert {
  const code: RejectCode = pick === 'days' ? 'BAD_DATE' : 'BAD_TIMESTAMP';
  const what = pick === 'days' ? 'date' : 'date and time';
  return (v) => {
    if (typeof v === 'string') {
      const millis = isoMillis(v);
      if (millis === millis) return pick === 'millis' ? millis : Math.floor(millis / 86_400_000);
    }
    const m = momentOf(v, excel, state);
    if (m === null || m === 'not-a-moment') {
      const hint = typeof v === 'number' ? (excel ? 'an Excel date serial between 1 and 2958465' : 'epoch seconds or milliseconds') : DATE_FORMATS_HINT;
      return new Fail(code, `which is not a ${what} (expected ${hint.replace(/^expected /, '')})`);
    }
    return m[pick];
  };
}


function compileEnum(symbols: string[]): Convert {
  const lookup = new Map<string, string>();
  for (const s of symbols) lookup.set(s, s);
  for (const s of symbols) if (!lookup.has(s.toLowerCase())) lookup.set(s.toLowerCase(), s);
  const normalized = new Map<string, string>();
  for (const s of symbols) if (!normalized.has(snakeCase(s))) normalized.set(snakeCase(s), s);
  const allowed = symbols.join(', ');
  return (v) => {
    const s = typeof v === 'string' ? v : customText(v);
    const hit = lookup.get(s) ?? lookup.get(s.toLowerCase()) ?? normalized.get(snakeCase(s));
    return hit ?? new Fail('BAD_RECORD', `which is not one of the allowed values (${allowed})`);
  };
}

const LIST_SEPARATORS = [';', '|'];

function compileArray(item: Convert): Convert {
  return (v) => {
    let items: unknown[];
    if (Array.isArray(v)) items = v;
    else if (typeof v === 'string') {
      if (v.startsWith('[')) {
        try {
          const parsed: unknown = JSON.parse(v);
          if (!Array.isArray(parsed)) return new Fail('BAD_RECORD', 'which is not a JSON array');
          items = parsed;
        } catch {
          return new Fail('BAD_RECORD', 'which starts like a JSON array but is not valid JSON');
        }
      } else {
        const sep = LIST_SEPARATORS.find((s) => v.includes(s));
        items = sep ? v.split(sep) : [v];
      }
    } else items = [v];
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      let x = items[i];
      if (typeof x === 'string') {
        x = x.trim();
        if (x === '') continue;
      }
      if (x === null || x === undefined) continue;
      const c = item(x);
      if (c instanceof Fail) return new Fail(c.code, `whose item ${i + 1} (${quoteValue(x)}) is wrong: ${c.problem}`);
      out.push(c);
    }
    return out;
  };
}

function objectValue(v: unknown): Record<string, unknown> | Fail {
  let obj = v;
  if (typeof v === 'string') {
    try {
      obj = JSON.parse(v);
    } catch {
      return new Fail('BAD_RECORD', 'which is not a JSON object');
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj) || obj instanceof Date) return new Fail('BAD_RECORD', 'which is not an object');
  return obj as Record<string, unknown>;
}

const stringMap: Convert = (v) => {
  const obj = objectValue(v);
  if (obj instanceof Fail) return obj;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj)) out[k] = customText(x);
  return out;
};
