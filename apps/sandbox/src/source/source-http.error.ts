/** An answer of a served source API or of the source admin endpoints: status, a short code and one sentence. */
export class SourceHttpError extends Error {
  override readonly name = 'SourceHttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const SourceErrors = {
  badRequest: (message: string) => new SourceHttpError(400, 'bad_request', message),
  unauthorized: (message: string) => new SourceHttpError(401, 'unauthorized', message),
  notFound: (message: string) => new SourceHttpError(404, 'not_found', message),
  methodNotAllowed: (method: string, path: string) => new SourceHttpError(405, 'method_not_allowed', `${method} is not served on ${path}; the source APIs are read-only (GET)`),
  conflict: (message: string) => new SourceHttpError(409, 'conflict', message),
  tooManyRequests: (retryAfterSeconds: number, limit: number) =>
    new SourceHttpError(429, 'rate_limited', `rate limit of ${limit} requests per second exceeded; retry after ${retryAfterSeconds} s`, {
      'Retry-After': String(retryAfterSeconds),
    }),
};
