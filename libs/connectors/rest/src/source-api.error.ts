import { FerryError, type Disposition } from '@ferry/common';

export type SourceApiErrorCode =
  /** 401/403: the credential is missing, wrong or lacks the scope */
  | 'SOURCE_API_AUTH'
  /** no answer at all: refused connection, unknown host, timeout */
  | 'SOURCE_API_UNREACHABLE'
  /** still 429 after every retry */
  | 'SOURCE_API_THROTTLED'
  /** still 5xx after every retry */
  | 'SOURCE_API_UNAVAILABLE'
  /** any other status the poller cannot act on (400, 404, …) */
  | 'SOURCE_API_HTTP'
  /** 2xx, but not the JSON the connector's API spec describes */
  | 'SOURCE_API_BAD_RESPONSE';

const DISPOSITION: Record<SourceApiErrorCode, Disposition> = {
  SOURCE_API_AUTH: 'fatal',
  SOURCE_API_UNREACHABLE: 'retry',
  SOURCE_API_THROTTLED: 'wait',
  SOURCE_API_UNAVAILABLE: 'retry',
  SOURCE_API_HTTP: 'fatal',
  SOURCE_API_BAD_RESPONSE: 'fatal',
};

/**
 * A source API call that failed for good: the message names the URL and what to do. The extractor catches it to
 * stop the one stream; `disposition` says whether trying again later can help.
 */
export class SourceApiError extends FerryError {
  constructor(
    code: SourceApiErrorCode,
    message: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly stream: string,
  ) {
    super(code, message, DISPOSITION[code], { url, status, stream });
    this.name = 'SourceApiError';
  }
}

export const isSourceApiError = (e: unknown): e is SourceApiError => e instanceof SourceApiError;
