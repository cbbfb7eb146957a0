import { All, Controller, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { MAX_VERSION, MIN_VERSION, SfApiService, SfResponse, versionList } from './sf-api.service';
import { OAuthError, SfAuthService } from './sf-auth.service';
import { SfErrors, SfHttpError } from './sf-errors';
import { SfExceptionFilter } from './sf-exception.filter';
import { SfLimits } from './sf-limits.service';
import { SfOrg } from './sf-org';
import { SfSeed } from './sf-seed.service';

/**
 * The Salesforce org under /salesforce: the OAuth token endpoint, then for every REST call the bearer token, the
 * injected faults, the daily API allocation, and the resource itself. Every answer carries Sforce-Limit-Info.
 *
 * The same routes answer without the prefix too (/services/...): jsforce's Bulk 2.0 client resolves its paths with
 * `new URL('/services/…', instanceUrl)`, which keeps only the instance URL's origin. Nothing else in the sandbox
 * lives under /services.
 */
@Controller({ path: ['salesforce', ''] })
@UseFilters(SfExceptionFilter)
export class SfApiController {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly api: SfApiService,
    private readonly auth: SfAuthService,
    private readonly limits: SfLimits,
    private readonly seed: SfSeed,
    private readonly org: SfOrg,
  ) {}

  private loginUrl(req: Request): string {
    const origin = this.options.publicUrl ?? `${req.protocol}://${req.get('host') ?? `${this.options.host}:${this.options.port}`}`;
    return `${origin}/salesforce`;
  }

  @Post('services/oauth2/token')
  @HttpCode(200)
  async token(@Req() req: Request, @Res() res: Response): Promise<void> {
    const form = new URLSearchParams(typeof req.body === 'string' ? req.body : '');
    res.setHeader('Cache-Control', 'no-cache,must-revalidate,max-age=0,no-store,private');
    try {
      const out = await this.auth.token(form, this.loginUrl(req), this.seed);
      this.limits.countRequest('auth');
      res.status(200).json(out);
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      this.limits.countRequest('auth', err.status);
      res.status(err.status).json({ error: err.error, error_description: err.description });
    }
  }

  @All('services/data')
  versions(@Res() res: Response): void {
    res.setHeader('Sforce-Limit-Info', this.limits.header());
    res.status(200).json(versionList());
  }

  @All('services/data/*path')
  async handle(@Req() req: Request, @Res() res: Response): Promise<void> {
    const started = Date.now();
    const url = new URL(req.originalUrl, 'http://sandbox');
    const below = url.pathname.replace(/^(\/salesforce)?\/services\/data\/?/, '');
    const [versionPart, ...rest] = below.split('/');
    const m = /^v(\d+)\.(\d)$/.exec(versionPart);
    if (!m || Number(m[1]) < MIN_VERSION || Number(m[1]) > MAX_VERSION) throw SfErrors.notFound();
    const version = `${m[1]}.${m[2]}`;
    const path = rest.join('/');
    const kind = this.api.kindOf(path);
    const auth = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const caller = auth ? this.auth.verify(auth[1]) : null;
    if (!caller) {
      this.limits.countRequest(kind, 401);
      throw SfErrors.sessionExpired();
    }
    const fault = this.limits.takeRequestFault();
    if (fault) {
      this.limits.countRequest(kind, Number(fault.kind));
      if (fault.kind === '429') {
        const retry = String(fault.retryAfterSeconds ?? this.org.settings.faultRetryAfterSeconds);
        throw new SfHttpError(429, [{ message: `Too many requests: retry after ${retry} seconds`, errorCode: 'REQUEST_LIMIT_EXCEEDED' }], { 'Retry-After': retry });
      }
      throw new SfHttpError(503, [{ message: 'Service Unavailable: the server is temporarily unable to handle the request', errorCode: 'SERVER_UNAVAILABLE' }], fault.retryAfterSeconds ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
    }
    if (!this.limits.admitApiRequest()) {
      this.limits.countRequest(kind, 403);
      throw SfErrors.requestLimit();
    }
    let out: SfResponse;
    try {
      out = await this.api.handle({
        method: req.method,
        path,
        query: url.searchParams,
        headers: req.headers,
        body: typeof req.body === 'string' ? req.body : '',
        version,
        userId: caller.userId,
      });
    } catch (err) {
      this.limits.countRequest(kind, err instanceof SfHttpError ? err.status : 500);
      throw err;
    }
    this.limits.countRequest(kind, out.status);
    res.status(out.status);
    res.setHeader('Sforce-Limit-Info', this.limits.header());
    for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
    if (out.binary !== undefined) {
      res.setHeader('Content-Type', out.contentType ?? 'application/octetstream');
      res.send(out.binary);
    } else if (out.text !== undefined) {
      res.setHeader('Content-Type', out.contentType ?? 'text/plain');
      res.send(Buffer.from(out.text, 'utf8'));
    } else if (out.body !== undefined) {
      res.setHeader('Content-Type', 'application/json;charset=UTF-8');
      res.send(Buffer.from(JSON.stringify(out.body), 'utf8'));
    } else res.end();
    this.logger.debug({ method: req.method, url: req.originalUrl, status: out.status, ms: Date.now() - started }, 'salesforce api request');
  }
}

/** Anything else below /salesforce answers Salesforce's 404, not the Dataverse one; registered after SfApiController. */
@Controller('salesforce')
@UseFilters(SfExceptionFilter)
export class SfNotFoundController {
  @All('*path')
  notFound(): never {
    throw SfErrors.notFound();
  }
}
