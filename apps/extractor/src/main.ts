import { sourceSettings } from '@ferry/config';
import { bootstrapService } from '@ferry/runtime';
import { ExtractorModule } from './extractor.module';

try {
  sourceSettings();
} catch (e) {
  process.stderr.write(`extractor: ${(e as Error).message}\n`);
  process.exit(1);
}
void bootstrapService('extractor', ExtractorModule);
