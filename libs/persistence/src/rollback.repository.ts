import { Scoped } from './scoped';

/** What a rollback does to one destination record, decided by its first and last audited write. */
export type RollbackKind = 'delete' | 'restore' | 'recreate';

/** One destination record a rollback still has to put back, with every audit row about it. */
export interface PendingRollback {
  entity: string;
  destinationId: string;
  alternateKey: string;
  kind: RollbackKind;
  auditIds: string[];
  actions: string[];
  images: (Record<string, unknown> | null)[];
}

/**
 * A record first created by the migration is deleted; one it deleted last is created again; one it only updated is
 * restored. Only rows not yet rolled back count, so a finished rollback leaves nothing and an interrupted one resumes.
 */
const PENDING = `
  SELECT entity, destination_id, (array_agg(alternate_key ORDER BY id))[1] AS alternate_key,
         array_agg(id::text ORDER BY id) AS ids, array_agg(action ORDER BY id) AS actions, array_agg(before_image ORDER BY id) AS images,
         CASE WHEN (array_agg(action ORDER BY id))[1] = 'created' THEN 'delete'
              WHEN (array_agg(action ORDER BY id DESC))[1] = 'deleted' THEN 'recreate' ELSE 'restore' END AS kind
    FROM ferry.audit_log WHERE migration_id = $1 AND rolled_back_at IS NULL`;

export class RollbackRepository extends Scoped {
  /** Records still to put back, per entity and kind. */
  async pendingSummary(): Promise<{ entity: string; kind: RollbackKind; records: number }[]> {
    const rows = await this.q<{ entity: string; kind: RollbackKind; records: string }>(
      `SELECT entity, kind, count(*) AS records FROM (${PENDING} GROUP BY entity, destination_id) p GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    return rows.map((r) => ({ entity: r.entity, kind: r.kind, records: Number(r.records) }));
  }

  /** The next records of one entity and kind after `afterId` (destination ids in order), at most `limit`. */
  async pendingPage(entity: string, kind: RollbackKind, afterId: string, limit: number): Promise<PendingRollback[]> {
    const rows = await this.q<{ entity: string; destination_id: string; alternate_key: string; ids: string[]; actions: string[]; images: (Record<string, unknown> | null)[]; kind: RollbackKind }>(
      `SELECT * FROM (${PENDING} AND entity = $2 AND destination_id > $3 GROUP BY entity, destination_id) p WHERE kind = $4 ORDER BY destination_id LIMIT $5`,
      [entity, afterId, kind, limit],
    );
    return rows.map((r) => ({ entity: r.entity, destinationId: r.destination_id, alternateKey: r.alternate_key, kind: r.kind, auditIds: r.ids, actions: r.actions, images: r.images }));
  }

  async markRolledBack(auditIds: string[]): Promise<void> {
    if (!auditIds.length) return;
    await this.q(`UPDATE ferry.audit_log SET rolled_back_at = now() WHERE migration_id = $1 AND id = ANY($2::bigint[]) AND rolled_back_at IS NULL`, [auditIds]);
  }

  /** Audit rows already rolled back: a second rollback says how many, so "nothing to do" is visibly not "no audit". */
  async rolledBackCount(): Promise<number> {
    const [r] = await this.q<{ n: string }>(`SELECT count(*) AS n FROM ferry.audit_log WHERE migration_id = $1 AND rolled_back_at IS NOT NULL`);
    return Number(r?.n ?? 0);
  }
}
