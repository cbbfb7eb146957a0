import * as vm from 'vm';
import { ConfigError } from '@ferry/config';
import { dashboardEndpoint, dashboardUrl } from './dashboard.settings';
import { dashboardPage } from './dashboard.page';
import { etaSeconds, RateTracker } from './rates';

describe('RateTracker', () => {
  it('gives records per second over its window, and starts again when a count goes down', () => {
    const r = new RateTracker(10_000);
    expect(r.rate('a')).toBeNull();
    r.add(0, new Map([['a', 0]]));
    r.add(2_000, new Map([['a', 100]]));
    expect(r.rate('a')).toBe(50);
    r.add(4_000, new Map([['a', 300]]));
    expect(r.rate('a')).toBe(75);
    r.add(30_000, new Map([['a', 300]]));
    expect(r.rate('a')).toBe(0);
    // a replay reset the count: only samples at or below it count (10 → 50 in 2 s)
    r.add(32_000, new Map([['a', 10]]));
    expect(r.rate('a')).toBe(0);
    r.add(34_000, new Map([['a', 50]]));
    expect(r.rate('a')).toBe(20);
  });

  it('ignores a sample older than the last', () => {
    const r = new RateTracker();
    r.add(1_000, new Map([['a', 10]]));
    r.add(500, new Map([['a', 0]]));
    r.add(2_000, new Map([['a', 20]]));
    expect(r.rate('a')).toBe(10);
  });
});

describe('etaSeconds', () => {
  it('is 0 when nothing remains, null when nothing moves, else remaining / rate rounded up', () => {
    expect(etaSeconds(0, null)).toBe(0);
    expect(etaSeconds(10, 0)).toBeNull();
    expect(etaSeconds(10, null)).toBeNull();
    expect(etaSeconds(10, 3)).toBe(4);
  });
});

describe('dashboard endpoint', () => {
  it('binds loopback by default and refuses to bind beyond it without a token', () => {
    expect(dashboardEndpoint({}, {})).toEqual({ host: '127.0.0.1', port: 8480, token: null });
    expect(() => dashboardEndpoint({}, { FERRY_DASHBOARD_HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => dashboardEndpoint({}, { FERRY_DASHBOARD_HOST: '0.0.0.0' })).toThrow(/FERRY_DASHBOARD_TOKEN is not set/);
    const token = 'a-long-enough-token-1';
    expect(dashboardEndpoint({ port: 9 }, { FERRY_DASHBOARD_HOST: '0.0.0.0', FERRY_DASHBOARD_TOKEN: token })).toEqual({ host: '0.0.0.0', port: 9, token });
  });

  it('gives the URL of a migration without the token, or null when the reconciler serves none', () => {
    expect(dashboardUrl('demo-1', { FERRY_DASHBOARD_PORT: '18310' })).toBe('http://127.0.0.1:18310/?migration=demo-1');
    expect(dashboardUrl('demo-1', { FERRY_DASHBOARD_PORT: '0' })).toBeNull();
    const url = dashboardUrl('demo-1', { FERRY_DASHBOARD_HOST: '0.0.0.0', FERRY_DASHBOARD_TOKEN: 'a-long-enough-token-1' });
    expect(url).toBe('http://127.0.0.1:8480/?migration=demo-1');
  });
});

describe('dashboardPage', () => {
  it('is one page whose script parses, fetches nothing from elsewhere, and escapes the migration id', () => {
    const html = dashboardPage('<m>');
    const script = html.slice(html.indexOf('<script>') + 8, html.indexOf('</script>'));
    expect(() => new vm.Script(script)).not.toThrow();
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('&#60;m&#62;');
    expect(html).not.toContain('<m>');
  });
});
