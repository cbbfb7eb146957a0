import { Injectable } from '@nestjs/common';
import { canonicalId } from './sf-ids';
import { SfErrors, SfHttpError, SfRecordError } from './sf-errors';
import { jobSummary, SfBulkService } from './sf-bulk.service';
import { SfBulkQueryService } from './sf-bulk-query.service';
import { RequestKind, SfLimits } from './sf-limits.service';
import { SfMetadata } from './sf-metadata.service';
import { SfObjectDef } from './sf-objects';
import { SfOrg } from './sf-org';
import { SfQueryService } from './sf-query.service';
import { RowOutcome, SfRecords } from './sf-records.service';
import { SfStore } from './sf-store';
import { SfToolingService } from './sf-tooling.service';
import { Body, MultipleMatches, SfWriter } from './sf-writer';

export const MIN_VERSION = 31;
export const MAX_VERSION = 62;

export interface SfRequest {
  method: string;
  /** below /services/data/vXX.X, without a leading slash */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  version: string;
  userId: string;
}

export interface SfResponse {
  status: number;
  body?: unknown;
  text?: string;
  binary?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export function versionList(): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = MIN_VERSION; v <= MAX_VERSION; v++) out.push({ label: `Release ${v}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  return out;
}

function json(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw SfErrors.jsonParser(`Unexpected content in the request body: ${(err as Error).message}`);
  }
}

function objectBody(text: string): Body {
  const v = json(text);
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw SfErrors.jsonParser('The request body must be a JSON object');
  return v as Body;
}

/** The REST resources below /services/data/vXX.X: sObjects, collections, query, Bulk 2.0 ingest, tooling, limits. */
@Injectable()
export class SfApiService {
  constructor(
    private readonly meta: SfMetadata,
    private readonly org: SfOrg,
    private readonly store: SfStore,
    private readonly writer: SfWriter,
    private readonly records: SfRecords,
    private readonly query: SfQueryService,
    private readonly bulk: SfBulkService,
    private readonly bulkQuery: SfBulkQueryService,
    private readonly tooling: SfToolingService,
    private readonly limits: SfLimits,
  ) {}

  kindOf(path: string): RequestKind {
    const first = path.split('/')[0];
    if (path.endsWith('/describe') || path === 'sobjects') return 'describe';
    if (first === 'sobjects') return 'rest';
    if (first === 'composite') return 'collections';
    if (first === 'query' || first === 'queryAll') return 'query';
    if (first === 'jobs') return 'bulk';
    if (first === 'tooling') return 'tooling';
    if (first === 'limits') return 'limits';
    return 'other';
  }

  async handle(req: SfRequest): Promise<SfResponse> {
    const parts = req.path.split('/').filter((p) => p !== '').map(decodeURIComponent);
    const [head, ...rest] = parts;
    switch (head) {
      case undefined:
        return this.get(req, () => ({ status: 200, body: this.resources(req.version) }));
      case 'limits':
        return this.get(req, () => ({ status: 200, body: this.limitsBody() }));
      case 'sobjects':
        return this.sobjects(req, rest);
      case 'composite':
        if (rest[0] === 'sobjects') return this.collections(req, rest.slice(1));
        break;
      case 'query':
      case 'queryAll':
        return this.soql(req, rest, head === 'queryAll', false);
      case 'jobs':
        if (rest[0] === 'ingest') return this.ingest(req, rest.slice(1));
        if (rest[0] === 'query') return this.queryJobs(req, rest.slice(1));
        break;
      case 'tooling':
        return this.toolingRoute(req, rest);
    }
    throw SfErrors.notFound();
  }

  private get(req: SfRequest, fn: () => SfResponse): SfResponse {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw SfErrors.methodNotAllowed(req.method, ['GET', 'HEAD']);
    return fn();
  }

  private resources(version: string): Record<string, string> {
    const base = `/services/data/v${version}`;
    return {
      sobjects: `${base}/sobjects`,
      query: `${base}/query`,
      queryAll: `${base}/queryAll`,
      limits: `${base}/limits`,
      composite: `${base}/composite`,
      jobs: `${base}/jobs`,
      tooling: `${base}/tooling`,
    };
  }

  limitsBody(): Record<string, { Max: number; Remaining: number }> {
    const s = this.org.settings;
    const entry = (max: number, used: number) => ({ Max: max, Remaining: Math.max(0, max - used) });
    return {
      DailyApiRequests: entry(s.dailyApiRequests, this.limits.api.used()),
      DailyBulkApiBatches: entry(s.dailyBulkBatches, this.limits.bulkBatches.used()),
      DailyBulkV2QueryFileStorageMB: entry(976562, 0),
      DailyBulkV2QueryJobs: entry(s.dailyBulkQueryJobs, this.limits.bulkQueryJobs.used()),
      // Bulk API 2.0 ingest records per rolling 24 h; not a key Salesforce itself reports under this name.
      DailyBulkV2IngestRecords: entry(s.dailyBulkRecords, this.limits.bulkRecords.used()),
      DataStorageMB: entry(s.dataStorageMb, 0),
      FileStorageMB: entry(s.fileStorageMb, 0),
      SingleEmail: entry(5000, 0),
      HourlyODataCallout: entry(20000, 0),
      ConcurrentAsyncGetReportInstances: entry(200, 0),
    };
  }

  private object(name: string): SfObjectDef {
    const def = this.meta.object(name);
    if (!def) throw SfErrors.notFound(`The requested resource does not exist: sObject type '${name}' is not supported`);
    return def;
  }

  // ----- sObject REST -----

  private async sobjects(req: SfRequest, rest: string[]): Promise<SfResponse> {
    if (rest.length === 0) {
      return this.get(req, () => ({
        status: 200,
        body: { encoding: 'UTF-8', maxBatchSize: this.org.settings.collectionLimit, sobjects: this.meta.allObjects().map((o) => this.meta.globalEntry(o, req.version)) },
      }));
    }
    const def = this.object(rest[0]);
    if (rest.length === 1) {
      if (req.method === 'GET') return { status: 200, body: { objectDescribe: this.meta.globalEntry(def, req.version), recentItems: [] } };
      if (req.method !== 'POST') throw SfErrors.methodNotAllowed(req.method, ['GET', 'HEAD', 'POST']);
      const body = objectBody(req.body);
      const id = await this.records.single(req.userId, (ctx) => this.writer.create(ctx, def, body));
      return { status: 201, body: { id, success: true, errors: [] } };
    }
    if (rest.length === 2 && rest[1] === 'describe') return this.get(req, () => ({ status: 200, body: this.meta.describe(def, req.version) }));
    if (rest.length === 2) return this.byId(req, def, rest[1]);
    if (rest.length === 3 && req.method === 'GET' && canonicalId(rest[1]) && this.meta.field(def, rest[2])?.type === 'base64') {
      return this.blob(def, canonicalId(rest[1])!, this.meta.field(def, rest[2])!.name);
    }
    if (rest.length === 3) return this.byExternalId(req, def, rest[1], rest[2]);
    throw SfErrors.notFound();
  }

  private async byId(req: SfRequest, def: SfObjectDef, rawId: string): Promise<SfResponse> {
    const id = canonicalId(rawId);
    if (req.method === 'GET') {
      if (!id) throw SfErrors.notFound(`Provided external ID field does not exist or is not accessible: ${rawId}`);
      return { status: 200, body: await this.retrieve(def, id, req.query.get('fields'), req.version) };
    }
    if (req.method === 'PATCH') {
      const body = objectBody(req.body);
      await this.records.single(req.userId, (ctx) => this.writer.update(ctx, def, rawId, body));
      return { status: 204 };
    }
    if (req.method === 'DELETE') {
      await this.records.single(req.userId, (ctx) => this.writer.remove(ctx, rawId, false, def));
      return { status: 204 };
    }
    throw SfErrors.methodNotAllowed(req.method, ['GET', 'HEAD', 'PATCH', 'DELETE']);
  }

  /** A base64 field's bytes (ContentVersion.VersionData): records and queries give its URL, not its content. */
  private async blob(def: SfObjectDef, id: string, field: string): Promise<SfResponse> {
    const row = await this.store.getAs(this.store.pool, def.name, id);
    if (!row || row.isDeleted || typeof row.data[field] !== 'string') throw SfErrors.notFound();
    return { status: 200, binary: Buffer.from(row.data[field] as string, 'base64'), contentType: 'application/octetstream' };
  }

  private async retrieve(def: SfObjectDef, id: string, fields: string | null, version: string): Promise<Record<string, unknown>> {
    const row = await this.store.getAs(this.store.pool, def.name, id);
    if (!row || row.isDeleted) throw SfErrors.notFound();
    const visible = this.meta.fields(def);
    const names = fields
      ? fields.split(',').map((f) => {
          const field = this.meta.field(def, f.trim());
          if (!field) throw new SfHttpError(400, [{ message: `No such column '${f.trim()}' on sobject of type ${def.name}`, errorCode: 'INVALID_FIELD' }]);
          return field.name;
        })
      : visible.map((f) => f.name);
    const out: Record<string, unknown> = { attributes: { type: def.name, url: `/services/data/v${version}/sobjects/${def.name}/${id}` } };
    for (const n of names) {
      const f = this.meta.field(def, n)!;
      out[n] = n === 'Id' ? id : f.type === 'base64' && row.data[n] ? `/services/data/v${version}/sobjects/${def.name}/${id}/${n}` : (row.data[n] ?? null);
    }
    return out;
  }

  private async byExternalId(req: SfRequest, def: SfObjectDef, fieldName: string, value: string): Promise<SfResponse> {
    const field = this.writer.upsertField(def, fieldName);
    if (!field) throw SfErrors.notFound(`Provided external ID field does not exist or is not accessible: ${fieldName}`);
    if (req.method === 'PATCH') {
      const body = objectBody(req.body);
      try {
        const out = await this.records.single(req.userId, (ctx) => this.writer.upsert(ctx, def, field.name, value, body));
        if (out.created) return { status: 201, body: { id: out.id, success: true, errors: [], created: true } };
        if (Number(req.version) < this.org.settings.upsertUpdateBodyFromVersion) return { status: 204 };
        return { status: 200, body: { id: out.id, success: true, errors: [], created: false } };
      } catch (err) {
        if (err instanceof SfHttpError && err.status === 300) {
          const ids = (await this.matchIds(def, field.name, value)).map((id) => `/services/data/v${req.version}/sobjects/${def.name}/${id}`);
          throw new SfHttpError(300, [], {}, ids);
        }
        throw err;
      }
    }
    const ids = await this.matchIds(def, field.name, value);
    if (ids.length > 1) throw new SfHttpError(300, [], {}, ids.map((id) => `/services/data/v${req.version}/sobjects/${def.name}/${id}`));
    if (ids.length === 0) throw SfErrors.notFound();
    if (req.method === 'GET') return { status: 200, body: await this.retrieve(def, ids[0], req.query.get('fields'), req.version) };
    if (req.method === 'DELETE') {
      await this.records.single(req.userId, (ctx) => this.writer.remove(ctx, ids[0], false, def));
      return { status: 204 };
    }
    throw SfErrors.methodNotAllowed(req.method, ['GET', 'HEAD', 'PATCH', 'DELETE']);
  }

  private async matchIds(def: SfObjectDef, field: string, value: string): Promise<string[]> {
    const f = this.writer.upsertField(def, field)!;
    try {
      return await this.writer.match({ db: this.store.pool, userId: '', now: new Date(), touched: new Set() }, def, f, value);
    } catch (err) {
      if (err instanceof SfRecordError) throw new SfHttpError(400, [err.item()]);
      throw err;
    }
  }

  // ----- sObject Collections -----

  private results<T extends { id: string; created?: boolean }>(outcomes: RowOutcome<T>[], upsert: boolean, ids?: (string | undefined)[]): unknown[] {
    return outcomes.map((o, i) => {
      if (o.ok) return upsert ? { id: o.value.id, success: true, errors: [], created: o.value.created } : { id: o.value.id, success: true, errors: [] };
      const base: Record<string, unknown> = ids?.[i] ? { id: ids[i] } : {};
      return { ...base, success: false, errors: [o.error.statusItem()] };
    });
  }

  private collectionBody(req: SfRequest): { allOrNone: boolean; records: Body[] } {
    const body = objectBody(req.body);
    const records = body.records;
    if (!Array.isArray(records)) throw SfErrors.jsonParser('The request body must be {"allOrNone": boolean, "records": [...]}');
    this.checkCollectionSize(records.length);
    return { allOrNone: body.allOrNone === true, records: records as Body[] };
  }

  private checkCollectionSize(n: number): void {
    const max = this.org.settings.collectionLimit;
    if (n > max) throw new SfHttpError(400, [{ message: `record limit reached. cannot submit more than ${max} records into this call`, errorCode: 'EXCEEDED_ID_LIMIT' }]);
    if (n === 0) throw new SfHttpError(400, [{ message: 'no records were given', errorCode: 'INVALID_INPUT' }]);
  }

  private typeOf(record: Body): SfObjectDef {
    const type = (record?.attributes as { type?: string } | undefined)?.type;
    if (!type) throw new SfRecordError('INVALID_TYPE', 'Must specify a type in attributes', []);
    const def = this.meta.object(type);
    if (!def) throw new SfRecordError('INVALID_TYPE', `sObject type '${type}' is not supported.`, []);
    return def;
  }

  private async collections(req: SfRequest, rest: string[]): Promise<SfResponse> {
    if (rest.length === 0) {
      if (req.method === 'POST') {
        const { allOrNone, records } = this.collectionBody(req);
        const out = await this.records.many(req.userId, records, allOrNone, async (ctx, r) => ({ id: await this.writer.create(ctx, this.typeOf(r), r) }));
        return { status: 200, body: this.results(out, false) };
      }
      if (req.method === 'PATCH') {
        const { allOrNone, records } = this.collectionBody(req);
        const out = await this.records.many(req.userId, records, allOrNone, async (ctx, r) => {
          const def = this.typeOf(r);
          const idKey = Object.keys(r).find((k) => k.toLowerCase() === 'id');
          if (!idKey || !r[idKey]) throw new SfRecordError('MISSING_ARGUMENT', 'Id not specified in an update call', []);
          return { id: await this.writer.update(ctx, def, r[idKey], r) };
        });
        // Salesforce reads the id field in any case (its own collections examples send `id`).
        const idOf = (r: Record<string, unknown> | undefined) => r?.[Object.keys(r ?? {}).find((k) => k.toLowerCase() === 'id') ?? 'Id'] as string | undefined;
        return { status: 200, body: this.results(out, false, records.map((r) => canonicalId(idOf(r)) ?? idOf(r))) };
      }
      if (req.method === 'DELETE') {
        const ids = (req.query.get('ids') ?? '').split(',').filter((x) => x);
        this.checkCollectionSize(ids.length);
        const allOrNone = req.query.get('allOrNone') === 'true';
        const out = await this.records.many(req.userId, ids, allOrNone, async (ctx, id) => ({ id: await this.writer.remove(ctx, id) }));
        return { status: 200, body: this.results(out, false, ids.map((id) => canonicalId(id) ?? id)) };
      }
      throw SfErrors.methodNotAllowed(req.method, ['POST', 'PATCH', 'DELETE']);
    }
    const def = this.object(rest[0]);
    if (rest.length === 1 && (req.method === 'GET' || req.method === 'POST')) {
      const body = req.method === 'POST' ? objectBody(req.body) : {};
      const ids = req.method === 'GET' ? (req.query.get('ids') ?? '').split(',').filter((x) => x) : ((body.ids as string[]) ?? []);
      const fieldList = req.method === 'GET' ? (req.query.get('fields') ?? '') : ((body.fields as string[]) ?? []).join(',');
      if (!fieldList) throw new SfHttpError(400, [{ message: 'fields is required: name the fields to retrieve', errorCode: 'INVALID_INPUT' }]);
      if (ids.length > 2000) throw new SfHttpError(400, [{ message: 'at most 2000 ids may be retrieved in one call', errorCode: 'EXCEEDED_ID_LIMIT' }]);
      const out = [];
      for (const raw of ids) {
        const id = canonicalId(raw);
        const row = id ? await this.store.getAs(this.store.pool, def.name, id) : null;
        out.push(row && !row.isDeleted ? await this.retrieve(def, row.id, fieldList, req.version) : null);
      }
      return { status: 200, body: out };
    }
    if (rest.length === 2 && req.method === 'PATCH') {
      const field = this.writer.upsertField(def, rest[1]);
      if (!field) throw SfErrors.notFound(`Provided external ID field does not exist or is not accessible: ${rest[1]}`);
      const { allOrNone, records } = this.collectionBody(req);
      const out = await this.records.many(req.userId, records, allOrNone, async (ctx, r) => {
        const t = this.typeOf(r);
        if (t.name !== def.name) throw new SfRecordError('INVALID_TYPE', `every record must be a ${def.name} (got ${t.name})`, []);
        const key = Object.keys(r).find((k) => k.toLowerCase() === field.name.toLowerCase());
        const value = key ? r[key] : undefined;
        if (value === undefined || value === null || value === '') throw new SfRecordError('MISSING_ARGUMENT', `${field.name} not specified`, [field.name]);
        try {
          return await this.writer.upsert(ctx, def, field.name, String(value), r);
        } catch (err) {
          if (err instanceof MultipleMatches) throw new SfRecordError('DUPLICATE_EXTERNAL_ID', err.message, []);
          throw err;
        }
      });
      return { status: 200, body: this.results(out, true) };
    }
    throw SfErrors.notFound();
  }

  // ----- query -----

  private async soql(req: SfRequest, rest: string[], all: boolean, tooling: boolean): Promise<SfResponse> {
    if (req.method !== 'GET') throw SfErrors.methodNotAllowed(req.method, ['GET', 'HEAD']);
    if (rest.length === 1) return { status: 200, body: await this.query.more(rest[0], req.version) };
    if (rest.length > 1) throw SfErrors.notFound();
    const q = req.query.get('q');
    if (!q) throw SfErrors.malformedQuery('the query is empty: pass it as ?q=SELECT ...');
    const options = String(req.headers['sforce-query-options'] ?? '');
    const m = /batchSize=(\d+)/i.exec(options);
    const batchSize = m ? Math.max(200, Math.min(2000, Number(m[1]))) : undefined;
    return { status: 200, body: await this.query.query(q, { all, tooling, version: req.version, batchSize }) };
  }

  // ----- Bulk API 2.0 ingest -----

  private async ingest(req: SfRequest, rest: string[]): Promise<SfResponse> {
    if (rest.length === 0) {
      if (req.method === 'POST') return { status: 200, body: jobSummary(await this.bulk.create(objectBody(req.body), req.userId, req.version)) };
      if (req.method === 'GET') {
        const jobs = await this.bulk.list();
        return { status: 200, body: { done: true, records: jobs.map(jobSummary), nextRecordsUrl: null } };
      }
      throw SfErrors.methodNotAllowed(req.method, ['GET', 'POST']);
    }
    const id = rest[0];
    if (rest.length === 1) {
      if (req.method === 'GET') return { status: 200, body: await this.bulk.get(id) };
      if (req.method === 'PATCH') return { status: 200, body: jobSummary(await this.bulk.setState(id, objectBody(req.body).state)) };
      if (req.method === 'DELETE') {
        await this.bulk.remove(id);
        return { status: 204 };
      }
      throw SfErrors.methodNotAllowed(req.method, ['GET', 'PATCH', 'DELETE']);
    }
    if (rest.length === 2 && rest[1] === 'batches') {
      if (req.method !== 'PUT') throw SfErrors.methodNotAllowed(req.method, ['PUT']);
      const ct = req.headers['content-type'];
      await this.bulk.upload(id, Array.isArray(ct) ? ct[0] : ct, req.body);
      return { status: 201 };
    }
    if (rest.length === 2 && ['successfulResults', 'failedResults', 'unprocessedrecords'].includes(rest[1])) {
      if (req.method !== 'GET') throw SfErrors.methodNotAllowed(req.method, ['GET']);
      const text = await this.bulk.result(id, rest[1] as 'successfulResults');
      return { status: 200, text, contentType: 'text/csv' };
    }
    throw SfErrors.notFound();
  }

  // ----- Bulk API 2.0 query -----

  private async queryJobs(req: SfRequest, rest: string[]): Promise<SfResponse> {
    const summary = (i: { state: string } & Record<string, unknown>) => {
      const { jobType: _t, numberRecordsProcessed: _n, retries: _r, totalProcessingTime: _p, errorMessage: _e, ...rest } = i;
      return rest;
    };
    if (rest.length === 0) {
      if (req.method === 'POST') return { status: 200, body: summary({ ...(await this.bulkQuery.create(objectBody(req.body), req.userId, req.version)) }) };
      if (req.method === 'GET') return { status: 200, body: { done: true, records: (await this.bulkQuery.list()).map((j) => summary({ ...j })), nextRecordsUrl: null } };
      throw SfErrors.methodNotAllowed(req.method, ['GET', 'POST']);
    }
    if (rest.length === 1) {
      if (req.method === 'GET') return { status: 200, body: await this.bulkQuery.get(rest[0]) };
      if (req.method === 'PATCH') return { status: 200, body: summary({ ...(await this.bulkQuery.abort(rest[0], objectBody(req.body).state)) }) };
      if (req.method === 'DELETE') {
        await this.bulkQuery.remove(rest[0]);
        return { status: 204 };
      }
      throw SfErrors.methodNotAllowed(req.method, ['GET', 'PATCH', 'DELETE']);
    }
    if (rest.length === 2 && rest[1] === 'results' && req.method === 'GET') {
      const page = await this.bulkQuery.results(rest[0], req.query.get('locator'), req.query.get('maxRecords'));
      return { status: 200, text: page.text, contentType: 'text/csv', headers: { 'Sforce-Locator': page.locator, 'Sforce-NumberOfRecords': String(page.count) } };
    }
    throw SfErrors.notFound();
  }

  // ----- tooling -----

  private async toolingRoute(req: SfRequest, rest: string[]): Promise<SfResponse> {
    const [head, type, key] = rest;
    if (head === 'query') return this.soql(req, rest.slice(1), false, true);
    if (head !== 'sobjects') throw SfErrors.notFound();
    if (!type) {
      return this.get(req, () => ({ status: 200, body: { encoding: 'UTF-8', maxBatchSize: 200, sobjects: this.meta.allObjects(true).map((o) => this.meta.globalEntry(o, req.version)) } }));
    }
    const t = type.toLowerCase();
    if (t === 'customfield') {
      if (!key && req.method === 'POST') return { status: 201, body: await this.tooling.createCustomField(objectBody(req.body), req.userId) };
      if (key === 'describe' && req.method === 'GET') return { status: 200, body: this.meta.describe(this.meta.object('CustomField', true)!, req.version) };
      if (key && req.method === 'GET') return { status: 200, body: await this.tooling.getCustomField(key, req.version) };
      if (key && req.method === 'PATCH') {
        await this.tooling.updateCustomField(key, objectBody(req.body), req.userId);
        return { status: 204 };
      }
    }
    if (t === 'businessprocess') {
      if (!key && req.method === 'POST') return { status: 201, body: await this.tooling.createBusinessProcess(objectBody(req.body), req.userId) };
      if (key && req.method === 'PATCH') {
        await this.tooling.updateBusinessProcess(key, objectBody(req.body), req.userId);
        return { status: 204 };
      }
    }
    if (t === 'standardvalueset' && key && req.method === 'PATCH') {
      await this.tooling.updateStandardValueSet(key, objectBody(req.body), req.userId);
      return { status: 204 };
    }
    throw SfErrors.notFound();
  }
}

