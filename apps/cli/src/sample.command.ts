import * as fs from 'fs';
import * as path from 'path';
import Table from 'cli-table3';
import { FerryError } from '@ferry/common';
import { writeSampleManifest, type ExportFormat, type SampleManifest } from '@ferry/connectors/core';
import { sourceConnector } from '@ferry/connectors/registry';

export interface SampleCommandOptions {
  source: string;
  records: number;
  out: string;
  seed: number;
  format?: ExportFormat;
}

/** `ferry sample`: a deterministic, messy export of every object of a source, plus its manifest. */
export async function runSample(o: SampleCommandOptions): Promise<{ manifest: SampleManifest; seconds: number; table: string }> {
  const connector = sourceConnector(o.source);
  const out = path.resolve(o.out);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new FerryError('USAGE', `--out ${out} is a file; give a folder`, 'fatal');
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new FerryError('USAGE', `cannot create ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'fatal');
  }
  const t0 = process.hrtime.bigint();
  const manifest = await connector.generate({ records: o.records, seed: o.seed, out, format: o.format });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await writeSampleManifest(out, manifest);
  const bad = new Map<string, number>();
  for (const m of manifest.malformed) bad.set(m.stream, (bad.get(m.stream) ?? 0) + 1);
  const byName = new Map(connector.streams().map((s) => [s.name, s]));
  const t = new Table({ head: ['object', 'rows', 'malformed', 'file'] });
  for (const [stream, n] of Object.entries(manifest.counts)) {
    const def = byName.get(stream);
    t.push([stream, n.toLocaleString('en-US'), (bad.get(stream) ?? 0).toLocaleString('en-US'), def?.export ? `${def.export.file}${def.export.sheet ? ` [${def.export.sheet}]` : ''}` : 'api-only']);
  }
  return { manifest, seconds, table: t.toString() };
}
