export * from './runtime';
export * from './phase-worker';
export * from './runtime.module';
export * from './bootstrap';
