/** Test-only REST source used by integration tests and benches (not part of the runtime lib). */
export * from './test-api.connector';
