import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash, randomUUID } from 'crypto';
import type { Logger } from 'pino';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_LOGGER, SANDBOX_OPTIONS } from '../sandbox.tokens';
import { RecordStore } from '../store/record.store';
import { canonicalKey } from '../web-api/alternate-key';
import { DataverseHttpError } from '../web-api/dataverse-http.error';
import {
  AttributeMetadata,
  ENTITY_DEFINITIONS,
  EntityKeyMetadata,
  EntityMetadata,
  EntityRegistry,
  KeyIndexStatus,
  MANY_TO_MANY_DEFINITIONS,
  ManyToManyMetadata,
} from './entity-metadata';

/** A global option set (GlobalOptionSetDefinitions). */
export interface GlobalOptionSet {
  name: string;
  metadataId: string;
  options: { value: number; label: string }[];
}

/** A 1:N relationship created by POST RelationshipDefinitions (the lookup it made lives on the referencing table). */
export interface OneToManyRecord {
  schemaName: string;
  metadataId: string;
  referencedEntity: string;
  referencingEntity: string;
  referencingAttribute: string;
  cascadeDelete: string;
}

type Kind = 'table' | 'attribute' | 'key' | 'optionset' | 'onetomany' | 'manytomany';

interface Row {
  kind: Kind;
  table_name: string;
  name: string;
  body: unknown;
  created_at: Date;
}

/** Deterministic metadata ids for the declared tables, random ones for what is created. */
export function metadataIdOf(name: string): string {
  const h = createHash('sha1').update(`ferry-sandbox:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Metadata written through the Web API (custom tables, columns, relationships, keys, global option sets), kept in
 * `<schema>.metadata` so it survives a restart, and applied to the registry over the declared definitions. Keys are
 * activated asynchronously: Pending → InProgress → Active (or Failed on a duplicate value) over
 * SANDBOX_KEY_ACTIVATION_MS.
 */
@Injectable()
export class MetadataService implements OnModuleInit, OnModuleDestroy {
  private readonly table: string;
  private rows: Row[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  optionSets: GlobalOptionSet[] = [];
  oneToMany: OneToManyRecord[] = [];

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    @Inject(SANDBOX_LOGGER) private readonly logger: Logger,
    private readonly registry: EntityRegistry,
    private readonly store: RecordStore,
  ) {
    this.table = `"${options.schema}".metadata`;
  }

  async onModuleInit(): Promise<void> {
    await this.store.transaction(async (db) => {
      await db.query({ text: 'SELECT pg_advisory_xact_lock(hashtext($1))', values: [`ferry-sandbox:${this.options.schema}`] });
      await db.query({ text: `CREATE SCHEMA IF NOT EXISTS "${this.options.schema}"` });
      await db.query({
        text: `CREATE TABLE IF NOT EXISTS ${this.table} (
          seq bigserial,
          kind text NOT NULL,
          table_name text NOT NULL,
          name text NOT NULL,
          body jsonb NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (kind, table_name, name))`,
      });
    });
    await this.load();
    for (const r of this.rows) if (r.kind === 'key') this.schedule(r);
  }

  onModuleDestroy(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Reads every stored row and rebuilds the registry from the declared definitions plus them. */
  async load(): Promise<void> {
    const res = await this.store.pool.query<Row>(`SELECT kind, table_name, name, body, created_at FROM ${this.table} ORDER BY seq`);
    this.rows = res.rows;
    this.apply();
  }

  private apply(): void {
    const defs: EntityMetadata[] = ENTITY_DEFINITIONS.map((d) => ({ ...d, attributes: [...d.attributes], keys: [...d.keys] }));
    const byName = new Map(defs.map((d) => [d.logicalName, d]));
    const manyToMany: ManyToManyMetadata[] = [...MANY_TO_MANY_DEFINITIONS];
    this.optionSets = [];
    this.oneToMany = [];
    for (const r of this.rows) {
      if (r.kind === 'table') {
        const d = r.body as EntityMetadata;
        defs.push({ ...d, attributes: [...d.attributes], keys: [] });
        byName.set(d.logicalName, defs[defs.length - 1]);
      } else if (r.kind === 'attribute') {
        byName.get(r.table_name)?.attributes.push(r.body as AttributeMetadata);
      } else if (r.kind === 'key') {
        byName.get(r.table_name)?.keys.push(r.body as EntityKeyMetadata);
      } else if (r.kind === 'optionset') {
        this.optionSets.push(r.body as GlobalOptionSet);
      } else if (r.kind === 'onetomany') {
        this.oneToMany.push(r.body as OneToManyRecord);
      } else if (r.kind === 'manytomany') {
        manyToMany.push(r.body as ManyToManyMetadata);
      }
    }
    this.registry.rebuild(defs, manyToMany);
  }

  customTableCount(): number {
    return this.rows.filter((r) => r.kind === 'table').length;
  }

  /** Stores metadata rows in one transaction and applies them; a name already taken is refused. */
  async add(rows: { kind: Kind; table: string; name: string; body: unknown }[]): Promise<void> {
    await this.store.transaction(async (db) => {
      for (const r of rows) {
        const res = await db.query({
          text: `INSERT INTO ${this.table} (kind, table_name, name, body) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING seq`,
          values: [r.kind, r.table, r.name, JSON.stringify(r.body)],
        });
        if (res.rowCount === 0) throw new DataverseHttpError(400, '0x80044363', `A ${r.kind} named '${r.name}' already exists${r.table ? ` on '${r.table}'` : ''}.`);
      }
    });
    await this.load();
    for (const r of rows) {
      if (r.kind === 'key') {
        const row = this.rows.find((x) => x.kind === 'key' && x.table_name === r.table && x.name === r.name);
        if (row) this.schedule(row);
      }
    }
  }

  /** /_sandbox/reset: every custom table, column, relationship, key and option set goes. */
  async reset(): Promise<void> {
    this.onModuleDestroy();
    for (const r of this.rows) if (r.kind === 'key') await this.store.dropKeyIndex(r.table_name, r.name);
    await this.store.pool.query(`TRUNCATE ${this.table}`);
    await this.load();
  }

  /** Pending now, InProgress at half the delay, then the index is built: Active, or Failed on a duplicate. */
  private schedule(row: Row): void {
    const key = row.body as EntityKeyMetadata;
    if (key.status === 'Active' || key.status === 'Failed') return;
    const delay = this.options.keyActivationMs;
    const elapsed = Date.now() - new Date(row.created_at).getTime();
    const at = (ms: number, fn: () => Promise<void>) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        fn().catch((err) => this.logger.error({ err, key: key.logicalName }, 'key activation failed'));
      }, Math.max(0, ms - elapsed));
      this.timers.add(t);
    };
    if (key.status === 'Pending') at(delay / 2, () => this.setKeyStatus(row.table_name, key.logicalName, 'InProgress'));
    at(delay, () => this.activate(row.table_name, key.logicalName));
  }

  private async setKeyStatus(tableName: string, keyName: string, status: KeyIndexStatus): Promise<void> {
    await this.store.pool.query({
      text: `UPDATE ${this.table} SET body = jsonb_set(body, '{status}', to_jsonb($3::text)) WHERE kind = 'key' AND table_name = $1 AND name = $2`,
      values: [tableName, keyName, status],
    });
    await this.load();
  }

  /** Builds the index: every record's key value, refused (Failed) when two records share one. */
  private async activate(tableName: string, keyName: string): Promise<void> {
    const row = this.rows.find((r) => r.kind === 'key' && r.table_name === tableName && r.name === keyName);
    if (!row) return;
    const key = row.body as EntityKeyMetadata;
    const first = this.registry.byLogicalName(tableName)?.key;
    if (first && first.logicalName !== key.logicalName) return this.activateFurther(tableName, key);
    const status = await this.store.transaction(async (db): Promise<KeyIndexStatus> => {
      const recs = await db.query<{ id: string; data: Record<string, unknown> }>({
        text: `SELECT id, data FROM "${this.options.schema}".records WHERE entity = $1 FOR UPDATE`,
        values: [tableName],
      });
      const seen = new Set<string>();
      const updates: { id: string; alt_key: string | null }[] = [];
      for (const r of recs.rows) {
        const values = key.keyAttributes.map((a) => r.data[a]);
        const complete = values.every((v) => v !== null && v !== undefined && v !== '');
        const alt = complete ? canonicalKey(values as (string | number)[]) : null;
        if (alt !== null) {
          if (seen.has(alt)) return 'Failed';
          seen.add(alt);
        }
        updates.push({ id: r.id, alt_key: alt });
      }
      await db.query({
        text: `UPDATE "${this.options.schema}".records AS r SET alt_key = u.alt_key
               FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, alt_key text) WHERE r.entity = $1 AND r.id = u.id`,
        values: [tableName, JSON.stringify(updates)],
      });
      await db.query({
        text: `UPDATE ${this.table} SET body = jsonb_set(body, '{status}', '"Active"') WHERE kind = 'key' AND table_name = $1 AND name = $2`,
        values: [tableName, keyName],
      });
      return 'Active';
    });
    if (status === 'Failed') await this.setKeyStatus(tableName, keyName, status);
    else await this.load();
    this.logger.info({ table: tableName, key: keyName, status }, 'alternate key index built');
  }

  /** A further key of a table: its own unique index, whose build fails on a duplicate value. */
  private async activateFurther(tableName: string, key: EntityKeyMetadata): Promise<void> {
    let status: KeyIndexStatus = 'Active';
    try {
      await this.store.transaction(async (db) => {
        await this.store.createKeyIndex(db, tableName, key);
        await db.query({
          text: `UPDATE ${this.table} SET body = jsonb_set(body, '{status}', '"Active"') WHERE kind = 'key' AND table_name = $1 AND name = $2`,
          values: [tableName, key.logicalName],
        });
      });
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      status = 'Failed';
    }
    if (status === 'Failed') await this.setKeyStatus(tableName, key.logicalName, status);
    else await this.load();
    this.logger.info({ table: tableName, key: key.logicalName, status }, 'alternate key index built');
  }

  newMetadataId(): string {
    return randomUUID();
  }
}
