import { Scoped } from './scoped';

export interface AuditEntry {
  run: string;
  entity: string;
  alternateKey: string;
  destinationId: string;
  /** deleted: the before-image is the whole record, read just before the delete */
  action: 'created' | 'updated' | 'deleted';
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
