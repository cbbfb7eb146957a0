export * from './record.comparer';
export * from './source.diff';
export * from './parity.tables';
