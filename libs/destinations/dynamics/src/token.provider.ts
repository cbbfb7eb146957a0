import axios, { AxiosInstance } from 'axios';
import axiosRetry from 'axios-retry';
import { DataverseError } from './dataverse.error';

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  timeoutMs?: number;
  maxRetries?: number;
  /** Refresh this long before expiry; default min(300 s, a tenth of the lifetime). */
  refreshMarginSeconds?: number;
}

interface CachedToken {
  value: string;
  refreshAt: number;
}

/** OAuth 2.0 client-credentials tokens, cached and shared by concurrent callers. */
export class ClientCredentialsTokenProvider {
  private cached?: CachedToken;
  private pending?: Promise<string>;
  private readonly http: AxiosInstance;

  constructor(private readonly opts: ClientCredentialsOptions) {
    this.http = axios.create({ timeout: opts.timeoutMs ?? 30_000 });
    axiosRetry(this.http, {
      retries: opts.maxRetries ?? 3,
      retryCondition: (e) => !e.response || e.response.status === 429 || e.response.status >= 500,
      retryDelay: (n, e) => {
        const after = Number(e.response?.headers?.['retry-after']);
        return Number.isFinite(after) && after > 0 ? after * 1000 : Math.min(30_000, 2 ** n * 500);
      },
    });
  }

  async getToken(): Promise<string> {
    if (this.cached && Date.now() < this.cached.refreshAt) return this.cached.value;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets the cached token, e.g. after the API answered 401 with it. */
  invalidate(token?: string): void {
    if (!token || this.cached?.value === token) this.cached = undefined;
  }

  private async fetch(): Promise<string> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.opts.clientId,
      client_secret: this.opts.clientSecret,
      scope: this.opts.scope,
    });
    try {
      const res = await this.http.post(this.opts.tokenUrl, form.toString(), {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      });
      const body = res.data as { access_token?: unknown; expires_in?: unknown };
      if (typeof body?.access_token !== 'string') {
        throw new DataverseError(res.status, 'InvalidTokenResponse', 'the token endpoint answered without an access_token', { retryable: false });
      }
      const lifetime = Number(body.expires_in) > 0 ? Number(body.expires_in) : 3599;
      const margin = this.opts.refreshMarginSeconds ?? Math.min(300, lifetime / 10);
      this.cached = { value: body.access_token, refreshAt: Date.now() + (lifetime - margin) * 1000 };
      return body.access_token;
    } catch (err) {
      const e = DataverseError.fromAxios(err);
      throw new DataverseError(e.status, e.code, `token request failed: ${e.message}`, { retryable: e.retryable, cause: err });
    }
  }
}
