import { FerryError } from '../../../common/src';
import { SOURCE_SYSTEMS, type SourceConnector, type SourceSystem } from '../../core/src';
import { InteractiveConnector } from '../../interactive/src';
import { Leaf360Connector } from '../../leaf360/src';
import { PlanportsConnector } from '../../planports/src';
import { ProfiConnector } from '../../profi/src';

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
