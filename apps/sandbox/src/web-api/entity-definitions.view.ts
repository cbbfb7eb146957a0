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

function selectList(text: string | undefined, known: string[]): string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const names = text.split(',').map((n) => n.trim()).filter(Boolean);
  for (const n of names) if (!known.includes(n)) throw Errors.badRequest(`Could not find a property named '${n}' on type 'Microsoft.Dynamics.CRM.EntityMetadata'.`, '0x80060888');
  return names;
}

export function entityDefinitionsView(registry: EntityRegistry, first: string, rest: string[], serviceRoot: string, selectText?: string): object {
  const v = entityDefinitionsViewAll(registry, first, rest, serviceRoot) as Record<string, unknown>;
  if (selectText === undefined) return v;
  const sample = (Array.isArray(v.value) ? (v.value as Record<string, unknown>[])[0] : v) ?? {};
  const select = selectList(selectText, Object.keys(sample));
  if (Array.isArray(v.value)) return { ...v, value: (v.value as Record<string, unknown>[]).map((i) => project(i, select)) };
  return project(v, select);
}

function entityDefinitionsViewAll(registry: EntityRegistry, first: string, rest: string[], serviceRoot: string): object {
  const context = `${serviceRoot}/$metadata#EntityDefinitions`;
  if (first === 'EntityDefinitions') {
    if (rest.length) throw Errors.resourceNotFound(rest[0]);
    return { '@odata.context': context, value: registry.all().map(summary) };
  }
  const m = /^EntityDefinitions\(LogicalName='([a-z0-9_]+)'\)$/.exec(first);
  const table = m ? registry.byLogicalName(m[1]) : undefined;
  if (!table) throw Errors.resourceNotFound(first);
  if (rest.length === 0) return { '@odata.context': `${context}/$entity`, ...summary(table), Attributes: attributes(table), Keys: keys(table) };
  if (rest.length === 1 && rest[0] === 'Attributes') return { '@odata.context': `${context}('${table.logicalName}')/Attributes`, value: attributes(table) };
  if (rest.length === 1 && rest[0] === 'Keys') return { '@odata.context': `${context}('${table.logicalName}')/Keys`, value: keys(table) };
  throw Errors.resourceNotFound(rest[rest.length - 1]);
}
