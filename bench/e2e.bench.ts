import { Command } from 'commander';
import { runDemo } from '../apps/cli/src/demo.command';
import { loadConfig, settings } from '@ferry/config';
import { connectDataSource, ReconRepository } from '@ferry/persistence';
import type { RunningService } from '@ferry/ops';
import { cpuSeconds, peakRssMb } from '@ferry/ops';

/**
 * The whole route at a given scale on this machine: records/s per phase (from the first to the last record
 * that reached it) and end to end, and each service's peak RSS.
 */
async function main(): Promise<void> {
  const o = new Command()
    .option('--records <n>', 'records in the sample, over every object of the source', (v) => Number(v), 100_000)
    .option('--route <route>', 'route to run', 'leaf360-dynamics')
    .option('--map <file>', "a map of the route to confirm instead of its template (e.g. to compare two maps' cost)")
    .parse(process.argv)
    .opts();
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
    once: true, quiet: false, seed: 42, stallTimeout: 180, sandboxPort: 18190, route: o.route, records: o.records, mapFile: o.map,
    onRunning: (s) => (services = s),
  });
  clearInterval(sampler);
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
  if (!r.reconciled) process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`bench:e2e: ${(e as Error).message}\n`);
  process.exit(1);
});
