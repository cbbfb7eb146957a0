import { Module } from '@nestjs/common';
import { loadConfig, settings } from '@ferry/config';
import { FerryError } from '@ferry/common';
import { DESTINATION, Destination } from '@ferry/destinations/core';
import { DestinationModule } from '@ferry/destinations/registry';
import { OwnerRepository, type TableStatisticsOptions } from '@ferry/persistence';
import { Runtime, RUNTIME, RuntimeModule } from '@ferry/runtime';
import { OwnerDirectory } from './owner.directory';
import { OWNER_OPTIONS, OwnerOptions, ResolveHandler, STATISTICS_OPTIONS } from './resolve.handler';

/** The destination's users and the owners a person mapped by hand, read at start-up and refreshed while running. */
async function ownerDirectory(destination: Destination, rt: Runtime): Promise<OwnerDirectory> {
  const cfg = loadConfig([settings.resolver]);
  let users;
  try {
    users = await destination.users();
  } catch (e) {
    throw new FerryError('DESTINATION_UNREACHABLE', `cannot read the users of the ${destination.system} destination: ${(e as Error).message}`, 'fatal');
  }
  const manual = await new OwnerRepository(rt.db, rt.migration).mappings();
  // A fallback owner the destination does not have is a setting to fix (CONFIG): the run stops rather than restarting.
  return new OwnerDirectory(users, cfg.FERRY_FALLBACK_OWNER_EMAIL, manual);
}

function ownerOptions(): OwnerOptions {
  const cfg = loadConfig([settings.resolver]);
  return { policy: cfg.FERRY_OWNER_POLICY, refreshMs: cfg.FERRY_OWNER_REFRESH_S * 1000 };
}

function statisticsOptions(): TableStatisticsOptions {
  const cfg = loadConfig([settings.resolver]);
  return { intervalMs: cfg.FERRY_ANALYZE_INTERVAL_S * 1000, changedRows: cfg.FERRY_ANALYZE_ROWS };
}

@Module({
  imports: [RuntimeModule.forService('resolver'), DestinationModule.forRuntime()],
  providers: [
    { provide: OwnerDirectory, inject: [DESTINATION, RUNTIME], useFactory: ownerDirectory },
    { provide: OWNER_OPTIONS, useFactory: ownerOptions },
    { provide: STATISTICS_OPTIONS, useFactory: statisticsOptions },
  ],
  controllers: [ResolveHandler],
})
export class ResolverModule {}
