export * from './converter';
export * from './columns';
export * from './leaf360-dynamics';
