import { FerryError } from '@ferry/common';
import { QuotaPacer } from './quota.pacer';

describe('QuotaPacer', () => {
  it('lets calls through under the share and stops before crossing it, with one clear line', () => {
    const p = new QuotaPacer({ apiShare: 0.8, bulkRecordShare: 0.8 });
    p.observeHeader('api-usage=79998/100000');
    expect(() => p.checkApi(2)).not.toThrow();
    p.observeHeader('api-usage=80000/100000');
    let err: unknown;
    try {
      p.checkApi(1);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FerryError);
    expect((err as FerryError).code).toBe('DESTINATION_QUOTA');
    expect((err as FerryError).disposition).toBe('fatal');
    expect((err as FerryError).message).toBe('Salesforce daily API allocation 80% used (80,000 of 100,000): Ferry stops here; resume after the rolling 24 h window or raise SALESFORCE_API_SHARE (now 0.8)');
  });

  it('checks a whole operation at once, so it never stops half-way through one', () => {
    const p = new QuotaPacer({ apiShare: 0.5, bulkRecordShare: 1 });
    p.observeLimits({ DailyApiRequests: { Max: 1000, Remaining: 510 } });
    expect(() => p.checkApi(10)).not.toThrow();
    expect(() => p.checkApi(11)).toThrow(/49% used \(490 of 1,000\)/);
  });

  it('counts Bulk records in 10,000-record batches against the daily batches', () => {
    const p = new QuotaPacer({ apiShare: 1, bulkRecordShare: 0.1 });
    p.observeLimits({ DailyBulkApiBatches: { Max: 15_000, Remaining: 13_600 } });
    expect(() => p.checkBulk(1_000_000)).not.toThrow();
    p.spentBulk(1_000_000);
    expect(() => p.checkBulk(1)).toThrow('Salesforce Bulk API 2.0 daily records 10% used (15,000,000 of 150,000,000): Ferry stops here; resume after the rolling 24 h window or raise SALESFORCE_BULK_RECORD_SHARE (now 0.1)');
  });

  it('uses an exact daily Bulk record count when /limits gives one', () => {
    const p = new QuotaPacer({ apiShare: 1, bulkRecordShare: 0.5 });
    p.observeLimits({ DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 }, DailyBulkV2IngestRecords: { Max: 1000, Remaining: 600 } });
    expect(() => p.checkBulk(100)).not.toThrow();
    p.spentBulk(100);
    expect(() => p.checkBulk(1)).toThrow(/Bulk API 2.0 daily records 50% used \(500 of 1,000\)/);
  });

  it('asks for /limits again only some time after stopping', () => {
    let now = 0;
    const p = new QuotaPacer({ apiShare: 0.5, bulkRecordShare: 1, recheckMs: 1000, now: () => now });
    p.observeApi(600, 1000);
    expect(p.wantsRecheck()).toBe(false);
    expect(() => p.checkApi()).toThrow(FerryError);
    now = 999;
    expect(p.wantsRecheck()).toBe(false);
    now = 1000;
    expect(p.wantsRecheck()).toBe(true);
    p.observeLimits({ DailyApiRequests: { Max: 1000, Remaining: 900 } });
    expect(p.wantsRecheck()).toBe(false);
    expect(() => p.checkApi()).not.toThrow();
  });

  it('knows nothing until told, and then does not refuse', () => {
    expect(() => new QuotaPacer({ apiShare: 0.1, bulkRecordShare: 0.1 }).checkApi(1_000_000)).not.toThrow();
  });
});
