import * as fs from 'fs';
import * as path from 'path';
import { FerryError } from '@ferry/common';
import { ferryHome, loadConfig, settings } from '@ferry/config';
import { sourceConnector } from '@ferry/connectors/registry';
import { EXPORT_SAMPLE_STYLES, ExportConnector, EXPORT_SOURCE_FILE, generateExportSample, inferExportSource } from '@ferry/connectors/export';
import { discoverSource } from '@ferry/discovery';
import { MapVersionRepository } from '@ferry/persistence';
import { parseRunConfig, Reconciliation, RunningService } from '@ferry/ops';
import { confirmedMap, proposalTarget, proposeRouteMap, readRouteMapFile, routeMapHash, routeMapYaml, templateFile, type RouteMapDocument } from '@ferry/mapping';
import type { DataSource } from 'typeorm';
import { DEMO_FALLBACK_OWNER_EMAIL } from '@ferry/demo';
import { ensureLocalInfra } from './infra';
import { migratedDataSource } from './db';
import { writeExportDescription } from './discover-export';
import { initMigration } from './init.command';
import { runMigration } from './run-migration';

export interface DemoOptions {
  once: boolean;
  /**
   * the route whose template and sample to run, e.g. leaf360-dynamics; export-dynamics / export-salesforce: a messy
   * export of another CRM (--style), inferred, discovered and proposed, the proposal confirmed unreviewed
   */
  route: string;
  /** export routes: the CRM whose export the sample imitates (default zoho) */
  style?: string;
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
    const fromExport = /^export-/.test(route) ? await exportProposal(o, route, workDir, exportDir, say) : null;
    const source = fromExport ? 'export' : readRouteMapFile(templateFile(route)).document.source;
    if (!fromExport) {
      const connector = sourceConnector(source);
      say(`migration ${migration}: writing a ${connector.system} sample (${o.records} records over every object) to ${exportDir}`);
      const sample = await connector.generate({ records: o.records, seed: o.seed, out: exportDir, brokenReferences: false });
      say(`  ${Object.entries(sample.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    }

    const config = parseRunConfig({
      version: 1, route,
      source: { system: source, mode: 'export', exportDir },
      destination: { kind: fromExport?.destination ?? readRouteMapFile(templateFile(route)).document.destination, sandbox: { port: o.sandboxPort } },
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
    let version = init.draftVersion ?? (fromExport ? await draftProposal(db, migration, fromExport) : null);
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
    const what = o.mapFile ? `${o.mapFile} (a ${route} map),` : fromExport ? `the proposal (${fromExport.file}), unreviewed,` : `the ${route} template,`;
    say(`map: ${what} confirmed automatically by the demo as ${map.mapVersion} (a real migration waits for \`ferry map confirm\`)`);

    const r = await runMigration({
      migration, once: o.once, stallTimeout: o.stallTimeout, view: o.quiet ? 'none' : 'auto', logDir, resetSandbox: true, onRunning: o.onRunning, db, replicas: o.replicas,
    });
    return { migration, reconciled: r.reconciled, rows: r.rows, seconds: r.seconds };
  } finally {
    await db.destroy();
  }
}

interface ExportProposal {
  destination: string;
  document: RouteMapDocument;
  text: string;
  file: string;
}

/**
 * An export route's demo: a messy export in the style of another CRM, its objects inferred and discovered, and a
 * map proposed onto the destination's built-in catalog, as `ferry sample`, `ferry discover --source export` and
 * `ferry map propose` would make them (all written under the demo's folder for a look).
 */
async function exportProposal(o: DemoOptions, route: string, workDir: string, exportDir: string, say: (s: string) => void): Promise<ExportProposal> {
  const destination = route.slice('export-'.length);
  if (destination !== 'dynamics' && destination !== 'salesforce') throw new FerryError('USAGE', `--route ${route}: an export route goes to dynamics or salesforce (export-dynamics, export-salesforce)`, 'fatal');
  const style = o.style ?? 'zoho';
  if (!(EXPORT_SAMPLE_STYLES as readonly string[]).includes(style)) throw new FerryError('USAGE', `--style ${style}: choose one of ${EXPORT_SAMPLE_STYLES.join(', ')}`, 'fatal');
  say(`writing a ${style}-style export (${o.records} records, with the mess real exports have) to ${exportDir}`);
  fs.mkdirSync(exportDir, { recursive: true });
  const sample = await generateExportSample({ records: o.records, seed: o.seed, out: exportDir, style });
  say(`  ${Object.entries(sample.counts).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const exportSource = await inferExportSource(exportDir);
  const connector = new ExportConnector(exportSource);
  const discoveryDir = path.join(workDir, 'discovery');
  const { inventory } = await discoverSource(connector, { system: 'export', exportDir, out: discoveryDir }, { schemaFor: (s) => connector.recordSchema(s) });
  writeExportDescription(path.join(discoveryDir, 'discovery.json'), { connector, document: exportSource, inferred: true });
  const rejected = inventory.objects.reduce((n, x) => n + x.rejected.count, 0);
  say(`  inferred and discovered ${inventory.objects.length} objects (${path.join(discoveryDir, EXPORT_SOURCE_FILE)}); ${rejected} rows refused, as the report there says`);
  const document = proposeRouteMap({ inventory, entities: [], source: 'export', destination, keyColumn: proposalTarget(destination).keyColumn, route, exportSource });
  const file = path.join(workDir, `${route}.proposal.yaml`);
  const text = routeMapYaml(document, [`${route}: proposed by \`ferry demo\` from ${discoveryDir} and confirmed unreviewed; a real migration reviews it first.`]);
  fs.writeFileSync(file, text);
  return { destination, document, text, file };
}

async function draftProposal(db: DataSource, migration: string, p: ExportProposal): Promise<number> {
  const draft = await new MapVersionRepository(db, migration).addDraft({
    route: p.document.route, hash: routeMapHash(p.document), document: p.document, sourceText: p.text, origin: 'proposal', createdBy: 'ferry demo',
  });
  return draft.version;
}
