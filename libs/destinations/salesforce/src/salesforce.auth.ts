import { createSign } from 'crypto';
import * as fs from 'fs';
import axios from 'axios';
import { SalesforceError, recordErrors } from './salesforce.error';

export interface SalesforceSession {
  accessToken: string;
  /** e.g. https://acme.my.salesforce.com (the sandbox: http://127.0.0.1:8181/salesforce) */
  instanceUrl: string;
  /** the signed-in user's id (the last part of the token response's identity URL) */
  userId: string | null;
}

/**
 * How Ferry signs in to the org: OAuth 2.0 client credentials (a connected app's "Run As" user), or the JWT bearer
 * flow (a connected app with the certificate, a pre-authorized user).
 */
export type SalesforceCredentials =
  | { flow: 'client_credentials'; loginUrl: string; clientId: string; clientSecret: string }
  | { flow: 'jwt'; loginUrl: string; clientId: string; username: string; privateKeyPem: string; lifetimeSeconds?: number };

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

/** An RS256 JWT for the bearer flow: iss = the connected app's consumer key, sub = the username, aud = the login URL. */
export function jwtAssertion(o: { clientId: string; username: string; loginUrl: string; privateKeyPem: string; lifetimeSeconds?: number; now?: number }): string {
  const now = Math.floor((o.now ?? Date.now()) / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  // aud is the login host without a path; Salesforce compares it with https://login.salesforce.com, test.salesforce.com or the My Domain URL.
  const claims = b64url(JSON.stringify({ iss: o.clientId, sub: o.username, aud: o.loginUrl.replace(/\/+$/, ''), exp: now + (o.lifetimeSeconds ?? 180) }));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${claims}`);
  return `${header}.${claims}.${b64url(signer.sign(o.privateKeyPem))}`;
}

export function readPrivateKey(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SalesforceError(0, 'JWT_KEY_UNREADABLE', `SALESFORCE_JWT_KEY_FILE: cannot read ${file} (${(e as Error).message})`, { retryable: false });
  }
}

/** Asks the token endpoint for a session; an `invalid_grant` or `invalid_client` answer is not retried. */
export async function requestSession(c: SalesforceCredentials, timeoutMs = 30_000): Promise<SalesforceSession> {
  const form =
    c.flow === 'jwt'
      ? new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: jwtAssertion({ ...c }) })
      : new URLSearchParams({ grant_type: 'client_credentials', client_id: c.clientId, client_secret: c.clientSecret });
  const url = `${c.loginUrl.replace(/\/+$/, '')}/services/oauth2/token`;
  for (let attempt = 0; ; attempt++) {
    const res = await axios
      .post(url, form.toString(), { timeout: timeoutMs, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, validateStatus: () => true })
      .catch((e: Error & { code?: string }) => new SalesforceError(0, e.code ?? 'NETWORK', `token request to ${url} failed: ${e.message}`, { retryable: true, cause: e }));
    if (res instanceof SalesforceError || res.status >= 500 || res.status === 429) {
      if (attempt < 3) {
        await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        continue;
      }
      if (res instanceof SalesforceError) throw res;
    }
    if (!(res instanceof SalesforceError) && res.status === 200 && typeof res.data?.access_token === 'string' && typeof res.data?.instance_url === 'string') {
      const id = typeof res.data.id === 'string' ? (res.data.id.split('/').pop() ?? null) : null;
      return { accessToken: res.data.access_token, instanceUrl: String(res.data.instance_url).replace(/\/+$/, ''), userId: id };
    }
    const status = res instanceof SalesforceError ? 0 : res.status;
    const e = recordErrors(res instanceof SalesforceError ? undefined : res.data)[0];
    throw new SalesforceError(status, e?.code ?? `HTTP_${status}`, `Salesforce sign-in (${c.flow === 'jwt' ? 'JWT bearer' : 'client credentials'}) at ${c.loginUrl} refused: ${e?.message ?? `HTTP ${status}`}; check SALESFORCE_CLIENT_ID and the ${c.flow === 'jwt' ? 'SALESFORCE_USERNAME / SALESFORCE_JWT_KEY_FILE' : 'SALESFORCE_CLIENT_SECRET'} settings`, { retryable: false });
  }
}
