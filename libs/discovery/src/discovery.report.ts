import Table from 'cli-table3';
import type { DiscoveryInventory, ObjectInventory } from './discovery.inventory';

/** no colours, and no rule between rows: a field table can run to dozens of rows */
const plain = {
  style: { head: [], border: [] },
  chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
};
const n = (v: number) => v.toLocaleString('en-US');

export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One line per action or condition: its type, or failing that the JSON shortened. */
function brief(items: Array<Record<string, unknown>>, max = 60): string {
  if (items.length === 0) return '-';
  const names = items.map((i) => {
    const label = ['type', 'action', 'kind', 'field'].map((k) => i[k]).find((v) => typeof v === 'string');
    return typeof label === 'string' ? label : JSON.stringify(i);
  });
  return shorten(`${items.length}: ${names.join(', ')}`, max);
}

/** `key: value` pairs, nested values as JSON */
function pairs(o: Record<string, unknown>): string {
  const text = Object.entries(o).map(([k, v]) => `${k}: ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}`).join(', ');
  return text === '' ? '-' : text;
}

function fieldNotes(f: ObjectInventory['fields'][number]): string {
  const notes: string[] = [];
  if (f.malformed !== undefined) notes.push(`${n(f.malformed)} malformed`);
  if (f.values) notes.push(shorten(f.values.map((v) => `${v.value} ${v.count}`).join(', '), 60));
  const kinds = Object.keys(f.kinds);
  if (kinds.length > 1 && f.type !== 'picklist') notes.push(`mixed: ${Object.entries(f.kinds).map(([k, c]) => `${k} ${c}`).join(', ')}`);
  for (const note of f.notes ?? []) notes.push(shorten(note, 90));
  return notes.join('; ');
}

/**
 * Objects discovery could not profile, each with why: a read that failed, a file-level reject (a missing
 * column), or every row rejected. `ferry discover` exits 1 when there is any.
 */
export function unprofiledObjects(inv: DiscoveryInventory): Array<{ name: string; why: string }> {
  const out: Array<{ name: string; why: string }> = [];
  for (const o of inv.objects) {
    if (o.error !== null) out.push({ name: o.name, why: o.records > 0 ? `reading stopped after ${n(o.records)} records: ${o.error}` : o.error });
    else if (o.refused) out.push({ name: o.name, why: o.refused });
  }
  return out;
}

export function objectsTable(inv: DiscoveryInventory): string {
  const t = new Table({ ...plain, head: ['object', 'location', 'records', 'rejected', 'fields', 'custom', 'duplicate keys', 'sharing email/phone', 'note'] });
  for (const o of inv.objects) {
    const custom = o.fields.filter((f) => f.custom).length;
    t.push([
      o.name,
      o.location ?? '-',
      n(o.records),
      n(o.rejected.count),
      n(o.fields.length - custom),
      n(custom),
      o.keys.duplicateKeys ? `${n(o.keys.duplicateKeys)} (${n(o.keys.duplicateRecords)} records)` : '0',
      n(o.duplicates.records),
      shorten(o.error ?? o.note ?? '', 50),
    ]);
  }
  return t.toString();
}

export function fieldsTable(o: ObjectInventory): string {
  const t = new Table({ ...plain, head: ['field', 'type', 'fill %', 'distinct', 'examples', 'custom', 'notes'] });
  for (const f of o.fields) {
    t.push([
      f.name,
      f.type,
      (f.fillRate * 100).toFixed(1),
      f.distinctExact ? n(f.distinct) : `~${n(f.distinct)}`,
      shorten(f.examples.join(' | '), 50),
      f.custom ? 'custom' : '',
      fieldNotes(f),
    ]);
  }
  return t.toString();
}

export function referencesTable(inv: DiscoveryInventory): string {
  const t = new Table({ ...plain, head: ['reference', 'values', 'orphans', 'distinct orphans', 'examples / note'] });
  for (const r of inv.references) {
    t.push([
      `${r.object}.${r.field} → ${r.target}`,
      n(r.values),
      r.orphans === null ? '-' : n(r.orphans),
      r.distinctOrphans === null ? '-' : n(r.distinctOrphans),
      shorten(r.checked ? r.examples.join(', ') : r.note ?? '', 60),
    ]);
  }
  return t.toString();
}

export function automationsTable(inv: DiscoveryInventory): string {
  const t = new Table({ ...plain, head: ['automation', 'kind', 'active', 'trigger', 'conditions', 'actions', 'rebuild in Dynamics 365', 'rebuild in Salesforce'] });
  for (const a of inv.automations) {
    t.push([
      shorten(`${a.name} (${a.id})`, 40),
      a.kind,
      a.active ? 'yes' : 'no',
      shorten(pairs(a.trigger), 50),
      brief(a.conditions, 40),
      brief(a.actions, 50),
      shorten(a.rebuildIn.dynamics, 40),
      shorten(a.rebuildIn.salesforce, 40),
    ]);
  }
  return t.toString();
}

/** The terminal report: a summary line, the objects, each object's fields, the references and the automations. */
export function discoveryReport(inv: DiscoveryInventory, file?: string): string {
  const read = inv.objects.filter((o) => o.location !== null && (o.error === null || o.records > 0));
  const out: string[] = [
    `${inv.displayName} ${inv.source.kind} at ${inv.source.location}: ${n(inv.totals.objects)} objects read of ${n(inv.objects.length)}, ` +
      `${n(inv.totals.records)} records, ${n(inv.totals.rejected)} rejected rows, ${n(inv.totals.automations)} automations (${inv.seconds} s)`,
  ];
  for (const p of inv.problems) out.push(`problem: ${p}`);
  for (const w of inv.warnings ?? []) out.push(`warning: ${w}`);
  for (const u of unprofiledObjects(inv)) out.push(`not profiled: ${u.name}: ${u.why}`);
  out.push('', 'Objects', objectsTable(inv));
  for (const o of read) {
    out.push('', `${o.name} (${o.location}): ${n(o.records)} records${o.deleted ? `, ${n(o.deleted)} deleted` : ''}, ${n(o.rejected.count)} rejected`);
    if (o.fields.length > 0) out.push(fieldsTable(o));
    if (o.rejected.count > 0) {
      const codes = Object.entries(o.rejected.byCode).map(([c, k]) => `${c} ${n(k)}`).join(', ');
      out.push(`rejected rows by code: ${codes}; the first ${o.rejected.first.length}:`);
      for (const r of o.rejected.first) out.push(`  ${r.file ?? '?'}${r.line !== null ? `:${r.line}` : ''} ${r.code}: ${shorten(r.reason, 160)}`);
    }
    if (o.shifted) {
      const lines = o.shifted.examples.map((e) => `${e.line ?? '?'} (${e.direction}: ${e.columns.join(', ')})`).join(', ');
      out.push(`rows whose values look shifted one column: ${n(o.shifted.rows)}; line ${shorten(lines, 140)}`);
    }
    const repaired = o.fields.filter((f) => f.repaired);
    if (repaired.length > 0) out.push(`text repaired from mojibake (UTF-8 read as Windows-1252): ${repaired.map((f) => `${f.name} ${n(f.repaired!.count)}`).join(', ')}`);
    const typos = o.fields.flatMap((f) => (f.typos ?? []).map((t) => `${f.name} "${t.value}" ×${n(t.count)}: did you mean ${t.suggestion}?`));
    if (typos.length > 0) out.push(`picklist values that look mistyped: ${shorten(typos.join('; '), 300)}`);
    const d = o.duplicates;
    if (d.records > 0) {
      const ex = [...d.email.examples, ...d.phone.examples].map((e) => `${e.value} ×${e.records}`).join(', ');
      out.push(`records sharing an email or phone (${d.fields.join(', ')}): ${n(d.records)}; e.g. ${shorten(ex, 120)}`);
    }
  }
  if (inv.references.length > 0) out.push('', 'References', referencesTable(inv));
  const unread = inv.objects.filter((o) => o.location === null || (o.error !== null && o.records === 0)).map((o) => o.name);
  const scope = unread.length > 0 ? ` (${unread.join(', ')} not read)` : '';
  out.push('', inv.automations.length > 0 ? `Automations to rebuild by hand${scope}` : `Automations to rebuild by hand: none found${scope}`);
  if (inv.automations.length > 0) out.push(automationsTable(inv));
  if (file) out.push('', `inventory written to ${file}`);
  return out.join('\n');
}
