import { Module } from '@nestjs/common';
import { loadConfig, settings } from '@ferry/config';
import { DataverseClient } from '@ferry/dataverse';
import { RuntimeModule } from '@ferry/runtime';
import { DATAVERSE, LOAD_BATCH_SIZE, LoadHandler } from './load.handler';

const cfg = () => loadConfig([settings.dataverse, settings.loader]);

@Module({
  imports: [RuntimeModule.forService('loader')],
  providers: [
    {
      provide: DATAVERSE,
      useFactory: () => {
        const c = cfg();
        return new DataverseClient({
          baseUrl: c.DATAVERSE_URL,
          tokenUrl: c.DATAVERSE_TOKEN_URL,
          clientId: c.DATAVERSE_CLIENT_ID,
          clientSecret: c.DATAVERSE_CLIENT_SECRET,
          scope: c.DATAVERSE_SCOPE,
        });
      },
    },
    { provide: LOAD_BATCH_SIZE, useFactory: () => cfg().FERRY_LOAD_BATCH_SIZE },
    LoadHandler,
  ],
})
export class LoaderModule {}
