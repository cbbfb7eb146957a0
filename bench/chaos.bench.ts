import { Command } from 'commander';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLogger, sleep } from '@ferry/common';
import { sourceConnector } from '@ferry/connectors/registry';
import { createKafka } from '@ferry/kafka';
import { connectDataSource } from '@ferry/persistence';
import { ChaosRun, faultTable, Outcome, PrivateInfra } from '@ferry/ops/testing';

/**
 * How long a run takes with and without one broker restart in the middle, on a Kafka, registry and PostgreSQL of its
 * own (ports 18450-18459: never the shared ones, which must not be killed). Both runs move the same generated
 * sample; the second kills -9 the broker `--broker-restart-at` seconds after its start and starts it again `--down`
 * seconds later.
 */
async function main(): Promise<void> {
  const o = new Command()
    .option('--records <n>', 'records in the sample, over every object of the source', (v) => Number(v), 100_000)
    .option('--route <route>', 'route to run', 'leaf360-dynamics')
    .option('--broker-restart-at <s>', 'seconds after the start of the second run (default: half of the first run)', (v) => Number(v))
    .option('--down <s>', 'seconds the broker stays down', (v) => Number(v), 20)
    .option('--settle-timeout <s>', 'seconds a run may take', (v) => Number(v), 3600)
    .parse(process.argv)
    .opts();
  const infra = new PrivateInfra({ kafka: 18452, controller: 18453, registry: 18454, registryManagement: 18455, pg: 18456 }, 'ferry-bench-chaos-');
  const exportDir = path.join(infra.home, 'export');
  const say = (s: string) => process.stdout.write(`${s}\n`);
  say(`bench:chaos: private infrastructure in ${infra.home}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  await infra.up();
  const db = await connectDataSource(infra.urls.db);
  const admin = createKafka({ brokers: infra.urls.kafka, clientId: 'bench-chaos', retries: 1 }, createLogger('bench', 'fatal')).admin();
  try {
    await db.runMigrations({ transaction: 'each' });
    await admin.connect();
    process.env.SANDBOX_KEY_ACTIVATION_MS ??= '500';
    await sourceConnector(o.route.split('-')[0]).generate({ records: o.records, seed: 42, out: exportDir, brokenReferences: false });
    const base = { db, admin, infra, route: o.route, exportDir, sandboxPort: 18457, settleTimeoutMs: o.settleTimeout * 1000 };
    const plain = new ChaosRun({ ...base, migration: `bench-plain-${Date.now().toString(36)}` });
    await plain.start();
    const a = await plain.finish();
    say(faultTable('without a fault', a));
    const at = o.brokerRestartAt ?? Math.round(a.settledSeconds / 2);
    const faulty = new ChaosRun({ ...base, expected: a, migration: `bench-broker-${Date.now().toString(36)}` });
    await faulty.start();
    while (faulty.now < at) await sleep(250);
    const f = faulty.fault(`kill -9 broker at ${at} s, ${o.down} s down`, 'loaded');
    await infra.kill('kafka', 'SIGKILL');
    await sleep(o.down * 1000);
    await infra.up();
    faulty.end(f);
    const b = await faulty.finish();
    say(faultTable('with one broker restart', b));
    say(result(o.records, a, b));
    fs.writeFileSync(path.join(infra.home, 'bench-chaos.txt'), `${faultTable('without a fault', a)}\n\n${faultTable('with one broker restart', b)}\n${result(o.records, a, b)}\n`);
    if (b.lost || b.duplicated) process.exitCode = 1;
  } finally {
    await admin.disconnect().catch(() => undefined);
    await db.destroy().catch(() => undefined);
    await infra.down();
    fs.rmSync(exportDir, { recursive: true, force: true });
  }
}

function result(records: number, a: Outcome, b: Outcome): string {
  const loaded = (o: Outcome) => Object.values(o.perEntity).reduce((n, e) => n + e.loaded, 0);
  return [
    `\nbench:chaos records=${records} load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (1, 5, 15 min)`,
    `  without a fault          ${a.settledSeconds.toFixed(1)} s to settle, ${loaded(a)} loaded`,
    `  one broker restart       ${b.settledSeconds.toFixed(1)} s to settle, ${loaded(b)} loaded, lost ${b.lost}, duplicated ${b.duplicated}, recovery ${b.faults[0]?.recovery ?? '-'} s after the broker was back`,
    `  cost of the restart      ${(b.settledSeconds - a.settledSeconds).toFixed(1)} s`,
  ].join('\n');
}

main().catch((e) => {
  process.stderr.write(`bench:chaos: ${(e as Error).message}\n`);
  process.exit(1);
});
