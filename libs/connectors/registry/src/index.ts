import { FerryError } from '@ferry/common';
import { SOURCE_SYSTEMS, type SourceConnector, type SourceSystem } from '@ferry/connectors/core';
import { InteractiveConnector } from '@ferry/connectors/interactive';
import { Leaf360Connector } from '@ferry/connectors/leaf360';
import { PlanportsConnector } from '@ferry/connectors/planports';
import { ProfiConnector } from '@ferry/connectors/profi';

/** Every source connector, by system name. Connectors are stateless, so one instance each is enough. */
const connectors: Record<SourceSystem, () => SourceConnector> = {
  planports: () => new PlanportsConnector(),
  profi: () => new ProfiConnector(),
  interactive: () => new InteractiveConnector(),
  leaf360: () => new Leaf360Connector(),
};

export function sourceConnector(system: string): SourceConnector {
  const make = (connectors as Partial<Record<string, () => SourceConnector>>)[system];
  if (!make) {
    throw new FerryError('USAGE', `unknown source "${system}": choose one of ${SOURCE_SYSTEMS.join(', ')}`, 'fatal');
  }
  return make();
}

export function availableSources(): SourceSystem[] {
  return [...SOURCE_SYSTEMS];
}
