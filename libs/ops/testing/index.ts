/** The chaos harness: a private Kafka, registry and PostgreSQL to kill, and a supervised route run to fault (test/chaos.it.ts, bench/chaos.bench.ts). */
export * from './chaos-harness';
