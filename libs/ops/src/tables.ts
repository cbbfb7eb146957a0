import Table from 'cli-table3';
import type { ExtractionStatus, GroupLag, Reconciliation, TopicOffsets } from './status';

const plain = { style: { head: [], border: [] } };

export function reconciliationTable(r: Reconciliation): string {
  const src = new Table({ ...plain, head: ['source object', 'extracted', 'mapped', 'rejected', 'partly rejected', 'in flight', ''] });
  for (const x of r.sources) src.push([x.object, x.extracted, x.transformed, x.rejected, x.partial, x.inFlight, x.reconciled ? 'ok' : '…']);
  const dst = new Table({ ...plain, head: ['destination entity', 'transformed', 'resolved', 'loaded', 'rejected', 'waiting', 'in flight', ''] });
  for (const x of r.entities) dst.push([x.entity, x.transformed, x.resolved, x.loaded, x.rejected, x.waiting, x.inFlight, x.reconciled ? 'ok' : '…']);
  return `${src.toString()}\n${dst.toString()}`;
}

export function topicsTable(rows: TopicOffsets[]): string {
  const t = new Table({ ...plain, head: ['topic', 'end offsets per partition', 'messages'] });
  for (const r of rows) t.push([r.topic, r.partitions.map((p) => `${p.partition}:${p.high}`).join(' '), r.total]);
  return t.toString();
}

export function lagTable(rows: GroupLag[]): string {
  const t = new Table({ ...plain, head: ['consumer group', 'state', 'members', 'lag per partition (topic:partition=lag)', 'total lag'] });
  for (const g of rows) {
    const parts = g.partitions.filter((p) => p.lag > 0).map((p) => `${p.topic.split('.').slice(-2).join('.')}:${p.partition}=${p.lag}`);
    t.push([g.group, g.state, g.members, parts.join(' ') || '0 everywhere', g.totalLag]);
  }
  return t.toString();
}

export function extractionTable(x: ExtractionStatus): string {
  const t = new Table({ ...plain, head: ['source stream', 'snapshot', 'reading at', 'live', 'deleted', 'last checkpoint'] });
  for (const s of x.streams) t.push([s.stream, s.snapshotComplete ? 'complete' : 'reading', s.position, s.live, s.deleted, s.updatedAt.toISOString()]);
  const cut = x.cutover.completedAt
    ? `cutover: extraction frozen at ${x.cutover.completedAt.toISOString()}`
    : x.cutover.requestedAt
      ? `cutover: requested at ${x.cutover.requestedAt.toISOString()}, final pass not finished`
      : 'cutover: not requested (delta runs until `ferry cutover`)';
  return `${t.toString()}\n${cut}`;
}
