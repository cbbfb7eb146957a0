import type { AvroSchema } from './schemas';
import { topics } from './topics';

/** Destination column types a map declares; the Avro type of a column and its wire form at the destination follow from it. */
export const COLUMN_TYPES = ['string', 'memo', 'integer', 'bigint', 'double', 'decimal', 'money', 'boolean', 'datetime', 'dateonly', 'picklist', 'uniqueidentifier', 'file'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface PlanColumn {
  name: string;
  type: ColumnType;
  /** the longest text any entry allows (what a created column is sized to) */
  maxLength?: number;
  /** picklist values the map writes, with the source values they come from (what a created option set holds) */
  options?: { value: number; label: string }[];
  /**
   * the text values a string column is mapped to by a value map (what a destination whose picklists hold text, not
   * numbers, must offer before the load), in first-seen order
   */
  values?: string[];
}

/** One stage of a sales process, as the map names it. */
export interface PlanStage {
  name: string;
  /** win probability in percent (0–100) */
  probability: number;
  closed: boolean;
  won: boolean;
}

/**
 * Record kinds with their own stage lists (a source pipeline each): a destination that models them (record types and
 * sales processes, business process flows) creates them from this before the load.
 */
export interface PlanProcess {
  /** the column that names the kind (the value written is a kind's `name`) */
  typeColumn: string;
  /** the column that holds the stage (the value written is a stage's `name`) */
  stageColumn: string;
  types: { name: string; label: string; stages: PlanStage[] }[];
}

export interface PlanLookup {
  column: string;
  /** every entity the lookup may point at */
  targets: string[];
}

export interface PlanEntity {
  /** destination entity logical name, e.g. `account` */
  entity: string;
  /** every column any map entry writes to this entity, the key column first */
  columns: PlanColumn[];
  /** every lookup any entry sets on this entity */
  lookups: PlanLookup[];
  /** the stage lists per record kind the map declares for this entity */
  processes?: PlanProcess;
}

/**
 * What the services need to know of a confirmed map to wire themselves: which source objects are read, which
 * destination entities are written with which columns, and the map version every event carries. Built from the
 * map document (libs/mapping); nothing about a route lives in TypeScript.
 */
export interface RoutePlan {
  /** e.g. `leaf360-dynamics` */
  route: string;
  sourceSystem: string;
  destination: string;
  /** the external-key column on every entity Ferry writes */
  keyColumn: string;
  /** `<route>@<version>#<hash>` */
  mapVersion: string;
  sourceObjects: string[];
  /**
   * source objects read only for what other records say about them (related facts, fields read through ref()):
   * none of their records becomes a destination record, so one is done once the transformer has read it
   */
  referenceOnly?: string[];
  entities: PlanEntity[];
  /**
   * Avro records of the source objects when the map carries them (an export source, whose objects are described
   * by the confirmed map rather than by schemas/<system>/*.avsc)
   */
  sourceSchemas?: Record<string, AvroSchema>;
}

export function planEntity(plan: RoutePlan, entity: string): PlanEntity {
  const e = plan.entities.find((x) => x.entity === entity);
  if (!e) throw new Error(`map ${plan.mapVersion} writes no entity "${entity}"`);
  return e;
}

/** Every record topic of a route for one migration, by phase. */
export function routeTopics(plan: RoutePlan, migration: string) {
  return {
    extracted: plan.sourceObjects.map((o) => topics.extracted(migration, plan.sourceSystem, o)),
    transformed: plan.entities.map((e) => topics.transformed(migration, plan.destination, e.entity)),
    resolved: plan.entities.map((e) => topics.resolved(migration, plan.destination, e.entity)),
    loaded: plan.entities.map((e) => topics.loaded(migration, plan.destination, e.entity)),
    dlq: topics.dlq(migration),
    control: topics.control(migration),
  };
}

export function allRouteTopics(plan: RoutePlan, migration: string): string[] {
  const t = routeTopics(plan, migration);
  return [...t.extracted, ...t.transformed, ...t.resolved, ...t.loaded, t.dlq, t.control];
}

/** Name of an extractor checkpoint stream: one per source object. */
export function sourceStream(sourceSystem: string, object: string): string {
  return `${sourceSystem}.${object}`;
}

export function extractStream(plan: RoutePlan, object: string): string {
  return sourceStream(plan.sourceSystem, object);
}
