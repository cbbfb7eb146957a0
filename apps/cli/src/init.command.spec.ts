import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FerryError } from '@ferry/common';
import { readSecretsFile, runEnv } from '@ferry/ops';
import { configFromFlags, InitFlags } from './init.command';

const base: InitFlags = { source: 'leaf360', export: '/data/leaf360', destination: 'dynamics', sandboxPort: 8181, ownerPolicy: 'fallback' };
const real: InitFlags = {
  ...base, destinationUrl: 'https://contoso.crm4.dynamics.com', tokenUrl: 'https://login.microsoftonline.com/t/oauth2/v2.0/token',
  clientIdEnv: 'CONTOSO_CLIENT_ID', clientSecretEnv: 'CONTOSO_SECRET', fallbackOwner: 'admin@contoso.example',
};
const ctx = { migration: 'm1', runId: 'run-1', databaseUrl: 'postgres://p@h/db', kafkaBrokers: 'k:9092', registryUrl: 'http://r:8081' };

function refusal(f: InitFlags): string {
  try {
    configFromFlags(f);
  } catch (e) {
    expect(e).toBeInstanceOf(FerryError);
    const msg = (e as Error).message;
    expect(msg.split('\n')).toHaveLength(1);
    return msg;
  }
  throw new Error('accepted');
}

describe('ferry init: flags to a run configuration', () => {
  it('a real org: credentials stored as the names of environment variables', () => {
    const c = configFromFlags(real);
    expect(c).toMatchObject({
      route: 'leaf360-dynamics',
      source: { system: 'leaf360', mode: 'export', exportDir: '/data/leaf360' },
      destination: { kind: 'dynamics', sandbox: null, url: 'https://contoso.crm4.dynamics.com' },
      credentials: { env: { DATAVERSE_CLIENT_ID: 'CONTOSO_CLIENT_ID', DATAVERSE_CLIENT_SECRET: 'CONTOSO_SECRET' } },
      options: { ownerPolicy: 'fallback', fallbackOwnerEmail: 'admin@contoso.example' },
    });
  });

  it('the built-in sandbox needs no credentials and defaults the fallback owner', () => {
    const c = configFromFlags({ ...base, sandbox: true, sandboxPort: 18210, loadBatchSize: 50 });
    expect(c.destination.sandbox).toEqual({ port: 18210 });
    expect(c.options.fallbackOwnerEmail).toMatch(/@/);
    expect(c.options.loadBatchSize).toBe(50);
  });

  it.each<[string, InitFlags, RegExp]>([
    ['no source', { ...real, source: undefined }, /^--source is required/],
    ['both export and api', { ...real, api: 'https://api.example' }, /^give exactly one of --export <folder> or --api/],
    ['no destination', { ...base }, /^give exactly one of --destination-url <org URL> or --sandbox/],
    ['an unknown destination', { ...real, destination: 'sap' }, /^--destination must be one of dynamics/],
    ['a bad org URL', { ...real, destinationUrl: 'contoso' }, /^--destination-url must be an http\(s\) URL/],
    ['a password in the URL', { ...real, destinationUrl: 'https://u:p@contoso.example' }, /^--destination-url must be an http\(s\) URL without credentials/],
    ['no token URL', { ...real, tokenUrl: undefined }, /^--token-url is required for a real org/],
    ['no client secret reference', { ...real, clientSecretEnv: undefined }, /^--client-secret-env must name where the credential comes from/],
    ['a value where a name belongs', { ...real, clientSecretEnv: 's3cr3t!value' }, /^--client-secret-env must be the name of an environment variable/],
    ['an API source without its key', { ...real, export: undefined, api: 'https://api.leaf360.example' }, /^--source-api-key-env must name where the source API key comes from/],
    ['a bad owner policy', { ...real, ownerPolicy: 'later' }, /^--owner-policy must be one of fallback, queue/],
    ['a bad fallback owner', { ...real, fallbackOwner: 'nobody' }, /^--fallback-owner must be an email address/],
    ['a real org without a fallback owner', { ...real, fallbackOwner: undefined }, /^--fallback-owner is required/],
    ['a batch too large', { ...real, loadBatchSize: 50_000 }, /^--load-batch-size /],
    ['a route of another source', { ...real, route: 'profi-dynamics' }, /^--route reads profi, not the source leaf360/],
  ])('refuses %s with one line naming the flag', (_what, flags, expected) => {
    expect(refusal(flags)).toMatch(expected);
  });
});

describe('runEnv: the services\' environment from the stored configuration', () => {
  it('points the services at the configured endpoints and reads credentials from their references', () => {
    const env = runEnv(configFromFlags({ ...real, loadBatchSize: 100, ownerPolicy: 'queue' }), {
      ...ctx, samplePerObject: 25, env: { CONTOSO_CLIENT_ID: 'id-1', CONTOSO_SECRET: 'the-secret' },
    });
    expect(env).toMatchObject({
      FERRY_MIGRATION: 'm1', FERRY_SOURCE: 'leaf360', FERRY_SOURCE_MODE: 'export', FERRY_EXPORT_DIR: '/data/leaf360',
      DATAVERSE_URL: 'https://contoso.crm4.dynamics.com/api/data/v9.2', DATAVERSE_TOKEN_URL: real.tokenUrl, DATAVERSE_SCOPE: 'https://contoso.crm4.dynamics.com/.default',
      DATAVERSE_CLIENT_ID: 'id-1', DATAVERSE_CLIENT_SECRET: 'the-secret', FERRY_OWNER_POLICY: 'queue', FERRY_LOAD_BATCH_SIZE: '100', FERRY_SAMPLE_PER_OBJECT: '25',
    });
  });

  it('names the variable, never a value, when a referenced credential is missing', () => {
    expect(() => runEnv(configFromFlags(real), { ...ctx, env: { CONTOSO_CLIENT_ID: 'id-1' } }))
      .toThrow(/^DATAVERSE_CLIENT_SECRET is to come from environment variable CONTOSO_SECRET, which does not provide it/);
  });

  it('reads a secrets file in KEY=VALUE or JSON form', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-secrets-'));
    const kv = path.join(dir, 'secrets.env');
    const json = path.join(dir, 'secrets.json');
    fs.writeFileSync(kv, '# org\nDATAVERSE_CLIENT_ID=kv-id\nDATAVERSE_CLIENT_SECRET="kv secret"\n');
    fs.writeFileSync(json, JSON.stringify({ DATAVERSE_CLIENT_ID: 'json-id', DATAVERSE_CLIENT_SECRET: 'json secret' }));
    expect(readSecretsFile(json)).toEqual({ DATAVERSE_CLIENT_ID: 'json-id', DATAVERSE_CLIENT_SECRET: 'json secret' });
    for (const [file, id, secret] of [[kv, 'kv-id', 'kv secret'], [json, 'json-id', 'json secret']]) {
      const c = configFromFlags({ ...real, clientIdEnv: undefined, clientSecretEnv: undefined, secretsFile: file });
      expect(c.credentials).toEqual({ env: {}, secretsFile: file });
      expect(runEnv(c, { ...ctx, env: {} })).toMatchObject({ DATAVERSE_CLIENT_ID: id, DATAVERSE_CLIENT_SECRET: secret });
    }
    fs.writeFileSync(json, '{ not json');
    expect(() => readSecretsFile(json)).toThrow(/does not parse as JSON/);
  });

  it('derives the built-in sandbox endpoints from its port', () => {
    const env = runEnv(configFromFlags({ ...base, sandbox: true, sandboxPort: 18211 }), { ...ctx, env: {} });
    expect(env).toMatchObject({ SANDBOX_PORT: '18211', SANDBOX_DB_SCHEMA: 'sandbox_dataverse_18211', DATAVERSE_URL: 'http://127.0.0.1:18211/api/data/v9.2', DATAVERSE_SCOPE: 'http://127.0.0.1:18211/.default' });
  });

  it('a Salesforce sandbox: the login URL under /salesforce with the demo connected app', () => {
    const c = configFromFlags({ ...base, route: 'leaf360-salesforce', destination: 'salesforce', sandbox: true, sandboxPort: 18212, bulkThreshold: 300, apiShare: 0.5 });
    const env = runEnv(c, { ...ctx, env: {} });
    expect(env).toMatchObject({ SANDBOX_PORT: '18212', SALESFORCE_LOGIN_URL: 'http://127.0.0.1:18212/salesforce', SALESFORCE_CLIENT_ID: 'ferry-demo', SALESFORCE_CLIENT_SECRET: 'ferry-demo-secret', SALESFORCE_BULK_THRESHOLD: '300', SALESFORCE_API_SHARE: '0.5' });
    expect(env.DATAVERSE_URL).toBeUndefined();
  });

  it('a real Salesforce org: client credentials or the JWT bearer flow, by reference', () => {
    const sf: InitFlags = { ...base, route: 'leaf360-salesforce', destination: 'salesforce', destinationUrl: 'https://acme.my.salesforce.com', fallbackOwner: 'admin@acme.example', clientIdEnv: 'SF_ID' };
    expect(refusal(sf)).toMatch(/^--client-secret-env must name where the client secret comes from/);
    const secret = runEnv(configFromFlags({ ...sf, clientSecretEnv: 'SF_SECRET' }), { ...ctx, env: { SF_ID: 'id-1', SF_SECRET: 's-1' } });
    expect(secret).toMatchObject({ SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com', SALESFORCE_CLIENT_ID: 'id-1', SALESFORCE_CLIENT_SECRET: 's-1' });
    expect(refusal({ ...sf, jwtKeyFileEnv: 'SF_KEY' })).toMatch(/^--username-env must name where the username comes from/);
    const jwt = runEnv(configFromFlags({ ...sf, jwtKeyFileEnv: 'SF_KEY', usernameEnv: 'SF_USER' }), { ...ctx, env: { SF_ID: 'id-1', SF_KEY: '/keys/sf.pem', SF_USER: 'ferry@acme.example' } });
    expect(jwt).toMatchObject({ SALESFORCE_CLIENT_ID: 'id-1', SALESFORCE_USERNAME: 'ferry@acme.example', SALESFORCE_JWT_KEY_FILE: '/keys/sf.pem' });
    expect(jwt.SALESFORCE_CLIENT_SECRET).toBeUndefined();
  });
});
