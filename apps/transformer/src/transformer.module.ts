import { Module } from '@nestjs/common';
import { ConverterRegistry, leaf360DynamicsConverters } from '../../../libs/mapping/src';
import { RuntimeModule } from '../../../libs/runtime/src';
import { TransformHandler } from './transform.handler';

@Module({
  imports: [RuntimeModule.forService('transformer')],
  providers: [{ provide: ConverterRegistry, useFactory: () => new ConverterRegistry(leaf360DynamicsConverters()) }, TransformHandler],
})
export class TransformerModule {}
