import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Table from 'cli-table3';
import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { canonicalJson, FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import {
  CompiledRouteMap, confirmedMap, draftFromTemplate, parseRouteMap, readRouteMapFile, routeMapHash, routeMapSchema, templateRoutes,
} from '@ferry/mapping';
import type { MapEntry, RouteMapDocument } from '@ferry/mapping';
import { pickMigration } from '@ferry/ops';
import { MapVersionRepository, MigrationRepository } from '@ferry/persistence';
import type { StoredMapVersion } from '@ferry/persistence';
import { migratedDataSource } from './db';
import { mapProposeCommand } from './map-propose.command';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const plain = { style: { head: [], border: [] } };

/** The migration's confirmed map, or one line saying how to get one. */
export async function migrationMap(db: DataSource, migration: string): Promise<CompiledRouteMap> {
  const map = await confirmedMap(db, migration);
  if (!map) {
    throw new FerryError('MAP_NOT_CONFIRMED', `migration ${migration} has no confirmed map: review it with \`ferry map show --migration ${migration}\`, then \`ferry map confirm --migration ${migration}\``, 'fatal');
  }
  return map;
}

async function withDb<T>(work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

function versionArg(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new FerryError('USAGE', `--version "${v}" is not a version number (1, 2, …)`, 'fatal');
  return n;
}

async function pickVersion(repo: MapVersionRepository, migration: string, version?: number): Promise<StoredMapVersion> {
  const v = version === undefined ? await repo.latest() : await repo.get(version);
  if (!v) {
    throw new FerryError('NO_MAP_VERSION', version === undefined
      ? `migration ${migration} has no map yet: \`ferry map draft --migration ${migration} --route <route>\` copies a template in`
      : `migration ${migration} has no map version ${version}; \`ferry map list --migration ${migration}\` shows the versions`, 'fatal');
  }
  return v;
}

const documentOf = (v: StoredMapVersion): RouteMapDocument => routeMapSchema.parse(v.document);

function source(f: RouteMapDocument['objects'][number]['fields'][string]): string {
  if (f.expr !== undefined) return `= ${f.expr}`;
  return Array.isArray(f.from) ? f.from.join(' + ') : (f.from ?? '');
}

function transforms(steps: unknown[]): string {
  return steps.map((s) => (typeof s === 'string' ? s : Object.keys(s as object)[0])).join(' → ');
}

/** The map as a person reviews it: per entry what it reads and makes, then a row per column. */
export function mapTable(doc: RouteMapDocument, header: string): string {
  const lines = [header, `route ${doc.route}: ${doc.source} → ${doc.destination}, external key column ${doc.keyColumn}`];
  if (doc.description) lines.push(doc.description);
  for (const e of doc.objects) {
    lines.push('');
    lines.push(`${e.id}: ${e.from} → ${e.to}${e.filter ? `  where ${e.filter}` : ''}  key ${e.key}${e.merge !== 'last-wins' ? `  merge ${e.merge}` : ''}${e.owner ? `  owner ${e.owner.email}` : ''}`);
    if (e.note) lines.push(`  ${e.note}`);
    const t = new Table({ ...plain, head: ['column', 'type', 'from', 'transforms', 'required', 'confidence', 'reason'] });
    for (const [column, f] of Object.entries(e.fields)) {
      t.push([column, `${f.type}${f.maxLength ? `(${f.maxLength})` : ''}`, source(f), transforms(f.transforms), f.required ? 'yes' : '', f.confidence?.toFixed(2) ?? '', f.reason ?? '']);
    }
    for (const [column, l] of Object.entries(e.lookups)) {
      const targets = l.targets.map((x) => `${Array.isArray(x.to) ? x.to.join('|') : x.to}(${x.key})`).join(' or ');
      t.push([column, 'lookup', targets, l.deferrable ? 'deferrable' : '', l.required ? 'yes' : '', '', '']);
    }
    lines.push(t.toString());
  }
  const skipped = Object.entries(doc.notMigrated);
  if (skipped.length) lines.push('', 'not migrated:', ...skipped.map(([o, why]) => `  ${o}: ${why}`));
  return lines.join('\n');
}

export interface MapDiffLine {
  change: 'added' | 'removed' | 'changed';
  what: string;
  from?: string;
  to?: string;
}

/** What changed between two map versions, entry by entry and column by column. */
export function diffMaps(a: RouteMapDocument, b: RouteMapDocument): MapDiffLine[] {
  const out: MapDiffLine[] = [];
  const scalar = (x: unknown) => (x === undefined ? '' : canonicalJson(x));
  for (const k of ['route', 'source', 'destination', 'keyColumn'] as const) {
    if (a[k] !== b[k]) out.push({ change: 'changed', what: k, from: a[k], to: b[k] });
  }
  const byId = (d: RouteMapDocument) => new Map(d.objects.map((e) => [e.id, e]));
  const ea = byId(a);
  const eb = byId(b);
  for (const [id, e] of ea) if (!eb.has(id)) out.push({ change: 'removed', what: `entry ${id} (${e.from} → ${e.to})` });
  for (const [id, e] of eb) {
    const old = ea.get(id);
    if (!old) {
      out.push({ change: 'added', what: `entry ${id} (${e.from} → ${e.to})` });
      continue;
    }
    for (const k of ['from', 'to', 'filter', 'key', 'merge', 'owner'] as (keyof MapEntry)[]) {
      if (scalar(old[k]) !== scalar(e[k])) out.push({ change: 'changed', what: `${id}.${k}`, from: scalar(old[k]), to: scalar(e[k]) });
    }
    for (const part of ['fields', 'lookups'] as const) {
      const pa = old[part] as Record<string, unknown>;
      const pb = e[part] as Record<string, unknown>;
      for (const c of Object.keys(pa)) if (!(c in pb)) out.push({ change: 'removed', what: `${id}.${part}.${c}`, from: scalar(pa[c]) });
      for (const c of Object.keys(pb)) {
        if (!(c in pa)) out.push({ change: 'added', what: `${id}.${part}.${c}`, to: scalar(pb[c]) });
        else if (scalar(pa[c]) !== scalar(pb[c])) out.push({ change: 'changed', what: `${id}.${part}.${c}`, from: scalar(pa[c]), to: scalar(pb[c]) });
      }
    }
  }
  return out;
}

export function mapCommand(program: Command): void {
  const map = program.command('map').description('the field map: templates, drafts, review, diff and confirmation');

  map
    .command('templates')
    .description('the route maps Ferry ships')
    .action(() => print(templateRoutes().join('\n')));

  mapProposeCommand(map);

  map
    .command('validate <file>')
    .description('check a map file: its shape, expressions and transforms, with file, line and path for each problem')
    .action((file: string) => {
      const { document } = readRouteMapFile(file);
      const compiled = new CompiledRouteMap(document, 0);
      print(`${file}: valid ${document.route} map, ${document.objects.length} entries into ${compiled.plan.entities.map((e) => e.entity).join(', ')}`);
    });

  map
    .command('draft')
    .description("store a new draft version of a migration's map, from a shipped template or from a file you edited")
    .requiredOption('--migration <id>', 'migration (created when new)')
    .option('--route <route>', 'copy the shipped template of this route')
    .option('--file <file>', 'store this map file')
    .option('--by <name>', 'who drafts it', os.userInfo().username)
    .action(async (o) => {
      if (!!o.route === !!o.file) throw new FerryError('USAGE', 'give exactly one of --route <route> or --file <file>', 'fatal');
      await withDb(async (db) => {
        let r: { version: number; created: boolean };
        let doc: RouteMapDocument;
        if (o.route) {
          r = await draftFromTemplate(db, o.migration, o.route, o.by);
          doc = documentOf((await new MapVersionRepository(db, o.migration).get(r.version))!);
        } else {
          const { text, document } = readRouteMapFile(o.file);
          doc = document;
          r = await new MapVersionRepository(db, o.migration).addDraft({
            route: document.route, hash: routeMapHash(document), document, sourceText: text, origin: `file ${path.resolve(o.file)}`, createdBy: o.by,
          });
        }
        await new MigrationRepository(db, o.migration).ensure(doc.source, doc.destination, null);
        print(r.created ? `migration ${o.migration}: map version ${r.version} drafted (${doc.route}); review it with \`ferry map show\`, then \`ferry map confirm\`` : `migration ${o.migration}: the latest map version ${r.version} already is this map; nothing stored`);
      });
    });

  map
    .command('list')
    .description("a migration's map versions: who drafted and who confirmed each, and their hashes")
    .option('--migration <id>', 'migration (default: the latest)')
    .action(async (o) => {
      await withDb(async (db) => {
        const migration = await pickMigration(db, o.migration);
        const t = new Table({ ...plain, head: ['version', 'route', 'hash', 'origin', 'drafted', 'confirmed'] });
        for (const v of await new MapVersionRepository(db, migration).list()) {
          t.push([v.version, v.route, v.hash.slice(0, 12), v.origin, `${v.createdBy} ${v.createdAt.toISOString()}`, v.confirmedAt ? `${v.confirmedBy} ${v.confirmedAt.toISOString()}` : 'not confirmed']);
        }
        print(`migration ${migration}\n${t.toString()}`);
      });
    });

  map
    .command('show')
    .description('a map version as a table (default: the latest version)')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--version <n>', 'version to show')
    .option('--json', 'the document as JSON')
    .option('--source', 'the document as it was written (YAML or JSON), e.g. to edit and draft again')
    .action(async (o) => {
      await withDb(async (db) => {
        const migration = await pickMigration(db, o.migration);
        const v = await pickVersion(new MapVersionRepository(db, migration), migration, versionArg(o.version));
        const doc = documentOf(v);
        if (o.json) return print(JSON.stringify({ migration, version: v.version, hash: v.hash, confirmedAt: v.confirmedAt, confirmedBy: v.confirmedBy, document: doc }, null, 2));
        if (o.source) return print(v.sourceText);
        const state = v.confirmedAt ? `confirmed by ${v.confirmedBy} at ${v.confirmedAt.toISOString()}` : 'DRAFT: not confirmed, nothing moves until it is';
        print(mapTable(doc, `migration ${migration}, map version ${v.version} (${v.hash.slice(0, 12)}), ${state}`));
      });
    });

  map
    .command('diff <a> <b>')
    .description('what changed between two map versions of a migration (numbers) or map files (paths)')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--json', 'machine-readable output')
    .action(async (a: string, b: string, o) => {
      const load = async (db: DataSource | null, migration: string, ref: string): Promise<RouteMapDocument> => {
        if (/^\d+$/.test(ref) && db) return documentOf(await pickVersion(new MapVersionRepository(db, migration), migration, Number(ref)));
        if (!fs.existsSync(ref)) throw new FerryError('USAGE', `"${ref}" is neither a version number nor a map file`, 'fatal');
        return parseRouteMap(fs.readFileSync(ref, 'utf8'), ref);
      };
      const needsDb = /^\d+$/.test(a) || /^\d+$/.test(b);
      const run = async (db: DataSource | null) => {
        const migration = db ? await pickMigration(db, o.migration) : '';
        const lines = diffMaps(await load(db, migration, a), await load(db, migration, b));
        if (o.json) return print(JSON.stringify(lines, null, 2));
        if (!lines.length) return print(`${a} and ${b} map the same way`);
        const t = new Table({ ...plain, head: ['', 'what', 'from', 'to'] });
        for (const l of lines) t.push([l.change, l.what, l.from ?? '', l.to ?? '']);
        print(t.toString());
      };
      if (needsDb) await withDb(run);
      else await run(null);
    });

  map
    .command('confirm')
    .description('lock a map version (default: the latest): records move by it from now on')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--version <n>', 'version to confirm')
    .option('--by <name>', 'who confirms it', os.userInfo().username)
    .action(async (o) => {
      await withDb(async (db) => {
        const migration = await pickMigration(db, o.migration);
        const repo = new MapVersionRepository(db, migration);
        const v = await pickVersion(repo, migration, versionArg(o.version));
        const compiled = new CompiledRouteMap(documentOf(v), v.version);
        const done = (await repo.confirm(v.version, o.by))!;
        const again = v.confirmedAt ? ' (it already was)' : '';
        print(`migration ${migration}: map version ${v.version} confirmed by ${done.confirmedBy} at ${done.confirmedAt!.toISOString()}${again}; records now move by ${compiled.mapVersion}`);
        print('records already transformed by an earlier version are re-mapped with `ferry replay --phase transform --from-beginning`');
      });
    });
}
