import Table from 'cli-table3';
import type { DiffReport } from './source.diff';

const plain = { style: { head: [], border: [] } };

/** Per source object: records, what the destination holds of them, and how many compared clean. */
export function parityTable(r: DiffReport): string {
  const t = new Table({ ...plain, head: ['source object', 'source', 'unmapped', 'expected', 'found', 'rejected', 'missing', 'compared', 'differing', ''] });
  for (const o of r.objects) {
    const ok = o.missing === 0 && o.differing === 0;
    t.push([o.object, o.source, o.unmapped, o.expected, o.found, o.rejected, o.missing, o.compared, o.differing, ok ? 'ok' : 'DIFFERS']);
  }
  return t.toString();
}

/** Every mismatch listed: record key, column, expected and actual. */
export function mismatchTable(r: DiffReport): string {
  if (!r.mismatches.length) return '';
  const t = new Table({ ...plain, head: ['entity', 'key', 'column', 'expected', 'actual', 'from source'], wordWrap: true, colWidths: [null, null, null, 40, 40, 30] as unknown as number[] });
  for (const m of r.mismatches) t.push([m.entity, m.key, m.column, m.expected ?? '(empty)', m.actual ?? '(empty)', m.sources.join(' ')]);
  const more = r.mismatchCount > r.mismatches.length ? `\n… and ${r.mismatchCount - r.mismatches.length} more (--json lists every one)` : '';
  return `${t.toString()}${more}`;
}
