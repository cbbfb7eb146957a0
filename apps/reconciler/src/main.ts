import { bootstrapService } from '@ferry/runtime';
import { ReconcilerModule } from './reconciler.module';

void bootstrapService('reconciler', ReconcilerModule);
