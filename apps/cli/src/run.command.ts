import { Command, InvalidArgumentError } from 'commander';
import { FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { pickMigration } from '@ferry/ops';
import { migratedDataSource } from './db';
import { runMigration, stopRun } from './run-migration';

const wholeNumber = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return n;
};

/** `ferry run` supervises a migration's services with a live progress view; `ferry stop` ends it cleanly. */
export function registerRun(program: Command): void {
  program
    .command('run')
    .description('start and supervise the five services of a migration (restarting any that stops), with a live progress view')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--sample <n>', 'move only N records per object (passed to the extractor as FERRY_SAMPLE_PER_OBJECT)', wholeNumber)
    .option('--once', 'exit 0 when every object reconciles, non-zero with the reason on a stall, instead of running on')
    .option('--stall-timeout <s>', 'with --once: seconds without progress (every dependency answering) before giving up', wholeNumber, 180)
    .option('--no-progress', 'no live view: print only restarts, dependency changes and the final table')
    .option('--grace <s>', 'seconds services get to stop after SIGTERM before SIGKILL', wholeNumber, 10)
    .option('--replicas <n>', 'processes per phase: they share each consumer group\'s partitions (the extractor\'s split the source objects)', wholeNumber, 1)
    .action(async (o) => {
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const migration = await pickMigration(db, o.migration);
        const r = await runMigration({
          migration, once: !!o.once, sample: o.sample, stallTimeout: o.stallTimeout, view: o.progress === false ? 'events' : 'auto', db, graceMs: o.grace * 1000, replicas: o.replicas,
        });
        if (r.ended === 'misconfigured') process.exitCode = 1;
        else if (o.once && !r.reconciled) process.exitCode = r.ended === 'stalled' ? 2 : 1;
      } finally {
        await db.destroy();
      }
    });

  program
    .command('stop')
    .description('stop the running `ferry run` of a migration: its services get SIGTERM, then SIGKILL after the grace period')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--timeout <s>', 'seconds to wait for the run to end', wholeNumber, 60)
    .action(async (o) => {
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const migration = await pickMigration(db, o.migration);
        const r = await stopRun(db, migration, o.timeout * 1000);
        if (!r.stopped) throw new FerryError('STOP_TIMEOUT', `ferry run (pid ${r.pid}) of ${migration} was asked to stop but still runs after ${o.timeout} s`, 'fatal');
        process.stdout.write(`stopped ferry run (pid ${r.pid}) of ${migration}; its services are down\n`);
      } finally {
        await db.destroy();
      }
    });
}
