import type { Admin } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { pollUntil } from '@ferry/common';
import type { RoutePlan } from '@ferry/contracts';
import { assertAlive, progress, RunningService } from '@ferry/ops';

/** Waits until every object and entity of a running stack's migration reconciles; fails early when a service died. */
export function settled(
  o: { db: DataSource; admin: Admin; plan: RoutePlan; migration: string; services: RunningService[] },
  timeoutMs: number,
  what = 'the migration to reconcile',
): ReturnType<typeof progress> {
  return pollUntil(
    async () => {
      assertAlive(o.services);
      const p = await progress(o.db, o.admin, o.plan, o.migration);
      return p.settled ? p : undefined;
    },
    { timeoutMs, intervalMs: 1000, what },
  );
}
