import { bootstrapPhase } from '@ferry/runtime';
import { ReconcilerModule } from './reconciler.module';

void bootstrapPhase('reconciler', ReconcilerModule);
