import type { CompiledRouteMap, MapResult } from './route-map.compiler';

export interface WholeMapped {
  object: string;
  sourceKey: string;
  result: MapResult;
}

/**
 * Maps a whole source held in memory (every record of every object, by object) as the transformer would once it had
 * read all of it, whatever the order: the related facts and the fields refs read come from the records themselves.
 * For fixtures and benchmarks; the services map streams, never a whole source at once.
 */
export function* mapWhole(
  map: CompiledRouteMap,
  records: Record<string, Record<string, unknown>[]>,
  keyField: Map<string, string>,
): Generator<WholeMapped> {
  const facts = new Set<string>();
  const kept = new Map<string, Record<string, unknown>>();
  for (const [object, rows] of Object.entries(records)) {
    const field = keyField.get(object);
    for (const w of map.watchesOf(object)) {
      for (const record of rows) {
        const scope = (name: string) => (name === '$key' ? String(record[field ?? ''] ?? '') : (record[name] ?? null));
        const target = w.key.evaluate(scope);
        if (target !== null && target !== undefined && String(target).trim() !== '' && (!w.filter || w.filter.evaluate(scope))) facts.add(`${w.rule}|${String(target).trim()}`);
      }
    }
    for (const record of rows) {
      const fields = map.keptFields(object, record);
      if (fields && field) kept.set(`${object}|${String(record[field])}`, fields);
    }
  }
  const refs = (object: string, key: string) => kept.get(`${object}|${key}`) ?? null;
  for (const [object, rows] of Object.entries(records)) {
    if (!map.reads(object)) continue;
    const field = keyField.get(object);
    if (!field) throw new Error(`${map.plan.sourceSystem} has no stream ${object}`);
    for (const record of rows) {
      const sourceKey = String(record[field]);
      yield { object, sourceKey, result: map.apply(object, sourceKey, record, (rule) => facts.has(`${rule}|${sourceKey}`), refs) };
    }
  }
}
