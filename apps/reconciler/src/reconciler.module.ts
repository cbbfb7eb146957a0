import { Module } from '@nestjs/common';
import { RuntimeModule } from '@ferry/runtime';
import { ReconcileHandler } from './reconcile.handler';

@Module({ imports: [RuntimeModule.forService('reconciler')], controllers: [ReconcileHandler] })
export class ReconcilerModule {}
