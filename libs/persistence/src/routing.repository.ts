import { Scoped } from './scoped';

export interface RelatedFactRow {
  rule: string;
  relatedObject: string;
  relatedKey: string;
  targetKey: string;
  matches: boolean;
}

export interface RoutedRecord {
  key: string;
  record: Record<string, unknown>;
  entries: string[];
}

/**
 * What the transformer knows for routing that depends on other objects: related facts per rule, sticky latches, and
 * routed records with the entries that took them. Writes come before reads on both sides (a related record writes its
 * fact, then looks for its target; a target stores itself, then reads its facts), so whichever runs second sees both.
 */
export class RoutingRepository extends Scoped {
  /** Records the facts and returns every target key whose facts may have changed (the new ones and the ones left). */
  async putFacts(rows: RelatedFactRow[]): Promise<Map<string, Set<string>>> {
    const touched = new Map<string, Set<string>>();
    if (!rows.length) return touched;
    const add = (rule: string, key: string) => touched.set(rule, (touched.get(rule) ?? new Set()).add(key));
    const last = new Map<string, RelatedFactRow>();
    for (const r of rows) last.set(`${r.rule}|${r.relatedObject}|${r.relatedKey}`, r);
    const list = [...last.values()];
    const before = await this.q<{ rule: string; target_key: string }>(
      `SELECT f.rule, f.target_key FROM ferry.related_fact f
         JOIN unnest($2::text[], $3::text[], $4::text[]) AS t(r, o, k) ON f.rule = t.r AND f.related_object = t.o AND f.related_key = t.k
        WHERE f.migration_id = $1`,
      [list.map((r) => r.rule), list.map((r) => r.relatedObject), list.map((r) => r.relatedKey)],
    );
    for (const b of before) add(b.rule, b.target_key);
    await this.q(
      `INSERT INTO ferry.related_fact (migration_id, rule, related_object, related_key, target_key, matches, updated_at)
       SELECT $1, r, o, k, t, m, now() FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[]) AS x(r, o, k, t, m)
       ON CONFLICT (migration_id, rule, related_object, related_key) DO UPDATE
       SET target_key = EXCLUDED.target_key, matches = EXCLUDED.matches, updated_at = now()`,
      [list.map((r) => r.rule), list.map((r) => r.relatedObject), list.map((r) => r.relatedKey), list.map((r) => r.targetKey), list.map((r) => r.matches)],
    );
    for (const r of list) add(r.rule, r.targetKey);
    return touched;
  }

  /** A related record deleted in the source no longer counts; returns the targets it pointed at. */
  async dropFacts(rule: string, relatedObject: string, relatedKeys: string[]): Promise<string[]> {
    if (!relatedKeys.length) return [];
    const rows = await this.q<{ target_key: string }>(
      `DELETE FROM ferry.related_fact WHERE migration_id = $1 AND rule = $2 AND related_object = $3 AND related_key = ANY($4::text[])
       RETURNING target_key`,
      [rule, relatedObject, relatedKeys],
    );
    return rows.map((r) => r.target_key);
  }

  /** Targets among `keys` that a counting related record points at (or that the rule has latched). */
  async existing(rule: string, keys: string[], sticky: boolean): Promise<Set<string>> {
    const found = await this.holding(rule, keys, sticky);
    if (sticky && found.size) {
      await this.q(
        `INSERT INTO ferry.related_latch (migration_id, rule, target_key) SELECT $1, $2, k FROM unnest($3::text[]) AS t(k) ON CONFLICT DO NOTHING`,
        [rule, [...found]],
      );
    }
    return found;
  }

  /**
   * Stores the latest version of records whose routing depends on related objects (before their facts are read),
   * and returns, by key, the entries that took each one's previous version.
   */
  async putRecords(object: string, rows: { key: string; record: unknown }[]): Promise<Map<string, string[]>> {
    if (!rows.length) return new Map();
    const last = new Map(rows.map((r) => [r.key, r.record]));
    const stored = await this.q<{ source_key: string; entries: string[] }>(
      `INSERT INTO ferry.routed_record (migration_id, object_type, source_key, record, updated_at)
       SELECT $1, $2, k, r, now() FROM unnest($3::text[], $4::jsonb[]) AS t(k, r)
       ON CONFLICT (migration_id, object_type, source_key) DO UPDATE SET record = EXCLUDED.record, updated_at = now()
       RETURNING source_key, entries`,
      [object, [...last.keys()], [...last.values()].map((r) => JSON.stringify(r))],
    );
    return new Map(stored.map((r) => [r.source_key, r.entries]));
  }

  async records(object: string, keys: string[]): Promise<RoutedRecord[]> {
    if (!keys.length) return [];
    const rows = await this.q<{ source_key: string; record: Record<string, unknown>; entries: string[] }>(
      `SELECT source_key, record, entries FROM ferry.routed_record WHERE migration_id = $1 AND object_type = $2 AND source_key = ANY($3::text[])`,
      [object, keys],
    );
    return rows.map((r) => ({ key: r.source_key, record: r.record, entries: r.entries }));
  }

  /**
   * Records left unmapped until the related snapshot is complete (their facts were absent while it was being read),
   * or until the records they read through ref() arrive (`waitingOn`, as `object|key`, by record key).
   */
  async hold(object: string, keys: string[], waitingOn: Map<string, string[]> = new Map()): Promise<void> {
    if (!keys.length) return;
    await this.q(
      `UPDATE ferry.routed_record r SET held = true, waiting_on = string_to_array(t.w, chr(1))
         FROM unnest($3::text[], $4::text[]) AS t(k, w)
        WHERE r.migration_id = $1 AND r.object_type = $2 AND r.source_key = t.k`,
      [object, keys, keys.map((k) => (waitingOn.get(k) ?? []).join('\u0001'))],
    );
  }

  /** Held records waiting on any of these referenced records (`object|key`). */
  async waitingOn(refs: string[]): Promise<(RoutedRecord & { object: string })[]> {
    if (!refs.length) return [];
    const rows = await this.q<{ object_type: string; source_key: string; record: Record<string, unknown>; entries: string[] }>(
      `SELECT object_type, source_key, record, entries FROM ferry.routed_record WHERE migration_id = $1 AND held AND waiting_on && $2::text[]`,
      [refs],
    );
    return rows.map((r) => ({ object: r.object_type, key: r.source_key, record: r.record, entries: r.entries }));
  }

  /** A page of held records, oldest first. */
  async held(limit: number): Promise<(RoutedRecord & { object: string })[]> {
    const rows = await this.q<{ object_type: string; source_key: string; record: Record<string, unknown>; entries: string[] }>(
      `SELECT object_type, source_key, record, entries FROM ferry.routed_record WHERE migration_id = $1 AND held ORDER BY updated_at LIMIT $2`,
      [limit],
    );
    return rows.map((r) => ({ object: r.object_type, key: r.source_key, record: r.record, entries: r.entries }));
  }

  /** Which entries took each record, once its outputs are produced (a held record is held no longer). */
  async setEntries(object: string, rows: { key: string; entries: string[] }[]): Promise<void> {
    if (!rows.length) return;
    await this.q(
      `UPDATE ferry.routed_record r SET entries = string_to_array(t.e, ','), held = false, waiting_on = '{}'
         FROM unnest($3::text[], $4::text[]) AS t(k, e)
        WHERE r.migration_id = $1 AND r.object_type = $2 AND r.source_key = t.k`,
      [object, rows.map((r) => r.key), rows.map((r) => r.entries.join(','))],
    );
  }

  async forget(object: string, keys: string[]): Promise<void> {
    if (!keys.length) return;
    await this.q(`DELETE FROM ferry.routed_record WHERE migration_id = $1 AND object_type = $2 AND source_key = ANY($3::text[])`, [object, keys]);
  }

  /** Like existing(), without latching anything: what the rule holds for these targets now. Read-only. */
  async holding(rule: string, keys: string[], sticky: boolean): Promise<Set<string>> {
    if (!keys.length) return new Set();
    const rows = await this.q<{ target_key: string }>(
      `SELECT DISTINCT target_key FROM ferry.related_fact
        WHERE migration_id = $1 AND rule = $2 AND matches AND target_key = ANY($3::text[])
       UNION
       SELECT target_key FROM ferry.related_latch WHERE $4 AND migration_id = $1 AND rule = $2 AND target_key = ANY($3::text[])`,
      [rule, keys, sticky],
    );
    return new Set(rows.map((r) => r.target_key));
  }
}
