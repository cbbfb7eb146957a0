import { bootstrapPhase } from '@ferry/runtime';
import { TransformerModule } from './transformer.module';

void bootstrapPhase('transformer', TransformerModule);
