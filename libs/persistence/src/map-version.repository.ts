import { Scoped } from './scoped';

export interface StoredMapVersion {
  version: number;
  route: string;
  hash: string;
  document: unknown;
  sourceText: string;
  /** where the text came from: a template, a proposal, a file a person edited */
  origin: string;
  createdAt: Date;
  createdBy: string;
  confirmedAt: Date | null;
  confirmedBy: string | null;
}

type Row = {
  version: number; route: string; hash: string; document: unknown; source_text: string; origin: string;
  created_at: Date; created_by: string; confirmed_at: Date | null; confirmed_by: string | null;
};

const toVersion = (r: Row): StoredMapVersion => ({
  version: r.version, route: r.route, hash: r.hash, document: r.document, sourceText: r.source_text, origin: r.origin,
  createdAt: r.created_at, createdBy: r.created_by, confirmedAt: r.confirmed_at, confirmedBy: r.confirmed_by,
});

/** A migration's map versions: drafts until a person confirms one; a confirmed version never changes. */
export class MapVersionRepository extends Scoped {
  /** Stores a new draft version (the next number), unless the latest version already has this hash. */
  async addDraft(v: { route: string; hash: string; document: unknown; sourceText: string; origin: string; createdBy: string }): Promise<{ version: number; created: boolean }> {
    const latest = await this.latest();
    if (latest && latest.hash === v.hash) return { version: latest.version, created: false };
    const rows = await this.q<{ version: number }>(
      `INSERT INTO ferry.map_version (migration_id, version, route, hash, document, source_text, origin, created_by)
       SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4::jsonb, $5, $6, $7 FROM ferry.map_version WHERE migration_id = $1
       RETURNING version`,
      [v.route, v.hash, JSON.stringify(v.document), v.sourceText, v.origin, v.createdBy],
    );
    return { version: rows[0].version, created: true };
  }

  /** Locks a version; confirming one that is already confirmed keeps the first who and when. */
  async confirm(version: number, by: string): Promise<StoredMapVersion | null> {
    await this.q(
      `UPDATE ferry.map_version SET confirmed_at = COALESCE(confirmed_at, now()), confirmed_by = COALESCE(confirmed_by, $3)
        WHERE migration_id = $1 AND version = $2`,
      [version, by],
    );
    return this.get(version);
  }

  async get(version: number): Promise<StoredMapVersion | null> {
    const rows = await this.q<Row>(`SELECT * FROM ferry.map_version WHERE migration_id = $1 AND version = $2`, [version]);
    return rows[0] ? toVersion(rows[0]) : null;
  }

  async latest(): Promise<StoredMapVersion | null> {
    const rows = await this.q<Row>(`SELECT * FROM ferry.map_version WHERE migration_id = $1 ORDER BY version DESC LIMIT 1`);
    return rows[0] ? toVersion(rows[0]) : null;
  }

  /** The version records move by: the latest confirmed one. */
  async confirmed(): Promise<StoredMapVersion | null> {
    const rows = await this.q<Row>(
      `SELECT * FROM ferry.map_version WHERE migration_id = $1 AND confirmed_at IS NOT NULL ORDER BY version DESC LIMIT 1`,
    );
    return rows[0] ? toVersion(rows[0]) : null;
  }

  async list(): Promise<StoredMapVersion[]> {
    const rows = await this.q<Row>(`SELECT * FROM ferry.map_version WHERE migration_id = $1 ORDER BY version`);
    return rows.map(toVersion);
  }
}
