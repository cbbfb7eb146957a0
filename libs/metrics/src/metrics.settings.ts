import { z } from 'zod';
import { ConfigError, loadConfig } from '@ferry/config';

/** The services in the order their metrics ports are given out: base port + index. */
export const METRICS_SERVICES = ['extractor', 'transformer', 'resolver', 'loader', 'reconciler'] as const;

export const metricsSettings = {
  /** base port; each service adds its index (extractor 0 … reconciler 4); 0 serves no metrics */
  FERRY_METRICS_PORT: z.coerce.number().int().min(0).max(65_530).default(0),
  FERRY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  FERRY_METRICS_TOKEN: z.string().min(8, 'must be at least 8 characters').optional(),
};

export interface MetricsEndpoint {
  host: string;
  port: number;
  token: string | null;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Where a service serves its metrics, or null when metrics are off or the service has no slot. */
export function metricsEndpoint(service: string, env: NodeJS.ProcessEnv = process.env): MetricsEndpoint | null {
  const c = loadConfig([metricsSettings], env);
  const index = (METRICS_SERVICES as readonly string[]).indexOf(service);
  if (!c.FERRY_METRICS_PORT || index < 0) return null;
  if (!isLoopback(c.FERRY_METRICS_HOST) && !c.FERRY_METRICS_TOKEN) {
    throw new ConfigError(`configuration: FERRY_METRICS_TOKEN is not set (required when FERRY_METRICS_HOST=${c.FERRY_METRICS_HOST} is beyond loopback)`);
  }
  return { host: c.FERRY_METRICS_HOST, port: c.FERRY_METRICS_PORT + index, token: c.FERRY_METRICS_TOKEN ?? null };
}

/** Every service's metrics URL for a base port (what a Prometheus scrape config lists). */
export function metricsUrls(basePort: number, host = '127.0.0.1'): Record<string, string> {
  return Object.fromEntries(METRICS_SERVICES.map((s, i) => [s, `http://${host}:${basePort + i}/metrics`]));
}
