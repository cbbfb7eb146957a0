import { existsSync } from 'fs';
import { join } from 'path';
import { loadSchema, schemaDir, type AvroSchema } from '@ferry/contracts';

export type { AvroSchema };

/** The Avro record of one stream: `schemas/<system>/<stream>.avsc`, the source of truth for its shape. */
export function loadRecordSchema(system: string, stream: string): AvroSchema {
  const relative = `${system}/${stream}.avsc`;
  if (!existsSync(join(schemaDir(), relative))) {
    throw new Error(`no Avro schema for ${system} stream "${stream}": expected schemas/${relative}`);
  }
  const schema = loadSchema(relative);
  if (schema.type !== 'record' || !Array.isArray(schema.fields)) {
    throw new Error(`schemas/${relative} is not an Avro record (type "${schema.type}")`);
  }
  return schema;
}
