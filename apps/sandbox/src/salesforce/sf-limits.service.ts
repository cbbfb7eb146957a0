import { Injectable } from '@nestjs/common';
import { SfOrg } from './sf-org';

const DAY_MS = 24 * 3600 * 1000;
const BUCKET_MS = 60 * 1000;

/** A count over a rolling 24 hours, in one-minute buckets. */
export class RollingCount {
  private buckets = new Map<number, number>();
  private total = 0;

  add(n = 1, now = Date.now()): void {
    this.prune(now);
    const b = Math.floor(now / BUCKET_MS);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + n);
    this.total += n;
  }

  used(now = Date.now()): number {
    this.prune(now);
    return this.total;
  }

  set(n: number, now = Date.now()): void {
    this.buckets.clear();
    this.total = 0;
    if (n > 0) this.add(n, now);
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - DAY_MS) / BUCKET_MS);
    for (const [b, n] of this.buckets) {
      if (b > oldest) break;
      this.buckets.delete(b);
      this.total -= n;
    }
  }
}

export type FaultKind = '429' | '503' | 'UNABLE_TO_LOCK_ROW' | 'BULK_BATCH';

export interface Fault {
  kind: FaultKind;
  /** requests (429/503) or records (UNABLE_TO_LOCK_ROW) still to fail; undefined: until `until` */
  remaining?: number;
  /** epoch ms the fault ends; undefined: until `remaining` is spent */
  until?: number;
  retryAfterSeconds?: number;
  /** only records (UNABLE_TO_LOCK_ROW) or bulk jobs (BULK_BATCH) of this object */
  object?: string;
  /** BULK_BATCH: the job ends Failed (otherwise JobComplete with the batch's rows in unprocessedrecords) */
  failJob?: boolean;
  /** BULK_BATCH: retries the error message reports */
  retries?: number;
}

export type RequestKind = 'auth' | 'rest' | 'describe' | 'collections' | 'query' | 'bulk' | 'tooling' | 'limits' | 'other';

/** API usage, the rolling daily allocations, injected faults and request counts per kind. */
@Injectable()
export class SfLimits {
  readonly api = new RollingCount();
  readonly bulkRecords = new RollingCount();
  readonly bulkBatches = new RollingCount();
  readonly bulkQueryJobs = new RollingCount();
  private faults: Fault[] = [];
  private requests = new Map<string, number>();

  constructor(private readonly org: SfOrg) {}

  reset(): void {
    this.api.set(0);
    this.bulkRecords.set(0);
    this.bulkBatches.set(0);
    this.bulkQueryJobs.set(0);
    this.faults = [];
    this.requests.clear();
  }

  header(): string {
    return `api-usage=${this.api.used()}/${this.org.settings.dailyApiRequests}`;
  }

  /** true when the request may run; counts it. */
  admitApiRequest(): boolean {
    if (this.api.used() >= this.org.settings.dailyApiRequests) return false;
    this.api.add();
    return true;
  }

  countRequest(kind: RequestKind, status?: number): void {
    const key = status && status >= 400 ? `${kind}:${status}` : kind;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  stats(): Record<string, unknown> {
    return {
      requests: Object.fromEntries([...this.requests.entries()].sort()),
      apiUsage: { used: this.api.used(), max: this.org.settings.dailyApiRequests },
      bulkRecords: { used: this.bulkRecords.used(), max: this.org.settings.dailyBulkRecords },
      bulkBatches: { used: this.bulkBatches.used(), max: this.org.settings.dailyBulkBatches },
      faults: this.activeFaults(),
    };
  }

  inject(fault: Fault): Fault[] {
    this.faults.push(fault);
    return this.activeFaults();
  }

  clearFaults(): void {
    this.faults = [];
  }

  activeFaults(now = Date.now()): Fault[] {
    this.faults = this.faults.filter((f) => (f.remaining === undefined || f.remaining > 0) && (f.until === undefined || f.until > now));
    return this.faults;
  }

  /** The request-level fault (429 or 503) this request meets, consuming one of its count. */
  takeRequestFault(): Fault | undefined {
    const f = this.activeFaults().find((x) => x.kind === '429' || x.kind === '503');
    if (f && f.remaining !== undefined) f.remaining--;
    return f;
  }

  /** The BULK_BATCH fault the next internal batch of a job on this object meets, consuming one of its count. */
  takeBulkBatchFault(object: string): Fault | undefined {
    const f = this.activeFaults().find((x) => x.kind === 'BULK_BATCH' && (!x.object || x.object.toLowerCase() === object.toLowerCase()));
    if (f && f.remaining !== undefined) f.remaining--;
    return f;
  }

  /** Whether this record write meets an injected UNABLE_TO_LOCK_ROW, consuming one of its count. */
  takeLockFault(object: string): boolean {
    const f = this.activeFaults().find((x) => x.kind === 'UNABLE_TO_LOCK_ROW' && (!x.object || x.object.toLowerCase() === object.toLowerCase()));
    if (!f) return false;
    if (f.remaining !== undefined) f.remaining--;
    return true;
  }
}
