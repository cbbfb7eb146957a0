import { compileExpression } from '../map-lang';
import type { MapEntry, RouteMapDocument } from '../map/route-map.schema';

/** One mapped item of a map: a field, a lookup or the owner, as the source paths it reads and where it lands. */
export interface MapItem {
  object: string;
  /** `entity.column`; the owner is `entity.ownerid` */
  target: string;
  paths: string[];
}

export interface ObjectScore {
  object: string;
  expected: string[];
  proposed: string[];
  ok: boolean;
}

export interface ProposalScore {
  route: string;
  /** items of the template */
  expected: number;
  /** items of the proposal */
  proposed: number;
  /** template items the proposal has: the same source path onto the same entity.column */
  found: number;
  /** proposal items on source objects the template maps (the rest cannot be judged against it) */
  proposedOnShared: number;
  foundOnShared: number;
  precision: number;
  /** precision over the source objects both maps read */
  precisionOnShared: number;
  recall: number;
  /** source objects the template names (mapped or not migrated) the proposal places the same way */
  entityAccuracy: number;
  objects: ObjectScore[];
  missed: MapItem[];
}

function exprPaths(source: string): string[] {
  try {
    return compileExpression(source, 'score').fields;
  } catch {
    return [];
  }
}

function entryItems(e: MapEntry): MapItem[] {
  const out: MapItem[] = [];
  for (const [column, f] of Object.entries(e.fields)) {
    const paths = f.expr !== undefined ? exprPaths(f.expr) : Array.isArray(f.from) ? f.from : [f.from!];
    out.push({ object: e.from, target: `${e.to}.${column}`, paths });
  }
  for (const [column, l] of Object.entries(e.lookups)) out.push({ object: e.from, target: `${e.to}.${column}`, paths: l.targets.flatMap((t) => exprPaths(t.key)) });
  if (e.owner) out.push({ object: e.from, target: `${e.to}.ownerid`, paths: exprPaths(e.owner.email) });
  return out;
}

/** Every item of a map. */
export function mapItems(doc: RouteMapDocument): MapItem[] {
  return doc.objects.flatMap(entryItems);
}

const same = (a: MapItem, b: MapItem) => a.object === b.object && a.target === b.target && a.paths.some((p) => b.paths.includes(p));
const ratio = (n: number, d: number) => (d === 0 ? 1 : n / d);

/**
 * How close a proposal is to a map a person wrote (a template): an item is found when the same source path
 * lands on the same destination entity.column (lookups and the owner count as items).
 */
export function scoreProposal(proposal: RouteMapDocument, template: RouteMapDocument): ProposalScore {
  const want = mapItems(template);
  const got = mapItems(proposal);
  const found = want.filter((w) => got.some((g) => same(w, g)));
  const shared = new Set(template.objects.map((e) => e.from));
  const gotShared = got.filter((g) => shared.has(g.object));
  const hits = (items: MapItem[]) => items.filter((g) => want.some((w) => same(w, g))).length;
  const entitiesOf = (d: RouteMapDocument, object: string) => [...new Set(d.objects.filter((e) => e.from === object).map((e) => e.to))].sort();
  const named = [...new Set([...template.objects.map((e) => e.from), ...Object.keys(template.notMigrated)])];
  const objects = named.map((object) => {
    const expected = entitiesOf(template, object);
    const proposed = entitiesOf(proposal, object);
    return { object, expected, proposed, ok: expected.join() === proposed.join() };
  });
  return {
    route: template.route,
    expected: want.length,
    proposed: got.length,
    found: found.length,
    proposedOnShared: gotShared.length,
    foundOnShared: hits(gotShared),
    precision: ratio(hits(got), got.length),
    precisionOnShared: ratio(hits(gotShared), gotShared.length),
    recall: ratio(found.length, want.length),
    entityAccuracy: ratio(objects.filter((o) => o.ok).length, objects.length),
    objects,
    missed: want.filter((w) => !found.includes(w)),
  };
}
