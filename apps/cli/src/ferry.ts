import './terminal-colour';
import 'reflect-metadata';
import { readFileSync } from 'fs';
import { join } from 'path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createLogger, FerryError, projectRoot } from '@ferry/common';
import { ConfigError, loadConfig, settings, settingSources } from '@ferry/config';
import { REPLAYABLE_PHASES, ReplayablePhase } from '@ferry/contracts';
import { mapCommand, migrationMap } from './map.command';
import { schemaCommand } from './schema.command';
import { reportCommand } from './report.command';
import { ownersCommand } from './owners.command';
import { brokerUnreachable, createKafka } from '@ferry/kafka';
import { connectDataSource } from '@ferry/persistence';
import { extractionTable, lagTable, pickMigration, reconciliationTable, replayPhase, statusReport, topicsTable } from '@ferry/ops';
import { migratedDataSource } from './db';
import { runDemo } from './demo.command';
import { runSample } from './sample.command';
import { registerCutover } from './cutover.command';
import { discoverCommand } from './discover.command';
import { registerDashboard } from './dashboard.command';
import { registerDiff } from './diff.command';
import { registerRollback } from './rollback.command';
import { registerDlq } from './dlq.command';
import { SOURCE_SYSTEMS } from '@ferry/connectors/core';
import { EXPORT_SAMPLE_STYLES } from '@ferry/connectors/export';
import { registerInit } from './init.command';
import { registerRun } from './run.command';

const print = (s: string) => process.stdout.write(`${s}\n`);

const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

const version = (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

const program = new Command()
  .name('ferry')
  .description('Stream a CRM into Dynamics 365 Sales or Salesforce over Kafka')
  .version(version, '-V, --version', "print Ferry's version")
  .showHelpAfterError(false)
  .exitOverride();

program
  .command('demo')
  .description("migrate a route's generated sample into the built-in sandbox with its shipped map, provisioning local infrastructure if needed")
  .option('--once', 'exit when every object reconciles (0) or stalls (1) instead of running on')
  .option('--route <route>', 'the route to run: its shipped map template and a generated sample of its source (export-dynamics, export-salesforce: another CRM\'s messy export, its map proposed)', 'leaf360-dynamics')
  .option('--style <crm>', 'with an export route: whose export the sample imitates (zoho, hubspot, salesforce, dynamics, pipedrive)')
  .option('--records <n>', 'records in the generated sample, over every object of the source', positiveInt, 3500)
  .option('--seed <n>', 'sample seed (same seed, same export)', positiveInt, 360)
  .option('--stall-timeout <s>', 'with --once: seconds without progress before giving up', positiveInt, 120)
  .option('--sandbox-port <port>', 'port of the built-in sandbox (Dataverse, and Salesforce under /salesforce)', positiveInt, 8181)
  .action(async (o) => {
    const r = await runDemo({ once: !!o.once, route: o.route, style: o.style, records: o.records, seed: o.seed, stallTimeout: o.stallTimeout, sandboxPort: o.sandboxPort });
    if (!r.reconciled) process.exitCode = 1;
  });

program
  .command('status')
  .description('topics and their end offsets, consumer lag per partition, and per-object counts per phase')
  .option('--json', 'machine-readable output')
  .option('--migration <id>', 'migration to report on (default: the latest)')
  .action(async (o) => {
    const cfg = loadConfig([settings.database, settings.kafka]);
    const db = await connectDataSource(cfg.DATABASE_URL);
    const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'ferry-cli', retries: 2 }, createLogger('cli', 'silent'));
    const admin = kafka.admin();
    try {
      const migration = await pickMigration(db, o.migration);
      await admin.connect();
      const { plan } = await migrationMap(db, migration);
      const report = await statusReport(db, admin, plan, migration);
      const { topics, consumerGroups: lag, extraction } = report;
      const objects = { sources: report.sources, entities: report.entities };
      if (o.json) {
        print(JSON.stringify(report, null, 2));
      } else {
        print(`migration ${migration} (map ${plan.mapVersion})`);
        print(extractionTable(extraction));
        print(topicsTable(topics));
        print(lagTable(lag));
        print(reconciliationTable(objects));
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
      await db.destroy();
    }
  });

program
  .command('replay')
  .description('re-run a phase: reset its consumer group (its consumers paused meanwhile) and let it run again')
  .addOption(new Option('--phase <phase>', 'phase to re-run').choices([...REPLAYABLE_PHASES]).makeOptionMandatory())
  .option('--from-beginning', 'from the start of its input topics')
  .option('--from <iso-time>', 'from the first input at or after this time')
  .option('--migration <id>', 'migration (default: the latest)')
  .action(async (o) => {
    if (!!o.fromBeginning === !!o.from) throw new FerryError('USAGE', 'give exactly one of --from-beginning or --from <ISO time>', 'fatal');
    let at: Date | null = null;
    if (o.from) {
      at = new Date(o.from);
      if (Number.isNaN(at.getTime())) throw new FerryError('USAGE', `--from "${o.from}" is not an ISO 8601 time, e.g. 2026-11-22T10:00:00Z`, 'fatal');
    }
    const cfg = loadConfig([settings.database, settings.kafka]);
    const db = await connectDataSource(cfg.DATABASE_URL);
    try {
      const migration = await pickMigration(db, o.migration);
      const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'ferry-cli', retries: 2 }, createLogger('cli', 'silent'));
      const { plan } = await migrationMap(db, migration);
      const r = await replayPhase(kafka, plan, migration, o.phase as ReplayablePhase, at ? { kind: 'time', at } : { kind: 'beginning' });
      const moved = r.topics.map((t) => `  ${t.topic}: ${t.partitions.map((p) => `${p.partition}@${p.offset}`).join(' ')}`).join('\n');
      print(`replaying ${o.phase} for ${migration}: group ${r.group} reset${r.pausedRunningConsumers ? ' (running consumers paused and resumed)' : ' (no consumer was running; it resumes from here when started)'}\n${moved}`);
    } finally {
      await db.destroy();
    }
  });

program
  .command('sample')
  .description('write a deterministic, realistically messy export of every object of a source CRM')
  .addOption(new Option('--source <system>', "source CRM (export: another CRM's export folder, shaped by --style)").choices([...SOURCE_SYSTEMS]).makeOptionMandatory())
  .requiredOption('--records <n>', 'records in total, spread over every object', positiveInt)
  .requiredOption('--out <dir>', 'folder to write the export into')
  .option('--seed <n>', 'same seed, same bytes', positiveInt, 1)
  .addOption(new Option('--format <format>', 'export format where the source offers several').choices(['csv', 'xlsx', 'json', 'ndjson']))
  .addOption(new Option('--style <crm>', "--source export: whose export to imitate (file names, headers, date and money formats)").choices([...EXPORT_SAMPLE_STYLES]))
  .action(async (o) => {
    if (o.style && o.source !== 'export') throw new FerryError('USAGE', `--style is for --source export; ${o.source} writes its own export`, 'fatal');
    const r = await runSample({ source: o.source, records: o.records, out: o.out, seed: o.seed, format: o.format, style: o.style });
    const total = Object.values(r.manifest.counts).reduce((a, b) => a + b, 0);
    print(r.table);
    const emptied = r.manifest.emptied ? `, ${r.manifest.emptied.length} bad optional values a reader empties` : '';
    const mess = `${r.manifest.malformed.length} rows a reader quarantines${emptied}`;
    print(`${o.source} sample: ${total.toLocaleString('en-US')} rows (${mess}) in ${r.seconds.toFixed(1)} s → ${o.out} (manifest: ferry-sample.json)`);
  });

discoverCommand(program);
mapCommand(program);
schemaCommand(program);
reportCommand(program);
ownersCommand(program);
registerDashboard(program);
registerInit(program);
registerRun(program);
registerDiff(program);
registerCutover(program);
registerRollback(program);
registerDlq(program);

const dbCmd = program.command('db').description('database schema');
dbCmd
  .command('migrate')
  .description('apply pending schema migrations')
  .action(async () => {
    const { DATABASE_URL } = loadConfig([settings.database]);
    const db = await migratedDataSource(DATABASE_URL);
    await db.destroy();
    print('database schema is up to date');
  });
dbCmd
  .command('revert')
  .description('undo the last schema migration')
  .action(async () => {
    const { DATABASE_URL } = loadConfig([settings.database]);
    const db = await connectDataSource(DATABASE_URL);
    try {
      await db.undoLastMigration({ transaction: 'each' });
      print('reverted the last schema migration');
    } finally {
      await db.destroy();
    }
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode;
      return;
    }
    const brokerError = e instanceof FerryError || e instanceof ConfigError ? null : brokerUnreachable(e, process.env.KAFKA_BROKERS ?? settingSources().KAFKA_BROKERS ?? '127.0.0.1:9092');
    if (e instanceof ConfigError || e instanceof FerryError || brokerError) {
      process.stderr.write(`ferry: ${(brokerError ?? (e as Error)).message}\n`);
    } else {
      process.stderr.write(`ferry: ${(e as Error).message ?? String(e)}${process.env.LOG_LEVEL === 'debug' ? `\n${(e as Error).stack}` : ' (LOG_LEVEL=debug shows the stack)'}\n`);
    }
    process.exitCode = 1;
  }
}

void main();
