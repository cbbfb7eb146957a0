import type { DataSource } from 'typeorm';
import { FerryError } from '../../common/src';

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

export async function extractionComplete(db: DataSource, migration: string, streams: string[]): Promise<boolean> {
  const rows: { stream: string }[] = await db.query(
    `SELECT stream FROM ferry.extract_checkpoint WHERE migration_id = $1 AND complete`,
    [migration],
  );
  const done = new Set(rows.map((r) => r.stream));
  return streams.every((s) => done.has(s));
}
