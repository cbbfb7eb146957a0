import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { Extraction } from '../apps/extractor/src/extraction';
import { startSourceSandbox } from '../apps/sandbox/src/source/testing/source-sandbox.harness';
import { createLogger, pollUntil } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { allRouteTopics, topics, type Envelope, type ExtractedEvent, type LoadedEvent, type RoutePlan } from '@ferry/contracts';
import { SOURCE_SYSTEMS, type SourceConnector } from '@ferry/connectors/core';
import { sourceConnector } from '@ferry/connectors/registry';
import { createDestination } from '@ferry/destinations/registry';
import { AvroCodec, createKafka } from '@ferry/kafka';
import { CheckpointRepository, connectDataSource, MapVersionRepository, MigrationRepository } from '@ferry/persistence';
import { confirmedMap, draftFromTemplate, templateMap } from '@ferry/mapping';
import { assertAlive, progress, startRouteStack, type RouteStack } from '@ferry/ops';
import { Runtime } from '@ferry/runtime';

interface Options {
  source: string;
  records: number;
  rate: number;
  seconds: number;
  interval: number;
  to: 'extracted' | 'destination';
  port: number;
  duringSnapshot?: boolean;
}

/**
 * Change latency: the source sandbox's mutation mode creates, updates and deletes records at a set rate while the
 * extractor polls its API; every change in the sandbox's change log is matched with the event that carried it.
 * `--to extracted`: an in-process extractor, the delay from the change's modified time to its `extracted` event.
 * `--to destination` (default): the five services and the destination sandbox as `ferry run` starts them, the delay
 * to the `loaded` event the loader emits once the destination confirmed the write, after the snapshot reconciled
 * (or, with --during-snapshot, while it loads: the same pipeline busy with the initial load).
 * Reported as p50/p95/max; a change that never arrives is counted as missed.
 */
async function main(): Promise<void> {
  const o = new Command()
    .option('--source <system>', `one of ${SOURCE_SYSTEMS.join(', ')}`, 'leaf360')
    .option('--records <n>', 'records loaded into the source sandbox', (v) => Number(v), 5000)
    .option('--rate <n>', 'changes per second', (v) => Number(v), 20)
    .option('--seconds <n>', 'how long changes are made', (v) => Number(v), 30)
    .option('--interval <ms>', 'extractor poll interval', (v) => Number(v), 1000)
    .option('--to <where>', 'extracted (the extracted topic, in-process extractor) or destination (through all five services)', 'destination')
    .option('--port <n>', 'port of the destination sandbox with --to destination', (v) => Number(v), 18196)
    .option('--during-snapshot', 'with --to destination: make the changes while the snapshot of --records is still loading, not after it reconciled')
    .parse(process.argv)
    .opts<Options>();
  if (!['extracted', 'destination'].includes(o.to)) throw new Error(`--to ${o.to}: choose extracted or destination`);
  const connector = sourceConnector(o.source);
  const { DATABASE_URL } = loadConfig([settings.database]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-delta-bench-'));
  await connector.generate({ records: o.records, seed: 5, out: dir, format: o.source === 'planports' ? 'csv' : undefined });
  const sbx = await startSourceSandbox({ name: 'deltabench', databaseUrl: DATABASE_URL });
  if (o.to === 'destination') {
    try {
      await toDestination(o, dir, sbx, DATABASE_URL);
    } finally {
      await sbx.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    return;
  }
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
    const versions: Versions = new Map();
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
          noteVersion(versions, e.envelope, now);
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
    const timeless = new Set(ex.streams.filter((d) => !d.cursor).map((d) => d.name));
    const r = await latencies(changes, versions, timeless, 15_000);
    out(`bench:delta ${o.source}: ${describeChanges(changes)} at ${o.rate}/s for ${o.seconds} s, poll interval ${o.interval} ms`);
    out(`  change → extracted topic: ${r.line}`);
    ex.requestCutover();
    await running;
    if (r.missed > 0 || r.p95 > 5000) process.exitCode = 1;
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

type Change = { op: string; stream: string; key: string; modifiedAt: number };
/** per stream|key: every version that arrived (its modified time, +Infinity for a delete) and when */
type Versions = Map<string, Array<{ mod: number; at: number }>>;

function noteVersion(versions: Versions, e: Envelope, at: number): void {
  const k = `${e.objectType}|${e.sourceKey}`;
  const list = versions.get(k) ?? [];
  list.push({ mod: e.operation === 'DELETE' ? Number.POSITIVE_INFINITY : (e.sourceModifiedAt ?? 0), at });
  versions.set(k, list);
}

const describeChanges = (changes: Change[]) =>
  `${changes.length} changes (${Object.entries(changes.reduce<Record<string, number>>((m, c) => ((m[c.op] = (m[c.op] ?? 0) + 1), m), {})).map(([k, v]) => `${v} ${k}`).join(', ')})`;

/**
 * When each change arrived: a poll sees a record's latest version, so a change counts as delivered by the first
 * event carrying it or a later version of the same record (several updates between two polls arrive as one). A
 * stream without a cursor (stage history) carries no modified time: any event after the change counts.
 */
async function latencies(changes: Change[], versions: Versions, timeless: Set<string>, waitMs: number) {
  const deliveredAt = (c: Change) => {
    const need = c.op === 'delete' ? Number.POSITIVE_INFINITY : c.modifiedAt;
    const hits = (versions.get(`${c.stream}|${c.key}`) ?? [])
      .filter((v) => (timeless.has(c.stream) && v.mod !== Number.POSITIVE_INFINITY ? v.at >= c.modifiedAt : v.mod >= need))
      .map((v) => v.at);
    return hits.length ? Math.min(...hits) : null;
  };
  await pollUntil(() => changes.every((c) => deliveredAt(c) !== null), { timeoutMs: waitMs, what: 'every change' }).catch(() => undefined);
  const lat = changes
    .map((c) => {
      const at = deliveredAt(c);
      return at === null ? null : at - c.modifiedAt;
    })
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const pct = (p: number) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : NaN);
  const missed = changes.filter((c) => deliveredAt(c) === null);
  const first = missed.length ? `; missed, first few: ${missed.slice(0, 5).map((c) => `${c.op} ${c.stream} ${c.key} @${c.modifiedAt}`).join('; ')}` : '';
  return {
    p95: pct(95),
    missed: missed.length,
    line: `p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${lat[lat.length - 1] ?? NaN} ms; missed ${missed.length}${first}`,
  };
}

/**
 * Through all five services: the route's template confirmed, the destination sandbox given its schema, the
 * extractor polling the source sandbox's API. Once the snapshot reconciled, changes are made for --seconds and
 * each is matched with the `loaded` event of the destination record it changed.
 */
async function toDestination(o: Options, dir: string, sbx: Awaited<ReturnType<typeof startSourceSandbox>>, databaseUrl: string): Promise<void> {
  const route = `${o.source}-dynamics`;
  const migration = `bench-delta-${Date.now().toString(36)}`;
  const k = loadConfig([settings.kafka]);
  const db = await connectDataSource(databaseUrl);
  const kafka = createKafka({ brokers: k.KAFKA_BROKERS, clientId: 'delta-bench' }, createLogger('delta-bench', 'error'));
  const admin = kafka.admin();
  const codec = new AvroCodec(k.SCHEMA_REGISTRY_URL);
  let stack: RouteStack | undefined;
  const consumer = kafka.consumer({ groupId: `${migration}.bench-reader` });
  try {
    await admin.connect();
    const loadedRows = await sbx.load(o.source, dir);
    out(`source sandbox: ${JSON.stringify(loadedRows).slice(0, 160)}`);
    const draft = await draftFromTemplate(db, migration, route, 'bench:delta');
    await new MapVersionRepository(db, migration).confirm(draft.version, 'bench:delta');
    const plan: RoutePlan = (await confirmedMap(db, migration))!.plan;
    const t0 = Date.now();
    stack = await startRouteStack(
      {
        plan, migration, exportDir: dir, logDir: path.join(dir, 'logs'), sandboxPort: o.port, databaseUrl, kafkaBrokers: k.KAFKA_BROKERS,
        registryUrl: k.SCHEMA_REGISTRY_URL, partitions: 3, resetSandbox: true,
        sourceApi: { url: sbx.apiUrl(o.source), key: sbx.apiKey, pollIntervalMs: o.interval },
        beforeServices: async (env) => {
          const destination = createDestination(plan.destination, plan.keyColumn, { ...process.env, ...env });
          await destination.applySchema(await destination.planSchema(plan));
        },
      },
      db,
    );
    const services = stack.services;
    const versions: Versions = new Map();
    await consumer.connect();
    await consumer.subscribe({ topics: plan.entities.map((e) => topics.loaded(migration, plan.destination, e.entity)), fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const m of batch.messages) if (m.value) noteVersion(versions, (await codec.decode<LoadedEvent>(m.value)).envelope, now);
      },
    });
    const reconciled = () =>
      pollUntil(
        async () => {
          assertAlive(services);
          const p = await progress(db, admin, plan, migration);
          return p.settled ? p : undefined;
        },
        { timeoutMs: 1_800_000, intervalMs: 1000, what: 'the migration to reconcile' },
      );
    const snapshotLine = (p: Awaited<ReturnType<typeof reconciled>>) =>
      `snapshot over the API through five services: ${p.entities.reduce((n, e) => n + e.loaded, 0).toLocaleString('en-US')} destination records, reconciled ${((Date.now() - t0) / 1000).toFixed(1)} s after the start`;
    if (!o.duringSnapshot) out(snapshotLine(await reconciled()));

    const since = Date.now();
    await sbx.setChangesPerSecond(o.rate);
    await new Promise((r) => setTimeout(r, o.seconds * 1000));
    await sbx.setChangesPerSecond(0);
    if (o.duringSnapshot) out(`${snapshotLine(await reconciled())}; changes were made from ${((since - t0) / 1000).toFixed(1)} s to ${((since - t0) / 1000 + o.seconds).toFixed(1)} s`);
    // only the objects the map moves can reach the destination
    const moved = new Set(plan.sourceObjects);
    const all = (await sbx.changes(o.source, since)).filter((c) => c.modifiedAt >= since);
    const changes = all.filter((c) => moved.has(c.stream));
    const timeless = new Set<string>(timelessStreams(sourceConnector(o.source)));
    const r = await latencies(changes, versions, timeless, 60_000);
    out(`bench:delta ${route}${o.duringSnapshot ? ' during the snapshot' : ''}: ${describeChanges(changes)} to objects the map moves (${all.length - changes.length} more to objects it does not) at ${o.rate}/s for ${o.seconds} s, poll interval ${o.interval} ms`);
    out(`  change → destination record written (loaded event): ${r.line}`);
    if (r.missed > 0 || (!o.duringSnapshot && r.p95 > 5000)) process.exitCode = 1;
    await consumer.disconnect();
    await stack.stop();
    stack = undefined;
    await admin.deleteTopics({ topics: allRouteTopics(plan, migration) }).catch(() => undefined);
    await new MigrationRepository(db, migration).purge();
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await stack?.stop();
    await admin.disconnect().catch(() => undefined);
    await db.destroy();
  }
}

/** Streams whose records carry no modified time of their own. */
function timelessStreams(connector: SourceConnector): string[] {
  return connector.streams().filter((s) => !s.cursor).map((s) => s.name);
}

const out = (s: string) => process.stdout.write(`${s}\n`);

main().catch((e) => {
  process.stderr.write(`bench:delta: ${(e as Error).message}\n`);
  process.exit(1);
});
