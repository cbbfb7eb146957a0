import { Scoped } from './scoped';
import { DataSource, type EntityManager } from 'typeorm';

export class MigrationRepository extends Scoped {
  async ensure(sourceSystem: string, destination: string, mapVersion: string | null): Promise<void> {
    await this.q(
      `INSERT INTO ferry.migration (migration_id, source_system, destination, map_version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (migration_id) DO UPDATE SET map_version = COALESCE(EXCLUDED.map_version, ferry.migration.map_version)`,
      [sourceSystem, destination, mapVersion],
    );
  }

  /**
   * Forgets the migration: every row of it in every Ferry table, its audit trail included, so only for throwaway
   * migrations (benchmarks). The destination is not touched.
   */
  async purge(): Promise<void> {
    const run = async (m: DataSource | EntityManager) => {
      for (const table of MIGRATION_TABLES) await m.query(`DELETE FROM ferry.${table} WHERE migration_id = $1`, [this.migrationId]);
    };
    if (this.db instanceof DataSource) await this.db.transaction(run);
    else await run(this.db);
  }
}

/** Tables holding per-migration rows, children before ferry.migration itself. */
const MIGRATION_TABLES = [
  'source_record', 'extract_checkpoint', 'id_map', 'parked_dependency', 'parked_record', 'owner_assignment', 'audit_log',
  'recon_record', 'recon_target', 'quality_issue_record', 'quality_issue', 'related_fact', 'related_latch', 'routed_record', 'target_source', 'file_manifest', 'owner_mapping', 'map_version',
  'service_state', 'migration_run', 'migration_config', 'migration',
];
