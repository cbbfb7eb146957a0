import * as path from 'path';
import type { DataSource } from 'typeorm';
import { createLogger, outageOf, sleep, Weather } from '@ferry/common';
import { ferryHome, loadConfig, settings } from '@ferry/config';
import { sourceConnector } from '@ferry/connectors/registry';
import { createKafka } from '@ferry/kafka';
import { MapVersionRepository, OwnerRepository } from '@ferry/persistence';
import {
  assertAlive, progress, Reconciliation, reconciliationTable,
  RunningService, startRouteStack, stopServices,
} from '@ferry/ops';
import { confirmedMap, draftFromTemplate, readRouteMapFile, templateFile } from '@ferry/mapping';
import { createDestination } from '@ferry/destinations/registry';
import { ensureLocalInfra } from './infra';
import { schemaPlanText } from './schema.command';
import { migratedDataSource } from './db';

export interface DemoOptions {
  once: boolean;
  /** the route whose template and sample to run, e.g. leaf360-dynamics */
  route: string;
  /** records in the generated sample, over every object of the source */
  records: number;
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
  rows: Reconciliation;
  seconds: number;
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
  try {
    // A person confirms the map of a real migration; the demo confirms the shipped template itself, and says so.
    const route = o.route;
    const source = readRouteMapFile(templateFile(route)).document.source;
    const connector = sourceConnector(source);
    say(`migration ${migration}: writing a ${connector.system} sample (${o.records} records over every object) to ${exportDir}`);
    const sample = await connector.generate({ records: o.records, seed: o.seed, out: exportDir, brokenReferences: false });
    say(`  ${Object.entries(sample.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    const draft = await draftFromTemplate(db, migration, route, 'ferry demo');
    const confirmed = await new MapVersionRepository(db, migration).confirm(draft.version, 'ferry demo (automatic)');
    const map = await confirmedMap(db, migration);
    if (!map || !confirmed) throw new Error(`map version ${draft.version} of ${migration} could not be confirmed`);
    say(`map: the ${route} template, confirmed automatically by the demo as ${map.mapVersion} (a real migration waits for \`ferry map confirm\`)`);

    const stack = await startRouteStack(
      {
        plan: map.plan, migration, exportDir, logDir, sandboxPort: o.sandboxPort,
        beforeServices: async (env) => {
          const destination = createDestination(map.plan.destination, map.plan.keyColumn, { ...process.env, ...env });
          const schema = await destination.planSchema(map.plan);
          if (schema.refusals.length) say(schemaPlanText(schema));
          await destination.applySchema(schema, (line) => say(`  schema: ${line}`));
          say(`schema: the sandbox holds what the map needs (${schema.steps.length} change(s) applied by the demo, as \`ferry schema apply\` would)`);
        },
        databaseUrl: base.DATABASE_URL, kafkaBrokers: base.KAFKA_BROKERS, registryUrl: base.SCHEMA_REGISTRY_URL,
        partitions: base.FERRY_TOPIC_PARTITIONS, resetSandbox: true,
      },
      db,
    );
    services.push(...stack.services);
    o.onRunning?.(services);
    say(`services started (logs in ${logDir}); migrating…`);

    const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'ferry-cli' }, createLogger('cli', 'error'));
    const admin = kafka.admin();
    await admin.connect();
    let rows: Reconciliation = { sources: [], entities: [] };
    let done = false;
    let lastProgress = Date.now();
    let lastSig = '';
    let printedDone = false;
    // Kafka or PostgreSQL away for a while is weather: said once, waited out, and not counted as a stall.
    const weather = new Weather(createLogger('cli', 'silent'), say);
    try {
      for (;;) {
        assertAlive(services);
        let p: Awaited<ReturnType<typeof progress>>;
        try {
          p = await progress(db, admin, map.plan, migration);
          weather.back();
        } catch (e) {
          const away = outageOf(e);
          if (!away) throw e;
          weather.waiting(away, (e as Error).message);
          lastProgress = Date.now();
          await sleep(1000);
          continue;
        }
        rows = { sources: p.sources, entities: p.entities };
        const lag = p.lag;
        done = p.settled;
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
    return { migration, reconciled: done, rows, seconds: (Date.now() - started) / 1000 };
  } finally {
    await stopServices(services);
    await db.destroy();
  }
}

function progressLine(rows: Reconciliation, lag: number): string {
  const read = rows.sources.map((r) => `${r.object} ${r.transformed + r.rejected}/${r.extracted}`);
  const parts = rows.entities.map((r) => `${r.entity} ${r.loaded + r.rejected}/${r.transformed}${r.waiting ? ` (${r.waiting} waiting)` : ''}`);
  return `  mapped ${read.join(' ')}  loaded ${parts.join(' ')}  lag ${lag}`;
}

async function ownerSummary(db: DataSource, migration: string): Promise<string> {
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
