import { createHash } from 'crypto';
import type { ColumnType, PlanColumn, PlanEntity, RoutePlan } from '@ferry/contracts';
import type { EntityDescription, SchemaPlan, SchemaRefusal, SchemaStep, SchemaWait } from '@ferry/destinations/core';

/** Dataverse attribute types a map column type may land in. */
const COMPATIBLE: Record<ColumnType, string[]> = {
  string: ['String', 'Memo'],
  memo: ['Memo', 'String'],
  // a file body as base64 text (annotation.documentbody)
  file: ['Memo', 'String'],
  uniqueidentifier: ['Uniqueidentifier', 'String'],
  integer: ['Integer', 'BigInt'],
  bigint: ['BigInt'],
  double: ['Double', 'Decimal'],
  decimal: ['Decimal', 'Money', 'Double'],
  money: ['Money', 'Decimal'],
  boolean: ['Boolean'],
  datetime: ['DateTime'],
  dateonly: ['DateTime'],
  picklist: ['Picklist', 'State', 'Status', 'Integer'],
};

const LANGUAGE = 1033;
const label = (text: string) => ({
  '@odata.type': 'Microsoft.Dynamics.CRM.Label',
  LocalizedLabels: [{ '@odata.type': 'Microsoft.Dynamics.CRM.LocalizedLabel', Label: text, LanguageCode: LANGUAGE }],
});

/** crm_loanstatus → "Loan status": a display name a person can read in the form designer. */
function displayName(logical: string): string {
  const words = logical.replace(/^[a-z]+_/, '').replace(/_/g, ' ').trim() || logical;
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** SchemaName keeps the publisher prefix lower case and the logical name's letters; Dataverse lower-cases it back. */
const schemaName = (logical: string) => logical.replace(/^([a-z]+_)(.)/, (_m, p: string, c: string) => `${p}${c.toUpperCase()}`);

export const isCustomName = (name: string, prefix: string) => name.startsWith(`${prefix}_`);

/**
 * A relationship's SchemaName from its tables and column, within Dataverse's 50 characters: prefixes dropped from
 * the parts, and a long name cut with a short hash of the whole so two relationships never share one.
 */
export function relationshipName(prefix: string, target: string, entity: string, column: string): string {
  const bare = (n: string) => n.replace(new RegExp(`^${prefix}_`), '');
  const full = `${prefix}_${bare(target)}_${bare(entity)}_${bare(column)}`;
  if (full.length <= 50) return full;
  return `${full.slice(0, 41)}_${createHash('sha256').update(full).digest('hex').slice(0, 8)}`;
}

/** The Web API body creating one column of a map type (EntityDefinitions(...)/Attributes). */
export function attributeBody(c: PlanColumn): Record<string, unknown> {
  const base = { SchemaName: schemaName(c.name), DisplayName: label(displayName(c.name)), RequiredLevel: { Value: 'None' } };
  switch (c.type) {
    case 'string':
    case 'uniqueidentifier':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', ...base, MaxLength: Math.min(4000, c.maxLength ?? 100), FormatName: { Value: 'Text' } };
    case 'memo':
    case 'file':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.MemoAttributeMetadata', ...base, MaxLength: Math.max(2000, Math.min(1_048_576, c.maxLength ?? 100_000)), Format: 'TextArea' };
    case 'integer':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.IntegerAttributeMetadata', ...base, Format: 'None', MinValue: -2_147_483_648, MaxValue: 2_147_483_647 };
    case 'bigint':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.BigIntAttributeMetadata', ...base };
    case 'double':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.DoubleAttributeMetadata', ...base, Precision: 5, MinValue: -100_000_000_000, MaxValue: 100_000_000_000 };
    case 'decimal':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.DecimalAttributeMetadata', ...base, Precision: 4, MinValue: -100_000_000_000, MaxValue: 100_000_000_000 };
    case 'money':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.MoneyAttributeMetadata', ...base, PrecisionSource: 2, MinValue: -922_337_203_685_477, MaxValue: 922_337_203_685_477 };
    case 'boolean':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.BooleanAttributeMetadata', ...base, DefaultValue: false,
        OptionSet: { TrueOption: { Value: 1, Label: label('Yes') }, FalseOption: { Value: 0, Label: label('No') } },
      };
    case 'datetime':
    case 'dateonly':
      return { '@odata.type': 'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata', ...base, Format: c.type === 'dateonly' ? 'DateOnly' : 'DateAndTime' };
    case 'picklist':
      return {
        '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata', ...base,
        OptionSet: { '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata', IsGlobal: false, OptionSetType: 'Picklist', Options: (c.options ?? []).map((o) => ({ Value: o.value, Label: label(o.label) })) },
      };
  }
}

export interface DataverseSchemaOptions {
  keyColumn: string;
  /** custom names carry this publisher prefix (crm) */
  prefix: string;
  /** custom tables the licence allows (Sales Professional: 15); null for no limit */
  customTableLimit: number | null;
  /** custom tables already in the org, whatever the map needs */
  existingCustomTables: number;
}

/**
 * What a confirmed map needs from a Dataverse org, compared with what the org has: custom tables and columns to
 * create (sized and typed from the map), lookups as 1:N relationships, the alternate key on the key column of every
 * table; and what cannot work (a standard table or column the org lacks, a type or length clash, a polymorphic
 * custom lookup, more custom tables than the licence allows).
 */
export function planDataverseSchema(plan: RoutePlan, described: Map<string, EntityDescription | null>, o: DataverseSchemaOptions): SchemaPlan {
  const steps: SchemaStep[] = [];
  const refusals: SchemaRefusal[] = [];
  const waits: SchemaWait[] = [];
  let newTables = 0;
  for (const e of plan.entities) {
    const have = described.get(e.entity) ?? null;
    const custom = isCustomName(e.entity, o.prefix);
    if (!have && !custom) {
      refusals.push({ entity: e.entity, name: e.entity, reason: `the org has no table ${e.entity}; it is not a custom table (${o.prefix}_ prefix) Ferry could create: check the Dynamics edition and solutions, or change the map` });
      continue;
    }
    if (!have) {
      newTables++;
      steps.push({ kind: 'table', entity: e.entity, name: e.entity, detail: `custom table ${e.entity} (user-owned, primary name ${o.prefix}_name)`, body: tableBody(e.entity, o.prefix) });
    }
    const columns = new Map((have?.columns ?? []).map((c) => [c.name, c]));
    if (!have) {
      // What every user-owned table Dataverse creates holds besides its primary name.
      const standard: [string, string][] = [[`${o.prefix}_name`, 'String'], ['ownerid', 'Owner'], ['statecode', 'State'], ['statuscode', 'Status'], ['overriddencreatedon', 'DateTime']];
      for (const [name, type] of standard) columns.set(name, { name, type, required: 'none' });
    }
    for (const c of e.columns) planColumn(e, c, columns.get(c.name), o, steps, refusals);
    for (const l of e.lookups) {
      const existing = columns.get(l.column);
      if (existing) {
        // A table Ferry creates has notes and connections enabled, so it becomes a target of a note's objectid and of
        // a connection's record1id/record2id as it is created.
        const widens = (e.entity === 'annotation' && l.column === 'objectid') || (e.entity === 'connection' && /^record[12]id$/.test(l.column));
        const created = (t: string) => widens && isCustomName(t, o.prefix) && !described.get(t);
        const missing = l.targets.filter((t) => !(existing.targets ?? []).includes(t) && !created(t));
        if (!/^(Lookup|Customer|Owner)$/.test(existing.type)) refusals.push({ entity: e.entity, name: l.column, reason: `${e.entity}.${l.column} is a ${existing.type} column in the org, not a lookup` });
        else if (missing.length) refusals.push({ entity: e.entity, name: l.column, reason: `${e.entity}.${l.column} cannot point at ${missing.join(', ')} in the org (it targets ${(existing.targets ?? []).join(', ')})` });
        continue;
      }
      if (!isCustomName(l.column, o.prefix)) {
        refusals.push({ entity: e.entity, name: l.column, reason: `the org's ${e.entity} has no lookup ${l.column}, and only custom lookups (${o.prefix}_ prefix) can be created` });
      } else if (l.targets.length > 1) {
        // A multi-table lookup: one column, a 1:N relationship per target (CreatePolymorphicLookupAttribute).
        steps.push({
          kind: 'lookup', entity: e.entity, name: l.column, detail: `multi-table lookup ${e.entity}.${l.column} → ${l.targets.join(' | ')}`,
          body: {
            OneToManyRelationships: l.targets.map((t) => ({ SchemaName: relationshipName(o.prefix, t, e.entity, l.column), ReferencedEntity: t, ReferencingEntity: e.entity })),
            Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.ComplexLookupAttributeMetadata', AttributeType: 'Lookup', AttributeTypeName: { Value: 'LookupType' }, SchemaName: schemaName(l.column), DisplayName: label(displayName(l.column)), RequiredLevel: { Value: 'None' } },
          },
        });
      } else {
        const target = l.targets[0];
        const rel = relationshipName(o.prefix, target, e.entity, l.column);
        steps.push({
          kind: 'lookup', entity: e.entity, name: l.column, detail: `lookup ${e.entity}.${l.column} → ${target} (1:N relationship ${rel})`,
          body: {
            '@odata.type': 'Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
            SchemaName: rel,
            ReferencedEntity: target,
            ReferencingEntity: e.entity,
            // Binds then use the column's logical name (otherwise Dataverse names the navigation after the SchemaName).
            ReferencingEntityNavigationPropertyName: l.column,
            Lookup: { '@odata.type': 'Microsoft.Dynamics.CRM.LookupAttributeMetadata', SchemaName: schemaName(l.column), DisplayName: label(displayName(l.column)), RequiredLevel: { Value: 'None' } },
            CascadeConfiguration: { Assign: 'NoCascade', Delete: 'RemoveLink', Merge: 'NoCascade', Reparent: 'NoCascade', Share: 'NoCascade', Unshare: 'NoCascade' },
          },
        });
      }
    }
    const key = (have?.keys ?? []).find((k) => k.columns.length === 1 && k.columns[0] === o.keyColumn);
    const keyName = `${o.prefix}_${e.entity.replace(new RegExp(`^${o.prefix}_`), '')}_sourceid_key`;
    if (!key) {
      steps.push({ kind: 'key', entity: e.entity, name: keyName, detail: `alternate key ${keyName} (${o.keyColumn}); Dataverse builds its index before upserts by it work`, body: { SchemaName: keyName, DisplayName: label('Source id'), KeyAttributes: [o.keyColumn] } });
    } else if (key.status === 'Failed') {
      refusals.push({ entity: e.entity, name: key.name, reason: `the alternate key ${key.name} on ${e.entity} failed to build (duplicate ${o.keyColumn} values?): fix the rows and reactivate it in the org` });
    } else if (key.status !== 'Active') {
      waits.push({ entity: e.entity, name: key.name, status: key.status });
    }
  }
  const count = o.existingCustomTables + newTables;
  if (o.customTableLimit !== null && count > o.customTableLimit) {
    refusals.push({
      entity: '*', name: 'custom tables',
      reason: `the map needs ${newTables} new custom table(s), making ${count} in the org; the licence allows ${o.customTableLimit} (Sales Professional allows 15): move those objects onto standard tables or columns, or upgrade to Sales Enterprise`,
    });
  }
  return { destination: 'dynamics', steps, refusals, waits, customTables: { count, limit: o.customTableLimit } };
}

function planColumn(e: PlanEntity, c: PlanColumn, have: { type: string; maxLength?: number } | undefined, o: DataverseSchemaOptions, steps: SchemaStep[], refusals: SchemaRefusal[]): void {
  if (!have) {
    if (!isCustomName(c.name, o.prefix)) {
      refusals.push({ entity: e.entity, name: c.name, reason: `the org's ${e.entity} has no column ${c.name}, and only custom columns (${o.prefix}_ prefix) can be created: fix the map` });
      return;
    }
    if (c.type === 'picklist' && !c.options?.length) {
      refusals.push({ entity: e.entity, name: c.name, reason: `${e.entity}.${c.name} is a picklist with no values: give its field a map transform listing them` });
      return;
    }
    const body = attributeBody(c);
    const size = 'MaxLength' in body ? `(${body.MaxLength})` : '';
    steps.push({ kind: 'column', entity: e.entity, name: c.name, detail: `column ${e.entity}.${c.name} ${c.type}${size}${c.options ? ` with ${c.options.length} options` : ''}`, body });
    return;
  }
  if (!COMPATIBLE[c.type].includes(have.type)) {
    refusals.push({ entity: e.entity, name: c.name, reason: `${e.entity}.${c.name} is ${have.type} in the org but ${c.type} in the map` });
  } else if (c.maxLength && have.maxLength && c.maxLength > have.maxLength) {
    refusals.push({ entity: e.entity, name: c.name, reason: `${e.entity}.${c.name} holds ${have.maxLength} characters in the org but the map allows ${c.maxLength}: lower maxLength (or truncate) in the map` });
  }
}

function tableBody(entity: string, prefix: string): Record<string, unknown> {
  const name = displayName(entity);
  return {
    '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata',
    SchemaName: schemaName(entity),
    DisplayName: label(name),
    DisplayCollectionName: label(`${name}s`),
    Description: label(`Created by Ferry for migrated ${name} records`),
    OwnershipType: 'UserOwned',
    IsActivity: false,
    HasActivities: false,
    HasNotes: true,
    IsConnectionsEnabled: { Value: true, CanBeChanged: true },
    Attributes: [
      {
        '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: `${prefix}_Name`, IsPrimaryName: true, RequiredLevel: { Value: 'None' },
        MaxLength: 200, FormatName: { Value: 'Text' }, DisplayName: label('Name'),
      },
    ],
  };
}
