import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { Logger } from 'pino';
import { AdminController } from './admin/admin.controller';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { TokenController } from './auth/token.controller';
import { TokenService } from './auth/token.service';
import { EntityRegistry } from './metadata/entity-metadata';
import { MetadataService } from './metadata/metadata.service';
import { MetadataApi } from './web-api/metadata.api';
import { RelationshipService } from './web-api/relationships';
import { SandboxOptions } from './sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from './sandbox.tokens';
import { SourceSandboxModule } from './source/source-sandbox.module';
import { SalesforceSandboxModule } from './salesforce/salesforce.module';
import { RecordStore } from './store/record.store';
import { ThrottleGuard } from './throttle/throttle.guard';
import { ThrottleService } from './throttle/throttle.service';
import { BatchService } from './web-api/batch.service';
import { DataverseExceptionFilter } from './web-api/dataverse-exception.filter';
import { LookupResolver } from './web-api/lookup.resolver';
import { RecordWriter } from './web-api/record.writer';
import { WebApiController } from './web-api/web-api.controller';
import { WebApiService } from './web-api/web-api.service';

@Module({})
export class SandboxModule {
  static forRoot(options: SandboxOptions, logger: Logger): DynamicModule {
    return {
      module: SandboxModule,
      imports: [SourceSandboxModule.register(options, logger), SalesforceSandboxModule.register(options, logger)],
      controllers: [TokenController, WebApiController, AdminController],
      providers: [
        { provide: SANDBOX_OPTIONS, useValue: options },
        { provide: SANDBOX_LOGGER, useValue: logger },
        { provide: EntityRegistry, useValue: new EntityRegistry() },
        { provide: APP_FILTER, useClass: DataverseExceptionFilter },
        RecordStore,
        MetadataService,
        MetadataApi,
        RelationshipService,
        TokenService,
        ThrottleService,
        LookupResolver,
        RecordWriter,
        WebApiService,
        BatchService,
        BearerAuthGuard,
        ThrottleGuard,
      ],
    };
  }
}
