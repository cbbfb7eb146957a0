import type { DataSource, EntityManager } from 'typeorm';

/** PostgreSQL's SQLSTATE for a duplicate key */
export const UNIQUE_VIOLATION = '23505';

/**
 * Repositories take the migration id at construction, so no query can forget its scope. They batch:
 * one statement per call, with arrays unnested server-side, never one round trip per record.
 */
export abstract class Scoped {
  constructor(
    protected readonly db: DataSource | EntityManager,
    readonly migrationId: string,
  ) {}
  protected async q<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const res: unknown = await this.db.query(sql, [this.migrationId, ...params]);
    // TypeORM answers UPDATE/DELETE … RETURNING on PostgreSQL with [rows, rowCount]; SELECT rows are objects.
    if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as T[];
    return res as T[];
  }
}

/**
 * One row per key, the last one winning: PostgreSQL refuses an upsert that touches the same row twice in one
 * statement, and a chunk may carry several versions of one record (many:1 merges, redeliveries).
 */
export function lastPerKey<T>(rows: T[], key: (row: T) => string): T[] {
  const m = new Map<string, T>();
  for (const r of rows) {
    const k = key(r);
    m.delete(k);
    m.set(k, r);
  }
  return [...m.values()];
}
