import { ConfigError, loadConfig, redactUrl, settings } from './config';

const base = { FERRY_HOME: '/nonexistent-ferry-home' };

describe('loadConfig', () => {
  it('applies defaults for the groups asked for', () => {
    const cfg = loadConfig([settings.kafka, settings.migration], { ...base });
    expect(cfg.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(cfg.FERRY_TOPIC_PARTITIONS).toBe(3);
    expect(cfg.FERRY_MIGRATION).toBe('demo');
  });

  it('names a missing required variable in one line', () => {
    expect(() => loadConfig([settings.extractor], { ...base })).toThrow(
      new ConfigError('configuration: LEAF360_EXPORT_DIR is not set'),
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
