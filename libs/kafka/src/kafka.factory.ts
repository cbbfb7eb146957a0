import { Kafka, type KafkaConfig, logLevel, LogEntry, type SASLOptions } from 'kafkajs';
import { FerryError, Logger, nameEndpoint, weatherOf } from '@ferry/common';
import { kafkaSecurity, type KafkaSecurity } from '@ferry/config';

export interface KafkaSettings {
  brokers: string;
  clientId: string;
  /**
   * retries of a request before kafkajs gives up (backoff from 300 ms doubling to 10 s). The CLI's 8 answer within
   * about 40 s; services use SERVICE_KAFKA_RETRIES, which outlasts a broker that is away for 5 minutes.
   */
  retries?: number;
  /** TLS and SASL; unset, the KAFKA_SSL* and KAFKA_SASL_* settings (none for a plain local broker) */
  security?: KafkaSecurity;
}

/**
 * Turns kafkajs' "cannot connect" family into one line naming the brokers and what to do; null for other errors,
 * including a refused connection to anything else (a destination, a sandbox not started), which is not Kafka's.
 */
export function brokerUnreachable(e: unknown, brokers: string): FerryError | null {
  const err = e as Error;
  if (!/^KafkaJS/.test(err?.name ?? '')) return null;
  if (err.name === 'KafkaJSSASLAuthenticationError') {
    return new FerryError('KAFKA_AUTH_FAILED', `Kafka at ${brokers} refused Ferry's SASL sign-in (${err.message}); check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`, 'fatal');
  }
  const text = `${err?.name ?? ''} ${err?.message ?? ''}`;
  if (!/ECONNREFUSED|Connection error|ENOTFOUND|EAI_AGAIN|KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError|Connection timeout|ETIMEDOUT/i.test(text)) return null;
  return new FerryError('BROKER_UNREACHABLE', `Kafka at ${brokers} does not answer (${err.message}); start it with npm run infra:up or fix KAFKA_BROKERS`, 'fatal');
}

/**
 * How old kafkajs' cluster metadata may get before a consumer or producer asks for it again. A consumer whose fetch
 * a dead broker refuses does not refresh it otherwise, so this bounds how long partitions whose leader moved to a
 * surviving broker wait (kafkajs' default: 5 minutes). One small metadata request per client per interval.
 */
export const KAFKA_METADATA_MAX_AGE_MS = 10_000;

/** kafkajs retries per request in a service: about 6 minutes at the 10 s cap (FERRY_KAFKA_RETRIES overrides). */
export const SERVICE_KAFKA_RETRIES = Number(process.env.FERRY_KAFKA_RETRIES ?? 40);

/** kafkajs' lines that only say the broker does not answer (now): one "waiting for Kafka" stands for all of them. */
const BROKER_AWAY = /ECONNREFUSED|Connection error|Connection timeout|Closed connection|Failed to connect|KafkaJSConnection|connect ETIMEDOUT|ECONNRESET|There is no leader|broker not (connected|available)|KafkaJSNoBrokerAvailable|Connection closed/i;

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The kafkajs client settings, as plain data: the producer thread builds its own client from the same. */
export function kafkaClientConfig(settings: KafkaSettings): KafkaConfig {
  const { ssl, sasl } = settings.security ?? kafkaSecurity();
  return {
    clientId: settings.clientId,
    brokers: settings.brokers.split(','),
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { retries: settings.retries ?? 8, initialRetryTime: 300, maxRetryTime: 10000 },
    logLevel: logLevel.WARN,
    // kafkajs takes Node's TLS options as they are; plain data, so the producer thread gets the same
    ...(ssl ? { ssl: { ...ssl } } : {}),
    ...(sasl ? { sasl: { ...sasl } as SASLOptions } : {}),
  };
}

/** One kafkajs log entry through the service logger; a rebalance or a coordinator move is routine, so not an error. */
export function logKafkaEntry(logger: Logger, level: number, log: { message: string; [k: string]: unknown }, extraFields: Record<string, unknown> = {}): void {
  const { message, ...extra } = log;
  const lvl = levels[level] ?? 'info';
  if ((lvl === 'error' || lvl === 'warn') && BROKER_AWAY.test(`${message} ${String(extra.error ?? '')}`)) {
    weatherOf(logger).waiting('Kafka', `${message}${extra.error ? `: ${String(extra.error)}` : ''}`);
    logger.debug({ kafka: extra, ...extraFields }, message);
    return;
  }
  if (lvl === 'error' && /rebalanc|not the coordinator|The group is rebalancing/i.test(message)) {
    logger.info({ kafka: extra, ...extraFields }, message);
    return;
  }
  logger[lvl]({ kafka: extra, ...extraFields }, message);
}

/** A kafkajs client whose own logs go through the service logger (at one level quieter: kafkajs is chatty). */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  // The default-partitioner notice is about kafkajs 1.x users; Ferry never used the legacy one.
  process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
  for (const broker of settings.brokers.split(',')) nameEndpoint(broker.trim(), 'Kafka');
  return new Kafka({
    ...kafkaClientConfig(settings),
    logCreator:
      () =>
      ({ level, log }: LogEntry) =>
        logKafkaEntry(logger, level, log),
  });
}
