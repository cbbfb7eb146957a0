import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError } from '@ferry/config';
import { FerryError } from '@ferry/common';

/**
 * Starts a service as a Nest application context (no HTTP). A wrong setting or an unreachable dependency
 * prints one line and exits non-zero; everything else is logged by the service's own logger.
 */
export async function bootstrapService(name: string, module: unknown): Promise<void> {
  try {
    const app = await NestFactory.createApplicationContext(module as never, { logger: ['error', 'warn'], abortOnError: false });
    app.enableShutdownHooks();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof FerryError) {
      process.stderr.write(`${name}: ${e.message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${(e as Error).stack ?? String(e)}\n`);
    }
    process.exit(1);
  }
}
