import 'reflect-metadata';
import { ModuleRef, NestFactory } from '@nestjs/core';
import type { AsyncMicroserviceOptions } from '@nestjs/microservices';
import { ConfigError } from '@ferry/config';
import { CONFIG_EXIT_CODE, FerryError } from '@ferry/common';
import { PhaseTransport, RethrowFilter } from './phase.transport';
import type { Runtime } from './runtime';
import { RUNTIME } from './runtime.module';

/**
 * Starts a service that is not a consumer (the extractor) as a Nest application context (no HTTP). A wrong setting
 * or an unreachable dependency prints one line and exits non-zero; everything else is logged by the service's own
 * logger.
 */
export async function bootstrapService(name: string, module: unknown): Promise<void> {
  await orExit(name, async () => {
    const app = await NestFactory.createApplicationContext(module as never, { logger: ['error', 'warn'], abortOnError: false });
    app.enableShutdownHooks();
  });
}

/**
 * Starts a phase service as a Nest microservice whose transport is PhaseTransport: its `@EventPattern` handlers
 * consume their topics. Start-up failures end the same way as bootstrapService's.
 */
export async function bootstrapPhase(name: string, module: unknown): Promise<void> {
  await orExit(name, async () => {
    const app = await NestFactory.createMicroservice<AsyncMicroserviceOptions>(module as never, {
      inject: [RUNTIME, ModuleRef],
      useFactory: (rt: Runtime, refs: ModuleRef) => ({ strategy: new PhaseTransport(rt, (token) => refs.get(token, { strict: false })) }),
      logger: ['error', 'warn'],
      abortOnError: false,
    });
    app.useGlobalFilters(new RethrowFilter());
    app.enableShutdownHooks();
    await app.listen();
  });
}

async function orExit(name: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof FerryError) {
      process.stderr.write(`${name}: ${e.message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${(e as Error).stack ?? String(e)}\n`);
    }
    // Settings that cannot work stay wrong however often the service starts again.
    process.exit(e instanceof ConfigError || (e instanceof FerryError && e.code === 'CONFIG') ? CONFIG_EXIT_CODE : 1);
  }
}
