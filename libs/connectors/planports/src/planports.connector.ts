import { existsSync } from 'fs';
import { join } from 'path';
import {
  readExportRows,
  readExportStream,
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
  return Object.values(PLANPORTS_SHEETS).some((s) => existsSync(join(dir, s.csv))) ? 'csv' : 'xlsx';
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
    if (layout === 'xlsx' && !existsSync(join(dir, PLANPORTS_EXPORT_FILE))) {
      return {
        ok: false,
        problems: [`${join(dir, PLANPORTS_EXPORT_FILE)} does not exist, and neither do per-object CSV files such as ${PLANPORTS_SHEETS.contact.csv}`],
      };
    }
    for (const def of PLANPORTS_STREAMS) {
      if (!def.export) continue;
      const location = placed(def, layout).export!;
      const where = layout === 'xlsx' ? `${location.file} worksheet "${location.sheet}"` : location.file;
      const path = join(dir, location.file);
      if (!existsSync(path)) {
        problems.push(`${path} does not exist (the ${def.name} stream)`);
        continue;
      }
      let labels: string[] | null = null;
      const rows = readExportRows(path, location, { onHeader: (l) => (labels = l) })[Symbol.asyncIterator]();
      try {
        const first = await rows.next();
        if (!first.done && first.value.kind === 'reject' && labels === null) problems.push(first.value.reason);
      } catch (err) {
        problems.push(`${where}: ${err instanceof Error ? err.message : String(err)}`);
        continue;
      } finally {
        await rows.return?.(undefined);
      }
      if (labels === null) {
        if (!problems.some((p) => p.includes(location.file))) problems.push(`${where} is empty: it has no header row`);
        continue;
      }
      const required = [def.key, ...def.references.map((r) => r.field)];
      const fieldNames = PLANPORTS_SHEETS[def.name].headers.map(([, f]) => f);
      const present = fieldsOf(labels, location, fieldNames);
      const labelOf = new Map(PLANPORTS_SHEETS[def.name].headers.map(([label, field]) => [field, label]));
      for (const field of required) {
        if (!present.has(field)) problems.push(`${where}: the header has no "${labelOf.get(field)}" column (field ${field}, needed to ${field === def.key ? 'key' : 'link'} ${def.name} records)`);
      }
    }
    return { ok: problems.length === 0, problems };
  }

  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage> {
    const def = placed(planportsStream(stream), planportsLayout(dir));
    return readExportStream({ system: this.system, dir, stream: def, schema: planportsSchema(stream), options });
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
