import { bootstrapService } from '@ferry/runtime';
import { TransformerModule } from './transformer.module';

void bootstrapService('transformer', TransformerModule);
