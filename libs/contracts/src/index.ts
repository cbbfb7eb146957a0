export * from './topics';
export * from './route';
export * from './events';
export * from './schemas';
