import { mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { ExportFormat } from '@ferry/connectors/core';
import { generatePlanportsSample } from '../src/sample/planports-sample.generator';

/**
 * Sample generation throughput and memory:
 *   node dist/libs/connectors/planports/bench/planports-sample.bench.js [records=1000000] [xlsx|csv] [dir]
 * Without a dir it writes to a fresh temporary folder and removes it afterwards.
 */
async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? 1_000_000);
  const format = (process.argv[3] ?? 'xlsx') as ExportFormat;
  const given = process.argv[4];
  const dir = given ?? mkdtempSync(join(tmpdir(), 'planports-bench-'));
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  try {
    const manifest = await generatePlanportsSample({ records, seed: 1, out: dir, format });
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    let bytes = 0;
    let apparent = 0;
    let files = 0;
    for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const st = statSync(join(e.parentPath, e.name));
      files++;
      apparent += st.size;
      bytes += st.blocks * 512;
    }
    const written = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `generated ${written} records (${manifest.malformed.length} of them malformed) as ${format} in ${seconds.toFixed(1)} s = ` +
        `${Math.round(written / seconds)} records/s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU s across all threads); RSS peaked at ${mb(peak)} (process max ${mb(process.resourceUsage().maxRSS * 1024)}); ` +
        `${files} files, ${mb(apparent)} apparent, ${mb(bytes)} on disk\n`,
    );
    const big = Object.entries(manifest.counts).sort((a, b) => b[1] - a[1]).slice(0, 6);
    process.stdout.write(`largest objects: ${big.map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
  } finally {
    clearInterval(sampler);
    if (!given) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
