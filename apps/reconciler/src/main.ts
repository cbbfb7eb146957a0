import { bootstrapService } from '../../../libs/runtime/src';
import { ReconcilerModule } from './reconciler.module';

void bootstrapService('reconciler', ReconcilerModule);
