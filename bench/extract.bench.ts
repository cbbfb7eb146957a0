import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { ExtractedEmitter, type PendingRecord } from '../apps/extractor/src/extracted.emitter';
import { Extraction } from '../apps/extractor/src/extraction';
import { ferryHome } from '@ferry/config';
import { SOURCE_SYSTEMS } from '@ferry/connectors/core';
import { sourceConnector } from '@ferry/connectors/registry';
import type { OutgoingRecord } from '@ferry/kafka';
import { MigrationRepository } from '@ferry/persistence';
import { templateMap } from '@ferry/mapping';
import { Runtime } from '@ferry/runtime';

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
    .option('--skip-read-only', 'only the export → Kafka pass: skip the passes that show where the time goes')
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
  // The extractor reads every stream of the source whatever the map; the shipped template only wires topics.
  const rt = await Runtime.create('extract-bench', { producerThread: o.producerThread, map: templateMap('leaf360-dynamics') });
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
    const scratch = o.skipReadOnly ? [] : [await diagnostics(rt, connector, dir, o.batch, ex.topicNames()[0])];
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
    await admin.deleteTopics({ topics: [...ex.topicNames(), ...scratch] }).catch(() => undefined);
    await admin.disconnect();
    // the bench's hashes and checkpoints go too: left behind, every run makes the next one's table bigger
    await new MigrationRepository(rt.db, migration).purge();
  } finally {
    clearInterval(sampler);
    await rt.close();
  }
}

/**
 * Where the time goes, one part at a time on an otherwise idle machine: (1) reading, typing, Avro-encoding,
 * hashing and framing the events on this thread, without Kafka or PostgreSQL; (2) the producer alone sending
 * the same number of ready-made events of the same average size (the kafkajs and broker share).
 */
async function diagnostics(rt: Runtime, connector: ReturnType<typeof sourceConnector>, dir: string, batch: number, scratchOf: string): Promise<string> {
  const streams = connector.streams().filter((s) => s.export);
  let n = 0;
  let bytes = 0;
  let cpu0 = process.cpuUsage();
  let t0 = process.hrtime.bigint();
  for (const s of streams) {
    const emitter = new ExtractedEmitter(rt, connector.system, s);
    let pending: PendingRecord[] = [];
    const drain = () => {
      for (const e of emitter.events(pending, []).out) bytes += e.wire!.length;
      pending = [];
    };
    for await (const m of connector.readExport(dir, s.name, { stateEvery: batch })) {
      if (m.type !== 'record') continue;
      const p = emitter.pending(m.record, m.origin);
      n++;
      if (!('type' in p)) pending.push(p);
      if (pending.length >= batch) drain();
    }
    drain();
  }
  let secs = Number(process.hrtime.bigint() - t0) / 1e9;
  let cpu = process.cpuUsage(cpu0);
  out(`read, type, encode, hash and frame (no Kafka, no PostgreSQL): ${n.toLocaleString('en-US')} records in ${secs.toFixed(1)} s = ${Math.round(n / secs).toLocaleString('en-US')} records/s, ${us(cpu, n)} µs CPU each`);

  // the producer alone: the same number of events of the average size, to a scratch topic deleted after
  const size = Math.max(1, Math.round(bytes / Math.max(1, n)));
  const topic = `${scratchOf}.bench-scratch`;
  const admin = rt.kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: rt.config.FERRY_TOPIC_PARTITIONS, replicationFactor: 1 }] });
    const value = Buffer.alloc(size, 7);
    cpu0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i += batch) {
      const records: OutgoingRecord[] = [];
      for (let j = i; j < Math.min(n, i + batch); j++) records.push({ topic, key: `K${j}`, value: null, wire: value });
      await rt.producer.send(records);
    }
    secs = Number(process.hrtime.bigint() - t0) / 1e9;
    cpu = process.cpuUsage(cpu0);
    out(`producer alone (${rt.producer.threaded ? 'its own thread' : 'main thread'}, acks=all, idempotent): ${n.toLocaleString('en-US')} events of ${size} bytes in ${secs.toFixed(1)} s = ${Math.round(n / secs).toLocaleString('en-US')} events/s, ${us(cpu, n)} µs CPU each in this process (the broker's not counted)`);
  } finally {
    await admin.disconnect();
  }
  // deleted with the run's other topics at the end: kafkajs keeps asking for the metadata of every topic its
  // producer has sent to, and a topic gone under it makes each later send retry
  return topic;
}

const us = (c: NodeJS.CpuUsage, n: number) => ((c.user + c.system) / Math.max(1, n)).toFixed(1);
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
