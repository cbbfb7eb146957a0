export * from './metrics.settings';
export * from './service-metrics';
