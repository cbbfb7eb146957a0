export * from './rest.poller';
export * from './rest-poll.tracker';
export * from './rest-json.path';
export * from './source-api.client';
export * from './source-api.error';
