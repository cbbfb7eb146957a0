import { stat } from 'fs/promises';
import { join } from 'path';
import {
  checkExportHeader,
  loadRecordSchema,
  missingFilesFolderProblem,
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
import { generateProfiSample } from './sample/profi-sample.generator';

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
    const warnings: string[] = [];
    for (const stream of PROFI_STREAMS) {
      if (stream.export) problems.push(...(await checkFile(dir, stream, warnings)));
    }
    const attachments = profiStream('attachment').export!.file;
    const filesDir = join(dir, PROFI_FILES_DIR);
    if (!(await isDirectory(filesDir)) && (await isFile(join(dir, attachments)))) {
      problems.push(missingFilesFolderProblem(dir, PROFI_FILES_DIR, attachments));
    }
    return { ok: problems.length === 0, problems, ...(warnings.length > 0 ? { warnings } : {}) };
  }

  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    // lenient: a value that does not parse in an optional column empties that column and is listed in the record's
    // issues (the quality report counts them); only a missing or unparseable required value quarantines the row
    return readExportStream({ system: this.system, dir, stream: profiStream(stream), options, values: 'lenient' });
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
async function checkFile(dir: string, stream: StreamDefinition, warnings: string[]): Promise<string[]> {
  const { problem, warning } = await checkExportHeader(dir, stream, loadRecordSchema('profi', stream.name));
  if (warning) warnings.push(warning);
  return problem ? [problem] : [];
}
