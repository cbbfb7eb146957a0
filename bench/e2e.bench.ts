import { Command } from 'commander';
import { runDemo } from '../apps/cli/src/demo.command';
import { loadConfig, settings } from '@ferry/config';
import { connectDataSource, ReconRepository } from '@ferry/persistence';
import type { RunningService } from '@ferry/ops';
import { cpuSeconds, peakRssMb } from '@ferry/ops';
import { METRICS_SERVICES } from '@ferry/metrics';

/**
 * The whole route at a given scale on this machine: records/s per phase (from the first to the last record
 * that reached it) and end to end, and each service's peak RSS.
 */
async function main(): Promise<void> {
  const o = new Command()
    .option('--records <n>', 'records in the sample, over every object of the source', (v) => Number(v), 100_000)
    .option('--route <route>', 'route to run', 'leaf360-dynamics')
    .option('--map <file>', "a map of the route to confirm instead of its template (e.g. to compare two maps' cost)")
    .option('--quota', "the sandbox applies service protection: the platform's limits scaled to --window (SANDBOX_THROTTLE_* win); prints which limit binds and the share of it the loader used")
    .option('--window <s>', 'the service-protection window with --quota, in seconds (the platform: 300)', (v) => Number(v), 10)
    .option('--port <n>', 'port of the sandbox the run starts', (v) => Number(v), 18190)
    .parse(process.argv)
    .opts();
  // The phases' own step timings (ferry_step_seconds_total), read from their metrics endpoints while they run.
  process.env.FERRY_METRICS_PORT ??= String(o.port + 1);
  const steps = new Map<string, PhaseSteps>();
  const stepping = setInterval(() => void sampleSteps(Number(process.env.FERRY_METRICS_PORT), steps), 1000);
  const usage: UsageSample[] = [];
  let sampling: NodeJS.Timeout | undefined;
  if (o.quota) {
    const scale = o.window / 300;
    process.env.SANDBOX_THROTTLE_WINDOW_SECONDS ??= String(o.window);
    process.env.SANDBOX_THROTTLE_REQUESTS ??= String(Math.max(1, Math.round(6000 * scale)));
    process.env.SANDBOX_THROTTLE_EXECUTION_MS ??= String(Math.max(1, Math.round(1_200_000 * scale)));
    sampling = setInterval(() => void sampleUsage(o.port, usage), 1000);
  }
  let services: RunningService[] = [];
  const peak: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  const sampler = setInterval(() => {
    for (const s of services) {
      peak[s.name] = Math.max(peak[s.name] ?? 0, peakRssMb(s.child.pid) ?? 0);
      cpu[s.name] = cpuSeconds(s.child.pid) ?? cpu[s.name] ?? 0;
    }
  }, 500);
  const r = await runDemo({
    once: true, quiet: false, seed: 42, stallTimeout: 180, sandboxPort: o.port, route: o.route, records: o.records, mapFile: o.map,
    onRunning: (s) => (services = s),
  });
  clearInterval(sampler);
  clearInterval(stepping);
  if (sampling) clearInterval(sampling);
  const { DATABASE_URL } = loadConfig([settings.database]);
  const db = await connectDataSource(DATABASE_URL);
  const times = await new ReconRepository(db, r.migration).phaseTimes();
  await db.destroy();
  const total = r.rows.sources.reduce((s, x) => s + x.extracted, 0);
  const start = Math.min(...times.map((t) => t.first.getTime()));
  process.stdout.write(`\nbench:e2e route=${o.route} records=${total} reconciled=${r.reconciled}\n`);
  for (const phase of ['extracted', 'transformed', 'resolved', 'loaded'] as const) {
    const ts = times.filter((t) => t.phase === phase);
    const n = phase === 'extracted' ? total : r.rows.entities.reduce((s, x) => s + x[phase], 0);
    const first = Math.min(...ts.map((t) => t.first.getTime()));
    const last = Math.max(...ts.map((t) => t.last.getTime()));
    const secs = Math.max(0.001, (last - first) / 1000);
    process.stdout.write(`  ${phase.padEnd(12)} ${String(n).padStart(8)} records in ${secs.toFixed(1).padStart(6)} s = ${Math.round(n / secs).toString().padStart(7)} rec/s (done ${((last - start) / 1000).toFixed(1)} s after the first extract)\n`);
  }
  const lastLoad = Math.max(...times.filter((t) => t.phase === 'loaded').map((t) => t.last.getTime()));
  process.stdout.write(`  end to end   ${total} records in ${((lastLoad - start) / 1000).toFixed(1)} s = ${Math.round(total / ((lastLoad - start) / 1000))} rec/s (wall clock incl. start-up ${r.seconds.toFixed(1)} s)\n`);
  process.stdout.write(`  peak RSS MB  ${Object.entries(peak).map(([k, v]) => `${k} ${v}`).join(', ')}\n`);
  process.stdout.write(`  CPU seconds  ${Object.entries(cpu).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')} (Kafka, registry and PostgreSQL not included)\n`);
  process.stdout.write(stepReport(steps));
  if (o.quota) {
    const loads = times.filter((t) => t.phase === 'loaded');
    process.stdout.write(quotaReport(usage, Math.min(...loads.map((t) => t.first.getTime())), lastLoad));
  }
  if (!r.reconciled) process.exitCode = 1;
}

/** One phase's chunk count, handler seconds and seconds per step, as its metrics last said. */
interface PhaseSteps {
  chunks: number;
  handlerSeconds: number;
  steps: Map<string, number>;
}

const STEP_SERVICES = ['transformer', 'resolver', 'loader'];

async function sampleSteps(base: number, into: Map<string, PhaseSteps>): Promise<void> {
  await Promise.all(
    STEP_SERVICES.map(async (service) => {
      try {
        const res = await fetch(`http://127.0.0.1:${base + METRICS_SERVICES.indexOf(service as (typeof METRICS_SERVICES)[number])}/metrics`);
        if (!res.ok) return;
        const text = await res.text();
        const phases = new Map<string, PhaseSteps>();
        const of = (phase: string) => phases.get(phase) ?? phases.set(phase, { chunks: 0, handlerSeconds: 0, steps: new Map() }).get(phase)!;
        for (const m of text.matchAll(/^(ferry_step_seconds_total|ferry_batch_duration_seconds_sum|ferry_batch_duration_seconds_count)\{([^}]*)\} (\S+)$/gm)) {
          const labels = new Map([...m[2].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
          const p = of(labels.get('phase') ?? '?');
          if (m[1] === 'ferry_step_seconds_total') p.steps.set(labels.get('step') ?? '?', Number(m[3]));
          else if (m[1].endsWith('_sum')) p.handlerSeconds = Number(m[3]);
          else p.chunks = Number(m[3]);
        }
        for (const [phase, p] of phases) into.set(phase, p);
      } catch {
        // the service is not up yet, or already stopped
      }
    }),
  );
}

/** Where each consuming phase spent its time: decoding, its handler's steps, committing; busy = all of them. */
function stepReport(steps: Map<string, PhaseSteps>): string {
  const lines: string[] = [];
  for (const [phase, p] of steps) {
    const outside = (p.steps.get('decode') ?? 0) + (p.steps.get('commit') ?? 0);
    const split = [...p.steps].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
    lines.push(`    ${phase.padEnd(10)} ${String(p.chunks).padStart(5)} chunks, busy ${(p.handlerSeconds + outside).toFixed(1)} s: ${split}`);
  }
  return lines.length ? ['  step seconds (ferry_step_seconds_total per phase)', ...lines, ''].join('\n') : '';
}

interface UsageSample {
  at: number;
  limits: { requestLimit: number; windowSeconds: number; executionTimeLimitMs: number; concurrencyLimit: number; dopHint: number };
  admitted: number;
  refused: { requests: number; executionTime: number; concurrency: number };
  executionMs: number;
  inFlightMs: number;
  peakInFlight: number;
}

/** The sandbox's own service-protection counters (every user summed: the demo runs as one application user). */
async function sampleUsage(port: number, into: UsageSample[]): Promise<void> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/_sandbox/throttle`);
    if (!res.ok) return;
    const body = (await res.json()) as { limits: UsageSample['limits']; users: Record<string, Omit<UsageSample, 'at' | 'limits'>> };
    const users = Object.values(body.users);
    const sum = (f: (u: Omit<UsageSample, 'at' | 'limits'>) => number) => users.reduce((n, u) => n + f(u), 0);
    into.push({
      at: Date.now(),
      limits: body.limits,
      admitted: sum((u) => u.admitted),
      refused: { requests: sum((u) => u.refused.requests), executionTime: sum((u) => u.refused.executionTime), concurrency: sum((u) => u.refused.concurrency) },
      executionMs: sum((u) => u.executionMs),
      inFlightMs: sum((u) => u.inFlightMs),
      peakInFlight: Math.max(0, ...users.map((u) => u.peakInFlight)),
    });
  } catch {
    // the sandbox is not up yet, or already stopped
  }
}

/** Over the load phase: the share of each limit the run used, and the one that binds (the largest share). */
function quotaReport(usage: UsageSample[], from: number, to: number): string {
  const first = [...usage].reverse().find((u) => u.at <= from) ?? usage[0];
  const last = [...usage].reverse().find((u) => u.at <= to + 1000) ?? usage[usage.length - 1];
  if (!first || !last || last.at <= first.at) return '  quota        no service-protection samples from the sandbox\n';
  const l = last.limits;
  const secs = (last.at - first.at) / 1000;
  const windows = secs / l.windowSeconds;
  const shares = [
    { limit: `requests (${l.requestLimit} per ${l.windowSeconds} s)`, used: `${last.admitted - first.admitted} requests`, share: (last.admitted - first.admitted) / (windows * l.requestLimit) },
    { limit: `execution time (${l.executionTimeLimitMs} ms per ${l.windowSeconds} s)`, used: `${Math.round(last.executionMs - first.executionMs)} ms`, share: (last.executionMs - first.executionMs) / (windows * l.executionTimeLimitMs) },
    { limit: `concurrency (${l.concurrencyLimit} at once)`, used: `mean ${((last.inFlightMs - first.inFlightMs) / (secs * 1000)).toFixed(1)} in flight, peak ${last.peakInFlight}`, share: (last.inFlightMs - first.inFlightMs) / (secs * 1000) / l.concurrencyLimit },
  ];
  const binding = shares.reduce((a, b) => (b.share > a.share ? b : a));
  const refused = { requests: last.refused.requests - first.refused.requests, executionTime: last.refused.executionTime - first.refused.executionTime, concurrency: last.refused.concurrency - first.refused.concurrency };
  return [
    `  quota        over the load phase (${secs.toFixed(1)} s, x-ms-dop-hint ${l.dopHint}), from the sandbox's counters:`,
    ...shares.map((x) => `    ${x.limit.padEnd(42)} ${x.used.padEnd(34)} ${(100 * x.share).toFixed(1).padStart(5)} %${x === binding ? '  <- binds' : ''}`),
    `    refused (429)                              requests ${refused.requests}, execution time ${refused.executionTime}, concurrency ${refused.concurrency}`,
    '',
  ].join('\n');
}

main().catch((e) => {
  process.stderr.write(`bench:e2e: ${(e as Error).message}\n`);
  process.exit(1);
});
