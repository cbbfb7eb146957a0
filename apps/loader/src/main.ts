import { bootstrapPhase } from '@ferry/runtime';
import { LoaderModule } from './loader.module';

void bootstrapPhase('loader', LoaderModule);
