import { topics } from './topics';

/** One source object and the destination entity it lands in. */
export interface ObjectRoute {
  /** source object type, e.g. `company` */
  source: string;
  /** destination entity logical name, e.g. `account` */
  entity: string;
  /** Web API entity set, e.g. `accounts` */
  entitySet: string;
  /** primary id column, e.g. `accountid` */
  primaryId: string;
  /** source objects this one may reference, which must land first */
  parents: string[];
}

export interface Route {
  sourceSystem: string;
  destination: string;
  /** the destination alternate key every record carries */
  alternateKey: string;
  objects: ObjectRoute[];
}

export const LEAF360_TO_DYNAMICS: Route = {
  sourceSystem: 'leaf360',
  destination: 'dynamics',
  alternateKey: 'crm_sourceid',
  objects: [
    { source: 'company', entity: 'account', entitySet: 'accounts', primaryId: 'accountid', parents: [] },
    { source: 'contact', entity: 'contact', entitySet: 'contacts', primaryId: 'contactid', parents: ['company'] },
    { source: 'deal', entity: 'opportunity', entitySet: 'opportunities', primaryId: 'opportunityid', parents: ['company', 'contact'] },
  ],
};

export function objectBySource(route: Route, source: string): ObjectRoute {
  const o = route.objects.find((x) => x.source === source);
  if (!o) throw new Error(`route ${route.sourceSystem}→${route.destination} has no source object "${source}"`);
  return o;
}

export function objectByEntity(route: Route, entity: string): ObjectRoute {
  const o = route.objects.find((x) => x.entity === entity);
  if (!o) throw new Error(`route ${route.sourceSystem}→${route.destination} has no entity "${entity}"`);
  return o;
}

/** Every record topic of a route for one migration, by phase. */
export function routeTopics(route: Route, migration: string) {
  return {
    extracted: route.objects.map((o) => topics.extracted(migration, route.sourceSystem, o.source)),
    transformed: route.objects.map((o) => topics.transformed(migration, route.destination, o.entity)),
    resolved: route.objects.map((o) => topics.resolved(migration, route.destination, o.entity)),
    loaded: route.objects.map((o) => topics.loaded(migration, route.destination, o.entity)),
    dlq: topics.dlq(migration),
    control: topics.control(migration),
  };
}

export function allRouteTopics(route: Route, migration: string): string[] {
  const t = routeTopics(route, migration);
  return [...t.extracted, ...t.transformed, ...t.resolved, ...t.loaded, t.dlq, t.control];
}

/** Name of an extractor checkpoint stream: one per source object. */
export function sourceStream(sourceSystem: string, object: string): string {
  return `${sourceSystem}.${object}`;
}

export function extractStream(route: Route, object: string): string {
  return sourceStream(route.sourceSystem, object);
}
