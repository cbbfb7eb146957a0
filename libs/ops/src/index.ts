export * from './status';
export * from './status-report';
export * from './replay';
export * from './tables';

export * from './stack';
export * from './migrations';
export * from './route-stack';
export * from './run-config';
export * from './supervisor';
export * from './weather';
export * from './migration-list';
export * from './rollback';
export * from './dlq';
