import { Connection, OAuth2 } from 'jsforce';
import { FerryError, Semaphore } from '@ferry/common';
import { QuotaPacer, type OrgLimits } from './quota.pacer';
import { JWT_BEARER_GRANT, jwtAssertion, signInError, type SalesforceCredentials, type SalesforceSession } from './salesforce.auth';
import { SalesforceError, isTransient } from './salesforce.error';
import { FerryTransport, TokenTransport, isDailyCap, type RetryPolicy, type SalesforceLogger } from './salesforce.transport';

export type { SalesforceLogger } from './salesforce.transport';

export interface SalesforceClientOptions extends RetryPolicy {
  credentials: SalesforceCredentials;
  /** REST API version, e.g. `62.0`, set on the jsforce Connection (jsforce would default to 50.0) */
  apiVersion: string;
  pacer?: QuotaPacer;
  /** calls in flight at once; default 4 */
  maxConcurrency?: number;
  logger?: SalesforceLogger;
}

/** A call jsforce has no method for, sent through the Connection (its session, URLs and Ferry's transport). */
export interface SfRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** relative to the versioned REST root (`sobjects/Account/Key__c/K-1`) or from the host (`/services/...`) */
  url: string;
  /** an object goes as JSON; a string as it is (name its Content-Type in `headers`) */
  data?: unknown;
  headers?: Record<string, string>;
  /** the answer's body kept as text (a SOAP envelope), not parsed */
  text?: boolean;
}

export interface SfCallOptions {
  /**
   * false: the caller already checked the quota for the whole operation (QuotaPacer.checkApi(n)), so this call is
   * not refused half-way through a write.
   */
  paced?: boolean;
}

/**
 * One Salesforce org through a jsforce v3 `Connection`. jsforce makes the calls (OAuth token requests, describe,
 * SOQL with nextRecordsUrl paging, /limits, Tooling, Bulk API 2.0 ingest jobs, sObject Collections) and renews the
 * session on 401 INVALID_SESSION_ID through the refresh function given here; the Connection's transport
 * (FerryTransport) is Ferry's: retries for every method with jittered backoff, the request semaphore, the counters
 * and Sforce-Limit-Info for the pacer. The pacer's checks and its line on a spent daily allocation are made here,
 * around each call.
 */
export class SalesforceClient {
  readonly metrics = { requests: 0, retries: 0, throttled: 0, tokenRefreshes: 0 };
  readonly pacer: QuotaPacer | undefined;
  private readonly conn: Connection;
  private signingIn: Promise<void> | null = null;
  private signedIn = false;
  private limitsRead = false;
  /** why the last sign-in failed: jsforce wraps a failed renewal in a plain Error, this keeps Ferry's line */
  private signInFailure: SalesforceError | null = null;

  constructor(private readonly o: SalesforceClientOptions) {
    if (!/^\d{2}\.0$/.test(o.apiVersion)) throw new SalesforceError(0, 'BAD_VERSION', `SALESFORCE_API_VERSION must look like 62.0, not "${o.apiVersion}"`, { retryable: false });
    this.pacer = o.pacer;
    const c = o.credentials;
    // The JWT bearer request carries the consumer key inside the assertion only; client credentials send id and secret.
    const oauth2 = new OAuth2(c.flow === 'client_credentials' ? { loginUrl: c.loginUrl, clientId: c.clientId, clientSecret: c.clientSecret } : { loginUrl: c.loginUrl });
    oauth2._transport = new TokenTransport(o.timeoutMs);
    this.conn = new Connection({
      loginUrl: c.loginUrl,
      version: o.apiVersion,
      oauth2,
      refreshFn: (_conn, done) => {
        this.metrics.tokenRefreshes++;
        this.authorize().then(() => done(null, this.conn.accessToken ?? undefined), (e: Error) => done(e));
      },
    });
    this.conn._transport = new FerryTransport({ ...o, gate: new Semaphore(o.maxConcurrency ?? 4), metrics: this.metrics, pacer: o.pacer, logger: o.logger });
  }

  get apiVersion(): string {
    return this.conn.version;
  }

  /** Signs in (once, shared by concurrent callers) and reads /limits so the pacer knows where the org stands. */
  async connect(): Promise<SalesforceSession> {
    await this.signIn();
    if (!this.limitsRead && this.pacer) {
      this.limitsRead = true;
      try {
        await this.readLimits();
      } catch (e) {
        if (e instanceof SalesforceError && isDailyCap(e)) this.pacer?.checkApi(1);
        throw e;
      }
    }
    return { accessToken: this.conn.accessToken ?? '', instanceUrl: this.conn.instanceUrl, userId: this.conn.userInfo?.id ?? null };
  }

  async readLimits(): Promise<OrgLimits> {
    const limits = (await this.call((c) => c.limits(), { paced: false })) as OrgLimits;
    this.pacer?.observeLimits(limits);
    return limits;
  }

  /** The current session's access token (the SOAP calls carry it in their envelope). */
  async accessToken(): Promise<string> {
    return (await this.connect()).accessToken;
  }

  /** Throws (FerryError DESTINATION_QUOTA) when `calls` more requests would pass the configured share. */
  async checkQuota(calls: number): Promise<void> {
    await this.connect();
    if (this.pacer?.wantsRecheck()) await this.readLimits();
    this.pacer?.checkApi(calls);
  }

  /**
   * Runs jsforce calls on the signed-in Connection: checks the quota first (unless the caller checked the whole
   * operation), and turns whatever jsforce throws into a SalesforceError (or the pacer's FerryError when the org
   * refuses for its spent daily allocation).
   */
  async call<T>(fn: (conn: Connection) => Promise<T>, o: SfCallOptions = {}): Promise<T> {
    if (o.paced === false) await this.signIn();
    else {
      await this.connect();
      if (this.pacer?.wantsRecheck()) await this.readLimits();
      this.pacer?.checkApi(1);
    }
    try {
      return await fn(this.conn);
    } catch (e) {
      const err = this.asError(e);
      // A read stops the run with the pacer's line (the refusal's Sforce-Limit-Info was just read); a write's records come back transient.
      if (err instanceof SalesforceError && isDailyCap(err) && o.paced !== false) this.pacer?.checkApi(1);
      throw err;
    }
  }

  /** SOQL through jsforce's query, following nextRecordsUrl (≤ 2000 records a page) to the end. */
  async query<T = Record<string, unknown>>(soql: string, o: SfCallOptions & { tooling?: boolean } = {}): Promise<T[]> {
    const all = { autoFetch: true, maxFetch: Number.MAX_SAFE_INTEGER };
    const res = await this.call(async (c) => (o.tooling ? await c.tooling.query<Record<string, unknown>>(soql, all) : await c.query<Record<string, unknown>>(soql, all)), o);
    return res.records.map((r) => stripAttributes(r) as T);
  }

  async describeGlobal(): Promise<{ sobjects: { name: string }[] }> {
    return this.call((c) => c.describeGlobal());
  }

  /** null when the org has no such object (404 NOT_FOUND) */
  async describe<T = unknown>(apiName: string): Promise<T | null> {
    try {
      return (await this.call((c) => c.describe(apiName))) as T;
    } catch (e) {
      if (e instanceof SalesforceError && e.status === 404) return null;
      throw e;
    }
  }

  /**
   * A call jsforce has no method for (delete by external id, SOAP undelete), sent with `conn.request`: the same
   * session renewal, transport, retries and counters as every jsforce call.
   */
  async request<T = unknown>(r: SfRequest, o: SfCallOptions = {}): Promise<T> {
    const json = r.data !== undefined && typeof r.data !== 'string';
    return this.call(
      (c) =>
        c.request<T>(
          {
            method: r.method,
            url: /^https?:\/\//.test(r.url) || r.url.startsWith('/') ? r.url : `/${r.url}`,
            ...(r.data !== undefined ? { body: json ? JSON.stringify(r.data) : (r.data as string) } : {}),
            headers: { ...(json ? { 'content-type': 'application/json' } : {}), ...r.headers },
          },
          r.text ? { responseType: 'text/plain' } : {},
        ),
      o,
    );
  }

  private signIn(): Promise<void> {
    if (this.signedIn) return Promise.resolve();
    return this.authorize().then(() => {
      this.signedIn = true;
    });
  }

  /** One token request at a time, shared by concurrent callers: client credentials or JWT bearer, through jsforce's OAuth2. */
  private authorize(): Promise<void> {
    this.signingIn ??= (async () => {
      const c = this.o.credentials;
      try {
        await this.conn.authorize(c.flow === 'jwt' ? { grant_type: JWT_BEARER_GRANT, assertion: jwtAssertion(c) } : { grant_type: 'client_credentials' });
        this.signInFailure = null;
      } catch (e) {
        this.signInFailure = e instanceof SalesforceError ? e : signInError(c, e as Error);
        throw this.signInFailure;
      }
    })().finally(() => {
      this.signingIn = null;
    });
    return this.signingIn;
  }

  private asError(e: unknown): unknown {
    if (e instanceof SalesforceError || e instanceof FerryError) return e;
    const err = e as Error & { errorCode?: string; data?: { fields?: unknown } };
    // jsforce's session refresh delegate wraps the refresh function's error in its own.
    if (this.signInFailure && /Unable to refresh session/.test(err?.message ?? '')) return this.signInFailure;
    if (err && typeof err.errorCode === 'string') {
      const fields = Array.isArray(err.data?.fields) ? err.data.fields.map(String) : [];
      return new SalesforceError(0, err.errorCode, err.message, { fields, retryable: isTransient(400, err.errorCode), cause: e });
    }
    return e;
  }
}

function stripAttributes(r: Record<string, unknown>): Record<string, unknown> {
  const { attributes: _a, ...rest } = r;
  return rest;
}
