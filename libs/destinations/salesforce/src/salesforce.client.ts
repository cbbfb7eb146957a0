import axios, { AxiosInstance, AxiosResponse, isAxiosError } from 'axios';
import { Semaphore, sleep } from '@ferry/common';
import { QuotaPacer, type OrgLimits } from './quota.pacer';
import { requestSession, type SalesforceCredentials, type SalesforceSession } from './salesforce.auth';
import { SalesforceError, recordErrors } from './salesforce.error';

export interface SalesforceLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface SalesforceClientOptions {
  credentials: SalesforceCredentials;
  /** REST API version, e.g. `62.0` (set explicitly; jsforce would default to 50.0) */
  apiVersion: string;
  pacer?: QuotaPacer;
  /** attempts after the first for a transient answer (429, 503, 403 REQUEST_LIMIT_EXCEEDED, UNABLE_TO_LOCK_ROW, no answer); default 6 */
  maxRetries?: number;
  /** backoff base and cap: a random wait in [0, min(cap, base · 2^attempt)] (full jitter); defaults 1000 ms and 60 s */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** per attempt; default 120 s */
  timeoutMs?: number;
  /** calls in flight at once; default 4 */
  maxConcurrency?: number;
  logger?: SalesforceLogger;
}

export interface SfRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** relative to the versioned REST root (`sobjects/Account/describe`), from the host (`/services/...`) or absolute */
  url: string;
  data?: unknown;
  headers?: Record<string, string>;
}

export interface SfResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  data: T;
}

export interface SfRequestOptions {
  /**
   * false: the caller already checked the quota for the whole operation (QuotaPacer.checkApi(n)), so this call is
   * not refused half-way through a write.
   */
  paced?: boolean;
  /** answers with these statuses come back as responses rather than errors (404 on a delete) */
  accept?: number[];
}

/**
 * One Salesforce org over plain HTTP (axios): a session (client credentials or JWT bearer, renewed once on 401
 * INVALID_SESSION_ID), retries for every method (jsforce retries neither POST/PATCH nor 403 REQUEST_LIMIT_EXCEEDED),
 * and every answer's Sforce-Limit-Info fed to the pacer. jsforce itself is not loaded: v3.10 pulls undici 8, which
 * needs Node 22.19 and fails at require time on Node 20 (see the README).
 */
export class SalesforceClient {
  readonly metrics = { requests: 0, retries: 0, throttled: 0, tokenRefreshes: 0 };
  readonly pacer: QuotaPacer | undefined;
  private readonly http: AxiosInstance;
  private readonly gate: Semaphore;
  private session: SalesforceSession | null = null;
  private pending: Promise<SalesforceSession> | null = null;
  private limitsRead = false;

  constructor(private readonly o: SalesforceClientOptions) {
    if (!/^\d{2}\.0$/.test(o.apiVersion)) throw new SalesforceError(0, 'BAD_VERSION', `SALESFORCE_API_VERSION must look like 62.0, not "${o.apiVersion}"`, { retryable: false });
    this.pacer = o.pacer;
    this.gate = new Semaphore(o.maxConcurrency ?? 4);
    this.http = axios.create({ timeout: o.timeoutMs ?? 120_000, responseType: 'text', transformResponse: (d) => d, maxBodyLength: Infinity, maxContentLength: Infinity, validateStatus: () => true });
  }

  get apiVersion(): string {
    return this.o.apiVersion;
  }

  /** The versioned REST root path, e.g. `/services/data/v62.0`. */
  get restRoot(): string {
    return `/services/data/v${this.o.apiVersion}`;
  }

  /** Signs in (once, shared by concurrent callers) and reads /limits so the pacer knows where the org stands. */
  async connect(): Promise<SalesforceSession> {
    const s = this.session ?? (await this.renew(null));
    if (!this.limitsRead && this.pacer) {
      this.limitsRead = true;
      try {
        await this.readLimits();
      } catch (e) {
        if (e instanceof SalesforceError && isDailyCap(e)) this.pacer?.checkApi(1);
        throw e;
      }
    }
    return s;
  }

  async readLimits(): Promise<OrgLimits> {
    const res = await this.request<OrgLimits>({ method: 'GET', url: 'limits' }, { paced: false });
    this.pacer?.observeLimits(res.data);
    return res.data;
  }

  /** The current session's access token (the SOAP calls carry it in their envelope). */
  async accessToken(): Promise<string> {
    return (await this.connect()).accessToken;
  }

  /** Throws (FerryError DESTINATION_QUOTA) when `calls` more requests would pass the configured share. */
  async checkQuota(calls: number): Promise<void> {
    await this.connect();
    if (this.pacer?.wantsRecheck()) await this.readLimits();
    this.pacer?.checkApi(calls);
  }

  private renew(stale: string | null): Promise<SalesforceSession> {
    if (this.session && stale !== null && this.session.accessToken !== stale) return Promise.resolve(this.session);
    this.pending ??= requestSession(this.o.credentials, this.o.timeoutMs)
      .then((s) => {
        if (this.session) this.metrics.tokenRefreshes++;
        this.session = s;
        return s;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** SOQL, following nextRecordsUrl (≤ 2000 records a page) to the end. */
  async query<T = Record<string, unknown>>(soql: string): Promise<T[]> {
    const out: T[] = [];
    let url: string | undefined = `query?q=${encodeURIComponent(soql)}`;
    while (url) {
      const page: SfResponse<{ records?: T[]; done?: boolean; nextRecordsUrl?: string }> = await this.request({ method: 'GET', url });
      out.push(...(page.data?.records ?? []).map((r) => stripAttributes(r)));
      url = page.data?.done === false ? page.data.nextRecordsUrl : undefined;
    }
    return out;
  }

  async describeGlobal(): Promise<{ sobjects: { name: string }[] }> {
    return (await this.request<{ sobjects: { name: string }[] }>({ method: 'GET', url: 'sobjects' })).data;
  }

  /** null when the org has no such object (404 NOT_FOUND) */
  async describe<T = unknown>(apiName: string): Promise<T | null> {
    const res = await this.request<T>({ method: 'GET', url: `sobjects/${apiName}/describe` }, { accept: [404] });
    return res.status === 404 ? null : res.data;
  }

  url(path: string, instanceUrl: string): string {
    if (/^https?:\/\//.test(path)) return path;
    if (path.startsWith('/services/')) return `${instanceUrl}${path}`;
    return `${instanceUrl}${this.restRoot}/${path.replace(/^\/+/, '')}`;
  }

  /**
   * One REST call with retries: transient answers are sent again with exponential backoff and full jitter
   * (Retry-After honoured on 429 and 503), a 401 renews the session once. Non-transient errors throw
   * SalesforceError with the platform's code; callers that expect a status list it in `accept`.
   */
  async request<T = unknown>(r: SfRequest, o: SfRequestOptions = {}): Promise<SfResponse<T>> {
    let session = o.paced === false ? (this.session ?? (await this.renew(null))) : await this.connect();
    if (o.paced !== false && this.pacer) {
      if (this.pacer.wantsRecheck()) await this.readLimits();
      this.pacer.checkApi(1);
    }
    const maxRetries = this.o.maxRetries ?? 6;
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      let res: AxiosResponse<string> | null = null;
      let failure: SalesforceError;
      try {
        this.metrics.requests++;
        res = await this.gate.run(() =>
          this.http.request<string>({
            method: r.method,
            url: this.url(r.url, session.instanceUrl),
            data: r.data === undefined ? undefined : typeof r.data === 'string' ? r.data : JSON.stringify(r.data),
            headers: { Authorization: `Bearer ${session.accessToken}`, Accept: 'application/json', ...(r.data !== undefined && typeof r.data !== 'string' ? { 'Content-Type': 'application/json' } : {}), ...r.headers },
          }),
        );
      } catch (e) {
        const code = isAxiosError(e) ? (e.code ?? 'NETWORK') : 'NETWORK';
        failure = new SalesforceError(0, code, `${r.method} ${r.url}: no answer (${(e as Error).message})`, { retryable: true, cause: e });
      }
      if (res) {
        const headers = lower(res.headers);
        this.pacer?.observeHeader(headers['sforce-limit-info']);
        const data = parse(res.data, headers['content-type']);
        if ((res.status < 300 && res.status >= 200) || o.accept?.includes(res.status)) return { status: res.status, headers, data: data as T };
        const e = recordErrors(data)[0];
        const code = e?.code ?? `HTTP_${res.status}`;
        if (res.status === 401 && !renewed) {
          renewed = true;
          session = await this.renew(session.accessToken);
          attempt--;
          continue;
        }
        const after = Number(headers['retry-after']);
        failure = new SalesforceError(res.status, code, `${r.method} ${shortUrl(r.url)}: ${e?.message ?? (typeof data === 'string' && data ? data.slice(0, 300) : `HTTP ${res.status}`)}`, {
          fields: e?.fields,
          ...(Number.isFinite(after) && after >= 0 && headers['retry-after'] !== undefined ? { retryAfterSeconds: after } : {}),
        });
        if (res.status === 429 || code === 'REQUEST_LIMIT_EXCEEDED') this.metrics.throttled++;
      }
      if (isDailyCap(failure!)) {
        // The org's rolling allocation is spent: waiting minutes will not help. A read stops the run with the
        // pacer's line (the answer's Sforce-Limit-Info was just read); a write's records come back transient.
        if (o.paced !== false) this.pacer?.checkApi(1);
        throw failure!;
      }
      if (!failure!.retryable || attempt >= maxRetries) throw failure!;
      this.metrics.retries++;
      const wait = this.backoffMs(attempt, failure!);
      this.o.logger?.debug({ status: failure!.status, code: failure!.code, attempt, wait }, 'salesforce call refused for now; retrying');
      await sleep(wait);
    }
  }

  /** Retry-After when the server gave it (429, 503); otherwise a random wait up to base · 2^attempt, capped. */
  backoffMs(attempt: number, e: Pick<SalesforceError, 'retryAfterSeconds'>): number {
    if (e.retryAfterSeconds !== undefined) return e.retryAfterSeconds * 1000;
    const cap = Math.min(this.o.maxBackoffMs ?? 60_000, (this.o.backoffBaseMs ?? 1000) * 2 ** attempt);
    return Math.round(Math.random() * cap);
  }
}

/** 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.": the daily allocation, not the concurrency cap. */
function isDailyCap(e: SalesforceError): boolean {
  return e.code === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(e.message);
}

function stripAttributes<T>(r: T): T {
  if (!r || typeof r !== 'object') return r;
  const { attributes: _a, ...rest } = r as Record<string, unknown>;
  return rest as T;
}

function lower(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((headers ?? {}) as Record<string, unknown>)) if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function parse(body: string | undefined, contentType: string | undefined): unknown {
  if (body === undefined || body === '') return undefined;
  if (contentType && !/json/i.test(contentType)) return body;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function shortUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
