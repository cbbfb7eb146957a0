import { Module } from '@nestjs/common';
import { loadConfig, settings } from '@ferry/config';
import { RuntimeModule } from '@ferry/runtime';
import { ExtractService } from './extract.service';

const producerThread = () => loadConfig([settings.extractor]).FERRY_PRODUCER_THREAD === 'true';

@Module({ imports: [RuntimeModule.forService('extractor', { producerThread })], providers: [ExtractService] })
export class ExtractorModule {}
