import { Inject, Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { Logger } from 'pino';
import {
  BatchFormatError,
  BatchResponseEntry,
  BatchResponseItem,
  ParsedBatchRequest,
  buildBatchResponse,
  isChangeSet,
  parseBatchRequest,
} from '@ferry/destinations/dynamics';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { RecordStore } from '../store/record.store';
import { DataverseHttpError, Errors } from './dataverse-http.error';
import { ContentIdMap, LookupResolver } from './lookup.resolver';
import { RecordWriter } from './record.writer';
import { ApiRequest, ApiResponse, ExecContext, GroupedPlan, WebApiService, errorResponse, parsePrefer } from './web-api.service';

/** Most key upserts one grouped statement writes. */
const MAX_GROUP = 1000;

type Unit = { kind: 'single'; req: ApiRequest } | { kind: 'changeset'; reqs: { req: ApiRequest; contentId?: string }[] };

export interface BatchHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Outcome of one unit: its response entry, and whether it failed. */
interface UnitResult {
  entry: BatchResponseEntry;
  failedStatus?: number;
}

/** A database error that is worth replaying the whole batch for. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '40P01' || code === '40001';
}

function toPart(res: ApiResponse, contentId?: string): BatchResponseItem {
  const headers: Record<string, string> = { 'OData-Version': '4.0', ...res.headers };
  let body: string | undefined;
  if (res.body !== undefined) body = JSON.stringify(res.body);
  else if (res.text !== undefined) body = res.text;
  return { status: res.status, headers, body, ...(contentId !== undefined ? { contentId } : {}) };
}

/**
 * $batch: parts run in order; change sets are atomic. The whole batch normally runs in one database transaction
 * (a savepoint per change set) so hundreds of writes cost one commit; if the database itself fails a statement,
 * the batch is replayed with a transaction per part so one bad part cannot undo the others.
 */
@Injectable()
export class BatchService {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly web: WebApiService,
    private readonly store: RecordStore,
    private readonly resolver: LookupResolver,
    private readonly writer: RecordWriter,
  ) {}

  async execute(headers: Record<string, string>, body: string, serviceRoot: string): Promise<BatchHttpResponse> {
    let units: Unit[];
    try {
      units = this.units(headers['content-type'], body);
    } catch (err) {
      if (err instanceof DataverseHttpError) return this.jsonError(err);
      throw err;
    }
    const continueOnError = parsePrefer(headers).has('odata.continue-on-error');
    const bodies = this.parseBodies(units);
    let result: UnitResult[] | undefined;
    for (let attempt = 1; attempt <= 3 && !result; attempt++) {
      try {
        result = await this.runInOneTransaction(units, bodies, serviceRoot, continueOnError);
      } catch (err) {
        if (isTransient(err) && attempt < 3) continue;
        this.logger.warn({ err: (err as Error).message }, 'batch hit a database error; replaying it part by part');
        break;
      }
    }
    result ??= await this.runPartByPart(units, serviceRoot, continueOnError);
    const failed = result.find((r) => r.failedStatus !== undefined);
    const { contentType, body: text } = buildBatchResponse(result.map((r) => r.entry));
    const out: Record<string, string> = { 'Content-Type': contentType, 'OData-Version': '4.0' };
    if (continueOnError) out['Preference-Applied'] = 'odata.continue-on-error';
    return { status: !continueOnError && failed ? (failed.failedStatus as number) : 200, headers: out, body: text };
  }

  private jsonError(err: DataverseHttpError): BatchHttpResponse {
    return { status: err.status, headers: { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0' }, body: JSON.stringify(err.body()) };
  }

  private units(contentType: string | undefined, body: string): Unit[] {
    let parsed;
    try {
      parsed = parseBatchRequest(contentType, body);
    } catch (err) {
      if (err instanceof BatchFormatError) throw Errors.badRequest(`The batch request is malformed: ${err.message}`);
      throw err;
    }
    const toApi = (p: ParsedBatchRequest): ApiRequest => ({ method: p.method, url: p.url, headers: p.headers, body: p.body });
    let count = 0;
    const units: Unit[] = parsed.map((entry) => {
      if (!isChangeSet(entry)) {
        count++;
        return { kind: 'single', req: toApi(entry) };
      }
      for (const p of entry.changeSet) {
        count++;
        if (p.method === 'GET') {
          throw Errors.badRequest(
            `An invalid HTTP method '${p.method}' was detected for a request in a change set. Requests in change sets only support the HTTP methods 'POST', 'PUT', 'DELETE', and 'PATCH'.`,
          );
        }
      }
      return { kind: 'changeset', reqs: entry.changeSet.map((p) => ({ req: toApi(p), contentId: p.contentId })) };
    });
    if (count > this.options.maxBatchRequests) {
      throw Errors.badRequest(`The number of requests in a batch exceeded the limit of ${this.options.maxBatchRequests}.`);
    }
    return units;
  }

  /** Parses every JSON body once, both for the writes and for pre-resolving their lookups. */
  private parseBodies(units: Unit[]): unknown[] {
    const out: unknown[] = [];
    const visit = (req: ApiRequest) => {
      if (req.body.trim() === '') return;
      try {
        req.json = JSON.parse(req.body);
        out.push(req.json);
      } catch {
        // The part answers its own 400 when it runs.
      }
    };
    for (const u of units) {
      if (u.kind === 'single') visit(u.req);
      else u.reqs.forEach((r) => visit(r.req));
    }
    return out;
  }

  private async runInOneTransaction(units: Unit[], bodies: unknown[], serviceRoot: string, continueOnError: boolean): Promise<UnitResult[]> {
    const client = await this.store.pool.connect();
    try {
      await client.query('BEGIN');
      const ctx = this.web.newContext(client, serviceRoot, true);
      await this.resolver.prefetch(client, ctx.lookups, bodies);
      const results = await this.runUnits(units, ctx, client, continueOnError);
      await client.query('COMMIT');
      return results;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Consecutive plain key upserts of one table are held back and written by one statement; anything else (or a key
   * already held back, or a lookup to a record not yet written) writes the held-back group first, keeping order.
   */
  private async runUnits(units: Unit[], ctx: ExecContext, client: PoolClient, continueOnError: boolean): Promise<UnitResult[]> {
    const results: (UnitResult | undefined)[] = [];
    let group: { plan: GroupedPlan; index: number }[] = [];
    const groupKeys = new Set<string>();
    const flush = async () => {
      if (group.length === 0) return;
      const outcomes = await this.writer.writeGrouped(ctx, group.map((g) => g.plan.upsert));
      group.forEach((g, i) => (results[g.index] = this.single(g.plan.respond(outcomes[i]))));
      group = [];
      groupKeys.clear();
    };
    for (const unit of units) {
      let r: UnitResult;
      if (unit.kind === 'single') {
        let plan: GroupedPlan | undefined;
        let refused: ApiResponse | undefined;
        try {
          plan = this.web.planGroupedUpsert(unit.req, ctx);
        } catch (err) {
          if (!(err instanceof DataverseHttpError) || err.abortsTransaction) throw err;
          refused = errorResponse(err);
        }
        if (plan) {
          const { table, altKey } = plan.upsert;
          if (group.length > 0 && (group[0].plan.upsert.table !== table || groupKeys.has(altKey) || group.length >= MAX_GROUP)) await flush();
          group.push({ plan, index: results.length });
          groupKeys.add(altKey);
          results.push(undefined);
          continue;
        }
        await flush();
        r = this.single(refused ?? (await this.web.handle(unit.req, ctx)));
      } else {
        await flush();
        r = await this.changeSet(unit, { ...ctx, contentIds: new Map() }, client, true);
      }
      results.push(r);
      if (r.failedStatus !== undefined && !continueOnError) break;
    }
    await flush();
    return results as UnitResult[];
  }

  private async runPartByPart(units: Unit[], serviceRoot: string, continueOnError: boolean): Promise<UnitResult[]> {
    const results: UnitResult[] = [];
    for (const unit of units) {
      let r: UnitResult;
      if (unit.kind === 'single') {
        const ctx = this.web.newContext(this.store.pool, serviceRoot, false);
        try {
          r = this.single(await this.web.handle(unit.req, ctx));
        } catch (err) {
          this.logger.error({ err }, 'batch part failed unexpectedly');
          r = this.single(errorResponse(Errors.unexpected()));
        }
      } else {
        const client = await this.store.pool.connect();
        try {
          await client.query('BEGIN');
          r = await this.changeSet(unit, { ...this.web.newContext(client, serviceRoot, true), contentIds: new Map() }, client, false);
          await client.query(r.failedStatus === undefined ? 'COMMIT' : 'ROLLBACK');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          if (!(err instanceof DataverseHttpError)) this.logger.error({ err }, 'change set failed unexpectedly');
          const res = err instanceof DataverseHttpError ? errorResponse(err) : errorResponse(Errors.unexpected());
          r = { entry: toPart(res), failedStatus: res.status };
        } finally {
          client.release();
        }
      }
      results.push(r);
      if (r.failedStatus !== undefined && !continueOnError) break;
    }
    return results;
  }

  private single(res: ApiResponse): UnitResult {
    return { entry: toPart(res), failedStatus: res.status >= 400 ? res.status : undefined };
  }

  /** Runs a change set; on the first failure its writes are undone and the failure alone stands for it. */
  private async changeSet(
    unit: Extract<Unit, { kind: 'changeset' }>,
    ctx: ExecContext & { contentIds: ContentIdMap },
    client: PoolClient,
    useSavepoint: boolean,
  ): Promise<UnitResult> {
    if (useSavepoint) await client.query('SAVEPOINT change_set');
    const parts: BatchResponseItem[] = [];
    for (const { req, contentId } of unit.reqs) {
      const res = await this.web.handle(req, ctx);
      if (res.status >= 400) {
        if (useSavepoint) await client.query('ROLLBACK TO SAVEPOINT change_set');
        ctx.lookups.clear();
        return { entry: toPart(res, contentId), failedStatus: res.status };
      }
      if (contentId !== undefined && res.wrote) ctx.contentIds.set(contentId, res.wrote);
      parts.push(toPart(res, contentId));
    }
    if (useSavepoint) await client.query('RELEASE SAVEPOINT change_set');
    return { entry: { changeSet: parts } };
  }
}
