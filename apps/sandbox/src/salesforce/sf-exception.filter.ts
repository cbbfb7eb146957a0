import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { SfHttpError } from './sf-errors';
import { SfLimits } from './sf-limits.service';

/**
 * Errors under /salesforce and /_sandbox/salesforce leave in Salesforce's shape `[{"message","errorCode"}]` with the
 * Sforce-Limit-Info header; this controller-scoped filter runs before the Dataverse filter registered globally.
 */
@Catch()
export class SfExceptionFilter implements ExceptionFilter {
  constructor(
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly limits: SfLimits,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    let err: SfHttpError;
    if (exception instanceof SfHttpError) err = exception;
    else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      err = new SfHttpError(status, [{ message: exception.message, errorCode: status === 404 ? 'NOT_FOUND' : status === 401 ? 'INVALID_SESSION_ID' : 'INVALID_INPUT' }]);
    } else {
      this.logger.error({ err: exception }, 'salesforce sandbox: unexpected error');
      err = new SfHttpError(500, [{ message: 'An unexpected error occurred. Please include this ErrorId if you contact support: see the sandbox log', errorCode: 'UNKNOWN_EXCEPTION' }]);
    }
    res.status(err.status);
    res.setHeader('Sforce-Limit-Info', this.limits.header());
    for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
    res.setHeader('Content-Type', 'application/json;charset=UTF-8');
    res.send(Buffer.from(JSON.stringify(err.body()), 'utf8'));
  }
}
