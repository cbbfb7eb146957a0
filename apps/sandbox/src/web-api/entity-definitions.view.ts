import { EntityRegistry, EntityTable } from '../metadata/entity-metadata';
import { Errors } from './dataverse-http.error';

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

function attributes(t: EntityTable) {
  return t.meta.attributes.map((a) => ({
    LogicalName: a.logicalName,
    AttributeType: a.logicalName === 'ownerid' ? 'Owner' : ATTRIBUTE_TYPE[a.type],
    ...(a.maxLength !== undefined ? { MaxLength: a.maxLength } : {}),
    ...(a.targets ? { Targets: a.targets } : {}),
    RequiredLevel: { Value: a.requiredLevel ?? 'None' },
    IsValidForCreate: a.validForCreate !== false && !a.system,
    IsValidForUpdate: a.validForUpdate !== false && !a.system,
  }));
}

function keys(t: EntityTable) {
  return t.meta.keys.map((k) => ({ LogicalName: k.logicalName, KeyAttributes: k.keyAttributes, EntityKeyIndexStatus: k.status }));
}

function summary(t: EntityTable) {
  return {
    LogicalName: t.logicalName,
    EntitySetName: t.setName,
    PrimaryIdAttribute: t.primaryId,
    PrimaryNameAttribute: t.meta.primaryNameAttribute,
  };
}

export function entityDefinitionsView(registry: EntityRegistry, first: string, rest: string[], serviceRoot: string): object {
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
