import { lastPerKey, Scoped } from './scoped';

/** Phases a source record passes: read, then mapped to at least one destination record. */
export type SourcePhase = 'extracted' | 'transformed';
/** Phases a destination record passes. */
export type TargetPhase = 'transformed' | 'resolved' | 'loaded';

export interface SourceCounts {
  objectType: string;
  extracted: number;
  /** mapped to at least one destination record */
  transformed: number;
  /** refused as a whole (unreadable, or no entry could map it) */
  rejected: number;
  /** mapped, but some entry refused it (listed in the DLQ) */
  partial: number;
}

export interface TargetCounts {
  entity: string;
  transformed: number;
  resolved: number;
  loaded: number;
  rejected: number;
}

type Rejection = { phase: string; reason: string; at: Date; code?: string | null };

/**
 * Reconciliation state by key, so a redelivery or a replay never counts twice: source records by (object, source
 * key), destination records by (entity, destination key), since one source record may give several destination
 * records and several may merge into one.
 */
export class ReconRepository extends Scoped {
  async markSource(phase: SourcePhase, all: { objectType: string; sourceKey: string; at: Date }[]): Promise<void> {
    if (!all.length) return;
    const rows = lastPerKey(all, (r) => `${r.objectType}|${r.sourceKey}`);
    const col = `${phase}_at`;
    await this.q(
      `INSERT INTO ferry.recon_record (migration_id, object_type, source_key, ${col})
       SELECT $1, o, k, a FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS t(o, k, a)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE
       SET ${col} = LEAST(COALESCE(ferry.recon_record.${col}, EXCLUDED.${col}), EXCLUDED.${col})`,
      [rows.map((r) => r.objectType), rows.map((r) => r.sourceKey), rows.map((r) => r.at)],
    );
  }

  async markTarget(phase: TargetPhase, all: { entity: string; key: string; at: Date }[]): Promise<void> {
    if (!all.length) return;
    const rows = lastPerKey(all, (r) => `${r.entity}|${r.key}`);
    const col = `${phase}_at`;
    // The latest load counts, so a record that failed after it first landed is loaded again once it lands again.
    const fold = phase === 'loaded' ? 'GREATEST' : 'LEAST';
    await this.q(
      `INSERT INTO ferry.recon_target (migration_id, entity, target_key, ${col})
       SELECT $1, e, k, a FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS t(e, k, a)
       ON CONFLICT (migration_id, entity, target_key) DO UPDATE
       SET ${col} = ${fold}(COALESCE(ferry.recon_target.${col}, EXCLUDED.${col}), EXCLUDED.${col})`,
      [rows.map((r) => r.entity), rows.map((r) => r.key), rows.map((r) => r.at)],
    );
  }

  /** Source records refused while reading or mapping. An unreadable row is also counted as extracted: it was read. */
  async rejectSource(all: (Rejection & { objectType: string; sourceKey: string })[]): Promise<void> {
    if (!all.length) return;
    const rows = lastPerKey(all, (r) => `${r.objectType}|${r.sourceKey}`);
    await this.q(
      `INSERT INTO ferry.recon_record (migration_id, object_type, source_key, extracted_at, rejected_at, rejected_phase, rejected_reason, rejected_code)
       SELECT $1, o, k, CASE WHEN p = 'EXTRACT' THEN a END, a, p, r, c
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[]) AS t(o, k, p, r, a, c)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE
       SET rejected_at = COALESCE(ferry.recon_record.rejected_at, EXCLUDED.rejected_at),
           rejected_phase = COALESCE(ferry.recon_record.rejected_phase, EXCLUDED.rejected_phase),
           rejected_reason = COALESCE(ferry.recon_record.rejected_reason, EXCLUDED.rejected_reason),
           rejected_code = COALESCE(ferry.recon_record.rejected_code, EXCLUDED.rejected_code),
           extracted_at = COALESCE(ferry.recon_record.extracted_at, EXCLUDED.extracted_at)`,
      [rows.map((r) => r.objectType), rows.map((r) => r.sourceKey), rows.map((r) => r.phase), rows.map((r) => r.reason), rows.map((r) => r.at), rows.map((r) => r.code ?? null)],
    );
  }

  /** Destination records refused while resolving or loading. */
  async rejectTarget(all: (Rejection & { entity: string; key: string })[]): Promise<void> {
    if (!all.length) return;
    const rows = lastPerKey(all, (r) => `${r.entity}|${r.key}`);
    await this.q(
      `INSERT INTO ferry.recon_target (migration_id, entity, target_key, rejected_at, rejected_phase, rejected_reason, rejected_code)
       SELECT $1, e, k, a, p, r, c FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[]) AS t(e, k, p, r, a, c)
       ON CONFLICT (migration_id, entity, target_key) DO UPDATE
       SET rejected_at = EXCLUDED.rejected_at, rejected_phase = EXCLUDED.rejected_phase, rejected_reason = EXCLUDED.rejected_reason,
           rejected_code = EXCLUDED.rejected_code`,
      [rows.map((r) => r.entity), rows.map((r) => r.key), rows.map((r) => r.phase), rows.map((r) => r.reason), rows.map((r) => r.at), rows.map((r) => r.code ?? null)],
    );
  }

  async sourceCounts(): Promise<SourceCounts[]> {
    const rows = await this.q<Record<string, string>>(
      `SELECT object_type, count(extracted_at) AS extracted, count(transformed_at) AS transformed,
              count(*) FILTER (WHERE rejected_at IS NOT NULL AND transformed_at IS NULL) AS rejected,
              count(*) FILTER (WHERE rejected_at IS NOT NULL AND transformed_at IS NOT NULL) AS partial
         FROM ferry.recon_record WHERE migration_id = $1 GROUP BY object_type ORDER BY object_type`,
    );
    return rows.map((r) => ({
      objectType: r.object_type,
      extracted: Number(r.extracted),
      transformed: Number(r.transformed),
      rejected: Number(r.rejected),
      partial: Number(r.partial),
    }));
  }

  /**
   * A destination record that loaded is not rejected, whatever a phase said of it before (a retried load that
   * succeeded); one that was rejected after it loaded (a later version failed) counts as rejected until it loads again.
   */
  async targetCounts(): Promise<TargetCounts[]> {
    const rows = await this.q<Record<string, string>>(
      `SELECT entity, count(transformed_at) AS transformed, count(resolved_at) AS resolved,
              count(*) FILTER (WHERE loaded_at IS NOT NULL AND (rejected_at IS NULL OR rejected_at <= loaded_at)) AS loaded,
              count(*) FILTER (WHERE rejected_at IS NOT NULL AND (loaded_at IS NULL OR rejected_at > loaded_at)) AS rejected
         FROM ferry.recon_target WHERE migration_id = $1 GROUP BY entity ORDER BY entity`,
    );
    return rows.map((r) => ({
      entity: r.entity,
      transformed: Number(r.transformed),
      resolved: Number(r.resolved),
      loaded: Number(r.loaded),
      rejected: Number(r.rejected),
    }));
  }

  /** Which source records made each destination record (several: a many:1 merge). */
  async contributed(rows: { entity: string; key: string; objectType: string; sourceKey: string }[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `INSERT INTO ferry.target_source (migration_id, entity, target_key, object_type, source_key)
       SELECT $1, e, k, o, s FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS t(e, k, o, s) ON CONFLICT DO NOTHING`,
      [rows.map((r) => r.entity), rows.map((r) => r.key), rows.map((r) => r.objectType), rows.map((r) => r.sourceKey)],
    );
  }

  /** Rejections per side, phase and code, with one example each (the data-quality report). */
  async rejectionsByCode(): Promise<{ side: 'source' | 'destination'; name: string; phase: string; code: string; records: number; exampleKey: string; exampleReason: string }[]> {
    const rows = await this.q<{ side: 'source' | 'destination'; name: string; phase: string; code: string; n: string; k: string; r: string }>(
      `SELECT 'source' AS side, object_type AS name, rejected_phase AS phase, COALESCE(rejected_code, 'UNKNOWN') AS code, count(*) AS n,
              min(source_key) AS k, min(rejected_reason) AS r
         FROM ferry.recon_record WHERE migration_id = $1 AND rejected_at IS NOT NULL GROUP BY 1, 2, 3, 4
       UNION ALL
       SELECT 'destination', entity, rejected_phase, COALESCE(rejected_code, 'UNKNOWN'), count(*), min(target_key), min(rejected_reason)
         FROM ferry.recon_target WHERE migration_id = $1 AND rejected_at IS NOT NULL AND (loaded_at IS NULL OR rejected_at > loaded_at)
        GROUP BY 1, 2, 3, 4
       ORDER BY 1, 2, 5 DESC`,
    );
    return rows.map((r) => ({ side: r.side, name: r.name, phase: r.phase, code: r.code, records: Number(r.n), exampleKey: r.k, exampleReason: r.r }));
  }

  /** Destination records several source records merged into, per entity, with the largest example. */
  async merges(): Promise<{ entity: string; mergedRecords: number; sourceRecords: number; exampleKey: string; exampleSources: number }[]> {
    const rows = await this.q<{ entity: string; merged: string; sources: string; k: string; most: string }>(
      `WITH per AS (
         SELECT entity, target_key, count(*) AS n FROM ferry.target_source WHERE migration_id = $1 GROUP BY entity, target_key HAVING count(*) > 1)
       SELECT entity, count(*) AS merged, sum(n) AS sources, (array_agg(target_key ORDER BY n DESC, target_key))[1] AS k, max(n) AS most
         FROM per GROUP BY entity ORDER BY entity`,
    );
    return rows.map((r) => ({ entity: r.entity, mergedRecords: Number(r.merged), sourceRecords: Number(r.sources), exampleKey: r.k, exampleSources: Number(r.most) }));
  }

  /** First and last time each phase was reached, per source object or destination entity (the benchmark's phase timings). */
  async phaseTimes(): Promise<{ name: string; phase: string; first: Date; last: Date }[]> {
    const out: { name: string; phase: string; first: Date; last: Date }[] = [];
    const rows = await this.q<{ name: string; phase: string; first: Date; last: Date }>(
      `SELECT object_type AS name, 'extracted' AS phase, min(extracted_at) AS first, max(extracted_at) AS last
         FROM ferry.recon_record WHERE migration_id = $1 AND extracted_at IS NOT NULL GROUP BY object_type
       UNION ALL
       SELECT entity, p.phase, min(p.at), max(p.at) FROM ferry.recon_target t
         CROSS JOIN LATERAL (VALUES ('transformed', t.transformed_at), ('resolved', t.resolved_at), ('loaded', t.loaded_at)) AS p(phase, at)
        WHERE t.migration_id = $1 AND p.at IS NOT NULL GROUP BY entity, p.phase`,
    );
    for (const r of rows) out.push(r);
    return out;
  }

  /**
   * Where each of these destination records stands: loaded (and not rejected since), or rejected with the reason
   * (and not loaded since); neither means still on its way or waiting. Read-only.
   */
  async targetStates(entity: string, keys: string[]): Promise<Map<string, { state: 'loaded' | 'rejected' | 'pending'; code: string | null; reason: string | null }>> {
    const out = new Map<string, { state: 'loaded' | 'rejected' | 'pending'; code: string | null; reason: string | null }>();
    if (!keys.length) return out;
    const rows = await this.q<{ target_key: string; loaded_at: Date | null; rejected_at: Date | null; rejected_code: string | null; rejected_reason: string | null }>(
      `SELECT target_key, loaded_at, rejected_at, rejected_code, rejected_reason FROM ferry.recon_target
        WHERE migration_id = $1 AND entity = $2 AND target_key = ANY($3::text[])`,
      [entity, keys],
    );
    for (const r of rows) {
      const loaded = r.loaded_at !== null && (r.rejected_at === null || r.rejected_at <= r.loaded_at);
      const rejected = r.rejected_at !== null && (r.loaded_at === null || r.rejected_at > r.loaded_at);
      out.set(r.target_key, { state: loaded ? 'loaded' : rejected ? 'rejected' : 'pending', code: rejected ? r.rejected_code : null, reason: rejected ? r.rejected_reason : null });
    }
    return out;
  }
}
