export * from './destination.registry';
export * from './destination.module';
