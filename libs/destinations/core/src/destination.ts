import type { ColumnType, Lookup, RoutePlan } from '@ferry/contracts';

/**
 * What a destination CRM does for Ferry. The loader and the resolver are handed one and never name it; a
 * destination (dynamics/, salesforce/) keeps every fact about its API behind this interface.
 */
export interface Destination extends SchemaApplier {
  /** e.g. `dynamics`: the destination part of topic names and map routes */
  readonly system: string;
  readonly limits: DestinationLimits;

  /** Entities, columns, keys and option sets as the destination describes them (null: no such entity). */
  describe(entity: string): Promise<EntityDescription | null>;
  /** Every user records can be owned by, for owner matching by email. */
  users(): Promise<DestinationUser[]>;
  /** Upserts by external key; one result per item, in input order, never a throw for a record's own fault. */
  upsertMany(entity: string, items: WriteItem[], hint?: UpsertHint): Promise<WriteResult[]>;
  /**
   * What the records about to be overwritten hold now, in the given columns, by key: the audit log keeps it so a
   * rollback can restore records that existed before the migration.
   */
  readBefore(entity: string, keys: string[], columns: string[]): Promise<Map<string, Record<string, unknown>>>;
  /** The parent id an image from readBefore holds in a lookup column (null: none): each destination has its own image form. */
  lookupValue(image: Record<string, unknown>, column: string): string | null;
  /** Deletes by external key; false when there was nothing to delete. */
  deleteByKey(entity: string, key: string): Promise<boolean>;
  /** Deletes by the destination's own id (rollback); false when it was already gone. */
  deleteById(entity: string, id: string): Promise<boolean>;
  /**
   * The records about to be deleted, whole (every column they could be created again with), by key: the audit log
   * keeps them so a rollback can bring back what the migration deleted.
   */
  readWhole(entity: string, keys: string[]): Promise<Map<string, RecordImage>>;
  /**
   * Rollback writes, in batches of at most `limits.maxBatch`, throttling honoured: put the columns of an image (as
   * readBefore or readWhole gave it, or several folded column by column) back on existing records...
   */
  restoreMany(entity: string, items: RecordImage[]): Promise<RollbackResult[]>;
  /** ...create records again under the id they had (a record that is there already counts as done, `existed`)... */
  createManyWithId(entity: string, items: RecordImage[]): Promise<RollbackResult[]>;
  /** ...and delete records by id (one already gone counts as done, `gone`). */
  deleteManyById(entity: string, ids: string[]): Promise<RollbackResult[]>;
  /** Forgets what describe() learnt (after a schema change). */
  refresh(): void;
  /** Requests sent so far, retried, and throttled (429): the service's metrics read them. */
  requestCounts?(): { requests: number; retries: number; throttled: number };
}

/** What the caller already knows about the records it writes. */
export interface UpsertHint {
  /**
   * What readBefore returned for these keys just before the write: a destination may take a key's absence as "not
   * there yet" (and say created) instead of asking again. A write must still be right when it is wrong.
   */
  before?: ReadonlyMap<string, Record<string, unknown>>;
}

/** A record by the destination's own id with column values in the destination's own image format. */
export interface RecordImage {
  id: string;
  image: Record<string, unknown>;
}

export type RollbackResult =
  | { id: string; ok: true; existed?: boolean; gone?: boolean }
  | { id: string; ok: false; code: string; message: string; gone?: boolean };

export interface DestinationLimits {
  /** records per write call the destination accepts (Dataverse $batch: 1000) */
  maxBatch: number;
  /**
   * records per loader chunk when FERRY_LOAD_BATCH_SIZE is not set: the size the destination's cheapest write path
   * wants (Dataverse 1,000: one CreateMultiple/UpsertMultiple, 200 with bulk messages off; Salesforce 10,000: during the
   * initial load, where the backlog fills chunks, one Bulk API 2.0 job each, while a delta trickle makes small chunks
   * that go through sObject Collections)
   */
  loadBatch: number;
  /** largest attachment body, in bytes as sent; null when the destination has no file columns */
  maxFileBytes: number | null;
}

export interface DestinationUser {
  id: string;
  email: string;
  disabled: boolean;
}

export interface ColumnDescription {
  name: string;
  /** the destination's own type name (String, Picklist, Lookup, …) */
  type: string;
  maxLength?: number;
  required: 'none' | 'recommended' | 'system';
  /** lookup targets; several for a polymorphic lookup */
  targets?: string[];
  options?: { value: number; label: string }[];
  /** false when the destination ignores the column on create / on update (system columns, computed names) */
  validForCreate?: boolean;
  validForUpdate?: boolean;
}

export interface EntityDescription {
  entity: string;
  primaryId: string;
  primaryName: string;
  columns: ColumnDescription[];
  keys: { name: string; columns: string[]; status: 'Pending' | 'InProgress' | 'Active' | 'Failed' }[];
  custom: boolean;
}

/** A column value as Ferry carries it (the Avro form of its map type); the destination turns it into its wire form. */
export interface WriteColumn {
  type: ColumnType;
  value: unknown;
  /** a file body the loader left out (over the destination's limit): value is null, this says what it was */
  omitted?: DroppedValue;
}

export interface WriteItem {
  /** the destination key (external-key value) */
  key: string;
  columns: Record<string, WriteColumn>;
  /** resolved lookups (targetEntity and destinationId set); a lookup left unresolved is a caller's bug */
  lookups: Lookup[];
  ownerId: string | null;
  /** `non-empty-wins` leaves columns this version has no value for as they are (many:1 merges) */
  merge: 'last-wins' | 'non-empty-wins';
}

/** A value the destination could not take while the record itself landed (a file over its size limit). */
export interface DroppedValue {
  column: string;
  fileName: string | null;
  bytes: number;
  limitBytes: number;
  reason: string;
}

export type WriteResult =
  | { key: string; ok: true; id: string; created: boolean; dropped?: DroppedValue[] }
  /**
   * `transient`: the destination could not take it now (throttled, unavailable, no answer); the record is written
   * again later, never dead-lettered.
   */
  | { key: string; ok: false; code: string; message: string; transient?: boolean };

/** Nest injection token for the migration's destination. */
export const DESTINATION = Symbol('DESTINATION');

/** One change a destination needs before the map's records can be written. */
export interface SchemaStep {
  kind: 'table' | 'column' | 'lookup' | 'key' | 'option';
  entity: string;
  /** the column, key or relationship created */
  name: string;
  /** one line: what is created, with type and length */
  detail: string;
  /** the destination's own request body, for apply */
  body: unknown;
}

/** Something the map needs that the destination cannot be made to hold: apply refuses while any is left. */
export interface SchemaRefusal {
  entity: string;
  name: string;
  reason: string;
}

/** A step already in place that is still settling (an alternate key whose index is being built). */
export interface SchemaWait {
  entity: string;
  name: string;
  status: string;
}

export interface SchemaPlan {
  destination: string;
  steps: SchemaStep[];
  refusals: SchemaRefusal[];
  waits: SchemaWait[];
  /** custom tables the org will hold once applied, and the configured limit (null: none) */
  customTables: { count: number; limit: number | null };
  /** what the plan decided that is worth a line (e.g. whether audit fields can be set on insert) */
  notes?: string[];
}

export interface SchemaApplier {
  /** What the map needs that the destination lacks, and what cannot work (type clashes, table limits). */
  planSchema(plan: RoutePlan): Promise<SchemaPlan>;
  /** Creates what the plan lists, then waits until keys are usable; throws when the plan holds refusals. */
  applySchema(schema: SchemaPlan, progress?: (line: string) => void): Promise<void>;
}
