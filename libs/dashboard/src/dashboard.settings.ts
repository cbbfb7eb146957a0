import { z } from 'zod';
import { ConfigError, loadConfig } from '@ferry/config';

export const dashboardSettings = {
  FERRY_DASHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
  /** the reconciler's dashboard port (0: the reconciler serves none; `ferry dashboard --port` overrides) */
  FERRY_DASHBOARD_PORT: z.coerce.number().int().min(0).max(65_535).default(8480),
  FERRY_DASHBOARD_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
};

export interface DashboardEndpoint {
  host: string;
  port: number;
  token: string | null;
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Where the dashboard listens. Beyond loopback it refuses to start without FERRY_DASHBOARD_TOKEN. */
export function dashboardEndpoint(overrides: { host?: string; port?: number } = {}, env: NodeJS.ProcessEnv = process.env): DashboardEndpoint {
  const c = loadConfig([dashboardSettings], env);
  const host = overrides.host ?? c.FERRY_DASHBOARD_HOST;
  const port = overrides.port ?? c.FERRY_DASHBOARD_PORT;
  if (!isLoopbackHost(host) && !c.FERRY_DASHBOARD_TOKEN) {
    throw new ConfigError(`configuration: FERRY_DASHBOARD_TOKEN is not set (required when the dashboard binds ${host}, beyond loopback)`);
  }
  return { host, port, token: c.FERRY_DASHBOARD_TOKEN ?? null };
}

/**
 * The URL of a migration's dashboard as the reconciler serves it (what `ferry run` and `ferry demo` print); null when
 * the reconciler serves none. The token is never part of it: whoever opens it adds `?token=…` themselves.
 */
export function dashboardUrl(migration: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const at = dashboardEndpoint({}, env);
  if (!at.port) return null;
  const host = at.host === '0.0.0.0' || at.host === '::' ? '127.0.0.1' : at.host.includes(':') ? `[${at.host}]` : at.host;
  return `http://${host}:${at.port}/?migration=${encodeURIComponent(migration)}`;
}
