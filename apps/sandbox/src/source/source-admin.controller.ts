import { Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SourceApiService } from './source-api.service';
import { SourceConnectors } from './source-connectors';
import { SourceExceptionFilter } from './source-exception.filter';
import { SourceErrors } from './source-http.error';
import { LoadResult, SourceLoaderService } from './source-loader.service';
import { AppliedChange, SourceMutationService } from './source-mutation.service';
import { LoggedChange, SourceRecordStore } from './source-record.store';

/** Loads, resets, inspects and changes the served source data; same admin-token rules as the other /_sandbox endpoints. */
@Controller('_sandbox/sources')
@UseFilters(SourceExceptionFilter)
export class SourceAdminController {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly connectors: SourceConnectors,
    private readonly store: SourceRecordStore,
    private readonly loader: SourceLoaderService,
    private readonly mutation: SourceMutationService,
    private readonly api: SourceApiService,
  ) {}

  @Get()
  async overview(@Headers('authorization') auth?: string): Promise<{ systems: string[]; changesPerSecond: number }> {
    this.authorize(auth);
    return { systems: this.connectors.systems(), changesPerSecond: this.mutation.changesPerSecond };
  }

  /** Starts, changes or stops (0) the background changes; answers once no change is still being written. */
  @Post('mutation')
  @HttpCode(200)
  async setMutation(@Req() req: Request, @Headers('authorization') auth?: string): Promise<{ changesPerSecond: number }> {
    this.authorize(auth);
    const body = jsonBody(req, 'mutation');
    const rate = body.changesPerSecond;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) throw SourceErrors.badRequest('mutation: changesPerSecond must be a number of at least 0');
    await this.mutation.changeRate(rate);
    return { changesPerSecond: this.mutation.changesPerSecond };
  }

  @Post(':system/load')
  @HttpCode(200)
  async load(@Param('system') system: string, @Req() req: Request, @Headers('authorization') auth?: string): Promise<LoadResult> {
    this.authorize(auth);
    const body = jsonBody(req, `load ${system}`);
    if (typeof body.dir !== 'string' || body.dir === '') throw SourceErrors.badRequest(`load ${system}: the body must be {"dir": "<export folder>"}`);
    const result = await this.loader.load(system, body.dir);
    this.logger.info({ system, dir: body.dir, records: result.records, ms: result.ms }, 'source sandbox: export loaded');
    return result;
  }

  @Post(':system/reset')
  @HttpCode(200)
  async reset(@Param('system') system: string, @Headers('authorization') auth?: string): Promise<{ reset: true; system: string }> {
    this.authorize(auth);
    this.connectors.get(system);
    await this.store.reset(system);
    this.api.limiter.reset(system);
    this.loader.notify();
    this.logger.info({ system }, 'source sandbox: system reset');
    return { reset: true, system };
  }

  @Get(':system/stats')
  async stats(@Param('system') system: string, @Headers('authorization') auth?: string): Promise<{ system: string; streams: Record<string, { live: number; deleted: number }> }> {
    this.authorize(auth);
    this.connectors.get(system);
    return { system, streams: await this.store.counts(system) };
  }

  /** The logged changes with a modified time at or after `since`, oldest first. */
  @Get(':system/changes')
  async changes(
    @Param('system') system: string,
    @Query('since') since?: string,
    @Query('stream') stream?: string,
    @Query('limit') limit?: string,
    @Headers('authorization') auth?: string,
  ): Promise<{ system: string; since: number; changes: LoggedChange[]; truncated: boolean }> {
    this.authorize(auth);
    this.connectors.get(system);
    const from = since === undefined ? 0 : Number(since);
    if (!Number.isInteger(from) || from < 0) throw SourceErrors.badRequest(`changes: since must be epoch milliseconds, got "${since}"`);
    const max = limit === undefined ? 100_000 : Number(limit);
    if (!Number.isInteger(max) || max < 1) throw SourceErrors.badRequest(`changes: limit must be a whole number of at least 1, got "${limit}"`);
    const rows = await this.store.changes(system, from, stream || undefined, max + 1);
    return { system, since: from, changes: rows.slice(0, max), truncated: rows.length > max };
  }

  @Post(':system/mutate')
  @HttpCode(200)
  async mutate(@Param('system') system: string, @Req() req: Request, @Headers('authorization') auth?: string): Promise<{ system: string; changes: AppliedChange[] }> {
    this.authorize(auth);
    const body = jsonBody(req, `mutate ${system}`);
    const count = (k: string) => (body[k] === undefined ? 0 : body[k]) as number;
    const changes = await this.mutation.burst(system, {
      creates: count('creates'),
      updates: count('updates'),
      deletes: count('deletes'),
      sameMillisecond: body.sameMillisecond === true,
    });
    return { system, changes };
  }

  private authorize(header: string | undefined): void {
    if (this.options.adminToken && header !== `Bearer ${this.options.adminToken}`) {
      throw SourceErrors.unauthorized('the sandbox admin endpoints need Authorization: Bearer <SANDBOX_ADMIN_TOKEN>');
    }
  }
}

/** The sandbox reads every body as text; these endpoints take a JSON object (or nothing). */
function jsonBody(req: Request, what: string): Record<string, unknown> {
  const text = typeof req.body === 'string' ? req.body.trim() : '';
  if (text === '') return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    /* answered below */
  }
  throw SourceErrors.badRequest(`${what}: the body must be a JSON object`);
}
