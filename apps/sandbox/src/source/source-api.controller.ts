import { All, Controller, Inject, Param, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { SourceApiService } from './source-api.service';
import { SourceExceptionFilter } from './source-exception.filter';

/** The source CRMs' REST APIs: /sources/<system>/api/<resource path>[/<id>]. */
@Controller('sources')
@UseFilters(SourceExceptionFilter)
export class SourceApiController {
  constructor(
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly api: SourceApiService,
  ) {}

  @All(':system/api/*path')
  async handle(@Param('system') system: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const started = Date.now();
    const url = new URL(req.originalUrl, 'http://sandbox');
    const prefix = `/sources/${system}/api`;
    const out = await this.api.handle({
      system,
      method: req.method,
      path: url.pathname.slice(prefix.length),
      query: url.searchParams,
      headers: req.headers,
    });
    res.status(out.status).setHeader('Content-Type', 'application/json; charset=utf-8');
    res.send(Buffer.from(JSON.stringify(out.body), 'utf8'));
    this.logger.debug({ method: req.method, url: req.originalUrl, status: out.status, ms: Date.now() - started }, 'source api request');
  }
}
