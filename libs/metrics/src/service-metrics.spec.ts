import { ConfigError } from '@ferry/config';
import { metricsEndpoint, metricsUrls } from './metrics.settings';
import { ServiceMetrics } from './service-metrics';

const value = (text: string, line: RegExp) => {
  const m = text.split('\n').find((l) => line.test(l));
  return m === undefined ? undefined : Number(m.split(' ').pop());
};

describe('ServiceMetrics', () => {
  it('counts the records of successful chunks by phase, stage and object, and times every chunk', async () => {
    const m = new ServiceMetrics('loader', 'm1');
    await m.timeBatch('load', 'resolved', 'account', 3, async () => undefined);
    await m.timeBatch('load', 'resolved', 'account', 2, async () => undefined);
    await expect(m.timeBatch('load', 'resolved', 'contact', 4, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const text = await m.text();
    expect(value(text, /^ferry_records_total\{.*object="account"/)).toBe(5);
    expect(value(text, /^ferry_records_total\{.*object="contact"/)).toBeUndefined();
    expect(value(text, /^ferry_batch_failures_total\{phase="load"/)).toBe(1);
    expect(value(text, /^ferry_batch_duration_seconds_count\{.*phase="load"/)).toBe(2);
    expect(text).toMatch(/service="loader"/);
    expect(text).toMatch(/migration="m1"/);
    expect(text).toMatch(/^ferry_process_resident_memory_bytes/m);
  });

  it("follows the destination client's counters as they grow", async () => {
    const m = new ServiceMetrics('loader', 'm1');
    const counts = { requests: 4, retries: 1, throttled: 1 };
    m.watchDestination('dynamics', () => counts);
    expect(value(await m.text(), /^ferry_destination_requests_total/)).toBe(4);
    counts.requests = 10;
    counts.throttled = 3;
    const text = await m.text();
    expect(value(text, /^ferry_destination_requests_total/)).toBe(10);
    expect(value(text, /^ferry_destination_throttled_total/)).toBe(3);
    expect(value(text, /^ferry_destination_retries_total/)).toBe(1);
  });

  it("publishes the migration's figures as gauges", async () => {
    const m = new ServiceMetrics('reconciler', 'm1');
    m.watchMigration(async () => ({
      sources: [{ object: 'company', extracted: 10, transformed: 9, rejected: 1, partial: 0, inFlight: 0 }],
      entities: [{ entity: 'account', transformed: 9, resolved: 9, loaded: 8, rejected: 0, waiting: 1, inFlight: 0 }],
      lag: [{ group: 'g', phase: 'load', partitions: [{ topic: 't', partition: 0, lag: 7 }] }],
      restarts: [{ service: 'loader', restarts: 2 }],
    }));
    const text = await m.text();
    expect(value(text, /^ferry_source_records\{.*object="company".*state="extracted"/)).toBe(10);
    expect(value(text, /^ferry_destination_records\{.*entity="account".*state="loaded"/)).toBe(8);
    expect(value(text, /^ferry_parked_records\{.*entity="account"/)).toBe(1);
    expect(value(text, /^ferry_consumer_lag\{.*partition="0"/)).toBe(7);
    expect(value(text, /^ferry_service_restarts\{.*of_service="loader"/)).toBe(2);
  });

  it('serves /metrics, and with a token only to who sends it', async () => {
    const m = new ServiceMetrics('loader', 'm1');
    const url = await m.serve({ host: '127.0.0.1', port: 18340, token: 'secret-token' });
    try {
      expect((await fetch(url)).status).toBe(401);
      const ok = await fetch(url, { headers: { Authorization: 'Bearer secret-token' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toMatch(/ferry_records_total/);
    } finally {
      await m.close();
    }
  });
});

describe('metrics ports', () => {
  it('gives each service base + its index, nothing when the base is 0, and wants a token beyond loopback', () => {
    expect(metricsEndpoint('loader', { FERRY_METRICS_PORT: '9400' })).toEqual({ host: '127.0.0.1', port: 9403, token: null });
    expect(metricsEndpoint('loader', {})).toBeNull();
    expect(metricsEndpoint('sandbox', { FERRY_METRICS_PORT: '9400' })).toBeNull();
    expect(() => metricsEndpoint('loader', { FERRY_METRICS_PORT: '9400', FERRY_METRICS_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(Object.values(metricsUrls(9400))).toEqual([9400, 9401, 9402, 9403, 9404].map((p) => `http://127.0.0.1:${p}/metrics`));
  });
});
