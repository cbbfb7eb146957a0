import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'crypto';
import { EntityRegistry, EntityTable } from '../metadata/entity-metadata';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { Queryable, RecordStore, StoredRecord, wholeSecondsNow } from '../store/record.store';
import { RecordAddress, keyOfData } from './alternate-key';
import { DataverseHttpError, Errors } from './dataverse-http.error';
import { ContentIdMap, LookupCache, LookupResolver } from './lookup.resolver';
import { PartyInput, PreparedPayload, applyState, checkStatusInState, clearedRequired, missingRequired, preparePayload } from './payload';

/** create = POST or If-None-Match: *; update = If-Match; upsert = PATCH without either. */
export type WriteMode = 'create' | 'update' | 'upsert';

export interface WriteScope {
  db: Queryable;
  lookups: LookupCache;
  contentIds?: ContentIdMap;
}

export interface GroupedUpsert {
  table: EntityTable;
  altKey: string;
  create: Record<string, unknown>;
  update: Record<string, unknown>;
  createdOn: string | null;
}

export interface WriteOutcome {
  row: StoredRecord;
  created: boolean;
}

/** The platform's create/update/upsert rules over the record store; one statement per write on the usual path. */
@Injectable()
export class RecordWriter {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    private readonly registry: EntityRegistry,
    private readonly store: RecordStore,
    private readonly resolver: LookupResolver,
  ) {}

  async write(
    scope: WriteScope,
    table: EntityTable,
    address: RecordAddress | null,
    body: unknown,
    mode: WriteMode,
    expectedVersion: string | null = null,
  ): Promise<WriteOutcome> {
    const payload = this.checkedPayload(table, body);
    for (const bind of payload.binds) {
      const value = await this.resolver.resolve(scope.db, scope.lookups, bind, scope.contentIds);
      payload.create[bind.nav.attribute.logicalName] = value;
      payload.update[bind.nav.attribute.logicalName] = value;
    }
    const parties = payload.parties ? await this.resolveParties(scope, payload.parties) : undefined;
    if (address?.kind === 'key' && address.secondary) {
      // A further alternate key: find the record through the key's index, then write it by id (or create it with
      // the key's values); the unique index refuses a concurrent duplicate.
      const existing = await this.store.getByKeyAddress(scope.db, table, address);
      if (existing) {
        if (mode === 'create') throw Errors.duplicateRecord();
        address = { kind: 'id', id: existing.id };
      } else {
        if (mode === 'update') throw Errors.keyNotFound(table.logicalName);
        for (const k of address.secondary.keyAttributes) payload.create[k] = address.values[k];
        address = null;
        mode = 'create';
      }
    }
    const { create, update, missing, createdOn } = this.finish(table, address, payload);
    await this.checkState(scope, table, address, mode, create, update);
    const now = wholeSecondsNow();
    const remember = async (row: StoredRecord, created: boolean): Promise<WriteOutcome> => {
      scope.lookups.remember(table, row.id, keyOfData(table, row.data));
      if (parties) await this.store.replaceParties(scope.db, table, row.id, parties, now);
      return { row, created };
    };

    if (mode === 'create' || address === null) {
      if (missing) throw Errors.requiredMissing(missing, table.logicalName);
      const id = address?.kind === 'id' ? address.id : (payload.id ?? randomUUID());
      const altKey = keyOfData(table, create);
      const row = await this.store.insert(scope.db, table, id, altKey, create, createdOn, now);
      if (!row) {
        if (mode === 'create' && address !== null) throw Errors.duplicateRecord();
        if (altKey !== null && (await this.store.keyHolder(scope.db, table, altKey, null))) {
          throw Errors.duplicateKey(table.key!.logicalName, table.key!.keyAttributes);
        }
        for (const key of table.meta.keys) {
          if (key === table.key || key.status !== 'Active' || !key.keyAttributes.every((a) => create[a] !== undefined && create[a] !== null && create[a] !== '')) continue;
          const values = Object.fromEntries(key.keyAttributes.map((a) => [a, create[a] as string]));
          if (await this.store.getByKeyAddress(scope.db, table, { kind: 'key', altKey: '', values, secondary: key })) throw Errors.duplicateKey(key.logicalName, key.keyAttributes);
        }
        throw Errors.duplicateRecord();
      }
      return remember(row, true);
    }

    const keyTouched = address.kind === 'id' && (table.key?.keyAttributes ?? []).some((k) => k in update);
    const patchKey = keyTouched && address.kind === 'id' ? await this.checkedPatchKey(scope.db, table, address.id, update) : null;

    if (mode === 'update' || missing) {
      const row =
        address.kind === 'id'
          ? await this.store.updateById(scope.db, table, address.id, update, keyTouched, patchKey, expectedVersion, now)
          : await this.store.updateByKey(scope.db, table, address.altKey, update, expectedVersion, now);
      if (row) return remember(row, false);
      if (mode === 'upsert' && missing) throw Errors.requiredMissing(missing, table.logicalName);
      if (expectedVersion !== null) {
        const exists = address.kind === 'id' ? await this.store.getById(scope.db, table, address.id) : await this.store.getByKeyAddress(scope.db, table, address);
        if (exists) throw Errors.versionMismatch();
      }
      throw address.kind === 'id' ? Errors.recordNotFound(table.logicalName, address.id) : Errors.keyNotFound(table.logicalName);
    }

    if (address.kind === 'id') {
      const insertKey = keyOfData(table, create);
      if (insertKey !== null && !keyTouched && (await this.store.keyHolder(scope.db, table, insertKey, address.id))) {
        throw Errors.duplicateKey(table.key!.logicalName, table.key!.keyAttributes);
      }
      const row = await this.store.upsertById(scope.db, table, address.id, insertKey, create, update, keyTouched, patchKey, createdOn, now);
      return remember(row, row.created);
    }
    const row = await this.store.upsertByKey(scope.db, table, randomUUID(), address.altKey, create, update, createdOn, now);
    return remember(row, row.created);
  }

  /** Resolves each party's bind (the three lookup errors apply) before anything is written. */
  private async resolveParties(scope: WriteScope, parties: PartyInput[]): Promise<{ party: { id: string; type: string }; mask: number; addressused?: string }[]> {
    const out = [];
    for (const p of parties) {
      const party = await this.resolver.resolve(scope.db, scope.lookups, p.bind, scope.contentIds);
      out.push({ party, mask: p.mask, addressused: p.addressused });
    }
    return out;
  }

  /**
   * statecode/statuscode: defaults on create, status within state. A status alone on an update (or an upsert that
   * finds the record) is checked against the record's current state.
   */
  private async checkState(
    scope: WriteScope,
    table: EntityTable,
    address: RecordAddress | null,
    mode: WriteMode,
    create: Record<string, unknown>,
    update: Record<string, unknown>,
  ): Promise<void> {
    if (!table.defaultState) return;
    if (applyState(table, update, false) === 'needs-current' && address !== null && mode !== 'create') {
      const row = address.kind === 'id' ? await this.store.getById(scope.db, table, address.id) : await this.store.getByKeyAddress(scope.db, table, address);
      if (row) {
        checkStatusInState(table, Number(row.data.statecode ?? table.defaultState.value), update.statuscode as number);
        // The record exists, so the create values only matter if it vanishes meanwhile: default them without judging.
        if (create.statecode === undefined) create.statecode = table.defaultState.value;
        return;
      }
    }
    applyState(table, create, true);
  }

  /**
   * Prepares a key upsert for a grouped statement, or returns undefined when it needs the one-by-one path: a lookup
   * not yet known to this execution, or a create that would lack a SystemRequired column.
   */
  prepareGroupedUpsert(scope: WriteScope, table: EntityTable, address: Extract<RecordAddress, { kind: 'key' }>, body: unknown): GroupedUpsert | undefined {
    const payload = this.checkedPayload(table, body);
    if (payload.parties || address.secondary) return undefined;
    for (const bind of payload.binds) {
      const value = this.resolver.resolveKnown(scope.lookups, bind);
      if (!value) return undefined;
      payload.create[bind.nav.attribute.logicalName] = value;
      payload.update[bind.nav.attribute.logicalName] = value;
    }
    const { create, update, missing, createdOn } = this.finish(table, address, payload);
    if (missing) return undefined;
    if (applyState(table, update, false) === 'needs-current') return undefined;
    applyState(table, create, true);
    return { table, altKey: address.altKey, create, update, createdOn };
  }

  /** Runs prepared key upserts of one table (distinct keys) as one statement; outcomes in input order. */
  async writeGrouped(scope: WriteScope, items: GroupedUpsert[]): Promise<WriteOutcome[]> {
    if (items.length === 0) return [];
    const table = items[0].table;
    const updates: Record<string, Record<string, unknown>> = {};
    for (const item of items) updates[item.altKey] = item.update;
    const rows = await this.store.upsertManyByKey(
      scope.db,
      table,
      items.map((i) => ({ id: randomUUID(), alt_key: i.altKey, ins: i.create, created_on: i.createdOn })),
      updates,
      wholeSecondsNow(),
    );
    const byKey = new Map(rows.map((r) => [r.alt_key, r]));
    return items.map((item) => {
      const row = byKey.get(item.altKey);
      if (!row) throw new Error(`grouped upsert returned no row for key '${item.altKey}'`);
      scope.lookups.remember(table, row.id, row.alt_key);
      return { row, created: row.created };
    });
  }

  private checkedPayload(table: EntityTable, body: unknown): PreparedPayload {
    if (table.meta.readOnly) throw new DataverseHttpError(405, '0x80060888', `The sandbox serves '${table.setName}' read-only.`);
    return preparePayload(this.registry, table, body, { maxUploadFileSize: this.options.maxUploadFileSize });
  }

  /** Owner default, key columns from the URL, and the SystemRequired checks, once lookups are resolved. */
  private finish(table: EntityTable, address: RecordAddress | null, payload: PreparedPayload) {
    const { create, update } = payload;
    if (table.attributes.has('ownerid')) create.ownerid ??= { id: this.options.defaultOwnerId, type: 'systemuser' };
    if (create.ownerid === null) delete create.ownerid;
    const cleared = clearedRequired(table, update);
    if (cleared) throw Errors.requiredMissing(cleared, table.logicalName);
    if (address?.kind === 'key') {
      // The key in the URL wins on create; key values in the body are ignored on update.
      for (const k of table.key?.keyAttributes ?? []) {
        create[k] = address.values[k];
        delete update[k];
      }
    }
    const createdOn = typeof create.overriddencreatedon === 'string' ? create.overriddencreatedon : null;
    return { create, update, missing: missingRequired(table, create), createdOn };
  }

  /** The key value an update by GUID sets, refused when another record already holds it. */
  private async checkedPatchKey(db: Queryable, table: EntityTable, id: string, update: Record<string, unknown>): Promise<string | null> {
    const key = keyOfData(table, update);
    if (key !== null && (await this.store.keyHolder(db, table, key, id))) {
      throw Errors.duplicateKey(table.key!.logicalName, table.key!.keyAttributes);
    }
    return key;
  }
}
