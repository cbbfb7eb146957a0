import * as fs from 'fs';
import * as path from 'path';
import type { ColumnType, PlanEntity, RoutePlan } from './route';
import { projectRoot } from '@ferry/common';

/** A raw Avro schema as JSON. */
export type AvroSchema = { type: string; name?: string; namespace?: string; fields?: unknown[]; [k: string]: unknown };

export function schemaDir(): string {
  return path.join(projectRoot(), 'schemas');
}

const fileCache = new Map<string, AvroSchema>();

export function loadSchema(relative: string): AvroSchema {
  let s = fileCache.get(relative);
  if (!s) {
    const file = path.join(schemaDir(), relative);
    s = JSON.parse(fs.readFileSync(file, 'utf8')) as AvroSchema;
    fileCache.set(relative, s);
  }
  return structuredClone(s);
}

function pascal(s: string): string {
  return s.replace(/(^|[_-])([a-z])/g, (_m, _p, c: string) => c.toUpperCase());
}

/**
 * Value schema of an `extracted` topic: envelope, origin and the source record (null for a delete). The record is
 * `schemas/<system>/<object>.avsc` unless given (an export source's record, generated from its confirmed description).
 */
export function extractedValueSchema(sourceSystem: string, object: string, recordSchema?: AvroSchema): AvroSchema {
  const record = recordSchema ? structuredClone(recordSchema) : loadSchema(`${sourceSystem}/${object}.avsc`);
  return {
    type: 'record',
    name: `${pascal(object)}Extracted`,
    namespace: `ferry.events.${sourceSystem}`,
    fields: [
      { name: 'envelope', type: loadSchema('envelope.avsc') },
      { name: 'origin', type: ['null', loadSchema('origin.avsc')], default: null },
      { name: 'record', type: ['null', record], default: null },
    ],
  };
}

const AVRO_COLUMN: Record<ColumnType, unknown> = {
  string: 'string',
  memo: 'string',
  uniqueidentifier: 'string',
  // the file's path inside the export folder: the loader reads the body just before the write
  file: 'string',
  integer: 'int',
  picklist: 'int',
  bigint: 'long',
  double: 'double',
  // exact decimal text, never a float
  decimal: 'string',
  money: 'string',
  boolean: 'boolean',
  datetime: { type: 'long', logicalType: 'timestamp-millis' },
  dateonly: { type: 'int', logicalType: 'date' },
};

/**
 * The destination record of one entity, generated from the confirmed map: the key column, then every column any
 * entry writes, each optional (the map, not Avro, says which are required), so a new map version that adds or
 * drops columns stays BACKWARD compatible.
 */
export function destinationRecordSchema(plan: RoutePlan, entity: PlanEntity): AvroSchema {
  return {
    type: 'record',
    name: pascal(entity.entity),
    namespace: `ferry.${plan.destination}.${plan.route.replace(/-/g, '_')}`,
    fields: entity.columns.map((c) =>
      c.name === plan.keyColumn ? { name: c.name, type: 'string' } : { name: c.name, type: ['null', AVRO_COLUMN[c.type]], default: null },
    ),
  };
}

/** Value schema of `transformed` and `resolved` topics: the destination record with its target, lookups and owner. */
export function destinationValueSchema(plan: RoutePlan, entity: PlanEntity): AvroSchema {
  return {
    type: 'record',
    name: `${pascal(entity.entity)}Change`,
    namespace: `ferry.events.${plan.destination}`,
    fields: [
      { name: 'envelope', type: loadSchema('envelope.avsc') },
      { name: 'target', type: loadSchema('target.avsc') },
      { name: 'record', type: ['null', destinationRecordSchema(plan, entity)], default: null },
      { name: 'lookups', type: { type: 'array', items: loadSchema('lookup.avsc') }, default: [] },
      { name: 'owner', type: ['null', loadSchema('owner-ref.avsc')], default: null },
    ],
  };
}

/** Value schema of `loaded` topics. */
export function loadedValueSchema(destination: string, entity: string): AvroSchema {
  return {
    type: 'record',
    name: `${pascal(entity)}Loaded`,
    namespace: `ferry.events.${destination}`,
    fields: [
      { name: 'envelope', type: loadSchema('envelope.avsc') },
      { name: 'result', type: loadSchema('load-result.avsc') },
    ],
  };
}

export function deadLetterValueSchema(): AvroSchema {
  return loadSchema('dead-letter.avsc');
}

/** The value schema of every record topic of a route, keyed by topic name. */
export function routeValueSchemas(plan: RoutePlan, migration: string): Map<string, AvroSchema> {
  const out = new Map<string, AvroSchema>();
  for (const o of plan.sourceObjects) {
    out.set(`ferry.${migration}.extracted.${plan.sourceSystem}.${o}`, extractedValueSchema(plan.sourceSystem, o, plan.sourceSchemas?.[o]));
  }
  for (const e of plan.entities) {
    out.set(`ferry.${migration}.transformed.${plan.destination}.${e.entity}`, destinationValueSchema(plan, e));
    out.set(`ferry.${migration}.resolved.${plan.destination}.${e.entity}`, destinationValueSchema(plan, e));
    out.set(`ferry.${migration}.loaded.${plan.destination}.${e.entity}`, loadedValueSchema(plan.destination, e.entity));
  }
  out.set(`ferry.${migration}.dlq`, deadLetterValueSchema());
  return out;
}
