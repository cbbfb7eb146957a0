import { All, Controller, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { BearerAuthGuard } from '../auth/bearer-auth.guard';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { RecordStore } from '../store/record.store';
import { ThrottleGuard } from '../throttle/throttle.guard';
import { BatchService } from './batch.service';
import { Errors } from './dataverse-http.error';
import { ApiResponse, WebApiService } from './web-api.service';

function lowerHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** The Web API under /api/data/v9.x: bearer token first, then service protection, then the request itself. */
@Controller('api/data')
@UseGuards(BearerAuthGuard, ThrottleGuard)
export class WebApiController {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly web: WebApiService,
    private readonly batch: BatchService,
    private readonly store: RecordStore,
  ) {}

  @All(':version/*path')
  async handle(@Param('version') version: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const started = Date.now();
    if (!/^v9\.[0-2]$/.test(version)) throw Errors.resourceNotFound(version);
    const origin = this.options.publicUrl ?? `${req.protocol}://${req.get('host') ?? `${this.options.host}:${this.options.port}`}`;
    const serviceRoot = `${origin}/api/data/${version}`;
    const headers = lowerHeaders(req);
    const body = typeof req.body === 'string' ? req.body : '';
    const path = req.path.slice(`/api/data/${version}/`.length);

    if (path === '$batch') {
      if (req.method !== 'POST') throw Errors.methodNotAllowed(req.method);
      const out = await this.batch.execute(headers, body, serviceRoot);
      this.write(res, out.status, out.headers, out.body);
    } else {
      const ctx = this.web.newContext(this.store.pool, serviceRoot, false);
      this.send(res, await this.web.handle({ method: req.method, url: req.originalUrl, headers, body }, ctx));
    }
    this.logger.debug({ method: req.method, url: req.originalUrl, status: res.statusCode, ms: Date.now() - started }, 'web api request');
  }

  private send(res: Response, out: ApiResponse): void {
    const body = out.body !== undefined ? JSON.stringify(out.body) : out.text;
    this.write(res, out.status, { 'OData-Version': '4.0', ...out.headers }, body);
  }

  /** Raw writes keep Content-Type exactly as given (express would append a charset to string bodies). */
  private write(res: Response, status: number, headers: Record<string, string>, body: string | undefined): void {
    res.status(status);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (body === undefined) res.end();
    else res.send(Buffer.from(body, 'utf8'));
  }
}
