import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { RecErr, SfHttpError, SfRecordError } from './sf-errors';
import { SfMetadata } from './sf-metadata.service';
import { SfStore } from './sf-store';
import { WriteContext } from './sf-writer';

/** Writes run one at a time in this process, so uniqueness and external-ID matching never race. */
export class WriteLane {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export type RowOutcome<T> = { ok: true; value: T } | { ok: false; error: SfRecordError };

/** Transactions for single calls and for lists of records (collections, bulk batches) with per-record savepoints. */
@Injectable()
export class SfRecords {
  readonly lane = new WriteLane();

  constructor(
    private readonly store: SfStore,
    private readonly meta: SfMetadata,
  ) {}

  /** One record: a record error becomes the call's error body. */
  async single<T>(userId: string, fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
    try {
      return await this.lane.run(() => this.inTransaction(userId, fn));
    } catch (err) {
      if (err instanceof SfRecordError) throw new SfHttpError(err.status, [err.item()]);
      throw err;
    }
  }

  /**
   * Each item in its own savepoint: a failing item leaves the others. With allOrNone any failure rolls everything
   * back and the good items report ALL_OR_NONE_OPERATION_ROLLED_BACK.
   */
  async many<I, T>(userId: string, items: I[], allOrNone: boolean, fn: (ctx: WriteContext, item: I, index: number) => Promise<T>): Promise<RowOutcome<T>[]> {
    return this.lane.run(async () => {
      const client = await this.store.pool.connect();
      const ctx: WriteContext = { db: client, userId, now: new Date(), touched: new Set() };
      const out: RowOutcome<T>[] = [];
      try {
        await client.query('BEGIN; SAVEPOINT rec');
        for (let i = 0; i < items.length; i++) {
          try {
            out.push({ ok: true, value: await fn(ctx, items[i], i) });
            // One round trip: keep this record's work and open the next record's savepoint.
            await client.query('RELEASE SAVEPOINT rec; SAVEPOINT rec');
          } catch (err) {
            await client.query('ROLLBACK TO SAVEPOINT rec');
            if (!(err instanceof SfRecordError)) throw err;
            out.push({ ok: false, error: err });
          }
        }
        const failed = out.some((o) => !o.ok);
        if (allOrNone && failed) {
          await client.query('ROLLBACK');
          return out.map((o) => (o.ok ? { ok: false as const, error: RecErr.rolledBack() } : o));
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
      if (ctx.touched.size) await this.meta.refresh();
      return out;
    });
  }

  private async inTransaction<T>(userId: string, fn: (ctx: WriteContext) => Promise<T>): Promise<T> {
    let ctx: WriteContext | undefined;
    const out = await this.store.transaction(async (db: PoolClient) => {
      ctx = { db, userId, now: new Date(), touched: new Set() };
      return fn(ctx);
    });
    if (ctx?.touched.size) await this.meta.refresh();
    return out;
  }
}
