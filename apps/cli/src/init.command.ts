import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Table from 'cli-table3';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { DataSource } from 'typeorm';
import { FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { SOURCE_SYSTEMS } from '@ferry/connectors/core';
import { DEMO_FALLBACK_OWNER_EMAIL } from '@ferry/demo';
import { draftFromTemplate, readRouteMapFile, templateFile } from '@ferry/mapping';
import { listMigrations, parseRunConfig, RunConfig, RunConfigInput, sandboxBaseUrl, webApiUrl } from '@ferry/ops';
import { MigrationConfigRepository, MigrationRepository } from '@ferry/persistence';
import { migratedDataSource } from './db';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const plain = { style: { head: [], border: [] } };

const wholeNumber = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

/** The flags of `ferry init`, as commander hands them over. */
export interface InitFlags {
  migration?: string;
  source?: string;
  export?: string;
  api?: string;
  route?: string;
  destination: string;
  destinationUrl?: string;
  sandbox?: boolean;
  sandboxPort: number;
  tokenUrl?: string;
  scope?: string;
  clientIdEnv?: string;
  clientSecretEnv?: string;
  usernameEnv?: string;
  jwtKeyFileEnv?: string;
  sourceApiKeyEnv?: string;
  secretsFile?: string;
  ownerPolicy: string;
  fallbackOwner?: string;
  ownerRefreshS?: number;
  loadBatchSize?: number;
  extractBatch?: number;
  extractConcurrency?: number;
  pollIntervalMs?: number;
  partitions?: number;
  customTableLimit?: number;
  maxUploadBytes?: number;
  apiVersion?: string;
  bulkThreshold?: number;
  apiShare?: number;
  bulkRecordShare?: number;
}

/** Which flag sets each configuration field: a mistake names the flag the user typed. */
const FLAG_OF: Record<string, string> = {
  route: '--route',
  'source.system': '--source',
  'source.mode': '--export or --api',
  'source.exportDir': '--export',
  'source.apiUrl': '--api',
  'destination.kind': '--destination',
  'destination.url': '--destination-url',
  'destination.tokenUrl': '--token-url',
  'destination.scope': '--scope',
  'destination.sandbox.port': '--sandbox-port',
  'credentials.env.DATAVERSE_CLIENT_ID': '--client-id-env',
  'credentials.env.DATAVERSE_CLIENT_SECRET': '--client-secret-env',
  'credentials.env.FERRY_SOURCE_API_KEY': '--source-api-key-env',
  'credentials.env.SALESFORCE_CLIENT_ID': '--client-id-env',
  'credentials.env.SALESFORCE_CLIENT_SECRET': '--client-secret-env',
  'credentials.env.SALESFORCE_USERNAME': '--username-env',
  'credentials.env.SALESFORCE_JWT_KEY_FILE': '--jwt-key-file-env',
  'options.apiVersion': '--api-version',
  'options.bulkThreshold': '--bulk-threshold',
  'options.apiShare': '--api-share',
  'options.bulkRecordShare': '--bulk-record-share',
  'credentials.secretsFile': '--secrets-file',
  'options.ownerPolicy': '--owner-policy',
  'options.fallbackOwnerEmail': '--fallback-owner',
  'options.ownerRefreshSeconds': '--owner-refresh-s',
  'options.loadBatchSize': '--load-batch-size',
  'options.extractBatch': '--extract-batch',
  'options.extractConcurrency': '--extract-concurrency',
  'options.pollIntervalMs': '--poll-interval-ms',
  'options.partitions': '--partitions',
  'options.customTableLimit': '--custom-table-limit',
  'options.maxUploadBytes': '--max-upload-bytes',
};

const flagOf = (p: string): string => FLAG_OF[p] ?? p;

/** Builds and validates a run configuration from `ferry init`'s flags; one line naming the flag on a mistake. */
export function configFromFlags(f: InitFlags): RunConfig {
  if (!f.source) throw new FerryError('USAGE', `--source is required: one of ${SOURCE_SYSTEMS.join(', ')}`, 'fatal');
  if (!!f.export === !!f.api) throw new FerryError('USAGE', 'give exactly one of --export <folder> or --api <base URL>', 'fatal');
  const salesforce = f.destination === 'salesforce';
  if (!!f.sandbox === !!f.destinationUrl) {
    throw new FerryError('USAGE', salesforce ? 'give exactly one of --destination-url <login URL> or --sandbox (the built-in Salesforce sandbox)' : 'give exactly one of --destination-url <org URL> or --sandbox (the built-in Dataverse sandbox)', 'fatal');
  }
  const env: Record<string, string> = {};
  if (f.clientIdEnv !== undefined) env[salesforce ? 'SALESFORCE_CLIENT_ID' : 'DATAVERSE_CLIENT_ID'] = f.clientIdEnv;
  if (f.clientSecretEnv !== undefined) env[salesforce ? 'SALESFORCE_CLIENT_SECRET' : 'DATAVERSE_CLIENT_SECRET'] = f.clientSecretEnv;
  if (f.usernameEnv !== undefined) env.SALESFORCE_USERNAME = f.usernameEnv;
  if (f.jwtKeyFileEnv !== undefined) env.SALESFORCE_JWT_KEY_FILE = f.jwtKeyFileEnv;
  if (f.sourceApiKeyEnv !== undefined) env.FERRY_SOURCE_API_KEY = f.sourceApiKeyEnv;
  const input: RunConfigInput = {
    version: 1,
    route: f.route ?? `${f.source}-${f.destination}`,
    source: (f.export !== undefined
      ? { system: f.source, mode: 'export', exportDir: path.resolve(f.export) }
      : { system: f.source, mode: 'api', apiUrl: f.api }) as RunConfigInput['source'],
    destination: {
      kind: f.destination,
      sandbox: f.sandbox ? { port: f.sandboxPort } : null,
      url: f.destinationUrl,
      tokenUrl: f.tokenUrl,
      scope: f.scope,
    },
    credentials: { env: env as RunConfigInput['credentials']['env'], secretsFile: f.secretsFile !== undefined ? path.resolve(f.secretsFile) : undefined },
    options: {
      ownerPolicy: f.ownerPolicy as 'fallback' | 'queue',
      fallbackOwnerEmail: (f.fallbackOwner ?? (f.sandbox ? DEMO_FALLBACK_OWNER_EMAIL : undefined)) as string,
      ownerRefreshSeconds: f.ownerRefreshS,
      loadBatchSize: f.loadBatchSize,
      extractBatch: f.extractBatch,
      extractConcurrency: f.extractConcurrency,
      pollIntervalMs: f.pollIntervalMs,
      partitions: f.partitions,
      customTableLimit: f.customTableLimit,
      maxUploadBytes: f.maxUploadBytes,
      apiVersion: f.apiVersion,
      bulkThreshold: f.bulkThreshold,
      apiShare: f.apiShare,
      bulkRecordShare: f.bulkRecordShare,
    },
  };
  return parseRunConfig(input, flagOf);
}

const MIGRATION_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface InitResult {
  migration: string;
  config: RunConfig;
  /** null for an export source: it has no template; its map is proposed from its discovery */
  draftVersion: number | null;
}

/**
 * Stores a new migration's configuration and drafts its map from the route template. Refuses an id that already
 * has a configuration, a route with no template, and a route whose source or destination disagrees with the flags.
 */
export async function initMigration(db: DataSource, migration: string, config: RunConfig, by: string): Promise<InitResult> {
  if (!MIGRATION_ID.test(migration)) throw new FerryError('USAGE', `--migration "${migration}" must be lowercase letters, digits and dashes (at most 63)`, 'fatal');
  if (config.source.mode === 'export' && !fs.existsSync(config.source.exportDir)) {
    throw new FerryError('USAGE', `--export ${config.source.exportDir}: no such folder`, 'fatal');
  }
  if (config.credentials.secretsFile && !fs.existsSync(config.credentials.secretsFile)) {
    throw new FerryError('USAGE', `--secrets-file ${config.credentials.secretsFile}: no such file`, 'fatal');
  }
  if (config.source.system === 'export') {
    if (config.source.mode !== 'export') throw new FerryError('USAGE', '--source export reads an export folder: give --export <folder>, not --api', 'fatal');
    const created = await new MigrationConfigRepository(db, migration).create(config, by);
    if (!created) throw new FerryError('MIGRATION_EXISTS', `migration ${migration} already exists; \`ferry list\` shows it, or choose another --migration`, 'fatal');
    await new MigrationRepository(db, migration).ensure(config.source.system, config.destination.kind, null);
    return { migration, config, draftVersion: null };
  }
  const template = readRouteMapFile(templateFile(config.route)).document;
  if (template.source !== config.source.system || template.destination !== config.destination.kind) {
    throw new FerryError('USAGE', `--route ${config.route} maps ${template.source} to ${template.destination}, not ${config.source.system} to ${config.destination.kind}`, 'fatal');
  }
  const created = await new MigrationConfigRepository(db, migration).create(config, by);
  if (!created) throw new FerryError('MIGRATION_EXISTS', `migration ${migration} already exists; \`ferry list\` shows it, or choose another --migration`, 'fatal');
  await new MigrationRepository(db, migration).ensure(config.source.system, config.destination.kind, null);
  const draft = await draftFromTemplate(db, migration, config.route, by);
  return { migration, config, draftVersion: draft.version };
}

/** One line per end of the migration, credentials shown as references only. */
export function describeConfig(c: RunConfig): string[] {
  const src = c.source.mode === 'export' ? `${c.source.system === 'export' ? 'an export (any CRM)' : `${c.source.system} export`} in ${c.source.exportDir}` : `${c.source.system} API at ${c.source.apiUrl}`;
  const salesforce = c.destination.kind === 'salesforce';
  const dst = c.destination.sandbox
    ? `${c.destination.kind}: the built-in ${salesforce ? 'Salesforce' : 'Dataverse'} sandbox (${sandboxBaseUrl(c.destination.sandbox.port)}${salesforce ? '/salesforce' : ''}, started by \`ferry run\`)`
    : salesforce
      ? `${c.destination.kind}: login ${c.destination.url} (${c.credentials.env.SALESFORCE_JWT_KEY_FILE ? 'JWT bearer' : 'client credentials'})`
      : `${c.destination.kind}: ${webApiUrl(c.destination.url!)} (token ${c.destination.tokenUrl})`;
  const refs = Object.entries(c.credentials.env).map(([k, v]) => `${k} from $${v}`);
  if (c.credentials.secretsFile) refs.push(`others from ${c.credentials.secretsFile}`);
  return [
    `  source       ${src}`,
    `  destination  ${dst}`,
    `  credentials  ${refs.length ? refs.join(', ') : 'none needed'} (references only; values are read when the services start)`,
    `  owners       ${c.options.ownerPolicy} policy, fallback owner ${c.options.fallbackOwnerEmail}`,
  ];
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a migration of your own: source, destination, credentials by reference, options; drafts its map from the route template')
    .option('--migration <id>', 'migration id (default: <source>-<date-time>)')
    .addOption(new Option('--source <system>', 'source CRM').choices([...SOURCE_SYSTEMS]))
    .option('--export <folder>', 'read the source from export files in this folder (a new drop there is a delta)')
    .option('--api <url>', "read the source from its REST API at this base URL")
    .option('--route <route>', 'map template to draft from (default: <source>-<destination>)')
    .option('--destination <kind>', 'destination kind', 'dynamics')
    .option('--destination-url <url>', 'the org URL, e.g. https://contoso.crm4.dynamics.com; Salesforce: the login URL, e.g. https://login.salesforce.com')
    .option('--sandbox', 'use the built-in sandbox (Dataverse or Salesforce) as destination (started by `ferry run`)')
    .option('--sandbox-port <port>', 'port of the built-in sandbox', wholeNumber, 8181)
    .option('--token-url <url>', "the destination's OAuth token endpoint, e.g. https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token")
    .option('--scope <scope>', 'OAuth scope (default: <org URL>/.default)')
    .option('--client-id-env <NAME>', 'environment variable holding the OAuth client id')
    .option('--client-secret-env <NAME>', 'environment variable holding the OAuth client secret')
    .option('--username-env <NAME>', 'Salesforce JWT bearer flow: environment variable holding the username Ferry signs in as')
    .option('--jwt-key-file-env <NAME>', "Salesforce JWT bearer flow: environment variable holding the private key file's path")
    .option('--source-api-key-env <NAME>', "environment variable holding the source API's key")
    .option('--secrets-file <file>', 'KEY=VALUE or JSON file holding credentials not named by an --*-env flag (DATAVERSE_CLIENT_ID, DATAVERSE_CLIENT_SECRET, SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET, SALESFORCE_USERNAME, SALESFORCE_JWT_KEY_FILE, FERRY_SOURCE_API_KEY)')
    .option('--owner-policy <policy>', 'unmatched owners: fallback (give the fallback owner) or queue (wait until mapped)', 'fallback')
    .option('--fallback-owner <email>', 'destination user for records whose owner has no active user (default with --sandbox: the demo admin)')
    .option('--owner-refresh-s <s>', "how often the resolver re-reads the destination's users", wholeNumber)
    .option('--load-batch-size <n>', 'records per destination write (default: the destination picks, Dataverse 1000, Salesforce 10000; at most the same)', wholeNumber)
    .option('--extract-batch <n>', 'records per extractor batch', wholeNumber)
    .option('--extract-concurrency <n>', 'source streams read at once', wholeNumber)
    .option('--poll-interval-ms <ms>', 'API mode: how often the source is polled for changes', wholeNumber)
    .option('--partitions <n>', 'partitions per topic (replicas of a phase that can share the work)', wholeNumber)
    .option('--custom-table-limit <n>', "custom tables the org's licence allows", wholeNumber)
    .option('--max-upload-bytes <n>', "the org's attachment size limit (Salesforce: largest ContentVersion body, base64)", wholeNumber)
    .option('--api-version <v>', 'Salesforce REST API version (default 62.0)')
    .option('--bulk-threshold <n>', 'Salesforce: records per batch at or above which Bulk API 2.0 is used', wholeNumber)
    .option('--api-share <share>', "Salesforce: share of the org's daily API allocation Ferry may use (0-1, default 0.8)", (v: string) => Number(v))
    .option('--bulk-record-share <share>', 'Salesforce: share of the Bulk API 2.0 daily records Ferry may use (0-1, default 0.8)', (v: string) => Number(v))
    .option('--by <name>', 'who creates it', os.userInfo().username)
    .action(async (o) => {
      const config = configFromFlags(o as InitFlags);
      const migration = (o.migration as string | undefined) ?? `${config.source.system}-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 12)}`;
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const r = await initMigration(db, migration, config, o.by);
        print(`migration ${migration} created (route ${config.route}):`);
        for (const l of describeConfig(config)) print(l);
        const unset = Object.entries(config.credentials.env).filter(([, name]) => !process.env[name]).map(([, name]) => `$${name}`);
        if (unset.length) print(`  note: ${unset.join(', ')} not set in this shell; \`ferry run\` needs them`);
        if (r.draftVersion === null) {
          const dir = config.source.mode === 'export' ? config.source.exportDir : '<dir>';
          print(`map: an export source has no template. \`ferry discover --source export --export ${dir} --out <dir>\`, review <dir>/source.yaml,`);
          print(`then \`ferry map propose --migration ${migration} --discovery <dir>\` and \`ferry map confirm --migration ${migration}\`;`);
        } else print(`map: version ${r.draftVersion} drafted from the ${config.route} template. Review it with \`ferry map show --migration ${migration}\`, then \`ferry map confirm --migration ${migration}\`;`);
        print(`then \`ferry schema plan --migration ${migration}\` and \`ferry run --migration ${migration}\` (\`--sample N\` first to try N records per object).`);
      } finally {
        await db.destroy();
      }
    });

  program
    .command('list')
    .description('migrations with their state, route, source, destination, last run and counts')
    .option('--json', 'machine-readable output, with each stored configuration (credentials as references)')
    .option('--no-counts', 'skip the record counts')
    .option('--limit <n>', 'most recent migrations to show', wholeNumber, 50)
    .action(async (o) => {
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const rows = await listMigrations(db, { counts: o.counts, limit: o.limit });
        if (o.json) return print(JSON.stringify(rows, null, 2));
        if (!rows.length) return print('no migrations yet: `ferry init` creates one (`ferry demo` runs a generated one)');
        const t = new Table({ ...plain, head: ['migration', 'state', 'route', 'source', 'destination', 'last run', 'extracted', 'loaded', 'rejected'] });
        for (const r of rows) {
          const c = r.config as RunConfig | null;
          const source = c ? (c.source.mode === 'export' ? `${c.source.system} export` : `${c.source.system} API`) : r.source;
          const dest = c ? (c.destination.sandbox ? `${c.destination.kind} sandbox :${c.destination.sandbox.port}` : `${c.destination.kind} ${new URL(c.destination.url!).host}`) : r.destination;
          const last = r.lastRun ? `${r.lastRun.startedAt.toISOString().slice(0, 19).replace('T', ' ')}${r.lastRun.stopReason ? ` (${r.lastRun.stopReason})` : ''}` : '-';
          t.push([r.migration, r.state, r.route ?? '-', source, dest, last, r.counts?.extracted ?? '-', r.counts?.loaded ?? '-', r.counts?.rejected ?? '-']);
        }
        print(t.toString());
      } finally {
        await db.destroy();
      }
    });
}
