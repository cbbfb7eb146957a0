import * as path from 'path';
import { sleep } from '../../../libs/common/src';
import { ferryHome, loadConfig, settings } from '../../../libs/config/src';
import { allRouteTopics, LEAF360_TO_DYNAMICS, routeValueSchemas } from '../../../libs/contracts/src';
import { writeLeaf360Sample } from '../../../libs/connectors/leaf360/src';
import { DEMO_FALLBACK_OWNER_EMAIL } from '../../../libs/demo/src/demo-org';
import { AvroCodec, createKafka, ensureTopics } from '../../../libs/kafka/src';
import { MigrationRepository, OwnerRepository } from '../../../libs/persistence/src';
import {
  extractionComplete, groupLag, lastLogLine, ObjectReconciliation, peakRssMb, reconciliation, reconciliationTable,
  RunningService, SERVICES, startService, stopServices, waitForHttp,
} from '../../../libs/ops/src';
import { createLogger } from '../../../libs/common/src';
import { LEAF360_DYNAMICS_MAP_VERSION } from '../../../libs/mapping/src';
import { ensureLocalInfra } from './infra';
import { migratedDataSource } from './db';

export interface DemoOptions {
  once: boolean;
  companies: number;
  contacts: number;
  deals: number;
  seed: number;
  /** seconds without progress before --once gives up */
  stallTimeout: number;
  migration?: string;
  sandboxPort: number;
  /** called with the services once they run (the benchmark samples their memory) */
  onRunning?: (services: RunningService[]) => void;
  quiet?: boolean;
}

export interface DemoResult {
  migration: string;
  reconciled: boolean;
  rows: ObjectReconciliation[];
  seconds: number;
  peakRss: Record<string, number | null>;
}

const out = (s: string) => process.stdout.write(`${s}\n`);

/**
 * The whole route on the built-in sandboxes: infrastructure, a deterministic Leaf360 sample, the Dataverse
 * sandbox and the five services, then a reconciliation table per object.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const say = o.quiet ? () => undefined : out;
  ensureLocalInfra(say);
  const base = loadConfig([settings.database, settings.kafka, settings.logging]);
  const migration = o.migration ?? `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  const home = ferryHome();
  const workDir = path.join(home, 'demo', migration);
  const exportDir = path.join(workDir, 'export');
  const logDir = path.join(workDir, 'logs');

  const db = await migratedDataSource(base.DATABASE_URL);
  const services: RunningService[] = [];
  const started = Date.now();
  const peakRss: Record<string, number | null> = {};
  try {
    say(`migration ${migration}: writing a Leaf360 sample (${o.companies} companies, ${o.contacts} contacts, ${o.deals} deals) to ${exportDir}`);
    await writeLeaf360Sample({ outDir: exportDir, seed: o.seed, companies: o.companies, contacts: o.contacts, deals: o.deals });

    const sandboxUrl = `http://127.0.0.1:${o.sandboxPort}`;
    const sandbox = startService('sandbox', { SANDBOX_PORT: String(o.sandboxPort), DATABASE_URL: base.DATABASE_URL }, logDir);
    services.push(sandbox);
    await waitForHttp(`${sandboxUrl}/_sandbox/stats`).catch(() => {
      throw new Error(`the Dataverse sandbox did not start: ${lastLogLine(sandbox)} (log: ${sandbox.logFile})`);
    });
    await fetch(`${sandboxUrl}/_sandbox/reset`, { method: 'POST' });

    await new MigrationRepository(db, migration).ensure('leaf360', 'dynamics', LEAF360_DYNAMICS_MAP_VERSION);
    // Topics and schemas first, so five services starting at once do not race to create them.
    const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'ferry-cli' }, createLogger('cli', 'error'));
    await ensureTopics(kafka, allRouteTopics(LEAF360_TO_DYNAMICS, migration), base.FERRY_TOPIC_PARTITIONS);
    await new AvroCodec(base.SCHEMA_REGISTRY_URL).registerAll(routeValueSchemas(LEAF360_TO_DYNAMICS, migration));

    const env = {
      FERRY_MIGRATION: migration,
      FERRY_RUN: 'run-1',
      LEAF360_EXPORT_DIR: exportDir,
      FERRY_FALLBACK_OWNER_EMAIL: process.env.FERRY_FALLBACK_OWNER_EMAIL ?? DEMO_FALLBACK_OWNER_EMAIL,
      DATAVERSE_URL: `${sandboxUrl}/api/data/v9.2`,
      DATAVERSE_TOKEN_URL: `${sandboxUrl}/login/ferry-demo-tenant/oauth2/v2.0/token`,
      DATABASE_URL: base.DATABASE_URL,
      KAFKA_BROKERS: base.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: base.SCHEMA_REGISTRY_URL,
    };
    for (const name of SERVICES) services.push(startService(name, env, logDir));
    o.onRunning?.(services);
    say(`services started (logs in ${logDir}); migrating…`);

    const admin = kafka.admin();
    await admin.connect();
    let rows: ObjectReconciliation[] = [];
    let done = false;
    let lastProgress = Date.now();
    let lastSig = '';
    let printedDone = false;
    try {
      for (;;) {
        for (const s of services) peakRss[s.name] = peakRssMb(s.child.pid) ?? peakRss[s.name] ?? null;
        const dead = services.find((s) => s.exited);
        if (dead) throw new Error(`${dead.name} stopped (exit ${dead.exited?.code ?? dead.exited?.signal}): ${lastLogLine(dead)} (log: ${dead.logFile})`);
        rows = await reconciliation(db, LEAF360_TO_DYNAMICS, migration);
        const lag = (await groupLag(admin, LEAF360_TO_DYNAMICS, migration)).reduce((s, g) => s + g.totalLag, 0);
        const extracted = await extractionComplete(db, migration, LEAF360_TO_DYNAMICS.objects.map((x) => `leaf360.${x.source}`));
        done = extracted && lag === 0 && rows.every((r) => r.reconciled);
        const sig = JSON.stringify(rows) + lag;
        if (sig !== lastSig) {
          lastSig = sig;
          lastProgress = Date.now();
          if (!o.quiet && !done) out(progressLine(rows, lag));
        }
        if (done && !printedDone) {
          printedDone = true;
          say(reconciliationTable(rows));
          say(await ownerSummary(db, migration));
          say(`reconciled in ${((Date.now() - started) / 1000).toFixed(1)} s${o.once ? '' : '; still running (delta until cutover) — Ctrl-C to stop'}`);
          if (o.once) break;
        } else if (!done && printedDone) {
          printedDone = false;
        }
        if (o.once && !done && Date.now() - lastProgress > o.stallTimeout * 1000) {
          say(reconciliationTable(rows));
          say(`no progress for ${o.stallTimeout} s and not reconciled (consumer lag ${lag}); logs in ${logDir}`);
          break;
        }
        if (!o.once && (await interrupted(1000))) break;
        if (o.once) await sleep(1000);
      }
    } finally {
      await admin.disconnect();
    }
    return { migration, reconciled: done, rows, seconds: (Date.now() - started) / 1000, peakRss };
  } finally {
    await stopServices(services);
    await db.destroy();
  }
}

function progressLine(rows: ObjectReconciliation[], lag: number): string {
  const parts = rows.map((r) => `${r.object} ${r.loaded + r.rejected}/${r.extracted}${r.waiting ? ` (${r.waiting} waiting)` : ''}`);
  return `  ${parts.join('  ')}  lag ${lag}`;
}

async function ownerSummary(db: Parameters<typeof reconciliation>[0], migration: string): Promise<string> {
  const report = await new OwnerRepository(db, migration).report();
  const fallback = report.filter((r) => r.status !== 'matched');
  if (!fallback.length) return 'owners: every record matched a destination user';
  const lines = fallback.map((r) => `  ${r.sourceEmail || '(no owner)'}: ${r.status}, ${r.records} records → fallback owner`);
  return `owners not matched to an active destination user (${fallback.reduce((s, r) => s + r.records, 0)} records):\n${lines.join('\n')}`;
}

let stopRequested = false;
process.once('SIGINT', () => (stopRequested = true));
process.once('SIGTERM', () => (stopRequested = true));

async function interrupted(ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (stopRequested) return true;
    await sleep(100);
  }
  return stopRequested;
}
