import * as fs from 'fs';
import * as path from 'path';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createLogger, sleep } from '@ferry/common';
import { sourceConnector } from '@ferry/connectors/registry';
import { createKafka } from '@ferry/kafka';
import { connectDataSource } from '@ferry/persistence';
import { ChaosRun, Counter, faultTable, killAndWait, Outcome, PrivateInfra } from '@ferry/ops/testing';
import { uniqueMigration } from './support/it-env';

/**
 * Faults are weather. Every case runs the leaf360-dynamics route on a Kafka, registry and PostgreSQL of its own
 * (infra/infra.sh with a private FERRY_HOME and ports 18400-18499, stopped at the end), injects a fault while records
 * are being loaded, and then requires: the run settles (what `--once` waits for: every export read, every consumer
 * caught up, every object reconciled), and the sandbox holds each record exactly once (rows = distinct keys = the
 * loaded count = what the run without any fault loaded, with the same rejections). Services that die are started
 * again by the harness after 1 s, as a supervisor would, and listed.
 */
const RECORDS = Number(process.env.FERRY_CHAOS_RECORDS ?? 3000);
const SEED = 12;
const SANDBOX_PORT = 18410;
const SETTLE_MS = Number(process.env.FERRY_CHAOS_SETTLE_MS ?? 480_000);

const infra = new PrivateInfra({ kafka: 18492, controller: 18493, registry: 18481, registryManagement: 18482, pg: 18432 });
const exportDir = path.join(infra.home, 'export');
const reportFile = path.join(infra.home, 'chaos-report.txt');
const report: string[] = [];
let db: DataSource;
let admin: Admin;
let baseline: Outcome | null = null;

function record(name: string, o: Outcome): void {
  const t = faultTable(name, o);
  report.push(t);
  fs.writeFileSync(reportFile, `${report.join('\n\n')}\n`);
  process.stdout.write(`\n${t}\n`);
}

/** What every case must show: reconciled, each record once, the same records loaded and rejected as without faults. */
function expectExactlyOnce(o: Outcome): void {
  for (const [entity, e] of Object.entries(o.perEntity)) {
    expect({ entity, rows: e.rows, keys: e.keys }).toEqual({ entity, rows: e.loaded, keys: e.loaded });
    if (baseline) expect({ entity, loaded: e.loaded, rejected: e.rejected }).toEqual({ entity, loaded: baseline.perEntity[entity].loaded, rejected: baseline.perEntity[entity].rejected });
  }
  if (baseline) expect(o.rejectedBySource).toEqual(baseline.rejectedBySource);
  expect([o.lost, o.duplicated]).toEqual([0, 0]);
}

async function chaosCase(name: string, inject: (r: ChaosRun) => Promise<void>): Promise<Outcome> {
  const r = new ChaosRun({
    db, admin, infra, route: 'leaf360-dynamics', exportDir, sandboxPort: SANDBOX_PORT, expected: baseline, settleTimeoutMs: SETTLE_MS, migration: uniqueMigration('chaos'),
  });
  try {
    await r.start();
    await inject(r);
    const o = await r.finish();
    record(name, o);
    return o;
  } catch (e) {
    await r.abort();
    throw e;
  }
}

const MINUTE = 60_000;

describe('chaos: faults are weather', () => {
  beforeAll(async () => {
    await infra.up();
    db = await connectDataSource(infra.urls.db);
    await db.runMigrations({ transaction: 'each' });
    admin = createKafka({ brokers: infra.urls.kafka, clientId: 'chaos-harness', retries: 1 }, createLogger('chaos', 'fatal')).admin();
    await admin.connect();
    // alternate keys of a fresh sandbox schema become Active in half a second instead of ten
    process.env.SANDBOX_KEY_ACTIVATION_MS = '500';
    process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'info';
    await sourceConnector('leaf360').generate({ records: RECORDS, seed: SEED, out: exportDir, brokenReferences: false });
  }, 15 * MINUTE);

  afterAll(async () => {
    await admin?.disconnect().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    // the report and the services' logs stay; the broker's and database's data go
    await infra.down().catch((e: Error) => process.stdout.write(`${e.message}\n`));
    fs.rmSync(exportDir, { recursive: true, force: true });
    if (report.length) process.stdout.write(`\nchaos report: ${reportFile}\n${report.join('\n\n')}\n`);
  }, 5 * MINUTE);

  it('without a fault (the baseline every case is compared with)', async () => {
    baseline = await chaosCase('baseline', async () => undefined);
    expectExactlyOnce(baseline);
    expect(Object.values(baseline.perEntity).reduce((n, e) => n + e.loaded, 0)).toBeGreaterThan(RECORDS / 2);
  }, 15 * MINUTE);

  it('kill -9 of each of the five services in turn', async () => {
    const o = await chaosCase('kill -9 each service', async (r) => {
      const kill9 = async (name: string, counter: Counter) => {
        const f = r.fault(`kill -9 ${name}`, counter);
        r.held.add(name);
        await killAndWait(r.service(name).child.pid!, 'SIGKILL');
        await sleep(1000); // a supervisor's first backoff
        r.held.delete(name);
        await sleep(300);
        r.end(f);
        await sleep(3000);
      };
      await r.until('first extracted records', (s) => s.extracted > 0);
      await kill9('extractor', 'extracted');
      await r.until('transform in progress', (s) => s.transformed > 0);
      await kill9('transformer', 'transformed');
      await kill9('resolver', 'resolved');
      await r.loadedShare(0.2);
      await kill9('loader', 'loaded');
      await r.loadedShare(0.4);
      await kill9('reconciler', 'loaded');
    });
    expectExactlyOnce(o);
    expect(o.restarts).toHaveLength(5);
  }, 15 * MINUTE);

  it('kill -9 of the Kafka broker, restarted 25 s later', async () => {
    const o = await chaosCase('broker kill -9 + restart', async (r) => {
      await r.loadedShare(0.15);
      const f = r.fault('kill -9 broker, 25 s down', 'loaded');
      await infra.kill('kafka', 'SIGKILL');
      await sleep(25_000);
      await infra.up();
      r.end(f);
    });
    expectExactlyOnce(o);
  }, 15 * MINUTE);

  it('a schema registry restart', async () => {
    const o = await chaosCase('registry restart', async (r) => {
      await r.loadedShare(0.15);
      const f = r.fault('registry stop + start', 'loaded');
      await infra.kill('apicurio', 'SIGTERM');
      await infra.up();
      r.end(f);
    });
    expectExactlyOnce(o);
  }, 15 * MINUTE);

  it('a PostgreSQL restart', async () => {
    const o = await chaosCase('PostgreSQL restart', async (r) => {
      await r.loadedShare(0.15);
      const f = r.fault('PostgreSQL fast shutdown + start', 'loaded');
      await infra.kill('postgres', 'SIGINT');
      await infra.up();
      r.end(f);
    });
    expectExactlyOnce(o);
  }, 15 * MINUTE);

  it('a destination answering 429 for 40 s', async () => {
    const o = await chaosCase('destination 429 storm', async (r) => {
      await r.loadedShare(0.15);
      const f = r.fault('429 storm, 40 s, Retry-After 5', 'loaded');
      const res = await fetch(`${r.stack.sandboxUrl}/_sandbox/storm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 429, seconds: 40, retryAfter: 5 }),
      });
      expect(res.status).toBe(200);
      const { storm: started } = (await res.json()) as { storm: { endsAt: number } };
      await sleep(Math.max(0, started.endsAt - Date.now()) + 200);
      r.end(f);
      f.end = started.endsAt;
      const storm = (await (await fetch(`${r.stack.sandboxUrl}/_sandbox/storm`)).json()) as { storm: { refused: number; active: boolean } };
      expect(storm.storm.active).toBe(false);
      expect(storm.storm.refused).toBeGreaterThan(0);
    });
    expectExactlyOnce(o);
  }, 15 * MINUTE);
});
