import * as os from 'os';
import Table from 'cli-table3';
import type { Command } from 'commander';
import { FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { createDestination } from '@ferry/destinations/registry';
import { pickMigration } from '@ferry/ops';
import { OwnerRepository } from '@ferry/persistence';
import { migratedDataSource } from './db';
import { migrationMap } from './map.command';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const plain = { style: { head: [], border: [] } };

/** `ferry owners`: who owns what in the destination and why; `ferry owners map` settles an owner by hand. */
export function ownersCommand(program: Command): void {
  const owners = program
    .command('owners')
    .description('source owners and the destination users their records went to: matched, mapped, fallback, or queued')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const migration = await pickMigration(db, o.migration);
        const repo = new OwnerRepository(db, migration);
        const [report, queued, mappings] = await Promise.all([repo.report(), repo.queued(), repo.mappings()]);
        if (o.json) return print(JSON.stringify({ migration, owners: report, queued, mappings: Object.fromEntries(mappings) }, null, 2));
        const t = new Table({ ...plain, head: ['source owner', 'status', 'destination user', 'records'] });
        for (const r of report) t.push([r.sourceEmail || '(no owner)', r.status, r.systemUserId || '-', r.records]);
        print(`migration ${migration}\n${t.toString()}`);
        if (queued.length) {
          print(`waiting for an owner (queue policy): ${queued.map((q) => `${q.sourceEmail || '(no owner)'} ${q.records}`).join(', ')}`);
          print('settle them with `ferry owners map <source email> <destination user email or id>`, or provision the user in the destination');
        }
      } finally {
        await db.destroy();
      }
    });

  owners
    .command('map <sourceEmail> <user>')
    .description("send a source owner's records to a destination user (by email or id); queued records are released")
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--by <name>', 'who maps it', os.userInfo().username)
    .action(async (sourceEmail: string, user: string, o) => {
      const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
      try {
        const migration = await pickMigration(db, o.migration);
        const { plan } = await migrationMap(db, migration);
        const users = await createDestination(plan.destination, plan.keyColumn).users();
        const wanted = user.trim().toLowerCase();
        const u = users.find((x) => x.id.toLowerCase() === wanted || x.email.trim().toLowerCase() === wanted);
        if (!u) throw new FerryError('NO_SUCH_USER', `the ${plan.destination} destination has no user "${user}": give a user's email or id`, 'fatal');
        if (u.disabled) throw new FerryError('USER_DISABLED', `${u.email} is disabled in the destination; choose an active user`, 'fatal');
        await new OwnerRepository(db, migration).map(sourceEmail, u.id, o.by);
        print(`migration ${migration}: records of ${sourceEmail.trim().toLowerCase()} go to ${u.email} (${u.id}); a running resolver releases queued ones at its next refresh`);
      } finally {
        await db.destroy();
      }
    });
}
