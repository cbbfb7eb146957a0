export * from './planports.catalog';
export * from './planports.api';
export * from './planports.connector';
export * from './planports.automations';
export * from './planports.schema';
export { generatePlanportsSample, FILES_DIR } from './sample/planports-sample.generator';
export { planportsSampleCounts, MIN_SAMPLE_RECORDS } from './sample/planports-sample.world';
