import { FerryError } from '@ferry/common';

/** Records per internal Bulk API 2.0 batch: the daily batch allocation (/limits DailyBulkApiBatches) counts these. */
export const BULK_RECORDS_PER_BATCH = 10_000;

export interface QuotaPacerOptions {
  /** share of the daily API request allocation Ferry may use (SALESFORCE_API_SHARE) */
  apiShare: number;
  /** share of the Bulk API 2.0 daily records Ferry may use (SALESFORCE_BULK_RECORD_SHARE) */
  bulkRecordShare: number;
  /** while stopped, how often /limits is read again to see whether the rolling window freed some (default 10 min) */
  recheckMs?: number;
  now?: () => number;
}

interface Usage {
  used: number;
  max: number;
}

/** `/limits` as the REST API gives it (only what the pacer reads). */
export interface OrgLimits {
  DailyApiRequests?: { Max: number; Remaining: number };
  DailyBulkApiBatches?: { Max: number; Remaining: number };
  /** not in Salesforce's /limits (which counts Bulk 2.0 ingest in batches); the sandbox reports it, and it is exact */
  DailyBulkV2IngestRecords?: { Max: number; Remaining: number };
}

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * Keeps Ferry's use of the org's rolling 24 h allocations under the configured shares. It learns the API usage from
 * the `Sforce-Limit-Info: api-usage=used/max` header every response carries and from `GET /limits` (which also gives
 * the Bulk batches, 10,000 records each), and refuses a call that would cross a share before it is sent.
 *
 * Refusing throws `FerryError('DESTINATION_QUOTA', …, 'fatal')`: the loader's chunk is then not committed (no record
 * is written, dead-lettered or lost) and the service logs the one line; the records go out once the window has
 * rolled (the pacer reads /limits again every `recheckMs`) or the share is raised. Callers check the whole cost of
 * an operation up front, so a refusal never falls between two halves of one batch.
 */
export class QuotaPacer {
  private api: Usage | null = null;
  /** Bulk API 2.0 daily records (from batches × 10,000 unless /limits counts records) */
  private bulk: Usage | null = null;
  /** records this process sent to Bulk jobs since the last /limits reading (the header carries no Bulk figures) */
  private bulkSince = 0;
  /** true when /limits counted Bulk records exactly; otherwise a job takes whole 10,000-record batches */
  private bulkExact = false;
  private stoppedAt: number | null = null;
  private readonly now: () => number;

  constructor(private readonly o: QuotaPacerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** `Sforce-Limit-Info: api-usage=10018/100000` */
  observeHeader(value: string | undefined | null): void {
    const m = value ? /api-usage=(\d+)\/(\d+)/.exec(value) : null;
    if (m) this.observeApi(Number(m[1]), Number(m[2]));
  }

  observeApi(used: number, max: number): void {
    if (max > 0) this.api = { used, max };
  }

  observeLimits(l: OrgLimits): void {
    if (l.DailyApiRequests?.Max) this.observeApi(l.DailyApiRequests.Max - l.DailyApiRequests.Remaining, l.DailyApiRequests.Max);
    const records = l.DailyBulkV2IngestRecords;
    if (records?.Max) {
      this.bulk = { used: records.Max - records.Remaining, max: records.Max };
      this.bulkSince = 0;
      this.bulkExact = true;
    } else if (l.DailyBulkApiBatches?.Max) {
      this.bulk = { used: (l.DailyBulkApiBatches.Max - l.DailyBulkApiBatches.Remaining) * BULK_RECORDS_PER_BATCH, max: l.DailyBulkApiBatches.Max * BULK_RECORDS_PER_BATCH };
      this.bulkSince = 0;
      this.bulkExact = false;
    }
    this.stoppedAt = null;
  }

  /** True when a stop is in force and it is time to read /limits again. */
  wantsRecheck(): boolean {
    return this.stoppedAt !== null && this.now() - this.stoppedAt >= (this.o.recheckMs ?? 600_000);
  }

  get apiUsage(): Usage | null {
    return this.api ? { ...this.api } : null;
  }

  /** Throws before `calls` more requests would take the API usage past its share. */
  checkApi(calls = 1): void {
    if (!this.api) return;
    const allowed = Math.floor(this.api.max * this.o.apiShare);
    if (this.api.used + calls <= allowed) return;
    this.stoppedAt ??= this.now();
    const pct = Math.round((this.api.used / this.api.max) * 100);
    throw new FerryError(
      'DESTINATION_QUOTA',
      `Salesforce daily API allocation ${pct}% used (${fmt(this.api.used)} of ${fmt(this.api.max)}): Ferry stops here; resume after the rolling 24 h window or raise SALESFORCE_API_SHARE (now ${this.o.apiShare})`,
      'fatal',
      { used: this.api.used, max: this.api.max, share: this.o.apiShare },
    );
  }

  /** Throws before a Bulk API 2.0 job of `records` rows would take the daily Bulk records past their share. */
  checkBulk(records: number): void {
    if (!this.bulk) return;
    const used = this.bulk.used + this.bulkSince;
    const allowed = Math.floor(this.bulk.max * this.o.bulkRecordShare);
    if (used + this.cost(records) <= allowed) return;
    this.stoppedAt ??= this.now();
    throw new FerryError(
      'DESTINATION_QUOTA',
      `Salesforce Bulk API 2.0 daily records ${Math.round((used / this.bulk.max) * 100)}% used (${fmt(used)} of ${fmt(this.bulk.max)}): Ferry stops here; resume after the rolling 24 h window or raise SALESFORCE_BULK_RECORD_SHARE (now ${this.o.bulkRecordShare})`,
      'fatal',
      { used, max: this.bulk.max, share: this.o.bulkRecordShare },
    );
  }

  /** A Bulk job was started: its batches count until the next /limits reading. */
  spentBulk(records: number): void {
    this.bulkSince += this.cost(records);
  }

  /** What a job of `records` rows uses: its rows when counted exactly, else whole 10,000-record batches. */
  private cost(records: number): number {
    return this.bulkExact ? records : Math.ceil(records / BULK_RECORDS_PER_BATCH) * BULK_RECORDS_PER_BATCH;
  }
}
