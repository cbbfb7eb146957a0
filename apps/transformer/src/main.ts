import { bootstrapService } from '../../../libs/runtime/src';
import { TransformerModule } from './transformer.module';

void bootstrapService('transformer', TransformerModule);
