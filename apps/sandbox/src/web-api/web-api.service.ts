import { Inject, Injectable } from '@nestjs/common';
import { formatKeySegment } from '@ferry/destinations/dynamics';
import { EntityRegistry, EntityTable, recordNavigation } from '../metadata/entity-metadata';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { Queryable, RecordStore, StoredRecord } from '../store/record.store';
import { RecordAddress, canonicalKey, parseAddress } from './alternate-key';
import { DataverseHttpError, Errors } from './dataverse-http.error';
import { ContentIdMap, LookupCache, LookupResolver } from './lookup.resolver';
import { filterToSql, orderByToSql, parseFilter } from './odata-filter';
import { contextUrl, parseSelect, recordView } from './record.view';
import { GroupedUpsert, RecordWriter, WriteMode, WriteOutcome, WriteScope } from './record.writer';
import { ServiceTarget, parseServiceUrl } from './service-path';
import { MetadataApi } from './metadata.api';
import { RelationshipService } from './relationships';

/** One Web API request, whether it arrived on its own or inside a $batch. Header names are lower-case. */
export interface ApiRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** The parsed body, when someone already parsed it. */
  json?: unknown;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent as text/plain (e.g. /$count). */
  text?: string;
  /** The record a POST/PATCH wrote, so a $batch can map its Content-ID. */
  wrote?: { table: EntityTable; id: string };
}

export interface GroupedPlan {
  upsert: GroupedUpsert;
  respond(outcome: WriteOutcome): ApiResponse;
}

export interface ExecContext extends WriteScope {
  /** Absolute service root, e.g. http://127.0.0.1:8181/api/data/v9.2 */
  serviceRoot: string;
  /** Set inside a transaction the caller owns (a $batch): a database error must reach the caller. */
  inTransaction: boolean;
}

const BULK_MESSAGES = new Set(['CreateMultiple', 'UpdateMultiple', 'UpsertMultiple']);
const SUPPORTED_QUERY_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$skiptoken']);
/** Platform functions and actions (bound or unbound) a client may call; none is emulated, so each answers 501. */
const KNOWN_MESSAGES = new Set([
  'WinOpportunity', 'LoseOpportunity', 'QualifyLead', 'WinQuote', 'CloseQuote', 'ReviseQuote', 'ConvertQuoteToSalesOrder',
  'FulfillSalesOrder', 'CancelSalesOrder', 'CloseIncident', 'SendEmail', 'SetState', 'Assign', 'Merge', 'BulkDelete',
  'RetrieveVersion', 'RetrieveCurrentOrganization', 'RetrieveTotalRecordCount', 'InitializeFrom', 'CalculateRollupField',
  'ExecuteWorkflow', 'AddToQueue', 'GrantAccess', 'ModifyAccess', 'RevokeAccess', 'RetrievePrincipalAccess', 'Associate',
  'Disassociate', 'ExecuteMultiple', 'DeleteMultiple', 'PublishXml', 'PublishAllXml', 'IsValidStateTransition',
  'RetrieveMultiple', 'ExportSolution', 'ImportSolution', 'GetClientMetadata',
]);

/** Query options and parameters the platform knows and the sandbox does not implement: 501, never silently ignored. */
const NOT_IMPLEMENTED_OPTIONS = new Set(['$expand', '$apply', '$search', '$compute', '$levels', '$format', '$deltatoken', 'fetchxml', 'savedquery', 'userquery']);

/** Refuses what the sandbox cannot honour: a 501 for a known but unimplemented option, a 400 for anything else not allowed. */
export function checkQueryOptions(target: ServiceTarget, allowed: ReadonlySet<string>): void {
  for (const name of target.query.keys()) {
    const lower = name.toLowerCase();
    if (allowed.has(name)) continue;
    if (lower === '$skip') throw Errors.badRequest('The query parameter $skip is not supported', '0x0');
    if (NOT_IMPLEMENTED_OPTIONS.has(lower)) throw Errors.notImplemented(`The query option '${name}' is not implemented by the sandbox.`);
    if (name.startsWith('@')) throw Errors.notImplemented(`Parameter aliases ('${name}') are not implemented by the sandbox.`);
    if (name.startsWith('$') && allowed.has(lower)) {
      throw Errors.badRequest(`The query parameter ${name} is not supported: system query options are lower case.`, '0x0');
    }
    throw Errors.badRequest(`The query parameter ${name} is not supported`, '0x0');
  }
}

export function parsePrefer(headers: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (headers.prefer ?? '').split(',')) {
    const [name, ...rest] = part.trim().split('=');
    if (name) out.set(name.trim().toLowerCase(), rest.join('=').trim().replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

export function errorResponse(err: DataverseHttpError): ApiResponse {
  return { status: err.status, headers: { 'Content-Type': 'application/json; odata.metadata=minimal', ...err.headers }, body: err.body() };
}

function parseJson(req: ApiRequest): unknown {
  if (req.json !== undefined) return req.json;
  if (req.body.trim() === '') throw Errors.badRequest('An error occurred while validating input parameters: the request body is empty.');
  try {
    req.json = JSON.parse(req.body);
    return req.json;
  } catch (err) {
    throw Errors.badRequest(`An error occurred while validating input parameters: Microsoft.OData.ODataException: Invalid JSON. ${(err as Error).message}`);
  }
}

function encodeToken(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken(token: string): { after?: string; offset?: number } {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown; offset?: unknown };
    if (typeof v.after === 'string') return { after: v.after };
    if (typeof v.offset === 'number' && Number.isInteger(v.offset) && v.offset >= 0) return { offset: v.offset };
  } catch {
    // falls through to the error below
  }
  throw Errors.badRequest('The $skiptoken value is not valid.', '0x80060888');
}

/** Routes Web API requests to reads and writes, answering as the platform does. */
@Injectable()
export class WebApiService {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    private readonly registry: EntityRegistry,
    private readonly store: RecordStore,
    private readonly writer: RecordWriter,
    private readonly resolver: LookupResolver,
    private readonly metadataApi: MetadataApi,
    private readonly relationships: RelationshipService,
  ) {}

  newContext(db: Queryable, serviceRoot: string, inTransaction: boolean, contentIds?: ContentIdMap): ExecContext {
    return { db, serviceRoot, inTransaction, lookups: new LookupCache(), contentIds };
  }

  /** Answers one request; Dataverse errors become responses, database errors inside a caller's transaction propagate. */
  async handle(req: ApiRequest, ctx: ExecContext): Promise<ApiResponse> {
    try {
      return await this.dispatch(req, ctx);
    } catch (err) {
      if (err instanceof DataverseHttpError && !(err.abortsTransaction && ctx.inTransaction)) return errorResponse(err);
      throw err;
    }
  }

  private resolveContentIdUrl(url: string, ctx: ExecContext): string {
    const m = /^\$([^/?]+)(.*)$/.exec(url.trim());
    if (!m) return url;
    const found = ctx.contentIds?.get(m[1]);
    if (!found) throw Errors.badRequest(`Content-ID Reference: '$${m[1]}' does not exist in the batch context.`);
    return `${found.table.setName}(${found.id})${m[2]}`;
  }

  private async dispatch(req: ApiRequest, ctx: ExecContext): Promise<ApiResponse> {
    const rootPath = new URL(ctx.serviceRoot).pathname;
    const target = parseServiceUrl(this.resolveContentIdUrl(req.url, ctx), rootPath);
    const [first, ...rest] = target.segments;
    if (!first) throw Errors.resourceNotFound('');
    if (first === '$batch') throw Errors.badRequest('A $batch request cannot be nested in another $batch.');
    if (first === 'WhoAmI' || first === 'WhoAmI()') return this.whoAmI(req, ctx);
    if (MetadataApi.handles(first)) {
      const method = req.method.toUpperCase();
      checkQueryOptions(target, method === 'GET' && first.startsWith('EntityDefinitions') ? new Set(['$select', '$expand']) : new Set());
      return this.metadataApi.handle(method, first, rest, target, () => parseJson(req), ctx.serviceRoot);
    }

    if (first === '$metadata') throw Errors.notImplemented('The sandbox does not serve $metadata (CSDL); read EntityDefinitions instead.');
    const m = /^([^()]+)(?:\((.*)\))?$/.exec(first);
    const table = m ? this.registry.bySetName(m[1]) : undefined;
    if (!m || !table) throw this.unknownSegment(first);
    const address = m[2] !== undefined ? parseAddress(table, m[2]) : undefined;
    const method = req.method.toUpperCase();

    if (rest.length === 0) {
      if (method !== 'GET') checkQueryOptions(target, method === 'DELETE' ? new Set() : new Set(['$select']));
      if (!address) {
        if (method === 'GET') return this.query(req, table, target, ctx);
        if (method === 'POST') return this.create(req, table, target, ctx);
        throw Errors.methodNotAllowed(method);
      }
      if (method === 'GET') return this.retrieve(req, table, address, target, ctx);
      if (method === 'PATCH') return this.patch(req, table, address, target, ctx);
      if (method === 'DELETE') return this.remove(table, address, ctx);
      throw Errors.methodNotAllowed(method);
    }
    if (address && rest.length === 2 && rest[1] === '$ref') {
      if (method === 'GET') {
        checkQueryOptions(target, new Set());
        const found = await this.relationships.related(ctx.db, table, address, rest[0]);
        return {
          status: 200,
          headers: { 'Content-Type': 'application/json; odata.metadata=minimal' },
          body: { '@odata.context': `${ctx.serviceRoot}/$metadata#Collection($ref)`, value: found.ids.map((id) => ({ '@odata.id': `${ctx.serviceRoot}/${found.table.setName}(${id})` })) },
        };
      }
      checkQueryOptions(target, method === 'DELETE' ? new Set(['$id']) : new Set());
      await this.atomically(ctx, (db) => this.relationships.ref(db, method, table, address, rest[0], target, () => parseJson(req)));
      ctx.lookups.clear();
      return { status: 204, headers: {} };
    }
    if (address && rest.length === 1 && !rest[0].startsWith('Microsoft.Dynamics.CRM.') && !rest[0].endsWith('()')) {
      if (!recordNavigation(this.registry, table, rest[0].replace(/\(.*\)$/, ''))) throw Errors.resourceNotFound(rest[0]);
      throw Errors.notImplemented(`Reading or writing through the navigation property '${rest[0]}' is not implemented by the sandbox; use $ref, or query the related table with $filter.`);
    }
    if (rest.length === 1 && !address) {
      if (rest[0] === '$count' && method === 'GET') return this.countSegment(table, target, ctx);
      const bulk = /^Microsoft\.Dynamics\.CRM\.(\w+)$/.exec(rest[0]);
      if (bulk && BULK_MESSAGES.has(bulk[1])) {
        if (method !== 'POST') throw Errors.methodNotAllowed(method);
        checkQueryOptions(target, new Set());
        return this.bulk(req, table, bulk[1], ctx);
      }
    }
    throw this.unknownSegment(rest[rest.length - 1]);
  }

  /**
   * A segment naming no table: a function or action call (`Name(...)`, `Microsoft.Dynamics.CRM.Name`) the sandbox
   * does not know is refused as not implemented; anything else is the platform's 404.
   */
  private unknownSegment(segment: string): DataverseHttpError {
    const name = /^([^()]+)/.exec(segment)?.[1] ?? segment;
    if (/^Microsoft\.Dynamics\.CRM\./.test(segment) || /^[A-Za-z_][A-Za-z0-9_.]*\(\)$/.test(segment) || KNOWN_MESSAGES.has(name) ) {
      return Errors.notImplemented(`The function or action '${name}' is not implemented by the sandbox.`);
    }
    return Errors.resourceNotFound(name);
  }

  private entityIdUrl(ctx: ExecContext, table: EntityTable, address: RecordAddress | { kind: 'id'; id: string }): string {
    const inner = address.kind === 'id' ? address.id : formatKeySegment(address.values);
    return `${ctx.serviceRoot}/${table.setName}(${inner})`;
  }

  private representation(req: ApiRequest, table: EntityTable, target: ServiceTarget, ctx: ExecContext, row: StoredRecord) {
    const prefer = parsePrefer(req.headers);
    const select = parseSelect(table, target.query.get('$select'));
    return {
      '@odata.context': contextUrl(ctx.serviceRoot, table, select, true),
      ...recordView(table, row, { select, annotations: prefer.has('odata.include-annotations') }),
    };
  }

  private async create(req: ApiRequest, table: EntityTable, target: ServiceTarget, ctx: ExecContext): Promise<ApiResponse> {
    const body = parseJson(req);
    parseSelect(table, target.query.get('$select'));
    const { row } = await this.writer.write(ctx, table, null, body, 'create');
    const wrote = { table, id: row.id };
    if (parsePrefer(req.headers).get('return') === 'representation') {
      return {
        status: 201,
        headers: { 'Content-Type': 'application/json; odata.metadata=minimal', 'Preference-Applied': 'return=representation' },
        body: this.representation(req, table, target, ctx, row),
        wrote,
      };
    }
    return { status: 204, headers: { 'OData-EntityId': this.entityIdUrl(ctx, table, { kind: 'id', id: row.id }) }, wrote };
  }

  /**
   * For a $batch: a plain PATCH upsert by alternate key that can join a grouped statement, with how to answer it once
   * written. Undefined when the request needs the one-by-one path; throws what the one-by-one path would answer.
   */
  planGroupedUpsert(req: ApiRequest, ctx: ExecContext): GroupedPlan | undefined {
    if (req.method.toUpperCase() !== 'PATCH' || req.headers['if-match'] || req.headers['if-none-match']) return undefined;
    if (/^\s*\$/.test(req.url)) return undefined;
    const target = parseServiceUrl(req.url, new URL(ctx.serviceRoot).pathname);
    if (target.segments.length !== 1) return undefined;
    const m = /^([^()]+)\((.*)\)$/.exec(target.segments[0]);
    const table = m ? this.registry.bySetName(m[1]) : undefined;
    if (!m || !table) return undefined;
    const address = parseAddress(table, m[2]);
    if (address.kind !== 'key') return undefined;
    const upsert = this.writer.prepareGroupedUpsert(ctx, table, address, parseJson(req));
    if (!upsert) return undefined;
    const representation = parsePrefer(req.headers).get('return') === 'representation';
    if (representation) parseSelect(table, target.query.get('$select'));
    return {
      upsert,
      respond: ({ row, created }) => this.patchResponse(req, table, address, target, ctx, row, created),
    };
  }

  private patchResponse(
    req: ApiRequest,
    table: EntityTable,
    address: RecordAddress,
    target: ServiceTarget,
    ctx: ExecContext,
    row: StoredRecord,
    created: boolean,
  ): ApiResponse {
    const wrote = { table, id: row.id };
    if (parsePrefer(req.headers).get('return') === 'representation') {
      return {
        status: created ? 201 : 200,
        headers: { 'Content-Type': 'application/json; odata.metadata=minimal', 'Preference-Applied': 'return=representation' },
        body: this.representation(req, table, target, ctx, row),
        wrote,
      };
    }
    return { status: 204, headers: { 'OData-EntityId': this.entityIdUrl(ctx, table, address) }, wrote };
  }

  private async patch(req: ApiRequest, table: EntityTable, address: RecordAddress, target: ServiceTarget, ctx: ExecContext): Promise<ApiResponse> {
    const body = parseJson(req);
    parseSelect(table, target.query.get('$select'));
    const ifMatch = req.headers['if-match']?.trim();
    const ifNoneMatch = req.headers['if-none-match']?.trim();
    let mode: WriteMode = 'upsert';
    let expectedVersion: string | null = null;
    if (ifMatch) {
      mode = 'update';
      if (ifMatch !== '*') {
        const v = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch);
        if (!v) throw Errors.badRequest(`The If-Match value '${ifMatch}' is not valid.`);
        expectedVersion = v[1];
      }
    } else if (ifNoneMatch === '*') {
      mode = 'create';
    }
    const { row, created } = await this.writer.write(ctx, table, address, body, mode, expectedVersion);
    return this.patchResponse(req, table, address, target, ctx, row, created);
  }

  /** Deletes the record and applies each relationship's cascade, all or nothing. */
  private async remove(table: EntityTable, address: RecordAddress, ctx: ExecContext): Promise<ApiResponse> {
    if (table.meta.readOnly) throw new DataverseHttpError(405, '0x80060888', `The sandbox serves '${table.setName}' read-only.`);
    await this.atomically(ctx, async (db) => {
      const row = address.kind === 'id' ? await this.store.getById(db, table, address.id) : await this.store.getByKeyAddress(db, table, address);
      if (!row) throw address.kind === 'id' ? Errors.recordNotFound(table.logicalName, address.id) : Errors.keyNotFound(table.logicalName);
      await this.relationships.deleteRecord(db, table, row.id);
    });
    ctx.lookups.clear();
    return { status: 204, headers: {} };
  }

  /** Runs several statements as one: its own transaction, or a savepoint inside the caller's. */
  private async atomically(ctx: ExecContext, fn: (db: Queryable) => Promise<void>): Promise<void> {
    if (!ctx.inTransaction) {
      await this.store.transaction(fn);
      return;
    }
    await ctx.db.query({ text: 'SAVEPOINT multi_statement' });
    try {
      await fn(ctx.db);
      await ctx.db.query({ text: 'RELEASE SAVEPOINT multi_statement' });
    } catch (err) {
      await ctx.db.query({ text: 'ROLLBACK TO SAVEPOINT multi_statement' });
      ctx.lookups.clear();
      if (err instanceof DataverseHttpError && err.abortsTransaction) throw new DataverseHttpError(err.status, err.code, err.message, err.headers);
      throw err;
    }
  }

  private async retrieve(req: ApiRequest, table: EntityTable, address: RecordAddress, target: ServiceTarget, ctx: ExecContext): Promise<ApiResponse> {
    checkQueryOptions(target, table.meta.activityParties ? new Set(['$select', '$expand']) : new Set(['$select']));
    const expand = this.partiesExpand(table, target);
    const row = address.kind === 'id' ? await this.store.getById(ctx.db, table, address.id) : await this.store.getByKeyAddress(ctx.db, table, address);
    if (!row) throw address.kind === 'id' ? Errors.recordNotFound(table.logicalName, address.id) : Errors.keyNotFound(table.logicalName);
    const body: Record<string, unknown> = this.representation(req, table, target, ctx, row);
    if (expand) body[expand] = (await this.partiesOf(req, ctx, [row.id])).get(row.id) ?? [];
    return { status: 200, headers: { 'Content-Type': 'application/json; odata.metadata=minimal' }, body };
  }

  /**
   * The one $expand the sandbox serves: an activity's parties collection (`$expand=email_activity_parties`), without
   * nested options. Any other expansion is refused as not implemented.
   */
  private partiesExpand(table: EntityTable, target: ServiceTarget): string | undefined {
    const text = target.query.get('$expand');
    if (text === undefined) return undefined;
    if (text.trim() !== table.meta.activityParties) {
      throw Errors.notImplemented(`The query option '$expand=${text}' is not implemented by the sandbox (only '$expand=${table.meta.activityParties}').`);
    }
    return table.meta.activityParties;
  }

  /** The parties of these activities, as activityparty records, by activity id. */
  private async partiesOf(req: ApiRequest, ctx: ExecContext, ids: string[]): Promise<Map<string, Record<string, unknown>[]>> {
    const partyTable = this.registry.byLogicalName('activityparty')!;
    const annotations = parsePrefer(req.headers).has('odata.include-annotations');
    const rows = await this.store.select(ctx.db, partyTable, `(data->'activityid'->>'id') = ANY($2::text[])`, [ids], 'id', 100_000, 0);
    const out = new Map<string, Record<string, unknown>[]>();
    for (const row of rows) {
      const activity = (row.data.activityid as { id: string }).id;
      const list = out.get(activity) ?? [];
      list.push(recordView(partyTable, row, { annotations }));
      out.set(activity, list);
    }
    return out;
  }

  private whereClause(table: EntityTable, target: ServiceTarget): { sql: string; params: unknown[] } {
    const filter = target.query.get('$filter');
    if (filter === undefined || filter.trim() === '') return { sql: '', params: [] };
    return filterToSql(parseFilter(filter), table, 2, (v) => canonicalKey([v]));
  }

  private async query(req: ApiRequest, table: EntityTable, target: ServiceTarget, ctx: ExecContext): Promise<ApiResponse> {
    checkQueryOptions(target, table.meta.activityParties ? new Set([...SUPPORTED_QUERY_OPTIONS, '$expand']) : SUPPORTED_QUERY_OPTIONS);
    const expand = this.partiesExpand(table, target);
    const prefer = parsePrefer(req.headers);
    const select = parseSelect(table, target.query.get('$select'));
    const where = this.whereClause(table, target);
    const orderText = target.query.get('$orderby');
    const orderBy = orderByToSql(orderText, table);
    const topText = target.query.get('$top');
    let top: number | undefined;
    if (topText !== undefined) {
      top = Number(topText);
      if (!Number.isInteger(top) || top < 0) throw Errors.badRequest(`Invalid value '${topText}' for $top query option.`, '0x80060888');
      top = Math.min(top, this.options.maxPageSize);
    }
    const requested = Number(prefer.get('odata.maxpagesize'));
    const pageSize = Number.isInteger(requested) && requested > 0 ? Math.min(requested, this.options.maxPageSize) : this.options.maxPageSize;

    const token = target.query.get('$skiptoken');
    const cursor = token !== undefined ? decodeToken(token) : {};
    let sql = where.sql;
    const params = [...where.params];
    let offset = 0;
    if (cursor.after !== undefined) {
      if (orderText) throw Errors.badRequest('The $skiptoken value is not valid.', '0x80060888');
      params.push(cursor.after);
      sql = `${sql ? `(${sql}) AND ` : ''}id > $${params.length + 1}::uuid`;
    } else if (cursor.offset !== undefined) {
      offset = cursor.offset;
    }
    const limit = top !== undefined ? top : pageSize + 1;
    const rows = limit === 0 ? [] : await this.store.select(ctx.db, table, sql, params, orderBy, limit, offset);
    const hasMore = top === undefined && rows.length > pageSize;
    const page = hasMore ? rows.slice(0, pageSize) : rows;

    const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx.serviceRoot, table, select, false) };
    if (target.query.get('$count') === 'true') body['@odata.count'] = await this.store.count(ctx.db, table, where.sql, where.params);
    const annotations = prefer.has('odata.include-annotations');
    body.value = page.map((row) => recordView(table, row, { select, annotations }));
    if (expand) {
      const parties = await this.partiesOf(req, ctx, page.map((r) => r.id));
      for (const v of body.value as Record<string, unknown>[]) v[expand] = parties.get(v[table.primaryId] as string) ?? [];
    }
    if (hasMore) {
      const next = orderText ? { offset: offset + page.length } : { after: page[page.length - 1].id };
      const kept = target.rawQuery.split('&').filter((p) => p && !p.startsWith('$skiptoken=') && !p.startsWith('%24skiptoken='));
      kept.push(`$skiptoken=${encodeToken(next)}`);
      body['@odata.nextLink'] = `${ctx.serviceRoot}/${table.setName}?${kept.join('&')}`;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json; odata.metadata=minimal' };
    if (prefer.has('odata.maxpagesize')) headers['Preference-Applied'] = `odata.maxpagesize=${pageSize}`;
    return { status: 200, headers, body };
  }

  private async countSegment(table: EntityTable, target: ServiceTarget, ctx: ExecContext): Promise<ApiResponse> {
    checkQueryOptions(target, new Set(['$filter']));
    const where = this.whereClause(table, target);
    const n = await this.store.count(ctx.db, table, where.sql, where.params);
    return { status: 200, headers: { 'Content-Type': 'text/plain' }, text: String(n) };
  }

  /** CreateMultiple / UpdateMultiple / UpsertMultiple on a standard table: one transaction, all or nothing. */
  private async bulk(req: ApiRequest, table: EntityTable, message: string, ctx: ExecContext): Promise<ApiResponse> {
    if (this.options.bulkUnsupportedTables.includes(table.logicalName)) {
      throw Errors.badRequest(`The '${message}' method does not support entities of type '${table.logicalName}'. MessageProcessorCache returned MessageProcessor.Empty.`, '0x0');
    }
    const body = parseJson(req) as { Targets?: unknown };
    const targets = body && typeof body === 'object' ? body.Targets : undefined;
    if (!Array.isArray(targets) || targets.length === 0) throw Errors.badRequest(`${message} needs a non-empty 'Targets' array.`);
    targets.forEach((t, i) => {
      const type = t && typeof t === 'object' ? (t as Record<string, unknown>)['@odata.type'] : undefined;
      if (typeof type !== 'string' || type.replace(/^#/, '') !== table.odataType) {
        throw Errors.badRequest(`Targets[${i}]: '@odata.type' is required and must be '${table.odataType}' for ${message} on '${table.setName}'.`);
      }
    });
    const run = async (db: Queryable): Promise<ApiResponse> => {
      const scope: ExecContext = { ...ctx, db, lookups: new LookupCache(), inTransaction: true };
      await this.resolver.prefetch(db, scope.lookups, targets);
      const ids: string[] = [];
      for (const t of targets as Record<string, unknown>[]) {
        const { address, mode } = this.bulkTarget(table, t, message);
        const { row } = await this.writer.write(scope, table, address, t, mode);
        ids.push(row.id);
      }
      if (message === 'CreateMultiple') {
        return {
          status: 200,
          headers: { 'Content-Type': 'application/json; odata.metadata=minimal' },
          body: { '@odata.context': `${ctx.serviceRoot}/$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`, Ids: ids },
        };
      }
      return { status: 204, headers: {} };
    };
    if (ctx.inTransaction) {
      const db = ctx.db;
      await db.query({ text: 'SAVEPOINT bulk_call' });
      try {
        const res = await run(db);
        await db.query({ text: 'RELEASE SAVEPOINT bulk_call' });
        return res;
      } catch (err) {
        await db.query({ text: 'ROLLBACK TO SAVEPOINT bulk_call' });
        ctx.lookups.clear();
        // The savepoint restored the transaction, so the caller may carry on with it.
        if (err instanceof DataverseHttpError && err.abortsTransaction) throw new DataverseHttpError(err.status, err.code, err.message, err.headers);
        throw err;
      }
    }
    return this.store.transaction(run);
  }

  private bulkTarget(table: EntityTable, t: Record<string, unknown>, message: string): { address: RecordAddress | null; mode: WriteMode } {
    const odataId = t['@odata.id'];
    let address: RecordAddress | null = null;
    if (typeof odataId === 'string') {
      const m = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/.exec(odataId.trim());
      if (!m || m[1] !== table.setName) throw Errors.badRequest(`The '@odata.id' value '${odataId}' does not address a record of '${table.setName}'.`);
      address = parseAddress(table, decodeURIComponent(m[2]));
    } else if (typeof t[table.primaryId] === 'string') {
      address = parseAddress(table, t[table.primaryId] as string);
    } else if (table.key?.status === 'Active' && table.key.keyAttributes.every((k) => typeof t[k] === 'string' || typeof t[k] === 'number')) {
      address = { kind: 'key', altKey: canonicalKey(table.key.keyAttributes.map((k) => t[k] as string)), values: Object.fromEntries(table.key.keyAttributes.map((k) => [k, t[k] as string])) };
    }
    if (message === 'CreateMultiple') return { address: null, mode: 'create' };
    if (message === 'UpdateMultiple') {
      if (!address) throw Errors.badRequest(`UpdateMultiple: each target needs '${table.primaryId}' or its alternate key values.`);
      return { address, mode: 'update' };
    }
    return { address, mode: address ? 'upsert' : 'create' };
  }

  private whoAmI(req: ApiRequest, ctx: ExecContext): ApiResponse {
    if (req.method.toUpperCase() !== 'GET') throw Errors.methodNotAllowed(req.method);
    return {
      status: 200,
      headers: { 'Content-Type': 'application/json; odata.metadata=minimal' },
      body: {
        '@odata.context': `${ctx.serviceRoot}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
        BusinessUnitId: '6f1c2a10-0000-4000-8000-0000000000b0',
        UserId: this.options.defaultOwnerId,
        OrganizationId: '6f1c2a10-0000-4000-8000-0000000000a0',
      },
    };
  }
}
