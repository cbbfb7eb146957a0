import * as readline from 'readline';
import Table from 'cli-table3';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger, FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { createDestination } from '@ferry/destinations/registry';
import { createKafka } from '@ferry/kafka';
import { pickMigration, RollbackOutcome, RollbackPlanRow, runningLoaders, runningRun, runRollback } from '@ferry/ops';
import type { DataSource } from 'typeorm';
import { migratedDataSource } from './db';
import { migrationMap } from './map.command';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const plain = { style: { head: [], border: [] } };
const VERB = { restore: 'restore', delete: 'delete', recreate: 'create again' } as const;

function planTable(rows: RollbackPlanRow[]): string {
  const t = new Table({ ...plain, head: ['step', 'entity', 'records', 'what'] });
  const what = { restore: 'updated by the migration: columns back to their values before its first write', delete: 'created by the migration', recreate: 'deleted by the migration: created again under their old id' };
  rows.forEach((r, i) => t.push([String(i + 1), r.entity, r.records.toLocaleString('en-US'), `${VERB[r.kind]} (${what[r.kind]})`]));
  return t.toString();
}

async function confirm(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await new Promise((resolve) => rl.question(question, resolve));
  } finally {
    rl.close();
  }
}

/** `ferry rollback`: the destination back to what it held before the migration, from the audit log. */
export function registerRollback(program: Command): void {
  program
    .command('rollback')
    .description('restore the destination to its state before the migration: delete what it created, restore what it updated, create again what it deleted')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--dry-run', 'print what would be done per entity and change nothing')
    .option('--yes', 'do not ask (required when not on a terminal)')
    .option('--batch-size <n>', 'records per destination call (capped by the destination limit)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number from 1');
      return n;
    })
    .action(async (o) => {
      const cfg = loadConfig([settings.database]);
      const db = await migratedDataSource(cfg.DATABASE_URL);
      try {
        const migration = await pickMigration(db, o.migration);
        const map = await migrationMap(db, migration);
        const destination = createDestination(map.plan.destination, map.plan.keyColumn);
        const preview = await runRollback(db, destination, map.plan, migration, { dryRun: true });
        if (!preview.plan.length) {
          print(
            preview.previouslyRolledBack
              ? `migration ${migration}: nothing to roll back; ${preview.previouslyRolledBack.toLocaleString('en-US')} audited write(s) were already rolled back`
              : `migration ${migration}: nothing to roll back; the audit log holds no write of this migration`,
          );
          return;
        }
        print(`migration ${migration}: rollback of ${destination.system} from the audit log${o.dryRun ? ' (dry run: nothing is changed)' : ''}`);
        print(planTable(preview.plan));
        if (o.dryRun) return;

        await refuseWhileLoading(db, migration, !!o.yes);
        if (!o.yes) {
          if (!process.stdin.isTTY) throw new FerryError('NEEDS_YES', `ferry rollback changes the destination of ${migration}: pass --yes to run it without a terminal (or --dry-run to look)`, 'fatal');
          const answer = await confirm(`type the migration id (${migration}) to roll it back: `);
          if (answer.trim() !== migration) throw new FerryError('NOT_CONFIRMED', 'rollback not confirmed; nothing was changed', 'fatal');
        }

        const abort = new AbortController();
        const onSigint = () => {
          if (abort.signal.aborted) process.exit(130);
          print('stopping after the current batch (Ctrl-C again to quit at once); `ferry rollback` resumes where it stopped');
          abort.abort();
        };
        process.on('SIGINT', onSigint);
        const started = Date.now();
        let outcome: RollbackOutcome;
        try {
          outcome = await runRollback(db, destination, map.plan, migration, {
            batchSize: o.batchSize,
            signal: abort.signal,
            progress: (p) => print(`  ${VERB[p.kind]} ${p.entity}: ${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')}${p.failed ? ` (${p.failed} to retry)` : ''}`),
          });
        } finally {
          process.off('SIGINT', onSigint);
        }
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const d = outcome.done;
        const summary = `${d.restore} restored, ${d.delete} deleted, ${d.recreate} created again${outcome.already ? ` (${outcome.already} already so)` : ''} in ${seconds} s`;
        if (outcome.interrupted) {
          print(`rollback of ${migration} interrupted: ${summary}; run \`ferry rollback\` again to finish`);
          process.exitCode = 130;
          return;
        }
        if (outcome.failures.length) {
          for (const f of outcome.failures.slice(0, 10)) print(`  could not ${VERB[f.kind]} ${f.entity} ${f.key} (${f.id}): ${f.code} ${f.message}`);
          throw new FerryError('ROLLBACK_INCOMPLETE', `rollback of ${migration}: ${summary}; ${outcome.failures.length} record(s) could not be put back (listed above) and stay pending for the next \`ferry rollback\``, 'fatal');
        }
        print(`rollback of ${migration} done: ${summary}`);
      } finally {
        await db.destroy();
      }
    });
}

/**
 * A loader still consuming would write back what the rollback takes away: refuse while `ferry run` holds the
 * migration or its load group has members. When Kafka cannot be asked, only --yes (the operator's word that the
 * services are stopped) goes on.
 */
async function refuseWhileLoading(db: DataSource, migration: string, yes: boolean): Promise<void> {
  const run = await runningRun(db, migration);
  if (run) throw new FerryError('MIGRATION_RUNNING', `ferry run (pid ${run.pid} on ${run.host}) is moving records of ${migration}: stop it (ferry stop) before rolling back`, 'fatal');
  let members: number;
  try {
    const { KAFKA_BROKERS } = loadConfig([settings.kafka]);
    members = await runningLoaders(createKafka({ brokers: KAFKA_BROKERS, clientId: 'ferry-cli', retries: 1 }, createLogger('cli', 'silent')), migration);
  } catch (e) {
    if (!yes) throw new FerryError('RUN_UNKNOWN', `cannot tell whether services of ${migration} are loading (${(e as Error).message}): stop them (ferry stop, or Ctrl-C on ferry run), then pass --yes`, 'fatal');
    return;
  }
  if (members > 0) {
    throw new FerryError('MIGRATION_RUNNING', `${members} loader(s) of ${migration} are running: stop the services (ferry stop, or Ctrl-C on ferry run) before rolling back`, 'fatal');
  }
}
