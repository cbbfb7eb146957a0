import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import {
  checkExportHeader,
  missingFileProblem,
  readExportStream,
  resolveExportFile,
  type AutomationDefinition,
  type CheckResult,
  type ReadOptions,
  type RejectCode,
  type SampleManifest,
  type SampleOptions,
  type SourceConnector,
  type SourceMessage,
  type SourceSystem,
  type StreamDefinition,
} from '@ferry/connectors/core';
import { fromPlanportsApiItem, PLANPORTS_API, toPlanportsApiItem } from './planports.api';
import { planportsAutomations } from './planports.automations';
import { csvLocation, PLANPORTS_EXPORT_FILE, PLANPORTS_SHEETS, PLANPORTS_STREAMS, planportsStream } from './planports.catalog';
import { planportsSchema } from './planports.schema';
import { generatePlanportsSample } from './sample/planports-sample.generator';

export type PlanportsLayout = 'xlsx' | 'csv';

/**
 * How a folder holds a Planports export: the Excel workbook when it is there, else one CSV per object (the
 * format large samples and hand-split exports use). A folder with neither reads as xlsx, so a missing file is
 * reported under the workbook's name.
 */
export function planportsLayout(dir: string): PlanportsLayout {
  if (existsSync(join(dir, PLANPORTS_EXPORT_FILE))) return 'xlsx';
  // names compared without case, as the reader finds them (Contacts.csv is contacts.csv)
  let names: Set<string>;
  try {
    names = new Set(readdirSync(dir).map((n) => n.toLowerCase()));
  } catch {
    return 'xlsx';
  }
  if (names.has(PLANPORTS_EXPORT_FILE.toLowerCase())) return 'xlsx';
  return Object.values(PLANPORTS_SHEETS).some((s) => names.has(s.csv.toLowerCase())) ? 'csv' : 'xlsx';
}

/** The stream as the folder's layout places it. */
function placed(def: StreamDefinition, layout: PlanportsLayout): StreamDefinition {
  if (layout === 'xlsx' || !def.export) return def;
  return { ...def, export: csvLocation(def.name) };
}

export class PlanportsConnector implements SourceConnector {
  readonly system: SourceSystem = 'planports';
  readonly displayName = 'Planports CRM';
  readonly api = PLANPORTS_API;

  streams(): StreamDefinition[] {
    return PLANPORTS_STREAMS.map((s) => structuredClone(s));
  }

  /**
   * Every exported object's sheet or file is there and its header names the key and every reference column
   * (without them a record cannot be keyed or linked). One line per problem, naming the file and sheet.
   */
  async checkExport(dir: string): Promise<CheckResult> {
    const layout = planportsLayout(dir);
    const problems: string[] = [];
    const workbook = layout === 'xlsx' ? await resolveExportFile(dir, PLANPORTS_EXPORT_FILE) : null;
    if (workbook !== null && workbook.found === null) {
      const problem = missingFileProblem(dir, PLANPORTS_EXPORT_FILE, 'planports', workbook.nearMiss, `every Planports object, or per-object CSV files such as ${PLANPORTS_SHEETS.contact.csv},`);
      return { ok: false, problems: [problem] };
    }
    for (const def of PLANPORTS_STREAMS) {
      if (!def.export) continue;
      const references = def.references.map((r) => r.field);
      const { problem } = await checkExportHeader(dir, def, planportsSchema(def.name), placed(def, layout).export!, references);
      if (problem) problems.push(problem);
    }
    return { ok: problems.length === 0, problems };
  }

  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    const def = placed(planportsStream(stream), planportsLayout(dir));
    // lenient: a value that does not parse in an optional column empties that column and is listed in the record's
    // issues (the quality report counts them); only a missing or unparseable required value quarantines the row
    return readExportStream({ system: this.system, dir, stream: def, schema: planportsSchema(stream), options, values: 'lenient' });
  }

  fromApiItem(stream: string, item: Record<string, unknown>): { record: Record<string, unknown> } | { code: RejectCode; reason: string } {
    return fromPlanportsApiItem(stream, item);
  }

  toApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown> {
    return toPlanportsApiItem(stream, record);
  }

  generate(options: SampleOptions): Promise<SampleManifest> {
    return generatePlanportsSample(options);
  }

  automations(stream: string, record: Record<string, unknown>): AutomationDefinition[] {
    return planportsAutomations(stream, record);
  }
}
