import { mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ProfiConnector } from '../src/profi.connector';
import { generateProfiSample } from '../src/sample/profi-sample.generator';

/**
 * Sample generation throughput, and optionally the reader's over the result:
 *   node dist/libs/connectors/profi/bench/profi-sample.bench.js [records=1000000] [--read] [--keep dir]
 * Without --keep the sample goes to a temporary folder that is removed afterwards.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const keepAt = args.indexOf('--keep');
  const keep = keepAt !== -1 ? args[keepAt + 1] : undefined;
  const records = Number(args.find((a, i) => /^\d+$/.test(a) && i !== keepAt + 1) ?? 1_000_000);
  const read = args.includes('--read');
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'profi-bench-'));
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    let t = process.hrtime.bigint();
    const manifest = await generateProfiSample({ records, seed: 1, out: dir });
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    const sizes = readdirSync(dir)
      .filter((f) => f.endsWith('.csv'))
      .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    process.stdout.write(
      `generated ${records} records (${manifest.malformed.length} malformed, ${(manifest.notes.files as { written: number }).written} files) ` +
        `into ${dir}: ${mb(sizes)} of CSV in ${seconds.toFixed(1)} s = ${Math.round(records / seconds)} records/s; ` +
        `peak RSS ${mb(peak)} (process max ${mb(process.resourceUsage().maxRSS * 1024)})\n`,
    );

    if (read) {
      const connector = new ProfiConnector();
      let rows = 0;
      let rejects = 0;
      peak = 0;
      t = process.hrtime.bigint();
      for (const s of connector.streams()) {
        if (!s.export) continue;
        for await (const m of connector.readExport(dir, s.name)) {
          if (m.type === 'record') rows++;
          else if (m.type === 'reject') rejects++;
        }
      }
      const readSeconds = Number(process.hrtime.bigint() - t) / 1e9;
      process.stdout.write(
        `read ${rows} records + ${rejects} rejects in ${readSeconds.toFixed(1)} s = ${Math.round((rows + rejects) / readSeconds)} rows/s; ` +
          `peak RSS while reading ${mb(peak)}\n`,
      );
      if (rejects !== manifest.malformed.length) throw new Error(`expected ${manifest.malformed.length} rejects, got ${rejects}`);
    }
  } finally {
    clearInterval(sampler);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
