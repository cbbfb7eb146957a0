import { resolveSandboxOptions, sandboxOptionsFromEnv } from '../sandbox.options';
import { DEFAULT_SOURCE_API_KEY, parseLoadList, resolveSourceOptions, sourceOptionsFromEnv } from './source-sandbox.options';

describe('source sandbox settings', () => {
  it('has documented defaults', () => {
    expect(resolveSourceOptions()).toEqual({
      schema: 'sandbox_source',
      apiKey: DEFAULT_SOURCE_API_KEY,
      ratePerSecond: 25,
      rateBurst: 50,
      defaultPageSize: 100,
      loadBatchSize: 1000,
      changesPerSecond: 0,
      mutationSeed: 1,
      load: [],
    });
  });

  it('reads every variable, and the sandbox options carry them', () => {
    const env = {
      SANDBOX_SOURCE_DB_SCHEMA: 'src_x',
      SANDBOX_SOURCE_API_KEY: 'a-long-key',
      SANDBOX_SOURCE_RATE_PER_SEC: '2.5',
      SANDBOX_SOURCE_DEFAULT_PAGE_SIZE: '10',
      SANDBOX_SOURCE_MAX_PAGE_SIZE: '40',
      SANDBOX_SOURCE_LOAD_BATCH: '500',
      SANDBOX_SOURCE_CHANGES_PER_SECOND: '12',
      SANDBOX_SOURCE_MUTATION_SEED: '9',
      SANDBOX_SOURCE_LOAD: 'leaf360=/data/l, Profi=/data/p',
    };
    const source = resolveSandboxOptions(sandboxOptionsFromEnv(env)).source;
    expect(source).toEqual({
      schema: 'src_x',
      apiKey: 'a-long-key',
      ratePerSecond: 2.5,
      rateBurst: 3,
      defaultPageSize: 10,
      maxPageSize: 40,
      loadBatchSize: 500,
      changesPerSecond: 12,
      mutationSeed: 9,
      load: [
        { system: 'leaf360', dir: '/data/l' },
        { system: 'profi', dir: '/data/p' },
      ],
    });
    expect(resolveSourceOptions({ ratePerSecond: 5, rateBurst: 1 }).rateBurst).toBe(1);
    expect(sourceOptionsFromEnv({ SANDBOX_SOURCE_RATE_PER_SEC: '' })).toEqual({});
  });

  it('names the bad variable', () => {
    expect(() => sourceOptionsFromEnv({ SANDBOX_SOURCE_RATE_PER_SEC: 'fast' })).toThrow(/^sandbox configuration: SANDBOX_SOURCE_RATE_PER_SEC is invalid/);
    expect(() => sourceOptionsFromEnv({ SANDBOX_SOURCE_DB_SCHEMA: 'Bad-Name' })).toThrow(/SANDBOX_SOURCE_DB_SCHEMA is invalid: must be a lowercase SQL identifier/);
    expect(() => sourceOptionsFromEnv({ SANDBOX_SOURCE_API_KEY: 'short' })).toThrow(/SANDBOX_SOURCE_API_KEY is invalid/);
    expect(() => parseLoadList('leaf360', '--load')).toThrow('sandbox configuration: --load "leaf360" is not <system>=<export folder>');
    expect(() => resolveSourceOptions({ schema: 'x;drop' })).toThrow(/not a lowercase SQL identifier/);
  });
});
