import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { AvroSchema } from '@ferry/contracts';
import type { SourceConnector, SourceMessage, SourceSystem, StreamDefinition } from '@ferry/connectors/core';
import { PlanportsConnector } from '@ferry/connectors/planports';
import { ProfiConnector } from '@ferry/connectors/profi';
import { sourceConnector } from '@ferry/connectors/registry';
import { discoverSource, type DiscoverTuning } from '../src';

/**
 * Time and peak memory of `discover` over a large source:
 *   node dist/libs/discovery/bench/discovery.bench.js <system|synthetic> [records=1000000] [dir]
 * A registered connector's sample is generated first, in a child process (so its memory is not counted), unless
 * `dir` already holds one. `synthetic` is an in-memory source with no file parsing: it shows discovery's own cost.
 */
const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;

/** Companies and contacts made up on the fly: picklists, emails with 2% shared, phones, money, dates, custom fields, 1% orphans. */
class SyntheticConnector {
  readonly system = 'synthetic' as SourceSystem;
  readonly displayName = 'Synthetic';
  constructor(private readonly records: number) {}
  readonly api = {} as SourceConnector['api'];
  streams(): StreamDefinition[] {
    return [
      { name: 'company', key: 'company_id', cursor: null, references: [], export: { file: 'memory', format: 'ndjson' }, description: 'companies' },
      { name: 'contact', key: 'contact_id', cursor: null, references: [{ field: 'company_id', object: 'company' }], export: { file: 'memory', format: 'ndjson' }, description: 'contacts' },
    ];
  }
  static schema(stream: string): AvroSchema {
    const s = (name: string, type: unknown = ['null', 'string']) => ({ name, type });
    const ts = ['null', { type: 'long', logicalType: 'timestamp-millis' }];
    const fields =
      stream === 'company'
        ? [s('company_id', 'string'), s('name'), s('domain'), s('industry'), s('annual_revenue'), s('created_at', ts)]
        : [s('contact_id', 'string'), s('first_name'), s('last_name'), s('email'), s('phone'), s('company_id'), s('status'), s('amount'), s('created_at', ts)];
    return { type: 'record', name: stream, fields: [...fields, { name: 'custom', type: { type: 'map', values: 'string' } }] };
  }
  async checkExport() {
    return { ok: true, problems: [] };
  }
  async *readExport(_dir: string, stream: string): AsyncIterable<SourceMessage> {
    const companies = Math.max(1, Math.floor(this.records / 5));
    const n = stream === 'company' ? companies : this.records - companies;
    const names = ['Ana', 'Ben', 'Chloe', 'Dev', 'Eve', 'Finn', 'Gia', 'Hal', 'Ivy', 'Jon', 'Kai', 'Lea'];
    const statuses = ['Open', 'Qualified', 'Won', 'Lost', 'Nurture'];
    for (let i = 0; i < n; i++) {
      const record: Record<string, unknown> =
        stream === 'company'
          ? { company_id: `co_${i}`, name: `Company ${i}`, domain: `c${i}.example`, industry: names[i % 7], annual_revenue: `${(i * 7919) % 1000000}.00`, created_at: 1_600_000_000_000 + i * 1000, custom: { tier: statuses[i % 3] } }
          : {
              contact_id: `ct_${i}`,
              first_name: names[i % 12],
              last_name: `Name${i % 5000}`,
              email: i % 50 === 0 ? `shared${i % 1000}@mail.example` : `person${i}@mail.example`,
              phone: `+1 512 ${String(i % 1000).padStart(3, '0')} ${String(i % 10000).padStart(4, '0')}`,
              company_id: i % 100 === 0 ? `co_missing_${i}` : `co_${i % companies}`,
              status: statuses[i % 5],
              amount: i % 3 === 0 ? null : `${i % 100000}.50`,
              created_at: 1_650_000_000_000 + i * 1000,
              custom: { loyalty_id: `L-${i}`, discount: `${i % 30}%`, vip: i % 2 ? 'yes' : 'no' },
            };
      yield { type: 'record', stream, record, origin: { line: i + 2 } };
    }
  }
  fromApiItem(): never {
    throw new Error('no API');
  }
  toApiItem(): never {
    throw new Error('no API');
  }
  async generate(): Promise<never> {
    throw new Error('made up on the fly');
  }
  automations() {
    return [];
  }
}

/** The registered connector, or one built here while the registry does not list it yet. */
function connectorFor(system: string): SourceConnector {
  try {
    return sourceConnector(system);
  } catch (e) {
    if (system === 'profi') return new ProfiConnector();
    if (system === 'planports') return new PlanportsConnector();
    throw e;
  }
}

async function main(): Promise<void> {
  const [system, recordsArg, dirArg] = process.argv.slice(2);
  if (system === '--generate') {
    // child process: write the sample and exit
    const [sys, records, dir] = process.argv.slice(3);
    const manifest = await connectorFor(sys).generate({ records: Number(records), seed: 7, out: dir });
    fs.writeFileSync(join(dir, 'bench-manifest.json'), JSON.stringify(manifest));
    return;
  }
  if (!system) throw new Error('usage: discovery.bench.js <system|synthetic> [records] [dir]');
  const records = Number(recordsArg ?? 1_000_000);
  const dir = dirArg ?? join(tmpdir(), `discovery-bench-${system}-${records}`);
  let connector: SourceConnector;
  const tuning: DiscoverTuning = {};
  if (system === 'synthetic') {
    connector = new SyntheticConnector(records) as unknown as SourceConnector;
    tuning.schemaFor = SyntheticConnector.schema;
    fs.mkdirSync(dir, { recursive: true });
  } else {
    connector = connectorFor(system);
    if (!fs.existsSync(join(dir, 'bench-manifest.json'))) {
      const t = Date.now();
      const r = spawnSync(process.execPath, [__filename, '--generate', system, String(records), dir], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error(`generating the ${system} sample failed`);
      process.stdout.write(`generated ${records} ${system} records in ${dir} in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    }
  }
  let sampled = 0;
  const timer = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 200);
  const t = process.hrtime.bigint();
  const { inventory, file } = await discoverSource(connector, { system, exportDir: dir, out: join(dir, '..', `discovery-bench-out-${system}`) }, {
    ...tuning,
    onProgress: (e) => e.done && process.stdout.write(`  ${e.object}: ${e.records} records\n`),
  });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  clearInterval(timer);
  const read = inventory.totals.records + inventory.totals.rejected;
  process.stdout.write(
    `discover ${system}: ${inventory.totals.records} records + ${inventory.totals.rejected} rejected rows in ${inventory.totals.objects} objects, ` +
      `${seconds.toFixed(1)} s (${Math.round(read / seconds)} rows/s), peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} ` +
      `(sampled ${mb(sampled)}); ${file}\n`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
