import { Module } from '@nestjs/common';
import { loadConfig, settings } from '@ferry/config';
import { FerryError } from '@ferry/common';
import { DataverseClient } from '@ferry/dataverse';
import { RuntimeModule } from '@ferry/runtime';
import { OwnerDirectory } from './owner.directory';
import { ResolveHandler } from './resolve.handler';

/** The destination's users, read once at start-up: owners are matched against them by email. */
async function ownerDirectory(): Promise<OwnerDirectory> {
  const cfg = loadConfig([settings.dataverse, settings.resolver]);
  const client = new DataverseClient({
    baseUrl: cfg.DATAVERSE_URL,
    tokenUrl: cfg.DATAVERSE_TOKEN_URL,
    clientId: cfg.DATAVERSE_CLIENT_ID,
    clientSecret: cfg.DATAVERSE_CLIENT_SECRET,
    scope: cfg.DATAVERSE_SCOPE,
  });
  const users = [];
  try {
    for await (const u of client.listAll('systemusers', { select: ['systemuserid', 'internalemailaddress', 'isdisabled'] })) {
      users.push({ id: String(u.systemuserid), email: String(u.internalemailaddress ?? ''), disabled: Boolean(u.isdisabled) });
    }
  } catch (e) {
    throw new FerryError('DESTINATION_UNREACHABLE', `cannot read systemusers from ${cfg.DATAVERSE_URL}: ${(e as Error).message}`, 'fatal');
  }
  try {
    return new OwnerDirectory(users, cfg.FERRY_FALLBACK_OWNER_EMAIL);
  } catch (e) {
    throw new FerryError('FALLBACK_OWNER', (e as Error).message, 'fatal');
  }
}

@Module({
  imports: [RuntimeModule.forService('resolver')],
  providers: [{ provide: OwnerDirectory, useFactory: ownerDirectory }, ResolveHandler],
})
export class ResolverModule {}
