import { lastPerKey, Scoped } from './scoped';

/** matched by email, mapped by a person, or not matched: disabled, unmatched or missing (fallback owner, or queued) */
export type OwnerStatus = 'matched' | 'mapped' | 'disabled' | 'unmatched' | 'missing' | 'queued';

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
  async assign(all: OwnerAssignment[]): Promise<void> {
    if (!all.length) return;
    const rows = lastPerKey(all, (r) => `${r.entity}|${r.key}`);
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

  /** Owners a person mapped by hand: source email → destination user id. */
  async mappings(): Promise<Map<string, string>> {
    const rows = await this.q<{ source_email: string; system_user_id: string }>(`SELECT source_email, system_user_id FROM ferry.owner_mapping WHERE migration_id = $1`);
    return new Map(rows.map((r) => [r.source_email, r.system_user_id]));
  }

  async map(sourceEmail: string, systemUserId: string, by: string): Promise<void> {
    await this.q(
      `INSERT INTO ferry.owner_mapping (migration_id, source_email, system_user_id, mapped_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (migration_id, source_email) DO UPDATE SET system_user_id = EXCLUDED.system_user_id, mapped_by = EXCLUDED.mapped_by, mapped_at = now()`,
      [sourceEmail.trim().toLowerCase(), systemUserId, by],
    );
  }

  /** Records held for their owner (queue policy), per source owner ('' when the record had none). */
  async queued(): Promise<{ sourceEmail: string; records: number }[]> {
    const rows = await this.q<{ parent_key: string; n: string }>(
      `SELECT parent_key, count(*) AS n FROM ferry.parked_dependency WHERE migration_id = $1 AND parent_entity = '${OWNER_QUEUE}'
        GROUP BY parent_key ORDER BY count(*) DESC, parent_key`,
    );
    return rows.map((r) => ({ sourceEmail: r.parent_key === NO_OWNER ? '' : r.parent_key, records: Number(r.n) }));
  }
}

/** The pseudo-entity records wait on when their owner is queued: its key is the source owner's email. */
export const OWNER_QUEUE = '$owner';
/** The queue key of records that name no owner. */
export const NO_OWNER = '(none)';
