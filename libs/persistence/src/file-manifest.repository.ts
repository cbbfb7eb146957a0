import { Scoped } from './scoped';

export interface OversizedFile {
  entity: string;
  key: string;
  column: string;
  fileName: string | null;
  bytes: number;
  limitBytes: number;
  reason: string;
}

/** Files the destination could not take (over its attachment limit): their records landed without them, for manual handling. */
export class FileManifestRepository extends Scoped {
  async record(rows: OversizedFile[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `INSERT INTO ferry.file_manifest (migration_id, entity, target_key, column_name, file_name, bytes, limit_bytes, reason)
       SELECT $1, e, k, c, f, b, l, r FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[]) AS t(e, k, c, f, b, l, r)
       ON CONFLICT (migration_id, entity, target_key, column_name) DO UPDATE
       SET file_name = EXCLUDED.file_name, bytes = EXCLUDED.bytes, limit_bytes = EXCLUDED.limit_bytes, reason = EXCLUDED.reason, recorded_at = now()`,
      [rows.map((r) => r.entity), rows.map((r) => r.key), rows.map((r) => r.column), rows.map((r) => r.fileName), rows.map((r) => r.bytes), rows.map((r) => r.limitBytes), rows.map((r) => r.reason)],
    );
  }

  async all(): Promise<OversizedFile[]> {
    const rows = await this.q<{ entity: string; target_key: string; column_name: string; file_name: string | null; bytes: string; limit_bytes: string; reason: string }>(
      `SELECT entity, target_key, column_name, file_name, bytes, limit_bytes, reason FROM ferry.file_manifest WHERE migration_id = $1 ORDER BY entity, target_key`,
    );
    return rows.map((r) => ({ entity: r.entity, key: r.target_key, column: r.column_name, fileName: r.file_name, bytes: Number(r.bytes), limitBytes: Number(r.limit_bytes), reason: r.reason }));
  }
}
