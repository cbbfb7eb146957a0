import * as fs from 'fs';
import * as path from 'path';
import Table from 'cli-table3';
import { FerryError } from '@ferry/common';
import { writeSampleManifest, type ExportFormat, type SampleManifest, type SampleOptions } from '@ferry/connectors/core';
import { generateExportSample, type ExportSampleNotes } from '@ferry/connectors/export';
import { sourceConnector } from '@ferry/connectors/registry';

export interface SampleCommandOptions {
  source: string;
  records: number;
  out: string;
  seed: number;
  format?: ExportFormat;
  /** --source export: zoho, hubspot, salesforce, dynamics or pipedrive (default zoho) */
  style?: string;
}

/** Where each stream of a sample went: the catalog's export location, or (export source) the manifest's files. */
function sampleFiles(source: string, manifest: SampleManifest): (stream: string) => string {
  if (source === 'export') {
    const notes = manifest.notes as unknown as ExportSampleNotes;
    const files = new Map(Object.values(notes.expected).map((e) => [e.object, e.file]));
    return (stream) => files.get(stream) ?? '';
  }
  const byName = new Map(sourceConnector(source).streams().map((s) => [s.name, s]));
  return (stream) => {
    const def = byName.get(stream);
    return def?.export ? `${def.export.file}${def.export.sheet ? ` [${def.export.sheet}]` : ''}` : 'api-only';
  };
}

/** `ferry sample`: a deterministic, messy export of every object of a source, plus its manifest. */
export async function runSample(o: SampleCommandOptions): Promise<{ manifest: SampleManifest; seconds: number; table: string }> {
  // the export source reads any CRM's folder; its sample needs no description, only the style to imitate
  const generate = o.source === 'export' ? generateExportSample : (options: SampleOptions) => sourceConnector(o.source).generate(options);
  const out = path.resolve(o.out);
  if (fs.existsSync(out) && !fs.statSync(out).isDirectory()) throw new FerryError('USAGE', `--out ${out} is a file; give a folder`, 'fatal');
  try {
    fs.mkdirSync(out, { recursive: true });
  } catch (e) {
    throw new FerryError('USAGE', `cannot create ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'fatal');
  }
  const t0 = process.hrtime.bigint();
  const manifest = await generate({ records: o.records, seed: o.seed, out, format: o.format, style: o.style });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await writeSampleManifest(out, manifest);
  const perStream = (list: ReadonlyArray<{ stream: string }>) => {
    const out = new Map<string, number>();
    for (const m of list) out.set(m.stream, (out.get(m.stream) ?? 0) + 1);
    return out;
  };
  const bad = perStream(manifest.malformed);
  const emptied = manifest.emptied ? perStream(manifest.emptied) : null;
  // the export source's sample counts its emptied values per column in notes, not one by one
  const t = new Table({ head: ['object', 'rows', 'quarantined', ...(emptied ? ['values emptied'] : []), 'file'] });
  const fileOf = sampleFiles(o.source, manifest);
  for (const [stream, n] of Object.entries(manifest.counts)) {
    const count = (m: Map<string, number>) => (m.get(stream) ?? 0).toLocaleString('en-US');
    t.push([stream, n.toLocaleString('en-US'), count(bad), ...(emptied ? [count(emptied)] : []), fileOf(stream)]);
  }
  return { manifest, seconds, table: t.toString() };
}
