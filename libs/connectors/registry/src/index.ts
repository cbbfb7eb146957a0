import { FerryError } from '@ferry/common';
import type { SourceConnector, SourceSystem } from '@ferry/connectors/core';
import { ExportConnector, type ExportSourceDocument } from '@ferry/connectors/export';
import { InteractiveConnector } from '@ferry/connectors/interactive';
import { Leaf360Connector } from '@ferry/connectors/leaf360';
import { PlanportsConnector } from '@ferry/connectors/planports';
import { ProfiConnector } from '@ferry/connectors/profi';

/** What a connector is built from beyond its name: an export source's confirmed description. */
export interface SourceContext {
  exportSource?: ExportSourceDocument;
}

/** The seed CRMs, whose streams are a fixed catalog. Connectors are stateless, so one instance each is enough. */
const catalogued: Record<Exclude<SourceSystem, 'export'>, () => SourceConnector> = {
  planports: () => new PlanportsConnector(),
  profi: () => new ProfiConnector(),
  interactive: () => new InteractiveConnector(),
  leaf360: () => new Leaf360Connector(),
};

/**
 * The connector of a source system. `export` (any CRM's export folder) has no catalog: its streams come from the
 * description `ferry discover --source export` inferred and a person confirmed with the map.
 */
export function sourceConnector(system: string, context: SourceContext = {}): SourceConnector {
  if (system === 'export') {
    if (!context.exportSource) {
      throw new FerryError(
        'USAGE',
        'the export source reads what `ferry discover --source export --export <dir>` inferred and a confirmed map carries: discover, `ferry map propose`, then `ferry map confirm`',
        'fatal',
      );
    }
    return new ExportConnector(context.exportSource);
  }
  const make = (catalogued as Partial<Record<string, () => SourceConnector>>)[system];
  if (!make) {
    throw new FerryError('USAGE', `unknown source "${system}": choose one of ${Object.keys(catalogued).join(', ')}, or export (any other CRM's export folder)`, 'fatal');
  }
  return make();
}

/** The sources with a fixed catalog (what the source sandbox can serve and a sample can be generated for). */
export function availableSources(): SourceSystem[] {
  return Object.keys(catalogued) as SourceSystem[];
}
