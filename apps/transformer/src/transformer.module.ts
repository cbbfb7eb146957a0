import { Module } from '@nestjs/common';
import { ConverterRegistry, leaf360DynamicsConverters } from '@ferry/mapping';
import { RuntimeModule } from '@ferry/runtime';
import { TransformHandler } from './transform.handler';

@Module({
  imports: [RuntimeModule.forService('transformer')],
  providers: [{ provide: ConverterRegistry, useFactory: () => new ConverterRegistry(leaf360DynamicsConverters()) }, TransformHandler],
})
export class TransformerModule {}
