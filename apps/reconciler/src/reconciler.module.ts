import { Module } from '@nestjs/common';
import { RuntimeModule } from '../../../libs/runtime/src';
import { ReconcileHandler } from './reconcile.handler';

@Module({ imports: [RuntimeModule.forService('reconciler')], providers: [ReconcileHandler] })
export class ReconcilerModule {}
