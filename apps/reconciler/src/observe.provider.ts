import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Admin } from 'kafkajs';
import { DashboardData, dashboardEndpoint, DashboardServer, startDashboardServer } from '@ferry/dashboard';
import type { MigrationFigures } from '@ferry/metrics';
import { groupLag, reconciliation } from '@ferry/ops';
import { DashboardRepository } from '@ferry/persistence';
import { Runtime, RUNTIME } from '@ferry/runtime';

/**
 * The reconciler is where an operator looks: it serves the migration's dashboard (FERRY_DASHBOARD_PORT, 0 for
 * none) and publishes the migration's figures in its Prometheus metrics. Neither may stop it from reconciling: a
 * busy port is said in one line and the reconciler runs on.
 */
@Injectable()
export class ObserveProvider implements OnApplicationBootstrap, OnApplicationShutdown {
  private admin: Admin | null = null;
  private server: DashboardServer | null = null;

  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {}

  async onApplicationBootstrap(): Promise<void> {
    const rt = this.rt;
    const admin = (this.admin = rt.kafka.admin());
    let connected: Promise<void> | null = null;
    const ready = () => (connected ??= admin.connect().catch((e) => {
      connected = null;
      throw e;
    }));
    rt.metrics.watchMigration(async () => figures(rt, admin, ready));
    const at = dashboardEndpoint();
    if (!at.port) return;
    try {
      // Kafka may be away now and back later: each snapshot connects the admin if it is not yet.
      this.server = await startDashboardServer(new DashboardData(rt.db, admin, rt.plan, rt.migration, rt.service, 1000, ready), at);
      rt.logger.info({ url: this.server.url }, 'serving the dashboard');
    } catch (e) {
      const line = `dashboard not served on ${at.host}:${at.port}: ${(e as Error).message}`;
      rt.logger.warn(line);
      process.stderr.write(`${rt.service}: ${line}\n`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await this.admin?.disconnect().catch(() => undefined);
  }
}

async function figures(rt: Runtime, admin: Admin, ready: () => Promise<void>): Promise<MigrationFigures> {
  await ready();
  const [r, lag, services] = await Promise.all([
    reconciliation(rt.db, rt.plan, rt.migration),
    groupLag(admin, rt.plan, rt.migration),
    new DashboardRepository(rt.db, rt.migration).optional('service_state'),
  ]);
  const restarts = (services ?? [])
    .filter((s) => typeof s.service === 'string' && s.restarts != null)
    .map((s) => ({ service: String(s.service), restarts: Number(s.restarts) }));
  return { sources: r.sources, entities: r.entities, lag, restarts };
}
