import { Module } from '@nestjs/common';
import { RuntimeModule } from '@ferry/runtime';
import { TransformHandler } from './transform.handler';

@Module({
  imports: [RuntimeModule.forService('transformer')],
  controllers: [TransformHandler],
})
export class TransformerModule {}
