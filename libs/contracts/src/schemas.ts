import * as fs from 'fs';
import * as path from 'path';
import type { Route } from './route';
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

/** Value schema of an `extracted` topic: envelope, origin and the source record (null for a delete). */
export function extractedValueSchema(sourceSystem: string, object: string): AvroSchema {
  const record = loadSchema(`${sourceSystem}/${object}.avsc`);
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

/** Value schema of `transformed` and `resolved` topics: the destination record with its lookups and owner. */
export function destinationValueSchema(destination: string, entity: string): AvroSchema {
  const record = loadSchema(`${destination}/${entity}.avsc`);
  return {
    type: 'record',
    name: `${pascal(entity)}Change`,
    namespace: `ferry.events.${destination}`,
    fields: [
      { name: 'envelope', type: loadSchema('envelope.avsc') },
      { name: 'record', type: ['null', record], default: null },
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
export function routeValueSchemas(route: Route, migration: string): Map<string, AvroSchema> {
  const out = new Map<string, AvroSchema>();
  for (const o of route.objects) {
    out.set(`ferry.${migration}.extracted.${route.sourceSystem}.${o.source}`, extractedValueSchema(route.sourceSystem, o.source));
    out.set(`ferry.${migration}.transformed.${route.destination}.${o.entity}`, destinationValueSchema(route.destination, o.entity));
    out.set(`ferry.${migration}.resolved.${route.destination}.${o.entity}`, destinationValueSchema(route.destination, o.entity));
    out.set(`ferry.${migration}.loaded.${route.destination}.${o.entity}`, loadedValueSchema(route.destination, o.entity));
  }
  out.set(`ferry.${migration}.dlq`, deadLetterValueSchema());
  return out;
}
