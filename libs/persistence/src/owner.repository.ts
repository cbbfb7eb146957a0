import { Scoped } from './scoped';

export type OwnerStatus = 'matched' | 'disabled' | 'unmatched' | 'missing';

export interface OwnerAssignment {
  entity: string;
  key: string;
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
      `INSERT INTO ferry.owner_assignment (migration_id, entity, target_key, source_email, system_user_id, status, updated_at)
       SELECT $1, o, k, e, u, s, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(o, k, e, u, s)
       ON CONFLICT (migration_id, entity, target_key) DO UPDATE
       SET source_email = EXCLUDED.source_email, system_user_id = EXCLUDED.system_user_id, status = EXCLUDED.status, updated_at = now()`,
      [rows.map((r) => r.entity), rows.map((r) => r.key), rows.map((r) => r.sourceEmail), rows.map((r) => r.systemUserId), rows.map((r) => r.status)],
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
