import { promises as fs } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { settingSources } from '@ferry/config';
import type { SourceConnector, StreamState } from '@ferry/connectors/core';
import { pollStream } from '@ferry/connectors/rest';
import { testApiConnector } from '@ferry/connectors/rest/testing';
import { startSourceSandbox } from '../testing/source-sandbox.harness';

/**
 * Loads a generated export into the source sandbox and polls it back whole, sampling this process's memory
 * (the sandbox runs in it), then times a delta pass after a burst of changes.
 *
 *   node --expose-gc dist/apps/sandbox/src/source/bench/source-sandbox.bench.js [records=1000000] [pageSize=500] [dir]
 *
 * Uses the test connector (companies from an export file, contacts API-only); a `dir` that already holds its
 * sample is reused. The data goes to a scratch schema in DATABASE_URL's database, dropped at the end.
 */
async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? 1_000_000);
  const pageSize = Number(process.argv[3] ?? 500);
  const dir = process.argv[4] ?? path.join(tmpdir(), `ferry-source-bench-${records}`);
  const connector: SourceConnector = testApiConnector({ system: 'bench-crm', pagination: 'page', maxPageSize: pageSize });

  if (!(await fs.stat(path.join(dir, 'companies.ndjson')).catch(() => null))) {
    const t = Date.now();
    await connector.generate({ records, seed: 1, out: dir });
    log(`generated ${records} records in ${dir} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }

  const databaseUrl = settingSources().DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ferry';
  const sb = await startSourceSandbox({ name: 'bench', databaseUrl, source: { connectors: [connector] } });
  const memory = new MemorySampler();
  try {
    memory.start('load');
    const loaded = await sb.load('bench-crm', dir);
    const loadMem = memory.stop();
    log(`load: ${loaded.records} records in ${(loaded.ms / 1000).toFixed(1)} s = ${Math.round(loaded.records / (loaded.ms / 1000))} records/s; ${loadMem}`);

    const states = new Map<string, StreamState>();
    memory.start('poll');
    let polled = 0;
    let pages = 0;
    const t = Date.now();
    for (const def of connector.streams()) {
      for await (const m of pollStream({ baseUrl: sb.apiUrl('bench-crm'), credential: sb.apiKey, connector, stream: def.name, pageSize })) {
        if (m.type === 'record') polled++;
        if (m.type === 'state') {
          pages++;
          states.set(def.name, m.state);
        }
      }
    }
    const pollMs = Date.now() - t;
    log(`full poll: ${polled} records, ${pages} pages of ${pageSize} in ${(pollMs / 1000).toFixed(1)} s = ${Math.round(polled / (pollMs / 1000))} records/s; ${memory.stop()}`);

    const b = Date.now();
    const burst = await sb.mutate('bench-crm', { creates: 1000, updates: 3000, deletes: 1000 });
    log(`burst: ${burst.length} changes in one transaction in ${Date.now() - b} ms`);
    const changed = new Set(burst.map((c) => `${c.stream}/${c.key}`));
    const d = Date.now();
    const found = new Set<string>();
    for (const def of connector.streams()) {
      for await (const m of pollStream({ baseUrl: sb.apiUrl('bench-crm'), credential: sb.apiKey, connector, stream: def.name, pageSize, state: states.get(def.name) })) {
        if (m.type === 'record') found.add(`${def.name}/${m.record[def.key]}`);
      }
    }
    const missed = [...changed].filter((k) => !found.has(k));
    log(`delta poll: ${found.size} records (${changed.size} keys changed, ${missed.length} of them missed) in ${Date.now() - d} ms`);
  } finally {
    await sb.close();
  }
}

/**
 * Peak and sampled RSS of this process while a phase runs. With --expose-gc it also reports the heap still in use
 * after a full collection, which tells memory held from garbage V8 has not yet collected.
 */
class MemorySampler {
  private timer?: NodeJS.Timeout;
  private samples: number[] = [];
  private phase = '';

  private live: number[] = [];

  start(phase: string): void {
    this.phase = phase;
    this.samples = [rssMb()];
    this.live = [liveHeapMb()];
    this.timer = setInterval(() => {
      this.samples.push(rssMb());
      this.live.push(liveHeapMb());
    }, 1000);
  }

  stop(): string {
    clearInterval(this.timer);
    this.samples.push(rssMb());
    this.live.push(liveHeapMb());
    const line = (name: string, s: number[]) => {
      const at = (q: number) => s[Math.min(s.length - 1, Math.round((s.length - 1) * q))];
      return `${name} start ${s[0]}, 25% ${at(0.25)}, 50% ${at(0.5)}, 75% ${at(0.75)}, end ${s[s.length - 1]}, peak ${Math.max(...s)}`;
    };
    const gc = (global as { gc?: () => void }).gc ? `; live heap MB after GC ${line('', this.live)}` : '';
    return `${this.phase} RSS MB ${line('', this.samples)}${gc}`;
  }
}

const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);
const liveHeapMb = () => {
  (global as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().heapUsed / 1048576);
};
const log = (line: string) => process.stdout.write(`${line}\n`);

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
