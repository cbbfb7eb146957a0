/**
 * The SOQL subset the sandbox answers: SELECT fields (with parent paths like Account.Name) or COUNT(), one object,
 * WHERE with comparisons, IN / NOT IN, LIKE, AND / OR / NOT and parentheses, ORDER BY, LIMIT, OFFSET. Anything
 * else is refused with a SoqlError, which the API answers as MALFORMED_QUERY.
 */
export class SoqlError extends Error {}

export type Literal =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  | { type: 'date'; value: string }
  | { type: 'datetime'; value: string }
  | { type: 'dateLiteral'; name: string; n?: number };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like';

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; path: string[]; op: CompareOp; value: Literal }
  | { kind: 'in'; path: string[]; not: boolean; values: Literal[] };

export interface OrderItem {
  path: string[];
  desc: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  count: boolean;
  fields: string[][];
  object: string;
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

type Token =
  | { t: 'ident'; v: string; pos: number }
  | { t: 'string'; v: string; pos: number }
  | { t: 'number'; v: number; pos: number }
  | { t: 'date'; v: string; pos: number }
  | { t: 'datetime'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'punct'; v: string; pos: number };

const DATE_LITERALS = new Set(['TODAY', 'YESTERDAY', 'TOMORROW']);
const N_DATE_LITERALS = new Set(['LAST_N_DAYS', 'NEXT_N_DAYS']);
const UNSUPPORTED = new Set(['GROUP', 'HAVING', 'TYPEOF', 'WITH', 'FOR', 'USING', 'INCLUDES', 'EXCLUDES', 'ROLLUP', 'CUBE', 'FORMAT', 'CONVERTCURRENCY', 'TOLABEL', 'FIELDS', 'SUM', 'AVG', 'MIN', 'MAX', 'COUNT_DISTINCT']);

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = text.slice(i);
    if (c === "'") {
      let v = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== "'"; j++) {
        if (text[j] === '\\') {
          const n = text[++j];
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\', _: '\\_', '%': '\\%' };
          if (n === undefined || !(n in map)) throw new SoqlError(`Invalid string literal escape at position ${j}: use \\' \\\\ \\n \\t \\r \\" \\_ or \\%`);
          v += map[n];
        } else v += text[j];
      }
      if (j >= text.length) throw new SoqlError(`unterminated string literal starting at position ${i}`);
      out.push({ t: 'string', v, pos: i });
      i = j + 1;
      continue;
    }
    let m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/.exec(rest);
    if (m) {
      out.push({ t: 'datetime', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = /^\d{4}-\d{2}-\d{2}(?![\d:])/.exec(rest);
    if (m) {
      out.push({ t: 'date', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = /^[+-]?\d+(\.\d+)?/.exec(rest);
    if (m) {
      // A sign belongs to the number only where a value may start: after an operator, '(' or ','.
      const prev = out[out.length - 1];
      const signed = c === '-' || c === '+';
      if (!signed || prev?.t === 'op' || (prev?.t === 'punct' && prev.v !== ')')) {
        out.push({ t: 'number', v: Number(m[0]), pos: i });
        i += m[0].length;
        continue;
      }
    }
    m = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    if (m) {
      out.push({ t: 'ident', v: m[0], pos: i });
      i += m[0].length;
      continue;
    }
    m = /^(!=|<>|<=|>=|=|<|>)/.exec(rest);
    if (m) {
      out.push({ t: 'op', v: m[0] === '<>' ? '!=' : m[0], pos: i });
      i += m[0].length;
      continue;
    }
    if ('(),:'.includes(c)) {
      if (c === ':') {
        const prev = out[out.length - 1];
        if (prev?.t === 'ident' && N_DATE_LITERALS.has(prev.v.toUpperCase())) {
          out.push({ t: 'punct', v: c, pos: i });
          i++;
          continue;
        }
        throw new SoqlError(`unexpected token ':' at position ${i}: bind variables belong to Apex, not the REST API`);
      }
      out.push({ t: 'punct', v: c, pos: i });
      i++;
      continue;
    }
    throw new SoqlError(`unexpected character '${c}' at position ${i}`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new SoqlError('unexpected end of query');
    return t;
  }

  private isKeyword(word: string, t = this.peek()): boolean {
    return t?.t === 'ident' && t.v.toUpperCase() === word;
  }

  private expectKeyword(word: string): void {
    const t = this.next();
    if (!this.isKeyword(word, t)) throw new SoqlError(`unexpected token: '${describe(t)}' (expected ${word})`);
  }

  private expectPunct(p: string): void {
    const t = this.next();
    if (t.t !== 'punct' || t.v !== p) throw new SoqlError(`unexpected token: '${describe(t)}' (expected '${p}')`);
  }

  private path(): string[] {
    const t = this.next();
    if (t.t !== 'ident') throw new SoqlError(`unexpected token: '${describe(t)}' (expected a field name)`);
    if (UNSUPPORTED.has(t.v.toUpperCase())) throw new SoqlError(`${t.v} is not supported by the sandbox's SOQL`);
    return t.v.split('.');
  }

  parse(): SoqlQuery {
    this.expectKeyword('SELECT');
    const q: SoqlQuery = { count: false, fields: [], object: '', orderBy: [] };
    if (this.isKeyword('COUNT')) {
      this.next();
      this.expectPunct('(');
      this.expectPunct(')');
      q.count = true;
    } else {
      for (;;) {
        const t = this.peek();
        if (t?.t === 'punct' && t.v === '(') throw new SoqlError('subqueries are not supported by the sandbox\'s SOQL');
        const p = this.path();
        const after = this.peek();
        if (after?.t === 'punct' && after.v === '(') throw new SoqlError(`function ${p.join('.')}() is not supported by the sandbox's SOQL`);
        q.fields.push(p);
        if (this.peek()?.t === 'punct' && this.peek()?.v === ',') {
          this.next();
          continue;
        }
        break;
      }
    }
    this.expectKeyword('FROM');
    const obj = this.next();
    if (obj.t !== 'ident' || obj.v.includes('.')) throw new SoqlError(`unexpected token: '${describe(obj)}' (expected an object name)`);
    q.object = obj.v;
    if (this.peek()?.t === 'punct' && this.peek()?.v === ',') throw new SoqlError('only one object may follow FROM');
    const alias = this.peek();
    if (alias?.t === 'ident' && !['WHERE', 'ORDER', 'LIMIT', 'OFFSET', 'GROUP', 'HAVING', 'FOR', 'WITH', 'USING'].includes(alias.v.toUpperCase())) {
      throw new SoqlError(`object aliases are not supported ('${alias.v}')`);
    }
    if (this.isKeyword('WHERE')) {
      this.next();
      q.where = this.or();
    }
    if (this.isKeyword('ORDER')) {
      this.next();
      this.expectKeyword('BY');
      for (;;) {
        const path = this.path();
        let desc = false;
        if (this.isKeyword('ASC')) this.next();
        else if (this.isKeyword('DESC')) {
          this.next();
          desc = true;
        }
        let nullsLast = desc;
        if (this.isKeyword('NULLS')) {
          this.next();
          const w = this.next();
          if (this.isKeyword('FIRST', w)) nullsLast = false;
          else if (this.isKeyword('LAST', w)) nullsLast = true;
          else throw new SoqlError(`unexpected token: '${describe(w)}' (expected FIRST or LAST)`);
        }
        q.orderBy.push({ path, desc, nullsLast });
        if (this.peek()?.t === 'punct' && this.peek()?.v === ',') {
          this.next();
          continue;
        }
        break;
      }
    }
    if (this.isKeyword('LIMIT')) {
      this.next();
      q.limit = this.nonNegative('LIMIT');
    }
    if (this.isKeyword('OFFSET')) {
      this.next();
      q.offset = this.nonNegative('OFFSET');
    }
    const left = this.peek();
    if (left) throw new SoqlError(`unexpected token: '${describe(left)}'${UNSUPPORTED.has(left.t === 'ident' ? left.v.toUpperCase() : '') ? ` (${left.v} is not supported by the sandbox's SOQL)` : ''}`);
    return q;
  }

  private nonNegative(what: string): number {
    const t = this.next();
    if (t.t !== 'number' || !Number.isInteger(t.v) || t.v < 0) throw new SoqlError(`${what} must be a whole number of at least 0`);
    return t.v;
  }

  /** SOQL has no precedence between AND and OR: mixing them on one level needs parentheses. */
  private or(): Condition {
    const items = [this.not()];
    let op: 'AND' | 'OR' | undefined;
    while (this.isKeyword('AND') || this.isKeyword('OR')) {
      const t = this.next() as { v: string };
      const word = t.v.toUpperCase() as 'AND' | 'OR';
      if (op && op !== word) throw new SoqlError(`unexpected token: '${t.v}': use parentheses to combine AND with OR`);
      op = word;
      items.push(this.not());
    }
    return items.length === 1 ? items[0] : { kind: op === 'AND' ? 'and' : 'or', items };
  }

  private not(): Condition {
    if (this.isKeyword('NOT')) {
      this.next();
      return { kind: 'not', item: this.not() };
    }
    const t = this.peek();
    if (t?.t === 'punct' && t.v === '(') {
      this.next();
      const c = this.or();
      this.expectPunct(')');
      return c;
    }
    return this.comparison();
  }

  private comparison(): Condition {
    const path = this.path();
    const t = this.next();
    if (t.t === 'op') return { kind: 'cmp', path, op: t.v as CompareOp, value: this.literal() };
    if (this.isKeyword('LIKE', t)) {
      const v = this.literal();
      if (v.type !== 'string') throw new SoqlError('LIKE needs a string literal');
      return { kind: 'cmp', path, op: 'like', value: v };
    }
    let not = false;
    let word: Token = t;
    if (this.isKeyword('NOT', t)) {
      not = true;
      word = this.next();
    }
    if (this.isKeyword('IN', word)) {
      this.expectPunct('(');
      if (this.isKeyword('SELECT')) throw new SoqlError('semi-join subqueries are not supported by the sandbox\'s SOQL');
      const values: Literal[] = [];
      for (;;) {
        values.push(this.literal());
        const sep = this.next();
        if (sep.t === 'punct' && sep.v === ')') break;
        if (sep.t !== 'punct' || sep.v !== ',') throw new SoqlError(`unexpected token: '${describe(sep)}' in an IN list`);
      }
      return { kind: 'in', path, not, values };
    }
    throw new SoqlError(`unexpected token: '${describe(word)}' after ${path.join('.')}`);
  }

  private literal(): Literal {
    const t = this.next();
    switch (t.t) {
      case 'string':
        return { type: 'string', value: t.v };
      case 'number':
        return { type: 'number', value: t.v };
      case 'date':
        return { type: 'date', value: t.v };
      case 'datetime':
        return { type: 'datetime', value: t.v };
      case 'ident': {
        const u = t.v.toUpperCase();
        if (u === 'TRUE' || u === 'FALSE') return { type: 'boolean', value: u === 'TRUE' };
        if (u === 'NULL') return { type: 'null' };
        if (DATE_LITERALS.has(u)) return { type: 'dateLiteral', name: u };
        if (N_DATE_LITERALS.has(u)) {
          this.expectPunct(':');
          const n = this.next();
          if (n.t !== 'number' || !Number.isInteger(n.v) || n.v < 0) throw new SoqlError(`${u} needs a whole number, e.g. ${u}:30`);
          return { type: 'dateLiteral', name: u, n: n.v };
        }
        throw new SoqlError(`unexpected token: '${t.v}' (expected a value)`);
      }
      default:
        throw new SoqlError(`unexpected token: '${describe(t)}' (expected a value)`);
    }
  }
}

function describe(t: Token): string {
  return t.t === 'string' ? `'${t.v}'` : String(t.v);
}

export function parseSoql(text: string): SoqlQuery {
  if (!text || !text.trim()) throw new SoqlError('the query is empty');
  return new Parser(tokenize(text)).parse();
}
