import { writeFile } from 'fs/promises';
import { join } from 'path';
import type { SampleManifest, SourceSystem } from './source.connector';

/** Where `ferry sample` leaves the manifest, next to the export it describes (readers of the folder skip it). */
export const SAMPLE_MANIFEST_FILE = 'ferry-sample.json';

/** The manifest a generator returns: what it wrote per stream, the rows a reader must quarantine, and its deliberate mess. */
export function sampleManifest(
  system: SourceSystem,
  seed: number,
  counts: Record<string, number>,
  malformed: SampleManifest['malformed'],
  notes: Record<string, unknown>,
): SampleManifest {
  return { system, seed, counts, malformed, notes };
}

/** Writes the manifest into the sample's folder, as the tests and benchmarks read it back. */
export async function writeSampleManifest(dir: string, manifest: SampleManifest): Promise<string> {
  const path = join(dir, SAMPLE_MANIFEST_FILE);
  await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}
