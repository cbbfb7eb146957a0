import { execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { Browser, Page } from 'puppeteer-core';
import puppeteer from 'puppeteer-core';
import type { DataSource } from 'typeorm';
import { createLogger, pollUntil, sleep } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { RoutePlan } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import { DashboardData, DashboardServer, startDashboardServer } from '@ferry/dashboard';
import { createDestination } from '@ferry/destinations/registry';
import { createKafka } from '@ferry/kafka';
import { confirmedMap, draftFromTemplate } from '@ferry/mapping';
import { metricsUrls } from '@ferry/metrics';
import { assertAlive, progress, RouteStack, startRouteStack, StatusReport, statusReport } from '@ferry/ops';
import { connectDataSource, DashboardRepository, MapVersionRepository } from '@ferry/persistence';
import { testDatabaseUrl, uniqueMigration } from './support/it-env';

/**
 * The dashboard in Debian's chromium (puppeteer-core, an explicit executable, no browser download), and every
 * service's Prometheus metrics, scraped while a small migration runs. Ports 18300–18349 are this suite's.
 */
const root = path.resolve(__dirname, '..');
const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';
const SANDBOX_PORT = 18305;
const RECONCILER_DASHBOARD_PORT = 18310;
const CLI_DASHBOARD_PORT = 18311;
const TOKEN_DASHBOARD_PORT = 18312;
const METRICS_BASE = 18320;
const cfg = loadConfig([settings.kafka]);
const run = promisify(execFile);

type Sample = { labels: Record<string, string>; value: number };
/** The samples of one metric in Prometheus's text format. */
function samples(text: string, name: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ labels, value: Number(m[4]) });
  }
  return out;
}
const sum = (xs: Sample[], where: Record<string, string> = {}) =>
  xs.filter((s) => Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

async function scrape(service: string): Promise<string> {
  const res = await fetch(metricsUrls(METRICS_BASE)[service]);
  expect(res.status).toBe(200);
  return res.text();
}

/** The numbers the page shows, by their data-k name. */
function pageNumbers(page: Page): Promise<Record<string, number>> {
  // A string, evaluated in the page (this project compiles without the DOM's types).
  return page.evaluate(`(() => {
    const out = {};
    for (const e of document.querySelectorAll('[data-k]')) {
      const v = Number((e.textContent || '').replace(/,/g, ''));
      if (e.textContent !== '–' && e.textContent !== '' && !Number.isNaN(v)) out[e.getAttribute('data-k')] = v;
    }
    return out;
  })()`) as Promise<Record<string, number>>;
}

/** The page has drawn its first snapshot (the map version is shown). */
const drawn = (page: Page) => page.waitForFunction(`/#/.test(document.querySelector('[data-k="mapVersion"]')?.textContent || '')`, { timeout: 60_000 });

/** The same names for what `ferry status --json` reports. */
function statusNumbers(s: Pick<StatusReport, 'sources' | 'entities'>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of s.sources) for (const f of ['extracted', 'transformed', 'rejected', 'partial', 'inFlight'] as const) out[`source.${x.object}.${f}`] = x[f];
  for (const x of s.entities) for (const f of ['transformed', 'resolved', 'loaded', 'rejected', 'waiting', 'inFlight'] as const) out[`entity.${x.entity}.${f}`] = x[f];
  return out;
}
const only = (all: Record<string, number>, prefix: RegExp) => Object.fromEntries(Object.entries(all).filter(([k]) => prefix.test(k)));
const loadedSum = (n: Record<string, number>) => Object.entries(n).filter(([k]) => /^entity\..*\.loaded$/.test(k)).reduce((a, [, v]) => a + v, 0);

describe('the dashboard in a real browser, and the services\' metrics, during a migration', () => {
  const migration = uniqueMigration('dash');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-dashboard-'));
  const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'test' }, createLogger('test', 'warn'));
  const admin = kafka.admin();
  const savedEnv = { ...process.env };
  let db: DataSource;
  let plan: RoutePlan;
  let stack: RouteStack | undefined;
  let browser: Browser;
  let cliServer: DashboardServer;
  let page: Page;

  beforeAll(async () => {
    execFileSync('bash', [path.join(root, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
    db = await connectDataSource(testDatabaseUrl());
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    await sourceConnector('leaf360').generate({ records: 1500, seed: 12, out: path.join(workDir, 'export'), brokenReferences: false });
    const draft = await draftFromTemplate(db, migration, 'leaf360-dynamics', 'dashboard test');
    await new MapVersionRepository(db, migration).confirm(draft.version, 'dashboard test');
    plan = (await confirmedMap(db, migration))!.plan;
    // The dashboard as `ferry dashboard` serves it, open before anything moves.
    cliServer = await startDashboardServer(new DashboardData(db, admin, plan, migration, 'test'), { host: '127.0.0.1', port: CLI_DASHBOARD_PORT, token: null });
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 1000 });
  });

  afterAll(async () => {
    await stack?.stop();
    await browser?.close();
    await cliServer?.close();
    await admin.disconnect();
    await db?.destroy();
    process.env = savedEnv;
  });

  it('shows numbers that move while the migration runs and end equal to `ferry status --json`; every service serves metrics that match', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(cliServer.url, { waitUntil: 'load' });
    await drawn(page);
    const before = await pageNumbers(page);
    expect(loadedSum(before)).toBe(0);

    // Small load chunks: the destination takes 1,000 records a request by default, which would finish this migration
    // between two refreshes of the page (every 2 s); 100 a request keeps it loading long enough to watch it move.
    Object.assign(process.env, { FERRY_DASHBOARD_PORT: String(RECONCILER_DASHBOARD_PORT), FERRY_METRICS_PORT: String(METRICS_BASE), FERRY_LOAD_BATCH_SIZE: '100' });
    stack = await startRouteStack(
      {
        plan, migration, exportDir: path.join(workDir, 'export'), logDir: path.join(workDir, 'logs'), sandboxPort: SANDBOX_PORT,
        databaseUrl: testDatabaseUrl(), kafkaBrokers: cfg.KAFKA_BROKERS, registryUrl: cfg.SCHEMA_REGISTRY_URL, partitions: 3, resetSandbox: true,
        beforeServices: async (env) => {
          const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
          await destination.applySchema(await destination.planSchema(plan));
        },
      },
      db,
    );
    const services = stack.services;

    // While it runs: the page's loaded total and the loader's record counter are read again and again.
    const seenOnPage: number[] = [];
    const loaderCounts: number[] = [];
    const settled = await pollUntil(
      async () => {
        assertAlive(services);
        seenOnPage.push(loadedSum(await pageNumbers(page)));
        const loader = await scrape('loader').catch(() => null);
        if (loader) loaderCounts.push(sum(samples(loader, 'ferry_records_total'), { phase: 'load' }));
        const p = await progress(db, admin, plan, migration);
        return p.settled ? p : undefined;
      },
      { timeoutMs: 300_000, intervalMs: 1000, what: 'the migration to reconcile' },
    );
    const totalLoaded = settled.entities.reduce((a, e) => a + e.loaded, 0);
    expect(totalLoaded).toBeGreaterThan(300);

    // The page moved: it showed several different totals on the way up, never going down.
    const distinct = [...new Set(seenOnPage)];
    expect(distinct.length).toBeGreaterThanOrEqual(3);
    expect(seenOnPage).toEqual([...seenOnPage].sort((a, b) => a - b));
    expect(Math.min(...seenOnPage)).toBeLessThan(totalLoaded);
    // So did the loader's counter.
    expect(loaderCounts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(loaderCounts).size).toBeGreaterThanOrEqual(2);

    // Settled: the page shows exactly what `ferry status --json` says.
    const { stdout } = await run(process.execPath, [path.join(root, 'bin', 'ferry.js'), 'status', '--json', '--migration', migration], {
      env: { ...process.env, DATABASE_URL: testDatabaseUrl() },
      timeout: 120_000,
    });
    const cli = JSON.parse(stdout) as StatusReport;
    const expected = statusNumbers(cli);
    await pollUntil(async () => {
      const shown = only(await pageNumbers(page), /^(source|entity)\./);
      return JSON.stringify(shown) === JSON.stringify(only(expected, /./)) ? shown : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'the page to show what ferry status --json shows' }).catch(async (e: Error) => {
      expect(only(await pageNumbers(page), /^(source|entity)\./)).toEqual(expected);
      throw e;
    });
    for (const g of cli.consumerGroups) expect((await pageNumbers(page))[`lag.${g.group}`]).toBe(g.totalLag);

    // The reconciler serves the same page for its migration.
    const reconcilerPage = await browser.newPage();
    await reconcilerPage.goto(`http://127.0.0.1:${RECONCILER_DASHBOARD_PORT}/?migration=${migration}`, { waitUntil: 'load' });
    await pollUntil(async () => {
      const shown = only(await pageNumbers(reconcilerPage), /^(source|entity)\./);
      return JSON.stringify(shown) === JSON.stringify(expected) ? true : undefined;
    }, { timeoutMs: 30_000, intervalMs: 500, what: "the reconciler's dashboard to show the same numbers" });
    expect(await reconcilerPage.$eval('body', (b) => b.textContent ?? '')).toMatch(/served by reconciler/);
    await reconcilerPage.close();

    // A dead letter drills down to its records.
    const dlqRow = await page.$('#dlq tr.click');
    if (dlqRow) {
      await dlqRow.click();
      await page.waitForSelector('#dlq-records tr[data-dlq-key]', { timeout: 15_000 });
    }

    // The README's picture: the migration as it ended (before the rows this test adds to other parts' tables below).
    await page.screenshot({ path: path.join(root, 'docs', 'dashboard.png'), fullPage: true });

    // Tables other parts add (the supervisor's service_state, the parity gate's cutover_verdict): shown when present.
    const optional = new DashboardRepository(db, migration);
    const serviceState = await optional.optional('service_state');
    if (serviceState) {
      await db.query(`INSERT INTO ferry.service_state (migration_id, service, status, restarts) VALUES ($1, 'loader', 'running', 2)`, [migration]);
    }
    const verdicts = await optional.optional('cutover_verdict');
    if (verdicts) {
      await db.query(
        `INSERT INTO ferry.cutover_verdict (migration_id, passed, sample_size, seed, objects, mismatch_count, mismatches) VALUES ($1, true, 5, 'dash', '{}', 0, '[]')`,
        [migration],
      );
    }
    await pollUntil(async () => ((await pageNumbers(page)).restarts === (serviceState ? 2 : 0) ? true : undefined), { timeoutMs: 20_000, intervalMs: 500, what: 'the restarts the supervisor recorded' });
    const body = await page.$eval('body', (b) => b.textContent ?? '');
    if (verdicts) expect(await page.$eval('[data-verdict]', (e) => e.textContent)).toBe('PASSED');
    else expect(body).toMatch(/no ferry\.cutover_verdict table yet/);
    if (!serviceState) expect(body).toMatch(/ferry\.service_state, which this database does not have yet/);

    // Metrics, scraped from each service, agree with the reconciliation.
    const recon = await pollUntil(async () => {
      const text = await scrape('reconciler');
      return !serviceState || sum(samples(text, 'ferry_service_restarts'), { of_service: 'loader' }) === 2 ? text : undefined;
    }, { timeoutMs: 20_000, intervalMs: 1000, what: "the reconciler's restarts gauge" });
    const final = await statusReport(db, admin, plan, migration);
    for (const e of final.entities) {
      expect(sum(samples(recon, 'ferry_destination_records'), { entity: e.entity, state: 'loaded' })).toBe(e.loaded);
      expect(sum(samples(recon, 'ferry_parked_records'), { entity: e.entity })).toBe(e.waiting);
    }
    for (const s of final.sources) expect(sum(samples(recon, 'ferry_source_records'), { object: s.object, state: 'extracted' })).toBe(s.extracted);
    expect(sum(samples(recon, 'ferry_consumer_lag'))).toBe(0);
    // The transformer read each extracted topic once: its counter is the topic's message count.
    const transformer = await scrape('transformer');
    for (const t of final.topics.filter((x) => x.topic.includes('.extracted.'))) {
      expect(sum(samples(transformer, 'ferry_records_total'), { phase: 'transform', stage: 'extracted', object: t.topic.split('.').pop()! })).toBe(t.total);
    }
    const extractor = await scrape('extractor');
    const extractedEvents = final.topics.filter((x) => x.topic.includes('.extracted.')).reduce((a, t) => a + t.total, 0);
    expect(sum(samples(extractor, 'ferry_records_total'), { phase: 'extract', stage: 'extracted' })).toBe(extractedEvents);
    const loader = await scrape('loader');
    expect(sum(samples(loader, 'ferry_records_total'), { phase: 'load' })).toBeGreaterThanOrEqual(totalLoaded);
    expect(sum(samples(loader, 'ferry_destination_requests_total'))).toBeGreaterThan(0);
    expect(sum(samples(loader, 'ferry_batch_duration_seconds_count'), { phase: 'load' })).toBeGreaterThan(0);
    expect(samples(loader, 'ferry_process_resident_memory_bytes')[0].value).toBeGreaterThan(0);
    const resolver = await scrape('resolver');
    expect(sum(samples(resolver, 'ferry_records_total'), { phase: 'resolve', stage: 'transformed' })).toBeGreaterThan(0);

    expect(errors).toEqual([]);
  });

  it('beyond loopback a token is required: refused without it, and the page carries it to its calls', async () => {
    const token = 'dashboard-test-token-0123456789';
    const server = await startDashboardServer(new DashboardData(db, admin, plan, migration, 'test'), { host: '127.0.0.1', port: TOKEN_DASHBOARD_PORT, token });
    try {
      expect((await fetch(server.url)).status).toBe(401);
      expect((await fetch(server.url.replace('/?', '/api/snapshot?'))).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${TOKEN_DASHBOARD_PORT}/api/snapshot`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
      const p = await browser.newPage();
      await p.goto(`${server.url}&token=${token}`, { waitUntil: 'load' });
      await drawn(p);
      expect(await p.$eval('#error', (e) => e.textContent)).toBe('');
      await p.close();
    } finally {
      await server.close();
      await sleep(10);
    }
  });

  it('`ferry dashboard` serves the same snapshot from the CLI, and refuses to bind beyond loopback without a token', async () => {
    const env = { ...process.env, DATABASE_URL: testDatabaseUrl(), FERRY_DASHBOARD_PORT: '' };
    const refused = await run(process.execPath, [path.join(root, 'bin', 'ferry.js'), 'dashboard', '--migration', migration, '--host', '0.0.0.0', '--port', '18313'], { env, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual(['ferry: configuration: FERRY_DASHBOARD_TOKEN is not set (required when the dashboard binds 0.0.0.0, beyond loopback)']);

    const child = spawn(process.execPath, [path.join(root, 'bin', 'ferry.js'), 'dashboard', '--migration', migration, '--port', '18313'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      await pollUntil(async () => (/http:\/\/127\.0\.0\.1:18313\//.test(out) ? true : undefined), { timeoutMs: 60_000, intervalMs: 250, what: `ferry dashboard to start (${out})` });
      const snap = (await (await fetch('http://127.0.0.1:18313/api/snapshot')).json()) as { status: StatusReport };
      const expected = await statusReport(db, admin, plan, migration);
      expect(statusNumbers(snap.status)).toEqual(statusNumbers(expected));
      expect(snap.status.migration).toBe(migration);
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
