import { isGuid } from '@ferry/destinations/dynamics';
import { AttributeMetadata, EntityTable } from '../metadata/entity-metadata';
import { DataverseHttpError, Errors } from './dataverse-http.error';

/** $filter support: comparisons, and/or/not, parentheses, contains/startswith/endswith; translated to SQL over jsonb. */

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'guid'; value: string }
  | { kind: 'datetime'; value: string };

export type Operand = { kind: 'property'; name: string } | { kind: 'literal'; literal: Literal };

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'compare'; op: ComparisonOp; left: Operand; right: Operand }
  | { kind: 'call'; fn: 'contains' | 'startswith' | 'endswith'; args: Operand[] };

type Token =
  | { t: 'lparen' | 'rparen' | 'comma'; pos: number }
  | { t: 'word'; v: string; pos: number }
  | { t: 'literal'; lit: Literal; pos: number };

const syntaxError = (message: string) => Errors.badRequest(`Syntax error in $filter: ${message}`, '0x80060888');

const GUID_AT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const DATETIME_AT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?(?![\w-])/;
const NUMBER_AT = /^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?(?![\w])/;
const WORD_AT = /^[A-Za-z_][A-Za-z0-9_./]*/;

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', pos: i });
      i++;
      continue;
    }
    if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw syntaxError(`unterminated string literal at position ${i}`);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j++];
      }
      out.push({ t: 'literal', lit: { kind: 'string', value }, pos: i });
      i = j + 1;
      continue;
    }
    const rest = text.slice(i);
    let m = GUID_AT.exec(rest);
    if (m) {
      out.push({ t: 'literal', lit: { kind: 'guid', value: m[0].toLowerCase() }, pos: i });
      i += m[0].length;
      continue;
    }
    m = DATETIME_AT.exec(rest);
    if (m) {
      out.push({ t: 'literal', lit: { kind: 'datetime', value: m[0] }, pos: i });
      i += m[0].length;
      continue;
    }
    m = NUMBER_AT.exec(rest);
    if (m) {
      out.push({ t: 'literal', lit: { kind: 'number', value: Number(m[0].replace(/[mMdDfFlL]$/, '')) }, pos: i });
      i += m[0].length;
      continue;
    }
    m = WORD_AT.exec(rest);
    if (m) {
      const w = m[0];
      if (w === 'true' || w === 'false') out.push({ t: 'literal', lit: { kind: 'boolean', value: w === 'true' }, pos: i });
      else if (w === 'null') out.push({ t: 'literal', lit: { kind: 'null' }, pos: i });
      else out.push({ t: 'word', v: w, pos: i });
      i += w.length;
      continue;
    }
    throw syntaxError(`unexpected character '${c}' at position ${i}`);
  }
  return out;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS = new Set(['contains', 'startswith', 'endswith']);

export function parseFilter(text: string): FilterExpr {
  const tokens = tokenize(text);
  let p = 0;
  const peek = () => tokens[p];
  const isWord = (v: string) => {
    const t = tokens[p];
    return t?.t === 'word' && t.v === v;
  };

  const operand = (): Operand => {
    const t = tokens[p++];
    if (!t) throw syntaxError('expression ends too early');
    if (t.t === 'literal') return { kind: 'literal', literal: t.lit };
    if (t.t === 'word') return { kind: 'property', name: t.v };
    throw syntaxError(`unexpected token at position ${t.pos}`);
  };

  const expect = (kind: 'lparen' | 'rparen' | 'comma') => {
    const t = tokens[p++];
    if (!t || t.t !== kind) throw syntaxError(`expected '${kind === 'lparen' ? '(' : kind === 'rparen' ? ')' : ','}'`);
  };

  const primary = (): FilterExpr => {
    const t = peek();
    if (!t) throw syntaxError('expression ends too early');
    if (t.t === 'lparen') {
      p++;
      const e = or();
      expect('rparen');
      return e;
    }
    if (t.t === 'word' && t.v === 'not') {
      p++;
      return { kind: 'not', expr: primary() };
    }
    if (t.t === 'word' && FUNCTIONS.has(t.v.toLowerCase()) && tokens[p + 1]?.t === 'lparen') {
      p += 2;
      const args = [operand()];
      while (peek()?.t === 'comma') {
        p++;
        args.push(operand());
      }
      expect('rparen');
      return { kind: 'call', fn: t.v.toLowerCase() as 'contains', args };
    }
    const left = operand();
    const opTok = tokens[p++];
    if (!opTok || opTok.t !== 'word' || !COMPARISONS.has(opTok.v)) throw syntaxError(`expected a comparison operator after '${describe(left)}'`);
    const right = operand();
    return { kind: 'compare', op: opTok.v as ComparisonOp, left, right };
  };

  const and = (): FilterExpr => {
    let left = primary();
    while (isWord('and')) {
      p++;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };

  const or = (): FilterExpr => {
    let left = and();
    while (isWord('or')) {
      p++;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };

  const expr = or();
  if (p < tokens.length) throw syntaxError(`unexpected token at position ${tokens[p].pos}`);
  return expr;
}

function describe(o: Operand): string {
  if (o.kind === 'property') return o.name;
  return o.literal.kind === 'null' ? 'null' : String(o.literal.value);
}

/** How a queryable property is reached in SQL, and how literals compared with it are cast. */
interface Column {
  sql: string;
  cast: string;
  attribute?: AttributeMetadata;
  text: boolean;
  /** Equality on this column can use the alternate-key index. */
  altKey?: boolean;
}

/** Resolves a property name of $select/$filter/$orderby; lookups are addressed as _<name>_value. */
export function resolveColumn(entity: EntityTable, name: string): Column {
  if (name === entity.primaryId) return { sql: 'id', cast: 'uuid', text: false };
  const lookup = /^_(.+)_value$/.exec(name);
  if (lookup) {
    const a = entity.attributes.get(lookup[1]);
    if (a?.type === 'lookup') return { sql: `(data->'${a.logicalName}'->>'id')`, cast: 'text', attribute: a, text: false };
    throw Errors.unknownQueryProperty(name, entity.logicalName);
  }
  const a = entity.attributes.get(name);
  if (!a || a.type === 'lookup') throw Errors.unknownQueryProperty(name, entity.logicalName);
  if (a.system) return { sql: a.system, cast: a.system === 'versionnumber' ? 'bigint' : 'timestamptz', attribute: a, text: false };
  const field = `(data->>'${a.logicalName}')`;
  switch (a.type) {
    case 'string':
    case 'memo': {
      const altKey = entity.key?.status === 'Active' && entity.key.keyAttributes.length === 1 && entity.key.keyAttributes[0] === a.logicalName;
      return { sql: field, cast: 'text', attribute: a, text: true, altKey };
    }
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'money':
    case 'picklist':
      return { sql: `${field}::numeric`, cast: 'numeric', attribute: a, text: false };
    case 'boolean':
      return { sql: `${field}::boolean`, cast: 'boolean', attribute: a, text: false };
    case 'datetime':
      return { sql: `${field}::timestamptz`, cast: 'timestamptz', attribute: a, text: false };
    case 'dateonly':
      return { sql: `${field}::date`, cast: 'date', attribute: a, text: false };
    case 'uniqueidentifier':
      return { sql: field, cast: 'text', attribute: a, text: false };
  }
}

const SQL_OP: Record<ComparisonOp, string> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };
const FLIP: Record<ComparisonOp, ComparisonOp> = { eq: 'eq', ne: 'ne', gt: 'lt', ge: 'le', lt: 'gt', le: 'ge' };

function literalValue(lit: Literal, column: Column): unknown {
  if (lit.kind === 'null') return null;
  const v = lit.value;
  if (column.cast === 'uuid' || column.attribute?.type === 'lookup') {
    if (typeof v !== 'string' || !isGuid(v)) throw Errors.badRequest(`'${String(v)}' is not a valid GUID.`, '0x80060888');
    return v.toLowerCase();
  }
  if (column.cast === 'numeric' || column.cast === 'bigint') {
    if (typeof v !== 'number') throw Errors.badRequest(`A binary operator with incompatible types was detected. Found operand types 'Edm.Decimal' and 'Edm.${lit.kind}'.`, '0x80060888');
    return v;
  }
  if (column.cast === 'boolean') {
    if (typeof v !== 'boolean') throw Errors.badRequest(`A binary operator with incompatible types was detected. Found operand types 'Edm.Boolean' and 'Edm.${lit.kind}'.`, '0x80060888');
    return v;
  }
  if (column.cast === 'timestamptz' || column.cast === 'date') {
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw Errors.badRequest(`'${String(v)}' is not a valid date.`, '0x80060888');
    return v;
  }
  return String(v);
}

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** SQL for a filter; placeholders start after `firstParam - 1` existing parameters. */
export function filterToSql(expr: FilterExpr, entity: EntityTable, firstParam: number, canonicalKey: (v: string) => string): SqlFragment {
  const params: unknown[] = [];
  const param = (v: unknown, cast: string) => {
    params.push(v);
    return `$${firstParam + params.length - 1}::${cast}`;
  };

  const walk = (e: FilterExpr): string => {
    switch (e.kind) {
      case 'and':
      case 'or':
        return `(${walk(e.left)} ${e.kind.toUpperCase()} ${walk(e.right)})`;
      case 'not':
        return `(NOT COALESCE(${walk(e.expr)}, false))`;
      case 'call': {
        const [target, arg] = e.args;
        if (e.args.length !== 2 || target.kind !== 'property' || arg.kind !== 'literal' || arg.literal.kind !== 'string') {
          throw syntaxError(`${e.fn} takes a property and a string literal`);
        }
        const column = resolveColumn(entity, target.name);
        if (!column.text) throw Errors.badRequest(`${e.fn} applies to string properties only; '${target.name}' is not one.`, '0x80060888');
        const escaped = arg.literal.value.replace(/[\\%_]/g, (m) => `\\${m}`);
        const pattern = e.fn === 'contains' ? `%${escaped}%` : e.fn === 'startswith' ? `${escaped}%` : `%${escaped}`;
        return `(${column.sql} ILIKE ${param(pattern, 'text')})`;
      }
      case 'compare': {
        let { left, right, op } = e;
        if (left.kind === 'literal' && right.kind === 'property') {
          [left, right] = [right, left];
          op = FLIP[op];
        }
        if (left.kind !== 'property' || right.kind !== 'literal') {
          throw syntaxError('a comparison needs a property on one side and a literal on the other');
        }
        const column = resolveColumn(entity, left.name);
        const value = literalValue(right.literal, column);
        if (value === null) {
          if (op === 'eq') return `(${column.sql} IS NULL)`;
          if (op === 'ne') return `(${column.sql} IS NOT NULL)`;
          throw syntaxError(`'${op}' cannot compare with null`);
        }
        // Dataverse compares text case-insensitively (its SQL collation); the sandbox does the same.
        if (column.text) {
          if (column.altKey && (op === 'eq' || op === 'ne')) {
            const p = param(canonicalKey(String(value)), 'text');
            return op === 'eq' ? `(alt_key = ${p})` : `(alt_key IS DISTINCT FROM ${p})`;
          }
          const p = param(value, 'text');
          if (op === 'ne') return `(lower(${column.sql}) IS DISTINCT FROM lower(${p}))`;
          return `(lower(${column.sql}) ${SQL_OP[op]} lower(${p}))`;
        }
        const p = param(value, column.cast);
        if (op === 'ne') return `(${column.sql} IS DISTINCT FROM ${p})`;
        return `(${column.sql} ${SQL_OP[op]} ${p})`;
      }
    }
  };

  try {
    return { sql: walk(expr), params };
  } catch (err) {
    if (err instanceof DataverseHttpError) throw err;
    throw syntaxError(err instanceof Error ? err.message : String(err));
  }
}

/** ORDER BY for $orderby, always ending with the primary key so pages are stable. */
export function orderByToSql(text: string | undefined, entity: EntityTable): string {
  if (!text) return 'id';
  const parts = text.split(',').map((part) => {
    const [name, dir, extra] = part.trim().split(/\s+/);
    if (!name || extra !== undefined || (dir && dir !== 'asc' && dir !== 'desc')) throw syntaxError(`invalid $orderby '${text}'`);
    const column = resolveColumn(entity, name);
    const sql = column.text ? `lower(${column.sql})` : column.sql;
    return dir === 'desc' ? `${sql} DESC NULLS LAST` : `${sql} ASC NULLS FIRST`;
  });
  return [...parts, 'id'].join(', ');
}
