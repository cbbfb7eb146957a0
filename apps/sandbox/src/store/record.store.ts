import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import { EntityRegistry, EntityTable } from '../metadata/entity-metadata';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { DataverseHttpError, Errors } from '../web-api/dataverse-http.error';
import { RecordAddress, secondaryIndexName } from '../web-api/alternate-key';

export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(config: QueryConfig): Promise<QueryResult<R>>;
}

export interface StoredRecord {
  id: string;
  data: Record<string, unknown>;
  createdon: Date;
  modifiedon: Date;
  versionnumber: string;
}

export interface UpsertedRecord extends StoredRecord {
  created: boolean;
}

const RETURNING = 'RETURNING id, data, createdon, modifiedon, versionnumber';

/** Timestamps are kept to whole seconds because the platform returns them without milliseconds. */
export function wholeSecondsNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

export interface SandboxSnapshot {
  records: { entity: string; id: string; alt_key: string | null; data: Record<string, unknown>; createdon: string; modifiedon: string; versionnumber: string }[];
  associations: { relationship: string; id1: string; id2: string }[];
}

/**
 * Every table's rows in one generic table: (entity, id) identifies a record, `alt_key` holds the canonical value of
 * the table's alternate key and a unique index enforces it, `data` holds the columns. One statement per write.
 */
@Injectable()
export class RecordStore implements OnModuleInit, OnModuleDestroy {
  readonly pool: Pool;
  private readonly table: string;
  private readonly associations: string;
  private readonly sequence: string;
  private readonly prefix: string;

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly registry: EntityRegistry,
  ) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize });
    this.pool.on('error', (err) => this.logger.warn({ err }, 'idle database connection failed'));
    this.table = `"${options.schema}".records`;
    this.associations = `"${options.schema}".associations`;
    this.sequence = `"${options.schema}".version_seq`;
    this.prefix = `sbx_${options.schema}_`;
  }

  async onModuleInit(): Promise<void> {
    await this.ensureSchema();
    await this.seedUsers(false);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  private async ensureSchema(): Promise<void> {
    const s = `"${this.options.schema}"`;
    // Several sandboxes may start together against one database; the advisory lock serialises their DDL.
    await this.transaction(async (db) => {
      await db.query({ text: 'SELECT pg_advisory_xact_lock(hashtext($1))', values: [`ferry-sandbox:${this.options.schema}`] });
      await db.query({ text: `CREATE SCHEMA IF NOT EXISTS ${s}` });
      await db.query({ text: `CREATE SEQUENCE IF NOT EXISTS ${this.sequence}` });
      await db.query({
        text: `CREATE TABLE IF NOT EXISTS ${this.table} (
          entity text NOT NULL,
          id uuid NOT NULL,
          alt_key text,
          data jsonb NOT NULL,
          createdon timestamptz NOT NULL,
          modifiedon timestamptz NOT NULL,
          versionnumber bigint NOT NULL,
          PRIMARY KEY (entity, id))`,
      });
      await db.query({ text: `CREATE UNIQUE INDEX IF NOT EXISTS records_alt_key_uq ON ${this.table} (entity, alt_key) WHERE alt_key IS NOT NULL` });
      await db.query({
        text: `CREATE TABLE IF NOT EXISTS ${this.associations} (
          relationship text NOT NULL, id1 uuid NOT NULL, id2 uuid NOT NULL, PRIMARY KEY (relationship, id1, id2))`,
      });
    });
    this.logger.debug({ schema: this.options.schema }, 'sandbox tables ready');
  }

  async transaction<T>(fn: (db: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  private async run<R extends QueryResultRow>(db: Queryable, name: string, text: string, values: unknown[], entity?: EntityTable): Promise<R[]> {
    try {
      const res = await db.query<R>({ name: this.prefix + name, text, values });
      return res.rows;
    } catch (err) {
      const pgErr = err as { code?: string; constraint?: string };
      if (pgErr.code === '23505' && entity?.key && pgErr.constraint === 'records_alt_key_uq') {
        const e = Errors.duplicateKey(entity.key.logicalName, entity.key.keyAttributes);
        throw new DataverseHttpError(e.status, e.code, e.message, {}, true);
      }
      const further = pgErr.code === '23505' ? entity?.meta.keys.find((k) => secondaryIndexName(entity.logicalName, k.logicalName) === pgErr.constraint) : undefined;
      if (further) {
        const e = Errors.duplicateKey(further.logicalName, further.keyAttributes);
        throw new DataverseHttpError(e.status, e.code, e.message, {}, true);
      }
      throw err;
    }
  }

  async insert(
    db: Queryable,
    entity: EntityTable,
    id: string,
    altKey: string | null,
    data: Record<string, unknown>,
    createdOn: string | null,
    now: Date,
  ): Promise<StoredRecord | null> {
    const rows = await this.run<StoredRecord>(
      db,
      'insert',
      `INSERT INTO ${this.table} (entity, id, alt_key, data, createdon, modifiedon, versionnumber)
       VALUES ($1, $2, $3, $4, COALESCE($5::timestamptz, $6), $6, nextval('${this.sequence}'))
       ON CONFLICT DO NOTHING ${RETURNING}`,
      [entity.logicalName, id, altKey, data, createdOn, now],
      entity,
    );
    return rows[0] ?? null;
  }

  /** Creates or merges by alternate key in one statement; concurrent callers serialise on the unique index. */
  async upsertByKey(
    db: Queryable,
    entity: EntityTable,
    newId: string,
    altKey: string,
    insertData: Record<string, unknown>,
    patch: Record<string, unknown>,
    createdOn: string | null,
    now: Date,
  ): Promise<UpsertedRecord> {
    const rows = await this.run<UpsertedRecord>(
      db,
      'upsert_key',
      `INSERT INTO ${this.table} AS r (entity, id, alt_key, data, createdon, modifiedon, versionnumber)
       VALUES ($1, $2, $3, $4, COALESCE($6::timestamptz, $7), $7, nextval('${this.sequence}'))
       ON CONFLICT (entity, alt_key) WHERE alt_key IS NOT NULL
       DO UPDATE SET data = r.data || $5::jsonb, modifiedon = EXCLUDED.modifiedon, versionnumber = EXCLUDED.versionnumber
       ${RETURNING}, (xmax = 0) AS created`,
      [entity.logicalName, newId, altKey, insertData, patch, createdOn, now],
      entity,
    );
    return rows[0];
  }

  /**
   * Many key upserts of one table in one statement. Keys must be distinct (a statement cannot touch a row twice);
   * `updates` maps each key to the columns an existing record receives. Rows go in key order so concurrent
   * batches lock in the same order and do not deadlock each other.
   */
  async upsertManyByKey(
    db: Queryable,
    entity: EntityTable,
    rows: { id: string; alt_key: string; ins: Record<string, unknown>; created_on: string | null }[],
    updates: Record<string, Record<string, unknown>>,
    now: Date,
  ): Promise<(UpsertedRecord & { alt_key: string })[]> {
    return this.run<UpsertedRecord & { alt_key: string }>(
      db,
      'upsert_many_key',
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(ord int, id uuid, alt_key text, ins jsonb, created_on timestamptz))
       INSERT INTO ${this.table} AS r (entity, id, alt_key, data, createdon, modifiedon, versionnumber)
       SELECT $1, id, alt_key, ins, COALESCE(created_on, $4), $4, nextval('${this.sequence}') FROM input ORDER BY alt_key
       ON CONFLICT (entity, alt_key) WHERE alt_key IS NOT NULL
       DO UPDATE SET data = r.data || ($3::jsonb -> EXCLUDED.alt_key), modifiedon = EXCLUDED.modifiedon, versionnumber = EXCLUDED.versionnumber
       ${RETURNING}, r.alt_key, (xmax = 0) AS created`,
      [entity.logicalName, JSON.stringify(rows.map((r, ord) => ({ ord, ...r }))), JSON.stringify(updates), now],
      entity,
    );
  }

  async upsertById(
    db: Queryable,
    entity: EntityTable,
    id: string,
    insertKey: string | null,
    insertData: Record<string, unknown>,
    patch: Record<string, unknown>,
    patchSetsKey: boolean,
    patchKey: string | null,
    createdOn: string | null,
    now: Date,
  ): Promise<UpsertedRecord> {
    const rows = await this.run<UpsertedRecord>(
      db,
      'upsert_id',
      `INSERT INTO ${this.table} AS r (entity, id, alt_key, data, createdon, modifiedon, versionnumber)
       VALUES ($1, $2, $3, $4, COALESCE($8::timestamptz, $9), $9, nextval('${this.sequence}'))
       ON CONFLICT (entity, id)
       DO UPDATE SET data = r.data || $5::jsonb, alt_key = CASE WHEN $6::boolean THEN $7 ELSE r.alt_key END,
         modifiedon = EXCLUDED.modifiedon, versionnumber = EXCLUDED.versionnumber
       ${RETURNING}, (xmax = 0) AS created`,
      [entity.logicalName, id, insertKey, insertData, patch, patchSetsKey, patchKey, createdOn, now],
      entity,
    );
    return rows[0];
  }

  async updateById(
    db: Queryable,
    entity: EntityTable,
    id: string,
    patch: Record<string, unknown>,
    patchSetsKey: boolean,
    patchKey: string | null,
    expectedVersion: string | null,
    now: Date,
  ): Promise<StoredRecord | null> {
    const rows = await this.run<StoredRecord>(
      db,
      'update_id',
      `UPDATE ${this.table} AS r SET data = r.data || $3::jsonb, alt_key = CASE WHEN $4::boolean THEN $5 ELSE r.alt_key END,
         modifiedon = $7, versionnumber = nextval('${this.sequence}')
       WHERE entity = $1 AND id = $2 AND ($6::bigint IS NULL OR versionnumber = $6::bigint) ${RETURNING}`,
      [entity.logicalName, id, patch, patchSetsKey, patchKey, expectedVersion, now],
      entity,
    );
    return rows[0] ?? null;
  }

  async updateByKey(
    db: Queryable,
    entity: EntityTable,
    altKey: string,
    patch: Record<string, unknown>,
    expectedVersion: string | null,
    now: Date,
  ): Promise<StoredRecord | null> {
    const rows = await this.run<StoredRecord>(
      db,
      'update_key',
      `UPDATE ${this.table} AS r SET data = r.data || $3::jsonb, modifiedon = $5, versionnumber = nextval('${this.sequence}')
       WHERE entity = $1 AND alt_key = $2 AND ($4::bigint IS NULL OR versionnumber = $4::bigint) ${RETURNING}`,
      [entity.logicalName, altKey, patch, expectedVersion, now],
      entity,
    );
    return rows[0] ?? null;
  }

  async getById(db: Queryable, entity: EntityTable, id: string): Promise<StoredRecord | null> {
    const rows = await this.run<StoredRecord>(
      db,
      'get_id',
      `SELECT id, data, createdon, modifiedon, versionnumber FROM ${this.table} WHERE entity = $1 AND id = $2`,
      [entity.logicalName, id],
    );
    return rows[0] ?? null;
  }

  /** The record an alternate-key address names: by alt_key for the first key, through its index for a further one. */
  async getByKeyAddress(db: Queryable, entity: EntityTable, address: Extract<RecordAddress, { kind: 'key' }>): Promise<StoredRecord | null> {
    const key = address.secondary;
    if (!key) return this.getByKey(db, entity, address.altKey);
    const res = await db.query<StoredRecord>({
      text: `SELECT id, data, createdon, modifiedon, versionnumber FROM ${this.table}
             WHERE entity = $1 AND ${key.keyAttributes.map((a, i) => `lower(data->>'${a}') = $${i + 2}`).join(' AND ')}`,
      values: [entity.logicalName, ...key.keyAttributes.map((a) => String(address.values[a]).toLowerCase())],
    });
    return res.rows[0] ?? null;
  }

  /** Builds the unique index of a further alternate key; a duplicate value makes it fail (23505). */
  async createKeyIndex(db: Queryable, entity: string, key: { logicalName: string; keyAttributes: string[] }): Promise<void> {
    const cols = key.keyAttributes.map((a) => `(lower(data->>'${a}'))`).join(', ');
    const present = key.keyAttributes.map((a) => `coalesce(data->>'${a}', '') <> ''`).join(' AND ');
    await db.query({
      text: `CREATE UNIQUE INDEX IF NOT EXISTS ${secondaryIndexName(entity, key.logicalName)} ON ${this.table} (${cols}) WHERE entity = '${entity}' AND ${present}`,
    });
  }

  async dropKeyIndex(entity: string, keyName: string): Promise<void> {
    await this.pool.query(`DROP INDEX IF EXISTS "${this.options.schema}".${secondaryIndexName(entity, keyName)}`);
  }

  async getByKey(db: Queryable, entity: EntityTable, altKey: string): Promise<StoredRecord | null> {
    const rows = await this.run<StoredRecord>(
      db,
      'get_key',
      `SELECT id, data, createdon, modifiedon, versionnumber FROM ${this.table} WHERE entity = $1 AND alt_key = $2`,
      [entity.logicalName, altKey],
    );
    return rows[0] ?? null;
  }

  /** The id of the record holding this key value, other than `exceptId`. */
  async keyHolder(db: Queryable, entity: EntityTable, altKey: string, exceptId: string | null): Promise<string | null> {
    const rows = await this.run<{ id: string }>(
      db,
      'key_holder',
      `SELECT id FROM ${this.table} WHERE entity = $1 AND alt_key = $2 AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [entity.logicalName, altKey, exceptId],
    );
    return rows[0]?.id ?? null;
  }

  async deleteById(db: Queryable, entity: EntityTable, id: string): Promise<boolean> {
    const rows = await this.run(db, 'delete_id', `DELETE FROM ${this.table} WHERE entity = $1 AND id = $2 RETURNING id`, [entity.logicalName, id]);
    return rows.length > 0;
  }

  async deleteByKey(db: Queryable, entity: EntityTable, altKey: string): Promise<boolean> {
    const rows = await this.run(db, 'delete_key', `DELETE FROM ${this.table} WHERE entity = $1 AND alt_key = $2 RETURNING id`, [
      entity.logicalName,
      altKey,
    ]);
    return rows.length > 0;
  }

  /** Ids of the records of `child` whose lookup `attribute` points at (`type`, `id`). */
  async referencing(db: Queryable, child: EntityTable, attribute: string, type: string, id: string): Promise<string[]> {
    const rows = await this.run<{ id: string }>(
      db,
      'referencing',
      `SELECT id FROM ${this.table} WHERE entity = $1 AND data->$2->>'id' = $3 AND data->$2->>'type' = $4`,
      [child.logicalName, attribute, id, type],
    );
    return rows.map((r) => r.id);
  }

  /** Sets a lookup column to a value (or null) on records of `entity`, as an update (new version, modifiedon). */
  async setLookup(db: Queryable, entity: EntityTable, ids: string[], attribute: string, value: { id: string; type: string } | null, now: Date): Promise<number> {
    const rows = await this.run(
      db,
      'set_lookup',
      `UPDATE ${this.table} SET data = jsonb_set(data, ARRAY[$3::text], $4::jsonb, true), modifiedon = $5, versionnumber = nextval('${this.sequence}')
       WHERE entity = $1 AND id = ANY($2::uuid[]) RETURNING id`,
      [entity.logicalName, ids, attribute, JSON.stringify(value), now],
    );
    return rows.length;
  }

  async associate(db: Queryable, relationship: string, id1: string, id2: string): Promise<boolean> {
    const rows = await this.run(db, 'associate', `INSERT INTO ${this.associations} VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id1`, [relationship, id1, id2]);
    return rows.length > 0;
  }

  async disassociate(db: Queryable, relationship: string, id1: string, id2: string): Promise<boolean> {
    const rows = await this.run(db, 'disassociate', `DELETE FROM ${this.associations} WHERE relationship = $1 AND id1 = $2 AND id2 = $3 RETURNING id1`, [relationship, id1, id2]);
    return rows.length > 0;
  }

  /** Removes every association of a record on one side of the given relationships. */
  async dropAssociations(db: Queryable, relationships: string[], side: 1 | 2, id: string): Promise<void> {
    if (relationships.length === 0) return;
    await this.run(db, `drop_assoc_${side}`, `DELETE FROM ${this.associations} WHERE relationship = ANY($1::text[]) AND id${side} = $2`, [relationships, id]);
  }

  async associated(db: Queryable, relationship: string, side: 1 | 2, id: string): Promise<string[]> {
    const other = side === 1 ? 2 : 1;
    const rows = await this.run<{ id: string }>(db, `associated_${side}`, `SELECT id${other} AS id FROM ${this.associations} WHERE relationship = $1 AND id${side} = $2`, [relationship, id]);
    return rows.map((r) => r.id);
  }

  /** Replaces an activity's parties with these, as activityparty rows regarding it. */
  async replaceParties(
    db: Queryable,
    activity: EntityTable,
    activityId: string,
    parties: { party: { id: string; type: string }; mask: number; addressused?: string }[],
    now: Date,
  ): Promise<void> {
    await this.run(db, 'parties_delete', `DELETE FROM ${this.table} WHERE entity = 'activityparty' AND data->'activityid'->>'id' = $1`, [activityId]);
    if (parties.length === 0) return;
    const docs = parties.map((p) => ({
      activityid: { id: activityId, type: activity.logicalName },
      partyid: p.party,
      participationtypemask: p.mask,
      ...(p.addressused !== undefined ? { addressused: p.addressused } : {}),
    }));
    await this.run(
      db,
      'parties_insert',
      `INSERT INTO ${this.table} (entity, id, alt_key, data, createdon, modifiedon, versionnumber)
       SELECT 'activityparty', gen_random_uuid(), NULL, d, $2, $2, nextval('${this.sequence}') FROM jsonb_array_elements($1::jsonb) AS d`,
      [JSON.stringify(docs), now],
    );
  }

  /** Which of these ids and key values exist, in one query; used to pre-resolve the lookups of a whole batch. */
  async findRefs(db: Queryable, entity: EntityTable, ids: string[], altKeys: string[]): Promise<{ id: string; alt_key: string | null }[]> {
    return this.run<{ id: string; alt_key: string | null }>(
      db,
      'find_refs',
      `SELECT id, alt_key FROM ${this.table} WHERE entity = $1 AND (id = ANY($2::uuid[]) OR alt_key = ANY($3::text[]))`,
      [entity.logicalName, ids, altKeys],
    );
  }

  /** Runs a query built by the OData translator; `where` uses $2… and the entity name is $1. */
  async select(
    db: Queryable,
    entity: EntityTable,
    where: string,
    params: unknown[],
    orderBy: string,
    limit: number,
    offset: number,
  ): Promise<StoredRecord[]> {
    const res = await db.query<StoredRecord>({
      text: `SELECT id, data, createdon, modifiedon, versionnumber FROM ${this.table}
             WHERE entity = $1${where ? ` AND (${where})` : ''} ORDER BY ${orderBy} LIMIT ${limit} OFFSET ${offset}`,
      values: [entity.logicalName, ...params],
    });
    return res.rows;
  }

  async count(db: Queryable, entity: EntityTable, where: string, params: unknown[]): Promise<number> {
    const res = await db.query<{ n: string }>({
      text: `SELECT count(*) AS n FROM ${this.table} WHERE entity = $1${where ? ` AND (${where})` : ''}`,
      values: [entity.logicalName, ...params],
    });
    return Number(res.rows[0].n);
  }

  async counts(): Promise<Record<string, number>> {
    const res = await this.pool.query<{ entity: string; n: string }>(`SELECT entity, count(*) AS n FROM ${this.table} GROUP BY entity`);
    const out: Record<string, number> = Object.fromEntries(this.registry.all().map((t) => [t.logicalName, 0]));
    for (const row of res.rows) out[row.entity] = Number(row.n);
    return out;
  }

  /** Every row of every table, sorted: what a test compares before a migration and after its rollback. */
  async snapshot(): Promise<SandboxSnapshot> {
    const records = await this.pool.query<SandboxSnapshot['records'][number]>(
      `SELECT entity, id::text AS id, alt_key, data, to_char(createdon AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS createdon,
              to_char(modifiedon AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS modifiedon, versionnumber::text AS versionnumber
         FROM ${this.table} ORDER BY entity, id`,
    );
    const associations = await this.pool.query<SandboxSnapshot['associations'][number]>(
      `SELECT relationship, id1::text AS id1, id2::text AS id2 FROM ${this.associations} ORDER BY relationship, id1, id2`,
    );
    return { records: records.rows, associations: associations.rows };
  }

  /** Per table: rows, distinct alternate-key values and rows with none. */
  async keyCounts(): Promise<Record<string, { rows: number; keys: number; unkeyed: number }>> {
    const res = await this.pool.query<{ entity: string; rows: string; keys: string; unkeyed: string }>(
      `SELECT entity, count(*) AS rows, count(DISTINCT alt_key) AS keys, count(*) FILTER (WHERE alt_key IS NULL) AS unkeyed FROM ${this.table} GROUP BY entity`,
    );
    return Object.fromEntries(res.rows.map((r) => [r.entity, { rows: Number(r.rows), keys: Number(r.keys), unkeyed: Number(r.unkeyed) }]));
  }

  /** Wipes every record and puts the seeded users back. */
  async reset(): Promise<void> {
    await this.pool.query(`TRUNCATE ${this.table}, ${this.associations}`);
    await this.seedUsers(true);
  }

  private async seedUsers(overwrite: boolean): Promise<void> {
    const now = wholeSecondsNow();
    await this.transaction(async (db) => {
      for (const u of this.options.users) {
        const data = { fullname: u.fullname, internalemailaddress: u.internalemailaddress, isdisabled: u.isdisabled };
        await db.query({
          text: `INSERT INTO ${this.table} (entity, id, alt_key, data, createdon, modifiedon, versionnumber)
                 VALUES ('systemuser', $1, NULL, $2, $3, $3, nextval('${this.sequence}'))
                 ON CONFLICT (entity, id) DO ${overwrite ? 'UPDATE SET data = EXCLUDED.data' : 'NOTHING'}`,
          values: [u.systemuserid, data, now],
        });
      }
    });
  }
}
