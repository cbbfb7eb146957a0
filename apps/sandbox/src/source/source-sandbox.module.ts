import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SourceAdminController } from './source-admin.controller';
import { SourceApiController } from './source-api.controller';
import { SourceApiService } from './source-api.service';
import { SourceConnectors } from './source-connectors';
import { SourceExceptionFilter } from './source-exception.filter';
import { SourceLoaderService } from './source-loader.service';
import { SourceMutationService } from './source-mutation.service';
import { SourceRecordStore } from './source-record.store';

/** The source CRMs' APIs, served beside the Dataverse emulator in the same process. */
@Module({})
export class SourceSandboxModule {
  static register(options: SandboxOptions, logger: Logger): DynamicModule {
    return {
      module: SourceSandboxModule,
      controllers: [SourceApiController, SourceAdminController],
      providers: [
        { provide: SANDBOX_OPTIONS, useValue: options },
        { provide: SANDBOX_LOGGER, useValue: logger },
        SourceExceptionFilter,
        SourceConnectors,
        SourceRecordStore,
        SourceApiService,
        SourceLoaderService,
        SourceMutationService,
      ],
    };
  }
}
