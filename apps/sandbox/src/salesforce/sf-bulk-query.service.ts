import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { canonicalId } from './sf-ids';
import { SfErrors, SfHttpError } from './sf-errors';
import { COLUMN_DELIMITERS, LineEnding } from './sf-csv';
import { SfLimits } from './sf-limits.service';
import { SfOrg } from './sf-org';
import { SfQueryService } from './sf-query.service';
import { SfStore } from './sf-store';
import { sfDateTime } from './sf-values';
import { parseSoql } from './soql';

export type QueryJobState = 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface QueryJobInfo {
  id: string;
  operation: 'query' | 'queryAll';
  object: string;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  state: QueryJobState;
  concurrencyMode: 'Parallel';
  contentType: 'CSV';
  apiVersion: number;
  lineEnding: LineEnding;
  columnDelimiter: string;
  jobType: 'V2Query';
  query: string;
  numberRecordsProcessed: number;
  retries: number;
  totalProcessingTime: number;
  errorMessage?: string;
}

function invalidJob(message: string, status = 400): SfHttpError {
  return new SfHttpError(status, [{ errorCode: 'INVALIDJOB', message }]);
}

function quote(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

/** The value at a dotted path of a query record (parents nested), as bulk query CSV writes it. */
function cell(record: Record<string, unknown>, path: string[]): string {
  let v: unknown = record;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return '';
    const key = Object.keys(v as object).find((k) => k.toLowerCase() === p.toLowerCase());
    v = key ? (v as Record<string, unknown>)[key] : null;
  }
  return v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/**
 * Bulk API 2.0 query jobs: the SOQL runs after the processing delay and its CSV is kept; results are read in pages of
 * maxRecords rows with Sforce-Locator ("null" on the last page) and Sforce-NumberOfRecords.
 */
@Injectable()
export class SfBulkQueryService implements OnModuleDestroy {
  private timers = new Set<NodeJS.Timeout>();

  constructor(
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly store: SfStore,
    private readonly org: SfOrg,
    private readonly limits: SfLimits,
    private readonly query: SfQueryService,
  ) {}

  onModuleDestroy(): void {
    this.reset();
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async create(body: Record<string, unknown>, userId: string, version: string): Promise<QueryJobInfo> {
    const operation = body.operation ?? 'query';
    if (operation !== 'query' && operation !== 'queryAll') throw invalidJob(`InvalidJob : operation must be query or queryAll, got ${String(operation)}`);
    if (typeof body.query !== 'string' || !body.query.trim()) throw invalidJob('InvalidJob : the job needs a SOQL query');
    const lineEnding = (body.lineEnding ?? 'LF') as LineEnding;
    if (lineEnding !== 'LF' && lineEnding !== 'CRLF') throw invalidJob(`InvalidJob : lineEnding must be LF or CRLF, got ${String(lineEnding)}`);
    const columnDelimiter = String(body.columnDelimiter ?? 'COMMA');
    if (!(columnDelimiter in COLUMN_DELIMITERS)) throw invalidJob(`InvalidJob : columnDelimiter must be one of ${Object.keys(COLUMN_DELIMITERS).join(', ')}`);
    // Validates the SOQL now (malformed or unknown fields answer at creation, as Salesforce does).
    await this.query.query(body.query, { all: operation === 'queryAll', tooling: false, version, batchSize: 1 });
    if (this.limits.bulkQueryJobs.used() >= this.org.settings.dailyBulkQueryJobs) {
      throw new SfHttpError(400, [{ errorCode: 'LIMIT_EXCEEDED', message: `Max bulk v2 query jobs (${this.org.settings.dailyBulkQueryJobs}) per 24 hours reached` }]);
    }
    this.limits.bulkQueryJobs.add();
    const id = await this.store.newId(this.store.pool, '750');
    const now = sfDateTime(new Date());
    const info: QueryJobInfo = {
      id,
      operation,
      object: parseSoql(body.query).object,
      createdById: userId,
      createdDate: now,
      systemModstamp: now,
      state: 'UploadComplete',
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(version),
      lineEnding,
      columnDelimiter,
      jobType: 'V2Query',
      query: body.query,
      numberRecordsProcessed: 0,
      retries: 0,
      totalProcessingTime: 0,
    };
    await this.store.pool.query(`INSERT INTO ${this.store.t.jobs} (id, info) VALUES ($1, $2)`, [id, info]);
    this.schedule(id);
    return info;
  }

  async get(id: string): Promise<QueryJobInfo> {
    const res = await this.store.pool.query<{ info: QueryJobInfo }>(`SELECT info FROM ${this.store.t.jobs} WHERE id = $1 AND info->>'jobType' = 'V2Query'`, [canonicalId(id) ?? id]);
    if (!res.rows[0]) throw new SfHttpError(404, [{ errorCode: 'NOT_FOUND', message: `Job not found: ${id}` }]);
    return res.rows[0].info;
  }

  async list(): Promise<QueryJobInfo[]> {
    const res = await this.store.pool.query<{ info: QueryJobInfo }>(`SELECT info FROM ${this.store.t.jobs} WHERE info->>'jobType' = 'V2Query' ORDER BY created_at`);
    return res.rows.map((r) => r.info);
  }

  private async save(info: QueryJobInfo): Promise<void> {
    info.systemModstamp = sfDateTime(new Date());
    await this.store.pool.query(`UPDATE ${this.store.t.jobs} SET info = $2 WHERE id = $1`, [info.id, info]);
  }

  async abort(id: string, state: unknown): Promise<QueryJobInfo> {
    if (state !== 'Aborted') throw invalidJob(`InvalidJob : a query job can only be set to Aborted, got ${String(state)}`);
    const info = await this.get(id);
    if (info.state !== 'UploadComplete' && info.state !== 'InProgress') throw invalidJob(`InvalidJob : Found a job state of ${info.state}; a finished job cannot be aborted`, 409);
    info.state = 'Aborted';
    await this.save(info);
    return info;
  }

  async remove(id: string): Promise<void> {
    const info = await this.get(id);
    if (info.state === 'UploadComplete' || info.state === 'InProgress') throw invalidJob(`InvalidJob : Found a job state of ${info.state}; abort the job before deleting it`, 409);
    await this.store.pool.query(`DELETE FROM ${this.store.t.jobs} WHERE id = $1`, [info.id]);
    await this.store.pool.query(`DELETE FROM ${this.store.t.jobResults} WHERE job_id = $1`, [info.id]);
  }

  /** One page of the result CSV (header on every page) and the locator of the next, "null" on the last. */
  async results(id: string, locator: string | null, maxRecords: string | null): Promise<{ text: string; locator: string; count: number }> {
    const info = await this.get(id);
    if (info.state !== 'JobComplete') throw invalidJob(`InvalidJob : results are available once the job is JobComplete (it is ${info.state})`, 409);
    const res = await this.store.pool.query<{ body: string }>(`SELECT body FROM ${this.store.t.jobResults} WHERE job_id = $1 AND kind = 'query'`, [info.id]);
    const stored = JSON.parse(res.rows[0]?.body ?? '{"header":"","lines":[]}') as { header: string; lines: string[] };
    const start = locator ? Number(Buffer.from(locator, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(start) || start < 0 || start > stored.lines.length) throw SfErrors.badRequest(`invalid locator ${locator}`, 'INVALID_LOCATOR');
    const max = maxRecords ? Number(maxRecords) : stored.lines.length;
    if (!Number.isInteger(max) || max < 1) throw SfErrors.badRequest('maxRecords must be a whole number of at least 1', 'INVALID_INPUT');
    const page = stored.lines.slice(start, start + max);
    const next = start + page.length;
    const eol = info.lineEnding === 'CRLF' ? '\r\n' : '\n';
    return {
      text: [stored.header, ...page].join(eol) + eol,
      locator: next < stored.lines.length ? Buffer.from(String(next)).toString('base64url') : 'null',
      count: page.length,
    };
  }

  private schedule(id: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.advance(id).catch((err: unknown) => this.logger.error({ err, job: id }, 'salesforce sandbox: bulk query job failed'));
    }, this.org.settings.bulkProcessingDelayMs);
    this.timers.add(timer);
  }

  private async advance(id: string): Promise<void> {
    const info = await this.get(id).catch(() => null);
    if (!info) return;
    if (info.state === 'UploadComplete') {
      info.state = 'InProgress';
      await this.save(info);
      this.schedule(id);
      return;
    }
    if (info.state !== 'InProgress') return;
    const started = Date.now();
    const q = parseSoql(info.query);
    const d = COLUMN_DELIMITERS[info.columnDelimiter];
    const lines: string[] = [];
    try {
      let page = await this.query.query(info.query, { all: info.operation === 'queryAll', tooling: false, version: String(info.apiVersion.toFixed(1)) });
      for (;;) {
        for (const r of page.records) lines.push(q.fields.map((p) => quote(cell(r, p))).join(d));
        if (page.done || !page.nextRecordsUrl) break;
        page = await this.query.more(page.nextRecordsUrl.split('/').pop()!, info.apiVersion.toFixed(1));
      }
    } catch (err) {
      info.state = 'Failed';
      info.errorMessage = err instanceof SfHttpError ? err.message : 'InternalServerError : the query failed; see the sandbox log';
      await this.save(info);
      return;
    }
    const header = q.count ? quote('expr0') : q.fields.map((p) => quote(p.join('.'))).join(d);
    await this.store.pool.query(
      `INSERT INTO ${this.store.t.jobResults} (job_id, kind, body) VALUES ($1, 'query', $2) ON CONFLICT (job_id, kind) DO UPDATE SET body = EXCLUDED.body`,
      [info.id, JSON.stringify({ header, lines })],
    );
    const latest = await this.get(id);
    if (latest.state === 'Aborted') return;
    info.state = 'JobComplete';
    info.numberRecordsProcessed = lines.length;
    info.totalProcessingTime = Date.now() - started;
    await this.save(info);
  }
}
