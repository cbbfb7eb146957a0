import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { Extraction } from '../apps/extractor/src/extraction';
import { ferryHome } from '../libs/config/src';
import { SOURCE_SYSTEMS } from '../libs/connectors/core/src';
import { sourceConnector } from '../libs/connectors/registry/src';
import { MigrationRepository } from '../libs/persistence/src';
import { Runtime } from '../libs/runtime/src';

/**
 * Export → Kafka on this machine: a generated export of N records read, typed, hashed, diffed against the stored
 * hashes, Avro-encoded and produced (acks=all) to the `extracted` topics, with the checkpoint after each batch.
 * Reports records/s and the process's peak RSS, and separately the read-and-type rate alone, to show where
 * the time goes.
 */
async function main(): Promise<void> {
  const o = new Command()
    .option('--records <n>', 'records in the export', (v) => Number(v), 1_000_000)
    .option('--source <system>', `one of ${SOURCE_SYSTEMS.join(', ')}`, 'leaf360')
    .option('--seed <n>', 'sample seed', (v) => Number(v), 7)
    .option('--batch <n>', 'records per produced batch and checkpoint', (v) => Number(v), 2000)
    .option('--format <f>', 'export format for sources that offer several (planports: csv or xlsx)')
    .option('--concurrency <n>', 'stream passes at once (FERRY_EXTRACT_CONCURRENCY)', (v) => Number(v), Number(process.env.FERRY_EXTRACT_CONCURRENCY ?? 3))
    .option('--skip-read-only', 'skip the read-and-type-only pass')
    .option('--no-producer-thread', 'keep kafkajs on the main thread (as before the producer thread)')
    .parse(process.argv)
    .opts();
  const connector = sourceConnector(o.source);
  const dir = path.join(ferryHome(), 'cache', 'bench-exports', `${o.source}-${o.records}-${o.seed}${o.format ? `-${o.format}` : ''}`);
  if (!fs.existsSync(path.join(dir, 'ferry-sample.json'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const t0 = Date.now();
    const manifest = await connector.generate({ records: o.records, seed: o.seed, out: dir, format: o.format });
    fs.writeFileSync(path.join(dir, 'ferry-sample.json'), JSON.stringify(manifest));
    out(`generated ${o.source} export of ${o.records.toLocaleString('en-US')} records in ${((Date.now() - t0) / 1000).toFixed(1)} s → ${dir}`);
  }
  const bytes = fs.readdirSync(dir).reduce((s, f) => s + (fs.statSync(path.join(dir, f)).isFile() ? fs.statSync(path.join(dir, f)).size : 0), 0);
  const streams = connector.streams().filter((s) => s.export);

  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

  if (!o.skipReadOnly) {
    const t0 = process.hrtime.bigint();
    let n = 0;
    await Promise.all(
      streams.map(async (s) => {
        for await (const m of connector.readExport(dir, s.name, { stateEvery: o.batch })) if (m.type !== 'state') n++;
      }),
    );
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    out(`read and type only: ${n.toLocaleString('en-US')} rows in ${secs.toFixed(1)} s = ${Math.round(n / secs).toLocaleString('en-US')} rows/s, peak RSS ${mb(peak)} MB`);
  }

  const migration = `bench-extract-${Date.now().toString(36)}`;
  Object.assign(process.env, { FERRY_MIGRATION: migration, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const rt = await Runtime.create('extract-bench', undefined, { producerThread: o.producerThread });
  try {
    await new MigrationRepository(rt.db, migration).ensure(o.source, 'dynamics', null);
    const ex = new Extraction(rt, connector, {
      source: { system: connector.system, mode: 'export', exportDir: dir },
      streams: 'all',
      batchSize: o.batch,
      pollIntervalMs: 1000,
      exportWatchMs: 1000,
      overlapMs: 0,
      concurrency: o.concurrency,
    });
    await ex.prepare();
    peak = process.memoryUsage().rss;
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const outcomes = await ex.passAll();
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const cpu = process.cpuUsage(cpu0);
    const emitted = outcomes.reduce((s, x) => s + x.emitted, 0);
    const rejected = outcomes.reduce((s, x) => s + x.rejected, 0);
    for (const x of outcomes.filter((x) => x.error)) out(`  ${x.stream}: ${x.error}`);
    out(`bench:extract ${o.source} ${(bytes / 1e6).toFixed(0)} MB export, ${streams.length} streams (${o.concurrency} at a time), batch ${o.batch}, producer ${rt.producer.threaded ? 'in its own thread' : 'on the main thread'}`);
    out(`  export → Kafka: ${(emitted + rejected).toLocaleString('en-US')} rows (${emitted.toLocaleString('en-US')} records, ${rejected} quarantined) in ${secs.toFixed(1)} s = ${Math.round((emitted + rejected) / secs).toLocaleString('en-US')} records/s`);
    out(`  peak RSS ${mb(peak)} MB (VmHWM ${vmHwmMb() ?? '?'} MB); CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in this process over ${secs.toFixed(1)} s on ${os.cpus().length} cores`);
    const admin = rt.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: ex.topicNames() }).catch(() => undefined);
    await admin.disconnect();
  } finally {
    clearInterval(sampler);
    await rt.close();
  }
}

const out = (s: string) => process.stdout.write(`${s}\n`);
const mb = (b: number) => Math.round(b / 1048576);

function vmHwmMb(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch {
    return null;
  }
}

main().catch((e) => {
  process.stderr.write(`bench:extract: ${(e as Error).message}\n`);
  process.exit(1);
});
