export * from './status';
export * from './replay';
export * from './tables';

export * from './stack';
export * from './migrations';
export * from './route-stack';
export * from './rollback';
export * from './dlq';
