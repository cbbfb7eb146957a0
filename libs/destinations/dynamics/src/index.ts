export * from './batch.codec';
export * from './dataverse.client';
export * from './dataverse.error';
export * from './odata-key';
export * from './token.provider';
export * from './dynamics.destination';
export * from './dataverse-schema';
