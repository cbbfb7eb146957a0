import { writeFile } from 'fs/promises';
import { join } from 'path';
import { isPlaceholder, parseBoolean } from './export-values.parser';
import type { AvroSchema } from './record-schema';
import type { RejectCode, SampleEmptiedValue, SampleManifest, SourceSystem } from './source.connector';

/** Where `ferry sample` leaves the manifest, next to the export it describes (readers of the folder skip it). */
export const SAMPLE_MANIFEST_FILE = 'ferry-sample.json';

/**
 * The manifest a generator returns: what it wrote per stream, the rows a reader must quarantine, the values it
 * must empty instead, and its deliberate mess.
 */
export function sampleManifest(
  system: SourceSystem,
  seed: number,
  counts: Record<string, number>,
  malformed: SampleManifest['malformed'],
  notes: Record<string, unknown>,
  emptied?: SampleEmptiedValue[],
): SampleManifest {
  return emptied ? { system, seed, counts, malformed, emptied, notes } : { system, seed, counts, malformed, notes };
}

/** Writes the manifest into the sample's folder, as the tests and benchmarks read it back. */
export async function writeSampleManifest(dir: string, manifest: SampleManifest): Promise<string> {
  const path = join(dir, SAMPLE_MANIFEST_FILE);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

/**
 * What a lenient reader makes of one bad value a sample writes: the row quarantined, the value emptied, or
 * (`read`) the value taken after all: a Y or N flag is a yes/no value to a lenient reader.
 */
export type BadValueOutcome = { reject: RejectCode } | { empty: RejectCode } | { read: true };

/**
 * The outcome of writing `value`, which `field` cannot parse strictly (it would be `code`), under the lenient
 * policy (record.coercer.ts): a required field (not nullable, no default) quarantines the row; an optional
 * one is emptied and listed in the record's issues. A placeholder ("N/A", "TBD") is no value, so its code is
 * MISSING_VALUE either way. Generators ask this so their manifests follow the schema, not a list kept apart.
 */
export function badValueOutcome(schema: AvroSchema, field: string, value: string, code: RejectCode): BadValueOutcome {
  const def = (schema.fields as Array<Record<string, unknown>>).find((f) => f.name === field);
  if (!def) throw new Error(`sample: schema ${schema.name ?? '(record)'} has no field "${field}" to spoil`);
  const types: unknown[] = Array.isArray(def.type) ? def.type : [def.type];
  if (types.includes('boolean') && parseBoolean(value.trim(), true).ok) return { read: true };
  const nullable = types.includes('null');
  const hasDefault = Object.prototype.hasOwnProperty.call(def, 'default') && def.default !== null;
  const why: RejectCode = isPlaceholder(value) ? 'MISSING_VALUE' : code;
  return nullable || hasDefault ? { empty: why } : { reject: why };
}
