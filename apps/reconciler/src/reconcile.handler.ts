import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DeadLetter, Envelope, LoadedEvent } from '@ferry/contracts';
import { consumerGroups, parseRecordTopic, routeTopics } from '@ferry/contracts';
import type { ConsumedRecord } from '@ferry/kafka';
import { ReconPhase, ReconRepository } from '@ferry/persistence';
import { PhaseWorker, Runtime, RUNTIME } from '@ferry/runtime';

type Any = { envelope?: Envelope; result?: LoadedEvent['result'] } & Partial<DeadLetter>;

/** Every topic → per-object, per-phase state of each record by key, so counts never include a redelivery twice. */
@Injectable()
export class ReconcileHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: PhaseWorker<Any>;
  private readonly recon: ReconRepository;

  constructor(@Inject(RUNTIME) rt: Runtime) {
    const t = routeTopics(rt.route, rt.migration);
    this.recon = new ReconRepository(rt.db, rt.migration);
    this.worker = new PhaseWorker(rt, 'reconcile', consumerGroups.reconcile(rt.migration), [...t.extracted, ...t.transformed, ...t.resolved, ...t.loaded, t.dlq], (b) =>
      this.handle(b),
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.worker.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  async handle(batch: ConsumedRecord<Any>[]): Promise<void> {
    const parsed = parseRecordTopic(batch[0].topic);
    if (!parsed) {
      await this.recon.reject(
        batch.map(({ value: d, timestamp }) => ({
          objectType: d.objectType ?? 'unknown',
          sourceKey: d.sourceKey ?? `${d.file}:${d.line}`,
          phase: d.phase ?? 'EXTRACT',
          reason: d.reason ?? '',
          at: new Date(timestamp),
        })),
      );
      return;
    }
    const phase: ReconPhase = parsed.phase;
    const ok = batch.filter((b) => phase !== 'loaded' || b.value.result?.status === 'SUCCESS');
    await this.recon.mark(
      phase,
      ok.map((b) => ({ objectType: b.value.envelope!.objectType, sourceKey: b.value.envelope!.sourceKey, at: new Date(b.timestamp) })),
    );
  }
}
