import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { callerOf } from '../auth/bearer-auth.guard';
import { ThrottleService } from './throttle.service';

/** Applies service protection after authentication; every Web API response carries x-ms-dop-hint. */
@Injectable()
export class ThrottleGuard implements CanActivate {
  constructor(private readonly throttle: ThrottleService) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    res.setHeader('x-ms-dop-hint', String(this.throttle.limits.dopHint));
    const admission = this.throttle.admit(callerOf(req)?.clientId ?? 'anonymous');
    res.once('finish', () => admission.release());
    res.once('close', () => admission.release());
    return true;
  }
}
