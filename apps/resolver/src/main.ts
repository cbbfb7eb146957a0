import { bootstrapService } from '@ferry/runtime';
import { ResolverModule } from './resolver.module';

void bootstrapService('resolver', ResolverModule);
