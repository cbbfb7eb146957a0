import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { DeadLetter, DestinationEvent, Envelope, LoadedEvent } from '@ferry/contracts';
import { consumerGroups, parseRecordTopic, routeTopics } from '@ferry/contracts';
import type { ConsumedRecord } from '@ferry/kafka';
import { ReconRepository } from '@ferry/persistence';
import { PhaseExtras, Runtime, RUNTIME } from '@ferry/runtime';

type Any = { envelope?: Envelope; target?: DestinationEvent['target']; record?: unknown; result?: LoadedEvent['result'] } & Partial<DeadLetter>;

/**
 * Every topic → reconciliation state by key, so counts never include a redelivery twice: source records by
 * (object, source key) as read and mapped, destination records by (entity, destination key) as transformed,
 * resolved and loaded.
 */
@Controller()
export class ReconcileHandler {
  private readonly recon: ReconRepository;

  constructor(@Inject(RUNTIME) rt: Runtime) {
    this.recon = new ReconRepository(rt.db, rt.migration);
  }

  @EventPattern('reconcile', {
    subscribe: (rt) => {
      const t = routeTopics(rt.plan, rt.migration);
      // Only envelopes, targets and results are read here: the records themselves (most of every value) are skipped.
      return { groupId: consumerGroups.reconcile(rt.migration), topics: [...t.extracted, ...t.transformed, ...t.resolved, ...t.loaded, t.dlq], skipFields: ['record'] };
    },
  } satisfies PhaseExtras)
  async handle(batch: ConsumedRecord<Any>[]): Promise<void> {
    const parsed = parseRecordTopic(batch[0].topic);
    if (!parsed) return this.onDeadLetters(batch);
    const at = (b: ConsumedRecord<Any>) => new Date(b.timestamp);
    switch (parsed.phase) {
      case 'extracted':
        return this.recon.markSource('extracted', batch.map((b) => ({ objectType: b.value.envelope!.objectType, sourceKey: b.value.envelope!.sourceKey, at: at(b) })));
      case 'transformed': {
        await this.recon.markSource('transformed', batch.map((b) => ({ objectType: b.value.envelope!.objectType, sourceKey: b.value.envelope!.sourceKey, at: at(b) })));
        await this.recon.markTarget('transformed', batch.map((b) => ({ entity: b.value.target!.entity, key: b.value.target!.key, at: at(b) })));
        // Which source records make each destination record: more than one is a many:1 merge the quality report lists.
        const made = batch.filter((b) => b.value.record !== null && b.value.envelope!.operation === 'UPSERT');
        return this.recon.contributed(made.map((b) => ({ entity: b.value.target!.entity, key: b.value.target!.key, objectType: b.value.envelope!.objectType, sourceKey: b.value.envelope!.sourceKey })));
      }
      case 'resolved':
        return this.recon.markTarget('resolved', batch.map((b) => ({ entity: b.value.target!.entity, key: b.value.target!.key, at: at(b) })));
      case 'loaded': {
        const ok = batch.filter((b) => b.value.result?.status === 'SUCCESS');
        return this.recon.markTarget('loaded', ok.map((b) => ({ entity: b.value.result!.entity, key: b.value.result!.alternateKey, at: at(b) })));
      }
    }
  }

  /** Unreadable or unmappable source records count against their source object; later rejects against their destination record. */
  private async onDeadLetters(batch: ConsumedRecord<Any>[]): Promise<void> {
    const source = batch.filter((b) => b.value.phase === 'EXTRACT' || b.value.phase === 'TRANSFORM' || !b.value.entity || !b.value.targetKey);
    const target = batch.filter((b) => !source.includes(b));
    await this.recon.rejectSource(
      source.map(({ value: d, timestamp }) => ({
        objectType: d.objectType ?? 'unknown',
        sourceKey: d.sourceKey ?? `${d.file}:${d.line}`,
        phase: d.phase ?? 'EXTRACT',
        reason: d.reason ?? '',
        code: d.code ?? null,
        at: new Date(timestamp),
      })),
    );
    await this.recon.rejectTarget(
      target.map(({ value: d, timestamp }) => ({ entity: d.entity!, key: d.targetKey!, phase: d.phase ?? 'LOAD', reason: d.reason ?? '', code: d.code ?? null, at: new Date(timestamp) })),
    );
  }
}
