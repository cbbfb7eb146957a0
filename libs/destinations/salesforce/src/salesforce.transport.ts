import { Duplex, PassThrough } from 'stream';
import { Transport } from 'jsforce/lib/transport';
import { StreamPromise } from 'jsforce/lib/util/promise';
import type { HttpRequest, HttpRequestOptions, HttpResponse } from 'jsforce/lib/types';
import { Semaphore, sleep } from '@ferry/common';
import type { QuotaPacer } from './quota.pacer';
import { SalesforceError, recordErrors } from './salesforce.error';

export interface SalesforceLogger {
  debug(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface CallMetrics {
  requests: number;
  retries: number;
  throttled: number;
  tokenRefreshes: number;
}

export interface RetryPolicy {
  /** attempts after the first for a transient answer; default 6 */
  maxRetries?: number;
  /** backoff base and cap: a random wait in [0, min(cap, base · 2^attempt)] (full jitter); defaults 1000 ms and 60 s */
  backoffBaseMs?: number;
  maxBackoffMs?: number;
  /** per attempt; default 120 s */
  timeoutMs?: number;
}

export interface FerryTransportOptions extends RetryPolicy {
  gate: Semaphore;
  metrics: CallMetrics;
  pacer?: QuotaPacer;
  logger?: SalesforceLogger;
}

/** jsforce's own fetch retries are switched off: Ferry's layer decides, counts and spaces every attempt. */
const NO_FETCH_RETRY: HttpRequestOptions['retry'] = { maxRetries: 0, methods: [] };

/**
 * The one way every jsforce call (REST, query paging, Tooling, Bulk 2.0, SOAP) reaches the org, set as the
 * Connection's transport. jsforce handles sessions (a 401 goes back to it and its refresh delegate signs in again),
 * URLs, bodies and parsing; this layer adds what jsforce does not do: retries of every method (jsforce's fetch
 * retries neither POST nor PATCH, nor 403 REQUEST_LIMIT_EXCEEDED, and ignores Retry-After) with full-jitter backoff,
 * the request semaphore, the call counters, and the Sforce-Limit-Info of every answer for the QuotaPacer (jsforce's
 * `conn.limitInfo` only sees calls made through `conn.request`, not Bulk 2.0 or SOAP).
 *
 * A final error answer is thrown as a SalesforceError carrying the status, the platform's errorCode, the fields and
 * Retry-After; jsforce passes it through unchanged (its own HttpApiError has no status).
 */
export class FerryTransport extends Transport {
  /** request objects that were answered 401 once: jsforce renewed the session; a second 401 is an error */
  private readonly unauthorized = new WeakSet<HttpRequest>();
  /** bodies jsforce streamed in (a Bulk upload), kept for a retry after a session renewal (jsforce resends the same request object) */
  private readonly streamedBodies = new WeakMap<HttpRequest, string>();

  constructor(private readonly o: FerryTransportOptions) {
    super();
  }

  override httpRequest(req: HttpRequest, options: HttpRequestOptions = {}): StreamPromise<HttpResponse> {
    return StreamPromise.create(() => {
      const input = new PassThrough();
      const output = new PassThrough();
      const promise = (async () => {
        const body = await this.bodyOf(req, input);
        const res = await this.send({ ...req, ...(body !== undefined ? { body } : {}) }, req, options);
        output.end(res.body);
        return res;
      })();
      promise.catch(() => output.end());
      return { stream: Duplex.from({ writable: input, readable: output }), promise };
    });
  }

  /** The request's body, read whole from the stream when jsforce pipes it in (Bulk 2.0 uploads) so it can be sent again. */
  private async bodyOf(req: HttpRequest, input: PassThrough): Promise<HttpRequest['body']> {
    if (req.body !== undefined || !/^(POST|PUT|PATCH)$/i.test(req.method)) return req.body;
    const kept = this.streamedBodies.get(req);
    if (kept !== undefined) return kept;
    const chunks: Buffer[] = [];
    for await (const c of input) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    const text = Buffer.concat(chunks).toString('utf8');
    this.streamedBodies.set(req, text);
    return text;
  }

  private async send(req: HttpRequest, original: HttpRequest, options: HttpRequestOptions): Promise<HttpResponse> {
    const maxRetries = this.o.maxRetries ?? 6;
    for (let attempt = 0; ; attempt++) {
      let failure: SalesforceError;
      let res: HttpResponse | null = null;
      try {
        this.o.metrics.requests++;
        res = await this.o.gate.run(() => super.httpRequest(req, { ...options, timeout: this.o.timeoutMs ?? 120_000, retry: NO_FETCH_RETRY }));
      } catch (e) {
        const code = (e as { code?: string }).code ?? (/timeout/i.test((e as Error).message) ? 'TIMEOUT' : 'NETWORK');
        failure = new SalesforceError(0, code, `${req.method} ${shortUrl(req.url)}: no answer (${(e as Error).message})`, { retryable: true, cause: e });
      }
      if (res) {
        this.o.pacer?.observeHeader(res.headers['sforce-limit-info']);
        if (res.statusCode < 400) return res;
        if (res.statusCode === 401 && !this.unauthorized.has(original)) {
          // jsforce's refresh delegate signs in again and sends the same request once more.
          this.unauthorized.add(original);
          return res;
        }
        if (res.statusCode === 500 && /INVALID_SESSION_ID/.test(res.body)) return res; // a SOAP fault: jsforce's SOAP layer renews the session
        failure = errorOf(req, res);
        if (res.statusCode === 429 || failure.code === 'REQUEST_LIMIT_EXCEEDED') this.o.metrics.throttled++;
      }
      // The org's rolling daily allocation is spent: waiting minutes will not help (the client turns it into the pacer's line).
      if (isDailyCap(failure!) || !failure!.retryable || attempt >= maxRetries) throw failure!;
      this.o.metrics.retries++;
      const wait = backoffMs(this.o, attempt, failure!);
      this.o.logger?.debug({ status: failure!.status, code: failure!.code, attempt, wait }, 'salesforce call refused for now; retrying');
      await sleep(wait);
    }
  }
}

/**
 * The token endpoint's transport: retries 429, 5xx and no answer a few times (jsforce's does not retry a POST), and
 * hands every final answer back to jsforce's OAuth2, which reads `error` / `error_description` itself.
 */
export class TokenTransport extends Transport {
  constructor(private readonly timeoutMs = 30_000) {
    super();
  }

  override httpRequest(req: HttpRequest, options: HttpRequestOptions = {}): StreamPromise<HttpResponse> {
    return StreamPromise.create(() => {
      const promise = (async () => {
        for (let attempt = 0; ; attempt++) {
          let res: HttpResponse | Error;
          try {
            res = await super.httpRequest(req, { ...options, timeout: this.timeoutMs, retry: NO_FETCH_RETRY });
          } catch (e) {
            res = e as Error;
          }
          const again = res instanceof Error || res.statusCode === 429 || res.statusCode >= 500;
          if (again && attempt < 3) {
            await sleep(500 * 2 ** attempt);
            continue;
          }
          if (res instanceof Error) {
            throw new SalesforceError(0, (res as { code?: string }).code ?? 'NETWORK', `token request to ${req.url} failed: ${res.message}`, { retryable: true, cause: res });
          }
          return res;
        }
      })();
      return { stream: new PassThrough(), promise };
    });
  }
}

/** Retry-After when the server gave it (429, 503); otherwise a random wait up to base · 2^attempt, capped. */
export function backoffMs(p: RetryPolicy, attempt: number, e: Pick<SalesforceError, 'retryAfterSeconds'>): number {
  if (e.retryAfterSeconds !== undefined) return e.retryAfterSeconds * 1000;
  const cap = Math.min(p.maxBackoffMs ?? 60_000, (p.backoffBaseMs ?? 1000) * 2 ** attempt);
  return Math.round(Math.random() * cap);
}

/** 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit exceeded.": the daily allocation, not the concurrency cap. */
export function isDailyCap(e: SalesforceError): boolean {
  return e.code === 'REQUEST_LIMIT_EXCEEDED' && /TotalRequests/i.test(e.message);
}

function errorOf(req: HttpRequest, res: HttpResponse): SalesforceError {
  const data = parse(res.body, res.headers['content-type']);
  const e = recordErrors(data)[0];
  const retryAfter = res.headers['retry-after'];
  const after = Number(retryAfter);
  const said = e?.message ?? (typeof data === 'string' && data ? data.slice(0, 300) : `HTTP ${res.statusCode}`);
  return new SalesforceError(res.statusCode, e?.code ?? `HTTP_${res.statusCode}`, `${req.method} ${shortUrl(req.url)}: ${said}`, {
    fields: e?.fields,
    ...(retryAfter !== undefined && Number.isFinite(after) && after >= 0 ? { retryAfterSeconds: after } : {}),
  });
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

/** `sobjects/Account/describe` from the absolute URL jsforce built: no host, no version root, no query. */
export function shortUrl(url: string): string {
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/^.*?\/services\/data\/v\d+\.\d\//, '');
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}
