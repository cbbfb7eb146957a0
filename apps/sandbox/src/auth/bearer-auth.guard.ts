import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { DataverseHttpError } from '../web-api/dataverse-http.error';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { Caller, TokenService, normalizeAudience } from './token.service';

const CALLER = Symbol('caller');

export function callerOf(req: Request): Caller | undefined {
  return (req as unknown as Record<symbol, Caller | undefined>)[CALLER];
}

/**
 * Web API calls need a valid bearer token issued for this organization (its `aud` is the org URL); like the
 * platform, a 401 carries a challenge and no body.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const verified = m ? this.tokens.verify(m[1]) : null;
    const caller = verified && this.audienceAccepted(verified.audience, origin) ? verified : null;
    if (!caller) {
      throw new DataverseHttpError(401, '', '', {
        'WWW-Authenticate': `Bearer authorization_uri=${origin}/login/common/oauth2/authorize, resource_id=${origin}/`,
      });
    }
    (req as unknown as Record<symbol, Caller>)[CALLER] = caller;
    return true;
  }

  /**
   * The configured org URL (SANDBOX_ORG_URL, else SANDBOX_PUBLIC_URL) must match exactly. Unconfigured, the org is
   * the origin the request came to, and a loopback sandbox accepts any loopback audience (any port), so a token
   * outlives a restart on another port as it outlives a web server on the platform.
   */
  private audienceAccepted(audience: string, origin: string): boolean {
    const aud = normalizeAudience(audience);
    const configured = this.options.orgUrl ?? this.options.publicUrl;
    if (configured) return aud === normalizeAudience(configured);
    const here = normalizeAudience(origin);
    if (aud === here) return true;
    const loopback = /^https?:\/\/127\.0\.0\.1(:\d+)?$/;
    return loopback.test(aud) && loopback.test(here);
  }
}
