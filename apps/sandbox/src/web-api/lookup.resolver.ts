import { Inject, Injectable } from '@nestjs/common';
import { EntityRegistry, EntityTable } from '../metadata/entity-metadata';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { Queryable, RecordStore } from '../store/record.store';
import { DataverseHttpError, Errors } from './dataverse-http.error';
import { RecordAddress } from './alternate-key';
import { Bind, BindRef, parseBindValue } from './payload';

/** A resolved lookup as stored in a record's document. */
export interface LookupValue {
  id: string;
  type: string;
}

/** Records one execution (a request, a batch, a bulk call) has already seen to exist. */
export class LookupCache {
  private readonly ids = new Set<string>();
  private readonly keys = new Map<string, string>();

  remember(table: EntityTable, id: string, altKey: string | null): void {
    this.ids.add(`${table.logicalName}|${id}`);
    if (altKey !== null) this.keys.set(`${table.logicalName}|${altKey}`, id);
  }

  hasId(table: EntityTable, id: string): boolean {
    return this.ids.has(`${table.logicalName}|${id}`);
  }

  idForKey(table: EntityTable, altKey: string): string | undefined {
    return this.keys.get(`${table.logicalName}|${altKey}`);
  }

  /** After a delete or a rolled-back change set, what was seen may no longer be true. */
  clear(): void {
    this.ids.clear();
    this.keys.clear();
  }
}

export type ContentIdMap = Map<string, { table: EntityTable; id: string }>;

@Injectable()
export class LookupResolver {
  private readonly users: Map<string, { isdisabled: boolean }>;

  constructor(
    @Inject(SANDBOX_OPTIONS) options: SandboxOptions,
    private readonly registry: EntityRegistry,
    private readonly store: RecordStore,
  ) {
    this.users = new Map(options.users.map((u) => [u.systemuserid.toLowerCase(), { isdisabled: u.isdisabled }]));
  }

  /** Resolves without the database: system users, or records this execution has already seen; undefined otherwise. */
  resolveKnown(cache: LookupCache, bind: Bind): LookupValue | undefined {
    const ref = bind.ref;
    if (ref.kind !== 'record') return undefined;
    const { table, address } = ref;
    if (table.logicalName === 'systemuser') return this.user(bind, address);
    if (address.kind === 'id') return cache.hasId(table, address.id) ? { id: address.id, type: table.logicalName } : undefined;
    const id = cache.idForKey(table, address.altKey);
    return id ? { id, type: table.logicalName } : undefined;
  }

  private user(bind: Bind, address: RecordAddress): LookupValue {
    if (address.kind !== 'id') throw Errors.invalidKey('systemuser');
    const user = this.users.get(address.id);
    if (!user) throw Errors.recordNotFound('systemuser', address.id);
    if (user.isdisabled && bind.nav.attribute.logicalName === 'ownerid') throw Errors.ownerDisabled();
    return { id: address.id, type: 'systemuser' };
  }

  async resolve(db: Queryable, cache: LookupCache, bind: Bind, contentIds?: ContentIdMap): Promise<LookupValue> {
    const target = bind.nav.target;
    const ref = bind.ref;
    if (ref.kind === 'content-id') {
      const found = contentIds?.get(ref.contentId);
      if (!found) throw Errors.badRequest(`Content-ID Reference: '$${ref.contentId}' does not exist in the batch context.`);
      if (found.table.logicalName !== target) {
        throw Errors.badRequest(`The navigation property '${bind.nav.name}' expects a reference to '${target}'; '$${ref.contentId}' is a '${found.table.logicalName}'.`);
      }
      return { id: found.id, type: target };
    }
    const { table, address } = ref;
    if (table.logicalName === 'systemuser') return this.user(bind, address);
    if (address.kind === 'id') {
      if (!cache.hasId(table, address.id)) {
        const row = await this.store.getById(db, table, address.id);
        if (!row) throw Errors.recordNotFound(table.logicalName, address.id);
        cache.remember(table, row.id, null);
      }
      return { id: address.id, type: table.logicalName };
    }
    let id = cache.idForKey(table, address.altKey);
    if (!id) {
      const row = await this.store.getByKeyAddress(db, table, address);
      if (!row) throw Errors.bindKeyNotFound(table.logicalName);
      id = row.id;
      cache.remember(table, id, address.altKey);
    }
    return { id, type: table.logicalName };
  }

  /** Looks up, one query per table, every record the bodies bind to, so the writes that follow need no extra round trip. */
  async prefetch(db: Queryable, cache: LookupCache, bodies: unknown[]): Promise<void> {
    const wanted = new Map<EntityTable, { ids: Set<string>; keys: Set<string> }>();
    for (const body of bodies) {
      if (!body || typeof body !== 'object') continue;
      for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
        if (typeof value !== 'string' || !name.endsWith('@odata.bind')) continue;
        const ref = this.tryParse(value);
        if (!ref || ref.kind !== 'record' || ref.table.logicalName === 'systemuser') continue;
        let entry = wanted.get(ref.table);
        if (!entry) wanted.set(ref.table, (entry = { ids: new Set(), keys: new Set() }));
        if (ref.address.kind === 'id') entry.ids.add(ref.address.id);
        else entry.keys.add(ref.address.altKey);
      }
    }
    for (const [table, { ids, keys }] of wanted) {
      for (const row of await this.store.findRefs(db, table, [...ids], [...keys])) cache.remember(table, row.id, row.alt_key);
    }
  }

  private tryParse(value: string): BindRef | undefined {
    const m = /([A-Za-z_][A-Za-z0-9_]*)\(/.exec(value.replace(/^[a-z]+:\/\/[^/]+/i, '').replace(/^\/?api\/data\/v[\d.]+\//i, ''));
    const table = m ? this.registry.bySetName(m[1]) : undefined;
    if (!table) return undefined;
    try {
      return parseBindValue(this.registry, { name: 'prefetch', attribute: { logicalName: 'prefetch', type: 'lookup' }, target: table.logicalName }, value);
    } catch (err) {
      if (err instanceof DataverseHttpError) return undefined;
      throw err;
    }
  }
}
