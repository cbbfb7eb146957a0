import { lastPerKey, Scoped } from './scoped';

/** A destination record that landed (or failed to): known by its entity and destination key. */
export interface IdMapEntry {
  entity: string;
  key: string;
  destinationId: string | null;
  /** loaded or failed at the destination; missing: the source has no such record (a dangling reference) */
  state: 'loaded' | 'failed' | 'missing';
}

export interface TargetRef {
  entity: string;
  key: string;
}

export const targetRef = (entity: string, key: string) => `${entity}|${key}`;

export class IdMapRepository extends Scoped {
  async upsert(all: IdMapEntry[]): Promise<void> {
    if (!all.length) return;
    // Within one call a success wins over a failure of the same record, as it does across calls.
    const entries = lastPerKey([...all].sort((a, b) => (a.state === b.state ? 0 : a.state === 'loaded' ? 1 : -1)), (e) => `${e.entity}|${e.key}`);
    // A later success wins over an earlier failure, never the other way round: a replayed failure
    // must not hide a record that did land.
    await this.q(
      `INSERT INTO ferry.id_map (migration_id, entity, target_key, destination_id, state, updated_at)
       SELECT $1, e, k, d, s, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(e, k, d, s)
       ON CONFLICT (migration_id, entity, target_key) DO UPDATE
       SET destination_id = COALESCE(EXCLUDED.destination_id, ferry.id_map.destination_id),
           state = CASE WHEN ferry.id_map.state = 'loaded' THEN 'loaded' ELSE EXCLUDED.state END,
           updated_at = now()`,
      [entries.map((e) => e.entity), entries.map((e) => e.key), entries.map((e) => e.destinationId), entries.map((e) => e.state)],
    );
  }

  /** Known parents among the given references, keyed by `targetRef(entity, key)`. */
  async find(refs: TargetRef[]): Promise<Map<string, { destinationId: string | null; state: string }>> {
    const out = new Map<string, { destinationId: string | null; state: string }>();
    if (!refs.length) return out;
    const rows = await this.q<{ entity: string; target_key: string; destination_id: string | null; state: string }>(
      `SELECT m.entity, m.target_key, m.destination_id, m.state
       FROM ferry.id_map m JOIN unnest($2::text[], $3::text[]) AS r(e, k) ON m.entity = r.e AND m.target_key = r.k
       WHERE m.migration_id = $1`,
      [refs.map((r) => r.entity), refs.map((r) => r.key)],
    );
    for (const r of rows) out.set(targetRef(r.entity, r.target_key), { destinationId: r.destination_id, state: r.state });
    return out;
  }

  async count(): Promise<number> {
    const [r] = await this.q<{ n: string }>(`SELECT count(*) AS n FROM ferry.id_map WHERE migration_id = $1`);
    return Number(r.n);
  }
}
