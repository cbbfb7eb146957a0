import { loadRecordSchema, type AvroSchema } from '@ferry/connectors/core';

/** How one Avro field of a Planports record is typed, read once from schemas/planports/<stream>.avsc. */
export type PlanportsFieldKind = 'string' | 'money' | 'int' | 'long' | 'double' | 'boolean' | 'timestamp' | 'date' | 'map';

export interface PlanportsField {
  name: string;
  kind: PlanportsFieldKind;
  nullable: boolean;
}

interface AvroFieldJson {
  name: string;
  type: unknown;
  'ferry.kind'?: string;
}

function kindOf(stream: string, f: AvroFieldJson): { kind: PlanportsFieldKind; nullable: boolean } {
  const union = Array.isArray(f.type) ? (f.type as unknown[]) : null;
  const branch = union ? union.find((t) => t !== 'null') : f.type;
  const nullable = union !== null && union.includes('null');
  if (typeof branch === 'string') {
    if (branch === 'string') return { kind: f['ferry.kind'] === 'money' ? 'money' : 'string', nullable };
    if (branch === 'int' || branch === 'long' || branch === 'double' || branch === 'boolean') return { kind: branch, nullable };
  } else if (branch && typeof branch === 'object') {
    const t = branch as { type?: string; logicalType?: string };
    if (t.logicalType === 'timestamp-millis') return { kind: 'timestamp', nullable };
    if (t.logicalType === 'date') return { kind: 'date', nullable };
    if (t.type === 'map') return { kind: 'map', nullable };
  }
  throw new Error(`schemas/planports/${stream}.avsc: field ${f.name} has a type the Planports connector does not handle: ${JSON.stringify(f.type)}`);
}

const cache = new Map<string, { schema: AvroSchema; fields: PlanportsField[] }>();

function load(stream: string) {
  let hit = cache.get(stream);
  if (!hit) {
    const schema = loadRecordSchema('planports', stream);
    const fields = ((schema.fields ?? []) as AvroFieldJson[]).map((f) => ({ name: f.name, ...kindOf(stream, f) }));
    hit = { schema, fields };
    cache.set(stream, hit);
  }
  return hit;
}

/** The record schema of a stream as JSON (a fresh copy each call). */
export function planportsSchema(stream: string): AvroSchema {
  return structuredClone(load(stream).schema);
}

/** The stream's fields in schema order, `custom` last. */
export function planportsFields(stream: string): readonly PlanportsField[] {
  return load(stream).fields;
}
