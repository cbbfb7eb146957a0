import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { FerryError } from '@ferry/common';
import { loadConfig, settings, sourceSettings } from '@ferry/config';
import { sourceConnector } from '@ferry/connectors/registry';
import { createDestination } from '@ferry/destinations/registry';
import { confirmedMap } from '@ferry/mapping';
import { pickMigration } from '@ferry/ops';
import { mismatchTable, parityTable, SourceDiff, type DiffOptions, type DiffReport } from '@ferry/parity';
import { connectDataSource } from '@ferry/persistence';
import type { DataSource } from 'typeorm';

const print = (s: string) => process.stdout.write(`${s}\n`);

const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above 0');
  return n;
};

/**
 * A diff of one migration on an open database: the confirmed map, the source connector reading the export the
 * extractor read (FERRY_EXPORT_DIR, or `exportDir`), and the destination the map names (its settings from the
 * environment, as the loader has them).
 */
export async function diffMigration(db: DataSource, migration: string, options: DiffOptions & { exportDir?: string }): Promise<DiffReport> {
  const map = await confirmedMap(db, migration);
  if (!map) throw new FerryError('MAP_NOT_CONFIRMED', `migration ${migration} has no confirmed map: nothing was moved, so there is nothing to compare`, 'fatal');
  let exportDir = options.exportDir;
  if (!exportDir) {
    const src = sourceSettings();
    if (src.mode !== 'export') throw new FerryError('USAGE', 'ferry diff compares with the source export the extractor read: set FERRY_EXPORT_DIR (or pass --export <dir>)', 'fatal');
    exportDir = src.exportDir;
  }
  const connector = sourceConnector(map.plan.sourceSystem, { exportSource: map.document.exportSource });
  const destination = createDestination(map.plan.destination, map.plan.keyColumn);
  return new SourceDiff({ db, migration, map, connector, exportDir, destination }).run(options);
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('compare, field by field through the confirmed map, what the source had with what the destination holds (exit 1 on any mismatch)')
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--object <name...>', 'source object(s) to compare (default: every object the map reads)')
    .option('--sample <k>', 'compare the fields of K random records per object (every record is still checked for presence)', count)
    .option('--seed <text>', 'the random choice of --sample, to repeat a diff')
    .option('--export <dir>', 'the source export (default: FERRY_EXPORT_DIR)')
    .option('--limit <n>', 'mismatches listed in the table', count, 50)
    .option('--json', 'machine-readable output, every mismatch listed')
    .action(async (o) => {
      const cfg = loadConfig([settings.database]);
      const db = await connectDataSource(cfg.DATABASE_URL);
      try {
        const migration = await pickMigration(db, o.migration);
        const report = await diffMigration(db, migration, { objects: o.object, sample: o.sample, seed: o.seed, exportDir: o.export, maxListed: o.json ? undefined : o.limit });
        if (o.json) {
          print(JSON.stringify(report, null, 2));
        } else {
          print(`diff of ${migration} (map ${report.mapVersion})${report.sample ? `: fields of ${report.sample} random records per object (seed ${report.seed})` : ': every record, every field'}`);
          print(parityTable(report));
          const table = mismatchTable(report);
          if (table) print(table);
          print(report.clean ? 'no mismatch: the destination holds what the source had' : `${report.mismatchCount} mismatch${report.mismatchCount === 1 ? '' : 'es'}`);
        }
        if (!report.clean) process.exitCode = 1;
      } finally {
        await db.destroy();
      }
    });
}
