import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/** One structured logger per process; handlers derive children tagged with migration, object and key. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service, pid: process.pid },
    redact: { paths: ['*.DATAVERSE_CLIENT_SECRET', '*.client_secret', '*.access_token', '*.authorization'], censor: '***' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
