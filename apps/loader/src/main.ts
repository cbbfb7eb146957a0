import { bootstrapService } from '@ferry/runtime';
import { LoaderModule } from './loader.module';

void bootstrapService('loader', LoaderModule);
