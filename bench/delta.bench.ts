import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { Extraction } from '../apps/extractor/src/extraction';
import { startSourceSandbox } from '../apps/sandbox/src/source/testing/source-sandbox.harness';
import { pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { ExtractedEvent } from '@ferry/contracts';
import { SOURCE_SYSTEMS } from '@ferry/connectors/core';
import { sourceConnector } from '@ferry/connectors/registry';
import { CheckpointRepository, MigrationRepository } from '@ferry/persistence';
import { templateMap } from '@ferry/mapping';
import { Runtime } from '@ferry/runtime';

/**
 * Change → `extracted` latency: the source sandbox's mutation mode creates, updates and deletes records at a set
 * rate while the extractor polls its API; every change in the sandbox's change log is matched with the event that
 * carried it, and the delay from the change's modified time to the event's arrival on Kafka is reported as
 * p50/p95/max. A change that never arrives is counted as missed.
 */
async function main(): Promise<void> {
  const o = new Command()
    .option('--source <system>', `one of ${SOURCE_SYSTEMS.join(', ')}`, 'leaf360')
    .option('--records <n>', 'records loaded into the source sandbox', (v) => Number(v), 5000)
    .option('--rate <n>', 'changes per second', (v) => Number(v), 20)
    .option('--seconds <n>', 'how long changes are made', (v) => Number(v), 30)
    .option('--interval <ms>', 'extractor poll interval', (v) => Number(v), 1000)
    .parse(process.argv)
    .opts();
  const connector = sourceConnector(o.source);
  const { DATABASE_URL } = loadConfig([settings.database]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-delta-bench-'));
  await connector.generate({ records: o.records, seed: 5, out: dir, format: o.source === 'planports' ? 'csv' : undefined });
  const sbx = await startSourceSandbox({ name: 'deltabench', databaseUrl: DATABASE_URL });
  const migration = `bench-delta-${Date.now().toString(36)}`;
  Object.assign(process.env, { FERRY_MIGRATION: migration, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const rt = await Runtime.create('delta-bench', { map: templateMap('leaf360-dynamics') });
  const consumer = rt.kafka.consumer({ groupId: `${migration}.bench-reader` });
  try {
    const loaded = await sbx.load(o.source, dir);
    out(`loaded ${JSON.stringify(loaded).slice(0, 200)}`);
    await new MigrationRepository(rt.db, migration).ensure(o.source, 'dynamics', null);
    const ex = new Extraction(rt, connector, {
      source: { system: connector.system, mode: 'api', apiUrl: sbx.apiUrl(o.source), apiKey: sbx.apiKey },
      streams: 'all',
      batchSize: 2000,
      pollIntervalMs: o.interval,
      exportWatchMs: 1000,
      overlapMs: 2000,
    });
    await ex.prepare();
    const arrived = new Map<string, number>();
    /** per stream|key: every version seen (modified time, or +Infinity for a delete) and when it arrived */
    const versions = new Map<string, Array<{ mod: number; at: number }>>();
    await consumer.connect();
    await consumer.subscribe({ topics: ex.topicNames(), fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) {
          const e = await rt.codec.decode<ExtractedEvent>(m.value as Buffer);
          // A tombstone may carry no modified time of its own: a delete is matched by key.
          const id = `${e.envelope.objectType}|${e.envelope.sourceKey}|${e.envelope.operation === 'DELETE' ? 'delete' : e.envelope.sourceModifiedAt}`;
          if (!arrived.has(id)) arrived.set(id, now);
          const k = `${e.envelope.objectType}|${e.envelope.sourceKey}`;
          const list = versions.get(k) ?? [];
          list.push({ mod: e.envelope.operation === 'DELETE' ? Number.POSITIVE_INFINITY : (e.envelope.sourceModifiedAt ?? 0), at: now });
          versions.set(k, list);
        }
      },
    });
    const running = ex.run();
    const t0 = Date.now();
    const checkpoints = new CheckpointRepository(rt.db, migration);
    await pollUntil(async () => (await checkpoints.completeStreams()).size === ex.streams.length, { timeoutMs: 600_000, what: 'the snapshot' });
    out(`snapshot of ${ex.streams.length} streams over the API: ${arrived.size.toLocaleString('en-US')} events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const since = Date.now();
    await sbx.setChangesPerSecond(o.rate);
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    await sbx.setChangesPerSecond(0);
    const changes = (await sbx.changes(o.source, since)).filter((c) => c.modifiedAt >= since);
    // A poll sees a record's latest version: a change counts as delivered by the first event carrying it or a
    // later version of the same record (several updates between two polls arrive as one).
    const deliveredAt = (c: { op: string; stream: string; key: string; modifiedAt: number }) => {
      const need = c.op === 'delete' ? Number.POSITIVE_INFINITY : c.modifiedAt;
      // A stream without a cursor (e.g. stage history) carries no modified time: any event after the change counts.
      const timeless = !ex.streams.find((d) => d.name === c.stream)?.cursor;
      const hits = (versions.get(`${c.stream}|${c.key}`) ?? []).filter((v) => (timeless && v.mod !== Number.POSITIVE_INFINITY ? v.at >= c.modifiedAt : v.mod >= need)).map((v) => v.at);
      return hits.length ? Math.min(...hits) : null;
    };
    await pollUntil(() => changes.every((c) => deliveredAt(c) !== null), { timeoutMs: 15_000, what: 'every change' }).catch(() => undefined);
    const lat = changes.map((c) => { const at = deliveredAt(c); return at === null ? null : at - c.modifiedAt; }).filter((x): x is number => x !== null).sort((a, b) => a - b);
    const pct = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : NaN);
    const byOp = changes.reduce<Record<string, number>>((m, c) => ((m[c.op] = (m[c.op] ?? 0) + 1), m), {});
    out(`bench:delta ${o.source}: ${changes.length} changes (${Object.entries(byOp).map(([k, v]) => `${v} ${k}`).join(', ')}) at ${o.rate}/s for ${o.seconds} s, poll interval ${o.interval} ms`);
    out(`  change → extracted topic: p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${lat[lat.length - 1] ?? NaN} ms; missed ${changes.length - lat.length}`);
    const missed = changes.filter((c) => deliveredAt(c) === null);
    if (missed.length) out(`  missed, first few: ${missed.slice(0, 5).map((c) => `${c.op} ${c.stream} ${c.key} @${c.modifiedAt}`).join('; ')}`);
    ex.requestCutover();
    await running;
    if (changes.length - lat.length > 0 || pct(95) > 5000) process.exitCode = 1;
    const admin = rt.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: ex.topicNames() }).catch(() => undefined);
    await admin.disconnect();
    await new MigrationRepository(rt.db, migration).purge();
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await rt.close();
    await sbx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const out = (s: string) => process.stdout.write(`${s}\n`);

main().catch((e) => {
  process.stderr.write(`bench:delta: ${(e as Error).message}\n`);
  process.exit(1);
});
