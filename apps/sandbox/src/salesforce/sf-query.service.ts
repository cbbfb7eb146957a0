import { Injectable } from '@nestjs/common';
import { randomBytes } from 'crypto';
import { canonicalId } from './sf-ids';
import { SfErrors, SfHttpError } from './sf-errors';
import { SfMetadata } from './sf-metadata.service';
import { SfField, SfFieldType, SfObjectDef } from './sf-objects';
import { SfOrg } from './sf-org';
import { SfRow, SfStore } from './sf-store';
import { Condition, Literal, parseSoql, SoqlError, SoqlQuery } from './soql';
import { parseDateTime } from './sf-values';

/** A resolved path: the relationship hops, then the field (null `field` with a polymorphic hop means Id/Name/Type). */
interface ResolvedPath {
  hops: { field: SfField; name: string; target: SfObjectDef | null }[];
  field: SfField | null;
  name: string;
  type: SfFieldType;
}

interface Cursor {
  sql: string;
  params: unknown[];
  total: number;
  def: SfObjectDef;
  paths: ResolvedPath[];
  version: string;
  pageSize: number;
  start: number;
  expires: number;
}

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

const TEXT_TYPES = new Set<SfFieldType>(['string', 'textarea', 'picklist', 'multipicklist', 'combobox', 'email', 'phone', 'url', 'base64']);
const NUMBER_TYPES = new Set<SfFieldType>(['int', 'double', 'currency', 'percent']);
const CURSOR_TTL_MS = 15 * 60 * 1000;
const MAX_CURSORS = 2000;

function invalidField(message: string): SfHttpError {
  return new SfHttpError(400, [{ message, errorCode: 'INVALID_FIELD' }]);
}

function filterError(message: string): SfHttpError {
  return new SfHttpError(400, [{ message, errorCode: 'INVALID_QUERY_FILTER_OPERATOR' }]);
}

/** Runs SOQL against the stored records, in SQL over jsonb, with query locators for the pages after the first. */
@Injectable()
export class SfQueryService {
  private cursors = new Map<string, Cursor>();

  constructor(
    private readonly store: SfStore,
    private readonly meta: SfMetadata,
    private readonly org: SfOrg,
  ) {}

  reset(): void {
    this.cursors.clear();
  }

  async query(text: string, opts: { all: boolean; tooling: boolean; version: string; batchSize?: number }): Promise<QueryPage> {
    let q: SoqlQuery;
    try {
      q = parseSoql(text);
    } catch (err) {
      if (err instanceof SoqlError) throw SfErrors.malformedQuery(err.message);
      throw err;
    }
    const def = opts.tooling ? (this.meta.object(q.object, true) ?? this.meta.object(q.object)) : this.meta.object(q.object);
    if (!def) throw SfErrors.invalidType(q.object);
    if ((q.offset ?? 0) > 2000) throw new SfHttpError(400, [{ message: 'Maximum SOQL offset allowed is 2000', errorCode: 'NUMBER_OUTSIDE_VALID_RANGE' }]);
    const seen = new Set<string>();
    const paths = q.fields.map((p) => {
      const r = this.resolve(def, p);
      const key = [...r.hops.map((h) => h.name), r.name].join('.').toLowerCase();
      if (seen.has(key)) throw SfErrors.malformedQuery(`duplicate field selected: ${p.join('.')}`);
      seen.add(key);
      return r;
    });
    const params: unknown[] = [def.name];
    const t = this.store.t.records;
    const alive = opts.all
      ? `(NOT r.is_deleted OR r.deleted_at > now() - make_interval(secs => ${Number(this.org.settings.deletedRetentionSeconds)}))`
      : 'NOT r.is_deleted';
    const where = q.where ? ` AND (${this.condition(def, q.where, params)})` : '';
    const from = `FROM ${t} r WHERE r.object = $1 AND ${alive}${where}`;
    const countRes = await this.store.pool.query<{ n: string }>(`SELECT count(*) AS n ${from}`, params);
    const offset = q.offset ?? 0;
    let total = Math.max(0, Number(countRes.rows[0].n) - offset);
    if (q.limit !== undefined) total = Math.min(total, q.limit);
    if (q.count) return { totalSize: total, done: true, records: [] };
    const order = q.orderBy.map((o) => {
      const r = this.resolve(def, o.path);
      if (r.type === 'textarea' || r.type === 'base64') throw SfErrors.malformedQuery(`field '${o.path.join('.')}' can not be sorted in a query call`);
      return `${this.typed(r, this.expr(r))} ${o.desc ? 'DESC' : 'ASC'} NULLS ${o.nullsLast ? 'LAST' : 'FIRST'}`;
    });
    order.push('r.seq ASC');
    const sql = `SELECT r.id, r.object, r.data, r.is_deleted ${from} ORDER BY ${order.join(', ')}`;
    const pageSize = Math.max(1, Math.min(this.org.settings.queryPageSize, opts.batchSize ?? this.org.settings.queryPageSize));
    const cursor: Cursor = { sql, params, total, def, paths, version: opts.version, pageSize, start: offset, expires: Date.now() + CURSOR_TTL_MS };
    return this.page(cursor, 0);
  }

  async more(locator: string, version: string): Promise<QueryPage> {
    const m = /^(01g[A-Za-z0-9]+)-(\d+)$/.exec(locator);
    const cursor = m ? this.cursors.get(m[1]) : undefined;
    if (!m || !cursor || cursor.expires < Date.now()) {
      throw new SfHttpError(400, [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
    }
    return this.page({ ...cursor, version }, Number(m[2]), m[1]);
  }

  private async page(cursor: Cursor, at: number, existingId?: string): Promise<QueryPage> {
    const take = Math.min(cursor.pageSize, cursor.total - at);
    const rows =
      take > 0
        ? (await this.store.pool.query<{ id: string; object: string; data: Record<string, unknown>; is_deleted: boolean }>(`${cursor.sql} LIMIT ${take} OFFSET ${cursor.start + at}`, cursor.params)).rows
        : [];
    const records = await this.shape(
      cursor.def,
      cursor.paths,
      rows.map((r) => ({ object: r.object, id: r.id, data: { ...r.data, IsDeleted: r.is_deleted }, isDeleted: r.is_deleted })),
      cursor.version,
    );
    const next = at + rows.length;
    const out: QueryPage = { totalSize: cursor.total, done: next >= cursor.total, records };
    if (!out.done) {
      const id = existingId ?? `01g${randomBytes(12).toString('base64url').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 15)}`;
      if (!existingId) {
        if (this.cursors.size >= MAX_CURSORS) {
          for (const [k, c] of this.cursors) if (c.expires < Date.now() || this.cursors.size >= MAX_CURSORS) this.cursors.delete(k);
        }
        this.cursors.set(id, cursor);
      }
      out.nextRecordsUrl = `/services/data/v${cursor.version}/query/${id}-${next}`;
    } else if (existingId) this.cursors.delete(existingId);
    // Salesforce lists nextRecordsUrl before records.
    return out.nextRecordsUrl ? { totalSize: out.totalSize, done: out.done, nextRecordsUrl: out.nextRecordsUrl, records } : out;
  }

  /** Field path → describe, case-insensitively, through parent relationships. */
  resolve(def: SfObjectDef, path: string[]): ResolvedPath {
    const hops: ResolvedPath['hops'] = [];
    let current: SfObjectDef | null = def;
    for (let i = 0; i < path.length - 1; i++) {
      if (i === 0 && path.length > 1 && path[0].toLowerCase() === def.name.toLowerCase() && hops.length === 0 && !this.relationship(def, path[0])) {
        continue;
      }
      if (!current) throw invalidField(`Didn't understand relationship '${path[i]}' in field path. Only Id, Name and Type can follow a polymorphic relationship.`);
      const field = this.relationship(current, path[i]);
      if (!field) {
        throw invalidField(
          `Didn't understand relationship '${path[i]}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      }
      const target = field.referenceTo.length === 1 ? (this.meta.object(field.referenceTo[0]) ?? this.meta.object(field.referenceTo[0], true) ?? null) : null;
      hops.push({ field, name: field.relationshipName!, target });
      current = target;
    }
    const last = path[path.length - 1];
    if (!current) {
      const u = last.toLowerCase();
      if (u === 'id') return { hops, field: null, name: 'Id', type: 'id' };
      if (u === 'name') return { hops, field: null, name: 'Name', type: 'string' };
      if (u === 'type') return { hops, field: null, name: 'Type', type: 'string' };
      throw invalidField(`No such column '${last}' on a polymorphic relationship: only Id, Name and Type are supported there.`);
    }
    const field = this.meta.field(current, last);
    if (!field) {
      throw invalidField(
        `No such column '${last}' on entity '${current.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    return { hops, field, name: field.name, type: field.type };
  }

  private relationship(def: SfObjectDef, name: string): SfField | undefined {
    const lower = name.toLowerCase();
    return this.meta.fields(def).find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === lower);
  }

  /** SQL text of a path's value (text, or NULL). */
  private expr(r: ResolvedPath): string {
    const t = this.store.t.records;
    const leaf = (alias: string) => {
      if (r.field === null && r.name === 'Type') return `${alias}.object`;
      if (r.name === 'Id') return `${alias}.id`;
      return `(${alias}.data->>'${r.name.replace(/'/g, "''")}')`;
    };
    let inner = leaf(`p${r.hops.length}`);
    for (let i = r.hops.length - 1; i >= 0; i--) {
      const parentAlias = i === 0 ? 'r' : `p${i}`;
      inner = `(SELECT ${inner} FROM ${t} p${i + 1} WHERE p${i + 1}.id = (${parentAlias}.data->>'${r.hops[i].field.name}') AND NOT p${i + 1}.is_deleted AND p${i + 1}.object <> 'ContentNote' LIMIT 1)`;
    }
    return r.hops.length === 0 ? leaf('r') : inner;
  }

  private typed(r: ResolvedPath, expr: string): string {
    if (NUMBER_TYPES.has(r.type)) return `(${expr})::numeric`;
    if (r.type === 'boolean') return `(${expr})::boolean`;
    if (r.type === 'date') return `(${expr})::date`;
    if (r.type === 'datetime') return `(${expr})::timestamptz`;
    if (TEXT_TYPES.has(r.type)) return `lower(${expr})`;
    return expr;
  }

  private condition(def: SfObjectDef, c: Condition, params: unknown[]): string {
    switch (c.kind) {
      case 'and':
      case 'or':
        return c.items.map((i) => `(${this.condition(def, i, params)})`).join(c.kind === 'and' ? ' AND ' : ' OR ');
      case 'not':
        return `NOT COALESCE((${this.condition(def, c.item, params)}), false)`;
      case 'in': {
        const r = this.resolve(def, c.path);
        if (c.values.some((v) => v.type === 'null')) throw filterError(`IN lists cannot hold NULL (field ${c.path.join('.')})`);
        const values = c.values.map((v) => this.value(r, v, c.path.join('.')));
        params.push(values.map((v) => v.value));
        const arrayType = NUMBER_TYPES.has(r.type) ? 'numeric[]' : r.type === 'boolean' ? 'boolean[]' : r.type === 'date' ? 'date[]' : r.type === 'datetime' ? 'timestamptz[]' : 'text[]';
        const test = `${this.typed(r, this.expr(r))} = ANY($${params.length}::${arrayType})`;
        return c.not ? `(${this.expr(r)} IS NULL OR NOT (${test}))` : test;
      }
      case 'cmp': {
        const r = this.resolve(def, c.path);
        const e = this.expr(r);
        if (c.value.type === 'null') {
          if (c.op === '=') return `${e} IS NULL`;
          if (c.op === '!=') return `${e} IS NOT NULL`;
          throw filterError(`only = and != may compare with null (field ${c.path.join('.')})`);
        }
        if (c.op === 'like') {
          if (!TEXT_TYPES.has(r.type) && r.type !== 'id' && r.type !== 'reference') throw filterError(`invalid operator on ${r.type} field: LIKE (${c.path.join('.')})`);
          params.push((c.value as { value: string }).value);
          return `${e} ILIKE $${params.length}`;
        }
        if (c.value.type === 'dateLiteral') return this.dateRange(r, e, c.op, c.value);
        const v = this.value(r, c.value, c.path.join('.'));
        params.push(v.value);
        const cast = NUMBER_TYPES.has(r.type) ? '::numeric' : r.type === 'boolean' ? '::boolean' : r.type === 'date' ? '::date' : r.type === 'datetime' ? '::timestamptz' : '';
        const left = this.typed(r, e);
        const right = `$${params.length}${cast}`;
        if (c.op === '!=') return `${left} IS DISTINCT FROM ${right}`;
        if ((r.type === 'boolean' || r.type === 'id' || r.type === 'reference') && c.op !== '=') throw filterError(`invalid operator on ${r.type} field: ${c.op} (${c.path.join('.')})`);
        return `${left} ${c.op} ${right}`;
      }
    }
  }

  /** A literal checked against the field's type, as a query parameter. */
  private value(r: ResolvedPath, v: Literal, name: string): { value: unknown } {
    const wrong = () =>
      filterError(`value of filter criterion for field '${name}' must be of type ${r.type} and should${TEXT_TYPES.has(r.type) || r.type === 'id' || r.type === 'reference' ? '' : ' not'} be enclosed in quotes`);
    if (TEXT_TYPES.has(r.type)) {
      if (v.type !== 'string') throw wrong();
      return { value: v.value.toLowerCase() };
    }
    if (r.type === 'id' || r.type === 'reference') {
      if (v.type !== 'string') throw wrong();
      if (r.field === null && r.name === 'Type') return { value: v.value };
      const id = canonicalId(v.value);
      if (!id) throw filterError(`invalid ID field: ${v.value}`);
      return { value: id };
    }
    if (NUMBER_TYPES.has(r.type)) {
      if (v.type !== 'number') throw wrong();
      return { value: v.value };
    }
    if (r.type === 'boolean') {
      if (v.type !== 'boolean') throw wrong();
      return { value: v.value };
    }
    if (r.type === 'date') {
      if (v.type !== 'date') throw wrong();
      return { value: v.value };
    }
    if (r.type === 'datetime') {
      if (v.type !== 'datetime') throw wrong();
      return { value: parseDateTime(v.value) };
    }
    throw wrong();
  }

  private dateRange(r: ResolvedPath, e: string, op: string, lit: { name: string; n?: number }): string {
    if (r.type !== 'date' && r.type !== 'datetime') throw filterError(`date literal ${lit.name} needs a date or datetime field`);
    const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
    const day = 86_400_000;
    let [start, end] = [today, today + day];
    if (lit.name === 'YESTERDAY') [start, end] = [today - day, today];
    if (lit.name === 'TOMORROW') [start, end] = [today + day, today + 2 * day];
    if (lit.name === 'LAST_N_DAYS') [start, end] = [today - (lit.n ?? 0) * day, today + day];
    if (lit.name === 'NEXT_N_DAYS') [start, end] = [today + day, today + (1 + (lit.n ?? 0)) * day];
    const fmt = (ms: number) => (r.type === 'date' ? `'${new Date(ms).toISOString().slice(0, 10)}'::date` : `'${new Date(ms).toISOString()}'::timestamptz`);
    const x = this.typed(r, e);
    switch (op) {
      case '=':
        return `(${x} >= ${fmt(start)} AND ${x} < ${fmt(end)})`;
      case '!=':
        return `NOT COALESCE((${x} >= ${fmt(start)} AND ${x} < ${fmt(end)}), false)`;
      case '<':
        return `${x} < ${fmt(start)}`;
      case '<=':
        return `${x} < ${fmt(end)}`;
      case '>':
        return `${x} >= ${fmt(end)}`;
      default:
        return `${x} >= ${fmt(start)}`;
    }
  }

  /** Rows → records with attributes, the selected fields in order, parents nested (null when absent). */
  async shape(def: SfObjectDef, paths: ResolvedPath[], rows: SfRow[], version: string): Promise<Record<string, unknown>[]> {
    const known = new Map<string, SfRow>();
    const maxDepth = Math.max(0, ...paths.map((p) => p.hops.length));
    let level: SfRow[] = rows;
    for (let depth = 0; depth < maxDepth; depth++) {
      const ids = new Set<string>();
      for (const row of level) {
        for (const p of paths) {
          if (p.hops.length <= depth) continue;
          const v = row.data[p.hops[depth].field.name];
          if (typeof v === 'string' && !known.has(v)) ids.add(v);
        }
      }
      const found = await this.store.getMany(this.store.pool, [...ids]);
      for (const [id, row] of found) known.set(id, row);
      level = [...found.values()];
    }
    const url = (object: string, id: string) => `/services/data/v${version}/sobjects/${object}/${id}`;
    return rows.map((row) => {
      const out: Record<string, unknown> = { attributes: { type: def.name, url: url(def.name, row.id) } };
      for (const p of paths) {
        let target: Record<string, unknown> | null = out;
        let source: SfRow | undefined = row;
        for (const hop of p.hops) {
          if (!target) break;
          const parentId: unknown = source?.data[hop.field.name];
          const parent: SfRow | undefined = typeof parentId === 'string' ? known.get(parentId) : undefined;
          if (!(hop.name in target)) target[hop.name] = parent ? { attributes: { type: parent.object, url: url(parent.object, parent.id) } } : null;
          target = target[hop.name] as Record<string, unknown> | null;
          source = parent;
        }
        if (!target || !source) continue;
        const value = p.name === 'Id' ? source.id : p.field === null && p.name === 'Type' ? source.object : (source.data[p.name] ?? null);
        target[p.name] = p.type === 'base64' && value ? `/services/data/v${version}/sobjects/${source.object}/${source.id}/${p.name}` : value;
      }
      return out;
    });
  }
}
