export * from './runtime';
export * from './phase.transport';
export * from './runtime.module';
export * from './bootstrap';
