import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import {
  emptyFileProblem,
  missingColumnsProblem,
  missingFileProblem,
  readExportRows,
  readExportStream,
  resolveExportFile,
  unreadableFileProblem,
  snakeCase,
  type AutomationDefinition,
  type CheckResult,
  type ExportLocation,
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
import { generatePlanportsSample } from './planports-sample.generator';

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

/** Which field a header label fills, the way the coercer decides it: mapped label, field name, then snake_case. */
function fieldsOf(labels: readonly string[], location: ExportLocation, fieldNames: readonly string[]): Set<string> {
  const explicit = new Map(Object.entries(location.columns ?? {}).map(([label, field]) => [label.trim().toLowerCase(), field]));
  const lower = new Map(fieldNames.map((f) => [f.toLowerCase(), f]));
  const out = new Set<string>();
  for (const label of labels) {
    const l = label.trim().toLowerCase();
    const field = explicit.get(l) ?? lower.get(l) ?? lower.get(snakeCase(label));
    if (field) out.add(field);
  }
  return out;
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
      const wanted = placed(def, layout).export!;
      const resolved = await resolveExportFile(dir, wanted.file);
      if (resolved.found === null) {
        problems.push(missingFileProblem(dir, wanted.file, def.name, resolved.nearMiss));
        continue;
      }
      const location = { ...wanted, file: resolved.found };
      const where = layout === 'xlsx' ? `${location.file} sheet "${location.sheet}"` : location.file;
      const path = join(dir, location.file);
      let headerLine = 1;
      let labels: string[] | null = null;
      const rows = readExportRows(path, location, {
        onHeader: (l, line) => {
          labels = l;
          headerLine = line;
        },
      })[Symbol.asyncIterator]();
      try {
        const first = await rows.next();
        if (!first.done && first.value.kind === 'reject' && labels === null) problems.push(first.value.reason);
      } catch (err) {
        problems.push(unreadableFileProblem(where, err instanceof Error ? err.message : String(err)));
        continue;
      } finally {
        await rows.return?.(undefined);
      }
      if (labels === null) {
        if (!problems.some((p) => p.includes(location.file))) problems.push(emptyFileProblem(where, def.name));
        continue;
      }
      const required = [def.key, ...def.references.map((r) => r.field)];
      const fieldNames = PLANPORTS_SHEETS[def.name].headers.map(([, f]) => f);
      const present = fieldsOf(labels, location, fieldNames);
      const absent = required.filter((f) => !present.has(f));
      if (absent.length > 0) {
        const why = (f: string) => (f === def.key ? `the key of ${def.name} records` : `the ${def.references.find((r) => r.field === f)?.object} each ${def.name} belongs to`);
        problems.push(missingColumnsProblem({ location, line: headerLine, stream: def.name, fields: absent, labels: labels as string[], why }));
      }
    }
    return { ok: problems.length === 0, problems };
  }

  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    const def = placed(planportsStream(stream), planportsLayout(dir));
    // strict: the exporter's formats are fixed, and a value outside them is a row the sample marks malformed
    return readExportStream({ system: this.system, dir, stream: def, schema: planportsSchema(stream), options, values: 'strict' });
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
