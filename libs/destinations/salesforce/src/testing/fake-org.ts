import * as http from 'http';
import type { AddressInfo } from 'net';
import type { SfDescribe } from '../sobject.model';

/** A request the fake org received. */
export interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  raw: string;
  auth: string | undefined;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A small in-process stand-in for a Salesforce org, for the destination's unit tests: token endpoint, describe,
 * SOQL (answered by `onQuery`), sObject Collections upsert (by `onUpsert`, default: every record succeeds), Bulk
 * API 2.0 ingest (results by `onBulk`), Sforce-Limit-Info on every answer, and scripted faults. Not the sandbox:
 * it holds no records beyond what a test tells it.
 */
export class FakeOrg {
  readonly seen: Seen[] = [];
  apiUsed = 0;
  apiMax = 100_000;
  bulkBatchesUsed = 0;
  token = 'tok-1';
  private tokens = 1;
  /** answers for the next requests matching a predicate, used once each */
  readonly faults: { match: (s: Seen) => boolean; reply: Reply }[] = [];
  describes = new Map<string, SfDescribe>();
  onQuery: (soql: string) => Record<string, unknown>[] = () => [];
  onUpsert: (object: string, field: string, records: Record<string, unknown>[]) => unknown[] = (_o, _f, records) =>
    records.map((_r, i) => ({ id: `001${String(i).padStart(12, '0')}`, success: true, errors: [], created: true }));
  onBulk: (job: { object: string; externalIdFieldName: string }, csv: string) => { successful: string; failed: string; unprocessed: string; state?: string } = () => ({ successful: '', failed: '', unprocessed: '' });
  private server: http.Server | null = null;
  private jobs = new Map<string, { object: string; externalIdFieldName: string; csv: string; state: string }>();

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/salesforce`;
  }

  async start(port: number): Promise<void> {
    this.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        let body: unknown = raw;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          /* form or CSV */
        }
        const seen: Seen = { method: req.method ?? 'GET', path: u.pathname.replace(/^\/salesforce/, ''), query: u.searchParams, body, raw, auth: req.headers.authorization };
        this.seen.push(seen);
        const r = this.answer(seen);
        const text = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        res.writeHead(r.status, { 'Content-Type': typeof r.body === 'string' ? 'text/csv' : 'application/json', 'Sforce-Limit-Info': `api-usage=${this.apiUsed}/${this.apiMax}`, ...r.headers });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Requests to the versioned REST root, as `METHOD path` without the root. */
  calls(): string[] {
    return this.seen.filter((s) => s.path.startsWith('/services/data/')).map((s) => `${s.method} ${s.path.replace(/^\/services\/data\/v[\d.]+\//, '')}`);
  }

  expireToken(): void {
    this.token = `tok-${++this.tokens}`;
  }

  private answer(s: Seen): Reply {
    const fault = this.faults.findIndex((f) => f.match(s));
    if (fault >= 0) {
      if (s.path !== '/services/oauth2/token') this.apiUsed++;
      return this.faults.splice(fault, 1)[0].reply;
    }
    if (s.path === '/services/oauth2/token') {
      return { status: 200, body: { access_token: this.token, instance_url: this.url, id: `${this.url}/id/00D000000000001/005000000000001`, token_type: 'Bearer' } };
    }
    if (s.auth !== `Bearer ${this.token}`) return { status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] };
    this.apiUsed++;
    const m = /^\/services\/data\/v(\d+\.\d)\/(.*)$/.exec(s.path);
    if (!m) return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }] };
    const rest = m[2];
    if (rest === 'limits') return { status: 200, body: { DailyApiRequests: { Max: this.apiMax, Remaining: this.apiMax - this.apiUsed }, DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 - this.bulkBatchesUsed } } };
    if (rest === 'sobjects') return { status: 200, body: { sobjects: [...this.describes.values()].map((d) => ({ name: d.name })) } };
    let x = /^sobjects\/(\w+)\/describe$/.exec(rest);
    if (x) {
      const d = this.describes.get(x[1]);
      return d ? { status: 200, body: d } : { status: 404, body: [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist` }] };
    }
    if (rest === 'query') {
      const records = this.onQuery(s.query.get('q') ?? '');
      return { status: 200, body: { totalSize: records.length, done: true, records: records.map((r) => ({ attributes: { type: 'X' }, ...r })) } };
    }
    x = /^composite\/sobjects\/(\w+)\/(\w+)$/.exec(rest);
    if (x && s.method === 'PATCH') return { status: 200, body: this.onUpsert(x[1], x[2], (s.body as { records: Record<string, unknown>[] }).records) };
    if (rest === 'jobs/ingest' && s.method === 'POST') {
      const id = `750${this.jobs.size}`;
      const b = s.body as { object: string; externalIdFieldName: string };
      this.jobs.set(id, { object: b.object, externalIdFieldName: b.externalIdFieldName, csv: '', state: 'Open' });
      return { status: 200, body: { id, state: 'Open', contentUrl: `services/data/v${m[1]}/jobs/ingest/${id}/batches` } };
    }
    x = /^jobs\/ingest\/(\w+)(?:\/(\w+))?$/.exec(rest);
    if (x) {
      const job = this.jobs.get(x[1])!;
      if (x[2] === 'batches') {
        job.csv += s.raw;
        return { status: 201 };
      }
      if (!x[2] && s.method === 'PATCH') {
        job.state = 'UploadComplete';
        return { status: 200, body: { id: x[1], state: job.state } };
      }
      const out = this.onBulk(job, job.csv);
      if (!x[2]) return { status: 200, body: { id: x[1], state: out.state ?? 'JobComplete' } };
      const file = x[2] === 'successfulResults' ? out.successful : x[2] === 'failedResults' ? out.failed : out.unprocessed;
      return { status: 200, body: file };
    }
    return { status: 404, body: [{ errorCode: 'NOT_FOUND', message: `no route ${s.method} ${rest}` }] };
  }
}

/** A describe field with the defaults most fields have. */
export function field(name: string, type: string, extra: Record<string, unknown> = {}): SfDescribe['fields'][number] {
  return { name, type, nillable: true, createable: true, updateable: true, defaultedOnCreate: false, ...(type === 'string' ? { length: 255 } : {}), ...extra };
}
