import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'crypto';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';

export interface Caller {
  clientId: string;
  tenant: string;
  /** The resource the token was issued for (the scope without `/.default`). */
  audience: string;
}

/** Compares audiences as URLs: case-insensitive, without a trailing slash, loopback host names equivalent. */
export function normalizeAudience(url: string): string {
  let out = url.trim().toLowerCase().replace(/\/+$/, '');
  out = out.replace(/^(https?:\/\/)(localhost|\[::1\]|127\.\d+\.\d+\.\d+)(?=[:/]|$)/, '$1127.0.0.1');
  return out;
}

export interface IssuedToken {
  token_type: 'Bearer';
  expires_in: number;
  ext_expires_in: number;
  access_token: string;
}

/**
 * Issues and checks JWT-shaped bearer tokens signed with HMAC-SHA256. Self-contained, so tokens survive a sandbox
 * restart just as a real token outlives any one Dataverse web server.
 */
@Injectable()
export class TokenService {
  private readonly key: Buffer;

  constructor(@Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions) {
    this.key = createHash('sha256')
      .update(options.tokenSigningKey ?? `ferry-sandbox:${options.clientId}:${options.clientSecret}`)
      .digest();
  }

  issue(tenant: string, scope: string, now = Date.now()): IssuedToken {
    const iat = Math.floor(now / 1000);
    const lifetime = this.options.tokenLifetimeSeconds;
    const header = { typ: 'JWT', alg: 'HS256' };
    const payload = {
      aud: scope.replace(/\/\.default$/, ''),
      iss: `https://sts.windows.net/${tenant}/`,
      iat,
      nbf: iat,
      exp: iat + lifetime,
      appid: this.options.clientId,
      tid: tenant,
      jti: randomUUID(),
    };
    const body = `${this.b64(header)}.${this.b64(payload)}`;
    return { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: `${body}.${this.sign(body)}` };
  }

  verify(token: string, now = Date.now()): Caller | null {
    const parts = token.split('.');
    if (parts.length !== 3) return null;
    const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: number; appid?: string; tid?: string; aud?: string };
      if (typeof payload.exp !== 'number' || payload.exp * 1000 <= now || typeof payload.appid !== 'string') return null;
      return { clientId: payload.appid, tenant: payload.tid ?? '', audience: typeof payload.aud === 'string' ? payload.aud : '' };
    } catch {
      return null;
    }
  }

  checkClient(clientId: string, clientSecret: string): 'ok' | 'unknown-client' | 'bad-secret' {
    if (clientId !== this.options.clientId) return 'unknown-client';
    const a = createHash('sha256').update(clientSecret).digest();
    const b = createHash('sha256').update(this.options.clientSecret).digest();
    return timingSafeEqual(a, b) ? 'ok' : 'bad-secret';
  }

  private b64(value: object): string {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
