export { InteractiveConnector } from './interactive.connector';
export { INTERACTIVE_STREAMS, interactiveStream, type InteractiveStream } from './interactive.catalog';
export { INTERACTIVE_API, type InteractiveApiItem } from './interactive.api';
export { generateInteractiveSample, DEFAULT_MALFORMED_EVERY, type InteractiveSampleOptions } from './sample/interactive-sample.generator';
export { MIN_SAMPLE_RECORDS } from './sample/interactive-sample.plan';
