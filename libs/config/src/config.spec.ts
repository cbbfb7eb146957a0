import { ConfigError, loadConfig, redactUrl, settings, sourceSettings } from './config';

const base = { FERRY_HOME: '/nonexistent-ferry-home' };

describe('loadConfig', () => {
  it('applies defaults for the groups asked for', () => {
    const cfg = loadConfig([settings.kafka, settings.migration], { ...base });
    expect(cfg.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(cfg.FERRY_TOPIC_PARTITIONS).toBe(3);
    expect(cfg.FERRY_MIGRATION).toBe('demo');
  });

  it('names a missing required variable in one line', () => {
    expect(() => sourceSettings({ ...base })).toThrow(
      new ConfigError('configuration: FERRY_EXPORT_DIR is not set (the folder holding the source export; or set FERRY_SOURCE_MODE=api)'),
    );
    expect(() => sourceSettings({ ...base, FERRY_SOURCE_MODE: 'api', FERRY_SOURCE_API_URL: 'http://127.0.0.1:1/api' })).toThrow(
      /^configuration: FERRY_SOURCE_API_KEY is not set/,
    );
    expect(() => sourceSettings({ ...base, FERRY_SOURCE: 'hubspot' })).toThrow(/^configuration: FERRY_SOURCE is invalid/);
  });

  it('reads the export folder under either name, and an API source with its key', () => {
    expect(sourceSettings({ ...base, LEAF360_EXPORT_DIR: '/x' })).toEqual({ system: 'leaf360', mode: 'export', exportDir: '/x' });
    expect(sourceSettings({ ...base, FERRY_SOURCE: 'profi', FERRY_SOURCE_MODE: 'api', FERRY_SOURCE_API_URL: 'http://h:1/a', FERRY_SOURCE_API_KEY: 'k' })).toEqual(
      { system: 'profi', mode: 'api', apiUrl: 'http://h:1/a', apiKey: 'k' },
    );
  });

  it('names an invalid variable and what it should be', () => {
    expect(() => loadConfig([settings.database], { ...base, DATABASE_URL: 'localhost:5432' })).toThrow(
      /^configuration: DATABASE_URL is invalid: must be a postgres:\/\/ URL \(got "localhost:5432"\)$/,
    );
    expect(() => loadConfig([settings.kafka], { ...base, KAFKA_BROKERS: 'broker' })).toThrow(/KAFKA_BROKERS is invalid/);
  });

  it('never echoes a secret', () => {
    expect(() =>
      loadConfig([settings.dataverse], { ...base, DATAVERSE_CLIENT_SECRET: '' , DATAVERSE_URL: 'nope' }),
    ).toThrow(/DATAVERSE_URL/);
    const err = (() => {
      try {
        loadConfig([settings.resolver], { ...base, FERRY_FALLBACK_OWNER_EMAIL: 'not-an-email' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain('FERRY_FALLBACK_OWNER_EMAIL');
  });

  it('masks passwords in URLs', () => {
    expect(redactUrl('postgres://u:secret@h:5432/db')).toBe('postgres://u:***@h:5432/db');
  });
});
