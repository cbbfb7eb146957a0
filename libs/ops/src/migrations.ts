import type { DataSource } from 'typeorm';
import { FerryError } from '@ferry/common';

/** The migration a command acts on: the one named, else the most recently created. */
export async function pickMigration(db: DataSource, named?: string): Promise<string> {
  if (named) {
    const rows = await db.query(`SELECT 1 FROM ferry.migration WHERE migration_id = $1`, [named]);
    if (!rows.length) throw new FerryError('NO_SUCH_MIGRATION', `no migration named "${named}"; run \`ferry status\` without --migration to see the latest`, 'fatal');
    return named;
  }
  const rows: { migration_id: string }[] = await db.query(`SELECT migration_id FROM ferry.migration ORDER BY created_at DESC LIMIT 1`);
  if (!rows.length) throw new FerryError('NO_MIGRATION', 'no migration has run yet; start one with `npm start` (the demo)', 'fatal');
  return rows[0].migration_id;
}
