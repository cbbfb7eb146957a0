import { stat } from 'fs/promises';
import { join } from 'path';
import {
  createCoercer,
  loadRecordSchema,
  readExportRows,
  readExportStream,
  type AutomationDefinition,
  type CheckResult,
  type ReadOptions,
  type RejectCode,
  type SampleManifest,
  type SampleOptions,
  type SourceConnector,
  type SourceMessage,
  type StreamDefinition,
} from '@ferry/connectors/core';
import { profiFromApiItem, profiToApiItem, PROFI_API } from './profi.api';
import { profiAutomations } from './profi.automations';
import { PROFI_FILES_DIR, PROFI_STREAMS, profiStream } from './profi.catalog';
import { generateProfiSample } from './profi-sample.generator';

/**
 * Profi, the coaching platform: a CSV export drop (one semicolon-separated Windows-1252 file per object, the
 * uploaded files under files/) and a REST API that also serves the custom field definitions and the reminder
 * sequences the export leaves out.
 */
export class ProfiConnector implements SourceConnector {
  readonly system = 'profi' as const;
  readonly displayName = 'Profi';
  readonly api = PROFI_API;

  streams(): StreamDefinition[] {
    return structuredClone([...PROFI_STREAMS]);
  }

  async checkExport(dir: string): Promise<CheckResult> {
    const problems: string[] = [];
    try {
      if (!(await stat(dir)).isDirectory()) problems.push(`${dir} is not a folder; point Ferry at the folder holding Profi's export files`);
    } catch {
      return { ok: false, problems: [`${dir} does not exist; point Ferry at the folder holding Profi's export files`] };
    }
    if (problems.length > 0) return { ok: false, problems };
    for (const stream of PROFI_STREAMS) {
      if (stream.export) problems.push(...(await checkFile(dir, stream)));
    }
    const attachments = profiStream('attachment').export!.file;
    const filesDir = join(dir, PROFI_FILES_DIR);
    if (!(await isDirectory(filesDir)) && (await isFile(join(dir, attachments)))) {
      problems.push(`${filesDir} is missing: ${attachments} lists uploaded files by their path under ${PROFI_FILES_DIR}/, so export the files along with the CSVs`);
    }
    return { ok: problems.length === 0, problems };
  }

  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    return readExportStream({ system: this.system, dir, stream: profiStream(stream), options });
  }

  fromApiItem(stream: string, item: Record<string, unknown>): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
    return profiFromApiItem(stream, item);
  }

  toApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
    return profiToApiItem(stream, record);
  }

  generate(options: SampleOptions): Promise<SampleManifest> {
    return generateProfiSample(options);
  }

  automations(stream: string, record: Record<string, unknown>): AutomationDefinition[] {
    return profiAutomations(stream, record);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** One line per problem with one export file: missing, unreadable header, or a required column absent. */
async function checkFile(dir: string, stream: StreamDefinition): Promise<string[]> {
  const location = stream.export!;
  const path = join(dir, location.file);
  if (!(await isFile(path))) return [`${path} is missing: Profi writes the ${stream.name} export there`];
  let labels: string[] | null = null;
  let headerLine = 1;
  const rows = readExportRows(path, location, {
    onHeader: (l, line) => {
      labels = l;
      headerLine = line;
    },
  })[Symbol.asyncIterator]();
  try {
    const first = await rows.next();
    if (labels === null) {
      if (!first.done && first.value.kind === 'reject') return [first.value.reason];
      return [`${path} is empty: it needs a header row naming the ${stream.name} columns`];
    }
  } catch (err) {
    return [`${path} cannot be read: ${err instanceof Error ? err.message : String(err)}`];
  } finally {
    await rows.return?.(undefined);
  }
  const missing = createCoercer(loadRecordSchema('profi', stream.name), location).missingFields(labels);
  if (missing.length === 0) return [];
  const byField = new Map(Object.entries(location.columns ?? {}).map(([label, field]) => [field, label]));
  const wanted = missing.map((f) => `"${byField.get(f) ?? f}"`).join(', ');
  return [`${location.file} line ${headerLine}: the header lacks the required column${missing.length > 1 ? 's' : ''} ${wanted}`];
}
