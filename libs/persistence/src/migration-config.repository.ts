import { Scoped } from './scoped';

export interface StoredMigrationConfig {
  migrationId: string;
  config: unknown;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A migration's run configuration as `ferry init` stored it (validated by @ferry/ops; this only stores it). */
export class MigrationConfigRepository extends Scoped {
  /** false when the migration already has a configuration (nothing is overwritten) */
  async create(config: unknown, createdBy: string): Promise<boolean> {
    const rows = await this.q(
      `INSERT INTO ferry.migration_config (migration_id, config, created_by) VALUES ($1, $2, $3)
       ON CONFLICT (migration_id) DO NOTHING RETURNING migration_id`,
      [JSON.stringify(config), createdBy],
    );
    return rows.length === 1;
  }

  async get(): Promise<StoredMigrationConfig | null> {
    const rows = await this.q<{ config: unknown; created_by: string; created_at: Date; updated_at: Date }>(
      `SELECT config, created_by, created_at, updated_at FROM ferry.migration_config WHERE migration_id = $1`,
    );
    const r = rows[0];
    return r ? { migrationId: this.migrationId, config: r.config, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at } : null;
  }
}
