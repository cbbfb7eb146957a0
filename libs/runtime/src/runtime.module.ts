import { DynamicModule, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { Runtime } from './runtime';

export const RUNTIME = Symbol('RUNTIME');

@Injectable()
class RuntimeCloser implements OnApplicationShutdown {
  constructor(@Inject(RUNTIME) private readonly rt: Runtime) {}
  async onApplicationShutdown(): Promise<void> {
    await this.rt.close();
  }
}

/** Thin Nest wiring around Runtime: one global provider, closed when the application shuts down. */
@Module({})
export class RuntimeModule {
  static forService(service: string, options: { producerThread?: () => boolean } = {}): DynamicModule {
    return {
      module: RuntimeModule,
      global: true,
      providers: [{ provide: RUNTIME, useFactory: () => Runtime.create(service, { watchStartup: true, producerThread: options.producerThread?.() ?? false }) }, RuntimeCloser],
      exports: [RUNTIME],
    };
  }
}
