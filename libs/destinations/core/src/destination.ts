import type { ColumnType, Lookup } from '@ferry/contracts';

/**
 * What a destination CRM does for Ferry. The loader and the resolver are handed one and never name it; a
 * destination (dynamics/, salesforce/) keeps every fact about its API behind this interface.
 */
export interface Destination {
  /** e.g. `dynamics`: the destination part of topic names and map routes */
  readonly system: string;
  readonly limits: DestinationLimits;

  /** Entities, columns, keys and option sets as the destination describes them (null: no such entity). */
  describe(entity: string): Promise<EntityDescription | null>;
  /** Every user records can be owned by, for owner matching by email. */
  users(): Promise<DestinationUser[]>;
  /** Upserts by external key; one result per item, in input order, never a throw for a record's own fault. */
  upsertMany(entity: string, items: WriteItem[]): Promise<WriteResult[]>;
  /**
   * What the records about to be overwritten hold now, in the given columns, by key: the audit log keeps it so a
   * rollback can restore records that existed before the migration.
   */
  readBefore(entity: string, keys: string[], columns: string[]): Promise<Map<string, Record<string, unknown>>>;
  /** Deletes by external key; false when there was nothing to delete. */
  deleteByKey(entity: string, key: string): Promise<boolean>;
  /** Deletes by the destination's own id (rollback); false when it was already gone. */
  deleteById(entity: string, id: string): Promise<boolean>;
}

export interface DestinationLimits {
  /** records per write call the destination accepts (Dataverse $batch: 1000) */
  maxBatch: number;
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

export type WriteResult =
  | { key: string; ok: true; id: string; created: boolean }
  | { key: string; ok: false; code: string; message: string };

/** Nest injection token for the migration's destination. */
export const DESTINATION = Symbol('DESTINATION');
