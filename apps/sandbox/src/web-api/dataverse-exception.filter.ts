import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { DataverseHttpError } from './dataverse-http.error';

/** Every error leaves as {"error":{"code","message"}}; an unexpected one is logged and answered as the platform's 500. */
@Catch()
export class DataverseExceptionFilter implements ExceptionFilter {
  constructor(@Inject(SANDBOX_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    let err: DataverseHttpError;
    if (exception instanceof DataverseHttpError) {
      err = exception;
    } else if (exception instanceof HttpException) {
      err = new DataverseHttpError(exception.getStatus(), '0x0', exception.message);
    } else {
      this.logger.error({ err: exception }, 'unexpected error');
      err = new DataverseHttpError(500, '0x80040216', 'An unexpected error occurred.');
    }
    res.status(err.status);
    for (const [k, v] of Object.entries({ ...err.headers, 'OData-Version': '4.0' })) res.setHeader(k, v);
    if (err.status === 401 && err.code === '') {
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/json; odata.metadata=minimal');
    res.send(Buffer.from(JSON.stringify(err.body()), 'utf8'));
  }
}
