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

/**
 * Values the map could not use in optional columns (unparseable dates, unmapped picklist values, truncations),
 * counted per object, column and kind with one example. Counts are occurrences: a replayed transform counts again.
 */
export class QualityRepository extends Scoped {
  async add(rows: QualityCount[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `INSERT INTO ferry.quality_issue (migration_id, object_type, entity, column_name, kind, occurrences, example_key, example_value, detail)
       SELECT $1, o, e, c, k, n, ek, ev, d
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[]) AS t(o, e, c, k, n, ek, ev, d)
       ON CONFLICT (migration_id, object_type, entity, column_name, kind) DO UPDATE
       SET occurrences = ferry.quality_issue.occurrences + EXCLUDED.occurrences, updated_at = now(),
           example_key = COALESCE(ferry.quality_issue.example_key, EXCLUDED.example_key),
           example_value = COALESCE(ferry.quality_issue.example_value, EXCLUDED.example_value),
           detail = COALESCE(ferry.quality_issue.detail, EXCLUDED.detail)`,
      [
        rows.map((r) => r.objectType), rows.map((r) => r.entity), rows.map((r) => r.column), rows.map((r) => r.kind),
        rows.map((r) => r.occurrences), rows.map((r) => r.exampleKey), rows.map((r) => r.exampleValue), rows.map((r) => r.detail),
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
