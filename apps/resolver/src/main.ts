import { bootstrapPhase } from '@ferry/runtime';
import { ResolverModule } from './resolver.module';

void bootstrapPhase('resolver', ResolverModule);
