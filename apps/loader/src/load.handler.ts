import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DestinationEvent, LoadedEvent, LoadResult } from '@ferry/contracts';
import { consumerGroups, objectBySource, routeTopics, topics } from '@ferry/contracts';
import type { DataverseClient, UpsertResult } from '@ferry/dataverse';
import type { ConsumedRecord, OutgoingRecord } from '@ferry/kafka';
import { AuditEntry, AuditRepository } from '@ferry/persistence';
import { DeadLetterInput, PhaseWorker, Runtime, RUNTIME } from '@ferry/runtime';
import { dataverseBody } from './dataverse-body';

export const DATAVERSE = Symbol('DATAVERSE');
export const LOAD_BATCH_SIZE = Symbol('LOAD_BATCH_SIZE');

/**
 * resolved → destination → loaded. Upserts by alternate key in one $batch per chunk, so a redelivery or a
 * replay rewrites the same rows; audits every write before the offset is committed; emits one result per record.
 */
@Injectable()
export class LoadHandler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly worker: PhaseWorker<DestinationEvent>;
  private readonly audit: AuditRepository;

  constructor(
    @Inject(RUNTIME) private readonly rt: Runtime,
    @Inject(DATAVERSE) private readonly client: DataverseClient,
    @Inject(LOAD_BATCH_SIZE) batchSize: number,
  ) {
    this.audit = new AuditRepository(rt.db, rt.migration);
    this.worker = new PhaseWorker(rt, 'load', consumerGroups.load(rt.migration), routeTopics(rt.route, rt.migration).resolved, (b) => this.handle(b), {
      maxChunk: batchSize,
      partitionsConsumedConcurrently: 3,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.worker.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.worker.stop();
  }

  /**
   * What the records about to be overwritten hold now, in the columns this write touches: the audit log keeps it
   * so a rollback can restore records that existed before the migration. One query per chunk.
   */
  private async beforeImages(entitySet: string, primaryId: string, items: { key: string; body: Record<string, unknown> }[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    if (!items.length) return out;
    const keyAttr = this.rt.route.alternateKey;
    const columns = new Set<string>([primaryId, keyAttr]);
    for (const i of items) for (const c of Object.keys(i.body)) columns.add(readColumn(c));
    const filter = items.map((i) => `${keyAttr} eq '${i.key.replace(/'/g, "''")}'`).join(' or ');
    for await (const r of this.client.listAll(entitySet, { select: [...columns], filter, pageSize: 5000 })) {
      const { '@odata.etag': _etag, ...image } = r;
      out.set(String(r[keyAttr]), image);
    }
    return out;
  }

  async handle(batch: ConsumedRecord<DestinationEvent>[]): Promise<void> {
    // A partition holds one entity's topic, so the whole chunk goes to one entity set.
    const events = latestPerKey(batch.map((b) => b.value));
    const route = objectBySource(this.rt.route, events[0].envelope.objectType);
    const upserts = events.filter((e) => e.envelope.operation === 'UPSERT' && e.record !== null);
    const bodies = upserts.map((e) => ({ key: e.envelope.sourceKey, body: dataverseBody(this.rt.route, e) }));
    const before = await this.beforeImages(route.entitySet, route.primaryId, bodies);
    const results = await this.client.upsertMany(
      route.entitySet,
      this.rt.route.alternateKey,
      bodies,
      { select: [route.primaryId], primaryIdAttribute: route.primaryId },
    );
    const byKey = new Map<string, UpsertResult | { key: string; ok: true; deleted: true }>(results.map((r) => [r.key, r]));
    for (const e of events.filter((x) => !upserts.includes(x))) {
      // A delete of a record that is not there has nothing left to do: it counts as done.
      await this.client.delete(route.entitySet, { [this.rt.route.alternateKey]: e.envelope.sourceKey });
      byKey.set(e.envelope.sourceKey, { key: e.envelope.sourceKey, ok: true, deleted: true });
    }
    const out: OutgoingRecord[] = [];
    const audit: AuditEntry[] = [];
    const rejects: DeadLetterInput[] = [];
    for (const e of events) {
      const env = e.envelope;
      const r = byKey.get(env.sourceKey);
      let result: LoadResult;
      if (r && r.ok && 'deleted' in r) {
        result = { status: 'SUCCESS', entity: route.entity, alternateKey: env.sourceKey, destinationId: null, action: 'DELETED', errorCode: null, errorMessage: null, attempts: 1 };
      } else if (r && r.ok) {
        result = { status: 'SUCCESS', entity: route.entity, alternateKey: env.sourceKey, destinationId: r.id, action: r.created ? 'CREATED' : 'UPDATED', errorCode: null, errorMessage: null, attempts: 1 };
        audit.push({ run: env.run, entity: route.entity, alternateKey: env.sourceKey, destinationId: r.id, action: r.created ? 'created' : 'updated', beforeImage: r.created ? null : (before.get(env.sourceKey) ?? null) });
      } else {
        const code = r && !r.ok ? r.code : 'NO_RESULT';
        const message = r && !r.ok ? r.message : 'the destination returned no result for this record';
        result = { status: 'FAILURE', entity: route.entity, alternateKey: env.sourceKey, destinationId: null, action: null, errorCode: code, errorMessage: message, attempts: 1 };
        rejects.push({ phase: 'LOAD', sourceSystem: env.sourceSystem, objectType: env.objectType, sourceKey: env.sourceKey, file: null, line: null, code, reason: `${route.entity} ${env.sourceKey}: ${message}`, raw: null, traceId: env.traceId });
      }
      out.push({ topic: topics.loaded(this.rt.migration, this.rt.route.destination, route.entity), key: env.sourceKey, value: { envelope: env, result } satisfies LoadedEvent });
    }
    await this.audit.append(audit);
    await this.rt.producer.send(out);
    if (rejects.length) await this.rt.deadLetter(rejects);
  }
}

/** Lookup columns as the Web API reads them back: `_<attribute>_value`. */
function readColumn(column: string): string {
  const bind = /^(.+)@odata\.bind$/.exec(column);
  if (!bind) return column;
  // parentcustomerid_account → _parentcustomerid_value; ownerid → _ownerid_value
  const attr = bind[1].replace(/_(account|contact|systemuser|team)$/, '');
  return `_${attr}_value`;
}

/** Two versions of one record in a chunk: only the last one needs writing, and a $batch must not race itself. */
function latestPerKey(events: DestinationEvent[]): DestinationEvent[] {
  const m = new Map<string, DestinationEvent>();
  for (const e of events) m.set(e.envelope.sourceKey, e);
  return [...m.values()];
}
