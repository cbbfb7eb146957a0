import { Module } from '@nestjs/common';
import { loadConfig, settings } from '@ferry/config';
import { DestinationModule } from '@ferry/destinations/registry';
import { RuntimeModule } from '@ferry/runtime';
import { LOAD_BATCH_SIZE, LoadHandler } from './load.handler';

@Module({
  imports: [RuntimeModule.forService('loader'), DestinationModule.forRuntime()],
  providers: [{ provide: LOAD_BATCH_SIZE, useFactory: () => loadConfig([settings.loader]).FERRY_LOAD_BATCH_SIZE }],
  controllers: [LoadHandler],
})
export class LoaderModule {}
