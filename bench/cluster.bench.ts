import { execFileSync } from 'child_process';
import * as path from 'path';
import { Command } from 'commander';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { createLogger, projectRoot, sleep } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { consumerGroups } from '@ferry/contracts';
import { createKafka } from '@ferry/kafka';
import { connectDataSource, ReconRepository } from '@ferry/persistence';
import type { Reconciliation } from '@ferry/ops';
import { runDemo } from '../apps/cli/src/demo.command';

/**
 * Scale-out on a real 3-node Kafka cluster (`infra.sh cluster`, replication factor 3, min.insync.replicas 2): the
 * Leaf360 → Dynamics route with one and with several processes per phase, which partitions each replica owns (from
 * Kafka's own group descriptions), and optionally one broker killed mid-run, after which nothing may be missing or
 * doubled in the destination.
 *
 *   npm run bench:cluster -- --records 20000 --replicas 1,2 --kill-broker
 */

const INFRA = path.join(projectRoot(), 'infra', 'infra.sh');
const PHASES = ['transform', 'resolve', 'load', 'reconcile'] as const;
const out = (s = '') => process.stdout.write(`${s}\n`);

interface RunFigures {
  replicas: number;
  killed: number | null;
  records: number;
  rates: Record<string, number>;
  endToEnd: number;
  seconds: number;
  lost: number;
  doubled: number;
  reconciled: boolean;
}

async function main(): Promise<void> {
  const o = new Command()
    .option('--records <n>', 'records in the Leaf360 sample, over every object', (v) => Number(v), 20_000)
    .option('--replicas <list>', 'processes per phase, one run for each, e.g. 1,2', '1,2')
    .option('--kill-broker [node]', 'one more run (with the largest --replicas) in which this node (default 2) is SIGKILLed mid-run')
    .option('--kill-at <share>', 'kill when this share of the records has loaded', (v) => Number(v), 0.25)
    .option('--partitions <n>', 'partitions per topic', (v) => Number(v), 4)
    .option('--port <n>', 'port of the destination sandbox', (v) => Number(v), 18810)
    .option('--keep-cluster', 'leave the cluster running at the end (by default it is stopped if this run started it)')
    .parse(process.argv)
    .opts();
  const replicas = String(o.replicas).split(',').map((v) => Number(v.trim()));
  if (replicas.some((n) => !Number.isInteger(n) || n < 1 || n > 8)) throw new Error(`--replicas takes whole numbers from 1 to 8, e.g. 1,2 (got ${o.replicas})`);
  const killNode = o.killBroker === undefined ? null : o.killBroker === true ? 2 : Number(o.killBroker);
  if (killNode !== null && ![1, 2, 3].includes(killNode)) throw new Error(`--kill-broker names node 1, 2 or 3 (got ${o.killBroker})`);

  let startedCluster = false;
  if (!clusterUp()) {
    out('starting the local 3-node cluster (infra.sh cluster up)…');
    execFileSync('bash', [INFRA, 'cluster', 'up'], { stdio: ['ignore', 'inherit', 'inherit'] });
    startedCluster = true;
  }
  for (const line of execFileSync('bash', [INFRA, 'cluster', 'env'], { encoding: 'utf8' }).trim().split('\n')) {
    const [k, v] = line.split('=');
    process.env[k] = v;
  }
  process.env.FERRY_TOPIC_PARTITIONS = String(o.partitions);
  out(`cluster ${process.env.KAFKA_BROKERS}: replication factor ${process.env.KAFKA_REPLICATION_FACTOR}, min.insync.replicas ${process.env.KAFKA_MIN_INSYNC_REPLICAS}, ${o.partitions} partitions per topic`);

  const admin = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'bench-cluster', retries: 5 }, createLogger('bench', 'fatal')).admin();
  await admin.connect();
  const results: RunFigures[] = [];
  try {
    const plan = [...replicas.map((r) => ({ r, kill: null as number | null })), ...(killNode !== null ? [{ r: Math.max(...replicas), kill: killNode }] : [])];
    for (const { r, kill } of plan) {
      results.push(await oneRun(admin, { records: o.records, replicas: r, kill, killAt: o.killAt, port: o.port }));
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
    if (startedCluster && !o.keepCluster) execFileSync('bash', [INFRA, 'cluster', 'down'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }

  out('\nbench:cluster summary (Leaf360 → Dynamics, records/s from the first to the last record of each phase)');
  out(`  ${'replicas'.padEnd(9)}${'broker'.padEnd(15)}${'records'.padStart(8)}${'extract'.padStart(9)}${'transform'.padStart(10)}${'resolve'.padStart(9)}${'load'.padStart(8)}${'end to end'.padStart(16)}${'lost'.padStart(6)}${'doubled'.padStart(9)}`);
  for (const f of results) {
    out(`  ${String(f.replicas).padEnd(9)}${(f.killed ? `node ${f.killed} killed` : 'all up').padEnd(15)}${String(f.records).padStart(8)}${String(f.rates.extracted).padStart(9)}${String(f.rates.transformed).padStart(10)}${String(f.rates.resolved).padStart(9)}${String(f.rates.loaded).padStart(8)}${`${f.endToEnd} (${f.seconds.toFixed(1)} s)`.padStart(16)}${String(f.lost).padStart(6)}${String(f.doubled).padStart(9)}`);
  }
  if (results.some((f) => !f.reconciled || f.lost || f.doubled)) process.exitCode = 1;
}

function clusterUp(): boolean {
  try {
    execFileSync('bash', [INFRA, 'cluster', 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function oneRun(admin: Admin, o: { records: number; replicas: number; kill: number | null; killAt: number; port: number }): Promise<RunFigures> {
  const migration = `cluster-r${o.replicas}${o.kill ? `-kill${o.kill}` : ''}-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  out(`\n== ${o.replicas} replica(s) per phase${o.kill ? `, node ${o.kill} killed once ${Math.round(o.killAt * 100)} % has loaded` : ''}: migration ${migration}, ${o.records} records`);
  const { DATABASE_URL } = loadConfig([settings.database]);
  const db = await connectDataSource(DATABASE_URL);
  const groups = PHASES.map((p) => consumerGroups[p](migration));
  let assignment: Map<string, Member[]> | null = null;
  let killedAt: number | null = null;
  let running = true;

  // Beside the run: the group descriptions once every replica holds partitions, and the kill at the given share.
  const watch = (async () => {
    while (running) {
      await sleep(1000);
      const seen = await describe(admin, groups).catch(() => null);
      if (seen && groups.every((g) => (seen.get(g) ?? []).filter((m) => m.partitions > 0).length === o.replicas)) assignment ??= seen;
      if (o.kill && killedAt === null) {
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM ferry.recon_target WHERE migration_id = $1 AND loaded_at IS NOT NULL`, [migration]);
        if (n >= o.records * o.killAt) {
          execFileSync('bash', [INFRA, 'cluster', 'kill-broker', String(o.kill)], { stdio: ['ignore', 'inherit', 'inherit'] });
          killedAt = n;
        }
      }
    }
  })();

  let r: Awaited<ReturnType<typeof runDemo>>;
  try {
    r = await runDemo({ once: true, quiet: true, seed: 42, stallTimeout: 180, sandboxPort: o.port, route: 'leaf360-dynamics', records: o.records, migration, replicas: o.replicas });
  } finally {
    running = false;
    await watch;
  }
  try {
    if (o.kill) {
      if (killedAt === null) out(`  ! node ${o.kill} was never killed: the run ended before ${Math.round(o.killAt * 100)} % had loaded (lower --kill-at)`);
      else out(`  node ${o.kill} was killed when ${killedAt} records had loaded; the run went on with two nodes`);
      if (!clusterUp()) execFileSync('bash', [INFRA, 'cluster', 'start-broker', String(o.kill)], { stdio: ['ignore', 'inherit', 'inherit'] });
    }
    printAssignment(assignment, migration, o.replicas);

    const check = await verify(db, r.migration, r.rows, r.reconciled, o.port);
    const times = await new ReconRepository(db, r.migration).phaseTimes();
    const total = r.rows.sources.reduce((s, x) => s + x.extracted, 0);
    const start = Math.min(...times.map((t) => t.first.getTime()));
    const rates: Record<string, number> = {};
    for (const phase of ['extracted', 'transformed', 'resolved', 'loaded'] as const) {
      const ts = times.filter((t) => t.phase === phase);
      const n = phase === 'extracted' ? total : r.rows.entities.reduce((s, x) => s + x[phase], 0);
      const secs = Math.max(0.001, (Math.max(...ts.map((t) => t.last.getTime())) - Math.min(...ts.map((t) => t.first.getTime()))) / 1000);
      rates[phase] = Math.round(n / secs);
    }
    const lastLoad = Math.max(...times.filter((t) => t.phase === 'loaded').map((t) => t.last.getTime()));
    const seconds = (lastLoad - start) / 1000;
    const endToEnd = Math.round(total / seconds);
    out(`  throughput   extract ${rates.extracted}, transform ${rates.transformed}, resolve ${rates.resolved}, load ${rates.loaded} rec/s; end to end ${total} records in ${seconds.toFixed(1)} s = ${endToEnd} rec/s`);
    out(`  reconciled   ${r.reconciled ? 'yes' : 'NO'} (extracted = loaded + rejected + waiting, per object; \`ferry status --migration ${r.migration}\` shows the same)`);
    return { replicas: o.replicas, killed: killedAt !== null ? o.kill : null, records: total, rates, endToEnd, seconds, lost: check.lost, doubled: check.doubled, reconciled: r.reconciled };
  } finally {
    await db.destroy();
  }
}

interface Member {
  clientId: string;
  partitions: number;
  topics: Record<string, number[]>;
}

/** Each group's members and what the group leader assigned them, decoded from Kafka's own DescribeGroups answer. */
async function describe(admin: Admin, groups: string[]): Promise<Map<string, Member[]>> {
  const { groups: described } = await admin.describeGroups(groups);
  const outMap = new Map<string, Member[]>();
  for (const g of described) {
    if (g.state !== 'Stable') continue;
    outMap.set(g.groupId, g.members.map((m) => {
      const a = AssignerProtocol.MemberAssignment.decode(m.memberAssignment);
      const topics = a?.assignment ?? {};
      return { clientId: m.clientId, topics, partitions: Object.values(topics).reduce((s, p) => s + p.length, 0) };
    }).sort((x, y) => x.clientId.localeCompare(y.clientId)));
  }
  return outMap;
}

function printAssignment(seen: Map<string, Member[]> | null, migration: string, replicas: number): void {
  if (!seen) {
    out(`  partitions   no moment was seen where every group had ${replicas} member(s) holding partitions`);
    return;
  }
  out('  partitions   per phase, which replica (Kafka client id) owns which partitions, from the group description:');
  const prefix = `ferry.${migration}.`;
  for (const p of PHASES) {
    const members = seen.get(consumerGroups[p](migration)) ?? [];
    for (const m of members) {
      const topics = Object.entries(m.topics)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([t, ps]) => `${t.slice(prefix.length).replace(/^(extracted|transformed|resolved|loaded)\.[a-z0-9]+\./, '$1.')}[${[...ps].sort((a, b) => a - b).join(',')}]`);
      const shown = topics.length > 8 ? `${topics.slice(0, 8).join(' ')} … (+${topics.length - 8} topics)` : topics.join(' ');
      out(`    ${p.padEnd(10)} ${m.clientId.padEnd(22)} ${String(m.partitions).padStart(3)} partitions: ${shown}`);
    }
  }
}

/**
 * Nothing lost: the run reconciled (every record loaded, rejected with a reason or visibly waiting), and every
 * destination record the reconciler counts as loaded is a row in the destination sandbox, entity by entity. Nothing
 * doubled: no record was created twice (the audit log), and no entity has more rows than records loaded. Until a
 * run reconciles the reconciler's counts may trail the destination, so the row comparison only counts then; an
 * unreconciled run counts every record not yet loaded as lost.
 */
async function verify(db: Awaited<ReturnType<typeof connectDataSource>>, migration: string, rows: Reconciliation, reconciled: boolean, port: number): Promise<{ lost: number; doubled: number }> {
  const schema = `sandbox_dataverse_${port}`;
  const dest = new Map<string, number>(
    (await db.query(`SELECT entity, count(*)::int AS n FROM "${schema}".records WHERE alt_key IS NOT NULL GROUP BY entity`) as Array<{ entity: string; n: number }>).map((x) => [x.entity, x.n]),
  );
  const creates = new Map<string, { created: number; twice: number }>(
    (await db.query(
      `SELECT entity, count(*)::int AS created, count(*) FILTER (WHERE n > 1)::int AS twice
         FROM (SELECT entity, alternate_key, count(*) AS n FROM ferry.audit_log WHERE migration_id = $1 AND action = 'created' GROUP BY entity, alternate_key) k
        GROUP BY entity`,
      [migration],
    ) as Array<{ entity: string; created: number; twice: number }>).map((x) => [x.entity, x]),
  );
  let lost = 0;
  let doubled = 0;
  out(`  destination  ${'entity'.padEnd(24)}${'loaded'.padStart(8)}${'rows'.padStart(8)}${'created'.padStart(9)}${'created twice'.padStart(15)}`);
  for (const e of rows.entities) {
    const n = dest.get(e.entity) ?? 0;
    const c = creates.get(e.entity) ?? { created: 0, twice: 0 };
    lost += reconciled ? Math.max(0, e.loaded - n) : Math.max(0, e.transformed - e.rejected - n);
    doubled += (reconciled ? Math.max(0, n - e.loaded) : 0) + c.twice;
    out(`               ${e.entity.padEnd(24)}${String(e.loaded).padStart(8)}${String(n).padStart(8)}${String(c.created).padStart(9)}${String(c.twice).padStart(15)}`);
  }
  out(`  verdict      ${lost === 0 && doubled === 0 ? 'nothing lost, nothing doubled' : `${lost} lost, ${doubled} doubled`}`);
  return { lost, doubled };
}

main().catch((e) => {
  process.stderr.write(`bench:cluster: ${process.env.FERRY_DEBUG ? (e as Error).stack : (e as Error).message}\n`);
  process.exit(1);
});
