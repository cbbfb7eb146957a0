import { lastPerKey, Scoped } from './scoped';
import type { TargetRef } from './id-map.repository';
import type { EntityManager } from 'typeorm';

export interface ParkedInput {
  entity: string;
  key: string;
  /** kept as JSON when `wire` is not given */
  event: unknown;
  /** the event as Avro bytes in Confluent wire format: kept as they are, and handed back as they are */
  wire?: Buffer | null;
  /** per lookup column, the candidates it may be satisfied by (any one of them landing is enough) */
  waitingFor: { slot: string; candidates: TargetRef[] }[];
}

export interface ParkedRecord {
  entity: string;
  key: string;
  /** the event parked as JSON (null when it was parked as `wire`) */
  event: unknown;
  wire: Buffer | null;
}

/** Records waiting for parents, by destination entity and key; a newer version of one replaces the older. */
export class ParkingRepository extends Scoped {
  async park(all: ParkedInput[]): Promise<void> {
    if (!all.length) return;
    // In one order, so two chunks parking some of the same records at once wait for each other instead of deadlocking.
    const items = lastPerKey(all, (i) => `${i.entity}|${i.key}`).sort((a, b) => (a.entity + '|' + a.key < b.entity + '|' + b.key ? -1 : 1));
    const run = async (m: EntityManager) => {
      const repo = new ParkingRepository(m, this.migrationId);
      await repo.q(
        `DELETE FROM ferry.parked_dependency d USING unnest($2::text[], $3::text[]) AS t(e, k)
         WHERE d.migration_id = $1 AND d.entity = t.e AND d.target_key = t.k`,
        [items.map((i) => i.entity), items.map((i) => i.key)],
      );
      // JSON goes as text and is cast once: PostgreSQL parses a jsonb[] literal far more slowly.
      await repo.q(
        `INSERT INTO ferry.parked_record (migration_id, entity, target_key, event, event_wire, parked_at)
         SELECT $1, e, k, ev::jsonb, w, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::bytea[]) AS t(e, k, ev, w)
         ON CONFLICT (migration_id, entity, target_key) DO UPDATE SET event = EXCLUDED.event, event_wire = EXCLUDED.event_wire, released_at = NULL`,
        [items.map((i) => i.entity), items.map((i) => i.key), items.map((i) => (i.wire ? null : JSON.stringify(i.event))), items.map((i) => i.wire ?? null)],
      );
      const deps = items.flatMap((i) => i.waitingFor.flatMap((w) => w.candidates.map((c) => [i.entity, i.key, w.slot, c.entity, c.key])));
      await repo.q(
        `INSERT INTO ferry.parked_dependency (migration_id, entity, target_key, slot, parent_entity, parent_key)
         SELECT $1, e, k, s, pe, pk FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(e, k, s, pe, pk)
         ON CONFLICT DO NOTHING`,
        [0, 1, 2, 3, 4].map((n) => deps.map((d) => d[n])),
      );
    };
    await this.db.transaction(run);
  }

  /**
   * Claims parked records each of whose slots is decided: one of its candidates loaded, or every candidate is known
   * in the id map (failed or missing) — the same rule the resolver decides by, so a released record never parks
   * again on the same facts. `among` narrows the search to records waiting on the given parents, or to the given
   * records themselves. A claim drops the record's dependencies and marks it released, so it is released once
   * however many callers race; the record itself stays until `sent` says it went on, and a claim never confirmed
   * (the process or Kafka failed in between) is claimed again by `reclaimStale`.
   */
  async claimReady(among: { parents?: TargetRef[]; records?: TargetRef[] }): Promise<ParkedRecord[]> {
    const parents = among.parents ?? [];
    const records = among.records ?? [];
    if (!parents.length && !records.length) return [];
    const rows = await this.q<{ entity: string; target_key: string; event: unknown; event_wire: Buffer | null }>(
      `WITH candidates AS (
         SELECT DISTINCT d.entity, d.target_key FROM ferry.parked_dependency d
           JOIN unnest($2::text[], $3::text[]) AS p(e, k) ON d.parent_entity = p.e AND d.parent_key = p.k
          WHERE d.migration_id = $1
         UNION
         SELECT e, k FROM unnest($4::text[], $5::text[]) AS r(e, k)
       ), ready AS (
         SELECT c.entity, c.target_key FROM candidates c
          WHERE EXISTS (SELECT 1 FROM ferry.parked_record r WHERE r.migration_id = $1 AND r.entity = c.entity AND r.target_key = c.target_key AND r.released_at IS NULL)
            AND NOT EXISTS (
              SELECT 1 FROM ferry.parked_dependency d
               LEFT JOIN ferry.id_map m ON m.migration_id = d.migration_id AND m.entity = d.parent_entity AND m.target_key = d.parent_key
               WHERE d.migration_id = $1 AND d.entity = c.entity AND d.target_key = c.target_key
               GROUP BY d.slot
              HAVING NOT (COALESCE(bool_or(m.state = 'loaded'), false) OR bool_and(m.target_key IS NOT NULL)))
       ), gone AS (
         DELETE FROM ferry.parked_dependency d USING ready
          WHERE d.migration_id = $1 AND d.entity = ready.entity AND d.target_key = ready.target_key
       )
       UPDATE ferry.parked_record r SET released_at = clock_timestamp() FROM ready
        WHERE r.migration_id = $1 AND r.entity = ready.entity AND r.target_key = ready.target_key AND r.released_at IS NULL
       RETURNING r.entity, r.target_key, r.event, r.event_wire`,
      [parents.map((p) => p.entity), parents.map((p) => p.key), records.map((p) => p.entity), records.map((p) => p.key)],
    );
    return rows.map((r) => ({ entity: r.entity, key: r.target_key, event: r.event, wire: r.event_wire }));
  }

  /**
   * The released records went on (sent, rejected or parked again): they leave the table. A record parked again
   * meanwhile (a newer version, or the same one waiting on a deferred lookup) is no longer marked and stays.
   */
  async sent(released: TargetRef[]): Promise<void> {
    if (!released.length) return;
    await this.q(
      `DELETE FROM ferry.parked_record r USING unnest($2::text[], $3::text[]) AS t(e, k)
        WHERE r.migration_id = $1 AND r.entity = t.e AND r.target_key = t.k AND r.released_at IS NOT NULL`,
      [released.map((r) => r.entity), released.map((r) => r.key)],
    );
  }

  /**
   * Records released more than `olderThanMs` ago and never confirmed sent (the resolver lost Kafka or stopped in
   * between): claimed again, to be sent again. Sending one twice is harmless; losing one is not.
   */
  async reclaimStale(olderThanMs: number): Promise<ParkedRecord[]> {
    const rows = await this.q<{ entity: string; target_key: string; event: unknown; event_wire: Buffer | null }>(
      `UPDATE ferry.parked_record SET released_at = clock_timestamp()
        WHERE migration_id = $1 AND released_at < clock_timestamp() - $2 * interval '1 millisecond'
       RETURNING entity, target_key, event, event_wire`,
      [olderThanMs],
    );
    return rows.map((r) => ({ entity: r.entity, key: r.target_key, event: r.event, wire: r.event_wire }));
  }

  /**
   * Stops records waiting on the given parents (a queued owner a person has now mapped) and returns those records;
   * claim them with claimReady({ records }) to release the ones with nothing else left to wait for.
   */
  async dropParents(entity: string, keys: string[]): Promise<TargetRef[]> {
    if (!keys.length) return [];
    const rows = await this.q<{ entity: string; target_key: string }>(
      `DELETE FROM ferry.parked_dependency WHERE migration_id = $1 AND parent_entity = $2 AND parent_key = ANY($3::text[])
       RETURNING entity, target_key`,
      [entity, keys],
    );
    return rows.map((r) => ({ entity: r.entity, key: r.target_key }));
  }

  /**
   * Parents records wait on that are nowhere: not landed or failed (id map), not waiting themselves. Once the
   * source is fully read and every phase is caught up, these are references to records the source does not have.
   */
  async absentParents(exceptEntity: string): Promise<TargetRef[]> {
    const rows = await this.q<{ parent_entity: string; parent_key: string }>(
      `SELECT DISTINCT d.parent_entity, d.parent_key FROM ferry.parked_dependency d
        WHERE d.migration_id = $1 AND d.parent_entity <> $2
          AND NOT EXISTS (SELECT 1 FROM ferry.id_map m WHERE m.migration_id = $1 AND m.entity = d.parent_entity AND m.target_key = d.parent_key)
          AND NOT EXISTS (SELECT 1 FROM ferry.parked_record r WHERE r.migration_id = $1 AND r.entity = d.parent_entity AND r.target_key = d.parent_key)`,
      [exceptEntity],
    );
    return rows.map((r) => ({ entity: r.parent_entity, key: r.parent_key }));
  }

  /** Distinct parents of one entity that records wait on (the owners in the queue). */
  async waitedParents(entity: string): Promise<string[]> {
    const rows = await this.q<{ parent_key: string }>(
      `SELECT DISTINCT parent_key FROM ferry.parked_dependency WHERE migration_id = $1 AND parent_entity = $2`,
      [entity],
    );
    return rows.map((r) => r.parent_key);
  }

  /** Parked records per destination entity (for the reconciler and `ferry status`). */
  async countByEntity(): Promise<Map<string, number>> {
    const rows = await this.q<{ entity: string; n: string }>(
      `SELECT entity, count(*) AS n FROM ferry.parked_record WHERE migration_id = $1 GROUP BY entity`,
    );
    return new Map(rows.map((r) => [r.entity, Number(r.n)]));
  }
}
