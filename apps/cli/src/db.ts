import type { DataSource } from 'typeorm';
import { connectDataSource } from '@ferry/persistence';

/** Connects and applies pending migrations (the CLI owns schema changes; services only check). */
export async function migratedDataSource(url: string): Promise<DataSource> {
  const db = await connectDataSource(url);
  try {
    await db.runMigrations({ transaction: 'each' });
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return db;
}
