import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DEMO_USERS } from '@ferry/demo';
import { SANDBOX_LOGGER } from '../sandbox.tokens';
import { SfMetadata } from './sf-metadata.service';
import { STANDARD_STAGES } from './sf-objects';
import { Db, SfStore } from './sf-store';
import { sfDateTime, systemFields } from './sf-values';

export interface UserSpec {
  email: string;
  firstName?: string;
  lastName: string;
  username?: string;
  active: boolean;
}

/** An extra inactive user beside the demo users (one of which is disabled too): owner resolution must see both. */
const FORMER_OWNER: UserSpec = { email: 'former.owner@contoso-lending.example', firstName: 'Former', lastName: 'Owner', active: false };

/**
 * The org every reset starts from: the demo users (the first active one is the integration user the client
 * credentials run as), the Standard Price Book, the ten standard opportunity stages and the integration permission set.
 */
@Injectable()
export class SfSeed implements OnModuleInit {
  constructor(
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly store: SfStore,
    private readonly meta: SfMetadata,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.store.ensureTables();
    const seeded = await this.store.getMeta<boolean>(this.store.pool, 'seeded');
    if (!seeded) await this.store.transaction((db) => this.seed(db));
    await this.meta.refresh();
  }

  async reset(): Promise<void> {
    await this.store.transaction(async (db) => {
      await this.store.truncateAll(db);
      await this.seed(db);
    });
    await this.meta.refresh();
  }

  private async seed(db: Db): Promise<void> {
    const now = sfDateTime(new Date());
    const users: UserSpec[] = DEMO_USERS.map((u) => {
      const [first, ...rest] = u.fullname.split(' ');
      return { email: u.internalemailaddress, firstName: first, lastName: rest.join(' ') || first, active: !u.isdisabled };
    });
    let adminId: string | null = null;
    for (const u of [...users, FORMER_OWNER]) {
      const id = await this.addUser(db, u, adminId);
      adminId ??= id;
    }
    await this.store.putMeta(db, 'integrationUser', adminId);
    const sys = systemFields(now, adminId);
    const bookId = await this.store.newId(db, '01s');
    await this.store.insert(db, 'Pricebook2', bookId, { ...sys, Name: 'Standard Price Book', IsActive: true, IsStandard: true, Description: null });
    await this.store.setKeys(db, 'Pricebook2', bookId, []);
    let order = 1;
    for (const s of STANDARD_STAGES) {
      const id = await this.store.newId(db, '01J');
      await this.store.insert(db, 'OpportunityStage', id, {
        ...sys,
        MasterLabel: s.name,
        ApiName: s.name,
        IsActive: true,
        SortOrder: order++,
        IsClosed: s.closed,
        IsWon: s.won,
        ForecastCategoryName: s.forecast,
        DefaultProbability: s.probability,
      });
    }
    const psId = await this.store.newId(db, '0PS');
    await this.store.insert(db, 'PermissionSet', psId, { ...sys, Name: 'Ferry_Integration', Label: 'Ferry Integration', Description: 'Field access for the Ferry integration user' });
    await this.store.putMeta(db, 'seeded', true);
    this.logger.debug({ users: users.length + 1, integrationUser: adminId }, 'salesforce sandbox: org seeded');
  }

  async addUser(db: Db, u: UserSpec, createdBy: string | null): Promise<string> {
    const now = sfDateTime(new Date());
    const username = (u.username ?? u.email).toLowerCase();
    const existing = await this.store.findByKey(db, 'User', 'Username', username);
    if (existing.length) throw new Error(`user ${username} already exists (${existing[0]})`);
    const id = await this.store.newId(db, '005');
    const alias = `${(u.firstName ?? '').slice(0, 1)}${u.lastName}`.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 8) || 'user';
    await this.store.insert(db, 'User', id, {
      ...systemFields(now, createdBy ?? id),
      Username: username,
      Email: u.email,
      FirstName: u.firstName ?? null,
      LastName: u.lastName,
      Name: [u.firstName, u.lastName].filter(Boolean).join(' '),
      Alias: alias,
      IsActive: u.active,
      Title: null,
      FederationIdentifier: null,
    });
    await this.store.setKeys(db, 'User', id, [
      { field: 'Username', value: username },
      { field: 'Email', value: u.email.toLowerCase() },
    ]);
    return id;
  }

  async integrationUserId(): Promise<string> {
    const id = await this.store.getMeta<string>(this.store.pool, 'integrationUser');
    if (!id) throw new Error('the Salesforce sandbox org has no integration user; POST /_sandbox/salesforce/reset');
    return id;
  }

  async byUsername(username: string): Promise<{ id: string; active: boolean } | null> {
    const ids = await this.store.findByKey(this.store.pool, 'User', 'Username', username.toLowerCase());
    const row = ids[0] ? await this.store.get(this.store.pool, ids[0]) : null;
    return row ? { id: row.id, active: row.data.IsActive === true } : null;
  }
}
