import { DynamicModule, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SfAdminController } from './sf-admin.controller';
import { SfApiController, SfNotFoundController } from './sf-api.controller';
import { SfApiService } from './sf-api.service';
import { SfAuthService } from './sf-auth.service';
import { SfBulkService } from './sf-bulk.service';
import { SfBulkQueryService } from './sf-bulk-query.service';
import { SfExceptionFilter } from './sf-exception.filter';
import { SfLimits } from './sf-limits.service';
import { SfMetadata } from './sf-metadata.service';
import { SfOrg } from './sf-org';
import { SfQueryService } from './sf-query.service';
import { SfRecords } from './sf-records.service';
import { SfSeed } from './sf-seed.service';
import { SfStore } from './sf-store';
import { SfToolingService } from './sf-tooling.service';
import { SfWriter } from './sf-writer';

/** The Salesforce org emulator, served under /salesforce beside the Dataverse one in the same process. */
@Module({})
export class SalesforceSandboxModule {
  static register(options: SandboxOptions, logger: Logger): DynamicModule {
    return {
      module: SalesforceSandboxModule,
      controllers: [SfApiController, SfAdminController, SfNotFoundController],
      providers: [
        { provide: SANDBOX_OPTIONS, useValue: options },
        { provide: SANDBOX_LOGGER, useValue: logger },
        // Order matters for onModuleInit: tables first, then the seed, then jobs left running.
        SfStore,
        SfOrg,
        SfMetadata,
        SfSeed,
        SfLimits,
        SfWriter,
        SfRecords,
        SfQueryService,
        SfBulkService,
        SfBulkQueryService,
        SfToolingService,
        SfAuthService,
        SfApiService,
        SfExceptionFilter,
      ],
    };
  }
}
