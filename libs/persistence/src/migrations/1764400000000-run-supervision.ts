import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For `ferry init` and `ferry run`: a migration's run configuration (endpoints, options and credentials by reference
 * only: names of environment variables or a secrets file's path, never a value); the `ferry run` that holds the
 * migration (so a second one is refused and `ferry stop` can find it); and each supervised service's state.
 */
export class RunSupervision1764400000000 implements MigrationInterface {
  name = 'RunSupervision1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ferry.migration_config (
      migration_id text PRIMARY KEY, config jsonb NOT NULL, created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE ferry.migration_run (
      migration_id text PRIMARY KEY, run_id text NOT NULL, pid integer NOT NULL, host text NOT NULL, status text NOT NULL,
      options jsonb NOT NULL DEFAULT '{}', started_at timestamptz NOT NULL DEFAULT now(), heartbeat_at timestamptz NOT NULL DEFAULT now(),
      stopped_at timestamptz, stop_reason text)`);
    await q.query(`CREATE TABLE ferry.service_state (
      migration_id text NOT NULL, service text NOT NULL, pid integer, status text NOT NULL, restarts integer NOT NULL DEFAULT 0,
      last_exit_code integer, last_exit_signal text, last_log_line text, started_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (migration_id, service))`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['service_state', 'migration_run', 'migration_config']) await q.query(`DROP TABLE ferry.${t}`);
  }
}
