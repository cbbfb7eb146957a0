export * from './leaf360.records';
export * from './leaf360-values.parser';
export * from './leaf360-export.reader';
export * from './leaf360-sample.generator';
