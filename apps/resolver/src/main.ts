import { bootstrapService } from '../../../libs/runtime/src';
import { ResolverModule } from './resolver.module';

void bootstrapService('resolver', ResolverModule);
