import { DataSource, type EntityManager } from 'typeorm';

/**
 * Repositories take the migration id at construction, so no query can forget its scope. They batch:
 * one statement per call, with arrays unnested server-side, never one round trip per record.
 */
/** PostgreSQL's SQLSTATE for a duplicate key */
const UNIQUE_VIOLATION = '23505';

abstract class Scoped {
  constructor(
    protected readonly db: DataSource | EntityManager,
    readonly migrationId: string,
  ) {}
  protected async q<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const res: unknown = await this.db.query(sql, [this.migrationId, ...params]);
    // TypeORM answers UPDATE/DELETE … RETURNING on PostgreSQL with [rows, rowCount]; SELECT rows are objects.
    if (Array.isArray(res) && res.length === 2 && Array.isArray(res[0]) && typeof res[1] === 'number') return res[0] as T[];
    return res as T[];
  }
}

export class MigrationRepository extends Scoped {
  async ensure(sourceSystem: string, destination: string, mapVersion: string | null): Promise<void> {
    await this.q(
      `INSERT INTO ferry.migration (migration_id, source_system, destination, map_version) VALUES ($1, $2, $3, $4)
       ON CONFLICT (migration_id) DO UPDATE SET map_version = COALESCE(EXCLUDED.map_version, ferry.migration.map_version)`,
      [sourceSystem, destination, mapVersion],
    );
  }

  /**
   * Forgets the migration: every row of it in every Ferry table, its audit trail included, so only for throwaway
   * migrations (benchmarks). The destination is not touched.
   */
  async purge(): Promise<void> {
    const run = async (m: DataSource | EntityManager) => {
      for (const table of MIGRATION_TABLES) await m.query(`DELETE FROM ferry.${table} WHERE migration_id = $1`, [this.migrationId]);
    };
    if (this.db instanceof DataSource) await this.db.transaction(run);
    else await run(this.db);
  }
}

/** Tables holding per-migration rows, children before ferry.migration itself. */
const MIGRATION_TABLES = ['source_record', 'extract_checkpoint', 'id_map', 'parked_dependency', 'parked_record', 'owner_assignment', 'audit_log', 'recon_record', 'migration'];

/** A stream's resume state as its connector wrote it (opaque here), plus the two facts status reads. */
export interface StreamCheckpoint {
  state: Record<string, unknown>;
  complete: boolean;
}

export class CheckpointRepository extends Scoped {
  async get(stream: string): Promise<StreamCheckpoint | null> {
    const rows = await this.q<{ state: Record<string, unknown> | null; complete: boolean }>(
      `SELECT state, complete FROM ferry.extract_checkpoint WHERE migration_id = $1 AND stream = $2`,
      [stream],
    );
    return rows[0] ? { state: rows[0].state ?? {}, complete: rows[0].complete } : null;
  }

  /** Streams whose first full read (snapshot) has finished. */
  async completeStreams(): Promise<Set<string>> {
    const rows = await this.q<{ stream: string }>(`SELECT stream FROM ferry.extract_checkpoint WHERE migration_id = $1 AND complete`);
    return new Set(rows.map((r) => r.stream));
  }

  /** `complete` only ever turns on: a later export drop being read does not make the snapshot incomplete again. */
  async save(stream: string, cp: StreamCheckpoint): Promise<void> {
    const fingerprint = typeof cp.state.fingerprint === 'string' ? cp.state.fingerprint : '';
    const position = typeof cp.state.position === 'number' ? cp.state.position : 0;
    await this.q(
      `INSERT INTO ferry.extract_checkpoint (migration_id, stream, fingerprint, next_line, complete, state, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, now())
       ON CONFLICT (migration_id, stream) DO UPDATE
       SET fingerprint = EXCLUDED.fingerprint, next_line = EXCLUDED.next_line,
           complete = ferry.extract_checkpoint.complete OR EXCLUDED.complete, state = EXCLUDED.state, updated_at = now()`,
      [stream, fingerprint, position, cp.complete, JSON.stringify(cp.state)],
    );
  }

  async all(): Promise<Array<{ stream: string; state: Record<string, unknown>; complete: boolean; updatedAt: Date }>> {
    const rows = await this.q<{ stream: string; state: Record<string, unknown> | null; complete: boolean; updated_at: Date }>(
      `SELECT stream, state, complete, updated_at FROM ferry.extract_checkpoint WHERE migration_id = $1 ORDER BY stream`,
    );
    return rows.map((r) => ({ stream: r.stream, state: r.state ?? {}, complete: r.complete, updatedAt: r.updated_at }));
  }
}

/**
 * Content hashes of every source record, per stream. Reading a new export drop asks which of a batch changed
 * (before producing), then records the batch as seen in that version (after producing), so a crash between
 * the two re-emits rather than loses; keys the new version did not carry are the deletes.
 */
export class SourceRecordRepository extends Scoped {
  /** Keys of the batch whose hash differs from the stored one, or that are new or were deleted before. */
  async changed(stream: string, items: Array<{ key: string; hash: string }>): Promise<Set<string>> {
    if (items.length === 0) return new Set();
    const rows = await this.q<{ k: string }>(
      `SELECT i.k FROM unnest($3::text[], $4::text[]) AS i(k, h)
       LEFT JOIN ferry.source_record s ON s.migration_id = $1 AND s.stream = $2 AND s.source_key = i.k
       WHERE s.source_key IS NULL OR s.content_hash <> i.h OR s.deleted`,
      [stream, items.map((i) => i.key), items.map((i) => i.hash)],
    );
    return new Set(rows.map((r) => r.k));
  }

  async anyFor(stream: string): Promise<boolean> {
    const rows = await this.q(`SELECT 1 FROM ferry.source_record WHERE migration_id = $1 AND stream = $2 LIMIT 1`, [stream]);
    return rows.length > 0;
  }

  /**
   * Marks the batch as carried by `version` (last write wins for a key repeated in the batch). With `fresh`
   * (no record of the stream is stored yet) the rows are plainly inserted, which costs PostgreSQL about
   * 40% less than the upsert; a key that an earlier batch of the same file already stored makes that insert
   * fail as a whole, and the batch is then upserted instead.
   */
  async seen(stream: string, version: string, items: Array<{ key: string; hash: string }>, options: { fresh?: boolean } = {}): Promise<void> {
    if (items.length === 0) return;
    const last = new Map<string, string>();
    for (const i of items) last.set(i.key, i.hash);
    const params = [stream, version, [...last.keys()], [...last.values()]];
    const insert = `INSERT INTO ferry.source_record (migration_id, stream, source_key, content_hash, version, deleted, updated_at)
       SELECT $1, $2, k, h, $3, false, now() FROM unnest($4::text[], $5::text[]) AS t(k, h)`;
    if (options.fresh) {
      try {
        await this.q(insert, params);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== UNIQUE_VIOLATION) throw e;
      }
    }
    await this.q(
      `${insert}
       ON CONFLICT (migration_id, stream, source_key) DO UPDATE
       SET content_hash = EXCLUDED.content_hash, version = EXCLUDED.version, deleted = false, updated_at = now()`,
      params,
    );
  }

  /**
   * Up to `limit` live keys, in key order after `after`, that the given version did not carry: deleted in the
   * source since the previous drop. Paging on the key keeps a large sweep from reading the stream again per page.
   */
  async missingFrom(stream: string, version: string, limit: number, after: string | null = null): Promise<string[]> {
    const rows = await this.q<{ source_key: string }>(
      `SELECT source_key FROM ferry.source_record
       WHERE migration_id = $1 AND stream = $2 AND version <> $3 AND NOT deleted AND ($5::text IS NULL OR source_key > $5)
       ORDER BY source_key LIMIT $4`,
      [stream, version, limit, after],
    );
    return rows.map((r) => r.source_key);
  }

  async countMissing(stream: string, version: string): Promise<number> {
    const rows = await this.q<{ n: string }>(
      `SELECT count(*) AS n FROM ferry.source_record WHERE migration_id = $1 AND stream = $2 AND version <> $3 AND NOT deleted`,
      [stream, version],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async markDeleted(stream: string, keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.q(
      `UPDATE ferry.source_record SET deleted = true, updated_at = now()
       WHERE migration_id = $1 AND stream = $2 AND source_key = ANY($3::text[])`,
      [stream, keys],
    );
  }

  async counts(): Promise<Array<{ stream: string; live: number; deleted: number }>> {
    const rows = await this.q<{ stream: string; live: string; deleted: string }>(
      `SELECT stream, count(*) FILTER (WHERE NOT deleted) AS live, count(*) FILTER (WHERE deleted) AS deleted
       FROM ferry.source_record WHERE migration_id = $1 GROUP BY stream ORDER BY stream`,
    );
    return rows.map((r) => ({ stream: r.stream, live: Number(r.live), deleted: Number(r.deleted) }));
  }
}

export interface CutoverState {
  requestedAt: Date | null;
  completedAt: Date | null;
}

/** Cutover freezes extraction: requested by the operator, completed by the extractor after its final delta pass. */
export class CutoverRepository extends Scoped {
  async get(): Promise<CutoverState | null> {
    const rows = await this.q<{ cutover_requested_at: Date | null; cutover_completed_at: Date | null }>(
      `SELECT cutover_requested_at, cutover_completed_at FROM ferry.migration WHERE migration_id = $1`,
    );
    return rows[0] ? { requestedAt: rows[0].cutover_requested_at, completedAt: rows[0].cutover_completed_at } : null;
  }

  /** Returns false when the migration does not exist. Asking twice keeps the first request time. */
  async request(): Promise<boolean> {
    const rows = await this.q(
      `UPDATE ferry.migration SET cutover_requested_at = COALESCE(cutover_requested_at, now()) WHERE migration_id = $1 RETURNING migration_id`,
    );
    return rows.length > 0;
  }

  async complete(): Promise<void> {
    await this.q(`UPDATE ferry.migration SET cutover_completed_at = COALESCE(cutover_completed_at, now()) WHERE migration_id = $1`);
  }
}

export interface IdMapEntry {
  objectType: string;
  sourceKey: string;
  entity: string;
  destinationId: string | null;
  state: 'loaded' | 'failed';
}

export class IdMapRepository extends Scoped {
  async upsert(entries: IdMapEntry[]): Promise<void> {
    if (!entries.length) return;
    // A later success wins over an earlier failure, never the other way round: a replayed failure
    // must not hide a record that did land.
    await this.q(
      `INSERT INTO ferry.id_map (migration_id, object_type, source_key, entity, destination_id, state, updated_at)
       SELECT $1, o, k, e, d, s, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(o, k, e, d, s)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE
       SET destination_id = COALESCE(EXCLUDED.destination_id, ferry.id_map.destination_id),
           state = CASE WHEN ferry.id_map.state = 'loaded' THEN 'loaded' ELSE EXCLUDED.state END,
           entity = EXCLUDED.entity, updated_at = now()`,
      [
        entries.map((e) => e.objectType),
        entries.map((e) => e.sourceKey),
        entries.map((e) => e.entity),
        entries.map((e) => e.destinationId),
        entries.map((e) => e.state),
      ],
    );
  }

  /** Known parents among the given references, keyed `object|key`. */
  async find(refs: { objectType: string; sourceKey: string }[]): Promise<Map<string, { destinationId: string | null; state: string }>> {
    const out = new Map<string, { destinationId: string | null; state: string }>();
    if (!refs.length) return out;
    const rows = await this.q<{ object_type: string; source_key: string; destination_id: string | null; state: string }>(
      `SELECT m.object_type, m.source_key, m.destination_id, m.state
       FROM ferry.id_map m JOIN unnest($2::text[], $3::text[]) AS r(o, k) ON m.object_type = r.o AND m.source_key = r.k
       WHERE m.migration_id = $1`,
      [refs.map((r) => r.objectType), refs.map((r) => r.sourceKey)],
    );
    for (const r of rows) out.set(`${r.object_type}|${r.source_key}`, { destinationId: r.destination_id, state: r.state });
    return out;
  }

  async count(): Promise<number> {
    const [r] = await this.q<{ n: string }>(`SELECT count(*) AS n FROM ferry.id_map WHERE migration_id = $1`);
    return Number(r.n);
  }
}

export interface ParkedInput {
  objectType: string;
  sourceKey: string;
  entity: string;
  event: unknown;
  waitingFor: { objectType: string; sourceKey: string }[];
}

export interface ParkedRecord {
  objectType: string;
  sourceKey: string;
  entity: string;
  event: unknown;
}

export class ParkingRepository extends Scoped {
  /** Parks records (a newer version of a parked record replaces the older one and its dependencies). */
  async park(items: ParkedInput[]): Promise<void> {
    if (!items.length) return;
    const run = async (m: EntityManager) => {
      const repo = new ParkingRepository(m, this.migrationId);
      await repo.q(
        `DELETE FROM ferry.parked_dependency d USING unnest($2::text[], $3::text[]) AS t(o, k)
         WHERE d.migration_id = $1 AND d.object_type = t.o AND d.source_key = t.k`,
        [items.map((i) => i.objectType), items.map((i) => i.sourceKey)],
      );
      await repo.q(
        `INSERT INTO ferry.parked_record (migration_id, object_type, source_key, entity, event, parked_at)
         SELECT $1, o, k, e, ev, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::jsonb[]) AS t(o, k, e, ev)
         ON CONFLICT (migration_id, object_type, source_key) DO UPDATE SET event = EXCLUDED.event, entity = EXCLUDED.entity`,
        [items.map((i) => i.objectType), items.map((i) => i.sourceKey), items.map((i) => i.entity), items.map((i) => JSON.stringify(i.event))],
      );
      const deps = items.flatMap((i) => i.waitingFor.map((w) => [i.objectType, i.sourceKey, w.objectType, w.sourceKey]));
      await repo.q(
        `INSERT INTO ferry.parked_dependency (migration_id, object_type, source_key, parent_object, parent_key)
         SELECT $1, o, k, po, pk FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(o, k, po, pk)
         ON CONFLICT DO NOTHING`,
        [deps.map((d) => d[0]), deps.map((d) => d[1]), deps.map((d) => d[2]), deps.map((d) => d[3])],
      );
    };
    await this.db.transaction(run);
  }

  /**
   * Claims (deletes and returns) parked records whose every parent is now known in the id map, either
   * loaded or failed. `among` narrows the search to records waiting on the given parents, or to the given
   * records themselves. Deleting claims them, so a record is released exactly once however many callers race.
   */
  async claimReady(among: { parents?: { objectType: string; sourceKey: string }[]; records?: { objectType: string; sourceKey: string }[] }): Promise<ParkedRecord[]> {
    const parents = among.parents ?? [];
    const records = among.records ?? [];
    if (!parents.length && !records.length) return [];
    const rows = await this.q<{ object_type: string; source_key: string; entity: string; event: unknown }>(
      `WITH candidates AS (
         SELECT DISTINCT d.object_type, d.source_key FROM ferry.parked_dependency d
           JOIN unnest($2::text[], $3::text[]) AS p(o, k) ON d.parent_object = p.o AND d.parent_key = p.k
          WHERE d.migration_id = $1
         UNION
         SELECT o, k FROM unnest($4::text[], $5::text[]) AS r(o, k)
       ), ready AS (
         SELECT c.object_type, c.source_key FROM candidates c
          WHERE EXISTS (SELECT 1 FROM ferry.parked_record r WHERE r.migration_id = $1 AND r.object_type = c.object_type AND r.source_key = c.source_key)
            AND NOT EXISTS (
              SELECT 1 FROM ferry.parked_dependency d
               LEFT JOIN ferry.id_map m ON m.migration_id = d.migration_id AND m.object_type = d.parent_object AND m.source_key = d.parent_key
               WHERE d.migration_id = $1 AND d.object_type = c.object_type AND d.source_key = c.source_key AND m.source_key IS NULL)
       ), gone AS (
         DELETE FROM ferry.parked_dependency d USING ready WHERE d.migration_id = $1 AND d.object_type = ready.object_type AND d.source_key = ready.source_key
       )
       DELETE FROM ferry.parked_record r USING ready
        WHERE r.migration_id = $1 AND r.object_type = ready.object_type AND r.source_key = ready.source_key
       RETURNING r.object_type, r.source_key, r.entity, r.event`,
      [parents.map((p) => p.objectType), parents.map((p) => p.sourceKey), records.map((p) => p.objectType), records.map((p) => p.sourceKey)],
    );
    return rows.map((r) => ({ objectType: r.object_type, sourceKey: r.source_key, entity: r.entity, event: r.event }));
  }

  /** Parked records per object type, and what each waits for (for the reconciler and `ferry status`). */
  async countByObject(): Promise<Map<string, number>> {
    const rows = await this.q<{ object_type: string; n: string }>(
      `SELECT object_type, count(*) AS n FROM ferry.parked_record WHERE migration_id = $1 GROUP BY object_type`,
    );
    return new Map(rows.map((r) => [r.object_type, Number(r.n)]));
  }
}

export type OwnerStatus = 'matched' | 'disabled' | 'unmatched' | 'missing';

export interface OwnerAssignment {
  objectType: string;
  sourceKey: string;
  sourceEmail: string;
  systemUserId: string;
  status: OwnerStatus;
}

export interface OwnerReportRow {
  sourceEmail: string;
  status: OwnerStatus;
  systemUserId: string;
  records: number;
}

/** Who owns each record in the destination and why; the owner report counts records, not events. */
export class OwnerRepository extends Scoped {
  async assign(rows: OwnerAssignment[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `INSERT INTO ferry.owner_assignment (migration_id, object_type, source_key, source_email, system_user_id, status, updated_at)
       SELECT $1, o, k, e, u, s, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(o, k, e, u, s)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE
       SET source_email = EXCLUDED.source_email, system_user_id = EXCLUDED.system_user_id, status = EXCLUDED.status, updated_at = now()`,
      [rows.map((r) => r.objectType), rows.map((r) => r.sourceKey), rows.map((r) => r.sourceEmail), rows.map((r) => r.systemUserId), rows.map((r) => r.status)],
    );
  }

  async report(): Promise<OwnerReportRow[]> {
    const rows = await this.q<{ source_email: string; status: OwnerStatus; system_user_id: string; n: string }>(
      `SELECT source_email, status, system_user_id, count(*) AS n FROM ferry.owner_assignment WHERE migration_id = $1
        GROUP BY source_email, status, system_user_id ORDER BY status, source_email`,
    );
    return rows.map((r) => ({ sourceEmail: r.source_email, status: r.status, systemUserId: r.system_user_id, records: Number(r.n) }));
  }
}

export interface AuditEntry {
  run: string;
  entity: string;
  alternateKey: string;
  destinationId: string;
  action: 'created' | 'updated';
  beforeImage: unknown;
}

export class AuditRepository extends Scoped {
  async append(entries: AuditEntry[]): Promise<void> {
    if (!entries.length) return;
    await this.q(
      `INSERT INTO ferry.audit_log (migration_id, run, entity, alternate_key, destination_id, action, before_image)
       SELECT $1, r, e, k, d, a, b FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) AS t(r, e, k, d, a, b)`,
      [
        entries.map((e) => e.run),
        entries.map((e) => e.entity),
        entries.map((e) => e.alternateKey),
        entries.map((e) => e.destinationId),
        entries.map((e) => e.action),
        entries.map((e) => (e.beforeImage == null ? null : JSON.stringify(e.beforeImage))),
      ],
    );
  }
}

export type ReconPhase = 'extracted' | 'transformed' | 'resolved' | 'loaded';

export interface ReconCounts {
  objectType: string;
  extracted: number;
  transformed: number;
  resolved: number;
  loaded: number;
  rejected: number;
}

export class ReconRepository extends Scoped {
  /** Marks records as having reached a phase. Distinct by key: a redelivery or replay changes nothing. */
  async mark(phase: ReconPhase, rows: { objectType: string; sourceKey: string; at: Date }[]): Promise<void> {
    if (!rows.length) return;
    const col = `${phase}_at`;
    await this.q(
      `INSERT INTO ferry.recon_record (migration_id, object_type, source_key, ${col})
       SELECT $1, o, k, a FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS t(o, k, a)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE
       SET ${col} = LEAST(COALESCE(ferry.recon_record.${col}, EXCLUDED.${col}), EXCLUDED.${col})`,
      [rows.map((r) => r.objectType), rows.map((r) => r.sourceKey), rows.map((r) => r.at)],
    );
  }

  /** Marks records rejected. An unreadable row is also counted as extracted: it was read. */
  async reject(rows: { objectType: string; sourceKey: string; phase: string; reason: string; at: Date }[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `INSERT INTO ferry.recon_record (migration_id, object_type, source_key, extracted_at, rejected_at, rejected_phase, rejected_reason)
       SELECT $1, o, k, CASE WHEN p = 'EXTRACT' THEN a END, a, p, r
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[]) AS t(o, k, p, r, a)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE
       SET rejected_at = COALESCE(ferry.recon_record.rejected_at, EXCLUDED.rejected_at),
           rejected_phase = COALESCE(ferry.recon_record.rejected_phase, EXCLUDED.rejected_phase),
           rejected_reason = COALESCE(ferry.recon_record.rejected_reason, EXCLUDED.rejected_reason),
           extracted_at = COALESCE(ferry.recon_record.extracted_at, EXCLUDED.extracted_at)`,
      [rows.map((r) => r.objectType), rows.map((r) => r.sourceKey), rows.map((r) => r.phase), rows.map((r) => r.reason), rows.map((r) => r.at)],
    );
  }

  /** A record that loaded is not rejected, whatever a phase said of it before (a retried load that succeeded). */
  async counts(): Promise<ReconCounts[]> {
    const rows = await this.q<Record<string, string>>(
      `SELECT object_type,
              count(extracted_at) AS extracted, count(transformed_at) AS transformed,
              count(resolved_at) AS resolved, count(loaded_at) AS loaded,
              count(*) FILTER (WHERE rejected_at IS NOT NULL AND loaded_at IS NULL) AS rejected
         FROM ferry.recon_record WHERE migration_id = $1 GROUP BY object_type ORDER BY object_type`,
    );
    return rows.map((r) => ({
      objectType: r.object_type,
      extracted: Number(r.extracted),
      transformed: Number(r.transformed),
      resolved: Number(r.resolved),
      loaded: Number(r.loaded),
      rejected: Number(r.rejected),
    }));
  }

  /** First and last time each phase was reached, per object (the benchmark's phase timings). */
  async phaseTimes(): Promise<{ objectType: string; phase: ReconPhase; first: Date; last: Date }[]> {
    const out: { objectType: string; phase: ReconPhase; first: Date; last: Date }[] = [];
    for (const phase of ['extracted', 'transformed', 'resolved', 'loaded'] as ReconPhase[]) {
      const rows = await this.q<{ object_type: string; first: Date; last: Date }>(
        `SELECT object_type, min(${phase}_at) AS first, max(${phase}_at) AS last FROM ferry.recon_record
          WHERE migration_id = $1 AND ${phase}_at IS NOT NULL GROUP BY object_type`,
      );
      for (const r of rows) out.push({ objectType: r.object_type, phase, first: r.first, last: r.last });
    }
    return out;
  }
}
