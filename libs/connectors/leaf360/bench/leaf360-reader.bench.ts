import { tmpdir } from 'os';
import { join } from 'path';
import { Leaf360Connector } from '../src/leaf360.connector';
import { writeLeaf360Sample } from '../src/sample/leaf360-sample.generator';

/**
 * Reader throughput on a generated contacts.csv, read the way the extractor reads it (Leaf360Connector.readExport,
 * which is the connector core's reader):
 *   node dist/libs/connectors/leaf360/bench/leaf360-reader.bench.js [rows=1000000] [malformedEvery=200] [dir]
 */
async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const malformedEvery = Number(process.argv[3] ?? 200);
  const dir = process.argv[4] ?? join(tmpdir(), 'leaf360-reader-bench');
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

  let t = process.hrtime.bigint();
  const manifest = await writeLeaf360Sample({ outDir: dir, seed: 1, companies: 1000, contacts: rows, deals: 0, malformedEvery });
  const genSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const genRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(
    `generated ${manifest.files.contact}: ${rows} good + ${manifest.malformed.contact.length + manifest.emptied.contact.length} malformed rows in ${genSeconds.toFixed(1)} s ` +
      `(${Math.round(rows / genSeconds)} rows/s, peak RSS ${mb(genRss)})\n`,
  );

  let records = 0;
  let rejects = 0;
  let peak = 0;
  t = process.hrtime.bigint();
  for await (const m of new Leaf360Connector().readExport(dir, 'contact')) {
    if (m.type === 'record') records++;
    else if (m.type === 'reject') rejects++;
    else continue;
    if (((records + rejects) & 0x3fff) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  process.stdout.write(
    `read ${records} records + ${rejects} rejects in ${seconds.toFixed(1)} s = ${Math.round((records + rejects) / seconds)} rows/s; ` +
      `RSS while reading peaked at ${mb(peak)} (process peak ${mb(process.resourceUsage().maxRSS * 1024)})\n`,
  );
  // malformed rows whose bad value is in an optional column are read, that value emptied
  const kept = rows + manifest.emptied.contact.length;
  if (records !== kept || rejects !== manifest.malformed.contact.length) {
    throw new Error(`expected ${kept} records and ${manifest.malformed.contact.length} rejects`);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
