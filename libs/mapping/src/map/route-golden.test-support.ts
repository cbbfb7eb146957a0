import * as fs from 'fs';
import * as path from 'path';
import { projectRoot } from '@ferry/common';
import { sourceConnector } from '@ferry/connectors/registry';
import { mapWhole } from './map-whole';
import type { CompiledRouteMap } from './route-map.compiler';

/**
 * Golden-file support for the route templates: a template applied to its connector's committed clean fixture
 * records, the outputs written in a stable, reviewable form. Run a route's spec with FERRY_UPDATE_GOLDEN=1 to
 * rewrite its golden file, then read the diff.
 */

export interface GoldenOutput {
  object: string;
  sourceKey: string;
  entry: string;
  entity: string;
  key: string;
  /** the entry has a `related` rule: which records it takes depends on other objects (check after the interpreter honours it) */
  related?: 'exists' | 'absent';
  record: Record<string, unknown> | null;
  lookups: { column: string; candidates: string[]; deferrable: boolean }[];
  owner: string | null;
}

export interface GoldenRejection {
  object: string;
  sourceKey: string;
  entry: string;
  code: string;
}

/** A value an optional column could not take (the column went empty), or a value map did not know. */
export interface GoldenIssue {
  object: string;
  sourceKey: string;
  entry: string;
  column: string;
  kind: string;
}

export interface Golden {
  route: string;
  outputs: GoldenOutput[];
  rejections: GoldenRejection[];
  issues: GoldenIssue[];
}

/** The connector's clean fixture records, by object, in file order. */
export function cleanFixtureRecords(system: string): Record<string, Record<string, unknown>[]> {
  const base = path.join(projectRoot(), 'libs', 'connectors', system, 'fixtures');
  const single = path.join(base, 'clean.expected.json');
  if (fs.existsSync(single)) return JSON.parse(fs.readFileSync(single, 'utf8')) as Record<string, Record<string, unknown>[]>;
  const dir = path.join(base, 'clean', 'expected');
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    out[f.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as Record<string, unknown>[];
  }
  return out;
}

/** Applies the map to every fixture record of every object it reads. */
export function goldenOf(map: CompiledRouteMap): Golden {
  const system = map.plan.sourceSystem;
  const keyField = new Map(sourceConnector(system).streams().map((s) => [s.name, s.key]));
  const related = new Map(map.document.objects.filter((e) => e.related).map((e) => [e.id, e.related!.when]));
  const golden: Golden = { route: map.plan.route, outputs: [], rejections: [], issues: [] };
  for (const { object, sourceKey, result: r } of mapWhole(map, cleanFixtureRecords(system), keyField)) {
    for (const o of r.outputs) {
      golden.outputs.push({
        object,
        sourceKey,
        entry: o.target.entry,
        entity: o.target.entity,
        key: o.target.key,
        ...(related.has(o.target.entry) ? { related: related.get(o.target.entry) } : {}),
        record: o.record,
        lookups: o.lookups.map((l) => ({ column: l.column, candidates: l.candidates.map((c) => `${c.entity}:${c.key}`), deferrable: l.deferrable })),
        owner: o.owner?.email ?? null,
      });
    }
    for (const x of r.rejections) golden.rejections.push({ object, sourceKey, entry: x.entry, code: x.code });
    for (const i of r.issues) golden.issues.push({ object, sourceKey, entry: i.entry, column: i.column, kind: i.kind });
  }
  return golden;
}

export function goldenFile(route: string): string {
  return path.join(projectRoot(), 'libs', 'mapping', 'fixtures', `${route}.golden.json`);
}

/** The committed golden file; written first when FERRY_UPDATE_GOLDEN=1 (or when it does not exist yet). */
export function committedGolden(route: string, current: Golden): Golden {
  const file = goldenFile(route);
  if (process.env.FERRY_UPDATE_GOLDEN === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(current, null, 2)}\n`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Golden;
}
