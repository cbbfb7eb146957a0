import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { SourceHttpError } from './source-http.error';

/** Source API and source admin errors leave as {"error":{"code","message"}}, never in Dataverse's shape. */
@Catch()
export class SourceExceptionFilter implements ExceptionFilter {
  constructor(@Inject(SANDBOX_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    let err: SourceHttpError;
    if (exception instanceof SourceHttpError) {
      err = exception;
    } else if (exception instanceof HttpException) {
      err = new SourceHttpError(exception.getStatus(), exception.getStatus() === 401 ? 'unauthorized' : 'error', exception.message);
    } else {
      this.logger.error({ err: exception }, 'source sandbox: unexpected error');
      err = new SourceHttpError(500, 'internal', 'the source sandbox failed to answer; see its log');
    }
    res.status(err.status);
    for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.send(Buffer.from(JSON.stringify(err.body()), 'utf8'));
  }
}
