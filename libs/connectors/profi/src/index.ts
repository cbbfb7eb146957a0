export { ProfiConnector } from './profi.connector';
export { PROFI_EXPORT_COLUMNS, PROFI_EXPORT_FILES, PROFI_FILES_DIR, PROFI_STREAMS, PROFI_STREAM_NAMES, profiStream, type ProfiExportStream } from './profi.catalog';
export { PROFI_API, PROFI_API_ITEMS, profiFromApiItem, profiToApiItem } from './profi.api';
export { profiAutomations } from './profi.automations';
export { generateProfiSample, profiSampleCounts, profiSampleHeader, PROFI_SAMPLE_DEFAULT_RECORDS, PROFI_SAMPLE_STREAMS, type ProfiSampleTuning } from './sample/profi-sample.generator';
