import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { INTERACTIVE_STREAMS } from '../src/interactive.catalog';
import { InteractiveConnector } from '../src/interactive.connector';
import { generateInteractiveSample } from '../src/sample/interactive-sample.generator';

/**
 * Sample generator throughput, and with --read the connector reading the sample back:
 *   node dist/libs/connectors/interactive/bench/interactive-sample.bench.js [records=1000000] [dir] [--keep] [--read]
 * Without a dir it writes to a fresh temp folder and removes it afterwards unless --keep is given.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const readBack = process.argv.includes('--read');
  const keep = process.argv.includes('--keep') || args[1] !== undefined;
  const records = Number(args[0] ?? 1_000_000);
  const out = args[1] ?? mkdtempSync(join(tmpdir(), 'interactive-bench-'));
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const t = process.hrtime.bigint();
  try {
    const manifest = await generateInteractiveSample({ records, seed: 1, out });
    const seconds = Number(process.hrtime.bigint() - t) / 1e9;
    clearInterval(sampler);
    const written = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
    process.stdout.write(
      `generated ${written} records (${manifest.malformed.length} malformed) into ${out} in ${seconds.toFixed(1)} s = ` +
        `${Math.round(written / seconds)} records/s; RSS sampled peak ${mb(peak)}, process peak ${mb(process.resourceUsage().maxRSS * 1024)}\n`,
    );
    process.stdout.write(`${Object.entries(manifest.counts).map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
    if (written !== records) throw new Error(`expected ${records} records, the manifest counts ${written}`);
    if (readBack) {
      const connector = new InteractiveConnector();
      let read = 0;
      let rejected = 0;
      let readPeak = 0;
      const r = process.hrtime.bigint();
      for (const s of INTERACTIVE_STREAMS.filter((d) => d.export)) {
        for await (const m of connector.readExport(out, s.name)) {
          if (m.type === 'record') read++;
          else if (m.type === 'reject') rejected++;
          if (((read + rejected) & 0x3fff) === 0) readPeak = Math.max(readPeak, process.memoryUsage().rss);
        }
      }
      const readSeconds = Number(process.hrtime.bigint() - r) / 1e9;
      process.stdout.write(
        `read back ${read} records + ${rejected} rejects in ${readSeconds.toFixed(1)} s = ${Math.round((read + rejected) / readSeconds)} rows/s; ` +
          `RSS while reading peaked at ${mb(readPeak)}\n`,
      );
      if (rejected !== manifest.malformed.length) throw new Error(`expected ${manifest.malformed.length} rejects, read ${rejected}`);
    }
  } finally {
    clearInterval(sampler);
    if (!keep) rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
