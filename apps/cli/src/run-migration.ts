import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { createLogger, FerryError, sleep } from '@ferry/common';
import { ferryHome, loadConfig, settings } from '@ferry/config';
import { allRouteTopics, RoutePlan, routeValueSchemas } from '@ferry/contracts';
import { createDestination } from '@ferry/destinations/registry';
import { AvroCodec, createKafka, ensureTopics } from '@ferry/kafka';
import { CompiledRouteMap, confirmedMap } from '@ferry/mapping';
import {
  lastLogLine, parseRunConfig, probeRegistry, progress, reconciliation, Reconciliation, reconciliationTable, RunConfig, runEnv, runIsLive,
  replicaSpecs, RunningService, sandboxBaseUrl, sandboxResetUrl, serviceOfInstance, SERVICES, Supervisor, SupervisorEvent, waitForHttp, Weather,
} from '@ferry/ops';
import { MigrationConfigRepository, MigrationRepository, MigrationRunRepository, OwnerRepository, ServiceStateRepository } from '@ferry/persistence';
import { dashboardUrl } from '@ferry/dashboard';
import { migratedDataSource } from './db';
import { EventsOnlyView, LineProgressView, ProgressView, RateMeter, silentView, totals, TtyProgressView } from './progress-view';
import { schemaPlanText } from './schema.command';

export interface RunOptions {
  migration: string;
  /** end when everything is reconciled (exit 0), or on a stall (non-zero) */
  once: boolean;
  /** records per object for a sample run; passed to the extractor as FERRY_SAMPLE_PER_OBJECT */
  sample?: number;
  /** with --once: seconds without progress (and with every dependency reachable) before giving up */
  stallTimeout: number;
  /** bars on a terminal, lines elsewhere; 'events' shows only restarts and the like; 'none' nothing */
  view: 'auto' | 'events' | 'none';
  /** where the services' logs go (default <FERRY_HOME>/migrations/<id>/logs) */
  logDir?: string;
  /** wipe the built-in sandbox's records first (the demo does; a resumed run never does) */
  resetSandbox?: boolean;
  /** called with the live list of running services (entries replaced on restart) */
  onRunning?: (services: RunningService[]) => void;
  /** an open, migrated connection to reuse (the demo has one); else one is opened and closed here */
  db?: DataSource;
  /** how long services get to stop after SIGTERM before SIGKILL */
  graceMs?: number;
  /**
   * processes per phase (default 1): further replicas of a phase join its consumer group and share its partitions;
   * the extractor's replicas split the source objects between them
   */
  replicas?: number;
}

export interface RunResult {
  migration: string;
  reconciled: boolean;
  rows: Reconciliation;
  seconds: number;
  restarts: number;
  /** why the run ended: reconciled, stopped, stalled, or a service whose settings cannot work */
  ended: 'reconciled' | 'stopped' | 'stalled' | 'misconfigured';
}

const out = (s: string) => process.stdout.write(`${s}\n`);

/** Loads what a run needs: the stored configuration and the confirmed map; one line saying what to do when missing. */
export async function runnable(db: DataSource, migration: string): Promise<{ config: RunConfig; map: CompiledRouteMap }> {
  const stored = await new MigrationConfigRepository(db, migration).get();
  if (!stored) {
    const exists = (await db.query(`SELECT 1 FROM ferry.migration WHERE migration_id = $1`, [migration])).length > 0;
    throw new FerryError('NOT_INITIALISED', exists
      ? `migration ${migration} has no run configuration (it predates \`ferry init\`); create one with \`ferry init\``
      : `no migration named "${migration}"; \`ferry list\` shows them, \`ferry init\` creates one`, 'fatal');
  }
  const config = parseRunConfig(stored.config);
  const map = await confirmedMap(db, migration);
  if (!map) {
    throw new FerryError('MAP_NOT_CONFIRMED', `migration ${migration} has no confirmed map: review it with \`ferry map show --migration ${migration}\`, then \`ferry map confirm --migration ${migration}\``, 'fatal');
  }
  return { config, map };
}

/** Services a `ferry run` killed with -9 left behind (their pids are in service_state): end them before starting anew. */
async function reapOrphans(db: DataSource, migration: string, say: (s: string) => void): Promise<void> {
  for (const s of await new ServiceStateRepository(db, migration).all()) {
    if (!s.pid) continue;
    let cmd = '';
    try {
      cmd = fs.readFileSync(`/proc/${s.pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmd.includes(path.join('dist', 'apps', serviceOfInstance(s.service)))) continue;
    say(`  ${s.service} (pid ${s.pid}) is still running from a previous run that did not stop cleanly: stopping it first`);
    try {
      process.kill(s.pid, 'SIGTERM');
      for (let i = 0; i < 100 && fs.existsSync(`/proc/${s.pid}`); i++) await sleep(100);
      if (fs.existsSync(`/proc/${s.pid}`)) process.kill(s.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Starts the five services of a migration (and the built-in sandbox when it is the destination), supervises them
 * and shows the live progress until reconciled (--once), Ctrl-C, SIGTERM or `ferry stop`. A service that stops is
 * restarted with backoff; a dependency that does not answer is weather: shown, waited for, never the end of the run.
 */
export async function runMigration(o: RunOptions): Promise<RunResult> {
  const base = loadConfig([settings.database, settings.kafka]);
  const db = o.db ?? (await migratedDataSource(base.DATABASE_URL));
  const started = Date.now();
  const say = o.view === 'none' ? () => undefined : out;
  try {
    const { config, map } = await runnable(db, o.migration);
    const plan = map.plan;
    const runId = `run-${new Date().toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}`;
    const env = runEnv(config, {
      migration: o.migration, runId, databaseUrl: base.DATABASE_URL, kafkaBrokers: base.KAFKA_BROKERS, registryUrl: base.SCHEMA_REGISTRY_URL,
      samplePerObject: o.sample,
    });
    const runs = new MigrationRunRepository(db, o.migration);
    const holder = await runs.claim({ runId, pid: process.pid, host: os.hostname(), options: { once: o.once, sample: o.sample ?? null } }, runIsLive);
    if (holder) {
      throw new FerryError('ALREADY_RUNNING', `migration ${o.migration} is already running (ferry run pid ${holder.pid} on ${holder.host} since ${holder.startedAt.toISOString()}); stop it with \`ferry stop --migration ${o.migration}\``, 'fatal');
    }
    let ended: RunResult['ended'] = 'stopped';
    try {
      await reapOrphans(db, o.migration, say);
      const result = await supervise(o, db, config, plan, env, runId, say, started);
      ended = result.ended;
      return result;
    } finally {
      await runs.release(runId, ended).catch(() => undefined);
    }
  } finally {
    if (!o.db) await db.destroy();
  }
}

async function supervise(
  o: RunOptions, db: DataSource, config: RunConfig, plan: RoutePlan, env: Record<string, string>, runId: string, say: (s: string) => void, started: number,
): Promise<RunResult> {
  const base = loadConfig([settings.database, settings.kafka]);
  const logDir = o.logDir ?? path.join(ferryHome(), 'migrations', o.migration, 'logs');
  const view: ProgressView | null = o.view === 'none' ? silentView : o.view === 'events' ? new EventsOnlyView(out) : null;
  const states = new ServiceStateRepository(db, o.migration);
  const weather = new Weather();
  let live: ProgressView = view ?? silentView;
  let misconfigured: string | null = null;
  const onEvent = (e: SupervisorEvent) => {
    if (e.kind === 'misconfigured') {
      misconfigured ??= `${e.service} cannot run as configured: ${e.line.replace(new RegExp(`^${e.service}: `), '')}`;
      live.event(`! ${misconfigured}`);
    } else if (e.kind === 'exited') {
      live.event(`! ${e.service} ${e.code !== null ? `exited with code ${e.code}` : `was killed (${e.signal})`}: restarting in ${(e.restartInMs / 1000).toFixed(0)} s (restart ${e.restarts}); ${e.line.slice(0, 200)}`);
    } else if (e.kind === 'started' && e.restarts > 0) {
      live.event(`  ${e.service} started again (pid ${e.pid}, restart ${e.restarts})`);
    }
    void saveStates();
  };
  const supervisor = new Supervisor({ env, logDir, onEvent });
  const saveStates = () => states.save(supervisor.states().map((s) => ({ ...s, service: s.instance }))).catch(() => undefined);

  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
    supervisor.beginStop();
  };
  const crashLog = path.join(logDir, 'cli.log');
  const onUnhandled = (e: unknown) => {
    // A probe's stray rejection must not end the run: note it where the logs are.
    fs.appendFileSync(crashLog, `${new Date().toISOString()} unhandled: ${(e as Error)?.stack ?? String(e)}\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('unhandledRejection', onUnhandled);

  const kafka = createKafka({ brokers: base.KAFKA_BROKERS, clientId: 'ferry-run', retries: 1 }, createLogger('cli', 'silent'));
  let admin: Admin | null = null;
  let rows: Reconciliation = { sources: [], entities: [] };
  let ended: RunResult['ended'] = 'stopped';
  let reconciled = false;
  try {
    fs.mkdirSync(logDir, { recursive: true });
    if (config.destination.sandbox) {
      const url = sandboxBaseUrl(config.destination.sandbox.port);
      const sandbox = supervisor.start('sandbox');
      await waitForHttp(`${url}/_sandbox/stats`, 120_000).catch(() => {
        throw new FerryError('SANDBOX_FAILED', `the built-in destination sandbox did not start on ${url}: ${lastLogLine(sandbox)} (log: ${sandbox.logFile})`, 'fatal');
      });
      if (o.resetSandbox) await fetch(sandboxResetUrl(plan.destination, config.destination.sandbox.port), { method: 'POST' });
      // The built-in sandbox is the rehearsal destination: it gets the schema the map needs without asking.
      const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
      const schema = await destination.planSchema(plan);
      if (schema.refusals.length) say(schemaPlanText(schema));
      await destination.applySchema(schema, (line) => say(`  schema: ${line}`));
      say(`schema: the built-in sandbox holds what the map needs (${schema.steps.length} change(s) applied, as \`ferry schema apply\` would)`);
    }
    await new MigrationRepository(db, o.migration).ensure(plan.sourceSystem, plan.destination, plan.mapVersion);
    await ensureTopics(kafka, allRouteTopics(plan, o.migration), config.options.partitions ?? base.FERRY_TOPIC_PARTITIONS);
    await new AvroCodec(base.SCHEMA_REGISTRY_URL).registerAll(routeValueSchemas(plan, o.migration));
    if (stopRequested) return { migration: o.migration, reconciled: false, rows, seconds: (Date.now() - started) / 1000, restarts: 0, ended };

    for (const name of SERVICES) for (const spec of replicaSpecs(name, o.replicas ?? 1, plan, o.sample)) supervisor.start(name, spec);
    o.onRunning?.(supervisor.running);
    await saveStates();
    say(`${o.sample ? `sample run (${o.sample} records per object)` : 'run'} ${runId} of ${o.migration}: services started and supervised (logs in ${logDir}); Ctrl-C or \`ferry stop --migration ${o.migration}\` stops them`);
    const url = dashboardUrl(o.migration, { ...process.env, ...env });
    if (url) say(`dashboard: ${url} (served by the reconciler once it is up)`);
    live = view ?? (process.stdout.isTTY ? new TtyProgressView() : new LineProgressView(out));

    const servicesStarted = Date.now();
    const rates = new RateMeter();
    let lastSig = '';
    let lastProgress = Date.now();
    let lastRegistryProbe = 0;
    let printedDone = false;
    let wasDown = new Set<string>();
    for (;;) {
      if (stopRequested) break;
      const pgUp = (await weather.probe('PostgreSQL', () => db.query('SELECT 1'))) !== undefined;
      const kafkaUp = (await weather.probe('Kafka', async () => {
        if (!admin) {
          const a = kafka.admin();
          await a.connect();
          admin = a;
        }
        await admin.describeCluster();
        return true;
      })) !== undefined;
      if (!kafkaUp && admin) {
        const a: Admin = admin;
        admin = null;
        void a.disconnect().catch(() => undefined);
      }
      if (Date.now() - lastRegistryProbe > 5000) {
        lastRegistryProbe = Date.now();
        await weather.probe('schema registry', () => probeRegistry(base.SCHEMA_REGISTRY_URL));
      }

      let lag: number | null = null;
      let settled = false;
      let known = false;
      if (pgUp && kafkaUp && admin) {
        const p = await weather.probe('Kafka', () => progress(db, admin!, plan, o.migration));
        if (p) {
          rows = { sources: p.sources, entities: p.entities };
          lag = p.lag;
          settled = p.settled;
          known = true;
        }
      } else if (pgUp) {
        const r = await weather.probe('PostgreSQL', () => reconciliation(db, plan, o.migration));
        if (r) {
          rows = r;
          known = true;
        }
      }
      if (pgUp) {
        await saveStates();
        await new MigrationRunRepository(db, o.migration).heartbeat(runId).catch(() => undefined);
      }

      const down = new Set(weather.lines().map((l) => l.split(' unreachable')[0]));
      for (const d of down) if (!wasDown.has(d)) live.event(`~ ${d} unreachable: waiting for it (the services wait too)`);
      for (const d of wasDown) if (!down.has(d)) live.event(`~ ${d} answers again`);
      wasDown = down;

      const t = totals(rows);
      const snapshot = {
        migration: o.migration, elapsedS: (Date.now() - started) / 1000, sources: known ? rows.sources : null, entities: known ? rows.entities : null,
        lag, rates: rates.add(Date.now(), t), restarts: supervisor.totalRestarts(), services: supervisor.states(), weather: weather.lines(), settled,
      };
      live.update(snapshot);

      const sig = JSON.stringify(rows) + lag;
      if (sig !== lastSig || !weather.clear) {
        // Progress, or a dependency down: the stall clock only runs while everything answers and nothing moves.
        lastSig = sig;
        lastProgress = Date.now();
      }
      if (settled && !printedDone) {
        printedDone = true;
        reconciled = true;
        live.stop();
        say(reconciliationTable(rows));
        say(await ownerSummary(db, o.migration).catch(() => 'owners: (PostgreSQL did not answer)'));
        say(`reconciled in ${((Date.now() - started) / 1000).toFixed(1)} s${supervisor.totalRestarts() ? ` (${supervisor.totalRestarts()} service restart(s))` : ''}${o.once ? '' : '; still running (delta until cutover) — Ctrl-C or `ferry stop` to stop'}`);
        if (o.once) {
          ended = 'reconciled';
          break;
        }
        live = view ?? (process.stdout.isTTY ? new TtyProgressView() : new LineProgressView(out));
      } else if (!settled && known && printedDone) {
        printedDone = false;
        reconciled = false;
      }
      // Before the first record moves the services are still starting (slow on a loaded machine): a longer allowance.
      const moved = t.extracted > 0 || t.transformed > 0;
      const startLimitS = Math.max(o.stallTimeout * 3, 300);
      const stalled = moved ? Date.now() - lastProgress > o.stallTimeout * 1000 : weather.clear && Date.now() - servicesStarted > startLimitS * 1000;
      if (o.once && !settled && stalled) {
        live.stop();
        say(reconciliationTable(rows));
        say(moved
          ? `no progress for ${o.stallTimeout} s and not reconciled (consumer lag ${lag ?? 'unknown'}); logs in ${logDir}`
          : `no record moved ${startLimitS} s after the services started (see their start-up steps in ${logDir})`);
        ended = 'stalled';
        break;
      }
      if (misconfigured) {
        live.stop();
        say(`${misconfigured}; the run stops (fix it, then \`ferry run\` again resumes where it was)`);
        ended = 'misconfigured';
        break;
      }
      for (let i = 0; i < 10 && !stopRequested; i++) await sleep(100);
    }
    if (stopRequested) {
      live.stop();
      say(`stopping the services of ${o.migration} (SIGTERM, then SIGKILL after ${Math.round((o.graceMs ?? 10_000) / 1000)} s)…`);
    }
    return { migration: o.migration, reconciled: ended === 'reconciled' || (reconciled && ended === 'stopped'), rows, seconds: (Date.now() - started) / 1000, restarts: supervisor.totalRestarts(), ended };
  } finally {
    live.stop();
    await supervisor.stop(o.graceMs ?? 10_000);
    await saveStates();
    if (admin) await (admin as Admin).disconnect().catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('unhandledRejection', onUnhandled);
    if (stopRequested) say(`stopped ${o.migration}; \`ferry run --migration ${o.migration}\` resumes where it is`);
  }
}

async function ownerSummary(db: DataSource, migration: string): Promise<string> {
  const report = await new OwnerRepository(db, migration).report();
  const fallback = report.filter((r) => r.status !== 'matched');
  if (!fallback.length) return 'owners: every record matched a destination user';
  const lines = fallback.map((r) => `  ${r.sourceEmail || '(no owner)'}: ${r.status}, ${r.records} records → fallback owner`);
  return `owners not matched to an active destination user (${fallback.reduce((s, r) => s + r.records, 0)} records):\n${lines.join('\n')}`;
}

/** `ferry stop`: signals the migration's running `ferry run`, which stops its services cleanly. */
export async function stopRun(db: DataSource, migration: string, timeoutMs: number): Promise<{ pid: number; stopped: boolean }> {
  const run = await new MigrationRunRepository(db, migration).get();
  if (!run || run.status === 'stopped' || !runIsLive(run)) throw new FerryError('NOT_RUNNING', `migration ${migration} is not running`, 'fatal');
  if (run.host !== os.hostname()) throw new FerryError('OTHER_HOST', `migration ${migration} runs on ${run.host} (pid ${run.pid}); stop it there`, 'fatal');
  await new MigrationRunRepository(db, migration).markStopping(run.runId);
  process.kill(run.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!runIsLive({ ...run, status: 'running' })) return { pid: run.pid, stopped: true };
    await sleep(200);
  }
  return { pid: run.pid, stopped: false };
}
