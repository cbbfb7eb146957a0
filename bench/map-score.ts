import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Table from 'cli-table3';
import { ENTITY_DEFINITIONS } from '../apps/sandbox/src/metadata/entity-metadata';
import { STANDARD_OBJECTS } from '../apps/sandbox/src/salesforce/sf-objects';
import { columnOf } from '@ferry/destinations/salesforce';
import type { EntityDescription } from '@ferry/destinations/core';
import { sourceConnector } from '@ferry/connectors/registry';
import { discoverSource } from '@ferry/discovery';
import { proposeRouteMap, readRouteMapFile, scoreProposal, templateFile, templateRoutes, type ProposalScore } from '@ferry/mapping';

/**
 * How good `ferry map propose` is: for every route with a template in maps/, a sample of the source is generated
 * (the `ferry sample` code path), discovered in-process and proposed from, and the proposal is compared with the
 * template a person wrote. A template item is found when the same source path lands on the same entity.column.
 * Two destinations: the sandbox's tables (Dataverse or Salesforce, as the route's) as the destination describes
 * them, and the built-in catalog alone.
 */

const TYPES: Record<string, string> = {
  uniqueidentifier: 'Uniqueidentifier', string: 'String', memo: 'Memo', integer: 'Integer', bigint: 'BigInt', decimal: 'Decimal',
  money: 'Money', boolean: 'Boolean', datetime: 'DateTime', dateonly: 'DateTime', picklist: 'Picklist', lookup: 'Lookup',
};

/** The Salesforce sandbox's standard objects as SalesforceDestination.describe reports them. */
function salesforceDescriptions(): EntityDescription[] {
  return STANDARD_OBJECTS.filter((o) => o.createable && !o.tooling).map((o) => ({
    entity: o.name.toLowerCase(),
    primaryId: 'id',
    primaryName: (o.fields.find((f) => f.name === 'Name') ? 'name' : o.fields.find((f) => f.name === 'Subject' || f.name === 'Title')?.name.toLowerCase()) ?? 'name',
    custom: false,
    keys: [],
    columns: o.fields.map((f) => columnOf(f)),
  }));
}

/** The sandbox's tables as DynamicsDestination.describe reports them. */
function sandboxDescriptions(): EntityDescription[] {
  return ENTITY_DEFINITIONS.filter((d) => !d.readOnly).map((d) => ({
    entity: d.logicalName,
    primaryId: d.primaryIdAttribute,
    primaryName: d.primaryNameAttribute,
    custom: false,
    keys: d.keys.map((k) => ({ name: k.logicalName, columns: k.keyAttributes, status: k.status })),
    columns: d.attributes.map((a) => ({
      name: a.logicalName,
      type: a.logicalName === 'ownerid' ? 'Owner' : TYPES[a.type],
      ...(a.maxLength !== undefined ? { maxLength: a.maxLength } : {}),
      required: a.requiredLevel === 'SystemRequired' ? 'system' : a.requiredLevel === 'ApplicationRequired' ? 'recommended' : 'none',
      ...(a.targets ? { targets: a.targets } : {}),
      ...(a.options ? { options: a.options.map((v) => ({ value: v, label: String(v) })) } : {}),
    })),
  }));
}

const MIN_RECORDS: Record<string, number> = { leaf360: 200, planports: 400 };
const f2 = (n: number) => n.toFixed(2);

async function main(): Promise<void> {
  const records = Number(process.argv[2] ?? 1000);
  const routes = templateRoutes();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-map-score-'));
  const rows: { route: string; destination: string; s: ProposalScore }[] = [];
  try {
    for (const route of routes) {
      const template = readRouteMapFile(templateFile(route)).document;
      const connector = sourceConnector(template.source);
      const dir = path.join(work, route);
      await connector.generate({ records: Math.max(records, MIN_RECORDS[template.source] ?? 0), seed: 1, out: path.join(dir, 'export') });
      const { inventory } = await discoverSource(connector, { system: template.source, exportDir: path.join(dir, 'export'), out: path.join(dir, 'discovery') });
      const described = template.destination === 'salesforce' ? salesforceDescriptions() : sandboxDescriptions();
      for (const [destination, entities] of [['sandbox', described], ['catalog', []]] as const) {
        const proposal = proposeRouteMap({ inventory, entities, source: template.source, destination: template.destination, keyColumn: template.keyColumn, route });
        rows.push({ route, destination, s: scoreProposal(proposal, template) });
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const t = new Table({ style: { head: [], border: [] }, head: ['route', 'described by', 'template items', 'found', 'recall', 'proposed', 'precision', 'precision (template objects)', 'entity accuracy'] });
  for (const { route, destination, s } of rows) {
    t.push([route, destination, s.expected, s.found, f2(s.recall), s.proposed, f2(s.precision), `${f2(s.precisionOnShared)} (${s.foundOnShared}/${s.proposedOnShared})`, f2(s.entityAccuracy)]);
  }
  process.stdout.write(`${t.toString()}\n`);
  for (const { route, destination, s } of rows) {
    if (s.missed.length) process.stdout.write(`${route} (${destination}) missed: ${s.missed.map((m) => `${m.object}.${m.paths.join('+')} → ${m.target}`).join(', ')}\n`);
    const wrong = s.objects.filter((o) => !o.ok);
    if (wrong.length) process.stdout.write(`${route} (${destination}) objects placed otherwise: ${wrong.map((o) => `${o.object}: ${o.proposed.join('+') || 'not migrated'} (template ${o.expected.join('+') || 'not migrated'})`).join(', ')}\n`);
  }
}

main().catch((e) => {
  process.stderr.write(`map-score: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
