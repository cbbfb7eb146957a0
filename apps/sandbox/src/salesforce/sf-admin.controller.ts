import { Controller, Delete, Get, Headers, HttpCode, Inject, Patch, Post, Req, UnauthorizedException, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SfAuthService } from './sf-auth.service';
import { SfBulkService } from './sf-bulk.service';
import { SfBulkQueryService } from './sf-bulk-query.service';
import { SfHttpError } from './sf-errors';
import { SfExceptionFilter } from './sf-exception.filter';
import { Fault, SfLimits } from './sf-limits.service';
import { SfMetadata } from './sf-metadata.service';
import { settingsPatchSchema } from './sf-options';
import { SfOrg } from './sf-org';
import { SfQueryService } from './sf-query.service';
import { SfSeed } from './sf-seed.service';
import { SfStore } from './sf-store';

function badInput(message: string): SfHttpError {
  return new SfHttpError(400, [{ message, errorCode: 'INVALID_INPUT' }]);
}

function body(req: Request): unknown {
  const text = typeof req.body === 'string' ? req.body : '';
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw badInput('the body must be JSON');
  }
}

function zodMessage(err: z.ZodError): string {
  const i = err.issues[0];
  return `${i.path.join('.') || 'body'}: ${i.message}`;
}

const faultSchema = z
  .object({
    kind: z.enum(['429', '503', 'UNABLE_TO_LOCK_ROW', 'BULK_BATCH']),
    count: z.number().int().min(1).optional(),
    seconds: z.number().min(0).max(86400).optional(),
    retryAfter: z.number().int().min(0).optional(),
    object: z.string().min(1).optional(),
    failJob: z.boolean().optional(),
    retries: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((f) => f.count !== undefined || f.seconds !== undefined, 'give count (requests, records or batches) or seconds');

const userSchema = z
  .object({ email: z.string().email(), lastName: z.string().min(1), firstName: z.string().optional(), username: z.string().optional(), active: z.boolean().default(true) })
  .strict();

const usageSchema = z.object({ apiRequests: z.number().int().min(0).optional(), bulkRecords: z.number().int().min(0).optional() }).strict();

/** Demo and test controls of the Salesforce org; same guard as the other /_sandbox endpoints. */
@Controller('_sandbox/salesforce')
@UseFilters(SfExceptionFilter)
export class SfAdminController {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly org: SfOrg,
    private readonly seed: SfSeed,
    private readonly store: SfStore,
    private readonly limits: SfLimits,
    private readonly auth: SfAuthService,
    private readonly bulk: SfBulkService,
    private readonly bulkQuery: SfBulkQueryService,
    private readonly query: SfQueryService,
    private readonly meta: SfMetadata,
  ) {}

  /** Back to the seeded org: records, metadata, jobs, usage, faults and settings as configured at start. */
  @Post('reset')
  @HttpCode(200)
  async reset(@Headers('authorization') authz?: string) {
    this.authorize(authz);
    this.bulk.reset();
    this.bulkQuery.reset();
    this.query.reset();
    this.limits.reset();
    this.org.resetSettings();
    await this.seed.reset();
    const counts = await this.store.counts(this.store.pool);
    this.logger.info({ counts }, 'salesforce sandbox reset');
    return { reset: true, counts };
  }

  @Get('snapshot')
  async snapshot(@Headers('authorization') authz?: string) {
    this.authorize(authz);
    return { objects: await this.store.snapshot(this.store.pool) };
  }

  @Get('settings')
  settings(@Headers('authorization') authz?: string) {
    this.authorize(authz);
    return { settings: this.org.settings };
  }

  @Patch('settings')
  async patchSettings(@Req() req: Request, @Headers('authorization') authz?: string) {
    this.authorize(authz);
    const parsed = settingsPatchSchema.safeParse(body(req));
    if (!parsed.success) throw badInput(`settings: ${zodMessage(parsed.error)}`);
    const settings = this.org.update(parsed.data);
    if (parsed.data.strictFieldSecurity !== undefined || parsed.data.auditFieldsOnCreate !== undefined) await this.meta.refresh();
    this.logger.info({ changed: parsed.data }, 'salesforce sandbox settings changed');
    return { settings };
  }

  /**
   * Injects a fault: 429 / 503 for the next `count` REST requests or for `seconds`; UNABLE_TO_LOCK_ROW for the next
   * `count` record writes (of `object` if given); BULK_BATCH for the next `count` internal bulk batches.
   */
  @Post('faults')
  @HttpCode(200)
  faults(@Req() req: Request, @Headers('authorization') authz?: string) {
    this.authorize(authz);
    const parsed = faultSchema.safeParse(body(req));
    if (!parsed.success) throw badInput(`faults: ${zodMessage(parsed.error)}`);
    const f = parsed.data;
    const fault: Fault = {
      kind: f.kind,
      remaining: f.count,
      until: f.seconds !== undefined ? Date.now() + f.seconds * 1000 : undefined,
      retryAfterSeconds: f.retryAfter,
      object: f.object,
      failJob: f.failJob,
      retries: f.retries,
    };
    const active = this.limits.inject(fault);
    this.logger.warn({ fault }, 'salesforce sandbox: fault injected');
    return { faults: active };
  }

  @Get('faults')
  listFaults(@Headers('authorization') authz?: string) {
    this.authorize(authz);
    return { faults: this.limits.activeFaults() };
  }

  @Delete('faults')
  clearFaults(@Headers('authorization') authz?: string) {
    this.authorize(authz);
    this.limits.clearFaults();
    return { faults: [] };
  }

  @Post('users')
  @HttpCode(201)
  async users(@Req() req: Request, @Headers('authorization') authz?: string) {
    this.authorize(authz);
    const parsed = userSchema.safeParse(body(req));
    if (!parsed.success) throw badInput(`users: ${zodMessage(parsed.error)}`);
    const u = parsed.data;
    try {
      const id = await this.store.transaction((db) => this.seed.addUser(db, { email: u.email, firstName: u.firstName, lastName: u.lastName, username: u.username, active: u.active }, null));
      return { id, username: (u.username ?? u.email).toLowerCase(), active: u.active };
    } catch (err) {
      throw badInput(`users: ${(err as Error).message}`);
    }
  }

  @Get('stats')
  stats(@Headers('authorization') authz?: string) {
    this.authorize(authz);
    return this.limits.stats();
  }

  /** Sets what the rolling 24-hour counters hold, to reach a limit without sending that many requests. */
  @Post('usage')
  @HttpCode(200)
  usage(@Req() req: Request, @Headers('authorization') authz?: string) {
    this.authorize(authz);
    const parsed = usageSchema.safeParse(body(req));
    if (!parsed.success) throw badInput(`usage: ${zodMessage(parsed.error)}`);
    if (parsed.data.apiRequests !== undefined) this.limits.api.set(parsed.data.apiRequests);
    if (parsed.data.bulkRecords !== undefined) this.limits.bulkRecords.set(parsed.data.bulkRecords);
    return this.limits.stats();
  }

  /** Every access token issued so far stops working (401 INVALID_SESSION_ID); new ones work. */
  @Post('tokens/expire')
  @HttpCode(200)
  expireTokens(@Headers('authorization') authz?: string) {
    this.authorize(authz);
    this.auth.expireAll();
    return { expired: true };
  }

  private authorize(header: string | undefined): void {
    if (this.options.adminToken && header !== `Bearer ${this.options.adminToken}`) {
      throw new UnauthorizedException('the sandbox admin endpoints need Authorization: Bearer <SANDBOX_ADMIN_TOKEN>');
    }
  }
}
