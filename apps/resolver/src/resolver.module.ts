import { Module } from '@nestjs/common';
import { loadConfig, settings } from '@ferry/config';
import { FerryError } from '@ferry/common';
import { DESTINATION, Destination } from '@ferry/destinations/core';
import { DestinationModule } from '@ferry/destinations/registry';
import { RuntimeModule } from '@ferry/runtime';
import { OwnerDirectory } from './owner.directory';
import { ResolveHandler } from './resolve.handler';

/** The destination's users, read once at start-up: owners are matched against them by email. */
async function ownerDirectory(destination: Destination): Promise<OwnerDirectory> {
  const cfg = loadConfig([settings.resolver]);
  let users;
  try {
    users = await destination.users();
  } catch (e) {
    throw new FerryError('DESTINATION_UNREACHABLE', `cannot read the users of the ${destination.system} destination: ${(e as Error).message}`, 'fatal');
  }
  try {
    return new OwnerDirectory(users, cfg.FERRY_FALLBACK_OWNER_EMAIL);
  } catch (e) {
    throw new FerryError('FALLBACK_OWNER', (e as Error).message, 'fatal');
  }
}

@Module({
  imports: [RuntimeModule.forService('resolver'), DestinationModule.forRuntime()],
  providers: [{ provide: OwnerDirectory, inject: [DESTINATION], useFactory: ownerDirectory }],
  controllers: [ResolveHandler],
})
export class ResolverModule {}
