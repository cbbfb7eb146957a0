import { Document, isMap, isSeq, YAMLMap } from 'yaml';
import type { RouteMapDocument } from '../map/route-map.schema';

/** The document without values the schema defaults anyway, so a reviewer reads only what was decided. */
export function compactRouteMap(doc: RouteMapDocument): Record<string, unknown> {
  return {
    ...doc,
    objects: doc.objects.map((e) => {
      const { key, merge, lookups, ...rest } = e;
      return {
        id: rest.id,
        from: rest.from,
        ...(rest.filter ? { filter: rest.filter } : {}),
        ...(rest.related ? { related: rest.related } : {}),
        ...(rest.retire !== 'delete' ? { retire: rest.retire } : {}),
        to: rest.to,
        ...(key !== '$key' ? { key } : {}),
        ...(merge !== 'last-wins' ? { merge } : {}),
        ...(rest.note ? { note: rest.note } : {}),
        fields: Object.fromEntries(
          Object.entries(rest.fields).map(([column, f]) => {
            const { transforms, onOverflow, required, ...field } = f;
            return [column, { ...field, ...(transforms.length ? { transforms } : {}), ...(onOverflow !== 'reject' ? { onOverflow } : {}), ...(required ? { required } : {}) }];
          }),
        ),
        ...(Object.keys(lookups).length
          ? {
              lookups: Object.fromEntries(
                Object.entries(lookups).map(([c, l]) => [c, { targets: l.targets, ...(l.deferrable ? { deferrable: true } : {}), ...(l.required ? { required: true } : {}) }]),
              ),
            }
          : {}),
        ...(rest.owner ? { owner: rest.owner } : {}),
      };
    }),
  };
}

/** A route map as YAML the way the templates in maps/ are written: one line per field, a comment on top. */
export function routeMapYaml(doc: RouteMapDocument, header: string[]): string {
  const y = new Document(compactRouteMap(doc));
  y.commentBefore = header.map((l) => ` ${l}`).join('\n');
  const objects = y.get('objects');
  if (isSeq(objects)) {
    for (const entry of objects.items) {
      if (!isMap(entry)) continue;
      for (const part of ['fields', 'lookups']) {
        const m = entry.get(part);
        if (isMap(m)) for (const item of m.items) if (item.value instanceof YAMLMap) item.value.flow = true;
      }
      const owner = entry.get('owner');
      if (isMap(owner)) owner.flow = true;
    }
  }
  return y.toString({ lineWidth: 0 });
}
