export * from './metrics.settings';
export * from './service-metrics';
export * from './step-clock';
