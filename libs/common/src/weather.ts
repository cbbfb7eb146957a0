import type { Logger } from 'pino';
import { FerryError } from './errors';
import { sleep } from './wait';

const endpoints = new Map<string, string>();

/** Names what listens at a URL's port (or host:port), so a refused connection says "PostgreSQL" rather than a port. */
export function nameEndpoint(url: string, name: string): void {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `tcp://${url}`);
    const port = u.port || (u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '');
    if (port) endpoints.set(port, name);
  } catch {
    // not a URL: nothing to name
  }
}

function endpointName(port: string | number | undefined): string {
  if (port === undefined || port === '') return 'a service';
  return endpoints.get(String(port)) ?? `the service on port ${port}`;
}

/**
 * Faults are weather: a broker, registry, database or destination that is away for a while is waited for, with
 * backoff, and the work goes on when it is back. This names what an error says is away (null: the error is about
 * the work itself, and waiting would not help).
 */
export function outageOf(e: unknown): string | null {
  if (!e || typeof e !== 'object') return null;
  const err = e as { name?: string; code?: string; message?: string; retriable?: boolean; retryable?: boolean; driverError?: unknown; cause?: unknown; status?: number };
  if (err instanceof FerryError) {
    if (err.code === 'BROKER_UNREACHABLE') return 'Kafka';
    if (err.code === 'DB_UNREACHABLE') return 'PostgreSQL';
    if (err.code === 'REGISTRY_UNREACHABLE' || err.code === 'REGISTRY_TIMEOUT') return 'the schema registry';
    if (err.code === 'DESTINATION_UNAVAILABLE') return 'the destination';
    return null;
  }
  const name = err.name ?? '';
  const message = err.message ?? '';
  if (name === 'DataverseError') return err.retryable ? 'the destination' : null;
  if (name.startsWith('KafkaJS')) {
    if (/NonRetriable|Protocol|Offset|Partition|TopicMetadata|Aborted/.test(name) && !err.retriable) return null;
    return 'Kafka';
  }
  // TypeORM wraps the driver's error; pg's own errors carry SQLSTATE codes
  if (err.driverError && err.driverError !== e) return outageOf(err.driverError);
  if (typeof err.code === 'string' && /^(57P0[123]|08\d\d\d|53300)$/.test(err.code)) return 'PostgreSQL';
  if (/Connection terminated|terminating connection|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|Connection ended unexpectedly/i.test(message)) {
    return 'PostgreSQL';
  }
  if (typeof err.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH)$/.test(err.code)) {
    return endpointName((e as { port?: number }).port ?? /:(\d+)\s*$/.exec(message)?.[1]);
  }
  if (/ECONNREFUSED|ECONNRESET|socket hang up/.test(message)) return endpointName(/(?:ECONNREFUSED|ECONNRESET) [^\s:]+:(\d+)/.exec(message)?.[1]);
  if (err.cause && err.cause !== e) return outageOf(err.cause);
  return null;
}

/**
 * What a process is waiting for, logged once per change of state ("waiting for Kafka", then "Kafka is back after
 * 23.4 s"), never once per failed attempt.
 */
export class Weather {
  private readonly away = new Map<string, { since: number; reason: string }>();

  constructor(
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    /** also told of each change (the CLI prints it) */
    private readonly onChange?: (line: string) => void,
  ) {}

  waiting(dependency: string, reason: string): void {
    if (this.away.has(dependency)) return;
    this.away.set(dependency, { since: Date.now(), reason });
    const line = `waiting for ${dependency} (${reason.split('\n')[0].slice(0, 200)})`;
    this.logger.warn({ dependency, reason }, line);
    this.onChange?.(line);
  }

  /** The dependency answered again (all of them when none is named). */
  back(dependency?: string): void {
    if (this.away.size === 0) return;
    for (const [dep, s] of [...this.away]) {
      if (dependency && dep !== dependency) continue;
      this.away.delete(dep);
      const seconds = (Date.now() - s.since) / 1000;
      const line = `${dep} is back after ${seconds.toFixed(1)} s`;
      this.logger.info({ dependency: dep, waitedMs: Date.now() - s.since }, line);
      this.onChange?.(line);
    }
  }

  /** dependencies being waited for now, with since when */
  get waitingFor(): Array<{ dependency: string; since: number }> {
    return [...this.away].map(([dependency, s]) => ({ dependency, since: s.since }));
  }
}

const perLogger = new WeakMap<object, Weather>();

/** One Weather per logger, so every part of a service reports the same state changes once. */
export function weatherOf(logger: Pick<Logger, 'warn' | 'info'>): Weather {
  let w = perLogger.get(logger);
  if (!w) perLogger.set(logger, (w = new Weather(logger)));
  return w;
}

export interface RideOutOptions {
  weather: Weather;
  /** stop waiting and throw the error (the chunk is no longer ours, the service is stopping) */
  abandon?: () => boolean;
  /** longest outage waited out before the error is thrown after all; FERRY_OUTAGE_LIMIT_MS, default 10 minutes */
  limitMs?: number;
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `work` until it succeeds; an error that names an outage (outageOf) is waited out with backoff, anything
 * else is thrown at once. The work must be safe to repeat (every step in Ferry is idempotent).
 */
export async function rideOut<T>(work: () => Promise<T>, o: RideOutOptions): Promise<T> {
  const limit = o.limitMs ?? Number(process.env.FERRY_OUTAGE_LIMIT_MS ?? 600_000);
  const started = Date.now();
  let delay = o.firstDelayMs ?? 500;
  let waitedFor: string | null = null;
  for (;;) {
    try {
      const out = await work();
      if (waitedFor) o.weather.back(waitedFor);
      return out;
    } catch (e) {
      const dep = outageOf(e);
      if (!dep || o.abandon?.() || Date.now() - started > limit) throw e;
      waitedFor = dep;
      o.weather.waiting(dep, (e as Error).message ?? String(e));
      await sleep(delay);
      delay = Math.min(o.maxDelayMs ?? 10_000, delay * 2);
    }
  }
}
