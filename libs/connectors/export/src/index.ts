export * from './export-source.document';
export * from './export-record.schema';
export * from './export.connector';
export * from './export-source.inference';
