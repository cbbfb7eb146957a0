import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { canonicalId } from './sf-ids';
import { SfHttpError, SfRecordError } from './sf-errors';
import { bulkError, COLUMN_DELIMITERS, CsvInputError, LineEnding, parseIngestCsv, ParsedCsv, resultCsv } from './sf-csv';
import { SfLimits } from './sf-limits.service';
import { SfMetadata } from './sf-metadata.service';
import { SfObjectDef } from './sf-objects';
import { SfOrg } from './sf-org';
import { SfRecords } from './sf-records.service';
import { SfStore } from './sf-store';
import { sfDateTime } from './sf-values';
import { Body, MultipleMatches, SfWriter } from './sf-writer';

export const OPERATIONS = ['insert', 'update', 'upsert', 'delete', 'hardDelete'] as const;
export type Operation = (typeof OPERATIONS)[number];
export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';

export interface JobInfo {
  id: string;
  operation: Operation;
  object: string;
  createdById: string;
  createdDate: string;
  systemModstamp: string;
  state: JobState;
  externalIdFieldName?: string;
  concurrencyMode: 'Parallel';
  contentType: 'CSV';
  apiVersion: number;
  contentUrl: string;
  lineEnding: LineEnding;
  columnDelimiter: string;
  jobType: 'V2Ingest';
  numberRecordsProcessed: number;
  numberRecordsFailed: number;
  retries: number;
  totalProcessingTime: number;
  apiActiveProcessingTime: number;
  apexProcessingTime: number;
  errorMessage?: string;
}

function invalidJob(message: string, status = 400): SfHttpError {
  return new SfHttpError(status, [{ errorCode: 'INVALIDJOB', message }]);
}

const BASE_FIELDS: (keyof JobInfo)[] = ['id', 'operation', 'object', 'createdById', 'createdDate', 'systemModstamp', 'state', 'externalIdFieldName', 'concurrencyMode', 'contentType', 'apiVersion', 'contentUrl', 'lineEnding', 'columnDelimiter'];

/** What create/PATCH answer (no counters); GET answers the whole info. */
export function jobSummary(info: JobInfo): Partial<JobInfo> {
  return Object.fromEntries(BASE_FIELDS.filter((k) => info[k] !== undefined).map((k) => [k, info[k]]));
}

/**
 * Bulk API 2.0 ingest: jobs, uploads, and the processing that runs after UploadComplete with the configured delay,
 * in internal batches (each one transaction, one savepoint per row), into result CSVs kept in the database.
 */
@Injectable()
export class SfBulkService implements OnModuleInit, OnModuleDestroy {
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly store: SfStore,
    private readonly meta: SfMetadata,
    private readonly org: SfOrg,
    private readonly limits: SfLimits,
    private readonly records: SfRecords,
    private readonly writer: SfWriter,
  ) {}

  async onModuleInit(): Promise<void> {
    // Jobs closed before a restart carry on.
    await this.store.ensureTables();
    const res = await this.store.pool.query<{ info: JobInfo }>(`SELECT info FROM ${this.store.t.jobs} WHERE info->>'jobType' = 'V2Ingest' AND info->>'state' IN ('UploadComplete', 'InProgress')`);
    for (const r of res.rows) this.schedule(r.info.id, 0);
  }

  onModuleDestroy(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  reset(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  async create(body: Record<string, unknown>, userId: string, version: string): Promise<JobInfo> {
    const operation = body.operation as Operation;
    if (!OPERATIONS.includes(operation)) throw invalidJob(`InvalidJob : Invalid operation: ${String(body.operation)}; use one of ${OPERATIONS.join(', ')}`);
    const def = typeof body.object === 'string' ? this.meta.object(body.object) : undefined;
    if (!def) throw invalidJob(`InvalidJob : Unable to find object: ${String(body.object)}`);
    const contentType = body.contentType ?? 'CSV';
    if (contentType !== 'CSV') throw invalidJob(`InvalidJob : contentType ${String(contentType)} is not supported; use CSV`);
    const lineEnding = (body.lineEnding ?? 'LF') as LineEnding;
    if (lineEnding !== 'LF' && lineEnding !== 'CRLF') throw invalidJob(`InvalidJob : lineEnding must be LF or CRLF, got ${String(lineEnding)}`);
    const columnDelimiter = String(body.columnDelimiter ?? 'COMMA');
    if (!(columnDelimiter in COLUMN_DELIMITERS)) throw invalidJob(`InvalidJob : columnDelimiter must be one of ${Object.keys(COLUMN_DELIMITERS).join(', ')}`);
    let externalIdFieldName: string | undefined;
    if (operation === 'upsert') {
      if (typeof body.externalIdFieldName !== 'string' || !body.externalIdFieldName) throw invalidJob('InvalidJob : External ID was blank for ' + def.name + '. An External ID must be specified for upsert.');
      const f = this.writer.upsertField(def, body.externalIdFieldName);
      if (!f) throw invalidJob(`InvalidJob : Field name provided, ${body.externalIdFieldName} does not match an External ID, Salesforce Id, or indexed field for ${def.name}`);
      externalIdFieldName = f.name;
    }
    const id = await this.store.newId(this.store.pool, '750');
    const now = sfDateTime(new Date());
    const info: JobInfo = {
      id,
      operation,
      object: def.name,
      createdById: userId,
      createdDate: now,
      systemModstamp: now,
      state: 'Open',
      externalIdFieldName,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: Number(version),
      contentUrl: `services/data/v${version}/jobs/ingest/${id}/batches`,
      lineEnding,
      columnDelimiter,
      jobType: 'V2Ingest',
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      retries: 0,
      totalProcessingTime: 0,
      apiActiveProcessingTime: 0,
      apexProcessingTime: 0,
    };
    await this.store.pool.query(`INSERT INTO ${this.store.t.jobs} (id, info) VALUES ($1, $2)`, [id, info]);
    return info;
  }

  async get(id: string): Promise<JobInfo> {
    const res = await this.store.pool.query<{ info: JobInfo }>(`SELECT info FROM ${this.store.t.jobs} WHERE id = $1 AND info->>'jobType' = 'V2Ingest'`, [canonicalId(id) ?? id]);
    if (!res.rows[0]) throw new SfHttpError(404, [{ errorCode: 'NOT_FOUND', message: `Job not found: ${id}` }]);
    return res.rows[0].info;
  }

  async list(): Promise<JobInfo[]> {
    const res = await this.store.pool.query<{ info: JobInfo }>(`SELECT info FROM ${this.store.t.jobs} WHERE info->>'jobType' = 'V2Ingest' ORDER BY created_at`);
    return res.rows.map((r) => r.info);
  }

  private async save(info: JobInfo): Promise<void> {
    info.systemModstamp = sfDateTime(new Date());
    await this.store.pool.query(`UPDATE ${this.store.t.jobs} SET info = $2 WHERE id = $1`, [info.id, info]);
  }

  async upload(id: string, contentType: string | undefined, body: string): Promise<void> {
    const info = await this.get(id);
    if (info.state !== 'Open') throw invalidJob(`InvalidJob : Found a job state of ${info.state}; data may be uploaded only while the job is Open`, 409);
    if (!/^text\/csv\b/i.test(contentType ?? '')) throw new SfHttpError(400, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : Content-Type must be text/csv, got ${contentType ?? 'none'}` }]);
    const bytes = Buffer.byteLength(body, 'utf8');
    const max = this.org.settings.bulkUploadMaxBytes;
    if (bytes > max) throw new SfHttpError(413, [{ errorCode: 'INVALIDJOB', message: `InvalidJob : the upload holds ${bytes} bytes; one upload may hold at most ${max}. Split the data into several jobs.` }]);
    await this.store.pool.query(`INSERT INTO ${this.store.t.jobData} (job_id, body) VALUES ($1, $2)`, [info.id, body]);
  }

  async setState(id: string, state: unknown): Promise<JobInfo> {
    const info = await this.get(id);
    if (state === 'UploadComplete') {
      if (info.state !== 'Open') throw invalidJob(`InvalidJob : Found a job state of ${info.state}; only an Open job can be closed`, 409);
      info.state = 'UploadComplete';
      await this.save(info);
      this.schedule(info.id, this.org.settings.bulkProcessingDelayMs);
      return info;
    }
    if (state === 'Aborted') {
      if (!['Open', 'UploadComplete', 'InProgress'].includes(info.state)) throw invalidJob(`InvalidJob : Found a job state of ${info.state}; a finished job cannot be aborted`, 409);
      info.state = 'Aborted';
      await this.save(info);
      return info;
    }
    throw invalidJob(`InvalidJob : state must be UploadComplete or Aborted, got ${String(state)}`);
  }

  async remove(id: string): Promise<void> {
    const info = await this.get(id);
    if (!['JobComplete', 'Failed', 'Aborted', 'Open'].includes(info.state)) throw invalidJob(`InvalidJob : Found a job state of ${info.state}; delete a job once it is finished or aborted`, 409);
    const t = this.store.t;
    await this.store.pool.query(`DELETE FROM ${t.jobs} WHERE id = $1`, [info.id]);
    await this.store.pool.query(`DELETE FROM ${t.jobData} WHERE job_id = $1`, [info.id]);
    await this.store.pool.query(`DELETE FROM ${t.jobResults} WHERE job_id = $1`, [info.id]);
  }

  async result(id: string, kind: 'successfulResults' | 'failedResults' | 'unprocessedrecords'): Promise<string> {
    const info = await this.get(id);
    const res = await this.store.pool.query<{ body: string }>(`SELECT body FROM ${this.store.t.jobResults} WHERE job_id = $1 AND kind = $2`, [info.id, kind]);
    if (res.rows[0]) return res.rows[0].body;
    if (kind === 'unprocessedrecords' && ['Open', 'Aborted', 'Failed'].includes(info.state)) return this.unprocessedUpload(info);
    if (!['JobComplete', 'Failed', 'Aborted'].includes(info.state)) {
      throw invalidJob(`InvalidJob : No result is available for job ${info.id} in state ${info.state}; poll the job until JobComplete`, 409);
    }
    return '';
  }

  /** Everything uploaded, as rows never processed (an aborted job before processing). */
  private async unprocessedUpload(info: JobInfo): Promise<string> {
    const uploads = await this.uploads(info);
    if (!uploads.length) return '';
    const o = { delimiter: COLUMN_DELIMITERS[info.columnDelimiter], lineEnding: info.lineEnding };
    return resultCsv([], uploads[0].headerLine, uploads.flatMap((u) => u.rows.map((values) => ({ prefix: [], values }))), o);
  }

  private async uploads(info: JobInfo): Promise<ParsedCsv[]> {
    const res = await this.store.pool.query<{ body: string }>(`SELECT body FROM ${this.store.t.jobData} WHERE job_id = $1 ORDER BY seq`, [info.id]);
    return res.rows.map((r) => parseIngestCsv(r.body, info.columnDelimiter, info.lineEnding));
  }

  private schedule(id: string, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.advance(id).catch((err: unknown) => this.logger.error({ err, job: id }, 'salesforce sandbox: bulk job processing failed'));
    }, delayMs);
    this.timers.add(timer);
  }

  /** UploadComplete → InProgress (after the delay) → processed (after the delay again). */
  private async advance(id: string): Promise<void> {
    let info: JobInfo;
    try {
      info = await this.get(id);
    } catch {
      return;
    }
    if (info.state === 'UploadComplete') {
      info.state = 'InProgress';
      await this.save(info);
      this.schedule(id, this.org.settings.bulkProcessingDelayMs);
      return;
    }
    if (info.state === 'InProgress') await this.process(info);
  }

  private async fail(info: JobInfo, message: string, unprocessed = ''): Promise<void> {
    info.state = 'Failed';
    info.errorMessage = message;
    await this.save(info);
    if (unprocessed) await this.putResult(info.id, 'unprocessedrecords', unprocessed);
  }

  private async putResult(id: string, kind: string, body: string): Promise<void> {
    await this.store.pool.query(
      `INSERT INTO ${this.store.t.jobResults} (job_id, kind, body) VALUES ($1, $2, $3) ON CONFLICT (job_id, kind) DO UPDATE SET body = EXCLUDED.body`,
      [id, kind, body],
    );
  }

  private async process(info: JobInfo): Promise<void> {
    const started = Date.now();
    const def = this.meta.object(info.object)!;
    let uploads: ParsedCsv[];
    try {
      uploads = await this.uploads(info);
    } catch (err) {
      if (err instanceof CsvInputError) return this.fail(info, err.message);
      throw err;
    }
    if (uploads.length === 0) return this.fail(info, 'InvalidBatch : the job was closed without any uploaded data');
    const headerLine = uploads[0].headerLine;
    const header = uploads[0].header;
    if (uploads.some((u) => u.header.join('\u0000') !== header.join('\u0000'))) return this.fail(info, 'InvalidBatch : every upload of a job must carry the same header');
    const rows = uploads.flatMap((u) => u.rows);
    const o = { delimiter: COLUMN_DELIMITERS[info.columnDelimiter], lineEnding: info.lineEnding };
    const everything = resultCsv([], headerLine, rows.map((values) => ({ prefix: [], values })), o);
    const headerProblem = this.checkHeader(def, header, info);
    if (headerProblem) return this.fail(info, headerProblem, everything);
    const s = this.org.settings;
    const used = this.limits.bulkRecords.used();
    if (used + rows.length > s.dailyBulkRecords) {
      return this.fail(info, `ExceededQuota : processing ${rows.length} records would exceed the ${s.dailyBulkRecords} Bulk API records allowed per 24 hours (${used} used)`, everything);
    }
    const batchSize = s.bulkInternalBatchSize;
    const batches = Math.ceil(rows.length / batchSize);
    if (this.limits.bulkBatches.used() + batches > s.dailyBulkBatches) {
      return this.fail(info, `ExceededQuota : ${batches} internal batches would exceed the ${s.dailyBulkBatches} batches allowed per 24 hours`, everything);
    }
    const successes: { prefix: string[]; values: string[] }[] = [];
    const failures: { prefix: string[]; values: string[] }[] = [];
    const unprocessed: { prefix: string[]; values: string[] }[] = [];
    let failJob: string | undefined;
    for (let b = 0; b < batches; b++) {
      const slice = rows.slice(b * batchSize, (b + 1) * batchSize);
      const current = await this.get(info.id);
      const fault = this.limits.takeBulkBatchFault(def.name);
      if (current.state === 'Aborted' || fault || failJob) {
        unprocessed.push(...slice.map((values) => ({ prefix: [], values })));
        if (fault?.failJob && !failJob) failJob = `InternalServerError : internal batch ${b + 1} of ${batches} (rows ${b * batchSize + 1}–${b * batchSize + slice.length}) failed after ${fault.retries ?? 10} retries`;
        if (current.state === 'Aborted') info.state = 'Aborted';
        continue;
      }
      this.limits.bulkBatches.add();
      this.limits.bulkRecords.add(slice.length);
      const outcomes = await this.records.many(info.createdById, slice, false, async (ctx, values) => this.row(ctx, def, info, header, values));
      outcomes.forEach((out, i) => {
        if (out.ok) successes.push({ prefix: [out.value.id, out.value.created ? 'true' : 'false'], values: slice[i] });
        else {
          const e = out.error;
          failures.push({ prefix: [idOfFailedRow(info, header, slice[i]), bulkError(e.code, e.message, e.fields)], values: slice[i] });
        }
      });
    }
    await this.putResult(info.id, 'successfulResults', resultCsv(['sf__Id', 'sf__Created'], headerLine, successes, o));
    await this.putResult(info.id, 'failedResults', resultCsv(['sf__Id', 'sf__Error'], headerLine, failures, o));
    await this.putResult(info.id, 'unprocessedrecords', resultCsv([], headerLine, unprocessed, o));
    const latest = await this.get(info.id);
    info.numberRecordsProcessed = successes.length + failures.length;
    info.numberRecordsFailed = failures.length;
    info.totalProcessingTime = Date.now() - started;
    info.apiActiveProcessingTime = info.totalProcessingTime;
    if (latest.state === 'Aborted' || info.state === 'Aborted') info.state = 'Aborted';
    else if (failJob) {
      info.state = 'Failed';
      info.errorMessage = failJob;
    } else info.state = 'JobComplete';
    await this.save(info);
    this.logger.debug({ job: info.id, object: info.object, operation: info.operation, ok: successes.length, failed: failures.length, unprocessed: unprocessed.length }, 'salesforce sandbox: bulk job done');
  }

  private checkHeader(def: SfObjectDef, header: string[], info: JobInfo): string | undefined {
    for (const col of header) {
      const rel = /^(?:([A-Za-z0-9_]+):)?([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(col);
      if (rel) {
        const field = this.meta.fields(def).find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === rel[2].toLowerCase());
        if (!field) return `InvalidBatch : Field name not found : ${col}`;
        continue;
      }
      if (!this.meta.field(def, col)) return `InvalidBatch : Field name not found : ${col}`;
    }
    if ((info.operation === 'update' || info.operation === 'delete' || info.operation === 'hardDelete') && !header.some((h) => h.toLowerCase() === 'id')) {
      return `InvalidBatch : Field name not found : Id (an ${info.operation} job needs an Id column)`;
    }
    if (info.operation === 'upsert' && !header.some((h) => h.toLowerCase() === info.externalIdFieldName!.toLowerCase())) {
      return `InvalidBatch : the upsert key column ${info.externalIdFieldName!} is missing from the header`;
    }
    return undefined;
  }

  /** One CSV row: an empty value is left alone, #N/A clears, `Rel.ExtField` names a parent by external ID. */
  private async row(ctx: Parameters<SfWriter['create']>[0], def: SfObjectDef, info: JobInfo, header: string[], values: string[]): Promise<{ id: string; created: boolean }> {
    const body: Body = {};
    let id: string | undefined;
    const max = this.org.settings.bulkMaxFieldChars;
    const long = header.find((_, i) => (values[i] ?? '').length > max);
    if (long) throw new SfRecordError('STRING_TOO_LONG', `a Bulk API field value may hold at most ${max} characters`, [long]);
    header.forEach((col, i) => {
      const v = values[i] ?? '';
      if (col.toLowerCase() === 'id') {
        id = v;
        return;
      }
      if (v === '') return;
      const rel = /^(?:([A-Za-z0-9_]+):)?([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(col);
      if (rel) {
        if (v === '#N/A') {
          const field = this.meta.fields(def).find((f) => f.relationshipName?.toLowerCase() === rel[2].toLowerCase())!;
          body[field.name] = null;
        } else body[rel[2]] = rel[1] ? { attributes: { type: rel[1] }, [rel[3]]: v } : { [rel[3]]: v };
        return;
      }
      body[col] = v === '#N/A' ? null : v;
    });
    switch (info.operation) {
      case 'insert':
        return { id: await this.writer.create(ctx, def, body), created: true };
      case 'update':
        if (!id) throw new SfRecordError('MISSING_ARGUMENT', 'Id not specified in an update call', ['Id']);
        return { id: await this.writer.update(ctx, def, id, body), created: false };
      case 'upsert': {
        const key = info.externalIdFieldName!;
        const column = Object.keys(body).find((k) => k.toLowerCase() === key.toLowerCase());
        const value = key === 'Id' ? id : column ? String(body[column]) : undefined;
        if (!value) throw new SfRecordError('MISSING_ARGUMENT', `${key} not specified`, [key]);
        try {
          return await this.writer.upsert(ctx, def, key, value, body);
        } catch (err) {
          if (err instanceof MultipleMatches) throw new SfRecordError('DUPLICATE_EXTERNAL_ID', err.message, []);
          throw err;
        }
      }
      case 'delete':
      case 'hardDelete':
        if (!id) throw new SfRecordError('MISSING_ARGUMENT', 'Id not specified in a delete call', ['Id']);
        return { id: await this.writer.remove(ctx, id, info.operation === 'hardDelete', def), created: false };
    }
  }
}

function idOfFailedRow(info: JobInfo, header: string[], values: string[]): string {
  if (info.operation === 'insert' || info.operation === 'upsert') return '';
  const i = header.findIndex((h) => h.toLowerCase() === 'id');
  return i >= 0 ? (canonicalId(values[i]) ?? '') : '';
}
