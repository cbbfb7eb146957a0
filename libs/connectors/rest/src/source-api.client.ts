import axios, { AxiosError, AxiosInstance, isAxiosError, isCancel } from 'axios';
import axiosRetry from 'axios-retry';
import type { SourceApiSpec } from '@ferry/connectors/core';
import { SourceApiError } from './source-api.error';

export interface RetryNotice {
  /** 1 for the first retry */
  attempt: number;
  /** 0 when there was no response */
  status: number;
  /** network error code, when there was no response */
  code?: string;
  /** how long the poller waits before trying again */
  waitMs: number;
  /** true when the wait is the server's Retry-After */
  retryAfter: boolean;
  url: string;
}

export interface SourceApiClientOptions {
  /** system and stream, for messages */
  system: string;
  stream: string;
  auth: SourceApiSpec['auth'];
  credential: string;
  /** retries after a 429, 5xx gateway/availability answer, reset connection or timeout; default 5 */
  maxRetries?: number;
  /** backoff when the server says nothing: base * 2^(attempt-1); default 500 ms */
  backoffBaseMs?: number;
  /** backoff cap, and the longest Retry-After honoured: a longer one ends the pass with SOURCE_API_THROTTLED; default 60 s */
  maxWaitMs?: number;
  /** per request; default 30 s */
  timeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (notice: RetryNotice) => void;
}

/** Answers worth another attempt; a refused connection or unknown host is not (the URL or the service is wrong). */
const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT']);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Retry-After in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** Thrown instead of a SourceApiError when the caller's signal stopped the request. */
export class PollAborted extends Error {
  constructor() {
    super('poll aborted');
    this.name = 'PollAborted';
  }
}

/** GETs JSON from a source API with its credential header, retries that honour Retry-After, and errors that say what to do. */
export class SourceApiClient {
  private readonly http: AxiosInstance;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly opts: SourceApiClientOptions) {
    this.maxRetries = opts.maxRetries ?? 5;
    this.backoffBaseMs = opts.backoffBaseMs ?? 500;
    this.maxWaitMs = opts.maxWaitMs ?? 60_000;
    const { header, scheme } = opts.auth;
    this.http = axios.create({
      timeout: opts.timeoutMs ?? 30_000,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      maxContentLength: Infinity,
      headers: { Accept: 'application/json', [header]: scheme ? `${scheme} ${opts.credential}` : opts.credential },
    });
    axiosRetry(this.http, {
      retries: this.maxRetries,
      shouldResetTimeout: true,
      retryCondition: (e) => this.shouldRetry(e),
      retryDelay: (attempt, e) => this.delayMs(attempt, e),
      onRetry: (attempt, e, config) => {
        const after = retryAfterMs(e.response?.headers?.['retry-after']);
        opts.onRetry?.({
          attempt,
          status: e.response?.status ?? 0,
          code: e.response ? undefined : e.code,
          waitMs: this.delayMs(attempt, e),
          retryAfter: after !== undefined,
          url: config.url ?? '',
        });
      },
    });
  }

  delayMs(attempt: number, error?: AxiosError): number {
    const after = retryAfterMs(error?.response?.headers?.['retry-after']);
    if (after !== undefined) return after;
    return Math.min(this.maxWaitMs, this.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  }

  private shouldRetry(e: AxiosError): boolean {
    if (isCancel(e) || this.opts.signal?.aborted) return false;
    if (e.response) {
      if (!RETRY_STATUSES.has(e.response.status)) return false;
      const after = retryAfterMs(e.response.headers?.['retry-after']);
      return after === undefined || after <= this.maxWaitMs;
    }
    return RETRY_CODES.has(e.code ?? '');
  }

  /** The parsed JSON body of a 2xx answer. */
  async getJson(url: string, params: Record<string, string>): Promise<unknown> {
    const full = withQuery(url, params);
    let text: string;
    try {
      const res = await this.http.get<string>(url, { params, signal: this.opts.signal });
      text = res.data;
    } catch (err) {
      if (isCancel(err) || this.opts.signal?.aborted) throw new PollAborted();
      throw this.describe(err, full);
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new SourceApiError(
        'SOURCE_API_BAD_RESPONSE',
        `${this.opts.system} API: GET ${full} answered with a body that is not JSON (${JSON.stringify(text.slice(0, 80))}); check the base URL points at the API`,
        full,
        200,
        this.opts.stream,
      );
    }
  }

  private describe(err: unknown, url: string): SourceApiError {
    const { system, stream, auth } = this.opts;
    if (!isAxiosError(err)) {
      return new SourceApiError('SOURCE_API_HTTP', `${system} API: GET ${url} failed: ${String(err)}`, url, undefined, stream);
    }
    const res = err.response;
    if (!res) {
      const code = err.code ?? 'no response';
      const what = UNREACHABLE_CODES.has(code) ? 'cannot reach' : 'got no answer from';
      return new SourceApiError(
        'SOURCE_API_UNREACHABLE',
        `${system} API: ${what} ${url} (${code}${err.message && !err.message.includes(code) ? `: ${err.message}` : ''}); check the base URL and that the service is running`,
        url,
        undefined,
        stream,
      );
    }
    const status = res.status;
    const said = serverMessage(res.data);
    const suffix = said ? `: ${said}` : '';
    if (status === 401 || status === 403) {
      return new SourceApiError(
        'SOURCE_API_AUTH',
        `${system} API refused the credential at GET ${url} (${status}${suffix}); check the ${system} API key Ferry was given (sent as ${auth.header}${auth.scheme ? ` ${auth.scheme} …` : ''}) and that it may read ${stream}`,
        url,
        status,
        stream,
      );
    }
    if (status === 429) {
      const after = retryAfterMs(res.headers?.['retry-after']);
      const why = after !== undefined && after > this.maxWaitMs
        ? `it asks to wait ${Math.ceil(after / 1000)} s, longer than the ${Math.round(this.maxWaitMs / 1000)} s this poller waits`
        : `still throttled after ${this.maxRetries} retries`;
      return new SourceApiError('SOURCE_API_THROTTLED', `${system} API throttles GET ${url} (429${suffix}): ${why}; poll again later or lower the poll rate`, url, status, stream);
    }
    if (status >= 500) {
      return new SourceApiError(
        'SOURCE_API_UNAVAILABLE',
        `${system} API failed GET ${url} with ${status}${suffix}${RETRY_STATUSES.has(status) ? ` after ${this.maxRetries} retries` : ''}; poll again later`,
        url,
        status,
        stream,
      );
    }
    return new SourceApiError('SOURCE_API_HTTP', `${system} API answered GET ${url} with ${status}${suffix}`, url, status, stream);
  }
}

function withQuery(url: string, params: Record<string, string>): string {
  const q = new URLSearchParams(params).toString();
  return q ? `${url}${url.includes('?') ? '&' : '?'}${q}` : url;
}

/** The error text of a JSON error body in the common shapes ({error:{message}}, {error:"…"}, {message}), else the start of the body. */
function serverMessage(data: unknown): string {
  if (typeof data !== 'string' || data.trim() === '') return '';
  try {
    const body = JSON.parse(data) as Record<string, unknown>;
    const e = body?.error;
    if (e && typeof e === 'object' && typeof (e as Record<string, unknown>).message === 'string') return (e as Record<string, string>).message;
    if (typeof e === 'string') return e;
    if (typeof body?.message === 'string') return body.message;
  } catch {
    /* not JSON: fall through */
  }
  return data.trim().slice(0, 200);
}
