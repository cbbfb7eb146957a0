import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Command } from 'commander';
import { errorMessage, FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { EntityDescription } from '@ferry/destinations/core';
import { createDestination, DESTINATION_SYSTEMS } from '@ferry/destinations/registry';
import { EXPORT_SOURCE_FILE, readExportSourceFile } from '@ferry/connectors/export';
import { discoveryInventorySchema, type DiscoveryInventory } from '@ferry/discovery';
import { proposalTarget, proposeRouteMap, routeMapHash, routeMapYaml, type RouteMapDocument } from '@ferry/mapping';
import { MapVersionRepository, MigrationRepository } from '@ferry/persistence';
import { migratedDataSource } from './db';
import { mapTable } from './map.command';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

/** discovery.json, given as the file or the folder `ferry discover --out` wrote it to. */
export function readInventory(given: string): { file: string; inventory: DiscoveryInventory } {
  let file = path.resolve(given);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'discovery.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new FerryError('USAGE', `no discovery inventory at ${file}: run \`ferry discover --source <system> --export <dir> --out <dir>\` first`, 'fatal');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FerryError('DISCOVERY_INVALID', `${file} is not JSON (${errorMessage(e)}); give the discovery.json \`ferry discover\` wrote`, 'fatal');
  }
  const parsed = discoveryInventorySchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new FerryError('DISCOVERY_INVALID', `${file} is not a discovery inventory: ${i.path.join('.') || 'the document'}: ${i.message}`, 'fatal');
  }
  return { file, inventory: parsed.data };
}

/**
 * The destination's descriptions of the tables a proposal may use, or null (with why) when it cannot be reached.
 * Built from the destination's settings as the services build it, with a short timeout and one retry: a proposal
 * is interactive and has the built-in catalog to fall back on.
 */
async function describeDestination(system: string, keyColumn: string): Promise<{ entities: EntityDescription[] } | { error: string }> {
  try {
    const destination = createDestination(system, keyColumn, process.env, undefined, { interactive: true });
    const entities: EntityDescription[] = [];
    for (const e of proposalTarget(system).catalog) {
      const d = await destination.describe(e.entity);
      if (d) entities.push(d);
    }
    return { entities };
  } catch (e) {
    return { error: errorMessage(e).split('\n')[0] };
  }
}

function summary(doc: RouteMapDocument): string {
  const fields = doc.objects.flatMap((e) => Object.values(e.fields));
  const sure = fields.filter((f) => (f.confidence ?? 0) >= 0.9).length;
  const target = proposalTarget(doc.destination);
  const custom = doc.objects.flatMap((e) => Object.entries(e.fields)).filter(([c, f]) => target.isCustom(c) && (f.confidence ?? 0) <= 0.5).length;
  return `${doc.objects.length} entries, ${fields.length} fields (${sure} at confidence ≥ 0.9, ${custom} proposed custom columns), ${Object.keys(doc.notMigrated).length} objects not migrated`;
}

/** `ferry map propose`: a draft map from a discovery inventory and the destination's metadata, stored as a new version. */
export function mapProposeCommand(map: Command): void {
  map
    .command('propose')
    .description("draft a map from a discovery inventory and the destination's tables: every field with a confidence and a reason")
    .requiredOption('--migration <id>', 'migration (created when new)')
    .requiredOption('--discovery <path>', 'discovery.json, or the folder holding it')
    .option('--route <route>', 'route name (default: <source>-<destination>)')
    .option('--out <file>', 'where to write the draft as YAML (default: ./<route>.proposal.yaml)')
    .option('--key-column <name>', 'the external-key column on every destination table (default: crm_sourceid on Dynamics, ferry_key__c on Salesforce)')
    .option('--by <name>', 'who drafts it', os.userInfo().username)
    .action(async (o: { migration: string; discovery: string; route?: string; out?: string; keyColumn?: string; by: string }) => {
      const { file, inventory } = readInventory(o.discovery);
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const rows: { source_system: string; destination: string }[] = await db.query(
          'SELECT source_system, destination FROM ferry.migration WHERE migration_id = $1',
          [o.migration],
        );
        const known = rows[0];
        if (known && known.source_system !== inventory.system) {
          throw new FerryError('USAGE', `migration ${o.migration} moves from ${known.source_system}, but ${file} inventories ${inventory.system}`, 'fatal');
        }
        const destination = known?.destination ?? (o.route?.split('-')[1] || 'dynamics');
        const route = o.route ?? `${inventory.system}-${destination}`;
        if (!/^[a-z0-9]+-[a-z0-9]+$/.test(route)) throw new FerryError('USAGE', `--route "${route}" is not <source>-<destination>, e.g. leaf360-dynamics`, 'fatal');
        if (!(DESTINATION_SYSTEMS as readonly string[]).includes(destination)) {
          throw new FerryError('USAGE', `--route "${route}" names destination "${destination}": choose one of ${DESTINATION_SYSTEMS.join(', ')}`, 'fatal');
        }
        const keyColumn = o.keyColumn ?? proposalTarget(destination).keyColumn;
        const described = await describeDestination(destination, keyColumn);
        const catalogName = destination === 'salesforce' ? 'Salesforce Sales Cloud fields' : 'Dynamics 365 Sales columns';
        let entities: EntityDescription[] = [];
        if ('error' in described) print(`${destination} could not be reached (${described.error}); proposing onto the built-in catalog of ${catalogName}`);
        else {
          entities = described.entities;
          print(`${destination} described ${entities.map((e) => e.entity).join(', ') || 'none of the tables'}; the built-in catalog stands in for the rest`);
        }
        // an export source's objects are what source.yaml (next to discovery.json, reviewed) says: the map carries it
        const exportSource = inventory.system === 'export' ? readExportSourceFile(path.join(path.dirname(file), EXPORT_SOURCE_FILE)) : undefined;
        const doc = proposeRouteMap({ inventory, entities, source: inventory.system, destination, keyColumn, route, exportSource });
        const out = path.resolve(o.out ?? `${route}.proposal.yaml`);
        const text = routeMapYaml(doc, [
          `${route}: proposed by \`ferry map propose\` from ${file} (${inventory.displayName}, discovered ${inventory.startedAt}).`,
          'A draft: every field carries the proposer\'s confidence (0–1) and reason. Review it (`ferry map show`), edit it if needed,',
          `store the edit with \`ferry map draft --migration ${o.migration} --file <this file>\`, then \`ferry map confirm\`.`,
        ]);
        try {
          fs.writeFileSync(out, text);
        } catch (e) {
          throw new FerryError('USAGE', `cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`, 'fatal');
        }
        await new MigrationRepository(db, o.migration).ensure(inventory.system, destination, null);
        const r = await new MapVersionRepository(db, o.migration).addDraft({
          route, hash: routeMapHash(doc), document: doc, sourceText: text, origin: 'proposal', createdBy: o.by,
        });
        const stored = r.created ? `map version ${r.version} proposed` : `the latest map version ${r.version} already is this proposal; nothing stored`;
        print(`migration ${o.migration}: ${stored} (${route}): ${summary(doc)}; written to ${out}`);
        print(mapTable(doc, `migration ${o.migration}, map version ${r.version}, DRAFT (proposal): not confirmed, nothing moves until it is`));
      } finally {
        await db.destroy();
      }
    });
}
