import * as fs from 'fs';
import * as path from 'path';
import { CONFIG_EXIT_CODE, sleep } from '@ferry/common';
import type { RoutePlan } from '@ferry/contracts';
import { instanceName, lastLogLine, RunningService, ServiceName, startService } from './stack';

/** How soon a service that stopped is started again: doubling from initialMs up to maxMs, reset after a good run. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** a service that stayed up this long before it stopped starts the count again */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The wait before the restart that follows the n-th stop in a row (n ≥ 1). */
export function restartDelay(stopsInRow: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  const n = Math.max(1, stopsInRow);
  return Math.min(p.maxMs, p.initialMs * 2 ** Math.min(n - 1, 30));
}

/** Stops in a row, counting this one: a service that had stayed up for resetAfterMs starts over at 1. */
export function stopsInRow(previous: number, upMs: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  return upMs >= p.resetAfterMs ? 1 : previous + 1;
}

/** A service's JSON log line as a person reads it: its level and message (and error), not the JSON. */
export function readableLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const j = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string }; error?: string };
    const level = ({ 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' } as Record<number, string>)[j.level ?? 30] ?? 'info';
    const why = j.err?.message ?? j.error;
    return `${level}: ${j.msg ?? ''}${why && !String(j.msg).includes(why) ? ` (${why})` : ''}`;
  } catch {
    return line;
  }
}

/** failed: the service exited because its settings cannot work (CONFIG_EXIT_CODE) and is not started again */
export type ServiceStatus = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

export interface ServiceState {
  service: ServiceName;
  /** the process's own name: the service's for its first replica, `<service>-<n>` for the n-th */
  instance: string;
  pid: number | null;
  status: ServiceStatus;
  restarts: number;
  lastExitCode: number | null;
  lastExitSignal: string | null;
  lastLogLine: string | null;
  startedAt: Date | null;
  /** when a restart is due (status restarting) */
  restartAt: Date | null;
}

export type SupervisorEvent =
  | { kind: 'started'; service: string; pid: number | null; restarts: number }
  | { kind: 'exited'; service: string; code: number | null; signal: string | null; line: string; restartInMs: number; restarts: number }
  /** the service's settings cannot work: it is not restarted, and the run should end with its line */
  | { kind: 'misconfigured'; service: string; line: string }
  | { kind: 'stopped'; service: string };

export interface SupervisorOptions {
  env: Record<string, string>;
  logDir: string;
  policy?: BackoffPolicy;
  /** every start, stop and restart, for the progress view (also written to <logDir>/supervisor.log) */
  onEvent?: (e: SupervisorEvent) => void;
  /** starts one service; tests hand in a tiny child of their own */
  spawn?: (name: ServiceName, env: Record<string, string>, logDir: string, instance: string) => RunningService;
}

/** Which replica of a service to start, and the settings that differ for it (e.g. its own Kafka client id). */
export interface ReplicaSpec {
  replica: number;
  env?: Record<string, string>;
}

interface Slot {
  state: ServiceState;
  env: Record<string, string>;
  child: RunningService | null;
  stops: number;
  timer: NodeJS.Timeout | null;
}

/**
 * Keeps a migration's services running: one that exits or is killed is started again after a backoff, and every
 * restart is logged and counted. `running` is one live array (entries replaced in place on restart), so a caller
 * sampling the children's memory always sees the current processes.
 */
export class Supervisor {
  readonly running: RunningService[] = [];
  /** by instance name */
  private readonly slots = new Map<string, Slot>();
  private stopping = false;
  private readonly policy: BackoffPolicy;
  private readonly logFile: string;

  constructor(private readonly o: SupervisorOptions) {
    this.policy = o.policy ?? DEFAULT_BACKOFF;
    fs.mkdirSync(o.logDir, { recursive: true });
    this.logFile = path.join(o.logDir, 'supervisor.log');
  }

  /**
   * Starts a service (by default its first and only replica) and keeps it running until `stop`. Further replicas of
   * a phase join its consumer group and share its partitions.
   */
  start(name: ServiceName, spec: ReplicaSpec = { replica: 1 }): RunningService {
    const instance = instanceName(name, spec.replica);
    if (this.slots.has(instance)) throw new Error(`${instance} is already supervised`);
    const slot: Slot = {
      state: { service: name, instance, pid: null, status: 'starting', restarts: 0, lastExitCode: null, lastExitSignal: null, lastLogLine: null, startedAt: null, restartAt: null },
      env: spec.env ?? {}, child: null, stops: 0, timer: null,
    };
    this.slots.set(instance, slot);
    return this.launch(slot);
  }

  states(): ServiceState[] {
    return [...this.slots.values()].map((s) => ({ ...s.state }));
  }

  totalRestarts(): number {
    return [...this.slots.values()].reduce((n, s) => n + s.state.restarts, 0);
  }

  get isStopping(): boolean {
    return this.stopping;
  }

  /** No more restarts from now on (called from a signal handler, before the children's own exits arrive). */
  beginStop(): void {
    this.stopping = true;
    for (const s of this.slots.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
      if (s.state.status === 'restarting') s.state.status = 'stopped';
    }
  }

  /** SIGTERM to every service, SIGKILL to those still running after the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    this.beginStop();
    const live = () => [...this.slots.values()].filter((s) => s.child && !s.child.exited);
    for (const s of live()) {
      s.state.status = 'stopping';
      s.child!.child.kill('SIGTERM');
    }
    const deadline = Date.now() + graceMs;
    while (live().length && Date.now() < deadline) await sleep(100);
    for (const s of live()) {
      this.log(`${s.state.instance} did not stop within ${Math.round(graceMs / 1000)} s of SIGTERM: SIGKILL`);
      s.child!.child.kill('SIGKILL');
    }
    const killDeadline = Date.now() + 5000;
    while (live().length && Date.now() < killDeadline) await sleep(50);
    for (const s of this.slots.values()) {
      s.state.status = 'stopped';
      s.state.pid = null;
    }
  }

  private launch(slot: Slot): RunningService {
    const name = slot.state.instance;
    const child = (this.o.spawn ?? startService)(slot.state.service, { ...this.o.env, ...slot.env }, this.o.logDir, name);
    const index = slot.child ? this.running.indexOf(slot.child) : -1;
    if (index >= 0) this.running[index] = child;
    else this.running.push(child);
    slot.child = child;
    Object.assign(slot.state, { pid: child.child.pid ?? null, status: 'running', startedAt: new Date(), restartAt: null });
    const startedAt = Date.now();
    this.log(`${name} started (pid ${child.child.pid ?? '?'})${slot.state.restarts ? `, restart ${slot.state.restarts}` : ''}`);
    this.o.onEvent?.({ kind: 'started', service: name, pid: child.child.pid ?? null, restarts: slot.state.restarts });
    child.child.once('exit', (code, signal) => this.exited(slot, child, code, signal, Date.now() - startedAt));
    return child;
  }

  private exited(slot: Slot, child: RunningService, code: number | null, signal: string | null, upMs: number): void {
    if (slot.child !== child) return;
    const name = slot.state.instance;
    const line = readableLogLine(lastLogLine(child));
    Object.assign(slot.state, { pid: null, lastExitCode: code, lastExitSignal: signal, lastLogLine: line || slot.state.lastLogLine });
    if (this.stopping) {
      slot.state.status = 'stopped';
      this.log(`${name} stopped (${code !== null ? `exit ${code}` : signal})`);
      this.o.onEvent?.({ kind: 'stopped', service: name });
      return;
    }
    if (code === CONFIG_EXIT_CODE) {
      slot.state.status = 'failed';
      this.log(`${name} exited with code ${code}: its settings cannot work, so it is not restarted; ${line}`);
      this.o.onEvent?.({ kind: 'misconfigured', service: name, line });
      return;
    }
    slot.stops = stopsInRow(slot.stops, upMs, this.policy);
    const delay = restartDelay(slot.stops, this.policy);
    slot.state.restarts += 1;
    slot.state.status = 'restarting';
    slot.state.restartAt = new Date(Date.now() + delay);
    this.log(`${name} ${code !== null ? `exited with code ${code}` : `was killed by ${signal}`} after ${(upMs / 1000).toFixed(1)} s; restarting in ${(delay / 1000).toFixed(1)} s (restart ${slot.state.restarts}); last log line: ${line}`);
    this.o.onEvent?.({ kind: 'exited', service: name, code, signal, line, restartInMs: delay, restarts: slot.state.restarts });
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (!this.stopping) this.launch(slot);
    }, delay);
  }

  private log(line: string): void {
    try {
      fs.appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the log folder vanished: the progress view still shows the event
    }
  }
}

/**
 * The processes of one phase. Replicas after the first get a client id of their own (so Kafka's group description
 * tells them apart) and serve no dashboard or metrics (those ports belong to the first). The extractor reads no
 * topic, so its replicas split the source objects instead; a sample run, which picks parents across objects, or
 * FERRY_STREAMS keeps one extractor.
 */
export function replicaSpecs(name: ServiceName, replicas: number, plan: Pick<RoutePlan, 'sourceObjects'>, sample?: number, env: NodeJS.ProcessEnv = process.env): ReplicaSpec[] {
  const n = Math.max(1, Math.floor(replicas));
  const extra = (r: number): Record<string, string> => (r === 1 ? {} : { KAFKA_CLIENT_ID: `${env.KAFKA_CLIENT_ID ?? 'ferry'}-r${r}`, FERRY_DASHBOARD_PORT: '0', FERRY_METRICS_PORT: '0' });
  if (name !== 'extractor') return Array.from({ length: n }, (_, i) => ({ replica: i + 1, env: extra(i + 1) }));
  const objects = plan.sourceObjects;
  if (n === 1 || sample || env.FERRY_STREAMS || objects.length < 2) return [{ replica: 1 }];
  const specs: ReplicaSpec[] = [];
  for (let r = 1; r <= Math.min(n, objects.length); r++) {
    specs.push({ replica: r, env: { ...extra(r), FERRY_STREAMS: objects.filter((_, i) => i % n === r - 1).join(',') } });
  }
  return specs;
}
