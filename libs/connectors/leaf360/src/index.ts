export * from './leaf360.records';
export * from './leaf360.catalog';
export * from './leaf360-export.reader';
export * from './sample/leaf360-sample.generator';
export * from './leaf360.api';
export * from './leaf360.automations';
export * from './leaf360.connector';
