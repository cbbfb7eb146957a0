import { DynamicModule, Module } from '@nestjs/common';
import { DESTINATION } from '@ferry/destinations/core';
import { Runtime, RUNTIME } from '@ferry/runtime';
import { createDestination } from './destination.registry';

/** Provides the migration's destination (as its confirmed map names it) to a service's handlers. */
@Module({})
export class DestinationModule {
  static forRuntime(): DynamicModule {
    return {
      module: DestinationModule,
      providers: [{ provide: DESTINATION, inject: [RUNTIME], useFactory: (rt: Runtime) => createDestination(rt.plan.destination, rt.plan.keyColumn, process.env, rt.logger) }],
      exports: [DESTINATION],
    };
  }
}
