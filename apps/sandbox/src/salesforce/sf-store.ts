import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { makeId } from './sf-ids';

export type Db = Pick<PoolClient, 'query'>;

export interface SfRow {
  object: string;
  id: string;
  data: Record<string, unknown>;
  isDeleted: boolean;
}

/** One value of a unique, external-ID or id-lookup field, normalised, so matching and uniqueness use one index. */
export interface KeyValue {
  field: string;
  value: string;
}

/**
 * The org's rows in PostgreSQL, in the sandbox schema with an sf_ prefix: records as jsonb, their key values,
 * small metadata entries, bulk jobs with their uploads and result files. One process writes (see SfWriteLane).
 */
@Injectable()
export class SfStore implements OnModuleInit, OnModuleDestroy {
  readonly pool: Pool;
  readonly t: { records: string; keys: string; meta: string; jobs: string; jobData: string; jobResults: string; seq: string };

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
  ) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: Math.max(2, Math.ceil(options.poolSize / 2)) });
    this.pool.on('error', (err) => this.logger.warn({ err }, 'salesforce sandbox: idle database connection failed'));
    const s = `"${options.schema}"`;
    this.t = {
      records: `${s}.sf_records`,
      keys: `${s}.sf_keys`,
      meta: `${s}.sf_meta`,
      jobs: `${s}.sf_jobs`,
      jobData: `${s}.sf_job_data`,
      jobResults: `${s}.sf_job_results`,
      seq: `${s}.sf_id_seq`,
    };
  }

  private ready?: Promise<void>;

  onModuleInit(): Promise<void> {
    return this.ensureTables();
  }

  /** Creates the tables once; services that read at start-up await it, whatever order Nest starts them in. */
  ensureTables(): Promise<void> {
    this.ready ??= this.createTables();
    return this.ready;
  }

  private async createTables(): Promise<void> {
    const t = this.t;
    await this.transaction(async (db) => {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ferry-sandbox:${this.options.schema}`]);
      await db.query(`CREATE SCHEMA IF NOT EXISTS "${this.options.schema}"`);
      await db.query(`CREATE SEQUENCE IF NOT EXISTS ${t.seq}`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${t.records} (
        object text NOT NULL, id text NOT NULL, data jsonb NOT NULL, is_deleted boolean NOT NULL DEFAULT false,
        deleted_at timestamptz, seq bigserial, PRIMARY KEY (object, id))`);
      await db.query(`CREATE INDEX IF NOT EXISTS sf_records_id ON ${t.records} (id)`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${t.keys} (object text NOT NULL, field text NOT NULL, value text NOT NULL, id text NOT NULL)`);
      await db.query(`CREATE INDEX IF NOT EXISTS sf_keys_lookup ON ${t.keys} (object, field, value)`);
      await db.query(`CREATE INDEX IF NOT EXISTS sf_keys_id ON ${t.keys} (id)`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${t.meta} (key text PRIMARY KEY, value jsonb NOT NULL)`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${t.jobs} (id text PRIMARY KEY, info jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${t.jobData} (job_id text NOT NULL, seq bigserial, body text NOT NULL, PRIMARY KEY (job_id, seq))`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${t.jobResults} (job_id text NOT NULL, kind text NOT NULL, body text NOT NULL, PRIMARY KEY (job_id, kind))`);
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }

  async transaction<T>(fn: (db: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async truncateAll(db: Db): Promise<void> {
    const t = this.t;
    await db.query(`TRUNCATE ${t.records}, ${t.keys}, ${t.meta}, ${t.jobs}, ${t.jobData}, ${t.jobResults}`);
    // A reset org hands out the same ids again (the seeded users, the standard price book), as a fresh start does.
    await db.query(`ALTER SEQUENCE ${t.seq} RESTART WITH 1`);
    this.idBlock = [];
  }

  private idBlock: number[] = [];

  /** Ids come from a sequence, fetched a block at a time (gaps are fine, as in Salesforce). */
  async newId(db: Db, prefix: string): Promise<string> {
    if (this.idBlock.length === 0) {
      const res = await db.query<{ n: string }>(`SELECT nextval('${this.t.seq}') AS n FROM generate_series(1, 200)`);
      this.idBlock = res.rows.map((r) => Number(r.n));
    }
    return makeId(prefix, this.idBlock.shift()!);
  }

  async get(db: Db, id: string, includeDeleted = false): Promise<SfRow | null> {
    const res = await db.query<{ object: string; id: string; data: Record<string, unknown>; is_deleted: boolean }>(
      `SELECT object, id, data, is_deleted FROM ${this.t.records} WHERE id = $1 ${includeDeleted ? '' : 'AND NOT is_deleted'}
       ORDER BY object = 'ContentNote' LIMIT 1`,
      [id],
    );
    const r = res.rows[0];
    return r ? { object: r.object, id: r.id, data: r.data, isDeleted: r.is_deleted } : null;
  }

  /** A note shares its ContentDocument's id; this reads the row of one object. */
  async getAs(db: Db, object: string, id: string): Promise<SfRow | null> {
    const res = await db.query<{ data: Record<string, unknown>; is_deleted: boolean }>(`SELECT data, is_deleted FROM ${this.t.records} WHERE object = $1 AND id = $2`, [object, id]);
    const r = res.rows[0];
    return r ? { object, id, data: r.data, isDeleted: r.is_deleted } : null;
  }

  async getMany(db: Db, ids: string[]): Promise<Map<string, SfRow>> {
    const out = new Map<string, SfRow>();
    if (ids.length === 0) return out;
    const res = await db.query<{ object: string; id: string; data: Record<string, unknown>; is_deleted: boolean }>(
      `SELECT object, id, data, is_deleted FROM ${this.t.records} WHERE id = ANY($1) AND NOT is_deleted AND object <> 'ContentNote'`,
      [ids],
    );
    for (const r of res.rows) out.set(r.id, { object: r.object, id: r.id, data: r.data, isDeleted: r.is_deleted });
    return out;
  }

  async all(db: Db, object: string): Promise<SfRow[]> {
    const res = await db.query<{ id: string; data: Record<string, unknown> }>(
      `SELECT id, data FROM ${this.t.records} WHERE object = $1 AND NOT is_deleted ORDER BY seq`,
      [object],
    );
    return res.rows.map((r) => ({ object, id: r.id, data: r.data, isDeleted: false }));
  }

  async insert(db: Db, object: string, id: string, data: Record<string, unknown>, keys: KeyValue[] = []): Promise<void> {
    if (keys.length === 0) {
      await db.query(`INSERT INTO ${this.t.records} (object, id, data) VALUES ($1, $2, $3)`, [object, id, data]);
      return;
    }
    await db.query(
      `WITH r AS (INSERT INTO ${this.t.records} (object, id, data) VALUES ($1, $2, $3))
       INSERT INTO ${this.t.keys} (object, field, value, id) SELECT $1, f, v, $2 FROM unnest($4::text[], $5::text[]) AS k(f, v)`,
      [object, id, data, keys.map((k) => k.field), keys.map((k) => k.value)],
    );
  }

  async update(db: Db, object: string, id: string, data: Record<string, unknown>): Promise<void> {
    await db.query(`UPDATE ${this.t.records} SET data = $3 WHERE object = $1 AND id = $2`, [object, id, data]);
  }

  async softDelete(db: Db, object: string, id: string, data: Record<string, unknown>): Promise<void> {
    await db.query(`UPDATE ${this.t.records} SET data = $3, is_deleted = true, deleted_at = now() WHERE object = $1 AND id = $2`, [object, id, data]);
    await db.query(`DELETE FROM ${this.t.keys} WHERE id = $1`, [id]);
  }

  async hardDelete(db: Db, object: string, id: string): Promise<void> {
    await db.query(`DELETE FROM ${this.t.records} WHERE object = $1 AND id = $2`, [object, id]);
    await db.query(`DELETE FROM ${this.t.keys} WHERE id = $1`, [id]);
  }

  /** Deleted rows past the recycle-bin retention are gone for good. */
  async purgeDeleted(db: Db, retentionSeconds: number): Promise<void> {
    await db.query(`DELETE FROM ${this.t.records} WHERE is_deleted AND deleted_at < now() - make_interval(secs => $1)`, [retentionSeconds]);
  }

  async setKeys(db: Db, object: string, id: string, keys: KeyValue[]): Promise<void> {
    await db.query(
      `WITH d AS (DELETE FROM ${this.t.keys} WHERE id = $2)
       INSERT INTO ${this.t.keys} (object, field, value, id) SELECT $1, f, v, $2 FROM unnest($3::text[], $4::text[]) AS k(f, v)`,
      [object, id, keys.map((k) => k.field), keys.map((k) => k.value)],
    );
  }

  /** Ids of live records whose normalised key value matches, at most `limit`. */
  async findByKey(db: Db, object: string, field: string, value: string, limit = 10): Promise<string[]> {
    const res = await db.query<{ id: string }>(`SELECT id FROM ${this.t.keys} WHERE object = $1 AND field = $2 AND value = $3 ORDER BY id LIMIT $4`, [
      object,
      field,
      value,
      limit,
    ]);
    return res.rows.map((r) => r.id);
  }

  /** Live records of an object whose data holds exactly these text values. */
  async findWhere(db: Db, object: string, match: Record<string, unknown>): Promise<SfRow[]> {
    const res = await db.query<{ id: string; data: Record<string, unknown> }>(
      `SELECT id, data FROM ${this.t.records} WHERE object = $1 AND NOT is_deleted AND data @> $2::jsonb ORDER BY seq`,
      [object, JSON.stringify(match)],
    );
    return res.rows.map((r) => ({ object, id: r.id, data: r.data, isDeleted: false }));
  }

  /** The next value of a named counter (auto-number fields), inside the caller's transaction. */
  async nextCounter(db: Db, name: string): Promise<number> {
    const res = await db.query<{ value: number }>(
      `INSERT INTO ${this.t.meta} (key, value) VALUES ($1, '1'::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = to_jsonb((${this.t.meta}.value #>> '{}')::bigint + 1) RETURNING value`,
      [`counter:${name}`],
    );
    return Number(res.rows[0].value);
  }

  async getMeta<T>(db: Db, key: string): Promise<T | undefined> {
    const res = await db.query<{ value: T }>(`SELECT value FROM ${this.t.meta} WHERE key = $1`, [key]);
    return res.rows[0]?.value;
  }

  async metaByPrefix<T>(db: Db, prefix: string): Promise<{ key: string; value: T }[]> {
    const res = await db.query<{ key: string; value: T }>(`SELECT key, value FROM ${this.t.meta} WHERE key LIKE $1 || '%'`, [prefix]);
    return res.rows;
  }

  async putMeta(db: Db, key: string, value: unknown): Promise<void> {
    await db.query(`INSERT INTO ${this.t.meta} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key, JSON.stringify(value)]);
  }

  async counts(db: Db): Promise<Record<string, number>> {
    const res = await db.query<{ object: string; n: string }>(`SELECT object, count(*) AS n FROM ${this.t.records} WHERE NOT is_deleted GROUP BY object ORDER BY object`);
    return Object.fromEntries(res.rows.map((r) => [r.object, Number(r.n)]));
  }

  async snapshot(db: Db): Promise<Record<string, Record<string, unknown>[]>> {
    const res = await db.query<{ object: string; id: string; data: Record<string, unknown>; is_deleted: boolean }>(
      `SELECT object, id, data, is_deleted FROM ${this.t.records} ORDER BY object, id`,
    );
    const out: Record<string, Record<string, unknown>[]> = {};
    for (const r of res.rows) (out[r.object] ??= []).push({ ...r.data, Id: r.id, IsDeleted: r.is_deleted });
    return out;
  }
}
