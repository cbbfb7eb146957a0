import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, Inject, Post, UnauthorizedException } from '@nestjs/common';
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

  /** Per table: rows, distinct alternate-key values, rows without one: a record held twice shows as rows > keys. */
  @Get('keys')
  async keys(@Headers('authorization') auth?: string): Promise<{ tables: Record<string, { rows: number; keys: number; unkeyed: number }> }> {
    this.authorize(auth);
    return { tables: await this.store.keyCounts() };
  }

  /**
   * Starts a storm: every Web API request is refused with 429 (service protection) or 503 for `seconds`, with
   * Retry-After `retryAfter` (default SANDBOX_STORM_RETRY_AFTER). `seconds: 0` ends it.
   */
  @Post('storm')
  @HttpCode(200)
  storm(@Body() body: { status?: number; seconds?: number; retryAfter?: number }, @Headers('authorization') auth?: string) {
    this.authorize(auth);
    const status = body?.status ?? 429;
    const seconds = Number(body?.seconds ?? 60);
    if (status !== 429 && status !== 503) throw new BadRequestException('status must be 429 or 503');
    if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600) throw new BadRequestException('seconds must be 0 to 3600');
    const retryAfter = body?.retryAfter === undefined ? undefined : Number(body.retryAfter);
    if (retryAfter !== undefined && (!Number.isInteger(retryAfter) || retryAfter < 0)) throw new BadRequestException('retryAfter must be a whole number of seconds');
    const storm = this.throttle.startStorm(status, seconds, retryAfter);
    this.logger.warn({ storm }, seconds > 0 ? `storm: every Web API request answers ${status} for ${seconds} s` : 'storm ended');
    return { storm: this.throttle.stormState() };
  }

  /** Service protection as the sandbox applied it: the limits, and per user what was admitted, refused and spent. */
  @Get('throttle')
  throttleUsage(@Headers('authorization') auth?: string) {
    this.authorize(auth);
    return { limits: this.throttle.limits, users: this.throttle.usage() };
  }

  @Get('storm')
  stormState(@Headers('authorization') auth?: string) {
    this.authorize(auth);
    return { storm: this.throttle.stormState() };
  }

  @Delete('storm')
  endStorm(@Headers('authorization') auth?: string) {
    this.authorize(auth);
    this.throttle.startStorm(429, 0);
    return { storm: null };
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
