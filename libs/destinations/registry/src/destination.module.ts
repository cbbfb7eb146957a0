import { DynamicModule, Module } from '@nestjs/common';
import { DESTINATION, Destination } from '@ferry/destinations/core';
import { Runtime, RUNTIME } from '@ferry/runtime';
import { createDestination } from './destination.registry';

/** Provides the migration's destination (as its confirmed map names it) to a service's handlers. */
@Module({})
export class DestinationModule {
  static forRuntime(): DynamicModule {
    return {
      module: DestinationModule,
      providers: [{ provide: DESTINATION, inject: [RUNTIME], useFactory: (rt: Runtime) => watched(rt, createDestination(rt.plan.destination, rt.plan.keyColumn, process.env, rt.logger)) }],
      exports: [DESTINATION],
    };
  }
}

/** The service's metrics read the destination client's request, retry and 429 counters. */
function watched(rt: Runtime, destination: Destination): Destination {
  rt.metrics.watchDestination(destination.system, () => destination.requestCounts?.() ?? null);
  return destination;
}
