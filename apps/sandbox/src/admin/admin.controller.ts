import { Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { RecordStore } from '../store/record.store';
import { ThrottleService } from '../throttle/throttle.service';

/** Demo and test controls, outside the Web API path and without authentication (the sandbox binds to loopback). */
@Controller('_sandbox')
export class AdminController {
  constructor(
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly store: RecordStore,
    private readonly throttle: ThrottleService,
  ) {}

  @Post('reset')
  @HttpCode(200)
  async reset(): Promise<{ reset: true; counts: Record<string, number> }> {
    await this.store.reset();
    this.throttle.reset();
    const counts = await this.store.counts();
    this.logger.info({ counts }, 'sandbox reset');
    return { reset: true, counts };
  }

  @Get('stats')
  async stats(): Promise<{ counts: Record<string, number> }> {
    return { counts: await this.store.counts() };
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
