import axios, { AxiosError, AxiosInstance, AxiosRequestConfig, AxiosResponse, isAxiosError, isCancel } from 'axios';
import axiosRetry from 'axios-retry';
import { BatchRequestEntry, ParsedBatchResponse, buildBatchRequest, parseBatchResponse } from './batch.codec';
import { DataverseError, isRetryableStatus, parseMaybeJson } from './dataverse.error';
import { KeyValues, UNADDRESSABLE_KEY_CHARS, formatKeySegment, isGuid, recordPath } from './odata-key';
import { Semaphore } from '@ferry/common';
import { ClientCredentialsTokenProvider } from './token.provider';

export interface DataverseLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DataverseClientOptions {
  /** Service root, e.g. http://127.0.0.1:8181/api/data/v9.2 */
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  /** Attempts after the first for 5xx failures other than 503; default 6. */
  maxRetries?: number;
  /**
   * How long a request answered 429 or 503, or not answered at all, keeps being retried (Retry-After honoured):
   * a throttling or maintenance storm of minutes is waited out, never turned into failures. Default 15 minutes
   * (FERRY_DESTINATION_OUTAGE_MS).
   */
  outageLimitMs?: number;
  /**
   * Most HTTP calls in flight at once from this client, default 16. Within it the client follows the server's
   * x-ms-dop-hint (the parallelism it suggests), starting at 4 until it has heard one.
   */
  maxConcurrency?: number;
  /** Per attempt; default 120 s. */
  timeoutMs?: number;
  /** Backoff when the server gives no Retry-After: base * 2^attempt, capped; defaults 1000 ms and 60 s. */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  logger?: DataverseLogger;
}

export interface UpsertItem {
  key: string;
  body: Record<string, unknown>;
}

export type UpsertResult =
  | { key: string; ok: true; id: string; created: boolean; record?: Record<string, unknown> }
  | { key: string; ok: false; status: number; code: string; message: string };

export interface UpsertManyOptions {
  /** Columns to return; the result then carries `record`. Default: the primary id only. */
  select?: string[];
  /** Primary id column (e.g. accountid); guessed from the entity set when absent. */
  primaryIdAttribute?: string;
  /** Requests per $batch, at most 1000 (the platform's limit); default 1000. */
  batchSize?: number;
}

/** One write of a writeEach call: `url` is relative to the service root, e.g. `accounts(<guid>)`. */
export interface WriteRequest {
  method: 'PATCH' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}

export type BulkMessage = 'CreateMultiple' | 'UpdateMultiple' | 'UpsertMultiple';

export type WriteOutcome = { ok: true; status: number } | { ok: false; status: number; code: string; message: string };

export interface ListOptions {
  select?: string[];
  filter?: string;
  orderBy?: string;
  /** Sent as Prefer: odata.maxpagesize; the platform allows up to 5000. */
  pageSize?: number;
  /** Also ask for the lookups' annotations (target table of each `_<lookup>_value`). */
  annotations?: boolean;
}

export interface ClientMetrics {
  requests: number;
  retries: number;
  throttled: number;
  tokenRefreshes: number;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

const MAX_BATCH = 1000;
/** Longest URL sent as a request line (Node servers refuse request heads over 16 KB); longer GETs go inside a $batch. */
const MAX_URL = 8000;

/** Plural entity sets whose singular is not the set name minus a simple suffix. */
const IRREGULAR_SETS: Record<string, string> = {
  opportunities: 'opportunity',
  activityparties: 'activityparty',
  businessunits: 'businessunit',
};

/** accounts → accountid, opportunities → opportunityid: the usual Dataverse naming, used when not told. */
export function guessPrimaryIdAttribute(entitySet: string): string {
  const set = entitySet.toLowerCase();
  if (IRREGULAR_SETS[set]) return `${IRREGULAR_SETS[set]}id`;
  if (set.endsWith('ies')) return `${set.slice(0, -3)}yid`;
  if (/(ss|x|ch|sh)es$/.test(set)) return `${set.slice(0, -2)}id`;
  if (set.endsWith('s')) return `${set.slice(0, -1)}id`;
  return `${set}id`;
}

function lowerHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers && typeof headers === 'object') {
    for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
      if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
    }
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers that say "not now" rather than "something is wrong": waited out however long they last (up to a limit). */
function isOutageStatus(status: number): boolean {
  return status === 0 || status === 429 || status === 503;
}

type StampedConfig = AxiosRequestConfig & { ferryFirstSentAt?: number; 'axios-retry'?: { retryCount?: number } };

/**
 * Dataverse Web API client for Ferry's loader and resolver: bearer tokens, retries that honour the platform's
 * service-protection answers, a concurrency cap, and batched alternate-key upserts with per-record outcomes.
 */
export class DataverseClient {
  readonly metrics: ClientMetrics = { requests: 0, retries: 0, throttled: 0, tokenRefreshes: 0 };
  private readonly http: AxiosInstance;
  private readonly tokens: ClientCredentialsTokenProvider;
  private readonly gate: Semaphore;
  private readonly serviceRoot: string;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly maxBackoffMs: number;
  private readonly outageLimitMs: number;
  private readonly maxConcurrency: number;
  private lastDopHint?: number;
  /** when the current run of throttled or failed answers began (null: the last answer was fine) */
  private stormSince: number | null = null;

  constructor(private readonly opts: DataverseClientOptions) {
    this.serviceRoot = opts.baseUrl.replace(/\/+$/, '');
    this.maxRetries = opts.maxRetries ?? 6;
    this.backoffBaseMs = opts.backoffBaseMs ?? 1000;
    this.maxBackoffMs = opts.maxBackoffMs ?? 60_000;
    this.outageLimitMs = opts.outageLimitMs ?? Number(process.env.FERRY_DESTINATION_OUTAGE_MS ?? 15 * 60_000);
    this.maxConcurrency = Math.max(1, opts.maxConcurrency ?? 16);
    this.gate = new Semaphore(Math.min(this.maxConcurrency, 4));
    this.tokens = new ClientCredentialsTokenProvider({
      tokenUrl: opts.tokenUrl,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      scope: opts.scope,
      timeoutMs: opts.timeoutMs,
      maxRetries: Math.min(this.maxRetries, 3),
    });
    this.http = axios.create({
      baseURL: `${this.serviceRoot}/`,
      timeout: opts.timeoutMs ?? 120_000,
      responseType: 'text',
      maxBodyLength: Infinity,
      maxContentLength: Infinity,
      headers: { Accept: 'application/json', 'OData-MaxVersion': '4.0', 'OData-Version': '4.0' },
    });
    this.http.interceptors.request.use(async (config) => {
      config.headers.set('Authorization', `Bearer ${await this.tokens.getToken()}`);
      (config as StampedConfig).ferryFirstSentAt ??= Date.now();
      this.metrics.requests++;
      return config;
    });
    this.http.interceptors.response.use((res) => {
      this.calm();
      return res;
    });
    axiosRetry(this.http, {
      retries: Number.MAX_SAFE_INTEGER,
      shouldResetTimeout: true,
      retryCondition: (e) => !isCancel(e) && this.shouldRetry(e.response?.status ?? 0, e.config as StampedConfig | undefined),
      retryDelay: (attempt, e) => this.retryDelayMs(attempt, e),
      onRetry: (attempt, e, config) => {
        this.metrics.retries++;
        if (e.response?.status === 429) {
          this.metrics.throttled++;
          this.refusedForConcurrency(e.response.data);
        }
        this.storm(e.response?.status ?? 0, e.code, config.url, attempt);
      },
    });
  }

  /**
   * 429 (service protection), 503 (unavailable) and no answer are waited out for outageLimitMs since the request
   * was first sent; other 5xx are retried maxRetries times.
   */
  private shouldRetry(status: number, config: StampedConfig | undefined): boolean {
    if (!isRetryableStatus(status)) return false;
    if (isOutageStatus(status)) return Date.now() - (config?.ferryFirstSentAt ?? Date.now()) < this.outageLimitMs;
    return (config?.['axios-retry']?.retryCount ?? 0) < this.maxRetries;
  }

  /** One warning when the destination starts refusing, one when it answers again: a storm is not a flood of lines. */
  private storm(status: number, code: string | undefined, url: string | undefined, attempt: number): void {
    if (this.stormSince === null) {
      this.stormSince = Date.now();
      this.opts.logger?.warn({ status, code, url, attempt }, `waiting for the destination (it answers ${status || code || 'nothing'}); retrying with backoff`);
    } else {
      this.opts.logger?.debug({ status, code, url, attempt }, 'dataverse request failed; retrying');
    }
  }

  private calm(): void {
    if (this.stormSince === null) return;
    const waited = Date.now() - this.stormSince;
    this.stormSince = null;
    this.opts.logger?.warn({ waitedMs: waited }, `the destination answers again after ${(waited / 1000).toFixed(1)} s`);
  }

  /** Parallelism the server last suggested through x-ms-dop-hint, if any. */
  get dopHint(): number | undefined {
    return this.lastDopHint;
  }

  /** Calls this client lets run at once now: the server's hint within maxConcurrency. */
  get concurrency(): number {
    return this.gate.capacity;
  }

  /** Refused for too many requests at once (0x80072326): one fewer in flight from now on. */
  private refusedForConcurrency(body: unknown): void {
    const code = (parseMaybeJson(body) as { error?: { code?: string } } | undefined)?.error?.code;
    if (code !== '0x80072326' || this.gate.capacity <= 1) return;
    this.gate.resize(this.gate.capacity - 1);
    this.opts.logger?.debug({ concurrency: this.gate.capacity }, 'the destination refused a request for concurrency; sending fewer at once');
  }

  private followDopHint(hint: number): void {
    if (!Number.isInteger(hint) || hint < 1 || hint === this.lastDopHint) return;
    this.lastDopHint = hint;
    const next = Math.min(this.maxConcurrency, hint);
    if (next !== this.gate.capacity) {
      this.opts.logger?.debug({ dopHint: hint, concurrency: next }, `the destination suggests ${hint} parallel requests; sending up to ${next}`);
      this.gate.resize(next);
    }
  }

  /** Base * 2^attempt capped, unless the server said how long to wait. */
  retryDelayMs(attempt: number, error?: AxiosError): number {
    const header = error?.response?.headers?.['retry-after'];
    const after = Number(header);
    if (header !== undefined && header !== '' && Number.isFinite(after) && after >= 0) return after * 1000;
    return Math.min(this.maxBackoffMs, this.backoffBaseMs * 2 ** attempt);
  }

  /** One Web API call (path relative to the service root, or absolute), with retries and a single re-authentication on 401. */
  async request<T = unknown>(config: AxiosRequestConfig): Promise<ApiResponse<T>> {
    return this.gate.run(async () => {
      const res = await this.sendWithAuth(config);
      this.followDopHint(Number(res.headers['x-ms-dop-hint']));
      return { status: res.status, headers: lowerHeaders(res.headers), data: parseMaybeJson(res.data) as T };
    });
  }

  private async sendWithAuth(config: AxiosRequestConfig): Promise<AxiosResponse> {
    try {
      return await this.http.request(config);
    } catch (err) {
      if (isAxiosError(err) && err.response?.status === 401) {
        const used = String(err.config?.headers?.Authorization ?? '').replace(/^Bearer /, '');
        this.tokens.invalidate(used);
        this.metrics.tokenRefreshes++;
        try {
          return await this.http.request(config);
        } catch (again) {
          throw DataverseError.fromAxios(again);
        }
      }
      throw DataverseError.fromAxios(err);
    }
  }

  /** Sends a $batch and returns its parts in order; a stopped batch (4xx envelope) is returned, not thrown. */
  async executeBatch(entries: BatchRequestEntry[], opts: { continueOnError?: boolean } = {}): Promise<ParsedBatchResponse[]> {
    const count = entries.reduce((n, e) => n + ('changeSet' in e ? e.changeSet.length : 1), 0);
    if (count > MAX_BATCH) throw new DataverseError(400, 'BatchTooLarge', `a batch holds at most ${MAX_BATCH} requests, got ${count}`, { retryable: false });
    const { contentType, body } = buildBatchRequest(entries);
    const headers: Record<string, string> = { 'Content-Type': contentType };
    if (opts.continueOnError) headers.Prefer = 'odata.continue-on-error';
    try {
      const res = await this.request<string>({ method: 'POST', url: '$batch', data: body, headers, transformResponse: (d) => d });
      return parseBatchResponse(res.headers['content-type'], String(res.data ?? ''));
    } catch (err) {
      const cause = err instanceof DataverseError ? err.cause : undefined;
      if (isAxiosError(cause) && cause.response && /^multipart\/mixed/i.test(String(cause.response.headers['content-type']))) {
        return parseBatchResponse(String(cause.response.headers['content-type']), String(cause.response.data ?? ''));
      }
      throw err;
    }
  }

  /**
   * Creates or updates records by one alternate-key column, one $batch per chunk (continue-on-error, no change
   * set), and reports each item: created (201) or updated (200) with the record's GUID, or the platform's error.
   */
  async upsertMany(entitySet: string, keyAttribute: string, items: UpsertItem[], opts: UpsertManyOptions = {}): Promise<UpsertResult[]> {
    const size = Math.min(MAX_BATCH, Math.max(1, opts.batchSize ?? MAX_BATCH));
    const chunks: UpsertItem[][] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
    const results = await Promise.all(chunks.map((chunk) => this.upsertChunk(entitySet, keyAttribute, chunk, opts)));
    return results.flat();
  }

  private async upsertChunk(entitySet: string, keyAttribute: string, items: UpsertItem[], opts: UpsertManyOptions): Promise<UpsertResult[]> {
    const primaryId = opts.primaryIdAttribute ?? guessPrimaryIdAttribute(entitySet);
    const select = opts.select?.length ? opts.select : [primaryId];
    const results: (UpsertResult | undefined)[] = items.map((item) =>
      UNADDRESSABLE_KEY_CHARS.test(item.key) || item.key === ''
        ? {
            key: item.key,
            ok: false,
            status: 400,
            code: 'UnaddressableKey',
            message: `key value '${item.key}' is empty or holds a character Dataverse cannot address in a URL (/ < > * % & : \\ ? +)`,
          }
        : undefined,
    );
    let pending = items.map((_, i) => i).filter((i) => results[i] === undefined);
    const started = Date.now();
    for (let attempt = 0; pending.length > 0; attempt++) {
      const parts = await this.executeBatch(
        pending.map((i) => ({
          method: 'PATCH',
          url: `${this.serviceRoot}/${entitySet}(${formatKeySegment({ [keyAttribute]: items[i].key })})?$select=${select.join(',')}`,
          headers: { 'Content-Type': 'application/json', Prefer: 'return=representation' },
          body: JSON.stringify(items[i].body),
        })),
        { continueOnError: true },
      );
      const retry: number[] = [];
      pending.forEach((index, n) => {
        const part = parts[n];
        const key = items[index].key;
        if (!part) {
          results[index] = { key, ok: false, status: 0, code: 'NoResponse', message: 'the batch response holds no part for this request' };
          return;
        }
        if (part.status >= 200 && part.status < 300) {
          results[index] = this.upsertSuccess(key, part, primaryId, !!opts.select?.length);
          return;
        }
        const error = DataverseError.fromBody(part.status, parseMaybeJson(part.body), part.headers);
        const again = isOutageStatus(part.status) ? Date.now() - started < this.outageLimitMs : attempt < this.maxRetries;
        if (error.retryable && again) retry.push(index);
        results[index] = { key, ok: false, status: part.status, code: error.code, message: error.message };
      });
      if (retry.length > 0) {
        const first = retry.map((i) => parts[pending.indexOf(i)]).find((p) => p?.headers['retry-after'] !== undefined);
        const after = Number(first?.headers['retry-after']);
        this.storm(parts[pending.indexOf(retry[0])]?.status ?? 0, undefined, entitySet, attempt);
        await sleep(Number.isFinite(after) && after >= 0 ? after * 1000 : this.retryDelayMs(attempt + 1));
      } else if (attempt > 0) {
        this.calm();
      }
      pending = retry;
    }
    return results as UpsertResult[];
  }

  private upsertSuccess(key: string, part: ParsedBatchResponse, primaryId: string, withRecord: boolean): UpsertResult {
    const body = parseMaybeJson(part.body) as Record<string, unknown> | undefined;
    let id = typeof body?.[primaryId] === 'string' ? (body[primaryId] as string) : undefined;
    if (!id && body) {
      const found = Object.entries(body).find(([k, v]) => !k.startsWith('_') && !k.includes('@') && typeof v === 'string' && isGuid(v));
      id = found?.[1] as string | undefined;
    }
    if (!id) {
      const m = /\(([0-9a-f-]{36})\)\s*$/i.exec(part.headers['odata-entityid'] ?? '');
      id = m?.[1];
    }
    const result: UpsertResult = { key, ok: true, id: id ?? '', created: part.status === 201 };
    if (withRecord && body) result.record = body;
    return result;
  }

  /**
   * One bulk message over a table (CreateMultiple, UpdateMultiple, UpsertMultiple): up to 1000 targets in a single
   * request, which service protection counts once. On a standard table it is all or nothing, so a failure throws.
   * Returns the created ids in target order for CreateMultiple, none otherwise.
   */
  async bulk(entitySet: string, message: BulkMessage, targets: Record<string, unknown>[]): Promise<string[]> {
    if (targets.length === 0) return [];
    if (targets.length > MAX_BATCH) throw new DataverseError(400, 'BatchTooLarge', `${message} takes at most ${MAX_BATCH} targets, got ${targets.length}`, { retryable: false });
    const res = await this.request<{ Ids?: string[] } | undefined>({
      method: 'POST',
      url: `${entitySet}/Microsoft.Dynamics.CRM.${message}`,
      data: JSON.stringify({ Targets: targets }),
      headers: { 'Content-Type': 'application/json' },
    });
    const ids = res.data?.Ids ?? [];
    if (message === 'CreateMultiple' && ids.length !== targets.length) {
      throw new DataverseError(res.status, 'BulkIdsMissing', `${entitySet}: CreateMultiple answered ${ids.length} ids for ${targets.length} targets`, { retryable: false });
    }
    return ids;
  }

  /**
   * Independent writes (PATCH, POST, DELETE by id) in $batch requests of at most `batchSize` (continue-on-error, no
   * change set), each part retried on its own when throttled or failing transiently; one outcome per request, in order.
   */
  async writeEach(requests: WriteRequest[], batchSize = MAX_BATCH): Promise<WriteOutcome[]> {
    const size = Math.min(MAX_BATCH, Math.max(1, batchSize));
    const out: WriteOutcome[] = [];
    for (let i = 0; i < requests.length; i += size) out.push(...(await this.writeChunk(requests.slice(i, i + size))));
    return out;
  }

  private async writeChunk(requests: WriteRequest[]): Promise<WriteOutcome[]> {
    const results: (WriteOutcome | undefined)[] = requests.map(() => undefined);
    let pending = requests.map((_, i) => i);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const parts = await this.executeBatch(
        pending.map((i) => {
          const r = requests[i];
          return {
            method: r.method,
            url: `${this.serviceRoot}/${r.url}`,
            headers: { ...(r.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(r.headers ?? {}) },
            ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
          };
        }),
        { continueOnError: true },
      );
      const retry: number[] = [];
      pending.forEach((index, n) => {
        const part = parts[n];
        if (!part) {
          results[index] = { ok: false, status: 0, code: 'NoResponse', message: 'the batch response holds no part for this request' };
          return;
        }
        if (part.status >= 200 && part.status < 300) {
          results[index] = { ok: true, status: part.status };
          return;
        }
        const error = DataverseError.fromBody(part.status, parseMaybeJson(part.body), part.headers);
        if (error.retryable && attempt < this.maxRetries) retry.push(index);
        results[index] = { ok: false, status: part.status, code: error.code, message: error.message };
      });
      if (retry.length > 0) await sleep(this.retryDelayMs(attempt + 1));
      pending = retry;
    }
    return results as WriteOutcome[];
  }

  /** Every record of a set, following @odata.nextLink page by page. */
  async *listAll(entitySet: string, opts: ListOptions = {}): AsyncGenerator<Record<string, unknown>> {
    let url: string | undefined = `${entitySet}${queryString({ $select: opts.select?.join(','), $filter: opts.filter, $orderby: opts.orderBy })}`;
    const headers = { Prefer: `odata.maxpagesize=${opts.pageSize ?? 5000}${opts.annotations ? ',odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' : ''}` };
    while (url) {
      const res: ApiResponse<{ value?: Record<string, unknown>[]; '@odata.nextLink'?: string }> =
        url.length > MAX_URL ? await this.getInBatch(url, headers) : await this.request({ method: 'GET', url, headers });
      for (const record of res.data?.value ?? []) yield record;
      url = res.data?.['@odata.nextLink'];
    }
  }

  /**
   * A GET whose URL is too long to send as one (a long key filter): sent as the only part of a $batch, where the
   * platform takes longer URLs; still one request.
   */
  private async getInBatch<T>(url: string, headers: Record<string, string>): Promise<ApiResponse<T>> {
    const [part] = await this.executeBatch([{ method: 'GET', url: /^https?:/i.test(url) ? url : `${this.serviceRoot}/${url}`, headers }]);
    if (!part) throw new DataverseError(0, 'NoResponse', 'the batch response holds no part for the GET', { retryable: true });
    if (part.status < 200 || part.status >= 300) throw DataverseError.fromBody(part.status, parseMaybeJson(part.body), part.headers);
    return { status: part.status, headers: part.headers, data: parseMaybeJson(part.body) as T };
  }

  /** One record by GUID or alternate-key values; null when it does not exist. */
  async get(entitySet: string, idOrKey: string | KeyValues, opts: { select?: string[] } = {}): Promise<Record<string, unknown> | null> {
    try {
      const res = await this.request<Record<string, unknown>>({
        method: 'GET',
        url: `${recordPath(entitySet, idOrKey)}${queryString({ $select: opts.select?.join(',') })}`,
      });
      return res.data;
    } catch (err) {
      if (err instanceof DataverseError && err.status === 404) return null;
      throw err;
    }
  }

  /** Deletes by GUID or alternate-key values; false when there was nothing to delete. */
  async delete(entitySet: string, idOrKey: string | KeyValues): Promise<boolean> {
    try {
      await this.request({ method: 'DELETE', url: recordPath(entitySet, idOrKey) });
      return true;
    } catch (err) {
      if (err instanceof DataverseError && err.status === 404) return false;
      throw err;
    }
  }

  /** Number of records matching the filter (the real platform caps @odata.count at 5000). */
  async count(entitySet: string, filter?: string): Promise<number> {
    const res = await this.request<{ '@odata.count'?: number }>({
      method: 'GET',
      url: `${entitySet}${queryString({ $count: 'true', $filter: filter })}`,
      headers: { Prefer: 'odata.maxpagesize=1' },
    });
    const n = res.data?.['@odata.count'];
    if (typeof n !== 'number') throw new DataverseError(res.status, 'NoCount', `${entitySet}: the response carries no @odata.count`, { retryable: false });
    return n;
  }
}

function queryString(params: Record<string, string | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v as string)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
