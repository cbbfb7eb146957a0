import { createSign } from 'crypto';
import * as fs from 'fs';
import { SalesforceError } from './salesforce.error';

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

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The one line for a refused sign-in. jsforce's OAuth2 makes the token request (client credentials, or the JWT
 * bearer grant with Ferry's assertion: jsforce signs no JWT) and throws the endpoint's `error` as the Error's name
 * and `error_description` as its message; an `invalid_grant` or `invalid_client` answer is not retried.
 */
export function signInError(c: SalesforceCredentials, e: Error): SalesforceError {
  const code = e.name && e.name !== 'Error' ? e.name : 'SIGN_IN_FAILED';
  const how = c.flow === 'jwt' ? 'JWT bearer' : 'client credentials';
  const settings = c.flow === 'jwt' ? 'SALESFORCE_USERNAME / SALESFORCE_JWT_KEY_FILE' : 'SALESFORCE_CLIENT_SECRET';
  return new SalesforceError(0, code, `Salesforce sign-in (${how}) at ${c.loginUrl} refused: ${e.message || code}; check SALESFORCE_CLIENT_ID and the ${settings} settings`, { retryable: false, cause: e });
}
