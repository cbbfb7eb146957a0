export * from './export-source.document';
export * from './export-record.schema';
export * from './export.connector';
export * from './export-source.inference';
export * from './sample/export-sample.generator';
export { EXPORT_SAMPLE_STYLES, STYLES as EXPORT_SAMPLE_STYLE_SPECS, type ExportSampleStyle, type SampleObject } from './sample/export-sample.styles';
