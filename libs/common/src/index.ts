export * from './logger';
export * from './errors';
export * from './hash';
export * from './wait';
export * from './paths';
export * from './semaphore';
export * from './weather';
