import { Module } from '@nestjs/common';
import { RuntimeModule } from '@ferry/runtime';
import { ReconcileHandler } from './reconcile.handler';
import { ObserveProvider } from './observe.provider';

@Module({ imports: [RuntimeModule.forService('reconciler')], controllers: [ReconcileHandler], providers: [ObserveProvider] })
export class ReconcilerModule {}
