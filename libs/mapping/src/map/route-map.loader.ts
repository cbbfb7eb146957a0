import * as fs from 'fs';
import * as path from 'path';
import type { DataSource, EntityManager } from 'typeorm';
import { FerryError, projectRoot } from '@ferry/common';
import { MapVersionRepository } from '@ferry/persistence';
import { locate, MapDocumentError, parseDocument } from '../map-lang';
import { CompiledRouteMap, MapCompileError, routeMapHash } from './route-map.compiler';
import { routeMapSchema } from './route-map.schema';
import type { RouteMapDocument } from './route-map.schema';

/** Where the route templates ship: one file per route. */
export function templateDir(): string {
  return path.join(projectRoot(), 'maps');
}

export function templateRoutes(): string[] {
  return fs
    .readdirSync(templateDir())
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .map((f) => f.replace(/\.(ya?ml|json)$/, ''))
    .sort();
}

export function templateFile(route: string): string {
  for (const ext of ['yaml', 'yml', 'json']) {
    const f = path.join(templateDir(), `${route}.${ext}`);
    if (fs.existsSync(f)) return f;
  }
  throw new FerryError('MAP_NO_TEMPLATE', `no map template for route "${route}": choose one of ${templateRoutes().join(', ')}`, 'fatal');
}

/**
 * Parses and checks a map document: its shape (zod, with file, line and path), then what only compiling shows
 * (expressions, transform names and arguments, column types that disagree, lookups to entities nothing writes).
 */
export function parseRouteMap(text: string, file: string): RouteMapDocument {
  const doc = parseDocument(text, file, routeMapSchema);
  try {
    new CompiledRouteMap(doc, 0);
  } catch (e) {
    if (e instanceof MapCompileError) {
      const at = locate(text, file, e.path);
      throw new MapDocumentError([{ file, line: at.line, column: at.column, path: e.path.join('.'), message: e.message }]);
    }
    throw e;
  }
  return doc;
}

export function readRouteMapFile(file: string): { text: string; document: RouteMapDocument } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new FerryError('MAP_UNREADABLE', `cannot read map ${file}: ${(e as Error).message}`, 'fatal');
  }
  return { text, document: parseRouteMap(text, file) };
}

/** Copies a route's template into the migration as a new draft version (none when the latest already equals it). */
export async function draftFromTemplate(db: DataSource | EntityManager, migration: string, route: string, by: string) {
  const file = templateFile(route);
  const { text, document } = readRouteMapFile(file);
  return new MapVersionRepository(db, migration).addDraft({
    route: document.route, hash: routeMapHash(document), document, sourceText: text, origin: `template ${path.basename(file)}`, createdBy: by,
  });
}

/** The migration's latest confirmed map, compiled; null when no version is confirmed yet. */
export async function confirmedMap(db: DataSource | EntityManager, migration: string): Promise<CompiledRouteMap | null> {
  const v = await new MapVersionRepository(db, migration).confirmed();
  if (!v) return null;
  const parsed = routeMapSchema.safeParse(v.document);
  if (!parsed.success) {
    throw new FerryError('MAP_INVALID', `confirmed map version ${v.version} of ${migration} no longer validates: ${parsed.error.issues[0]?.message}`, 'fatal');
  }
  return new CompiledRouteMap(parsed.data, v.version);
}

/**
 * A shipped template compiled as it is, unconfirmed: for tests and benchmarks that drive one phase directly.
 * Services never use it; they wait for the migration's confirmed version.
 */
export function templateMap(route: string): CompiledRouteMap {
  return new CompiledRouteMap(readRouteMapFile(templateFile(route)).document, 0);
}
