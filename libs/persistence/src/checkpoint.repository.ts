import { Scoped } from './scoped';

/** A stream's resume state as its connector wrote it (opaque here), plus the two facts status reads. */
export interface StreamCheckpoint {
  state: Record<string, unknown>;
  complete: boolean;
}

export class CheckpointRepository extends Scoped {
  async get(stream: string): Promise<StreamCheckpoint | null> {
    const rows = await this.q<{ state: Record<string, unknown> | null; complete: boolean }>(
      `SELECT state, complete FROM ferry.extract_checkpoint WHERE migration_id = $1 AND stream = $2`,
      [stream],
    );
    return rows[0] ? { state: rows[0].state ?? {}, complete: rows[0].complete } : null;
  }

  /** Streams whose first full read (snapshot) has finished. */
  async completeStreams(): Promise<Set<string>> {
    const rows = await this.q<{ stream: string }>(`SELECT stream FROM ferry.extract_checkpoint WHERE migration_id = $1 AND complete`);
    return new Set(rows.map((r) => r.stream));
  }

  /** `complete` only ever turns on: a later export drop being read does not make the snapshot incomplete again. */
  async save(stream: string, cp: StreamCheckpoint): Promise<void> {
    const fingerprint = typeof cp.state.fingerprint === 'string' ? cp.state.fingerprint : '';
    const position = typeof cp.state.position === 'number' ? cp.state.position : 0;
    await this.q(
      `INSERT INTO ferry.extract_checkpoint (migration_id, stream, fingerprint, next_line, complete, state, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, now())
       ON CONFLICT (migration_id, stream) DO UPDATE
       SET fingerprint = EXCLUDED.fingerprint, next_line = EXCLUDED.next_line,
           complete = ferry.extract_checkpoint.complete OR EXCLUDED.complete, state = EXCLUDED.state, updated_at = now()`,
      [stream, fingerprint, position, cp.complete, JSON.stringify(cp.state)],
    );
  }

  async all(): Promise<Array<{ stream: string; state: Record<string, unknown>; complete: boolean; updatedAt: Date }>> {
    const rows = await this.q<{ stream: string; state: Record<string, unknown> | null; complete: boolean; updated_at: Date }>(
      `SELECT stream, state, complete, updated_at FROM ferry.extract_checkpoint WHERE migration_id = $1 ORDER BY stream`,
    );
    return rows.map((r) => ({ stream: r.stream, state: r.state ?? {}, complete: r.complete, updatedAt: r.updated_at }));
  }
}
