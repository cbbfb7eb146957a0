import Table from 'cli-table3';
import type { Command } from 'commander';
import { errorMessage, FerryError } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import type { SchemaPlan } from '@ferry/destinations/core';
import { createDestination } from '@ferry/destinations/registry';
import { destinationEnv, parseRunConfig, pickMigration } from '@ferry/ops';
import { MigrationConfigRepository } from '@ferry/persistence';
import { migratedDataSource } from './db';
import { migrationMap } from './map.command';

const print = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const plain = { style: { head: [], border: [] } };

/** The plan as a person reads it: what will be created, what is still settling, what cannot work. */
export function schemaPlanText(p: SchemaPlan): string {
  const lines: string[] = [];
  if (p.steps.length) {
    const t = new Table({ ...plain, head: ['create', 'table', 'what'] });
    for (const s of p.steps) t.push([s.kind, s.entity, s.detail]);
    lines.push(t.toString());
  } else {
    lines.push('nothing to create: every table, column, lookup and key the map needs is there');
  }
  for (const n of p.notes ?? []) lines.push(`note: ${n}`);
  for (const w of p.waits) lines.push(`waiting: alternate key ${w.name} on ${w.entity} is ${w.status}`);
  lines.push(`custom tables: ${p.customTables.count}${p.customTables.limit !== null ? ` of ${p.customTables.limit} the licence allows` : ''}`);
  if (p.refusals.length) {
    lines.push(`cannot work as mapped (${p.refusals.length}):`);
    for (const r of p.refusals) lines.push(`  ${r.entity === '*' ? '' : `${r.entity}.`}${r.name}: ${r.reason}`);
  }
  return lines.join('\n');
}

/** `ferry schema plan|apply`: what the confirmed map needs from the destination, and creating it. */
export function schemaCommand(program: Command): void {
  const schema = program.command('schema').description("the destination's schema: what the confirmed map needs, and creating it");
  const load = async (migration: string | undefined) => {
    const db = await migratedDataSource(loadConfig([settings.database]).DATABASE_URL);
    try {
      const id = await pickMigration(db, migration);
      const map = await migrationMap(db, id);
      // A migration made by `ferry init` names its destination; one made before it takes DATAVERSE_* from the environment.
      const stored = await new MigrationConfigRepository(db, id).get();
      const config = stored ? parseRunConfig(stored.config) : null;
      const env = config ? { ...process.env, ...destinationEnv(config) } : process.env;
      const destination = createDestination(map.plan.destination, map.plan.keyColumn, env);
      const sandboxPort = config?.destination.sandbox?.port ?? null;
      /** The plan, or one line saying why the destination could not be asked. */
      const plan = async (): Promise<SchemaPlan> => {
        try {
          return await destination.planSchema(map.plan);
        } catch (e) {
          if (e instanceof FerryError || !/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET/.test(errorMessage(e))) throw e;
          if (sandboxPort !== null) {
            throw new FerryError('USAGE', `migration ${id} writes to the built-in sandbox on port ${sandboxPort}, which is not running: \`ferry run --migration ${id}\` starts it and gives it the map's schema itself`, 'fatal');
          }
          throw new FerryError('DESTINATION_UNREACHABLE', `the destination of migration ${id} does not answer (${errorMessage(e)}); check its URL with \`ferry list\` and the network`, 'fatal');
        }
      };
      return { id, map, destination, plan };
    } finally {
      await db.destroy();
    }
  };

  schema
    .command('plan')
    .description('list the custom tables, columns, lookups and keys to create, and refuse what cannot work')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      const { id, map, plan } = await load(o.migration);
      const p = await plan();
      if (o.json) print(JSON.stringify({ migration: id, mapVersion: map.mapVersion, ...p }, null, 2));
      else print(`migration ${id}, map ${map.mapVersion}, destination ${p.destination}\n${schemaPlanText(p)}`);
      if (p.refusals.length) process.exitCode = 1;
    });

  schema
    .command('apply')
    .description('create what the plan lists through the destination API, then wait for alternate keys to be usable')
    .option('--migration <id>', 'migration (default: the latest)')
    .action(async (o) => {
      const { id, map, destination, plan } = await load(o.migration);
      const p = await plan();
      if (p.refusals.length) print(schemaPlanText(p));
      await destination.applySchema(p, (line) => print(`  ${line}`));
      print(`migration ${id}: the destination holds what map ${map.mapVersion} needs (${p.steps.length} change(s) made)`);
    });
}
