import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

export function createSandboxLogger(level: string): Logger {
  return pino({ name: 'sandbox', level });
}

/** Nest's own chatter (route mapping, start-up) goes to debug; its warnings and errors keep their level. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
