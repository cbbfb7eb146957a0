import { AttributeMetadata, EntityRegistry, EntityTable } from '../metadata/entity-metadata';
import { Errors } from './dataverse-http.error';
import { metadataIdOf } from '../metadata/metadata.service';

/** A read-only slice of EntityDefinitions: enough to check tables, columns and alternate-key status. */

const ATTRIBUTE_TYPE: Record<string, string> = {
  uniqueidentifier: 'Uniqueidentifier',
  string: 'String',
  memo: 'Memo',
  integer: 'Integer',
  bigint: 'BigInt',
  decimal: 'Decimal',
  money: 'Money',
  boolean: 'Boolean',
  datetime: 'DateTime',
  dateonly: 'DateTime',
  picklist: 'Picklist',
  lookup: 'Lookup',
};

function optionSet(a: AttributeMetadata) {
  if (a.type !== 'picklist' || !a.options) return {};
  const labels = a.optionLabels ?? {};
  return {
    OptionSet: {
      ...(a.globalOptionSet ? { Name: a.globalOptionSet, IsGlobal: true } : { IsGlobal: false }),
      Options: a.options.map((v) => ({ Value: v, Label: { UserLocalizedLabel: labels[v] !== undefined ? { Label: labels[v], LanguageCode: 1033 } : null } })),
    },
  };
}

function attributes(t: EntityTable) {
  return t.meta.attributes.map((a) => ({
    LogicalName: a.logicalName,
    AttributeType: a.logicalName === 'ownerid' ? 'Owner' : a.logicalName === 'statecode' ? 'State' : a.logicalName === 'statuscode' ? 'Status' : ATTRIBUTE_TYPE[a.type],
    IsCustomAttribute: a.custom === true,
    ...(a.maxLength !== undefined ? { MaxLength: a.maxLength } : {}),
    ...(a.type === 'lookup' ? { Targets: t.targetsOf(a) } : {}),
    ...(a.type === 'datetime' || a.type === 'dateonly' ? { Format: a.format ?? (a.type === 'dateonly' ? 'DateOnly' : 'DateAndTime') } : {}),
    ...optionSet(a),
    RequiredLevel: { Value: a.requiredLevel ?? 'None' },
    IsValidForCreate: a.validForCreate !== false && !a.system,
    IsValidForUpdate: a.validForUpdate !== false && !a.system,
  }));
}

function keys(t: EntityTable) {
  return t.meta.keys.map((k) => ({
    LogicalName: k.logicalName,
    SchemaName: k.schemaName ?? k.logicalName,
    MetadataId: metadataIdOf(`${t.logicalName}.${k.logicalName}`),
    KeyAttributes: k.keyAttributes,
    EntityKeyIndexStatus: k.status,
  }));
}

function summary(t: EntityTable) {
  return {
    LogicalName: t.logicalName,
    MetadataId: t.meta.metadataId ?? metadataIdOf(t.logicalName),
    EntitySetName: t.setName,
    PrimaryIdAttribute: t.primaryId,
    PrimaryNameAttribute: t.meta.primaryNameAttribute,
    SchemaName: t.meta.schemaName ?? t.logicalName,
    OwnershipType: t.meta.ownershipType ?? 'UserOwned',
    IsActivity: t.meta.isActivity === true,
    IsCustomEntity: t.meta.custom === true,
  };
}

/** $select over metadata: the named properties (unknown names are the platform's 400), always the @odata annotations. */
function project(item: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  if (!select) return item;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (k.startsWith('@') || select.includes(k)) out[k] = v;
  return out;
}

function selectList(text: string | undefined, known: Set<string>, type: string): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const names = text.split(',').map((n) => n.trim()).filter(Boolean);
  for (const n of names) if (!known.has(n)) throw Errors.badRequest(`Could not find a property named '${n}' on type 'Microsoft.Dynamics.CRM.${type}'.`, '0x80060888');
  return names;
}

type Item = Record<string, unknown>;
type Expansion = { nav: 'Attributes' | 'Keys'; select?: string };

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `$expand=Attributes($select=LogicalName,MaxLength),Keys`: the two navigations served, nested $select only. */
function parseExpand(text: string | undefined): Expansion[] {
  if (text === undefined || text.trim() === '') return [];
  return splitTop(text).map((part) => {
    const m = /^(Attributes|Keys)(?:\((.*)\))?$/.exec(part);
    if (!m) throw Errors.notImplemented(`The query option '$expand=${part}' is not implemented by the sandbox on EntityDefinitions (Attributes and Keys only).`);
    let select: string | undefined;
    for (const opt of (m[2] ?? '').split(';').map((o) => o.trim()).filter(Boolean)) {
      const o = /^\$select=(.*)$/.exec(opt);
      if (!o) throw Errors.notImplemented(`The nested option '${opt}' in $expand is not implemented by the sandbox ($select only).`);
      select = o[1];
    }
    return { nav: m[1] as 'Attributes' | 'Keys', select };
  });
}

function projectAll(items: Item[], selectText: string | undefined, type: string): Item[] {
  const known = new Set(items.flatMap((i) => Object.keys(i)));
  const select = selectList(selectText, known, type);
  return items.map((i) => project(i, select));
}

export interface DefinitionsQuery {
  select?: string;
  expand?: string;
}

const SUMMARY_PROPERTIES = ['LogicalName', 'MetadataId', 'EntitySetName', 'PrimaryIdAttribute', 'PrimaryNameAttribute', 'SchemaName', 'OwnershipType', 'IsActivity', 'IsCustomEntity'];

export function entityDefinitionsView(registry: EntityRegistry, first: string, rest: string[], serviceRoot: string, query: DefinitionsQuery = {}): object {
  const context = `${serviceRoot}/$metadata#EntityDefinitions`;
  const expand = parseExpand(query.expand);
  const shaped = (t: EntityTable, full: boolean): Item => {
    const base: Item = { ...summary(t) };
    const select = selectList(query.select, new Set(SUMMARY_PROPERTIES), 'EntityMetadata');
    const out = project(base, select);
    if (full && query.select === undefined && expand.length === 0) return { ...out, Attributes: attributes(t), Keys: keys(t) };
    for (const e of expand) out[e.nav] = projectAll(e.nav === 'Attributes' ? attributes(t) : keys(t), e.select, e.nav === 'Attributes' ? 'AttributeMetadata' : 'EntityKeyMetadata');
    return out;
  };
  if (first === 'EntityDefinitions') {
    if (rest.length) throw Errors.resourceNotFound(rest[0]);
    return { '@odata.context': context, value: registry.all().map((t) => shaped(t, false)) };
  }
  const m = /^EntityDefinitions\(LogicalName='([a-z0-9_]+)'\)$/.exec(first);
  const table = m ? registry.byLogicalName(m[1]) : undefined;
  if (!table) throw Errors.resourceNotFound(first);
  if (rest.length === 0) return { '@odata.context': `${context}/$entity`, ...shaped(table, true) };
  if (expand.length) throw Errors.notImplemented('$expand is served on EntityDefinitions only, not on its Attributes or Keys.');
  const sub = /^(Attributes|Keys)(?:\(LogicalName='([^']*)'\))?$/.exec(rest[0]);
  if (!sub || rest.length > 1) throw Errors.resourceNotFound(rest[rest.length - 1]);
  const items = sub[1] === 'Attributes' ? attributes(table) : keys(table);
  const type = sub[1] === 'Attributes' ? 'AttributeMetadata' : 'EntityKeyMetadata';
  if (sub[2] !== undefined) {
    const one = items.find((i) => i.LogicalName === sub[2]);
    if (!one) throw Errors.resourceNotFound(`${sub[1]}(LogicalName='${sub[2]}')`);
    return { '@odata.context': `${context}('${table.logicalName}')/${sub[1]}/$entity`, ...projectAll([one], query.select, type)[0] };
  }
  return { '@odata.context': `${context}('${table.logicalName}')/${sub[1]}`, value: projectAll(items, query.select, type) };
}
