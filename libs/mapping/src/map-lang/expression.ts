import { numberText } from '@ferry/connectors/core';
import { MapLangError } from './errors';

/** Resolves a root identifier of an expression (a source field, or a name the interpreter provides). */
export type Scope = (name: string) => unknown;

export interface CompiledExpression {
  source: string;
  evaluate(scope: Scope): unknown;
  /** Root identifiers it reads, in order of first use. */
  fields: string[];
  /** The other records it reads through `ref()`, in order of use. */
  refs: RefUse[];
}

/**
 * Reads the kept fields of another source object's record by its source key: null when no such record is known.
 * An interpreter offers it to expressions as the scope name REF_READER.
 */
export type RefReader = (object: string, key: string) => Record<string, unknown> | null;

/** The scope name under which an interpreter passes its RefReader. */
export const REF_READER = '$ref';

/** One `ref('<object>', <key>).<field>` in an expression: which record's which field it reads. */
export interface RefUse {
  object: string;
  field: string;
  /** the referenced record's source key, over the referring record (never itself a ref) */
  key: (scope: Scope) => unknown;
  keySource: string;
}

/** The key a ref's key expression gives, trimmed; null when empty (the ref then reads nothing). */
export function refKey(use: RefUse, scope: Scope): string | null {
  const k = use.key(scope);
  return isEmpty(k) ? null : (text(k) as string).trim();
}

type Eval = (scope: Scope) => unknown;

// ---------------------------------------------------------------------------------------------------- tokens

type TokenType = 'num' | 'str' | 'id' | 'op' | 'end';
interface Token {
  type: TokenType;
  text: string;
  value?: unknown;
  /** 0-based offset into the source. */
  at: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '+', '-', '(', ')', '[', ']', ',', '.', '?', ':'];
const IDENT_START = /[\p{L}_$]/u;
const IDENT_PART = /[\p{L}\p{N}_$]/u;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };

class Failure extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"') {
      let out = '';
      i++;
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') {
          const e = src[i + 1];
          if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            out += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          if (e === undefined || !(e in ESCAPES)) throw new Failure(`unknown escape "\\${e ?? ''}" (use \\\\, \\', \\", \\n, \\t or \\uXXXX)`, i);
          out += ESCAPES[e];
          i += 2;
        } else out += src[i++];
      }
      if (i >= src.length) throw new Failure(`unterminated string, expected a closing ${c}`, start);
      i++;
      tokens.push({ type: 'str', text: src.slice(start, i), value: out, at: start });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(src.slice(i))!;
      i += m[0].length;
      if (i < src.length && IDENT_PART.test(src[i])) throw new Failure(`"${src.slice(start, i + 1)}" is not a number`, start);
      tokens.push({ type: 'num', text: m[0], value: Number(m[0]), at: start });
      continue;
    }
    if (IDENT_START.test(c)) {
      while (i < src.length && IDENT_PART.test(src[i])) i++;
      tokens.push({ type: 'id', text: src.slice(start, i), at: start });
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) {
      const hint = c === '=' ? ' (compare with ==)' : c === '&' ? ' (use && or and)' : c === '|' ? ' (use || or or)' : '';
      throw new Failure(`unexpected "${c}"${hint}`, i);
    }
    i += op.length;
    tokens.push({ type: 'op', text: op, at: start });
  }
  tokens.push({ type: 'end', text: '', at: src.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------------- values

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

function truthy(v: unknown): boolean {
  return !(v === null || v === undefined || v === false || v === 0 || v === '' || Number.isNaN(v));
}

/** To text: null stays null here; callers decide what null means for them. */
function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return numberText(v);
  if (Array.isArray(v)) return v.map((x) => text(x) ?? '').join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function equal(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  return a === b;
}

function compare(a: unknown, b: unknown, test: (order: number) => boolean): boolean {
  if (typeof a === 'number' && typeof b === 'number') return test(a < b ? -1 : a > b ? 1 : a === b ? 0 : NaN);
  if (typeof a === 'string' && typeof b === 'string') return test(a < b ? -1 : a > b ? 1 : 0);
  // Ordering null or mixed kinds has no sensible answer; a filter should not pass such records by accident.
  return false;
}

function member(obj: unknown, key: string | number): unknown {
  if (obj === null || obj === undefined) return null;
  if (typeof key === 'number') return Array.isArray(obj) || typeof obj === 'string' ? (obj[key] ?? null) : null;
  if (typeof obj !== 'object') return null;
  const v = (obj as Record<string, unknown>)[key];
  return v === undefined || !Object.prototype.hasOwnProperty.call(obj, key) ? null : v;
}

/** Lower case without accents: "José ÁLVAREZ" and "jose alvarez" compare equal. */
function folded(s: string): string {
  return s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

function hostOf(v: string): string | null {
  let s = v.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at !== -1 && !s.includes('/')) s = s.slice(at + 1);
  else {
    s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^\/\//, '');
    s = s.split(/[/?#]/)[0];
    s = s.slice(s.lastIndexOf('@') + 1).replace(/:\d+$/, '');
  }
  s = s.replace(/\.$/, '').replace(/^www\./, '');
  return /^[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u.test(s) ? s : null;
}

interface FunctionDef {
  min: number;
  max: number;
  call: (args: unknown[]) => unknown;
}

const str1 = (f: (s: string) => unknown) => (args: unknown[]) => {
  const s = text(args[0]);
  return s === null ? null : f(s);
};

const strPair = (f: (s: string, p: string) => boolean) => (args: unknown[]) => {
  const s = text(args[0]);
  const p = text(args[1]);
  return s !== null && p !== null && f(s, p);
};

const FUNCTIONS: Record<string, FunctionDef> = {
  lower: { min: 1, max: 1, call: str1((s) => s.toLowerCase()) },
  upper: { min: 1, max: 1, call: str1((s) => s.toUpperCase()) },
  trim: { min: 1, max: 1, call: str1((s) => s.trim()) },
  concat: {
    min: 1,
    max: Infinity,
    call: (args) => {
      let out: string | null = null;
      for (const a of args) {
        const s = text(a);
        if (s !== null) out = out === null ? s : out + s;
      }
      return out;
    },
  },
  coalesce: { min: 1, max: Infinity, call: (args) => args.find((a) => !isEmpty(a)) ?? null },
  empty: { min: 1, max: 1, call: (args) => isEmpty(args[0]) },
  present: { min: 1, max: 1, call: (args) => !isEmpty(args[0]) },
  len: {
    min: 1,
    max: 1,
    call: (args) => {
      const v = args[0];
      if (v === null || v === undefined) return 0;
      if (Array.isArray(v)) return v.length;
      return [...(text(v) as string)].length;
    },
  },
  startsWith: { min: 2, max: 2, call: strPair((s, p) => s.startsWith(p)) },
  endsWith: { min: 2, max: 2, call: strPair((s, p) => s.endsWith(p)) },
  contains: {
    min: 2,
    max: 2,
    call: (args) => (Array.isArray(args[0]) ? args[0].some((x) => equal(x, args[1])) : strPair((s, p) => s.includes(p))(args)),
  },
  normalize: { min: 1, max: 1, call: str1((s) => folded(s).replace(/\s+/g, ' ').trim()) },
  digits: { min: 1, max: 1, call: str1((s) => s.replace(/[^0-9]/g, '')) },
  // A dedupe key safe in any destination's key addressing: letters and digits only, runs of anything else as one '-'.
  slug: { min: 1, max: 1, call: str1((s) => folded(s).replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '')) },
  domain: { min: 1, max: 1, call: str1(hostOf) },
  substr: {
    min: 2,
    max: 3,
    call: (args) => {
      const s = text(args[0]);
      if (s === null) return null;
      const start = Number(args[1]);
      const points = [...s];
      if (!Number.isInteger(start)) return null;
      if (args.length === 2 || args[2] === null) return points.slice(start).join('');
      const n = Number(args[2]);
      if (!Number.isInteger(n) || n < 0) return null;
      const from = start < 0 ? Math.max(points.length + start, 0) : start;
      return points.slice(from, from + n).join('');
    },
  },
  str: { min: 1, max: 1, call: (args) => text(args[0]) ?? '' },
};

const KNOWN_FUNCTIONS = [...Object.keys(FUNCTIONS), 'ref'].sort().join(', ');
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'true', 'false', 'null']);

// ---------------------------------------------------------------------------------------------------- parser

/**
 * Recursive descent, lowest precedence first: ternary, or, and, not, comparison (== != < <= > >= in, not in),
 * additive (+ -), unary (! -), member access, primary. `not` binds looser than comparisons (Python), `!` tighter
 * (JavaScript), so `not x in [..]` and `!empty(x)` both read as meant.
 */
class Parser {
  private pos = 0;
  readonly fields: string[] = [];
  readonly refs: RefUse[] = [];
  /** inside a ref's key: another ref there is refused (a key is read from the record itself) */
  private inRef = false;

  constructor(
    private readonly tokens: Token[],
    private readonly src: string,
  ) {}

  private get peek(): Token {
    return this.tokens[this.pos];
  }

  private isOp(text: string): boolean {
    const t = this.peek;
    return t.type === 'op' && t.text === text;
  }

  private isWord(word: string): boolean {
    const t = this.peek;
    return t.type === 'id' && t.text === word;
  }

  private expect(text: string): Token {
    if (!this.isOp(text)) throw this.unexpected(`"${text}"`);
    return this.tokens[this.pos++];
  }

  private unexpected(wanted: string): Failure {
    const t = this.peek;
    return new Failure(t.type === 'end' ? `expected ${wanted}` : `expected ${wanted} but found "${t.text}"`, t.at);
  }

  parse(): Eval {
    if (this.peek.type === 'end') throw new Failure('the expression is empty', 0);
    const e = this.ternary();
    if (this.tokens[this.pos].type !== 'end') throw this.unexpected('an operator or the end');
    return e;
  }

  private ternary(): Eval {
    const cond = this.or();
    if (!this.isOp('?')) return cond;
    this.pos++;
    const yes = this.ternary();
    this.expect(':');
    const no = this.ternary();
    return (s) => (truthy(cond(s)) ? yes(s) : no(s));
  }

  private or(): Eval {
    let left = this.and();
    while (this.isOp('||') || this.isWord('or')) {
      this.pos++;
      const l = left;
      const r = this.and();
      left = (s) => truthy(l(s)) || truthy(r(s));
    }
    return left;
  }

  private and(): Eval {
    let left = this.not();
    while (this.isOp('&&') || this.isWord('and')) {
      this.pos++;
      const l = left;
      const r = this.not();
      left = (s) => truthy(l(s)) && truthy(r(s));
    }
    return left;
  }

  private not(): Eval {
    if (this.isWord('not')) {
      this.pos++;
      const e = this.not();
      return (s) => !truthy(e(s));
    }
    return this.comparison();
  }

  private comparison(): Eval {
    const left = this.additive();
    const t = this.peek;
    const l = left;
    if (t.type === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.pos++;
      const r = this.additive();
      switch (t.text) {
        case '==':
          return (s) => equal(l(s), r(s));
        case '!=':
          return (s) => !equal(l(s), r(s));
        case '<':
          return (s) => compare(l(s), r(s), (o) => o < 0);
        case '<=':
          return (s) => compare(l(s), r(s), (o) => o <= 0);
        case '>':
          return (s) => compare(l(s), r(s), (o) => o > 0);
        default:
          return (s) => compare(l(s), r(s), (o) => o >= 0);
      }
    }
    let negate = false;
    if (this.isWord('not') && this.tokens[this.pos + 1].type === 'id' && this.tokens[this.pos + 1].text === 'in') {
      negate = true;
      this.pos++;
    }
    if (this.isWord('in')) {
      this.pos++;
      const r = this.additive();
      return (s) => {
        const list = r(s);
        const v = l(s);
        const found = Array.isArray(list) ? list.some((x) => equal(x, v)) : false;
        return negate ? !found : found;
      };
    }
    if (negate) throw this.unexpected('"in"');
    return left;
  }

  private additive(): Eval {
    let left = this.unary();
    while (this.isOp('+') || this.isOp('-')) {
      const op = this.tokens[this.pos++].text;
      const l = left;
      const r = this.unary();
      left =
        op === '+'
          ? (s) => {
              const a = l(s);
              const b = r(s);
              if (typeof a === 'string' || typeof b === 'string') return (text(a) ?? '') + (text(b) ?? '');
              return typeof a === 'number' && typeof b === 'number' ? a + b : null;
            }
          : (s) => {
              const a = l(s);
              const b = r(s);
              return typeof a === 'number' && typeof b === 'number' ? a - b : null;
            };
    }
    return left;
  }

  private unary(): Eval {
    if (this.isOp('!')) {
      this.pos++;
      const e = this.unary();
      return (s) => !truthy(e(s));
    }
    if (this.isOp('-')) {
      this.pos++;
      const e = this.unary();
      return (s) => {
        const v = e(s);
        return typeof v === 'number' ? -v : null;
      };
    }
    return this.postfix();
  }

  private postfix(): Eval {
    let e = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        const t = this.peek;
        if (t.type !== 'id') throw this.unexpected('a field name after "."');
        this.pos++;
        const inner = e;
        const key = t.text;
        e = (s) => member(inner(s), key);
      } else if (this.isOp('[')) {
        this.pos++;
        const t = this.peek;
        if (t.type !== 'str' && t.type !== 'num') throw this.unexpected("a quoted field name such as ['Loan Type'] or an index");
        this.pos++;
        this.expect(']');
        const inner = e;
        const key = t.value as string | number;
        e = (s) => member(inner(s), key);
      } else return e;
    }
  }

  private primary(): Eval {
    const t = this.peek;
    if (t.type === 'num' || t.type === 'str') {
      this.pos++;
      const v = t.value;
      return () => v;
    }
    if (t.type === 'op' && t.text === '(') {
      this.pos++;
      const e = this.ternary();
      this.expect(')');
      return e;
    }
    if (t.type === 'op' && t.text === '[') return this.list();
    if (t.type === 'id') {
      this.pos++;
      if (t.text === 'true') return () => true;
      if (t.text === 'false') return () => false;
      if (t.text === 'null') return () => null;
      if (t.text === 'ref' && this.isOp('(')) return this.ref(t);
      if (this.isOp('(')) return this.call(t);
      if (KEYWORDS.has(t.text)) throw new Failure(`"${t.text}" is a keyword, not a value`, t.at);
      const name = t.text;
      if (!this.fields.includes(name)) this.fields.push(name);
      return (s) => {
        const v = s(name);
        return v === undefined ? null : v;
      };
    }
    throw this.unexpected('a value');
  }

  /**
   * `ref('<object>', <key>).<field>`: a field of another source object's record, found by its source key. The object
   * and the field are fixed in the text, so a compiler knows which fields of which objects to keep.
   */
  private ref(name: Token): Eval {
    if (this.inRef) throw new Failure("ref() cannot take a key that itself uses ref(); the key is read from this record", name.at);
    this.expect('(');
    const o = this.peek;
    if (o.type !== 'str' || !/^[a-z][a-z0-9_]*$/.test(o.value as string)) throw this.unexpected("the source object as a quoted lower-case name, e.g. ref('contact', contact_id)");
    this.pos++;
    this.expect(',');
    const from = this.peek.at;
    this.inRef = true;
    let key: Eval;
    try {
      key = this.ternary();
    } finally {
      this.inRef = false;
    }
    const keySource = this.src.slice(from, this.peek.at).trim();
    this.expect(')');
    let field: string;
    if (this.isOp('.') && this.tokens[this.pos + 1].type === 'id') {
      field = this.tokens[this.pos + 1].text;
      this.pos += 2;
    } else if (this.isOp('[') && this.tokens[this.pos + 1].type === 'str' && this.tokens[this.pos + 2]?.text === ']') {
      field = this.tokens[this.pos + 1].value as string;
      this.pos += 3;
    } else {
      throw this.unexpected(`a field of the ${o.value as string} record after ref(…), e.g. ref('${o.value as string}', ${keySource}).name`);
    }
    const use: RefUse = { object: o.value as string, field, key, keySource };
    this.refs.push(use);
    return (s) => {
      const k = refKey(use, s);
      if (k === null) return null;
      const read = s(REF_READER);
      if (typeof read !== 'function') return null;
      return member((read as RefReader)(use.object, k), field);
    };
  }

  private list(): Eval {
    this.expect('[');
    const items: Eval[] = [];
    if (!this.isOp(']')) {
      for (;;) {
        items.push(this.ternary());
        if (!this.isOp(',')) break;
        this.pos++;
      }
    }
    this.expect(']');
    return (s) => items.map((i) => i(s));
  }

  private call(name: Token): Eval {
    const def = FUNCTIONS[name.text];
    if (!def) throw new Failure(`unknown function "${name.text}"; the functions are: ${KNOWN_FUNCTIONS}`, name.at);
    this.expect('(');
    const args: Eval[] = [];
    if (!this.isOp(')')) {
      for (;;) {
        args.push(this.ternary());
        if (this.isOp(',')) {
          this.pos++;
          continue;
        }
        if (!this.isOp(')')) throw this.unexpected(`"," or ")"`);
        break;
      }
    }
    this.expect(')');
    if (args.length < def.min || args.length > def.max) {
      const wanted = def.max === Infinity ? `at least ${def.min}` : def.min === def.max ? `${def.min}` : `${def.min} to ${def.max}`;
      throw new Failure(`${name.text} takes ${wanted} argument${wanted === '1' ? '' : 's'}, not ${args.length}`, name.at);
    }
    const call = def.call;
    if (args.length === 1) {
      const a = args[0];
      return (s) => call([a(s)]);
    }
    return (s) => call(args.map((a) => a(s)));
  }

  get source(): string {
    return this.src;
  }
}

/**
 * Compiles a key or filter expression to closures (no eval: the text only ever selects among the closures
 * here). Throws MapLangError (MAP_INVALID) naming the column, e.g.
 * `contact.key: expected ")" at column 19 in "concat(first, last"`.
 */
export function compileExpression(text: string, where: string): CompiledExpression {
  if (typeof text !== 'string') throw new MapLangError(`${where}: an expression must be text, not ${JSON.stringify(text)}`);
  try {
    const parser = new Parser(tokenize(text), text);
    const evaluate = parser.parse();
    return { source: text, evaluate, fields: parser.fields, refs: parser.refs };
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    const column = e.at + 1;
    throw new MapLangError(`${where}: ${e.message} at column ${column} in ${JSON.stringify(text)}`, [], column);
  }
}
