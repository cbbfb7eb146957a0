import { Injectable } from '@nestjs/common';
import { createHash, createHmac, createPublicKey, KeyObject, randomBytes, timingSafeEqual, verify } from 'crypto';
import { SfOrg } from './sf-org';

export interface SfCaller {
  userId: string;
  issuedAt: number;
}

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The org's OAuth: client credentials (runs as the integration user) and the JWT bearer flow (RS256 assertion
 * checked with node:crypto against the connected app's certificate). Access tokens are HMAC-signed, expire after
 * the configured lifetime, and all die at once when an admin call moves the revocation time.
 */
@Injectable()
export class SfAuthService {
  private readonly key: Buffer;
  private publicKey: KeyObject | undefined;
  /** tokens issued before this instant (ms) are refused */
  private revokedBefore = 0;

  constructor(private readonly org: SfOrg) {
    // Derived, not random: a token outlives a sandbox restart as a real session outlives one app server.
    this.key = createHash('sha256').update(`ferry-sf-sandbox:${org.options.orgId}:${org.options.clientSecret}`).digest();
  }

  expireAll(): void {
    this.revokedBefore = Date.now() + 1;
  }

  async token(form: URLSearchParams, loginUrl: string, users: { byUsername(u: string): Promise<{ id: string; active: boolean } | null>; integrationUserId(): Promise<string> }) {
    const grant = form.get('grant_type');
    const o = this.org.options;
    let userId: string;
    if (grant === 'client_credentials') {
      const id = form.get('client_id') ?? '';
      const secret = form.get('client_secret') ?? '';
      if (!this.same(id, o.clientId) || !this.same(secret, o.clientSecret)) throw new OAuthError(400, 'invalid_client', 'invalid client credentials');
      userId = await users.integrationUserId();
    } else if (grant === JWT_GRANT) {
      const claims = this.verifyAssertion(form.get('assertion') ?? '', loginUrl);
      const user = await users.byUsername(claims.sub);
      if (!user) throw new OAuthError(400, 'invalid_grant', 'user hasn\'t approved this consumer');
      if (!user.active) throw new OAuthError(400, 'invalid_grant', 'inactive user');
      userId = user.id;
    } else if (!grant) {
      throw new OAuthError(400, 'invalid_request', 'grant type not supported');
    } else {
      throw new OAuthError(400, 'unsupported_grant_type', 'grant type not supported');
    }
    const issuedAt = Date.now();
    const payload = Buffer.from(JSON.stringify({ u: userId, iat: issuedAt, n: randomBytes(6).toString('hex') })).toString('base64url');
    const accessToken = `${o.orgId.slice(0, 15)}!${payload}.${this.sign(payload)}`;
    const instanceUrl = loginUrl;
    return {
      access_token: accessToken,
      instance_url: instanceUrl,
      id: `https://login.salesforce.com/id/${o.orgId}/${userId}`,
      token_type: 'Bearer',
      issued_at: String(issuedAt),
      signature: createHmac('sha256', o.clientSecret).update(`https://login.salesforce.com/id/${o.orgId}/${userId}${issuedAt}`).digest('base64'),
      scope: 'api',
    };
  }

  /** The caller of a bearer token, or null when it is unknown, forged, expired or revoked. */
  verify(token: string, now = Date.now()): SfCaller | null {
    const m = /^[A-Za-z0-9]{15}!([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
    if (!m) return null;
    const expected = Buffer.from(this.sign(m[1]));
    const given = Buffer.from(m[2]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const p = JSON.parse(Buffer.from(m[1], 'base64url').toString('utf8')) as { u: string; iat: number };
      if (p.iat < this.revokedBefore) return null;
      if (now - p.iat > this.org.settings.tokenTtlSeconds * 1000) return null;
      return { userId: p.u, issuedAt: p.iat };
    } catch {
      return null;
    }
  }

  private verifyAssertion(assertion: string, loginUrl: string): { sub: string } {
    const parts = assertion.split('.');
    if (parts.length !== 3) throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
    let header: { alg?: string };
    let claims: { iss?: string; sub?: string; aud?: string | string[]; exp?: number };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      throw new OAuthError(400, 'invalid_grant', 'invalid assertion');
    }
    if (header.alg !== 'RS256') throw new OAuthError(400, 'invalid_grant', 'invalid assertion: the JWT must be signed with RS256');
    this.publicKey ??= createPublicKey(this.org.options.jwtPublicKey);
    const ok = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), this.publicKey, Buffer.from(parts[2], 'base64url'));
    if (!ok) throw new OAuthError(400, 'invalid_grant', 'invalid assertion: the signature does not match the connected app\'s certificate');
    if (claims.iss !== this.org.options.clientId) throw new OAuthError(400, 'invalid_client_id', 'client identifier invalid');
    const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map((a) => String(a ?? '').replace(/\/+$/, ''));
    const accepted = [loginUrl.replace(/\/+$/, ''), 'https://login.salesforce.com', 'https://test.salesforce.com'];
    if (!audiences.some((a) => accepted.includes(a) || accepted.includes(a.replace('localhost', '127.0.0.1')))) {
      throw new OAuthError(400, 'invalid_grant', 'audience is invalid');
    }
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) throw new OAuthError(400, 'invalid_grant', 'expired authorization code');
    if (typeof claims.sub !== 'string' || !claims.sub) throw new OAuthError(400, 'invalid_grant', 'invalid assertion: sub (the username) is missing');
    return { sub: claims.sub };
  }

  private same(a: string, b: string): boolean {
    return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
  }

  private sign(data: string): string {
    return createHmac('sha256', this.key).update(data).digest('base64url');
  }
}
