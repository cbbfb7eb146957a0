import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { pollUntil, projectRoot, sleep } from '@ferry/common';

export const SERVICES = ['extractor', 'transformer', 'resolver', 'loader', 'reconciler'] as const;
export type ServiceName = (typeof SERVICES)[number] | 'sandbox';

/** Compiled entry point of an app, from dist/ (the CLI runs from dist/ as well). */
export function appEntry(app: ServiceName): string {
  return path.join(projectRoot(), 'dist', 'apps', app, 'src', 'main.js');
}

export interface RunningService {
  name: ServiceName;
  /** which process of the service this is when it runs as several replicas: `loader`, `loader-2`… (default: the name) */
  instance?: string;
  child: ChildProcess;
  logFile: string;
  exited: { code: number | null; signal: string | null } | null;
}

/** Starts one app as a child process with its log going to a file (`<instance>.log`; a replica has its own). */
export function startService(name: ServiceName, env: NodeJS.ProcessEnv, logDir: string, instance: string = name): RunningService {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${instance}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [appEntry(name)], { env: { ...process.env, ...env }, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  const svc: RunningService = { name, instance, child, logFile, exited: null };
  child.on('exit', (code, signal) => (svc.exited = { code, signal }));
  return svc;
}

/** The last meaningful line a service wrote: what an operator needs when it died. */
export function lastLogLine(svc: RunningService): string {
  try {
    const lines = fs.readFileSync(svc.logFile, 'utf8').trim().split('\n');
    return lines[lines.length - 1] ?? '';
  } catch {
    return '';
  }
}

export async function stopServices(services: RunningService[], graceMs = 10_000): Promise<void> {
  for (const s of services) if (!s.exited) s.child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (services.some((s) => !s.exited) && Date.now() < deadline) await sleep(100);
  for (const s of services) if (!s.exited) s.child.kill('SIGKILL');
}

/** Peak resident memory of a live process (VmHWM), in MB; null once it has exited. */
export function peakRssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmHWM:\s+(\d+) kB/.exec(status);
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  await pollUntil(async () => (await fetch(url)).ok, { timeoutMs, what: url, intervalMs: 250 });
}

/** CPU seconds (user + system) a live process has used so far; null once it has exited. */
export function cpuSeconds(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/** The name of a service's n-th replica: the first keeps the service's own name, so one replica looks as before. */
export function instanceName(name: ServiceName, replica: number): string {
  return replica <= 1 ? name : `${name}-${replica}`;
}

/** The service an instance name belongs to (`loader-2` → `loader`). */
export function serviceOfInstance(instance: string): string {
  return instance.replace(/-\d+$/, '');
}
