/**
 * Every topic and consumer group name Ferry uses, in one place. Topics are per migration, per phase and per
 * object type; the message key is always the record's stable source key.
 */
export type RecordPhase = 'extracted' | 'transformed' | 'resolved' | 'loaded';

/** Consumer-group phases an operator can replay. */
export const REPLAYABLE_PHASES = ['transform', 'resolve', 'load'] as const;
export type ReplayablePhase = (typeof REPLAYABLE_PHASES)[number];
export type ConsumerPhase = ReplayablePhase | 'reconcile';

export const topics = {
  extracted: (migration: string, sourceSystem: string, object: string) =>
    `ferry.${migration}.extracted.${sourceSystem}.${object}`,
  transformed: (migration: string, destination: string, entity: string) =>
    `ferry.${migration}.transformed.${destination}.${entity}`,
  resolved: (migration: string, destination: string, entity: string) =>
    `ferry.${migration}.resolved.${destination}.${entity}`,
  loaded: (migration: string, destination: string, entity: string) =>
    `ferry.${migration}.loaded.${destination}.${entity}`,
  dlq: (migration: string) => `ferry.${migration}.dlq`,
  /** Operator commands to running services (pause and resume a phase for replay). */
  control: (migration: string) => `ferry.${migration}.control`,
};

export const consumerGroups = {
  transform: (migration: string) => `ferry.${migration}.transform`,
  resolve: (migration: string) => `ferry.${migration}.resolve`,
  load: (migration: string) => `ferry.${migration}.load`,
  reconcile: (migration: string) => `ferry.${migration}.reconcile`,
} satisfies Record<ConsumerPhase, (m: string) => string>;

export function topicPrefix(migration: string): string {
  return `ferry.${migration}.`;
}

/** Splits a record topic back into its parts; null for the DLQ, control or foreign topics. */
export function parseRecordTopic(
  topic: string,
): { migration: string; phase: RecordPhase; system: string; object: string } | null {
  const m = /^ferry\.([a-z0-9-]+)\.(extracted|transformed|resolved|loaded)\.([a-z0-9_-]+)\.([a-z0-9_-]+)$/.exec(topic);
  return m ? { migration: m[1], phase: m[2] as RecordPhase, system: m[3], object: m[4] } : null;
}
