import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigError, kafkaSecurity, loadConfig, redactUrl, registryAuth, settings, sourceSettings, topicReplication } from './config';

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

describe('Kafka topics, TLS and SASL, registry auth', () => {
  it('replicates topics once by default and as configured, never below min.insync.replicas', () => {
    expect(topicReplication({ ...base })).toEqual({ replicationFactor: 1 });
    expect(topicReplication({ ...base, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(() => topicReplication({ ...base, KAFKA_MIN_INSYNC_REPLICAS: '2' })).toThrow(
      new ConfigError('configuration: KAFKA_MIN_INSYNC_REPLICAS=2 is more than KAFKA_REPLICATION_FACTOR=1: no write could ever be acknowledged'),
    );
  });

  it('connects in plain text unless told otherwise', () => {
    expect(kafkaSecurity({ ...base })).toEqual({});
    expect(registryAuth({ ...base })).toBeNull();
  });

  it('reads the TLS files and the SASL sign-in', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-tls-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    const sec = kafkaSecurity({
      ...base, KAFKA_SSL_CA_FILE: path.join(dir, 'ca.pem'), KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'ferry', KAFKA_SASL_PASSWORD: 'pw-123',
    });
    expect(sec.ssl).toEqual({ ca: expect.stringContaining('BEGIN CERTIFICATE'), rejectUnauthorized: true });
    expect(sec.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'ferry', password: 'pw-123' });
    expect(kafkaSecurity({ ...base, KAFKA_SSL: 'true' })).toEqual({ ssl: { rejectUnauthorized: true } });
    expect(() => kafkaSecurity({ ...base, KAFKA_SSL_CA_FILE: path.join(dir, 'missing.pem') })).toThrow(/^configuration: KAFKA_SSL_CA_FILE: cannot read .*missing\.pem \(ENOENT\)$/);
    expect(() => kafkaSecurity({ ...base, KAFKA_SSL_CERT_FILE: path.join(dir, 'ca.pem') })).toThrow(/KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together/);
  });

  it('names what a SASL or registry sign-in lacks, and never the password', () => {
    expect(() => kafkaSecurity({ ...base, KAFKA_SASL_USERNAME: 'ferry', KAFKA_SASL_PASSWORD: 'hunter2-secret' })).toThrow(/^configuration: KAFKA_SASL_MECHANISM is not set/);
    expect(() => kafkaSecurity({ ...base, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'ferry' })).toThrow(/^configuration: KAFKA_SASL_PASSWORD is not set/);
    const err = (() => {
      try {
        kafkaSecurity({ ...base, KAFKA_SASL_MECHANISM: 'kerberos', KAFKA_SASL_PASSWORD: 'hunter2-secret' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/KAFKA_SASL_MECHANISM is invalid/);
    expect(() => loadConfig([settings.kafkaSecurity], { ...base, KAFKA_SASL_PASSWORD: '' , SCHEMA_REGISTRY_PASSWORD: 'hunter2-secret', SCHEMA_REGISTRY_USERNAME: '' })).not.toThrow();
    expect(() => registryAuth({ ...base, SCHEMA_REGISTRY_PASSWORD: 'hunter2-secret' })).toThrow(/^configuration: SCHEMA_REGISTRY_USERNAME is not set, but SCHEMA_REGISTRY_PASSWORD is$/);
    expect(registryAuth({ ...base, SCHEMA_REGISTRY_USERNAME: 'key', SCHEMA_REGISTRY_PASSWORD: 'secret' })).toEqual({ username: 'key', password: 'secret' });
  });
});
