import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';

export interface SourceRow {
  key: string;
  /** epoch millis */
  modified_at: number;
  deleted: boolean;
  data: Record<string, unknown>;
  seq: number;
}

export type ChangeOp = 'create' | 'update' | 'delete';

export interface LoggedChange {
  seq: number;
  op: ChangeOp;
  stream: string;
  key: string;
  modifiedAt: number;
  /** the fields a create or update changed */
  fields: string[];
}

export interface ListQuery {
  since?: number;
  includeDeleted: boolean;
  limit: number;
  offset?: number;
  /** keyset position: rows after (modified_at, key) */
  after?: { modified: number; key: string };
}

type Db = Pool | PoolClient;

// Selected under the column names, so ORDER BY must name the table's columns (r.…) to use the indexes.
const ROW = 'r.key, r.modified_at::float8 AS modified_at, r.deleted, r.data, r.seq::float8 AS seq';

/**
 * The served records of every source system, one row per (system, stream, key), plus the log of changes the
 * mutation mode made. Keys sort bytewise (COLLATE "C") so page order never depends on the server's locale.
 */
@Injectable()
export class SourceRecordStore implements OnModuleInit, OnModuleDestroy {
  readonly pool: Pool;
  private readonly s: string;
  private readonly bounds = new Map<string, { lo: number; hi: number; at: number }>();

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
  ) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: Math.max(2, Math.ceil(options.poolSize / 2)) });
    this.pool.on('error', (err) => this.logger.warn({ err }, 'idle source-sandbox database connection failed'));
    this.s = `"${options.source.schema}"`;
  }

  async onModuleInit(): Promise<void> {
    const s = this.s;
    await this.transaction(async (db) => {
      // Several sandboxes may start together against one database; the advisory lock serialises their DDL.
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ferry-sandbox:${this.options.source.schema}`]);
      await db.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
      await db.query(`CREATE SEQUENCE IF NOT EXISTS ${s}.record_seq`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${s}.records (
        system text NOT NULL,
        stream text NOT NULL,
        key text COLLATE "C" NOT NULL,
        modified_at bigint NOT NULL,
        deleted boolean NOT NULL DEFAULT false,
        data jsonb NOT NULL,
        seq bigint NOT NULL DEFAULT nextval('${this.options.source.schema}.record_seq'),
        PRIMARY KEY (system, stream, key))`);
      await db.query(`CREATE INDEX IF NOT EXISTS records_modified_idx ON ${s}.records (system, stream, modified_at, key)`);
      await db.query(`CREATE INDEX IF NOT EXISTS records_seq_idx ON ${s}.records (system, stream, seq)`);
      await db.query(`CREATE TABLE IF NOT EXISTS ${s}.changes (
        seq bigserial PRIMARY KEY,
        system text NOT NULL,
        stream text NOT NULL,
        key text NOT NULL,
        op text NOT NULL CHECK (op IN ('create', 'update', 'delete')),
        modified_at bigint NOT NULL,
        fields text[] NOT NULL DEFAULT '{}',
        logged_at timestamptz NOT NULL DEFAULT now())`);
      await db.query(`CREATE INDEX IF NOT EXISTS changes_system_idx ON ${s}.changes (system, modified_at, seq)`);
    });
    this.logger.debug({ schema: this.options.source.schema }, 'source sandbox tables ready');
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
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

  /** Inserts or replaces one batch of loaded records (keys distinct within the batch). */
  async upsertBatch(system: string, stream: string, rows: Array<{ key: string; modified: number; data: Record<string, unknown> }>): Promise<void> {
    if (rows.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.s}.records AS r (system, stream, key, modified_at, deleted, data)
       SELECT $1, $2, x->>'k', (x->>'m')::bigint, false, x->'d' FROM jsonb_array_elements($3::jsonb) AS x
       ON CONFLICT (system, stream, key) DO UPDATE
         SET modified_at = EXCLUDED.modified_at, deleted = false, data = EXCLUDED.data, seq = nextval('${this.options.source.schema}.record_seq')`,
      [system, stream, JSON.stringify(rows.map((r) => ({ k: r.key, m: r.modified, d: r.data })))],
    );
  }

  /** Fresh planner statistics after a bulk load, so lookups by key use the primary key from the first change on. */
  async analyze(): Promise<void> {
    await this.pool.query(`ANALYZE ${this.s}.records`);
  }

  /** Rows in (modified_at, key) order: the order every page of the served APIs follows. */
  async list(system: string, stream: string, q: ListQuery): Promise<SourceRow[]> {
    const values: unknown[] = [system, stream];
    const where = ['system = $1', 'stream = $2'];
    if (q.since !== undefined) where.push(`modified_at >= $${values.push(q.since)}`);
    if (!q.includeDeleted) where.push('NOT deleted');
    if (q.after) where.push(`(modified_at, key) > ($${values.push(q.after.modified)}, $${values.push(q.after.key)})`);
    const res = await this.pool.query<SourceRow>(
      `SELECT ${ROW} FROM ${this.s}.records r WHERE ${where.join(' AND ')}
       ORDER BY r.modified_at, r.key LIMIT $${values.push(q.limit)} OFFSET $${values.push(q.offset ?? 0)}`,
      values,
    );
    return res.rows;
  }

  async get(system: string, stream: string, key: string): Promise<SourceRow | null> {
    const res = await this.pool.query<SourceRow>(`SELECT ${ROW} FROM ${this.s}.records r WHERE system = $1 AND stream = $2 AND key = $3`, [system, stream, key]);
    return res.rows[0] ?? null;
  }

  async hasRecords(system: string): Promise<boolean> {
    const res = await this.pool.query(`SELECT 1 FROM ${this.s}.records WHERE system = $1 LIMIT 1`, [system]);
    return res.rowCount !== null && res.rowCount > 0;
  }

  /** Live and deleted records per stream. */
  async counts(system: string): Promise<Record<string, { live: number; deleted: number }>> {
    const res = await this.pool.query<{ stream: string; live: string; deleted: string }>(
      `SELECT stream, count(*) FILTER (WHERE NOT deleted) AS live, count(*) FILTER (WHERE deleted) AS deleted
       FROM ${this.s}.records WHERE system = $1 GROUP BY stream ORDER BY stream`,
      [system],
    );
    return Object.fromEntries(res.rows.map((r) => [r.stream, { live: Number(r.live), deleted: Number(r.deleted) }]));
  }

  /** Every (system, stream) holding records. */
  async loadedStreams(): Promise<Array<{ system: string; stream: string }>> {
    // A loose index scan: one probe per distinct pair instead of reading every row.
    const res = await this.pool.query<{ system: string; stream: string }>(
      `WITH RECURSIVE pairs AS (
         (SELECT system, stream FROM ${this.s}.records ORDER BY system, stream LIMIT 1)
         UNION ALL
         SELECT n.system, n.stream FROM pairs p, LATERAL (
           SELECT system, stream FROM ${this.s}.records r WHERE (r.system, r.stream) > (p.system, p.stream)
           ORDER BY system, stream LIMIT 1) n)
       SELECT system, stream FROM pairs`,
    );
    return res.rows;
  }

  async reset(system: string): Promise<void> {
    this.bounds.clear();
    await this.transaction(async (db) => {
      await db.query(`DELETE FROM ${this.s}.records WHERE system = $1`, [system]);
      await db.query(`DELETE FROM ${this.s}.changes WHERE system = $1`, [system]);
    });
  }

  async changes(system: string, since: number, stream: string | undefined, limit: number): Promise<LoggedChange[]> {
    const res = await this.pool.query<{ seq: string; op: ChangeOp; stream: string; key: string; modified_at: string; fields: string[] }>(
      `SELECT seq, op, stream, key, modified_at, fields FROM ${this.s}.changes
       WHERE system = $1 AND modified_at >= $2 AND ($3::text IS NULL OR stream = $3) ORDER BY seq LIMIT $4`,
      [system, since, stream ?? null, limit],
    );
    return res.rows.map((r) => ({ seq: Number(r.seq), op: r.op, stream: r.stream, key: r.key, modifiedAt: Number(r.modified_at), fields: r.fields }));
  }

  // The mutation mode's statements; each runs inside the caller's transaction.

  /**
   * A live record at or after a sequence position (wrapping to before it), so a uniform position picks a random
   * record. The stream's sequence range is looked up once a second at most: a change only raises the top.
   */
  async pickLive(db: Db, system: string, stream: string, fraction: number): Promise<SourceRow | null> {
    const id = `${system}\u0000${stream}`;
    let bounds = this.bounds.get(id);
    if (!bounds || Date.now() - bounds.at > 1000) {
      const res = await db.query<{ lo: string | null; hi: string | null }>(
        `SELECT min(seq) AS lo, max(seq) AS hi FROM ${this.s}.records WHERE system = $1 AND stream = $2`,
        [system, stream],
      );
      const { lo, hi } = res.rows[0];
      if (lo === null || hi === null) return null;
      bounds = { lo: Number(lo), hi: Number(hi), at: Date.now() };
      this.bounds.set(id, bounds);
    }
    const at = bounds.lo + Math.floor(fraction * (bounds.hi - bounds.lo + 1));
    const after = await db.query<SourceRow>(
      `SELECT ${ROW} FROM ${this.s}.records r WHERE system = $1 AND stream = $2 AND r.seq >= $3 AND NOT deleted ORDER BY r.seq LIMIT 1`,
      [system, stream, at],
    );
    if (after.rows[0]) return after.rows[0];
    const before = await db.query<SourceRow>(
      `SELECT ${ROW} FROM ${this.s}.records r WHERE system = $1 AND stream = $2 AND r.seq < $3 AND NOT deleted ORDER BY r.seq DESC LIMIT 1`,
      [system, stream, at],
    );
    return before.rows[0] ?? null;
  }

  /** The highest number any key of the stream ends with (new keys are numbered above it). */
  async maxTrailingNumber(db: Db, system: string, stream: string): Promise<number> {
    const res = await db.query<{ n: string | null }>(
      `SELECT max(substring(key from '([0-9]{1,15})$')::bigint) AS n FROM ${this.s}.records WHERE system = $1 AND stream = $2`,
      [system, stream],
    );
    return Number(res.rows[0].n ?? 0);
  }

  async insertNew(db: Db, system: string, stream: string, key: string, modified: number, data: Record<string, unknown>): Promise<boolean> {
    const res = await db.query(
      `INSERT INTO ${this.s}.records (system, stream, key, modified_at, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (system, stream, key) DO NOTHING`,
      [system, stream, key, modified, data],
    );
    return res.rowCount === 1;
  }

  async replace(db: Db, system: string, stream: string, key: string, modified: number, data: Record<string, unknown>, deleted: boolean): Promise<void> {
    await db.query(
      `UPDATE ${this.s}.records SET data = $4, modified_at = $5, deleted = $6, seq = nextval('${this.options.source.schema}.record_seq')
       WHERE system = $1 AND stream = $2 AND key = $3`,
      [system, stream, key, data, modified, deleted],
    );
  }

  async logChange(db: Db, system: string, stream: string, key: string, op: ChangeOp, modified: number, fields: string[]): Promise<number> {
    const res = await db.query<{ seq: string }>(
      `INSERT INTO ${this.s}.changes (system, stream, key, op, modified_at, fields) VALUES ($1, $2, $3, $4, $5, $6) RETURNING seq`,
      [system, stream, key, op, modified, fields],
    );
    return Number(res.rows[0].seq);
  }
}
