/**
 * TypeScript shapes of the Avro records in schemas/. The .avsc files are the source of truth;
 * events.spec.ts checks these shapes against them.
 */
export type Operation = 'UPSERT' | 'DELETE';

export interface Envelope {
  migration: string;
  run: string;
  sourceSystem: string;
  objectType: string;
  sourceKey: string;
  operation: Operation;
  sourceModifiedAt: number | null;
  contentHash: string;
  mapVersion: string | null;
  traceId: string;
}

export interface Origin {
  file: string | null;
  line: number | null;
  resource: string | null;
}

export interface LookupCandidate {
  entity: string;
  key: string;
}

export interface Lookup {
  column: string;
  candidates: LookupCandidate[];
  deferrable: boolean;
  /** the map requires the lookup: a parent the source does not have rejects the record (absent in events written before it existed: false) */
  required?: boolean;
  targetEntity: string | null;
  destinationId: string | null;
}

/** The destination record an event describes; from the transformer on, `key` is the Kafka message key. */
export interface Target {
  entry: string;
  entity: string;
  key: string;
  merge: string;
}

export interface OwnerRef {
  email: string | null;
  systemUserId: string | null;
  fallback: boolean;
}

export interface ExtractedEvent<R = Record<string, unknown>> {
  envelope: Envelope;
  origin: Origin | null;
  record: R | null;
}

/** A destination record on its way: transformed (lookups unresolved) or resolved (every lookup has its id). */
export interface DestinationEvent<R = Record<string, unknown>> {
  envelope: Envelope;
  target: Target;
  record: R | null;
  lookups: Lookup[];
  owner: OwnerRef | null;
}

export type LoadStatus = 'SUCCESS' | 'FAILURE';
export type LoadAction = 'CREATED' | 'UPDATED' | 'DELETED';

export interface LoadResult {
  status: LoadStatus;
  entity: string;
  alternateKey: string;
  destinationId: string | null;
  action: LoadAction | null;
  errorCode: string | null;
  errorMessage: string | null;
  attempts: number;
}

export interface LoadedEvent {
  envelope: Envelope;
  result: LoadResult;
}

export type Phase = 'EXTRACT' | 'TRANSFORM' | 'RESOLVE' | 'LOAD';

export interface DeadLetter {
  migration: string;
  run: string;
  phase: Phase;
  sourceSystem: string;
  objectType: string;
  sourceKey: string | null;
  entity: string | null;
  targetKey: string | null;
  file: string | null;
  line: number | null;
  code: string;
  reason: string;
  raw: string | null;
  at: number;
  traceId: string;
}

/** Operator commands carried on the control topic (JSON, not Avro: they are not records). */
export type ControlCommand =
  | { type: 'pause'; phase: string; requestId: string }
  | { type: 'resume'; phase: string; requestId: string }
  /** freeze extraction: one final delta pass per stream, then no more reads */
  | { type: 'cutover'; phase: 'extract'; requestId: string };
