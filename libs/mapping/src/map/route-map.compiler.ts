import { contentHash, FerryError } from '@ferry/common';
import { loadSchema, type AvroSchema } from '@ferry/contracts';
import { exportRecordSchemas } from '@ferry/connectors/export';
import type { ColumnType, Lookup, OwnerRef, PlanColumn, PlanEntity, PlanProcess, RoutePlan, Target } from '@ferry/contracts';
import { compileChain, compileExpression, MapLangError, REF_READER, refKey, TransformError } from '../map-lang';
import type { CompiledExpression, RefReader, RefUse, Scope, TransformContext, TransformFn, ValueKind } from '../map-lang';
import type { MapEntry, MapField, MapProcesses, RouteMapDocument } from './route-map.schema';
import { coerceColumn, ColumnValueError } from './column.coercer';

/** One destination record a source record gives (a source record may give several: splits, side records). */
export interface MappedRecord {
  target: Target;
  /** null: delete the destination record (a retired entry) */
  record: Record<string, unknown> | null;
  lookups: Lookup[];
  owner: OwnerRef | null;
}

/** An entry that matched but could not produce its record; the record goes to the DLQ with this. */
export interface EntryRejection {
  entry: string;
  entity: string;
  key: string | null;
  code: string;
  message: string;
}

/** A value an optional column could not take: the column goes empty and the data-quality report counts it. */
export interface QualityIssue {
  entry: string;
  entity: string;
  column: string;
  kind: string;
  value?: unknown;
  detail?: string;
}

export interface MapResult {
  /** the entries that took the record (their filters and related rules held) */
  entries: string[];
  outputs: MappedRecord[];
  rejections: EntryRejection[];
  issues: QualityIssue[];
}

/** A map the document says is wrong before any record is seen: names the entry and what to fix. */
export class MapCompileError extends FerryError {
  constructor(
    message: string,
    readonly path: (string | number)[],
  ) {
    super('MAP_INVALID', message, 'fatal', { path });
    this.name = 'MapCompileError';
  }
}

interface CompiledField {
  column: string;
  type: ColumnType;
  read: (scope: Scope, record: Record<string, unknown>) => unknown;
  sourceKind: ValueKind;
  chain: TransformFn;
  maxLength?: number;
  onOverflow: 'reject' | 'truncate';
  required: boolean;
  refs: RefUse[];
}

interface CompiledLookup {
  column: string;
  deferrable: boolean;
  required: boolean;
  targets: { entities: string[]; key: CompiledExpression }[];
}

/** How an object's records feed a related rule of another object's entry. */
export interface RelatedWatch {
  /** the rule: the id of the entry that depends on it */
  rule: string;
  /** the object whose records the rule routes */
  targetObject: string;
  /** over the related record: the source key of the record it concerns */
  key: CompiledExpression;
  filter: CompiledExpression | null;
}

/** Whether a rule's related records exist for a record (what the transformer knows so far). */
export type RelatedFacts = (rule: string) => boolean;

interface CompiledEntry {
  id: string;
  from: string;
  entity: string;
  merge: string;
  filter: CompiledExpression | null;
  related: { when: 'exists' | 'absent'; sticky: boolean } | null;
  retire: MapEntry['retire'];
  key: CompiledExpression;
  fields: CompiledField[];
  lookups: CompiledLookup[];
  owner: CompiledExpression | null;
  /** every ref() its filter, key, fields, lookups and owner read */
  refs: RefUse[];
}

/** `object|key`: one referenced record (object names never hold a '|'). */
export const refId = (object: string, key: string) => `${object}|${key}`;

const KIND_BY_AVRO: Record<string, ValueKind> = {
  string: 'string',
  int: 'int',
  long: 'long',
  double: 'double',
  float: 'double',
  boolean: 'boolean',
};

/** What each source field's Avro type says its values are, so `date` and `money` transforms read them right. */
function sourceKinds(system: string, object: string, given?: Record<string, AvroSchema>): Map<string, ValueKind> {
  const out = new Map<string, ValueKind>();
  let schema: { fields?: { name: string; type: unknown; 'ferry.kind'?: string }[] };
  if (given) {
    if (!given[object]) return out;
    schema = given[object] as typeof schema;
  } else {
    try {
      schema = loadSchema(`${system}/${object}.avsc`) as typeof schema;
    } catch {
      return out;
    }
  }
  for (const f of schema.fields ?? []) {
    const branches = Array.isArray(f.type) ? f.type : [f.type];
    const t = branches.find((b) => b !== 'null') as string | { type: string; logicalType?: string } | undefined;
    let kind: ValueKind = 'unknown';
    if (typeof t === 'string') kind = KIND_BY_AVRO[t] ?? 'unknown';
    else if (t && t.logicalType === 'date') kind = 'date';
    else if (t && t.logicalType?.startsWith('timestamp')) kind = 'timestamp';
    else if (t) kind = KIND_BY_AVRO[t.type] ?? 'unknown';
    if (f['ferry.kind'] === 'money' || f['ferry.kind'] === 'decimal') kind = 'decimal';
    out.set(f.name, kind);
  }
  return out;
}

function readPath(record: Record<string, unknown>, path: string): unknown {
  let v: unknown = record;
  for (const part of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[part];
  }
  return v ?? null;
}

const DAY_MS = 86_400_000;

/** A source date (days) or timestamp (epoch ms) as ISO text; anything else as it is. */
function isoOf(v: unknown, kind: ValueKind): unknown {
  if (typeof v !== 'number' || !Number.isFinite(v)) return v;
  if (kind === 'date') return new Date(v * DAY_MS).toISOString().slice(0, 10);
  if (kind === 'timestamp') return new Date(v).toISOString();
  return v;
}

const isEmpty = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * A confirmed map, compiled once: applies an entry's filter, key, fields, lookups and owner to a source record.
 * The code is generic; everything about a route is in the document.
 */
export class CompiledRouteMap {
  readonly plan: RoutePlan;
  private readonly byObject = new Map<string, CompiledEntry[]>();
  private readonly watches = new Map<string, RelatedWatch[]>();
  private readonly rules = new Map<string, { rule: string; sticky: boolean }[]>();
  /** per referenced source object, the fields some ref() reads (what the transformer keeps of its records) */
  private readonly kept = new Map<string, Set<string>>();
  private readonly refsByObject = new Map<string, RefUse[]>();

  /** the source objects' records when the map describes them (an export source) */
  private readonly sourceSchemas: Record<string, AvroSchema> | undefined;

  constructor(
    readonly document: RouteMapDocument,
    readonly version: number,
  ) {
    const hash = routeMapHash(document);
    this.sourceSchemas = document.exportSource ? exportRecordSchemas(document.exportSource) : undefined;
    const entities = new Map<string, Map<string, PlanColumn>>();
    const entityLookups = new Map<string, Map<string, Set<string>>>();
    const processes = new Map<string, PlanProcess>();
    const ids = new Set<string>();
    document.objects.forEach((entry, i) => {
      if (ids.has(entry.id)) throw new MapCompileError(`objects[${i}]: a second entry named "${entry.id}"; entry ids must be unique`, ['objects', i, 'id']);
      ids.add(entry.id);
      const compiled = this.compileEntry(entry, i);
      const list = this.byObject.get(entry.from) ?? [];
      list.push(compiled);
      this.byObject.set(entry.from, list);
      this.refsByObject.set(entry.from, [...(this.refsByObject.get(entry.from) ?? []), ...compiled.refs]);
      for (const r of compiled.refs) this.kept.set(r.object, (this.kept.get(r.object) ?? new Set()).add(r.field));
      const columns = entities.get(entry.to) ?? new Map<string, PlanColumn>([[document.keyColumn, { name: document.keyColumn, type: 'string', maxLength: 100 }]]);
      for (const f of compiled.fields) {
        const seen = columns.get(f.column);
        if (seen && seen.type !== f.type) {
          throw new MapCompileError(
            `objects[${i}] (${entry.id}): column ${entry.to}.${f.column} is ${f.type} here but ${seen.type} in another entry; one column has one type`,
            ['objects', i, 'fields', f.column, 'type'],
          );
        }
        const spec = entry.fields[f.column];
        columns.set(f.column, mergeColumn(seen, { name: f.column, type: f.type, maxLength: spec.maxLength, options: pickOptions(spec), values: pickValues(spec) }));
      }
      const lookups = entityLookups.get(entry.to) ?? new Map<string, Set<string>>();
      for (const [column, l] of Object.entries(entry.lookups)) {
        const set = lookups.get(column) ?? new Set<string>();
        for (const t of l.targets) for (const e of Array.isArray(t.to) ? t.to : [t.to]) set.add(e);
        lookups.set(column, set);
      }
      entityLookups.set(entry.to, lookups);
      if (typeof entry.retire === 'object') {
        for (const [column, v] of Object.entries(entry.retire.set)) {
          if (!columns.has(column)) columns.set(column, { name: column, type: typeof v === 'number' ? 'picklist' : typeof v === 'boolean' ? 'boolean' : 'string' });
          // a text value a retired record is set to is one more value the column must offer
          const c = columns.get(column)!;
          if (typeof v === 'string' && c.type === 'string' && c.values) columns.set(column, mergeColumn(c, { name: column, type: 'string', values: [v] }));
        }
      }
      entities.set(entry.to, columns);
      if (entry.processes) processes.set(entry.to, this.mergeProcesses(entry, i, processes.get(entry.to), entry.processes));
      entry.related?.of.forEach((r, j) => {
        const at = ['objects', i, 'related', 'of', j];
        const noRef = (x: CompiledExpression) => {
          if (x.refs.length) throw new Error(`a related rule reads the related record itself; ref('${x.refs[0].object}', …) is not allowed here`);
          return x;
        };
        const watch: RelatedWatch = {
          rule: entry.id,
          targetObject: entry.from,
          key: this.guarded(entry, i, [...at, 'key'], () => noRef(compileExpression(r.key, `${entry.id}.related.${r.object}.key`))),
          filter: r.filter ? this.guarded(entry, i, [...at, 'filter'], () => noRef(compileExpression(r.filter!, `${entry.id}.related.${r.object}.filter`))) : null,
        };
        this.watches.set(r.object, [...(this.watches.get(r.object) ?? []), watch]);
      });
    });
    const entityList: PlanEntity[] = [...entities].map(([entity, cols]) => ({
      entity,
      columns: [...cols.values()],
      lookups: [...(entityLookups.get(entity) ?? new Map<string, Set<string>>())].map(([column, targets]) => ({ column, targets: [...targets] })),
      ...(processes.has(entity) ? { processes: processes.get(entity) } : {}),
    }));
    for (const entry of document.objects) {
      for (const [column, l] of Object.entries(entry.lookups)) {
        for (const t of l.targets) {
          for (const e of Array.isArray(t.to) ? t.to : [t.to]) {
            if (!entities.has(e)) {
              const i = document.objects.indexOf(entry);
              throw new MapCompileError(`objects[${i}] (${entry.id}): lookup ${column} points at entity "${e}", which no entry writes`, ['objects', i, 'lookups', column]);
            }
          }
        }
      }
    }
    this.plan = {
      route: document.route,
      sourceSystem: document.source,
      destination: document.destination,
      keyColumn: document.keyColumn,
      mapVersion: `${document.route}@${version}#${hash.slice(0, 12)}`,
      sourceObjects: [...new Set([...this.byObject.keys(), ...this.watches.keys(), ...this.kept.keys()])],
      referenceOnly: [...new Set([...this.watches.keys(), ...this.kept.keys()])].filter((o) => !this.byObject.has(o)),
      entities: entityList,
      ...(this.sourceSchemas ? { sourceSchemas: this.sourceSchemas } : {}),
    };
  }

  get mapVersion(): string {
    return this.plan.mapVersion;
  }

  /** Whether any entry reads this source object. */
  reads(object: string): boolean {
    return this.byObject.has(object);
  }

  entryIds(object: string): string[] {
    return (this.byObject.get(object) ?? []).map((e) => e.id);
  }

  /**
   * What a deleted source record was, by entries keyed by the record's own key (`$key`): deleting a key that an
   * entry's filter never sent there is a no-op at the destination. Entries keyed otherwise (many:1 merges) keep
   * their record: other source records may still contribute to it.
   */
  deleteTargets(object: string, sourceKey: string): Target[] {
    return (this.byObject.get(object) ?? [])
      .filter((e) => e.key.source.trim() === '$key')
      .map((e) => ({ entry: e.id, entity: e.entity, key: sourceKey, merge: e.merge }));
  }

  /** Rules that records of this object feed (a deal feeds "a contact with a deal is a Contact"). */
  watchesOf(object: string): RelatedWatch[] {
    return this.watches.get(object) ?? [];
  }

  /** Source objects some ref() reads, with the fields read of each (what the transformer keeps of their records). */
  referenced(): ReadonlyMap<string, string[]> {
    return new Map([...this.kept].map(([o, f]) => [o, [...f]]));
  }

  /** The fields of a referenced object's record that refs read; null when no ref reads this object. */
  keptFields(object: string, record: Record<string, unknown>): Record<string, unknown> | null {
    const fields = this.kept.get(object);
    if (!fields) return null;
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f] = record[f] ?? null;
    return out;
  }

  /**
   * The other records (`object|key`) mapping this record reads through ref(): all its entries' refs, whatever their
   * filters decide, so a record is never mapped from part of what it reads.
   */
  refsNeeded(object: string, sourceKey: string, record: Record<string, unknown>): string[] {
    const uses = this.refsByObject.get(object);
    if (!uses?.length) return [];
    const scope = this.scope(object, sourceKey, record, null);
    const out = new Set<string>();
    for (const u of uses) {
      const k = refKey(u, scope);
      if (k !== null) out.add(refId(u.object, k));
    }
    return [...out];
  }

  /** Rules (entry ids) that decide where records of this object go. */
  rulesOf(object: string): { rule: string; sticky: boolean }[] {
    let rules = this.rules.get(object);
    if (!rules) {
      rules = (this.byObject.get(object) ?? []).filter((e) => e.related).map((e) => ({ rule: e.id, sticky: e.related!.sticky }));
      this.rules.set(object, rules);
    }
    return rules;
  }

  /**
   * Maps one source record. Entries with a related rule take it when `facts` says their related records exist
   * (`exists`) or do not (`absent`); without facts, none are known to exist.
   */
  apply(object: string, sourceKey: string, record: Record<string, unknown>, facts: RelatedFacts = () => false, refs: RefReader | null = null): MapResult {
    const entries = this.byObject.get(object) ?? [];
    const scope = this.scope(object, sourceKey, record, refs);
    const result: MapResult = { entries: [], outputs: [], rejections: [], issues: [] };
    for (const e of entries) {
      if (e.filter && !e.filter.evaluate(scope)) continue;
      if (e.related && facts(e.id) !== (e.related.when === 'exists')) continue;
      result.entries.push(e.id);
      this.applyEntry(e, scope, record, result);
    }
    if (entries.length && !result.entries.length) {
      result.rejections.push({
        entry: entries.map((e) => e.id).join(', '),
        entity: '',
        key: null,
        code: 'NO_ROUTE',
        message: `matched none of the map's entries for ${object} (${entries.map((e) => `${e.id}: ${e.filter?.source ?? 'no filter'}${e.related ? ` when related ${e.related.when}` : ''}`).join('; ')}); widen a filter or add an entry`,
      });
    }
    return result;
  }

  /**
   * What becomes of the destination records of entries that no longer take a record (its facts changed): deleted, or
   * updated in the retire columns only (a lead closed as qualified).
   */
  retire(object: string, sourceKey: string, record: Record<string, unknown>, entryIds: string[], refs: RefReader | null = null): MappedRecord[] {
    const scope = this.scope(object, sourceKey, record, refs);
    const out: MappedRecord[] = [];
    for (const e of (this.byObject.get(object) ?? []).filter((x) => entryIds.includes(x.id))) {
      const raw = e.key.evaluate(scope);
      if (isEmpty(raw)) continue;
      const key = String(raw).trim();
      const target = { entry: e.id, entity: e.entity, key, merge: 'non-empty-wins' };
      if (e.retire === 'delete') out.push({ target, record: null, lookups: [], owner: null });
      else out.push({ target, record: { [this.document.keyColumn]: key, ...e.retire.set }, lookups: [], owner: null });
    }
    return out;
  }

  private scope(object: string, sourceKey: string, record: Record<string, unknown>, refs: RefReader | null): Scope {
    return (name) => (name === '$key' ? sourceKey : name === '$object' ? object : name === REF_READER ? refs : (record[name] ?? null));
  }

  /** Two entries writing one entity's kinds: the kinds of both, one kind (by name) declared once. */
  private mergeProcesses(entry: MapEntry, i: number, seen: PlanProcess | undefined, p: MapProcesses): PlanProcess {
    const at = ['objects', i, 'processes'];
    for (const c of [p.typeColumn, p.stageColumn]) {
      if (!entry.fields[c]) throw new MapCompileError(`objects[${i}] (${entry.id}) processes: the entry writes no column ${c}; name a column of its fields`, [...at]);
    }
    if (seen && (seen.typeColumn !== p.typeColumn || seen.stageColumn !== p.stageColumn)) {
      throw new MapCompileError(`objects[${i}] (${entry.id}) processes: ${entry.to} has kinds in ${seen.typeColumn}/${seen.stageColumn} in another entry; one entity has one pair`, [...at]);
    }
    const types = [...(seen?.types ?? [])];
    p.types.forEach((t, j) => {
      const names = t.stages.map((st) => st.name);
      const twice = names.find((n, k) => names.indexOf(n) !== k);
      if (twice) throw new MapCompileError(`objects[${i}] (${entry.id}) processes.types[${j}] (${t.name}): stage "${twice}" is listed twice`, [...at, 'types', j]);
      const before = types.find((x) => x.name === t.name);
      if (before && JSON.stringify(before) !== JSON.stringify(t)) {
        throw new MapCompileError(`objects[${i}] (${entry.id}) processes.types[${j}]: kind ${t.name} is declared differently by another entry of ${entry.to}; declare it once`, [...at, 'types', j]);
      }
      if (!before) types.push({ name: t.name, label: t.label, stages: t.stages.map((st) => ({ ...st })) });
    });
    return { typeColumn: p.typeColumn, stageColumn: p.stageColumn, types };
  }

  private applyEntry(e: CompiledEntry, scope: Scope, record: Record<string, unknown>, out: MapResult): void {
    const rawKey = e.key.evaluate(scope);
    const key = isEmpty(rawKey) ? null : String(rawKey).trim();
    const reject = (code: string, message: string) => out.rejections.push({ entry: e.id, entity: e.entity, key, code, message });
    if (key === null) return void reject('KEY_EMPTY', `${e.id}: the destination key (${e.key.source}) is empty for this record`);
    const values: Record<string, unknown> = { [this.document.keyColumn]: key };
    const issues: QualityIssue[] = [];
    for (const f of e.fields) {
      const where = `${e.entity}.${f.column}`;
      const ctx: TransformContext = {
        sourceKind: f.sourceKind,
        target: where,
        report: (i) => issues.push({ entry: e.id, entity: e.entity, column: f.column, kind: i.kind, value: i.value, detail: i.detail }),
      };
      let v: unknown;
      try {
        v = coerceColumn(f.chain(f.read(scope, record), ctx), f.type, ctx.sourceKind, where);
        if (typeof v === 'string' && f.maxLength !== undefined) {
          const chars = [...v];
          if (chars.length > f.maxLength) {
            if (f.onOverflow === 'truncate') {
              v = chars.slice(0, f.maxLength).join('');
              issues.push({ entry: e.id, entity: e.entity, column: f.column, kind: 'truncated', detail: `${chars.length} → ${f.maxLength} characters` });
            } else {
              throw new TransformError('VALUE_TOO_LONG', `${where} allows ${f.maxLength} characters; the value has ${chars.length} ("${chars.slice(0, 40).join('')}…")`);
            }
          }
        }
      } catch (err) {
        if (!(err instanceof TransformError) && !(err instanceof ColumnValueError)) throw err;
        if (f.required) return void reject(err.code, err.message);
        issues.push({ entry: e.id, entity: e.entity, column: f.column, kind: err.code, detail: err.message });
        v = null;
      }
      if (f.required && isEmpty(v)) return void reject('MISSING_VALUE', `${where} is required but the source gives no value`);
      values[f.column] = v ?? null;
    }
    const lookups: Lookup[] = [];
    for (const l of e.lookups) {
      let found: Lookup | null = null;
      for (const t of l.targets) {
        const k = t.key.evaluate(scope);
        if (isEmpty(k)) continue;
        const parentKey = String(k).trim();
        // A record never waits on itself (a company listed as its own parent).
        if (t.entities.includes(e.entity) && parentKey === key) continue;
        found = { column: l.column, candidates: t.entities.map((entity) => ({ entity, key: parentKey })), deferrable: l.deferrable, required: l.required, targetEntity: null, destinationId: null };
        break;
      }
      if (found) lookups.push(found);
      else if (l.required) return void reject('MISSING_PARENT', `${e.entity}.${l.column} is required but none of ${l.targets.map((t) => t.key.source).join(', ')} has a value`);
    }
    let owner: OwnerRef | null = null;
    if (e.owner) {
      const email = e.owner.evaluate(scope);
      owner = { email: isEmpty(email) ? null : String(email).trim().toLowerCase(), systemUserId: null, fallback: false };
    }
    out.issues.push(...issues);
    out.outputs.push({ target: { entry: e.id, entity: e.entity, key, merge: e.merge }, record: values, lookups, owner });
  }

  /** Compiles one part of an entry; a problem becomes a MapCompileError pointing at that part of the document. */
  private guarded<T>(entry: MapEntry, i: number, path: (string | number)[], make: () => T): T {
    try {
      return make();
    } catch (err) {
      if (err instanceof MapCompileError) throw err;
      // A chain points at its step (and argument); the field's own problems point at the field.
      const inner = err instanceof MapLangError && err.path.length && path.includes('fields') ? ['transforms', ...err.path] : [];
      throw new MapCompileError(`objects[${i}] (${entry.id}) ${path.slice(2).join('.')}: ${(err as Error).message}`, [...path, ...inner]);
    }
  }

  private compileEntry(entry: MapEntry, i: number): CompiledEntry {
    const at = (...p: (string | number)[]) => ['objects', i, ...p];
    const guard = <T>(path: (string | number)[], make: () => T): T => this.guarded(entry, i, path, make);
    const kinds = sourceKinds(this.document.source, entry.from, this.sourceSchemas);
    const fields = Object.entries(entry.fields).map(([column, f]) =>
      guard(at('fields', column), () => this.compileField(entry, column, f, kinds)),
    );
    const lookups: CompiledLookup[] = Object.entries(entry.lookups).map(([column, l]) => ({
      column,
      deferrable: l.deferrable,
      required: l.required,
      targets: l.targets.map((t, j) => ({
        entities: Array.isArray(t.to) ? t.to : [t.to],
        key: guard(at('lookups', column, 'targets', j, 'key'), () => compileExpression(t.key, `${entry.id}.lookups.${column}`)),
      })),
    }));
    const filter = entry.filter ? guard(at('filter'), () => compileExpression(entry.filter!, `${entry.id}.filter`)) : null;
    const key = guard(at('key'), () => compileExpression(entry.key, `${entry.id}.key`));
    const owner = entry.owner ? guard(at('owner', 'email'), () => compileExpression(entry.owner!.email, `${entry.id}.owner`)) : null;
    const refs = [
      ...(filter?.refs ?? []),
      ...key.refs,
      ...fields.flatMap((f) => f.refs),
      ...lookups.flatMap((l) => l.targets.flatMap((t) => t.key.refs)),
      ...(owner?.refs ?? []),
    ];
    for (const r of refs) guard(at(), () => this.checkRef(r));
    return {
      id: entry.id,
      from: entry.from,
      entity: entry.to,
      merge: entry.merge,
      related: entry.related ? { when: entry.related.when, sticky: entry.related.sticky } : null,
      retire: entry.retire,
      filter,
      key,
      fields,
      lookups,
      owner,
      refs,
    };
  }

  /** A ref must name a source object of the route and one of its fields. */
  private checkRef(r: RefUse): void {
    const kinds = sourceKinds(this.document.source, r.object, this.sourceSchemas);
    if (!kinds.size) {
      if (sourceKinds(this.document.source, this.document.objects[0].from, this.sourceSchemas).size) throw new Error(`ref('${r.object}', …): ${this.document.source} has no object "${r.object}"`);
      return;
    }
    if (!kinds.has(r.field)) {
      const known = [...kinds.keys()].filter((k) => k !== 'custom').join(', ');
      throw new Error(`ref('${r.object}', ${r.keySource}).${r.field}: ${this.document.source} ${r.object} has no field "${r.field}" (it has ${known}; custom fields are custom.<name>)`);
    }
  }

  /** A source path must name a field the source object has (custom fields live under `custom.`). */
  private checkPath(entry: MapEntry, path: string, kinds: Map<string, ValueKind>): void {
    const root = path.split('.')[0];
    if (kinds.size && !kinds.has(root)) {
      const known = [...kinds.keys()].filter((k) => k !== 'custom').join(', ');
      throw new Error(`${this.document.source} ${entry.from} has no field "${root}" (it has ${known}; custom fields are custom.<name>)`);
    }
  }

  private compileField(entry: MapEntry, column: string, f: MapField, kinds: Map<string, ValueKind>): CompiledField {
    if (column === this.document.keyColumn) throw new Error(`${column} is the key column; it takes the entry's key, not a field`);
    const where = `${entry.to}.${column}`;
    let read: CompiledField['read'];
    let sourceKind: ValueKind = 'unknown';
    let refs: RefUse[] = [];
    if (f.expr !== undefined) {
      const x = compileExpression(f.expr, where);
      refs = x.refs;
      read = (scope) => x.evaluate(scope);
    } else if (Array.isArray(f.from)) {
      const paths = f.from;
      for (const p of paths) this.checkPath(entry, p, kinds);
      const pathKinds = paths.map((p) => (p.startsWith('custom.') ? 'string' : (kinds.get(p.split('.')[0]) ?? 'unknown')));
      const mixedDates = pathKinds.some((k) => k === 'date' || k === 'timestamp') && new Set(pathKinds).size > 1;
      // Dates and date-times side by side (a close date, else a closing instant) are read as ISO text, so a coalesce
      // of them keeps what each number meant.
      read = mixedDates ? (_s, r) => paths.map((p, i) => isoOf(readPath(r, p), pathKinds[i])) : (_s, r) => paths.map((p) => readPath(r, p));
      // Fields of one kind (two date-times) keep it: a coalesce of them is still that kind.
      if (new Set(pathKinds).size === 1) sourceKind = pathKinds[0];
    } else {
      const path = f.from!;
      this.checkPath(entry, path, kinds);
      sourceKind = path.startsWith('custom.') ? 'string' : (kinds.get(path.split('.')[0]) ?? 'unknown');
      read = (_s, r) => readPath(r, path);
    }
    return {
      column,
      type: f.type,
      read,
      sourceKind,
      chain: compileChain(f.transforms, where),
      maxLength: f.maxLength,
      onOverflow: f.onOverflow,
      required: f.required,
      refs,
    };
  }
}

/** Two entries writing one column: the longer length and every option and value either writes. */
function mergeColumn(seen: PlanColumn | undefined, next: PlanColumn): PlanColumn {
  const maxLength = Math.max(seen?.maxLength ?? 0, next.maxLength ?? 0) || undefined;
  const options = new Map<number, string>();
  for (const o of [...(seen?.options ?? []), ...(next.options ?? [])]) if (!options.has(o.value)) options.set(o.value, o.label);
  const values = [...new Set([...(seen?.values ?? []), ...(next.values ?? [])])];
  return {
    name: next.name,
    type: next.type,
    ...(maxLength ? { maxLength } : {}),
    ...(options.size ? { options: [...options].map(([value, label]) => ({ value, label })) } : {}),
    ...(values.length ? { values } : {}),
  };
}

/** The text values a string field's value maps write (and their text default), in first-seen order. */
function pickValues(f: MapField): string[] | undefined {
  if (f.type !== 'string') return undefined;
  const out = new Set<string>();
  for (const step of f.transforms) {
    if (typeof step !== 'object' || step === null || !('map' in step)) continue;
    const args = (step as { map: { values?: Record<string, unknown>; default?: unknown } }).map;
    for (const v of Object.values(args.values ?? {})) if (typeof v === 'string' && v.trim() !== '') out.add(v);
    if (typeof args.default === 'string' && args.default.trim() !== '') out.add(args.default);
  }
  return out.size ? [...out] : undefined;
}

/** The option values a picklist field's value map writes, labelled with the source values that give them. */
function pickOptions(f: MapField): { value: number; label: string }[] | undefined {
  if (f.type !== 'picklist') return undefined;
  const labels = new Map<number, string[]>();
  for (const step of f.transforms) {
    if (typeof step !== 'object' || step === null || !('map' in step)) continue;
    const args = (step as { map: { values?: Record<string, unknown>; default?: unknown } }).map;
    for (const [label, v] of Object.entries(args.values ?? {})) if (typeof v === 'number') labels.set(v, [...(labels.get(v) ?? []), label]);
    if (typeof args.default === 'number' && !labels.has(args.default)) labels.set(args.default, [`(default ${args.default})`]);
  }
  return labels.size ? [...labels].sort((a, b) => a[0] - b[0]).map(([value, ls]) => ({ value, label: ls[0] })) : undefined;
}

/** The hash a confirmed map is known by: equal documents, equal hash, whatever their key order or formatting. */
export function routeMapHash(document: RouteMapDocument): string {
  return contentHash(document);
}
