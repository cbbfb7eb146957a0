import type { DataSource } from 'typeorm';
import { createLogger } from '@ferry/common';
import { allRouteTopics, RoutePlan, routeValueSchemas } from '@ferry/contracts';
import { DEMO_FALLBACK_OWNER_EMAIL } from '@ferry/demo';
import { AvroCodec, createKafka, ensureTopics } from '@ferry/kafka';
import { MigrationRepository } from '@ferry/persistence';
import { destinationEnv, parseRunConfig, sandboxResetUrl } from './run-config';
import { lastLogLine, RunningService, SERVICES, startService, stopServices, waitForHttp } from './stack';

export interface RouteStackOptions {
  /** the confirmed map's plan (the migration's map must be confirmed before the services move anything) */
  plan: RoutePlan;
  migration: string;
  exportDir: string;
  logDir: string;
  sandboxPort: number;
  databaseUrl: string;
  kafkaBrokers: string;
  registryUrl: string;
  partitions: number;
  /** wipe the sandbox's records first (the demo does; a resumed run does not) */
  resetSandbox: boolean;
  /** runs once the sandbox answers and before the services start (the demo applies the destination schema here) */
  beforeServices?: (env: Record<string, string>) => Promise<void>;
  /** read the source over its API instead of from exportDir (the delta benchmark polls a source sandbox) */
  sourceApi?: { url: string; key: string; pollIntervalMs?: number };
}

export interface RouteStack {
  services: RunningService[];
  sandboxUrl: string;
  stop(): Promise<void>;
}

/**
 * The built-in destination sandbox and the five services as child processes for one migration: what the demo, the
 * end-to-end tests and the benchmark all run. Topics and schemas are created first so the services do not race.
 */
export async function startRouteStack(o: RouteStackOptions, db: DataSource): Promise<RouteStack> {
  const services: RunningService[] = [];
  const sandboxUrl = `http://127.0.0.1:${o.sandboxPort}`;
  try {
    // One schema per sandbox port: two sandboxes on one database (a demo beside a test) never reset each other.
    const sandbox = startService(
      'sandbox',
      { SANDBOX_PORT: String(o.sandboxPort), DATABASE_URL: o.databaseUrl, SANDBOX_DB_SCHEMA: process.env.SANDBOX_DB_SCHEMA ?? `sandbox_dataverse_${o.sandboxPort}` },
      o.logDir,
    );
    services.push(sandbox);
    await waitForHttp(`${sandboxUrl}/_sandbox/stats`, 120_000).catch(() => {
      throw new Error(`the destination sandbox did not start: ${lastLogLine(sandbox)} (log: ${sandbox.logFile})`);
    });
    if (o.resetSandbox) {
      // Bounded: a reset waits for the sandbox's table locks, and a wait with no end would only show as a hung start.
      const res = await fetch(sandboxResetUrl(o.plan.destination, o.sandboxPort), { method: 'POST', signal: AbortSignal.timeout(120_000) }).catch((e: Error) => {
        throw new Error(`the destination sandbox did not answer its reset in 120 s (${e.message}); its log: ${sandbox.logFile}`);
      });
      if (!res.ok) throw new Error(`the destination sandbox refused its reset (HTTP ${res.status}): ${lastLogLine(sandbox)} (log: ${sandbox.logFile})`);
    }

    await new MigrationRepository(db, o.migration).ensure(o.plan.sourceSystem, o.plan.destination, o.plan.mapVersion);
    const kafka = createKafka({ brokers: o.kafkaBrokers, clientId: 'ferry-cli' }, createLogger('cli', 'error'));
    await ensureTopics(kafka, allRouteTopics(o.plan, o.migration), o.partitions);
    await new AvroCodec(o.registryUrl).registerAll(routeValueSchemas(o.plan, o.migration));

    const env = {
      FERRY_MIGRATION: o.migration,
      FERRY_RUN: 'run-1',
      FERRY_SOURCE: o.plan.sourceSystem,
      FERRY_SOURCE_MODE: o.sourceApi ? 'api' : 'export',
      FERRY_EXPORT_DIR: o.exportDir,
      ...(o.sourceApi
        ? { FERRY_SOURCE_API_URL: o.sourceApi.url, FERRY_SOURCE_API_KEY: o.sourceApi.key, ...(o.sourceApi.pollIntervalMs ? { FERRY_POLL_INTERVAL_MS: String(o.sourceApi.pollIntervalMs) } : {}) }
        : {}),
      FERRY_FALLBACK_OWNER_EMAIL: process.env.FERRY_FALLBACK_OWNER_EMAIL ?? DEMO_FALLBACK_OWNER_EMAIL,
      FERRY_OWNER_REFRESH_S: process.env.FERRY_OWNER_REFRESH_S ?? '5',
      ...sandboxDestinationEnv(o.plan, o.sandboxPort),
      DATABASE_URL: o.databaseUrl,
      KAFKA_BROKERS: o.kafkaBrokers,
      SCHEMA_REGISTRY_URL: o.registryUrl,
    };
    await o.beforeServices?.(env);
    for (const name of SERVICES) services.push(startService(name, env, o.logDir));
  } catch (e) {
    await stopServices(services);
    throw e;
  }
  return { services, sandboxUrl, stop: () => stopServices(services) };
}

/** The destination settings the services need to write to the built-in sandbox of the plan's destination. */
function sandboxDestinationEnv(plan: RoutePlan, port: number): Record<string, string> {
  const config = parseRunConfig({
    version: 1, route: plan.route,
    source: { system: plan.sourceSystem, mode: 'export', exportDir: '.' },
    destination: { kind: plan.destination, sandbox: { port } },
    credentials: { env: {} },
    options: { fallbackOwnerEmail: DEMO_FALLBACK_OWNER_EMAIL },
  });
  const { SANDBOX_PORT: _port, SANDBOX_DB_SCHEMA: _schema, ...env } = destinationEnv(config);
  return env;
}

/** Throws with the dead service's last log line if any child has stopped. */
export function assertAlive(services: RunningService[]): void {
  const dead = services.find((s) => s.exited);
  if (dead) throw new Error(`${dead.name} stopped (exit ${dead.exited?.code ?? dead.exited?.signal}): ${lastLogLine(dead)} (log: ${dead.logFile})`);
}
