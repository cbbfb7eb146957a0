import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { projectRoot, sleep } from '@ferry/common';
import { ferryHome } from '@ferry/config';
import type { RoutePlan } from '@ferry/contracts';
import { createDestination } from '@ferry/destinations/registry';
import { confirmedMap, draftFromTemplate } from '@ferry/mapping';
import { lastLogLine, progress, Progress, RouteStack, RunningService, startRouteStack, startService, stopServices } from '@ferry/ops';
import { MapVersionRepository } from '@ferry/persistence';

const run = promisify(execFile);
const root = projectRoot();

export interface PrivatePorts {
  kafka: number;
  controller: number;
  registry: number;
  registryManagement: number;
  pg: number;
}

/**
 * A Kafka, registry and PostgreSQL of one's own, through infra/infra.sh with a private FERRY_HOME and ports: what
 * a chaos test may kill without touching the infrastructure everyone else uses. The downloaded servers are shared
 * with ~/.ferry/cache through a symlink, so nothing is fetched again.
 */
export class PrivateInfra {
  readonly home: string;
  readonly urls: { db: string; kafka: string; registry: string };
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly ports: PrivatePorts,
    prefix = 'ferry-chaos-',
  ) {
    const realCache = path.join(process.env.FERRY_CHAOS_CACHE_HOME ?? ferryHome(), 'cache');
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    if (fs.existsSync(realCache)) fs.symlinkSync(realCache, path.join(this.home, 'cache'));
    this.urls = {
      db: `postgres://postgres@127.0.0.1:${ports.pg}/ferry`,
      kafka: `127.0.0.1:${ports.kafka}`,
      registry: `http://127.0.0.1:${ports.registry}/apis/ccompat/v7`,
    };
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of ['DATABASE_URL', 'KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'FERRY_SECRETS_FILE']) delete env[k];
    this.env = {
      ...env,
      FERRY_HOME: this.home,
      KAFKA_PORT: String(ports.kafka),
      KAFKA_CONTROLLER_PORT: String(ports.controller),
      REGISTRY_PORT: String(ports.registry),
      REGISTRY_MANAGEMENT_PORT: String(ports.registryManagement),
      FERRY_OWN_PG: '1',
      FERRY_PG_PORT: String(ports.pg),
    };
  }

  /** Starts whatever of the three does not answer (after a kill: only that one). */
  up(): Promise<void> {
    return this.infra('up');
  }

  /** Stops the three, then deletes their data (the services' logs and any report stay). */
  async down(): Promise<void> {
    const pgdata = path.join(this.home, 'pgdata');
    const realPgdata = fs.existsSync(pgdata) ? fs.realpathSync(pgdata) : null;
    await this.infra('down');
    fs.rmSync(path.join(this.home, 'data'), { recursive: true, force: true });
    // as root the data directory lives in the postgres user's home (ferry-<hash>/pgdata): remove that folder
    if (realPgdata) fs.rmSync(realPgdata.startsWith(this.home) ? realPgdata : path.dirname(realPgdata), { recursive: true, force: true });
  }

  pidOf(name: 'kafka' | 'apicurio' | 'postgres'): number {
    return Number(fs.readFileSync(path.join(this.home, 'run', `${name}.pid`), 'utf8').trim());
  }

  /** Sends the signal to one of the three and waits until the process is gone. */
  async kill(name: 'kafka' | 'apicurio' | 'postgres', signal: NodeJS.Signals): Promise<void> {
    await killAndWait(this.pidOf(name), signal);
  }

  private async infra(cmd: 'up' | 'down'): Promise<void> {
    await run('bash', [path.join(root, 'infra', 'infra.sh'), cmd], { env: this.env, timeout: 600_000 }).catch((e: Error & { stderr?: string; stdout?: string }) => {
      throw new Error(`infra.sh ${cmd} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function killAndWait(pid: number, signal: NodeJS.Signals): Promise<void> {
  process.kill(pid, signal);
  const deadline = Date.now() + 60_000;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  if (alive(pid)) throw new Error(`pid ${pid} outlived ${signal} by 60 s`);
}

export interface Sample {
  t: number;
  extracted: number;
  transformed: number;
  resolved: number;
  loaded: number;
  settled: boolean;
}
export type Counter = Exclude<keyof Sample, 't' | 'settled'>;

export interface Fault {
  fault: string;
  /** the phase counter whose movement says the work resumed */
  counter: Counter;
  /** seconds into the run */
  at: number;
  loadedAt: number;
  end?: number;
  /** seconds from the fault's end to the phase moving again */
  recovery?: string;
}

export interface Outcome {
  migration: string;
  faults: Fault[];
  settledSeconds: number;
  restarts: string[];
  perEntity: Record<string, { rows: number; keys: number; loaded: number; rejected: number }>;
  rejectedBySource: Record<string, number>;
  lost: number;
  duplicated: number;
}

export interface ChaosRunOptions {
  db: DataSource;
  /** an admin whose client gives up fast (retries: 1): the harness's view may be down with the fault */
  admin: Admin;
  infra: PrivateInfra;
  route: string;
  exportDir: string;
  sandboxPort: number;
  /** loaded per entity by a run without fault: what lost records are counted against */
  expected?: Outcome | null;
  settleTimeoutMs: number;
  migration: string;
}

/**
 * One route run on the private infrastructure with a harness that samples progress every second and, like a
 * supervisor, starts again (after 1 s) any service that died, counting it.
 */
export class ChaosRun {
  readonly started = Date.now();
  readonly samples: Sample[] = [];
  readonly faults: Fault[] = [];
  readonly restarts: string[] = [];
  /** services the harness must not start again yet (a fault holds them down) */
  readonly held = new Set<string>();
  plan!: RoutePlan;
  stack!: RouteStack;
  env: Record<string, string> = {};
  last: Progress | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private logDir = '';

  constructor(private readonly o: ChaosRunOptions) {}

  get migration(): string {
    return this.o.migration;
  }

  async start(): Promise<void> {
    const { db, infra } = this.o;
    const draft = await draftFromTemplate(db, this.migration, this.o.route, 'chaos harness');
    await new MapVersionRepository(db, this.migration).confirm(draft.version, 'chaos harness');
    this.plan = (await confirmedMap(db, this.migration))!.plan;
    this.logDir = path.join(infra.home, 'runs', this.migration);
    this.stack = await startRouteStack(
      {
        plan: this.plan, migration: this.migration, exportDir: this.o.exportDir, logDir: this.logDir, sandboxPort: this.o.sandboxPort,
        databaseUrl: infra.urls.db, kafkaBrokers: infra.urls.kafka, registryUrl: infra.urls.registry, partitions: 3, resetSandbox: true,
        beforeServices: async (env) => {
          this.env = env;
          const destination = createDestination(this.plan.destination, this.plan.keyColumn, { ...process.env, ...env });
          await destination.applySchema(await destination.planSchema(this.plan));
        },
      },
      db,
    );
    this.loop = this.watch();
  }

  get services(): RunningService[] {
    return this.stack.services;
  }

  service(name: string): RunningService {
    const s = this.services.find((x) => x.name === name);
    if (!s) throw new Error(`no service ${name}`);
    return s;
  }

  /** seconds since the run started */
  get now(): number {
    return (Date.now() - this.started) / 1000;
  }

  get latest(): Sample | undefined {
    return this.samples[this.samples.length - 1];
  }

  private async watch(): Promise<void> {
    while (!this.stopped) {
      for (const [i, s] of this.services.entries()) {
        if (!s.exited || this.held.has(s.name)) continue;
        this.restarts.push(`${s.name} at ${this.now.toFixed(0)} s (exit ${s.exited.code ?? s.exited.signal}: ${lastLogLine(s).slice(0, 200)})`);
        this.services[i] =
          s.name === 'sandbox'
            ? startService(
                'sandbox',
                // as startRouteStack started it: its tables live in a schema named after its port
                { SANDBOX_PORT: String(this.o.sandboxPort), DATABASE_URL: this.o.infra.urls.db, SANDBOX_DB_SCHEMA: process.env.SANDBOX_DB_SCHEMA ?? `sandbox_dataverse_${this.o.sandboxPort}` },
                this.logDir,
              )
            : startService(s.name, this.env, this.logDir);
      }
      try {
        const p = await progress(this.o.db, this.o.admin, this.plan, this.migration);
        this.last = p;
        const sum = (k: 'transformed' | 'resolved' | 'loaded') => p.entities.reduce((n, e) => n + e[k], 0);
        this.samples.push({
          t: Date.now(),
          extracted: p.sources.reduce((n, s) => n + s.extracted, 0),
          transformed: p.sources.reduce((n, s) => n + s.transformed + s.rejected, 0),
          resolved: sum('resolved'),
          loaded: sum('loaded'),
          settled: p.settled,
        });
      } catch {
        // the harness's own view is down with the fault; the run is not
      }
      await sleep(1000);
    }
  }

  async until(what: string, check: (s: Sample) => boolean, timeoutMs = this.o.settleTimeoutMs): Promise<Sample> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = this.latest;
      if (s && check(s)) return s;
      if (Date.now() > deadline) {
        throw new Error(`${this.migration}: no ${what} within ${timeoutMs / 1000} s; last ${JSON.stringify(s)}; restarts: ${this.restarts.join('; ') || 'none'}; logs in ${this.logDir}`);
      }
      await sleep(250);
    }
  }

  /** Waits until `share` of what the fault-free run loaded has been loaded (the load is in progress). */
  loadedShare(share: number): Promise<Sample> {
    const expected = this.o.expected ? Object.values(this.o.expected.perEntity).reduce((n, e) => n + e.loaded, 0) : 1000;
    return this.until(`${Math.round(share * 100)} % loaded`, (s) => s.loaded >= Math.max(1, expected * share));
  }

  fault(fault: string, counter: Counter): Fault {
    const f: Fault = { fault, counter, at: this.now, loadedAt: this.latest?.loaded ?? 0 };
    this.faults.push(f);
    return f;
  }

  end(f: Fault): void {
    f.end = Date.now();
  }

  /** Waits until the run settles, reads the sandbox's key counts, stops the services and adds it all up. */
  async finish(): Promise<Outcome> {
    const settled = await this.until('settled run', (s) => s.settled);
    const keys = (await (await fetch(`${this.stack.sandboxUrl}/_sandbox/keys`)).json()) as { tables: Record<string, { rows: number; keys: number; unkeyed: number }> };
    const p = this.last!;
    this.stopped = true;
    await this.loop;
    await this.stack.stop();
    for (const f of this.faults) f.recovery = recovery(this.samples, f);
    const perEntity: Outcome['perEntity'] = {};
    let lost = 0;
    let duplicated = 0;
    for (const e of p.entities) {
      const k = keys.tables[e.entity] ?? { rows: 0, keys: 0, unkeyed: 0 };
      perEntity[e.entity] = { rows: k.rows, keys: k.keys, loaded: e.loaded, rejected: e.rejected };
      duplicated += k.rows - k.keys;
      const expected = this.o.expected?.perEntity[e.entity]?.loaded ?? e.loaded;
      lost += Math.max(0, expected - k.keys);
    }
    return {
      migration: this.migration,
      faults: this.faults,
      settledSeconds: (settled.t - this.started) / 1000,
      restarts: this.restarts,
      perEntity,
      rejectedBySource: Object.fromEntries(p.sources.map((s) => [s.object, s.rejected])),
      lost,
      duplicated,
    };
  }

  async abort(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
    if (this.stack) await stopServices(this.services).catch(() => undefined);
  }
}

/** Seconds from the fault's end to the first sample where its phase moved again. */
function recovery(samples: Sample[], f: Fault): string {
  if (!f.end) return '-';
  const before = [...samples].reverse().find((s) => s.t <= f.end!);
  const base = before?.[f.counter] ?? 0;
  const moved = samples.find((s) => s.t > f.end! && s[f.counter] > base);
  if (moved) return ((moved.t - f.end) / 1000).toFixed(1);
  return samples.some((s) => s.t > f.end! && s.settled) ? 'nothing left' : 'never';
}

/** The per-case table: fault, when it hit, records loaded by then, time to recover, records lost and duplicated. */
export function faultTable(name: string, o: Outcome): string {
  const head = ['fault', 'hit at (s)', 'loaded by then', 'recovery (s)', 'lost', 'duplicated'];
  const rows = o.faults.map((f) => [f.fault, f.at.toFixed(1), String(f.loadedAt), f.recovery ?? '-', String(o.lost), String(o.duplicated)]);
  if (!rows.length) rows.push(['none', '-', '-', '-', String(o.lost), String(o.duplicated)]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(width[i])).join(' | ')} |`;
  const loaded = Object.values(o.perEntity).reduce((n, e) => n + e.loaded, 0);
  return [
    `${name}: settled ${o.settledSeconds.toFixed(1)} s after start, ${loaded} records loaded (lost and duplicated count the whole run); started again by the harness: ${o.restarts.length ? o.restarts.join('; ') : 'none'}`,
    line(head),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ].join('\n');
}
