import { rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { SourceMessage } from '@ferry/connectors/core';
import { Leaf360Connector } from '../src/leaf360.connector';

/**
 * Generation throughput and memory for a full Leaf360 export (every object):
 *   node dist/libs/connectors/leaf360/bench/leaf360-sample.bench.js [records=1000000] [dir] [--read]
 * --read then reads every exported stream back through the connector and checks the rejects against the manifest.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const readBack = process.argv.includes('--read');
  const records = Number(args[0] ?? 1_000_000);
  const dir = args[1] ?? join(tmpdir(), 'leaf360-sample-bench');
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
  rmSync(dir, { recursive: true, force: true });

  const connector = new Leaf360Connector();
  let peak = 0;
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const now = process.memoryUsage().rss;
    peak = Math.max(peak, now);
    rss.push(now);
  }, 250);
  const t = process.hrtime.bigint();
  const manifest = await connector.generate({ records, seed: 1, out: dir });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  clearInterval(sampler);
  const total = Object.values(manifest.counts).reduce((a, b) => a + b, 0);
  const quarter = (q: number) => mb(rss[Math.min(rss.length - 1, Math.floor((rss.length * q) / 4))] ?? 0);
  process.stdout.write(
    `generated ${total} records (${manifest.malformed.length} malformed) into ${dir} in ${seconds.toFixed(1)} s = ${Math.round(total / seconds)} records/s; ` +
      `RSS peak ${mb(Math.max(peak, process.memoryUsage().rss))} (process peak ${mb(process.resourceUsage().maxRSS * 1024)}), ` +
      `at 1/4, 1/2, 3/4 of the run ${quarter(1)}, ${quarter(2)}, ${quarter(3)}\n`,
  );
  process.stdout.write(`${Object.entries(manifest.counts).map(([s, n]) => `${s} ${n}`).join(', ')}\n`);
  if (total !== records) throw new Error(`asked for ${records} records, the manifest counts ${total}`);

  if (!readBack) return;
  let read = 0;
  const start = process.hrtime.bigint();
  for (const def of connector.streams()) {
    if (!def.export) continue;
    const want = manifest.malformed.filter((m) => m.stream === def.name).map((m) => `${m.line}:${m.code}`);
    const got: string[] = [];
    let rows = 0;
    for await (const m of connector.readExport(dir, def.name) as AsyncIterable<SourceMessage>) {
      if (m.type === 'state') continue;
      rows++;
      if (m.type === 'reject') got.push(`${m.origin.line}:${m.code}`);
    }
    read += rows;
    if (rows !== manifest.counts[def.name] || got.join() !== want.join()) {
      throw new Error(`${def.name}: read ${rows} rows with rejects ${got.slice(0, 5).join(', ')}…, the manifest says ${manifest.counts[def.name]} with ${want.slice(0, 5).join(', ')}…`);
    }
  }
  const readSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(
    `read back ${read} rows of every exported stream in ${readSeconds.toFixed(1)} s = ${Math.round(read / readSeconds)} rows/s; rejects match the manifest; ` +
      `process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}\n`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
