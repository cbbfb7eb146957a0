import { Module } from '@nestjs/common';
import { RuntimeModule } from '../../../libs/runtime/src';
import { ExtractService } from './extract.service';

@Module({ imports: [RuntimeModule.forService('extractor')], providers: [ExtractService] })
export class ExtractorModule {}
