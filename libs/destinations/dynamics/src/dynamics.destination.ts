import type { ColumnType } from '@ferry/contracts';
import type { RoutePlan } from '@ferry/contracts';
import type {
  ColumnDescription, Destination, DestinationLimits, DestinationUser, DroppedValue, EntityDescription, RecordImage, RollbackResult, SchemaPlan, UpsertHint, WriteColumn, WriteItem, WriteResult,
} from '@ferry/destinations/core';
import { FerryError, sleep } from '@ferry/common';
import { planDataverseSchema } from './dataverse-schema';
import { BulkMessage, DataverseClient, DataverseLogger } from './dataverse.client';
import { DataverseError, isRetryableStatus } from './dataverse.error';
import { UNADDRESSABLE_KEY_CHARS, formatKeySegment, odataString } from './odata-key';

interface AttributeJson {
  LogicalName: string;
  AttributeType: string;
  MaxLength?: number;
  Targets?: string[];
  RequiredLevel?: { Value?: string };
  IsValidForCreate?: boolean;
  IsValidForUpdate?: boolean;
  OptionSet?: { Options?: { Value: number; Label?: { UserLocalizedLabel?: { Label?: string } } }[] };
}

interface EntityJson {
  LogicalName: string;
  EntitySetName: string;
  PrimaryIdAttribute: string;
  PrimaryNameAttribute: string;
  IsCustomEntity?: boolean;
  Attributes?: AttributeJson[];
  Keys?: { LogicalName: string; KeyAttributes: string[]; EntityKeyIndexStatus: EntityDescription['keys'][number]['status'] }[];
}

interface Table {
  description: EntityDescription;
  setName: string;
  columns: Map<string, ColumnDescription>;
}

export interface DynamicsDestinationOptions {
  /** the alternate-key column Ferry writes on every table */
  keyColumn: string;
  /** publisher prefix of custom tables and columns (default crm) */
  prefix?: string;
  /** custom tables the licence allows (Sales Professional: 15); null or absent for none */
  customTableLimit?: number | null;
  /** how long schema apply waits for alternate keys to become Active (default 300 s) */
  keyActivationTimeoutMs?: number;
  /** the org's attachment limit on the base64 body (organization.maxuploadfilesize; 5 MB unless raised) */
  maxFileBytes?: number;
  /** false: every write through $batch, never a bulk message (DATAVERSE_BULK=false) */
  bulk?: boolean;
  logger?: DataverseLogger;
}

/** Targets per bulk message: the platform's limit for a standard table. */
const BULK_SIZE = 1000;

/**
 * What can go in a bulk message: a plain record. A note's file body and an activity's parties (an array) are written
 * one request each, and a key no URL can address is refused by the $batch path with its reason.
 */
function takesBulk(b: { key: string; body: Record<string, unknown> }): boolean {
  if (b.key === '' || UNADDRESSABLE_KEY_CHARS.test(b.key)) return false;
  return !('documentbody' in b.body) && !Object.values(b.body).some((v) => Array.isArray(v));
}

/**
 * Longest $filter text of one read by key, before URL encoding: 1000 keys fit, so a chunk's before-images are one
 * request (a URL this long goes inside a $batch: Microsoft's batch article allows it up to 64 KB there).
 */
const FILTER_CHARS = 48_000;

/** Conditions joined by `or`, in as few filters as keep each within FILTER_CHARS. */
function filterGroups(conditions: string[]): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const c of conditions) {
    if (current.length && length + c.length + 4 > FILTER_CHARS) {
      out.push(current.join(' or '));
      current = [];
      length = 0;
    }
    current.push(c);
    length += c.length + 4;
  }
  if (current.length) out.push(current.join(' or '));
  return out;
}

/** The org's answer for a table or an org without the message (the platform's wording, or a 404 for the segment). */
function bulkUnsupported(e: unknown): boolean {
  if (!(e instanceof DataverseError) || ![400, 404, 405, 501].includes(e.status)) return false;
  return /does not support entities of type|Resource not found for the segment '?Microsoft\.Dynamics\.CRM\.\w+Multiple|is not implemented/i.test(e.message);
}

const REQUIRED: Record<string, ColumnDescription['required']> = {
  None: 'none',
  Recommended: 'recommended',
  ApplicationRequired: 'recommended',
  SystemRequired: 'system',
};

/** Avro date (days since epoch) → Dataverse date-only text. */
const dateOnly = (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10);
/** Avro timestamp-millis → Dataverse date-time, which carries no milliseconds. */
const dateTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function wire(c: WriteColumn): unknown {
  if (c.value === null || c.value === undefined) return null;
  const t: ColumnType = c.type;
  if (t === 'dateonly') return dateOnly(c.value as number);
  if (t === 'datetime') return dateTime(c.value as number);
  if (t === 'money' || t === 'decimal') return Number(c.value);
  return c.value;
}

/**
 * Dynamics 365 (Dataverse Web API) behind the destination interface: tables are described from EntityDefinitions
 * (entity set, primary id, lookup targets), so binding a lookup needs no per-table knowledge in Ferry; writes go
 * by the alternate key through bulk messages where the table takes them, $batch upserts otherwise.
 */
export class DynamicsDestination implements Destination {
  readonly system = 'dynamics';
  readonly limits: DestinationLimits;
  private readonly tables = new Map<string, Promise<Table | null>>();
  /** tables the org refused a bulk message for, with its answer: learnt once, $batch from then on */
  private readonly bulkRefused = new Map<string, string>();
  /** records written by bulk messages, and records a failed bulk call sent on to $batch */
  readonly bulkCounts = { records: 0, fallbacks: 0 };
  private readonly logger?: DataverseLogger;

  constructor(
    readonly client: DataverseClient,
    private readonly options: DynamicsDestinationOptions,
  ) {
    // A bulk message takes 1000 records in one request; a $batch of 200 upserts is what the platform handles best.
    this.limits = { maxBatch: 1000, loadBatch: options.bulk === false ? 200 : 1000, maxFileBytes: options.maxFileBytes ?? 5_242_880 };
    this.logger = options.logger;
  }

  refresh(): void {
    this.tables.clear();
  }

  requestCounts(): { requests: number; retries: number; throttled: number } {
    const m = this.client.metrics;
    return { requests: m.requests, retries: m.retries, throttled: m.throttled };
  }

  async planSchema(plan: RoutePlan): Promise<SchemaPlan> {
    this.refresh();
    const described = new Map<string, EntityDescription | null>();
    for (const e of plan.entities) described.set(e.entity, await this.describe(e.entity));
    const all = (await this.client.request<{ value?: { LogicalName: string; IsCustomEntity?: boolean }[] }>({ method: 'GET', url: 'EntityDefinitions?$select=LogicalName,IsCustomEntity' })).data;
    const existingCustomTables = (all.value ?? []).filter((t) => t.IsCustomEntity).length;
    return planDataverseSchema(plan, described, {
      keyColumn: this.options.keyColumn,
      prefix: this.options.prefix ?? 'crm',
      customTableLimit: this.options.customTableLimit ?? null,
      existingCustomTables,
    });
  }

  /**
   * Creates tables, then columns and lookups, then alternate keys, through the metadata Web API; then waits until
   * every key's index is Active, since an upsert by a key still being built fails.
   */
  async applySchema(schema: SchemaPlan, progress: (line: string) => void = () => undefined): Promise<void> {
    if (schema.refusals.length) {
      throw new FerryError('SCHEMA_REFUSED', `the destination cannot hold this map as it is (${schema.refusals.length} problem(s)); \`ferry schema plan\` lists them`, 'fatal');
    }
    const order = ['table', 'column', 'option', 'lookup', 'key'] as const;
    for (const kind of order) {
      for (const step of schema.steps.filter((s) => s.kind === kind)) {
        const polymorphic = kind === 'lookup' && Array.isArray((step.body as { OneToManyRelationships?: unknown }).OneToManyRelationships);
        const url = kind === 'table' ? 'EntityDefinitions' : polymorphic ? 'CreatePolymorphicLookupAttribute' : kind === 'lookup' ? 'RelationshipDefinitions' : `EntityDefinitions(LogicalName='${step.entity}')/${kind === 'key' ? 'Keys' : 'Attributes'}`;
        await this.client.request({ method: 'POST', url, data: step.body, headers: { 'Content-Type': 'application/json' } });
        progress(`created ${step.detail}`);
      }
    }
    this.refresh();
    const keys = [...schema.steps.filter((s) => s.kind === 'key').map((s) => ({ entity: s.entity, name: s.name })), ...schema.waits];
    const deadline = Date.now() + (this.options.keyActivationTimeoutMs ?? 300_000);
    for (const k of keys) {
      for (;;) {
        this.tables.delete(k.entity);
        const status = (await this.describe(k.entity))?.keys.find((x) => x.name === k.name)?.status ?? 'Pending';
        if (status === 'Active') {
          progress(`alternate key ${k.name} on ${k.entity} is Active`);
          break;
        }
        if (status === 'Failed') throw new FerryError('KEY_FAILED', `the alternate key ${k.name} on ${k.entity} failed to build: duplicate values in ${this.options.keyColumn}? Fix them and reactivate it`, 'fatal');
        if (Date.now() > deadline) throw new FerryError('KEY_PENDING', `the alternate key ${k.name} on ${k.entity} is still ${status}; run \`ferry schema apply\` again to keep waiting`, 'fatal');
        await sleep(1000);
      }
    }
    this.refresh();
  }

  async describe(entity: string): Promise<EntityDescription | null> {
    return (await this.table(entity))?.description ?? null;
  }

  async users(): Promise<DestinationUser[]> {
    const out: DestinationUser[] = [];
    for await (const u of this.client.listAll('systemusers', { select: ['systemuserid', 'internalemailaddress', 'isdisabled'] })) {
      out.push({ id: String(u.systemuserid), email: String(u.internalemailaddress ?? ''), disabled: Boolean(u.isdisabled) });
    }
    return out;
  }

  /**
   * Bulk messages where the table takes them (CreateMultiple for keys that do not exist yet, which answers their
   * ids; UpsertMultiple by alternate key for the others), $batch for the rest: a note's file, an activity's parties,
   * a key no URL can address, a table the org refused a bulk message for, and every chunk a bulk call failed for.
   */
  async upsertMany(entity: string, items: WriteItem[], hint: UpsertHint = {}): Promise<WriteResult[]> {
    const table = await this.require(entity);
    const dropped = new Map<string, DroppedValue[]>();
    const bodies = await Promise.all(
      items.map(async (i) => {
        const body = await this.body(table, i);
        const d = this.dropOversizedFile(entity, body);
        if (d) dropped.set(i.key, [d]);
        return { key: i.key, body };
      }),
    );
    const done = new Map<string, WriteResult>();
    const bulk = this.bulkSupported(entity) ? bodies.filter((b) => takesBulk(b)) : [];
    if (bulk.length) {
      const existing = await this.existingIds(table, bulk.map((b) => b.key), hint.before);
      for (let i = 0; i < bulk.length; i += BULK_SIZE) {
        for (const r of await this.bulkChunk(table, bulk.slice(i, i + BULK_SIZE), existing)) done.set(r.key, r);
      }
    }
    const rest = bodies.filter((b) => !done.has(b.key));
    if (rest.length) for (const r of await this.batchUpsert(table, rest)) done.set(r.key, r);
    return items.map((i) => {
      const r = done.get(i.key)!;
      return r.ok && dropped.has(i.key) ? { ...r, dropped: dropped.get(i.key) } : r;
    });
  }

  /** Whether bulk messages are worth trying on this table: yes until the org said otherwise (or they are switched off). */
  bulkSupported(entity: string): boolean {
    return this.options.bulk !== false && this.bulkRefused.get(entity) === undefined;
  }

  /** The ids of the keys that exist: from the before-images the caller just read, else read now. */
  private async existingIds(table: Table, keys: string[], before?: ReadonlyMap<string, Record<string, unknown>>): Promise<Map<string, string>> {
    const images = before ?? (await this.readBefore(table.description.entity, keys, []));
    const out = new Map<string, string>();
    for (const key of keys) {
      const id = images.get(key)?.[table.description.primaryId];
      if (typeof id === 'string' && id) out.set(key, id);
    }
    return out;
  }

  /**
   * One bulk chunk: the new keys in one CreateMultiple, the existing ones in one UpsertMultiple. Each call is all or
   * nothing on a standard table, so a failed one leaves its records unwritten and they are left out of the answer,
   * to go through $batch, where each gets its own result.
   */
  private async bulkChunk(table: Table, chunk: { key: string; body: Record<string, unknown> }[], existing: Map<string, string>): Promise<WriteResult[]> {
    const entity = table.description.entity;
    const keyColumn = this.options.keyColumn;
    const type = `Microsoft.Dynamics.CRM.${entity}`;
    const creates = chunk.filter((b) => !existing.has(b.key));
    const updates = chunk.filter((b) => existing.has(b.key));
    const [created, updated] = await Promise.allSettled([
      this.client.bulk(table.setName, 'CreateMultiple', creates.map((b) => ({ '@odata.type': type, ...b.body, [keyColumn]: b.key }))),
      this.client.bulk(
        table.setName,
        'UpsertMultiple',
        updates.map((b) => ({ '@odata.type': type, '@odata.id': `${table.setName}(${formatKeySegment({ [keyColumn]: b.key })})`, ...b.body })),
      ),
    ]);
    const out: WriteResult[] = [];
    if (created.status === 'fulfilled') creates.forEach((b, n) => out.push({ key: b.key, ok: true, id: created.value[n], created: true }));
    else this.bulkFailed(entity, 'CreateMultiple', creates.length, created.reason);
    if (updated.status === 'fulfilled') updates.forEach((b) => out.push({ key: b.key, ok: true, id: existing.get(b.key)!, created: false }));
    else this.bulkFailed(entity, 'UpsertMultiple', updates.length, updated.reason);
    this.bulkCounts.records += out.length;
    return out;
  }

  private bulkFailed(entity: string, message: BulkMessage, records: number, reason: unknown): void {
    this.bulkCounts.fallbacks += records;
    if (bulkUnsupported(reason)) {
      this.bulkRefused.set(entity, `${message}: ${(reason as Error).message}`);
      this.logger?.warn({ entity, message }, `${entity}: the org does not take ${message}; writing it through $batch from now on`);
    } else {
      this.logger?.debug({ entity, message, records, error: reason instanceof Error ? reason.message : String(reason) }, `${message} failed; its records go through $batch one by one`);
    }
  }

  private async batchUpsert(table: Table, bodies: { key: string; body: Record<string, unknown> }[]): Promise<WriteResult[]> {
    const results = await this.client.upsertMany(table.setName, this.options.keyColumn, bodies, {
      select: [table.description.primaryId],
      primaryIdAttribute: table.description.primaryId,
    });
    return results.map((r) =>
      r.ok ? { key: r.key, ok: true, id: r.id, created: r.created } : { key: r.key, ok: false, code: r.code, message: r.message, ...(isRetryableStatus(r.status) ? { transient: true } : {}) },
    );
  }

  /**
   * A note's file over the org's attachment limit (checked on the base64 body, as Dataverse does) would fail the
   * whole record with 0x80044a02: the note lands without it, and the file goes to the oversized-file manifest.
   */
  private dropOversizedFile(entity: string, body: Record<string, unknown>): DroppedValue | null {
    const limit = this.limits.maxFileBytes;
    const doc = body.documentbody;
    if (entity !== 'annotation' || limit === null || typeof doc !== 'string' || doc.length <= limit) return null;
    delete body.documentbody;
    body.isdocument = false;
    const fileName = typeof body.filename === 'string' ? body.filename : null;
    return { column: 'documentbody', fileName, bytes: doc.length, limitBytes: limit, reason: `the file is ${doc.length} bytes as base64; the org allows ${limit} (organization.maxuploadfilesize)` };
  }

  /** Lookups read back as _<column>_value. */
  lookupValue(image: Record<string, unknown>, column: string): string | null {
    const v = image[`_${column}_value`];
    return v === null || v === undefined || v === '' ? null : String(v);
  }

  async readBefore(entity: string, keys: string[], columns: string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    if (!keys.length) return out;
    const table = await this.require(entity);
    const keyColumn = this.options.keyColumn;
    const select = new Set([table.description.primaryId, keyColumn]);
    for (const c of columns) {
      const meta = table.columns.get(c);
      // A column the table lacks (an organization-owned table has no owner) has nothing to restore.
      if (!meta) continue;
      // Lookups read back as _<column>_value.
      select.add(/^(Lookup|Owner|Customer)$/.test(meta.type) ? `_${c}_value` : c);
    }
    // Past FILTER_CHARS the keys are read in groups.
    await Promise.all(
      filterGroups(keys.map((k) => `${keyColumn} eq ${odataString(k)}`)).map(async (filter) => {
        for await (const r of this.client.listAll(table.setName, { select: [...select], filter, pageSize: 5000, annotations: true })) {
          const { '@odata.etag': _etag, ...image } = r;
          out.set(String(r[keyColumn]), image);
        }
      }),
    );
    return out;
  }

  async readWhole(entity: string, keys: string[]): Promise<Map<string, RecordImage>> {
    const table = await this.require(entity);
    const columns = table.description.columns.filter((c) => c.validForCreate !== false || c.name === 'createdon').map((c) => c.name);
    const images = await this.readBefore(entity, keys, columns);
    const primaryId = table.description.primaryId;
    return new Map([...images].map(([k, image]) => [k, { id: String(image[primaryId]), image }]));
  }

  /**
   * An image back as a Web API body: lookups read as `_<column>_value` (with the lookuplogicalname annotation naming
   * the table) are bound again through their navigation property, or unbound when they were empty; columns the
   * operation cannot set are left out; on create the original `createdon` goes to `overriddencreatedon`.
   */
  private async imageBody(table: Table, image: Record<string, unknown>, forCreate: boolean): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(image)) {
      if (name.includes('@')) continue;
      const lookup = /^_(.+)_value$/.exec(name);
      if (lookup) {
        const column = lookup[1];
        const meta = table.columns.get(column);
        if (!meta) continue;
        const target = (image[`${name}@Microsoft.Dynamics.CRM.lookuplogicalname`] as string | undefined) ?? (meta.targets?.length === 1 ? meta.targets[0] : undefined);
        if (column === 'ownerid') {
          // A record always has an owner: an empty one is not written (the platform would refuse to clear it).
          if (value) body['ownerid@odata.bind'] = `/${target === 'team' ? 'teams' : 'systemusers'}(${String(value)})`;
          continue;
        }
        if (value === null || value === undefined) {
          const nav = this.navigation(table, column, target ?? meta.targets?.[0] ?? column);
          if (!forCreate) body[`${nav}@odata.bind`] = null;
          continue;
        }
        if (!target) throw new DataverseError(400, 'UnknownLookupTarget', `${table.description.entity}.${column}: the image does not say which table ${String(value)} is in`, { retryable: false });
        const targetTable = await this.require(target);
        body[`${this.navigation(table, column, target)}@odata.bind`] = `/${targetTable.setName}(${String(value)})`;
        continue;
      }
      if (name === table.description.primaryId || name === 'createdon' || name === 'overriddencreatedon') continue;
      const meta = table.columns.get(name);
      if (!meta || (forCreate ? meta.validForCreate === false : meta.validForUpdate === false)) continue;
      body[name] = value;
    }
    // Created again, a record keeps the creation time it had (the platform then also shows it as "Record Created On").
    if (forCreate && image.createdon && table.columns.has('overriddencreatedon')) body.overriddencreatedon = image.createdon;
    return body;
  }

  async restoreMany(entity: string, items: RecordImage[]): Promise<RollbackResult[]> {
    const table = await this.require(entity);
    const requests = await Promise.all(
      items.map(async (i) => ({ method: 'PATCH' as const, url: `${table.setName}(${i.id})`, headers: { 'If-Match': '*' }, body: await this.imageBody(table, i.image, false) })),
    );
    const out = await this.client.writeEach(requests, this.limits.maxBatch);
    return out.map((r, n): RollbackResult => (r.ok ? { id: items[n].id, ok: true } : { id: items[n].id, ok: false, code: r.code, message: r.message, ...(r.status === 404 && /Does Not Exist/i.test(r.message) ? { gone: true } : {}) }));
  }

  async createManyWithId(entity: string, items: RecordImage[]): Promise<RollbackResult[]> {
    const table = await this.require(entity);
    const primaryId = table.description.primaryId;
    const requests = await Promise.all(
      items.map(async (i) => ({ method: 'POST' as const, url: table.setName, body: { ...(await this.imageBody(table, i.image, true)), [primaryId]: i.id } })),
    );
    const out = await this.client.writeEach(requests, this.limits.maxBatch);
    return Promise.all(
      out.map(async (r, n): Promise<RollbackResult> => {
        const id = items[n].id;
        if (r.ok) return { id, ok: true };
        // Created by an earlier, interrupted rollback: it is there, so it counts as done.
        if (await this.client.get(table.setName, id, { select: [primaryId] })) return { id, ok: true, existed: true };
        return { id, ok: false, code: r.code, message: r.message };
      }),
    );
  }

  async deleteManyById(entity: string, ids: string[]): Promise<RollbackResult[]> {
    const table = await this.require(entity);
    const out = await this.client.writeEach(ids.map((id) => ({ method: 'DELETE' as const, url: `${table.setName}(${id})` })), this.limits.maxBatch);
    return out.map((r, n): RollbackResult => (r.ok ? { id: ids[n], ok: true } : r.status === 404 ? { id: ids[n], ok: true, gone: true } : { id: ids[n], ok: false, code: r.code, message: r.message }));
  }

  async deleteByKey(entity: string, key: string): Promise<boolean> {
    const table = await this.require(entity);
    return this.client.delete(table.setName, { [this.options.keyColumn]: key });
  }

  async deleteById(entity: string, id: string): Promise<boolean> {
    const table = await this.require(entity);
    return this.client.delete(table.setName, id);
  }

  /**
   * The Web API body of one record: its columns in their wire form, each lookup bound through the navigation
   * property the metadata implies (`<column>` for a single-target lookup, `<column>_<target>` for a polymorphic
   * one, `regardingobjectid_<target>_<activity>` for an activity's regarding), and the owner.
   */
  private async body(table: Table, item: WriteItem): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = {};
    for (const [column, c] of Object.entries(item.columns)) {
      if (item.merge === 'non-empty-wins' && (c.value === null || c.value === undefined || c.value === '')) continue;
      body[column] = wire(c);
    }
    for (const l of item.lookups) {
      if (!l.destinationId || !l.targetEntity) throw new Error(`lookup ${l.column} of ${table.description.entity} ${item.key} is not resolved`);
      const target = await this.require(l.targetEntity);
      body[`${this.navigation(table, l.column, l.targetEntity)}@odata.bind`] = `/${target.setName}(${l.destinationId})`;
    }
    if (item.ownerId) body['ownerid@odata.bind'] = `/systemusers(${item.ownerId})`;
    return body;
  }

  private navigation(table: Table, column: string, target: string): string {
    if (column === 'regardingobjectid') return `regardingobjectid_${target}_${table.description.entity}`;
    const meta = table.columns.get(column);
    return (meta?.targets?.length ?? 1) > 1 ? `${column}_${target}` : column;
  }

  private async require(entity: string): Promise<Table> {
    const t = await this.table(entity);
    if (!t) throw new DataverseError(404, 'UnknownEntity', `the Dataverse org has no table "${entity}": create it (ferry schema apply) or fix the map`, { retryable: false });
    return t;
  }

  private table(entity: string): Promise<Table | null> {
    let t = this.tables.get(entity);
    if (!t) {
      t = this.load(entity);
      this.tables.set(entity, t);
      t.catch(() => this.tables.delete(entity));
    }
    return t;
  }

  private async load(entity: string): Promise<Table | null> {
    let json: EntityJson;
    try {
      json = (await this.client.request<EntityJson>({ method: 'GET', url: `EntityDefinitions(LogicalName='${entity}')` })).data;
    } catch (e) {
      if (e instanceof DataverseError && e.status === 404) return null;
      throw e;
    }
    const columns: ColumnDescription[] = (json.Attributes ?? []).map((a) => ({
      name: a.LogicalName,
      type: a.AttributeType,
      ...(a.MaxLength !== undefined ? { maxLength: a.MaxLength } : {}),
      required: REQUIRED[a.RequiredLevel?.Value ?? 'None'] ?? 'none',
      ...(a.IsValidForCreate === false ? { validForCreate: false } : {}),
      ...(a.IsValidForUpdate === false ? { validForUpdate: false } : {}),
      ...(a.Targets ? { targets: a.Targets } : {}),
      ...(a.OptionSet?.Options
        ? { options: a.OptionSet.Options.map((o) => ({ value: o.Value, label: o.Label?.UserLocalizedLabel?.Label ?? String(o.Value) })) }
        : {}),
    }));
    return {
      setName: json.EntitySetName,
      columns: new Map(columns.map((c) => [c.name, c])),
      description: {
        entity: json.LogicalName,
        primaryId: json.PrimaryIdAttribute,
        primaryName: json.PrimaryNameAttribute,
        columns,
        keys: (json.Keys ?? []).map((k) => ({ name: k.LogicalName, columns: k.KeyAttributes, status: k.EntityKeyIndexStatus })),
        custom: Boolean(json.IsCustomEntity),
      },
    };
  }
}
