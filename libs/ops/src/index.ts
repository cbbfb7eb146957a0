export * from './status';
export * from './status-report';
export * from './replay';
export * from './tables';

export * from './stack';
export * from './migrations';
export * from './route-stack';
