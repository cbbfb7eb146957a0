import * as path from 'path';
import { FerryError } from '@ferry/common';
import { ferryHome, loadConfig, settings } from '@ferry/config';
import { sourceConnector } from '@ferry/connectors/registry';
import { MapVersionRepository } from '@ferry/persistence';
import { parseRunConfig, Reconciliation, RunningService } from '@ferry/ops';
import { confirmedMap, readRouteMapFile, routeMapHash, templateFile } from '@ferry/mapping';
import { DEMO_FALLBACK_OWNER_EMAIL } from '@ferry/demo';
import { ensureLocalInfra } from './infra';
import { migratedDataSource } from './db';
import { initMigration } from './init.command';
import { runMigration } from './run-migration';

export interface DemoOptions {
  once: boolean;
  /** the route whose template and sample to run, e.g. leaf360-dynamics */
  route: string;
  /** a map file of that route to confirm instead of its template (the benchmark compares maps this way) */
  mapFile?: string;
  /** records in the generated sample, over every object of the source */
  records: number;
  seed: number;
  /** seconds without progress before --once gives up */
  stallTimeout: number;
  migration?: string;
  sandboxPort: number;
  /** called with the services once they run (the benchmark samples their memory) */
  onRunning?: (services: RunningService[]) => void;
  quiet?: boolean;
  /** processes per phase (see RunOptions.replicas); default 1 */
  replicas?: number;
}

export interface DemoResult {
  migration: string;
  reconciled: boolean;
  rows: Reconciliation;
  seconds: number;
}

const out = (s: string) => process.stdout.write(`${s}\n`);

/**
 * `ferry init` + `ferry run` on a generated sample: infrastructure, a deterministic sample of the route's source,
 * a migration pointed at that export and the built-in Dataverse sandbox, the template map confirmed by the demo
 * itself (a real migration waits for a person), then the same supervised run as `ferry run`.
 */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const say = o.quiet ? () => undefined : out;
  ensureLocalInfra(say);
  const base = loadConfig([settings.database, settings.kafka, settings.logging]);
  const migration = o.migration ?? `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  const workDir = path.join(ferryHome(), 'demo', migration);
  const exportDir = path.join(workDir, 'export');
  const logDir = path.join(workDir, 'logs');

  const db = await migratedDataSource(base.DATABASE_URL);
  try {
    const route = o.route;
    const source = readRouteMapFile(templateFile(route)).document.source;
    const connector = sourceConnector(source);
    say(`migration ${migration}: writing a ${connector.system} sample (${o.records} records over every object) to ${exportDir}`);
    const sample = await connector.generate({ records: o.records, seed: o.seed, out: exportDir, brokenReferences: false });
    say(`  ${Object.entries(sample.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);

    const config = parseRunConfig({
      version: 1, route,
      source: { system: source, mode: 'export', exportDir },
      destination: { kind: readRouteMapFile(templateFile(route)).document.destination, sandbox: { port: o.sandboxPort } },
      credentials: { env: {} },
      options: {
        ownerPolicy: process.env.FERRY_OWNER_POLICY === 'queue' ? 'queue' : 'fallback',
        fallbackOwnerEmail: process.env.FERRY_FALLBACK_OWNER_EMAIL ?? DEMO_FALLBACK_OWNER_EMAIL,
        ownerRefreshSeconds: Number(process.env.FERRY_OWNER_REFRESH_S ?? 5),
      },
    });
    const init = await initMigration(db, migration, config, 'ferry demo');
    const org = config.destination.kind === 'salesforce' ? 'Salesforce' : 'Dataverse';
    say(`migration ${migration} initialised: ${source} export → the built-in ${org} sandbox on port ${o.sandboxPort} (as \`ferry init --sandbox\` would)`);
    let version = init.draftVersion;
    if (version === null && !o.mapFile) throw new FerryError('USAGE', `the demo runs a route with a template; ${route} has none`, 'fatal');
    if (o.mapFile) {
      const { text, document } = readRouteMapFile(o.mapFile);
      if (document.route !== route) throw new FerryError('USAGE', `${o.mapFile} is a map of ${document.route}, not of ${route}`, 'fatal');
      const draft = await new MapVersionRepository(db, migration).addDraft({
        route, hash: routeMapHash(document), document, sourceText: text, origin: `file ${path.basename(o.mapFile)}`, createdBy: 'ferry demo',
      });
      version = draft.version;
    }
    const confirmed = await new MapVersionRepository(db, migration).confirm(version!, 'ferry demo (automatic)');
    const map = await confirmedMap(db, migration);
    if (!map || !confirmed) throw new Error(`map version ${version} of ${migration} could not be confirmed`);
    say(`map: ${o.mapFile ? `${o.mapFile} (a ${route} map)` : `the ${route} template`}, confirmed automatically by the demo as ${map.mapVersion} (a real migration waits for \`ferry map confirm\`)`);

    const r = await runMigration({
      migration, once: o.once, stallTimeout: o.stallTimeout, view: o.quiet ? 'none' : 'auto', logDir, resetSandbox: true, onRunning: o.onRunning, db, replicas: o.replicas,
    });
    return { migration, reconciled: r.reconciled, rows: r.rows, seconds: r.seconds };
  } finally {
    await db.destroy();
  }
}
