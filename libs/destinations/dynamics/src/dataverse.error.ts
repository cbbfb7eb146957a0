import { AxiosError, isAxiosError, isCancel } from 'axios';

/** Statuses worth another attempt: throttling, server-side failures, and no response at all (status 0). */
export function isRetryableStatus(status: number): boolean {
  return status === 0 || status === 429 || (status >= 500 && status <= 599);
}

/** A failed Dataverse or token-endpoint call, with the platform's error code when the server sent one. */
export class DataverseError extends Error {
  override readonly name = 'DataverseError';
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    opts: { retryable?: boolean; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.retryable = opts.retryable ?? isRetryableStatus(status);
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  readonly retryAfterSeconds?: number;

  /** Builds an error from a status and a body in either Dataverse's or Entra ID's error shape. */
  static fromBody(status: number, body: unknown, headers: Record<string, unknown> = {}): DataverseError {
    const { code, message } = describeBody(status, body);
    const retryAfter = Number(headers['retry-after']);
    return new DataverseError(status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {});
  }

  static fromAxios(err: unknown): DataverseError {
    if (err instanceof DataverseError) return err;
    if (isCancel(err)) return new DataverseError(0, 'Cancelled', 'request cancelled', { retryable: false, cause: err });
    if (isAxiosError(err)) {
      const e = err as AxiosError;
      if (e.response) {
        const body = parseMaybeJson(e.response.data);
        const d = DataverseError.fromBody(e.response.status, body, e.response.headers as Record<string, unknown>);
        return new DataverseError(d.status, d.code, `${e.config?.method?.toUpperCase() ?? ''} ${shortUrl(e.config?.url)}: ${d.message}`.trim(), {
          retryAfterSeconds: d.retryAfterSeconds,
          cause: err,
        });
      }
      return new DataverseError(0, e.code ?? 'NetworkError', `${shortUrl(e.config?.url)}: ${e.message}`, { retryable: true, cause: err });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new DataverseError(0, 'Unknown', message, { retryable: false, cause: err });
  }
}

export function parseMaybeJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  if (data.trim() === '') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function describeBody(status: number, body: unknown): { code: string; message: string } {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const error = b.error;
    if (error && typeof error === 'object') {
      const e = error as Record<string, unknown>;
      return { code: String(e.code ?? status), message: String(e.message ?? `HTTP ${status}`) };
    }
    if (typeof error === 'string') {
      const description = typeof b.error_description === 'string' ? b.error_description.split(/\r?\n/)[0] : error;
      return { code: error, message: description };
    }
  }
  if (typeof body === 'string' && body.trim() !== '') return { code: String(status), message: body.slice(0, 500) };
  return { code: String(status), message: `HTTP ${status}` };
}

function shortUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
