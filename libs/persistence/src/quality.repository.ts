import { Scoped } from './scoped';

export interface QualityCount {
  objectType: string;
  entity: string;
  column: string;
  kind: string;
  occurrences: number;
  exampleKey: string | null;
  exampleValue: string | null;
  detail: string | null;
}

/** What a phase found in one chunk, per object, entity, column and kind: the records it found it in, and one example. */
export interface QualityInput extends Omit<QualityCount, 'occurrences'> {
  /** the keys of the records with this issue (a key met twice counts once) */
  keys: string[];
}

/**
 * Values the map could not use in optional columns (unparseable dates, unmapped picklist values, truncations),
 * counted per object, column and kind with one example. Counts are records: each record is remembered with its
 * issue, so a replayed phase, a redelivered chunk or a record sent again counts nothing twice.
 */
export class QualityRepository extends Scoped {
  async add(rows: QualityInput[]): Promise<void> {
    const hits = rows.flatMap((r) => [...new Set(r.keys)].map((key) => [r.objectType, r.entity, r.column, r.kind, key] as const));
    if (!hits.length) return;
    await this.q(
      `WITH fresh AS (
         INSERT INTO ferry.quality_issue_record (migration_id, object_type, entity, column_name, kind, record_key)
         SELECT $1, o, e, c, k, key FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(o, e, c, k, key)
         ON CONFLICT DO NOTHING
         RETURNING object_type, entity, column_name, kind
       ), counted AS (
         SELECT object_type, entity, column_name, kind, count(*) AS n FROM fresh GROUP BY 1, 2, 3, 4
       )
       INSERT INTO ferry.quality_issue (migration_id, object_type, entity, column_name, kind, occurrences, example_key, example_value, detail)
       SELECT $1, x.o, x.e, x.c, x.k, counted.n, x.ek, x.ev, x.d
         FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]) AS x(o, e, c, k, ek, ev, d)
         JOIN counted ON counted.object_type = x.o AND counted.entity = x.e AND counted.column_name = x.c AND counted.kind = x.k
       ON CONFLICT (migration_id, object_type, entity, column_name, kind) DO UPDATE
       SET occurrences = ferry.quality_issue.occurrences + EXCLUDED.occurrences, updated_at = now(),
           example_key = COALESCE(ferry.quality_issue.example_key, EXCLUDED.example_key),
           example_value = COALESCE(ferry.quality_issue.example_value, EXCLUDED.example_value),
           detail = COALESCE(ferry.quality_issue.detail, EXCLUDED.detail)`,
      [
        hits.map((h) => h[0]), hits.map((h) => h[1]), hits.map((h) => h[2]), hits.map((h) => h[3]), hits.map((h) => h[4]),
        rows.map((r) => r.objectType), rows.map((r) => r.entity), rows.map((r) => r.column), rows.map((r) => r.kind),
        rows.map((r) => r.exampleKey), rows.map((r) => r.exampleValue), rows.map((r) => r.detail),
      ],
    );
  }

  async all(): Promise<QualityCount[]> {
    const rows = await this.q<Record<string, string | null>>(
      `SELECT object_type, entity, column_name, kind, occurrences, example_key, example_value, detail FROM ferry.quality_issue
        WHERE migration_id = $1 ORDER BY object_type, entity, column_name, kind`,
    );
    return rows.map((r) => ({
      objectType: r.object_type!, entity: r.entity!, column: r.column_name!, kind: r.kind!, occurrences: Number(r.occurrences),
      exampleKey: r.example_key, exampleValue: r.example_value, detail: r.detail,
    }));
  }
}
