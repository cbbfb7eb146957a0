import { Controller, Get, Headers, HttpCode, Inject, Post, UnauthorizedException } from '@nestjs/common';
import type { Logger } from 'pino';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import type { SandboxOptions } from '../sandbox.options';
import { MetadataService } from '../metadata/metadata.service';
import { RecordStore, SandboxSnapshot } from '../store/record.store';
import { ThrottleService } from '../throttle/throttle.service';

/** Demo and test controls, outside the Web API path; open on loopback, behind SANDBOX_ADMIN_TOKEN when that is set. */
@Controller('_sandbox')
export class AdminController {
  constructor(
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    private readonly store: RecordStore,
    private readonly throttle: ThrottleService,
    private readonly metadata: MetadataService,
  ) {}

  @Post('reset')
  @HttpCode(200)
  async reset(@Headers('authorization') auth?: string): Promise<{ reset: true; counts: Record<string, number> }> {
    this.authorize(auth);
    await this.metadata.reset();
    await this.store.reset();
    this.throttle.reset();
    const counts = await this.store.counts();
    this.logger.info({ counts }, 'sandbox reset');
    return { reset: true, counts };
  }

  @Get('stats')
  async stats(@Headers('authorization') auth?: string): Promise<{ counts: Record<string, number> }> {
    this.authorize(auth);
    return { counts: await this.store.counts() };
  }

  /** Read-only: every row of every table (records, then N:N links), sorted by table and id. */
  @Get('snapshot')
  async snapshot(@Headers('authorization') auth?: string): Promise<SandboxSnapshot> {
    this.authorize(auth);
    return this.store.snapshot();
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  private authorize(header: string | undefined): void {
    if (this.options.adminToken && header !== `Bearer ${this.options.adminToken}`) {
      throw new UnauthorizedException('the sandbox admin endpoints need Authorization: Bearer <SANDBOX_ADMIN_TOKEN>');
    }
  }
}
