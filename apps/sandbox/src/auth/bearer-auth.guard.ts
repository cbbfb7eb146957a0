import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataverseHttpError } from '../web-api/dataverse-http.error';
import { Caller, TokenService } from './token.service';

const CALLER = Symbol('caller');

export function callerOf(req: Request): Caller | undefined {
  return (req as unknown as Record<symbol, Caller | undefined>)[CALLER];
}

/** Web API calls need a valid bearer token; like the platform, a 401 carries a challenge and no body. */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(private readonly tokens: TokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const caller = m ? this.tokens.verify(m[1]) : null;
    if (!caller) {
      const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
      throw new DataverseHttpError(401, '', '', {
        'WWW-Authenticate': `Bearer authorization_uri=${origin}/login/common/oauth2/authorize, resource_id=${origin}/`,
      });
    }
    (req as unknown as Record<symbol, Caller>)[CALLER] = caller;
    return true;
  }
}
