import { Scoped } from './scoped';

/** A dead letter by its place in the migration's DLQ topic. */
export interface LetterPlace {
  partition: number;
  offset: string;
}

export interface RedrivenLetter extends LetterPlace {
  phase: string;
  objectType: string;
  recordKey: string;
}

/** Which dead letters were redriven, so a second `ferry dlq redrive` does not send them again unless asked. */
export class DlqRedriveRepository extends Scoped {
  async redriven(): Promise<Set<string>> {
    const rows = await this.q<{ p: number; o: string }>(`SELECT dlq_partition AS p, dlq_offset::text AS o FROM ferry.dlq_redrive WHERE migration_id = $1`);
    return new Set(rows.map((r) => placeId(r.p, r.o)));
  }

  async markRedriven(letters: RedrivenLetter[]): Promise<void> {
    if (!letters.length) return;
    await this.q(
      `INSERT INTO ferry.dlq_redrive (migration_id, dlq_partition, dlq_offset, phase, object_type, record_key)
       SELECT $1, p, o, ph, ob, k FROM unnest($2::int[], $3::bigint[], $4::text[], $5::text[], $6::text[]) AS t(p, o, ph, ob, k)
       ON CONFLICT (migration_id, dlq_partition, dlq_offset) DO UPDATE SET redriven_at = now()`,
      [letters.map((l) => l.partition), letters.map((l) => l.offset), letters.map((l) => l.phase), letters.map((l) => l.objectType), letters.map((l) => l.recordKey)],
    );
  }

  /**
   * A source record sent to the transformer again starts over in the reconciliation: its rejection is cleared, so it
   * counts as transformed once mapped (not as a partial reject) and as rejected again only if the transformer
   * rejects it again. Destination records need nothing: a load after a rejection already counts as loaded.
   */
  async clearSourceRejections(records: { objectType: string; sourceKey: string }[]): Promise<void> {
    if (!records.length) return;
    await this.q(
      `UPDATE ferry.recon_record r SET rejected_at = NULL, rejected_phase = NULL, rejected_reason = NULL, rejected_code = NULL
         FROM unnest($2::text[], $3::text[]) AS t(o, k) WHERE r.migration_id = $1 AND r.object_type = t.o AND r.source_key = t.k`,
      [records.map((r) => r.objectType), records.map((r) => r.sourceKey)],
    );
  }
}

export function placeId(partition: number, offset: string): string {
  return `${partition}@${offset}`;
}
