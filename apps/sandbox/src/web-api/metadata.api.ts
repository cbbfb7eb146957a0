import { Inject, Injectable } from '@nestjs/common';
import {
  AttributeMetadata,
  CascadeDelete,
  EntityKeyMetadata,
  EntityMetadata,
  EntityRegistry,
  EntityTable,
  ManyToManyMetadata,
  RequiredLevel,
  CUSTOM_TABLE_STATES,
  customTableColumns,
  oneToManyName,
} from '../metadata/entity-metadata';
import { GlobalOptionSet, MetadataService, OneToManyRecord, metadataIdOf } from '../metadata/metadata.service';
import { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { DataverseHttpError, Errors } from './dataverse-http.error';
import { entityDefinitionsView } from './entity-definitions.view';
import type { ServiceTarget } from './service-path';

type Json = Record<string, unknown>;

const JSON_HEADERS = { 'Content-Type': 'application/json; odata.metadata=minimal' };
/** A publisher prefix (2–8 letters/digits starting with a letter), an underscore, then the name. */
const PREFIXED = /^[A-Za-z][A-Za-z0-9]{1,7}_[A-Za-z0-9_]+$/;
const KEYABLE = new Set(['string', 'integer', 'decimal', 'datetime', 'dateonly', 'picklist']);

const metadataError = (message: string, code = '0x0') => new DataverseHttpError(400, code, message);

function odataType(body: Json): string {
  const t = body['@odata.type'];
  return typeof t === 'string' ? t.replace(/^#/, '').replace(/^Microsoft\.Dynamics\.CRM\./, '') : '';
}

function schemaNameOf(body: Json, what: string): string {
  const name = body.SchemaName;
  if (typeof name !== 'string' || !name) throw metadataError(`${what}: 'SchemaName' is required.`);
  if (!PREFIXED.test(name)) throw metadataError(`${what}: the SchemaName '${name}' must start with a publisher prefix ('crm_…').`);
  if (name.length > 50) throw metadataError(`${what}: the SchemaName '${name}' is longer than 50 characters.`);
  return name;
}

function labelOf(label: unknown): string | undefined {
  const l = label as { LocalizedLabels?: { Label?: string }[]; UserLocalizedLabel?: { Label?: string } } | undefined;
  return l?.UserLocalizedLabel?.Label ?? l?.LocalizedLabels?.[0]?.Label;
}

function requiredLevelOf(body: Json): RequiredLevel {
  const v = (body.RequiredLevel as { Value?: string } | undefined)?.Value ?? 'None';
  if (v === 'None' || v === 'Recommended') return 'None';
  if (v === 'ApplicationRequired' || v === 'SystemRequired') return v;
  throw metadataError(`RequiredLevel '${v}' is not valid.`);
}

/** English plural as the platform forms entity set names: -ies, -es, -s. */
export function pluralOf(name: string): string {
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(name)) return `${name}es`;
  return `${name}s`;
}

function intIn(v: unknown, what: string, min: number, max: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw metadataError(`${what} must be an integer from ${min} to ${max}.`);
  return v;
}

/** Serves EntityDefinitions, RelationshipDefinitions and GlobalOptionSetDefinitions: reads and the metadata writes. */
@Injectable()
export class MetadataApi {
  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    private readonly registry: EntityRegistry,
    private readonly metadata: MetadataService,
  ) {}

  static handles(first: string): boolean {
    return /^(EntityDefinitions|RelationshipDefinitions|GlobalOptionSetDefinitions)(\(.*\))?$/.test(first) || first === 'CreatePolymorphicLookupAttribute';
  }

  async handle(method: string, first: string, rest: string[], target: ServiceTarget, body: () => unknown, serviceRoot: string) {
    const m = /^(\w+)(?:\((.*)\))?$/.exec(first)!;
    const set = m[1];
    const inner = m[2];
    if (set === 'EntityDefinitions') return this.entityDefinitions(method, first, inner, rest, target, body, serviceRoot);
    if (set === 'RelationshipDefinitions') return this.relationships(method, inner, rest, body, serviceRoot);
    if (set === 'CreatePolymorphicLookupAttribute') return this.polymorphicLookup(method, rest, body);
    return this.optionSets(method, inner, rest, body, serviceRoot);
  }

  /**
   * The CreatePolymorphicLookupAttribute action: one lookup column on the referencing table pointing at several
   * tables, with a 1:N relationship per target. Answers the relationship ids and the attribute id, as documented.
   */
  private async polymorphicLookup(method: string, rest: string[], body: () => unknown) {
    if (method !== 'POST' || rest.length) throw Errors.methodNotAllowed(method);
    const b = body() as Json;
    const rels = Array.isArray(b.OneToManyRelationships) ? (b.OneToManyRelationships as Json[]) : [];
    const lookupBody = b.Lookup as Json | undefined;
    if (rels.length < 2 || !lookupBody) throw metadataError('CreatePolymorphicLookupAttribute needs OneToManyRelationships (at least two) and a Lookup.');
    const referencing = this.registry.byLogicalName(String(rels[0].ReferencingEntity ?? ''));
    if (!referencing || rels.some((r) => r.ReferencingEntity !== referencing.logicalName)) {
      throw metadataError('Every relationship of a polymorphic lookup needs the same existing ReferencingEntity.');
    }
    if (referencing.meta.readOnly) throw Errors.methodNotAllowed('POST');
    const targets = rels.map((r) => {
      const t = this.registry.byLogicalName(String(r.ReferencedEntity ?? ''));
      if (!t) throw metadataError(`The ReferencedEntity ${String(r.ReferencedEntity)} does not exist.`);
      return t.logicalName;
    });
    const lookupSchema = schemaNameOf(lookupBody, 'ComplexLookupAttributeMetadata');
    const logicalName = lookupSchema.toLowerCase();
    if (referencing.attributes.has(logicalName)) throw metadataError(`An attribute named ${logicalName} already exists on ${referencing.logicalName}.`, '0x80044363');
    const lookup: AttributeMetadata = { logicalName, type: 'lookup', targets, requiredLevel: requiredLevelOf(lookupBody), custom: true, cascadeDelete: 'RemoveLink', relationshipName: schemaNameOf(rels[0], 'OneToManyRelationshipMetadata') };
    const ids: string[] = [];
    const writes: Parameters<MetadataService['add']>[0] = [{ kind: 'attribute', table: referencing.logicalName, name: logicalName, body: lookup }];
    rels.forEach((r, i) => {
      const schemaName = schemaNameOf(r, 'OneToManyRelationshipMetadata');
      const metadataId = this.metadata.newMetadataId();
      ids.push(metadataId);
      const rec: OneToManyRecord = { schemaName, metadataId, referencedEntity: targets[i], referencingEntity: referencing.logicalName, referencingAttribute: logicalName, cascadeDelete: 'RemoveLink' };
      writes.push({ kind: 'onetomany', table: '', name: schemaName, body: rec });
    });
    await this.metadata.add(writes);
    return { status: 200, headers: JSON_HEADERS, body: { '@odata.context': '$metadata#Microsoft.Dynamics.CRM.CreatePolymorphicLookupAttributeResponse', RelationshipIds: ids, AttributeId: this.metadata.newMetadataId() } };
  }

  private tableFor(inner: string): EntityTable {
    const byName = /^LogicalName='([^']*)'$/.exec(inner);
    const table = byName
      ? this.registry.byLogicalName(byName[1])
      : this.registry.all().find((t) => (t.meta.metadataId ?? metadataIdOf(t.logicalName)) === inner.toLowerCase());
    if (!table) throw Errors.resourceNotFound(`EntityDefinitions(${inner})`);
    return table;
  }

  private async entityDefinitions(method: string, first: string, inner: string | undefined, rest: string[], target: ServiceTarget, body: () => unknown, root: string) {
    if (method === 'GET') {
      const named = inner === undefined ? first : `EntityDefinitions(LogicalName='${this.tableFor(inner).logicalName}')`;
      return {
        status: 200,
        headers: JSON_HEADERS,
        body: entityDefinitionsView(this.registry, named, rest, root, { select: target.query.get('$select'), expand: target.query.get('$expand') }),
      };
    }
    if (method !== 'POST') throw Errors.methodNotAllowed(method);
    if (inner === undefined && rest.length === 0) return this.createTable(body() as Json, root);
    if (inner !== undefined && rest.length === 1 && rest[0] === 'Attributes') return this.createAttribute(this.tableFor(inner), body() as Json, root);
    if (inner !== undefined && rest.length === 1 && rest[0] === 'Keys') return this.createKey(this.tableFor(inner), body() as Json, root);
    throw Errors.methodNotAllowed(method);
  }

  private created(url: string) {
    return { status: 204, headers: { 'OData-EntityId': url } };
  }

  private async createTable(body: Json, root: string) {
    if (odataType(body) !== 'EntityMetadata') throw metadataError("POST EntityDefinitions needs '@odata.type': 'Microsoft.Dynamics.CRM.EntityMetadata'.");
    const schemaName = schemaNameOf(body, 'EntityMetadata');
    const logicalName = schemaName.toLowerCase();
    if (this.registry.byLogicalName(logicalName)) throw metadataError(`An entity with the name ${logicalName} already exists.`, '0x80044363');
    const limit = this.options.customTableLimit;
    if (limit !== undefined && this.metadata.customTableCount() >= limit) {
      throw new DataverseHttpError(400, '0x0', `The organization's limit of ${limit} custom tables is reached; '${schemaName}' was not created.`);
    }
    const ownership = body.OwnershipType ?? 'UserOwned';
    if (ownership !== 'UserOwned' && ownership !== 'OrganizationOwned') {
      throw Errors.notImplemented(`OwnershipType '${String(ownership)}' is not implemented by the sandbox (UserOwned or OrganizationOwned).`);
    }
    if (body.IsActivity === true) throw Errors.notImplemented('Custom activity tables are not implemented by the sandbox.');
    const attrs = Array.isArray(body.Attributes) ? (body.Attributes as Json[]) : [];
    const primary = attrs.filter((a) => a.IsPrimaryName === true);
    if (primary.length !== 1 || odataType(primary[0]) !== 'StringAttributeMetadata') {
      throw metadataError('EntityMetadata needs exactly one StringAttributeMetadata with IsPrimaryName true in Attributes.');
    }
    if (attrs.length !== 1) throw Errors.notImplemented('The sandbox creates a table with its primary name column only; add other columns through …/Attributes.');
    const name = this.attributeFrom(primary[0]);
    const setName = typeof body.EntitySetName === 'string' ? body.EntitySetName : pluralOf(logicalName);
    if (this.registry.bySetName(setName)) throw metadataError(`The entity set name '${setName}' is already used.`);
    const metadataId = this.metadata.newMetadataId();
    const def: EntityMetadata = {
      logicalName,
      schemaName,
      entitySetName: setName,
      primaryIdAttribute: `${logicalName}id`,
      primaryNameAttribute: name.logicalName,
      ownershipType: ownership,
      states: CUSTOM_TABLE_STATES,
      custom: true,
      metadataId,
      attributes: [{ logicalName: `${logicalName}id`, type: 'uniqueidentifier', validForUpdate: false }, name, ...customTableColumns(ownership)],
      keys: [],
    };
    await this.metadata.add([{ kind: 'table', table: logicalName, name: logicalName, body: def }]);
    return this.created(`${root}/EntityDefinitions(${metadataId})`);
  }

  /** An attribute definition from a POST body; lookups come from relationships, other types are not implemented. */
  private attributeFrom(body: Json): AttributeMetadata {
    const type = odataType(body);
    const schemaName = schemaNameOf(body, type || 'AttributeMetadata');
    const base = { logicalName: schemaName.toLowerCase(), requiredLevel: requiredLevelOf(body), custom: true };
    switch (type) {
      case 'StringAttributeMetadata':
        return { ...base, type: 'string', maxLength: intIn(body.MaxLength, 'MaxLength', 1, 4000, 100) };
      case 'MemoAttributeMetadata':
        return { ...base, type: 'memo', maxLength: intIn(body.MaxLength, 'MaxLength', 1, 1_048_576, 2000) };
      case 'IntegerAttributeMetadata':
        return { ...base, type: 'integer' };
      case 'DecimalAttributeMetadata':
        return { ...base, type: 'decimal' };
      case 'MoneyAttributeMetadata':
        return { ...base, type: 'money' };
      case 'BooleanAttributeMetadata':
        return { ...base, type: 'boolean' };
      case 'DateTimeAttributeMetadata': {
        const format = body.Format ?? 'DateAndTime';
        if (format !== 'DateOnly' && format !== 'DateAndTime') throw metadataError(`DateTime Format '${String(format)}' is not valid (DateOnly or DateAndTime).`);
        return { ...base, type: format === 'DateOnly' ? 'dateonly' : 'datetime', format };
      }
      case 'PicklistAttributeMetadata':
        return { ...base, ...this.picklistFrom(body) };
      case 'LookupAttributeMetadata':
        throw metadataError('Lookup columns are created with their relationship: POST RelationshipDefinitions (OneToManyRelationshipMetadata).');
      default:
        throw Errors.notImplemented(`The attribute type '${type || '(no @odata.type)'}' is not implemented by the sandbox.`);
    }
  }

  private picklistFrom(body: Json): Pick<AttributeMetadata, 'type' | 'options' | 'optionLabels' | 'globalOptionSet'> {
    const bind = body['GlobalOptionSet@odata.bind'];
    if (typeof bind === 'string') {
      const m = /GlobalOptionSetDefinitions\(([^)]*)\)\s*$/.exec(bind);
      const set = m ? this.findOptionSet(m[1]) : undefined;
      if (!set) throw Errors.resourceNotFound(bind);
      return { type: 'picklist', options: set.options.map((o) => o.value), optionLabels: Object.fromEntries(set.options.map((o) => [o.value, o.label])), globalOptionSet: set.name };
    }
    const options = this.optionsFrom((body.OptionSet as Json | undefined)?.Options);
    return { type: 'picklist', options: options.map((o) => o.value), optionLabels: Object.fromEntries(options.map((o) => [o.value, o.label])) };
  }

  private optionsFrom(raw: unknown): { value: number; label: string }[] {
    if (!Array.isArray(raw) || raw.length === 0) throw metadataError('A picklist needs OptionSet.Options (or a GlobalOptionSet@odata.bind).');
    const out = (raw as Json[]).map((o, i) => ({
      value: intIn(o.Value, 'Option Value', -2147483648, 2147483647, 100_000_000 + i),
      label: labelOf(o.Label) ?? String(o.Value ?? 100_000_000 + i),
    }));
    if (new Set(out.map((o) => o.value)).size !== out.length) throw metadataError('Option values must be unique.');
    return out;
  }

  private findOptionSet(inner: string): GlobalOptionSet | undefined {
    const byName = /^Name='([^']*)'$/.exec(inner);
    return this.metadata.optionSets.find((s) => (byName ? s.name === byName[1] : s.metadataId === inner.toLowerCase()));
  }

  private async createAttribute(table: EntityTable, body: Json, root: string) {
    if (table.meta.readOnly) throw Errors.methodNotAllowed('POST');
    const a = this.attributeFrom(body);
    if (table.attributes.has(a.logicalName)) throw metadataError(`An attribute named ${a.logicalName} already exists on ${table.logicalName}.`, '0x80044363');
    const metadataId = this.metadata.newMetadataId();
    await this.metadata.add([{ kind: 'attribute', table: table.logicalName, name: a.logicalName, body: a }]);
    return this.created(`${root}/EntityDefinitions(${table.meta.metadataId ?? metadataIdOf(table.logicalName)})/Attributes(${metadataId})`);
  }

  private async createKey(table: EntityTable, body: Json, root: string) {
    const schemaName = schemaNameOf(body, 'EntityKeyMetadata');
    const attrs = body.KeyAttributes;
    if (!Array.isArray(attrs) || attrs.length === 0 || !attrs.every((a) => typeof a === 'string')) throw metadataError('EntityKeyMetadata needs KeyAttributes: a list of column logical names.');
    if (attrs.length > this.options.maxKeyColumns) throw metadataError(`An alternate key can have at most ${this.options.maxKeyColumns} columns.`);
    if (table.meta.keys.length >= this.options.maxKeysPerTable) throw metadataError(`A table can have at most ${this.options.maxKeysPerTable} alternate keys.`);
    const same = table.meta.keys.find((k) => k.keyAttributes.length === attrs.length && k.keyAttributes.every((a) => attrs.includes(a)));
    if (same) throw metadataError(`The alternate key '${same.logicalName}' already has these columns.`, '0x80044363');
    for (const name of attrs as string[]) {
      const a = table.attributes.get(name);
      if (!a) throw Errors.unknownQueryProperty(name, table.logicalName);
      if (!KEYABLE.has(a.type) || a.system) throw metadataError(`The column '${name}' (${a.type}) cannot be part of an alternate key in the sandbox.`);
    }
    const key: EntityKeyMetadata = { logicalName: schemaName.toLowerCase(), schemaName, keyAttributes: attrs as string[], status: 'Pending' };
    await this.metadata.add([{ kind: 'key', table: table.logicalName, name: key.logicalName, body: key }]);
    return this.created(`${root}/EntityDefinitions(${table.meta.metadataId ?? metadataIdOf(table.logicalName)})/Keys(${metadataIdOf(`${table.logicalName}.${key.logicalName}`)})`);
  }

  private relationshipViews(): Json[] {
    const oneToMany: Json[] = [];
    for (const t of this.registry.all()) {
      for (const a of t.meta.attributes) {
        if (a.type !== 'lookup' || a.logicalName === 'ownerid') continue;
        for (const target of t.targetsOf(a)) {
          const custom = this.metadata.oneToMany.find((r) => r.referencingEntity === t.logicalName && r.referencingAttribute === a.logicalName);
          oneToMany.push({
            '@odata.type': '#Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata',
            SchemaName: custom?.schemaName ?? oneToManyName(t, a, this.registry.byLogicalName(target) ?? t),
            ReferencedEntityNavigationPropertyName: oneToManyName(t, a, this.registry.byLogicalName(target) ?? t),
            MetadataId: custom?.metadataId ?? metadataIdOf(`rel:${t.logicalName}.${a.logicalName}.${target}`),
            RelationshipType: 'OneToManyRelationship',
            IsCustomRelationship: a.custom === true,
            ReferencedEntity: target,
            ReferencingEntity: t.logicalName,
            ReferencingAttribute: a.logicalName,
            ReferencingEntityNavigationPropertyName: t.navigationFor(a, target),
            CascadeConfiguration: { Delete: a.cascadeDelete ?? 'RemoveLink' },
          });
        }
      }
    }
    const manyToMany = this.registry.manyToMany.map((r) => ({
      '@odata.type': '#Microsoft.Dynamics.CRM.ManyToManyRelationshipMetadata',
      SchemaName: r.schemaName,
      MetadataId: r.metadataId ?? metadataIdOf(`rel:${r.schemaName}`),
      RelationshipType: 'ManyToManyRelationship',
      IsCustomRelationship: true,
      Entity1LogicalName: r.entity1,
      Entity2LogicalName: r.entity2,
      IntersectEntityName: r.intersectEntityName,
      Entity1NavigationPropertyName: r.entity1NavigationPropertyName,
      Entity2NavigationPropertyName: r.entity2NavigationPropertyName,
    }));
    return [...oneToMany, ...manyToMany];
  }

  private async relationships(method: string, inner: string | undefined, rest: string[], body: () => unknown, root: string) {
    if (rest.length) throw Errors.resourceNotFound(rest[0]);
    const context = `${root}/$metadata#RelationshipDefinitions`;
    if (method === 'GET') {
      const all = this.relationshipViews();
      if (inner === undefined) return { status: 200, headers: JSON_HEADERS, body: { '@odata.context': context, value: all } };
      const byName = /^SchemaName='([^']*)'$/.exec(inner);
      const found = all.find((r) => (byName ? r.SchemaName === byName[1] : r.MetadataId === inner.toLowerCase()));
      if (!found) throw Errors.resourceNotFound(`RelationshipDefinitions(${inner})`);
      return { status: 200, headers: JSON_HEADERS, body: { '@odata.context': `${context}/$entity`, ...found } };
    }
    if (method !== 'POST' || inner !== undefined) throw Errors.methodNotAllowed(method);
    const b = body() as Json;
    const type = odataType(b);
    const schemaName = schemaNameOf(b, type || 'RelationshipMetadata');
    if (this.relationshipViews().some((r) => r.SchemaName === schemaName)) throw metadataError(`A relationship named ${schemaName} already exists.`, '0x80044363');
    const metadataId = this.metadata.newMetadataId();
    if (type === 'OneToManyRelationshipMetadata') {
      const referenced = this.registry.byLogicalName(String(b.ReferencedEntity ?? ''));
      const referencing = this.registry.byLogicalName(String(b.ReferencingEntity ?? ''));
      if (!referenced || !referencing) throw metadataError('OneToManyRelationshipMetadata needs existing ReferencedEntity and ReferencingEntity tables.');
      if (referencing.meta.readOnly) throw Errors.methodNotAllowed('POST');
      const lookupBody = b.Lookup as Json | undefined;
      if (!lookupBody || odataType(lookupBody) !== 'LookupAttributeMetadata') throw metadataError('OneToManyRelationshipMetadata needs a Lookup (LookupAttributeMetadata).');
      const lookupSchema = schemaNameOf(lookupBody, 'LookupAttributeMetadata');
      const logicalName = lookupSchema.toLowerCase();
      if (referencing.attributes.has(logicalName)) throw metadataError(`An attribute named ${logicalName} already exists on ${referencing.logicalName}.`, '0x80044363');
      const cascade = ((b.CascadeConfiguration as Json | undefined)?.Delete ?? 'RemoveLink') as CascadeDelete;
      if (!['Cascade', 'RemoveLink', 'Restrict'].includes(cascade)) throw Errors.notImplemented(`CascadeConfiguration.Delete '${String(cascade)}' is not implemented by the sandbox.`);
      const lookup: AttributeMetadata = {
        logicalName,
        type: 'lookup',
        targets: [referenced.logicalName],
        requiredLevel: requiredLevelOf(lookupBody),
        custom: true,
        cascadeDelete: cascade,
        relationshipName: typeof b.ReferencedEntityNavigationPropertyName === 'string' ? b.ReferencedEntityNavigationPropertyName : schemaName,
        navigationProperty: typeof b.ReferencingEntityNavigationPropertyName === 'string' ? b.ReferencingEntityNavigationPropertyName : lookupSchema,
      };
      const rec: OneToManyRecord = { schemaName, metadataId, referencedEntity: referenced.logicalName, referencingEntity: referencing.logicalName, referencingAttribute: logicalName, cascadeDelete: cascade };
      await this.metadata.add([
        { kind: 'attribute', table: referencing.logicalName, name: logicalName, body: lookup },
        { kind: 'onetomany', table: '', name: schemaName, body: rec },
      ]);
      return this.created(`${root}/RelationshipDefinitions(${metadataId})`);
    }
    if (type === 'ManyToManyRelationshipMetadata') {
      const e1 = this.registry.byLogicalName(String(b.Entity1LogicalName ?? ''));
      const e2 = this.registry.byLogicalName(String(b.Entity2LogicalName ?? ''));
      if (!e1 || !e2) throw metadataError('ManyToManyRelationshipMetadata needs existing Entity1LogicalName and Entity2LogicalName tables.');
      const rel: ManyToManyMetadata = {
        schemaName,
        metadataId,
        entity1: e1.logicalName,
        entity2: e2.logicalName,
        intersectEntityName: typeof b.IntersectEntityName === 'string' ? b.IntersectEntityName.toLowerCase() : schemaName.toLowerCase(),
        entity1NavigationPropertyName: typeof b.Entity1NavigationPropertyName === 'string' ? b.Entity1NavigationPropertyName : schemaName,
        entity2NavigationPropertyName: typeof b.Entity2NavigationPropertyName === 'string' ? b.Entity2NavigationPropertyName : schemaName,
      };
      await this.metadata.add([{ kind: 'manytomany', table: '', name: schemaName, body: rel }]);
      return this.created(`${root}/RelationshipDefinitions(${metadataId})`);
    }
    throw Errors.notImplemented(`The relationship type '${type || '(no @odata.type)'}' is not implemented by the sandbox.`);
  }

  private optionSetView(s: GlobalOptionSet): Json {
    return {
      '@odata.type': '#Microsoft.Dynamics.CRM.OptionSetMetadata',
      Name: s.name,
      MetadataId: s.metadataId,
      IsGlobal: true,
      OptionSetType: 'Picklist',
      Options: s.options.map((o) => ({ Value: o.value, Label: { UserLocalizedLabel: { Label: o.label, LanguageCode: 1033 } } })),
    };
  }

  private async optionSets(method: string, inner: string | undefined, rest: string[], body: () => unknown, root: string) {
    if (rest.length) throw Errors.resourceNotFound(rest[0]);
    const context = `${root}/$metadata#GlobalOptionSetDefinitions`;
    if (method === 'GET') {
      if (inner === undefined) return { status: 200, headers: JSON_HEADERS, body: { '@odata.context': context, value: this.metadata.optionSets.map((s) => this.optionSetView(s)) } };
      const found = this.findOptionSet(inner);
      if (!found) throw Errors.resourceNotFound(`GlobalOptionSetDefinitions(${inner})`);
      return { status: 200, headers: JSON_HEADERS, body: { '@odata.context': `${context}/$entity`, ...this.optionSetView(found) } };
    }
    if (method !== 'POST' || inner !== undefined) throw Errors.methodNotAllowed(method);
    const b = body() as Json;
    if (odataType(b) !== 'OptionSetMetadata') throw metadataError("POST GlobalOptionSetDefinitions needs '@odata.type': 'Microsoft.Dynamics.CRM.OptionSetMetadata'.");
    const name = b.Name;
    if (typeof name !== 'string' || !PREFIXED.test(name)) throw metadataError("OptionSetMetadata needs a 'Name' starting with a publisher prefix.");
    if (this.metadata.optionSets.some((s) => s.name === name.toLowerCase())) throw metadataError(`An option set named ${name} already exists.`, '0x80044363');
    const set: GlobalOptionSet = { name: name.toLowerCase(), metadataId: this.metadata.newMetadataId(), options: this.optionsFrom(b.Options) };
    await this.metadata.add([{ kind: 'optionset', table: '', name: set.name, body: set }]);
    return this.created(`${root}/GlobalOptionSetDefinitions(${set.metadataId})`);
  }
}
