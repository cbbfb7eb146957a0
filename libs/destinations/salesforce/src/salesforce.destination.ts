import type { Connection } from 'jsforce';
import type { RoutePlan } from '@ferry/contracts';
import type {
  Destination, DestinationLimits, DestinationUser, DroppedValue, EntityDescription, RecordImage, RollbackResult, SchemaPlan, WriteItem, WriteResult,
} from '@ferry/destinations/core';
import { FerryError, sleep } from '@ferry/common';
import { buildCsv, joinBulkResults } from './bulk-results';
import { lockRetryBatches } from './lock-retry';
import { SalesforceMetadataCalls } from './salesforce-metadata.calls';
import { planSalesforceSchema, type SchemaCall } from './salesforce-schema';
import type { SalesforceClient } from './salesforce.client';
import { SalesforceError, explain, recordErrors, type RecordError } from './salesforce.error';
import { SObjectModel, wireValue, type SfDescribe } from './sobject.model';

/** sObject Collections take at most 200 records per call. */
export /** Key prefix of Lead ids. */
const LEAD_PREFIX = '00Q';
const COLLECTION_LIMIT = 200;
/**
 * ContentVersion through a JSON body: the REST API takes at most 37.5 MB of base64 (50 MB of text) in a
 * non-multipart request; larger files need the multipart upload Ferry does not use.
 */
export const CONTENT_VERSION_JSON_LIMIT = 39_321_600;

export interface SalesforceDestinationOptions {
  /** the Ferry key column (`ferry_key__c`): an External ID on every object Ferry writes */
  keyColumn: string;
  /** records per entity batch at or above which a Bulk API 2.0 job is used (SALESFORCE_BULK_THRESHOLD) */
  bulkThreshold: number;
  /** largest VersionData, base64 as sent (SALESFORCE_MAX_FILE_BYTES) */
  maxFileBytes?: number;
  /** rounds of retrying records refused with UNABLE_TO_LOCK_ROW before they are reported transient; default 4 */
  lockRetries?: number;
  lockBackoffMs?: number;
  bulkPollMs?: number;
  /** how long a Bulk job is waited for before its rows are reported transient; default 30 min */
  bulkTimeoutMs?: number;
}

/** A record ready to send: API names → wire values; `parent` groups lock retries. */
interface Prepared {
  key: string;
  fields: Record<string, unknown>;
  parent: string;
  dropped?: DroppedValue[];
}

type Failed = Extract<WriteResult, { ok: false }>;

/** Entities whose records get the Standard Price Book when they name none (decision 6). */
const PRICEBOOK_ENTITIES = new Set(['pricebookentry', 'quote', 'order']);
/** EmailMessage.Status '5' is Draft, the only state in which Salesforce lets an email be updated. */
const EMAIL_DRAFT = '5';

const soqlString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/**
 * Salesforce (REST, sObject Collections, Bulk API 2.0, Tooling) behind the destination interface. Map names are
 * lower-case; describe gives the API names they are matched to (case-insensitively, as the API does). Writes are
 * upserts by the Ferry key (an External ID), so a redelivery or replay rewrites the same records.
 */
export class SalesforceDestination implements Destination {
  readonly system = 'salesforce';
  readonly limits: DestinationLimits;
  private readonly models = new Map<string, Promise<SObjectModel | null>>();
  private global: Promise<Map<string, string>> | null = null;
  private standardPricebook: Promise<string | null> | null = null;
  private readonly metadata: SalesforceMetadataCalls;

  constructor(
    readonly client: SalesforceClient,
    private readonly o: SalesforceDestinationOptions,
  ) {
    this.limits = { maxBatch: 10_000, loadBatch: 10_000, maxFileBytes: o.maxFileBytes ?? CONTENT_VERSION_JSON_LIMIT };
    this.metadata = new SalesforceMetadataCalls(client);
  }

  refresh(): void {
    this.models.clear();
    this.global = null;
  }

  requestCounts(): { requests: number; retries: number; throttled: number } {
    const m = this.client.metrics;
    return { requests: m.requests, retries: m.retries, throttled: m.throttled };
  }

  async describe(entity: string): Promise<EntityDescription | null> {
    return (await this.model(entity))?.description() ?? null;
  }

  async users(): Promise<DestinationUser[]> {
    const rows = await this.client.query<{ Id: string; Email: string | null; IsActive: boolean }>('SELECT Id, Email, IsActive FROM User');
    return rows.map((u) => ({ id: u.Id, email: String(u.Email ?? ''), disabled: !u.IsActive }));
  }

  // ---- writes ----

  async upsertMany(entity: string, items: WriteItem[]): Promise<WriteResult[]> {
    if (!items.length) return [];
    const m = await this.require(entity);
    const keyField = m.field(this.o.keyColumn);
    if (!keyField?.externalId) {
      const message = `${entity}: Salesforce's ${m.apiName} has no External ID field ${this.o.keyColumn}: run ferry schema apply`;
      return items.map((i) => ({ key: i.key, ok: false, code: 'INVALID_FIELD', message }));
    }
    const done = new Map<string, WriteResult>();
    const ready: Prepared[] = [];
    for (const i of items) {
      const p = await this.prepare(m, keyField.name, i);
      if ('code' in p) done.set(i.key, p);
      else ready.push(p);
    }
    const insertOnly = new Set<string>();
    for (const p of ready) for (const f of Object.keys(p.fields)) if (m.field(f) && m.isInsertOnly(m.field(f)!)) insertOnly.add(f);
    const bulk = ready.length >= this.o.bulkThreshold && entity !== 'contentversion';
    const checkExisting = insertOnly.size > 0 || entity === 'emailmessage';
    // The whole operation's calls are checked against the quota before the first write, so a stop never falls
    // between two halves of one batch.
    await this.client.checkQuota((checkExisting ? Math.ceil(ready.length / COLLECTION_LIMIT) : 0) + (bulk ? 7 : this.collectionCalls(entity, ready)));
    let send = ready;
    if (checkExisting) {
      const existing = await this.existing(m, keyField.name, ready.map((p) => p.key), entity === 'emailmessage' ? ['Status'] : []);
      send = [];
      for (const p of ready) {
        const e = existing.get(p.key.toLowerCase());
        if (!e) {
          send.push(p);
          continue;
        }
        if (entity === 'emailmessage' && e.Status !== undefined && String(e.Status) !== EMAIL_DRAFT) {
          // Salesforce keeps a sent email as it is: it is there, which is all a migration can ask of it.
          done.set(p.key, { key: p.key, ok: true, id: String(e.Id), created: false });
          continue;
        }
        const fields = { ...p.fields };
        for (const f of insertOnly) delete fields[f];
        send.push({ ...p, fields });
      }
    }
    const results = bulk && send.length >= this.o.bulkThreshold ? await this.viaBulk(m, keyField.name, send) : await this.viaCollections(m, keyField.name, send);
    for (const r of results) done.set(r.key, r);
    return items.map((i) => done.get(i.key) ?? { key: i.key, ok: false, code: 'NO_RESULT', message: `${entity}: Salesforce returned no result for this record; it is written again`, transient: true });
  }

  private collectionCalls(entity: string, ready: Prepared[]): number {
    return entity === 'contentversion' ? this.fileBatches(ready).length : Math.ceil(ready.length / COLLECTION_LIMIT);
  }

  /** One record's body: API names, wire forms, lookups as reference ids, owner, record type id, price book. */
  private async prepare(m: SObjectModel, keyField: string, i: WriteItem): Promise<Prepared | Failed> {
    const entity = m.entity;
    const fail = (e: RecordError): Failed => ({ key: i.key, ok: false, code: e.code, message: explain(entity, e) });
    const fields: Record<string, unknown> = { [keyField]: i.key };
    for (const [column, c] of Object.entries(i.columns)) {
      if (i.merge === 'non-empty-wins' && (c.value === null || c.value === undefined || c.value === '')) continue;
      const f = m.field(column);
      if (!f) return fail({ code: 'INVALID_FIELD', message: `No such column '${column}' on sobject of type ${m.apiName}`, fields: [column] });
      // Audit fields go on insert only, and only where the org allows setting them (decision 6).
      if (column === 'createddate' && !f.createable) continue;
      let value = wireValue(c, f);
      if (column === 'recordtypeid' && typeof value === 'string' && !/^012[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/.test(value)) {
        const id = m.recordTypeId(value);
        if (!id) return fail({ code: 'UNKNOWN_RECORD_TYPE', message: `no active record type "${value}" on ${m.apiName} (it has ${m.recordTypeNames.join(', ') || 'none'})`, fields: ['RecordTypeId'] });
        value = id;
      }
      fields[f.name] = value;
    }
    for (const l of i.lookups) {
      const f = m.field(l.column);
      if (!f) return fail({ code: 'INVALID_FIELD', message: `No such lookup '${l.column}' on sobject of type ${m.apiName}`, fields: [l.column] });
      if (!l.destinationId) throw new Error(`lookup ${l.column} of ${entity} ${i.key} is not resolved`);
      fields[f.name] = l.destinationId;
    }
    if (i.ownerId && m.field('ownerid')) fields[m.field('ownerid')!.name] = i.ownerId;
    // An activity about a lead can relate to nothing else (FIELD_INTEGRITY_EXCEPTION otherwise): when the person the
    // map points at became a Lead, the task or event lands on the lead alone.
    if ((entity === 'task' || entity === 'event') && typeof fields.WhoId === 'string' && fields.WhoId.startsWith(LEAD_PREFIX) && fields.WhatId) delete fields.WhatId;
    if (PRICEBOOK_ENTITIES.has(entity) && m.field('pricebook2id') && !fields.Pricebook2Id) {
      const pb = await this.standardPricebookId();
      if (!pb) return fail({ code: 'STANDARD_PRICE_BOOK_MISSING', message: 'the org has no active Standard Price Book (Pricebook2.IsStandard = true): activate it in Setup', fields: ['Pricebook2Id'] });
      fields.Pricebook2Id = pb;
    }
    const p: Prepared = { key: i.key, fields, parent: i.lookups.find((l) => l.destinationId)?.destinationId ?? `self:${i.key}` };
    const omitted = Object.values(i.columns).find((c) => c.omitted)?.omitted;
    if (entity === 'contentversion' && omitted) this.standIn(p, omitted.fileName, omitted.bytes, omitted.limitBytes);
    if (entity === 'contentversion') this.dropOversizedFile(p);
    return p;
  }

  /**
   * A file over the limit would fail the whole ContentVersion (and the records pointing at it): the version lands
   * with a short text stand-in naming the file, and the file goes to the oversized-file manifest.
   */
  private dropOversizedFile(p: Prepared): void {
    const limit = this.limits.maxFileBytes;
    const data = p.fields.VersionData;
    if (limit === null || typeof data !== 'string' || data.length <= limit) return;
    const fileName = typeof p.fields.PathOnClient === 'string' ? p.fields.PathOnClient : typeof p.fields.Title === 'string' ? p.fields.Title : null;
    this.standIn(p, fileName, data.length, limit);
    p.dropped = [{ column: 'versiondata', fileName, bytes: data.length, limitBytes: limit, reason: `the file is ${data.length} bytes as base64; the limit is ${limit} (SALESFORCE_MAX_FILE_BYTES; a JSON body takes 37.5 MB of base64)` }];
  }

  /** The short text that stands in for a file left out (here or by the loader), naming it. */
  private standIn(p: Prepared, fileName: string | null, bytes: number, limit: number): void {
    const name = fileName ?? (typeof p.fields.PathOnClient === 'string' ? p.fields.PathOnClient : null);
    const note = `${name ?? 'This file'} (${bytes} bytes as base64) was over the ${limit}-byte limit and was not migrated; Ferry's oversized-file manifest lists it.\n`;
    p.fields.VersionData = Buffer.from(note).toString('base64');
    p.fields.PathOnClient = `${name ?? 'file'}.omitted.txt`;
  }

  private standardPricebookId(): Promise<string | null> {
    this.standardPricebook ??= this.client.query<{ Id: string }>('SELECT Id FROM Pricebook2 WHERE IsStandard = true LIMIT 1').then((r) => r[0]?.Id ?? null);
    this.standardPricebook.catch(() => (this.standardPricebook = null));
    return this.standardPricebook;
  }

  /** Records that exist, by lower-cased key, with the asked fields. */
  private async existing(m: SObjectModel, keyField: string, keys: string[], extra: string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const part of chunks([...new Set(keys)], COLLECTION_LIMIT)) {
      const rows = await this.client.query<Record<string, unknown>>(`SELECT Id, ${[keyField, ...extra].join(', ')} FROM ${m.apiName} WHERE ${keyField} IN (${part.map(soqlString).join(', ')})`);
      for (const r of rows) out.set(String(r[keyField]).toLowerCase(), r);
    }
    return out;
  }

  /** Files travel in calls holding at most maxFileBytes of base64 together (one file at least). */
  private fileBatches(ps: Prepared[]): Prepared[][] {
    const limit = this.limits.maxFileBytes ?? Number.MAX_SAFE_INTEGER;
    const out: Prepared[][] = [];
    let cur: Prepared[] = [];
    let bytes = 0;
    for (const p of ps) {
      const b = typeof p.fields.VersionData === 'string' ? p.fields.VersionData.length : 0;
      if (cur.length && (cur.length === COLLECTION_LIMIT || bytes + b > limit)) {
        out.push(cur);
        cur = [];
        bytes = 0;
      }
      cur.push(p);
      bytes += b;
    }
    if (cur.length) out.push(cur);
    return out;
  }

  /** `PATCH /composite/sobjects/{Obj}/{Key}` in calls of ≤ 200, allOrNone false; then the lock retries. */
  private async viaCollections(m: SObjectModel, keyField: string, ps: Prepared[]): Promise<WriteResult[]> {
    const results = new Map<string, WriteResult>();
    const batches = m.entity === 'contentversion' ? this.fileBatches(ps) : chunks(ps, COLLECTION_LIMIT);
    for (const b of batches) for (const r of await this.sendCollection(m, keyField, b)) results.set(r.key, r);
    await this.retryLocked(ps, results, (batch) => this.sendCollection(m, keyField, batch));
    return ps.map((p) => results.get(p.key)!);
  }

  /**
   * One collections call, jsforce's `upsert` of a list (`PATCH /composite/sobjects/{Obj}/{Key}`, allOrNone false);
   * a whole-call failure becomes every record's result.
   */
  async sendCollection(m: SObjectModel, keyField: string, batch: Prepared[]): Promise<WriteResult[]> {
    let data: unknown;
    try {
      data = await this.client.call((c) => c.upsert(m.apiName, batch.map((p) => p.fields), keyField, { allOrNone: false }), { paced: false });
    } catch (e) {
      return batch.map((p) => this.failure(m.entity, p.key, e));
    }
    return collectionResults(m.entity, batch, data);
  }

  private failure(entity: string, key: string, e: unknown): Failed {
    if (e instanceof FerryError) throw e;
    if (!(e instanceof SalesforceError)) throw e;
    return { key, ok: false, code: e.code, message: explain(entity, { code: e.code, message: e.message, fields: e.fields }), ...(e.retryable ? { transient: true } : {}) };
  }

  /**
   * Records refused with UNABLE_TO_LOCK_ROW are sent again, only they, in rounds with a growing wait; records of
   * one parent go in one call (see lockRetryBatches), calls one after another. Still locked after the last round:
   * reported transient, so the loader writes them later.
   */
  async retryLocked(ps: Prepared[], results: Map<string, WriteResult>, send: (batch: Prepared[]) => Promise<WriteResult[]>): Promise<void> {
    const rounds = this.o.lockRetries ?? 4;
    const locked = () => ps.filter((p) => { const r = results.get(p.key); return r && !r.ok && r.code === 'UNABLE_TO_LOCK_ROW'; });
    for (let round = 0; round < rounds; round++) {
      const again = locked();
      if (!again.length) return;
      await sleep(Math.round((this.o.lockBackoffMs ?? 500) * 2 ** round * (0.5 + Math.random() / 2)));
      for (const batch of lockRetryBatches(again, (p) => p.parent, COLLECTION_LIMIT)) {
        for (const r of await send(batch)) results.set(r.key, r);
      }
    }
    for (const p of locked()) {
      const r = results.get(p.key) as Failed;
      results.set(p.key, { ...r, transient: true });
    }
  }

  /**
   * A Bulk API 2.0 upsert job: CSV upload, UploadComplete, poll, then the three result files joined back to the
   * keys (their order is not the input's). Rows refused for a lock go through the collections lock retries.
   */
  private async viaBulk(m: SObjectModel, keyField: string, ps: Prepared[]): Promise<WriteResult[]> {
    this.client.pacer?.checkBulk(ps.length);
    const headers = [keyField, ...[...new Set(ps.flatMap((p) => Object.keys(p.fields)))].filter((h) => h !== keyField)];
    const csv = buildCsv(headers, ps.map((p) => Object.fromEntries(Object.entries(p.fields).map(([k, v]) => [k, v === '' ? null : v]))));
    const transientAll = (code: string, message: string): WriteResult[] => ps.map((p) => ({ key: p.key, ok: false, code, message: `${m.entity}: ${message}`, transient: true }));
    let job!: ReturnType<Connection['bulk2']['createJob']>;
    let jobId = '';
    try {
      await this.client.call(async (c) => {
        job = c.bulk2.createJob({ object: m.apiName, operation: 'upsert', externalIdFieldName: keyField, contentType: 'CSV', lineEnding: 'LF', columnDelimiter: 'COMMA' });
        jobId = (await job.open()).id ?? '';
        this.client.pacer?.spentBulk(ps.length);
        await job.uploadData(csv);
        await job.close();
      }, { paced: false });
    } catch (e) {
      if (e instanceof SalesforceError && !e.retryable) return ps.map((p) => this.failure(m.entity, p.key, e));
      return transientAll(e instanceof SalesforceError ? e.code : 'BULK_ERROR', `the Bulk job could not be started (${(e as Error).message}); the records are written again`);
    }
    const deadline = Date.now() + (this.o.bulkTimeoutMs ?? 1_800_000);
    let state = 'UploadComplete';
    let errorMessage = '';
    while (!['JobComplete', 'Failed', 'Aborted'].includes(state)) {
      if (Date.now() > deadline) return transientAll('BULK_TIMEOUT', `Bulk job ${jobId} is still ${state} after ${Math.round((this.o.bulkTimeoutMs ?? 1_800_000) / 1000)} s; the records are written again (upserts by key, so nothing doubles)`);
      await sleep(this.o.bulkPollMs ?? 2000);
      const info = await this.client.call(() => job.check(), { paced: false });
      state = info.state;
      errorMessage = info.errorMessage ?? '';
    }
    // The result files as text: Ferry joins them back to its keys itself (bulk-results.ts).
    const file = (get: () => Promise<unknown>) => this.client.call(async () => String((await get()) ?? ''), { paced: false });
    const joined = joinBulkResults(keyField, { successful: await file(() => job.getSuccessfulResults(true)), failed: await file(() => job.getFailedResults(true)), unprocessed: await file(() => job.getUnprocessedRecords(true)) });
    const results = new Map<string, WriteResult>();
    for (const p of ps) {
      const r = joined.get(p.key.toLowerCase());
      if (!r) results.set(p.key, { key: p.key, ok: false, code: 'BULK_NO_RESULT', message: `${m.entity}: Bulk job ${jobId} (${state}${errorMessage ? `: ${errorMessage}` : ''}) has no result for this record; it is written again`, transient: true });
      else if (r.ok) results.set(p.key, { key: p.key, ok: true, id: r.id, created: r.created, ...(p.dropped ? { dropped: p.dropped } : {}) });
      else if (r.unprocessed) results.set(p.key, { key: p.key, ok: false, code: 'BULK_UNPROCESSED', message: `${m.entity}: Bulk job ${jobId} ended ${state}${errorMessage ? ` (${errorMessage})` : ''} before this record; it is written again`, transient: true });
      else results.set(p.key, { key: p.key, ok: false, code: r.error.code, message: explain(m.entity, r.error) });
    }
    await this.retryLocked(ps, results, (batch) => this.sendCollection(m, keyField, batch));
    return ps.map((p) => results.get(p.key)!);
  }

  // ---- reads for the audit log ----

  /**
   * Images hold the columns under the names they were asked by (the map's lower-case names, or API names for
   * readWhole), with `Id`: what a diff compares by the map's names, and what restoreMany puts back either way.
   */
  async readBefore(entity: string, keys: string[], columns: string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    if (!keys.length) return out;
    const m = await this.require(entity);
    const keyField = m.field(this.o.keyColumn);
    if (!keyField) return out;
    const select = new Set(['Id', keyField.name]);
    const asked = new Map<string, string>();
    for (const c of columns) {
      const f = m.field(c);
      // A column the object lacks (or a file body, which SOQL returns one record at a time) has nothing to restore.
      if (f && f.type !== 'base64') {
        select.add(f.name);
        asked.set(c, f.name);
      }
    }
    for (const part of chunks([...new Set(keys)], COLLECTION_LIMIT)) {
      const rows = await this.client.query<Record<string, unknown>>(`SELECT ${[...select].join(', ')} FROM ${m.apiName} WHERE ${keyField.name} IN (${part.map(soqlString).join(', ')})`);
      const byLower = new Map(part.map((k) => [k.toLowerCase(), k]));
      for (const r of rows) {
        const image: Record<string, unknown> = { Id: r.Id };
        for (const [c, api] of asked) image[c] = r[api] ?? null;
        const k = byLower.get(String(r[keyField.name]).toLowerCase());
        if (k !== undefined) out.set(k, image);
      }
    }
    return out;
  }

  /** A lookup's parent id is the reference field itself. */
  lookupValue(image: Record<string, unknown>, column: string): string | null {
    const v = image[column];
    return v === null || v === undefined || v === '' ? null : String(v);
  }

  async readWhole(entity: string, keys: string[]): Promise<Map<string, RecordImage>> {
    const m = await this.require(entity);
    const columns = m.describe.fields.filter((f) => f.createable || f.name === 'CreatedDate').map((f) => f.name);
    const images = await this.readBefore(entity, keys, columns);
    return new Map([...images].map(([k, image]) => [k, { id: String(image.Id), image }]));
  }

  // ---- rollback ----

  /** Updateable columns of an image back on the record (jsforce's `update`: `PATCH /composite/sobjects`, ≤ 200 per call). */
  async restoreMany(entity: string, items: RecordImage[]): Promise<RollbackResult[]> {
    const m = await this.require(entity);
    const out: RollbackResult[] = [];
    for (const part of chunks(items, COLLECTION_LIMIT)) {
      const records = part.map((i) => {
        const body: { Id: string } & Record<string, unknown> = { Id: i.id };
        for (const [name, value] of Object.entries(i.image)) {
          const f = m.field(name);
          if (f && f.updateable && f.name !== 'Id') body[f.name] = value;
        }
        return body;
      });
      out.push(...(await this.rollbackCall(part.map((i) => i.id), 'update', (c) => c.update(m.apiName, records, { allOrNone: false }))));
    }
    return out;
  }

  /**
   * Salesforce cannot create a record under an id of Ferry's choosing. A record the migration deleted sits in the
   * recycle bin for 15 days, and undelete (SOAP API; the REST API has none) brings it back under its id: that is
   * what this does. One already live counts as done (`existed`); one no longer in the bin fails with
   * UNDELETE_FAILED, and a person recreates it from the audit log's image.
   */
  async createManyWithId(entity: string, items: RecordImage[]): Promise<RollbackResult[]> {
    const m = await this.require(entity);
    const out: RollbackResult[] = [];
    for (const part of chunks(items, COLLECTION_LIMIT)) {
      const live = new Set((await this.client.query<{ Id: string }>(`SELECT Id FROM ${m.apiName} WHERE Id IN (${part.map((i) => soqlString(i.id)).join(', ')})`)).map((r) => r.Id));
      const gone = part.filter((i) => !live.has(i.id));
      const undone = gone.length ? await this.undelete(gone.map((i) => i.id)) : new Map<string, RecordError | null>();
      for (const i of part) {
        if (live.has(i.id)) {
          out.push({ id: i.id, ok: true, existed: true });
          continue;
        }
        const e = undone.get(i.id);
        out.push(e === null ? { id: i.id, ok: true } : { id: i.id, ok: false, code: 'UNDELETE_FAILED', message: `${entity} ${i.id}: Salesforce cannot create a record under a given id and undelete failed (${e?.code ?? 'NO_RESULT'}: ${e?.message ?? 'no answer'}); a record no longer in the recycle bin (emptied, or deleted over 15 days ago) is recreated by hand from the audit log's image` });
      }
    }
    return out;
  }

  private async undelete(ids: string[]): Promise<Map<string, RecordError | null>> {
    const token = await this.client.accessToken();
    const xml = `<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com"><soapenv:Header><urn:SessionHeader><urn:sessionId>${token}</urn:sessionId></urn:SessionHeader></soapenv:Header><soapenv:Body><urn:undelete>${ids.map((id) => `<urn:ids>${id}</urn:ids>`).join('')}</urn:undelete></soapenv:Body></soapenv:Envelope>`;
    const out = new Map<string, RecordError | null>();
    let body = '';
    try {
      body = String((await this.client.request<string>({ method: 'POST', url: `/services/Soap/u/${this.client.apiVersion}`, data: xml, headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '""' }, text: true })) ?? '');
    } catch (e) {
      for (const id of ids) out.set(id, { code: e instanceof SalesforceError ? e.code : 'ERROR', message: (e as Error).message, fields: [] });
      return out;
    }
    const results = [...body.matchAll(/<result>([\s\S]*?)<\/result>/g)].map((r) => r[1]);
    ids.forEach((id, n) => {
      const r = results[n] ?? '';
      if (/<success>true<\/success>/.test(r)) out.set(id, null);
      else out.set(id, { code: /<statusCode>([^<]*)<\/statusCode>/.exec(r)?.[1] ?? 'NO_RESULT', message: /<message>([^<]*)<\/message>/.exec(r)?.[1] ?? 'no result', fields: [] });
    });
    return out;
  }

  async deleteManyById(entity: string, ids: string[]): Promise<RollbackResult[]> {
    const m = await this.require(entity);
    const out: RollbackResult[] = [];
    for (const part of chunks(ids, COLLECTION_LIMIT)) {
      out.push(...(await this.rollbackCall(part, 'delete', (c) => c.destroy(m.apiName, part, { allOrNone: false }))));
    }
    return out;
  }

  /** A collections update or delete (jsforce's `update` / `destroy` of a list), one result per id in input order. */
  private async rollbackCall(ids: string[], kind: 'update' | 'delete', fn: (c: Connection) => Promise<unknown>): Promise<RollbackResult[]> {
    let data: unknown;
    try {
      data = await this.client.call(fn);
    } catch (e) {
      if (e instanceof FerryError) throw e;
      const err = e instanceof SalesforceError ? e : new SalesforceError(0, 'ERROR', String(e));
      return ids.map((id) => ({ id, ok: false, code: err.code, message: err.message }));
    }
    const rows = Array.isArray(data) ? (data as { success?: boolean; errors?: unknown[] }[]) : [];
    return ids.map((id, n): RollbackResult => {
      const row = rows[n];
      if (row?.success) return { id, ok: true };
      const e = recordErrors(row?.errors)[0] ?? { code: 'NO_RESULT', message: 'no result for this record', fields: [] };
      const gone = e.code === 'ENTITY_IS_DELETED' || e.code === 'INVALID_CROSS_REFERENCE_KEY' || e.code === 'NOT_FOUND';
      if (kind === 'delete' && gone) return { id, ok: true, gone: true };
      return { id, ok: false, code: e.code, message: e.message, ...(gone ? { gone: true } : {}) };
    });
  }

  async deleteByKey(entity: string, key: string): Promise<boolean> {
    const m = await this.require(entity);
    // jsforce deletes by id only: by external id is a plain DELETE through the Connection.
    return deletedUnless404(this.client.request({ method: 'DELETE', url: `sobjects/${m.apiName}/${m.field(this.o.keyColumn)?.name ?? this.o.keyColumn}/${encodeURIComponent(key)}` }));
  }

  async deleteById(entity: string, id: string): Promise<boolean> {
    const m = await this.require(entity);
    return deletedUnless404(this.client.call((c) => c.destroy(m.apiName, id)));
  }

  // ---- schema ----

  async planSchema(plan: RoutePlan): Promise<SchemaPlan> {
    this.refresh();
    const described = new Map<string, SObjectModel | null>();
    for (const e of plan.entities) {
      described.set(e.entity, await this.model(e.entity));
      for (const l of e.lookups) for (const t of l.targets) if (!described.has(t)) described.set(t, await this.model(t));
    }
    const processes = plan.entities.some((e) => e.processes) ? await this.metadata.businessProcesses() : new Map<string, Map<string, string>>();
    return planSalesforceSchema(plan, described, { keyColumn: this.o.keyColumn, processes });
  }

  /** Fields first (the key, columns, lookups), then picklist values, sales processes and record types. */
  async applySchema(schema: SchemaPlan, progress: (line: string) => void = () => undefined): Promise<void> {
    if (schema.refusals.length) {
      throw new FerryError('SCHEMA_REFUSED', `the destination cannot hold this map as it is (${schema.refusals.length} problem(s)); \`ferry schema plan\` lists them`, 'fatal');
    }
    const rank = (s: SchemaPlan['steps'][number]) => {
      const call = (s.body as SchemaCall).call;
      return ['key', 'column', 'lookup'].includes(s.kind) ? 0 : call === 'picklistValues' ? 1 : call === 'businessProcess' ? 2 : 3;
    };
    for (const step of [...schema.steps].sort((a, b) => rank(a) - rank(b))) {
      await this.metadata.apply(step.body as SchemaCall);
      progress(`created ${step.detail}`);
    }
    this.refresh();
  }

  // ---- metadata ----

  private async require(entity: string): Promise<SObjectModel> {
    const m = await this.model(entity);
    if (!m) throw new FerryError('UNKNOWN_ENTITY', `the Salesforce org has no object "${entity}": check the edition and features, or fix the map`, 'fatal');
    return m;
  }

  private model(entity: string): Promise<SObjectModel | null> {
    let m = this.models.get(entity);
    if (!m) {
      m = this.load(entity);
      this.models.set(entity, m);
      m.catch(() => this.models.delete(entity));
    }
    return m;
  }

  private async load(entity: string): Promise<SObjectModel | null> {
    this.global ??= this.client.describeGlobal().then((g) => new Map(g.sobjects.map((s) => [s.name.toLowerCase(), s.name])));
    this.global.catch(() => (this.global = null));
    const name = (await this.global).get(entity.toLowerCase());
    if (!name) return null;
    const d = await this.client.describe<SfDescribe>(name);
    return d ? new SObjectModel(entity.toLowerCase(), d) : null;
  }
}

/** true when the delete went through, false when Salesforce answered 404 (nothing there to delete). */
async function deletedUnless404(call: Promise<unknown>): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (e) {
    if (e instanceof SalesforceError && e.status === 404) return false;
    throw e;
  }
}

/** A collections answer (an array in input order) as one result per record. */
export function collectionResults(entity: string, batch: { key: string; dropped?: DroppedValue[] }[], data: unknown): WriteResult[] {
  const rows = Array.isArray(data) ? (data as { id?: string; success?: boolean; created?: boolean; errors?: unknown[] }[]) : [];
  return batch.map((p, n): WriteResult => {
    const r = rows[n];
    if (!r) return { key: p.key, ok: false, code: 'NO_RESULT', message: `${entity}: Salesforce returned no result for this record; it is written again`, transient: true };
    if (r.success && r.id) return { key: p.key, ok: true, id: r.id, created: Boolean(r.created), ...(p.dropped ? { dropped: p.dropped } : {}) };
    const e = recordErrors(r.errors)[0] ?? { code: 'UNKNOWN_ERROR', message: 'Salesforce refused the record without a reason', fields: [] };
    // Another record's failure rolled this one back: it is fine as it is and goes again.
    const transient = e.code === 'ALL_OR_NONE_OPERATION_ROLLED_BACK' || e.code === 'REQUEST_LIMIT_EXCEEDED';
    return { key: p.key, ok: false, code: e.code, message: explain(entity, e), ...(transient ? { transient: true } : {}) };
  });
}
