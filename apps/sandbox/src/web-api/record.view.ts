import { AttributeMetadata, EntityTable } from '../metadata/entity-metadata';
import { StoredRecord } from '../store/record.store';
import { Errors } from './dataverse-http.error';
import { formatDateTime } from './payload';
import { resolveColumn } from './odata-filter';

export interface ViewOptions {
  /** Column names as given in $select (lookups as _<name>_value or <name>); all columns when absent. */
  select?: string[];
  /** Prefer: odata.include-annotations asked for lookup annotations. */
  annotations: boolean;
}

/** Parses and checks $select against the table. */
export function parseSelect(table: EntityTable, text: string | undefined): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (table.attributes.get(n)?.type === 'lookup') continue;
    resolveColumn(table, n);
  }
  if (names.length === 0) throw Errors.badRequest('$select is empty.', '0x80060888');
  return names;
}

function valueOf(table: EntityTable, a: AttributeMetadata, row: StoredRecord): unknown {
  if (a.logicalName === table.primaryId) return row.id;
  switch (a.system) {
    case 'createdon':
      return formatDateTime(row.createdon);
    case 'modifiedon':
      return formatDateTime(row.modifiedon);
    case 'versionnumber':
      return Number(row.versionnumber);
  }
  return row.data[a.logicalName] ?? null;
}

function putAttribute(out: Record<string, unknown>, table: EntityTable, a: AttributeMetadata, row: StoredRecord, annotations: boolean): void {
  if (a.type === 'lookup') {
    const v = row.data[a.logicalName] as { id: string; type: string } | null | undefined;
    const name = `_${a.logicalName}_value`;
    out[name] = v?.id ?? null;
    if (annotations && v) {
      out[`${name}@Microsoft.Dynamics.CRM.lookuplogicalname`] = v.type;
      const nav = table.navigationFor(a, v.type);
      out[`${name}@Microsoft.Dynamics.CRM.associatednavigationproperty`] = nav;
    }
    return;
  }
  out[a.logicalName] = valueOf(table, a, row);
}

/** A record as the Web API returns it: @odata.etag, the chosen columns, always the primary id. */
export function recordView(table: EntityTable, row: StoredRecord, opts: ViewOptions): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': `W/"${row.versionnumber}"` };
  if (opts.select) {
    for (const name of opts.select) {
      const lookup = /^_(.+)_value$/.exec(name);
      const a = table.attributes.get(lookup ? lookup[1] : name);
      if (a) putAttribute(out, table, a, row, opts.annotations);
    }
  } else {
    for (const a of table.meta.attributes) putAttribute(out, table, a, row, opts.annotations);
  }
  out[table.primaryId] = row.id;
  return out;
}

export function contextUrl(serviceRoot: string, table: EntityTable, select: string[] | undefined, single: boolean): string {
  const columns = select ? `(${select.join(',')})` : '';
  return `${serviceRoot}/$metadata#${table.setName}${columns}${single ? '/$entity' : ''}`;
}
