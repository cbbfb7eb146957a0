import { bootstrapService } from '../../../libs/runtime/src';
import { LoaderModule } from './loader.module';

void bootstrapService('loader', LoaderModule);
