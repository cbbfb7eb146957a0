import { lastPerKey, Scoped } from './scoped';

/**
 * The fields of source records that other records read through the map's ref() (a user's email for an owner, a
 * contact's company for an account key): written as the records arrive, read by `object|key`.
 */
export class RefRecordRepository extends Scoped {
  async put(object: string, rows: { key: string; fields: Record<string, unknown> }[]): Promise<void> {
    const list = lastPerKey(rows, (r) => r.key);
    if (!list.length) return;
    await this.q(
      `INSERT INTO ferry.ref_record (migration_id, object_type, source_key, fields, updated_at)
       SELECT $1, $2, k, f, now() FROM unnest($3::text[], $4::jsonb[]) AS t(k, f)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE SET fields = EXCLUDED.fields, updated_at = now()`,
      [object, list.map((r) => r.key), list.map((r) => JSON.stringify(r.fields))],
    );
  }

  async drop(object: string, keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.q(`DELETE FROM ferry.ref_record WHERE migration_id = $1 AND object_type = $2 AND source_key = ANY($3::text[])`, [object, keys]);
  }

  /** The kept fields of the given records (`object|key`), by `object|key`; unknown records are absent. */
  async get(refs: string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    const unique = [...new Set(refs)];
    if (!unique.length) return out;
    const split = unique.map((r) => [r.slice(0, r.indexOf('|')), r.slice(r.indexOf('|') + 1)]);
    const rows = await this.q<{ object_type: string; source_key: string; fields: Record<string, unknown> }>(
      `SELECT r.object_type, r.source_key, r.fields FROM ferry.ref_record r
         JOIN unnest($2::text[], $3::text[]) AS t(o, k) ON r.object_type = t.o AND r.source_key = t.k
        WHERE r.migration_id = $1`,
      [split.map((s) => s[0]), split.map((s) => s[1])],
    );
    for (const r of rows) out.set(`${r.object_type}|${r.source_key}`, r.fields);
    return out;
  }
}
