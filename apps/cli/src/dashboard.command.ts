import { Command, InvalidArgumentError } from 'commander';
import { createLogger, FerryError, sleep } from '@ferry/common';
import { loadConfig, settings } from '@ferry/config';
import { DashboardData, dashboardEndpoint, startDashboardServer } from '@ferry/dashboard';
import { createKafka } from '@ferry/kafka';
import { pickMigration } from '@ferry/ops';
import { connectDataSource } from '@ferry/persistence';
import { migrationMap } from './map.command';

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number (0: any free port)');
  return n;
};

/** `ferry dashboard`: the reconciler's dashboard, served from the CLI (when the services are not running, or elsewhere). */
export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description("serve a migration's live dashboard (counts, rates, lag, dead letters, owners, extraction, cutover, health) until Ctrl-C")
    .option('--migration <id>', 'migration (default: the latest)')
    .option('--port <port>', 'port (default FERRY_DASHBOARD_PORT + 1, so it does not clash with the reconciler\'s)', port)
    .option('--host <host>', 'address to bind (default FERRY_DASHBOARD_HOST, 127.0.0.1; beyond loopback FERRY_DASHBOARD_TOKEN is required)')
    .action(async (o: { migration?: string; port?: number; host?: string }) => {
      const base = dashboardEndpoint({ host: o.host });
      const at = dashboardEndpoint({ host: o.host, port: o.port ?? (base.port ? base.port + 1 : 0) });
      const cfg = loadConfig([settings.database, settings.kafka]);
      const db = await connectDataSource(cfg.DATABASE_URL);
      const kafka = createKafka({ brokers: cfg.KAFKA_BROKERS, clientId: 'ferry-dashboard', retries: 2 }, createLogger('cli', 'silent'));
      const admin = kafka.admin();
      try {
        const migration = await pickMigration(db, o.migration);
        const { plan } = await migrationMap(db, migration);
        await admin.connect();
        const server = await startDashboardServer(new DashboardData(db, admin, plan, migration, 'ferry dashboard'), at).catch((e: NodeJS.ErrnoException) => {
          throw new FerryError('DASHBOARD_PORT', e.code === 'EADDRINUSE' ? `port ${at.port} on ${at.host} is in use: choose another with --port` : `cannot serve the dashboard on ${at.host}:${at.port}: ${e.message}`, 'fatal');
        });
        process.stdout.write(`dashboard of ${migration}: ${server.url}${at.token ? ' (add &token=… : FERRY_DASHBOARD_TOKEN)' : ''}\nCtrl-C to stop\n`);
        let stop = false;
        process.once('SIGINT', () => (stop = true));
        process.once('SIGTERM', () => (stop = true));
        while (!stop) await sleep(200);
        await server.close();
      } finally {
        await admin.disconnect().catch(() => undefined);
        await db.destroy();
      }
    });
}
