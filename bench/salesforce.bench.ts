import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Command } from 'commander';
import { Connection } from 'jsforce';
import { runDemo } from '../apps/cli/src/demo.command';
import { ferryHome, loadConfig, settings } from '@ferry/config';
import type { ColumnType, RoutePlan } from '@ferry/contracts';
import { sourceConnector } from '@ferry/connectors/registry';
import type { Destination, WriteItem } from '@ferry/destinations/core';
import { createDestination } from '@ferry/destinations/registry';
import { mapWhole, templateMap } from '@ferry/mapping';
import type { CompiledRouteMap } from '@ferry/mapping';
import { destinationEnv, parseRunConfig, sandboxBaseUrl, sandboxResetUrl, startService, stopServices, waitForHttp } from '@ferry/ops';
import type { RunningService } from '@ferry/ops';
import { connectDataSource, ReconRepository } from '@ferry/persistence';

/**
 * Planports → Salesforce on one sample, side by side on the built-in sandbox with its default settings:
 *  1. Ferry's whole route (five services, lookups resolved, audit, reconciliation);
 *  2. what a user would script instead: the same records mapped by the same map, loaded object by object with
 *     jsforce's bulk2.loadAndWaitForResults (upsert by the Ferry key; no lookups, no audit, no reconciliation);
 *  3. Ferry's destination writing the same contacts through sObject Collections and through Bulk API 2.0 at several
 *     chunk sizes, with the API calls each spends per 10,000 records.
 */
const ROUTE = 'planports-salesforce';
const out = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const o = new Command()
    .option('--records <n>', 'records in the Planports sample, over every object', (v) => Number(v), 100_000)
    .option('--contacts <n>', 'contacts written in part 3, per mode', (v) => Number(v), 10_000)
    .option('--collections <sizes>', 'chunk sizes handed to the destination in Collections mode', '200,1000')
    .option('--bulk <sizes>', 'chunk sizes (one Bulk 2.0 job each) in Bulk mode', '2000,10000')
    .option('--skip-ferry', 'leave out part 1 (reuses the newest demo export of this route)')
    .parse(process.argv)
    .opts();
  const migration = `bench-sf-${Date.now().toString(36)}`;
  let exportDir: string;
  let ferry: { records: number; seconds: number } | null = null;

  if (!o.skipFerry) {
    out(`part 1: Ferry's whole ${ROUTE} route on a ${o.records}-record Planports sample`);
    const r = await runDemo({ once: true, quiet: false, seed: 42, stallTimeout: 300, sandboxPort: 18192, route: ROUTE, records: o.records, migration });
    const { DATABASE_URL } = loadConfig([settings.database]);
    const db = await connectDataSource(DATABASE_URL);
    const times = await new ReconRepository(db, r.migration).phaseTimes();
    await db.destroy();
    const start = Math.min(...times.map((t) => t.first.getTime()));
    const end = Math.max(...times.filter((t) => t.phase === 'loaded').map((t) => t.last.getTime()));
    const loaded = r.rows.entities.reduce((s, x) => s + x.loaded, 0);
    ferry = { records: loaded, seconds: (end - start) / 1000 };
    out(`  Ferry: ${loaded} destination records in ${ferry.seconds.toFixed(1)} s from the first extract to the last load = ${rate(loaded, ferry.seconds)} rec/s (reconciled: ${r.reconciled})`);
    exportDir = path.join(ferryHome(), 'demo', migration, 'export');
  } else {
    const demos = path.join(ferryHome(), 'demo');
    const newest = fs.readdirSync(demos).filter((d) => d.startsWith('bench-sf-')).sort().pop();
    if (!newest) throw new Error('--skip-ferry needs an earlier run of this benchmark (none under ~/.ferry/demo)');
    exportDir = path.join(demos, newest, 'export');
  }

  const map = templateMap(ROUTE);
  const plan = map.plan;
  const byEntity = await mappedRows(map, exportDir);
  const port = 18193;
  const sandbox = await startSandbox(port);
  try {
    const env = { ...process.env, ...destinationEnv(sandboxConfig(plan, port)) };
    const fresh = async () => {
      await fetch(sandboxResetUrl(plan.destination, port), { method: 'POST' });
      const d = createDestination(plan.destination, plan.keyColumn, env);
      await d.applySchema(await d.planSchema(plan));
    };

    out(`\npart 2: the same mapped records with jsforce bulk2.loadAndWaitForResults, object by object, nothing resolved`);
    await fresh();
    const conn = await connect(port);
    let processed = 0;
    let failed = 0;
    const started = Date.now();
    for (const e of plan.entities) {
      const rows = byEntity.get(e.entity);
      if (!rows?.size || e.columns.some((c) => c.type === 'file')) continue;
      const describe = await conn.sobject(e.entity).describe();
      const api = new Map(describe.fields.map((f) => [f.name.toLowerCase(), f.name]));
      const types = new Map(e.columns.map((c) => [c.name, c.type]));
      const input = [...rows.values()].map((r) => csvRecord(r, types, api));
      const res = await conn.bulk2.loadAndWaitForResults({
        object: describe.name, operation: 'upsert', externalIdFieldName: api.get(plan.keyColumn) ?? plan.keyColumn, input, pollInterval: 1000, pollTimeout: 3_600_000,
      });
      processed += res.successfulResults.length + res.failedResults.length;
      failed += res.failedResults.length;
      out(`  ${describe.name.padEnd(16)} ${String(input.length).padStart(7)} rows: ${res.successfulResults.length} ok, ${res.failedResults.length} failed, ${res.unprocessedRecords.length} unprocessed`);
    }
    const plainSeconds = (Date.now() - started) / 1000;
    out(`  plain Bulk 2.0: ${processed} rows processed (${failed} failed: parents and record types a script does not resolve) in ${plainSeconds.toFixed(1)} s = ${rate(processed, plainSeconds)} rec/s`);
    if (ferry) out(`  Ferry / plain: ${(ferry.records / ferry.seconds / (processed / plainSeconds)).toFixed(2)}× (goal ≥ 0.8×)`);

    out(`\npart 3: ${o.contacts} contacts through Ferry's destination, Collections against Bulk 2.0`);
    const contacts = [...(byEntity.get('contact')?.values() ?? [])].slice(0, o.contacts);
    const types = new Map(plan.entities.find((x) => x.entity === 'contact')!.columns.map((c) => [c.name, c.type]));
    const items = contacts.map((r) => writeItem(r, types, plan.keyColumn));
    const modes = [
      // the largest threshold the setting takes (one Bulk batch, 10,000): a smaller chunk never reaches it
      ...String(o.collections).split(',').map((n) => ({ mode: 'Collections', chunk: Math.min(Number(n), 9_999), threshold: 10_000 })),
      ...String(o.bulk).split(',').map((n) => ({ mode: 'Bulk 2.0', chunk: Number(n), threshold: 1 })),
    ];
    for (const m of modes) {
      await fresh();
      const d = createDestination(plan.destination, plan.keyColumn, { ...env, SALESFORCE_BULK_THRESHOLD: String(m.threshold) });
      const before = await apiUsed(port);
      const t0 = Date.now();
      let ok = 0;
      for (let i = 0; i < items.length; i += m.chunk) ok += (await d.upsertMany('contact', items.slice(i, i + m.chunk))).filter((r) => r.ok).length;
      const secs = (Date.now() - t0) / 1000;
      const calls = (await apiUsed(port)) - before - 1;
      out(`  ${m.mode.padEnd(11)} chunk ${String(m.chunk).padStart(6)}: ${ok}/${items.length} ok in ${secs.toFixed(1)} s = ${rate(items.length, secs)} rec/s, ${calls} API calls (${Math.round((calls * 10_000) / items.length)} per 10,000)`);
      describeCounts(d);
    }
  } finally {
    await stopServices([sandbox]);
  }
}

const rate = (n: number, s: number) => Math.round(n / Math.max(0.001, s));

function sandboxConfig(plan: RoutePlan, port: number) {
  return parseRunConfig({
    version: 1, route: plan.route, source: { system: plan.sourceSystem, mode: 'export', exportDir: '.' },
    destination: { kind: plan.destination, sandbox: { port } }, credentials: { env: {} }, options: { fallbackOwnerEmail: 'migration.admin@contoso-lending.example' },
  });
}

async function startSandbox(port: number): Promise<RunningService> {
  const { DATABASE_URL } = loadConfig([settings.database]);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-bench-sf-'));
  const s = startService('sandbox', { SANDBOX_PORT: String(port), DATABASE_URL, SANDBOX_DB_SCHEMA: `sandbox_dataverse_${port}` }, logDir);
  await waitForHttp(`${sandboxBaseUrl(port)}/_sandbox/stats`, 120_000);
  return s;
}

async function connect(port: number): Promise<Connection> {
  const login = `${sandboxBaseUrl(port)}/salesforce`;
  const res = await fetch(`${login}/services/oauth2/token`, {
    method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'ferry-demo', client_secret: 'ferry-demo-secret' }),
  });
  const t = (await res.json()) as { access_token: string; instance_url: string };
  return new Connection({ instanceUrl: t.instance_url, accessToken: t.access_token, version: '62.0' });
}

/** API requests the org has counted so far (its /limits, which itself counts one). */
async function apiUsed(port: number): Promise<number> {
  const l = (await (await connect(port)).request('/limits')) as { DailyApiRequests: { Max: number; Remaining: number } };
  return l.DailyApiRequests.Max - l.DailyApiRequests.Remaining;
}

function describeCounts(d: Destination): void {
  const c = d.requestCounts?.();
  if (c) out(`      (destination client: ${c.requests} requests, ${c.retries} retried, ${c.throttled} throttled)`);
}

/** The map's output for every record of the export, by entity and key (many:1 merged as the last one wins). */
async function mappedRows(map: CompiledRouteMap, exportDir: string): Promise<Map<string, Map<string, Record<string, unknown>>>> {
  const connector = sourceConnector(map.plan.sourceSystem);
  const records: Record<string, Record<string, unknown>[]> = {};
  for (const s of connector.streams()) {
    if (!s.export) continue;
    const rows: Record<string, unknown>[] = [];
    for await (const m of connector.readExport(exportDir, s.name)) if (m.type === 'record') rows.push(m.record);
    records[s.name] = rows;
  }
  const byEntity = new Map<string, Map<string, Record<string, unknown>>>();
  for (const { result } of mapWhole(map, records, new Map(connector.streams().map((s) => [s.name, s.key])))) {
    for (const x of result.outputs) {
      if (!x.record) continue;
      const m = byEntity.get(x.target.entity) ?? new Map<string, Record<string, unknown>>();
      m.set(x.target.key, { ...x.record, [map.plan.keyColumn]: x.target.key });
      byEntity.set(x.target.entity, m);
    }
  }
  return byEntity;
}

/** A mapped row as a script would write it to CSV: API names, ISO dates; the record type name and audit dates left out. */
function csvRecord(row: Record<string, unknown>, types: Map<string, ColumnType>, api: Map<string, string>): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined || k === 'recordtypeid' || k === 'createddate' || !api.has(k)) continue;
    const t = types.get(k);
    r[api.get(k)!] = t === 'dateonly' ? new Date((v as number) * 86_400_000).toISOString().slice(0, 10) : t === 'datetime' ? new Date(v as number).toISOString() : v;
  }
  return r;
}

function writeItem(row: Record<string, unknown>, types: Map<string, ColumnType>, keyColumn: string): WriteItem {
  const columns: WriteItem['columns'] = {};
  for (const [k, v] of Object.entries(row)) if (k !== keyColumn && types.has(k)) columns[k] = { type: types.get(k)!, value: v };
  return { key: String(row[keyColumn]), columns, lookups: [], ownerId: null, merge: 'last-wins' };
}

main().catch((e) => {
  process.stderr.write(`bench:salesforce: ${(e as Error).message}\n`);
  process.exit(1);
});
