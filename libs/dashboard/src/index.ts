export * from './dashboard.settings';
export * from './rates';
export * from './dashboard.data';
export * from './dashboard.page';
export * from './dashboard.server';
