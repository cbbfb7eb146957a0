/** Unit tests live next to the code (*.spec.ts); integration and end-to-end tests live in test/ (*.it.ts). */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];
/**
 * `@ferry/<lib>` → libs/<lib>/src (its index.ts), plus the explicit test-support aliases, taken from tsconfig.json
 * `paths` in the same order (explicit entries first, then the wildcard) so Jest and tsc always agree.
 */
const moduleNameMapper = Object.fromEntries(
  Object.entries(pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' })).map(([re, to]) => [
    re,
    String(to).replace('<rootDir>/./', '<rootDir>/'),
  ]),
);
module.exports = {
  testTimeout: 300000,
  // The integration suites drive clients Ferry does not own (kafkajs admin sockets, fetch keep-alive to sandboxes that
  // were stopped); one left open once kept a finished run from exiting. Every suite closes what it opens; this only
  // stops a stray socket from holding CI after the results are in.
  forceExit: true,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/apps', '<rootDir>/libs'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.it.ts'],
      transform: { '^.+\\.ts$': tsJest },
      moduleNameMapper,
      globalSetup: '<rootDir>/test/support/global-setup.ts',
    },
  ],
};
