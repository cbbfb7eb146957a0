import { Injectable } from '@nestjs/common';
import { MASTER_RECORD_TYPE_ID } from './sf-ids';
import { makeField, SfField, SfFieldType, SfObjectDef, SfPicklistValue, STANDARD_OBJECTS } from './sf-objects';
import { SfOrg } from './sf-org';
import { Db, SfStore } from './sf-store';

export interface StageInfo {
  name: string;
  probability: number;
  closed: boolean;
  won: boolean;
  forecast: string;
  active: boolean;
}

export interface RecordTypeInfo {
  id: string;
  name: string;
  developerName: string;
  active: boolean;
  businessProcessId: string | null;
}

export interface BusinessProcessInfo {
  id: string;
  name: string;
  object: string;
  active: boolean;
  values: { fullName: string; default: boolean }[];
}

/** The Metadata `type` of a CustomField and the describe type it becomes. */
export const CUSTOM_FIELD_TYPES: Record<string, SfFieldType> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Picklist: 'picklist',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
};

export interface CustomFieldMetadata {
  label?: string;
  type: string;
  length?: number;
  precision?: number;
  scale?: number;
  externalId?: boolean;
  unique?: boolean;
  caseSensitive?: boolean;
  required?: boolean;
  defaultValue?: string;
  description?: string;
  valueSet?: { restricted?: boolean; valueSetDefinition?: { value?: { fullName: string; label?: string; default?: boolean }[] } };
}

export function customFieldFromMetadata(name: string, m: CustomFieldMetadata): SfField {
  const type = CUSTOM_FIELD_TYPES[m.type];
  const values = m.valueSet?.valueSetDefinition?.value ?? [];
  const field = makeField(name, type, {
    label: m.label ?? name.replace(/__c$/, '').replace(/_/g, ' '),
    len: type === 'string' ? (m.length ?? 255) : type === 'textarea' ? (m.length ?? (m.type === 'TextArea' ? 255 : 32768)) : undefined,
    precision: m.precision,
    scale: m.scale ?? (type === 'double' || type === 'percent' ? 0 : undefined),
    ext: m.externalId ?? false,
    unique: m.unique ?? false,
    caseSensitive: m.caseSensitive ?? false,
    restricted: m.valueSet?.restricted ?? false,
    req: m.required ?? false,
    defaulted: type === 'boolean',
  });
  field.picklistValues = values.map((v) => ({ value: v.fullName, label: v.label ?? v.fullName, active: true, defaultValue: v.default ?? false }));
  // A picklist with a default value is filled in on create, so it is never required.
  if (field.picklistValues.some((v) => v.defaultValue)) field.defaultedOnCreate = true;
  return field;
}

/**
 * Describe for every object, cached in memory and rebuilt from the database whenever a metadata record changes
 * (custom fields, picklist values, stages, record types, business processes, field permissions).
 */
@Injectable()
export class SfMetadata {
  private objects = new Map<string, SfObjectDef>();
  private fls = new Map<string, { read: boolean; edit: boolean }>();
  private stages: StageInfo[] = [];
  private recordTypes = new Map<string, RecordTypeInfo[]>();
  private processes = new Map<string, BusinessProcessInfo>();
  /** objects whose records hold metadata: writing one of them calls refresh() */
  static readonly METADATA_OBJECTS = new Set(['CustomField', 'RecordType', 'BusinessProcess', 'OpportunityStage', 'FieldPermissions']);

  constructor(
    private readonly store: SfStore,
    private readonly org: SfOrg,
  ) {
    this.build([], new Map(), []);
  }

  async refresh(db: Db = this.store.pool): Promise<void> {
    const custom = await this.store.all(db, 'CustomField');
    const picklists = new Map<string, SfPicklistValue[]>();
    for (const row of await this.store.metaByPrefix<SfPicklistValue[]>(db, 'picklist:')) picklists.set(row.key.slice('picklist:'.length).toLowerCase(), row.value);
    const stages = await this.store.all(db, 'OpportunityStage');
    this.build(custom.map((r) => r.data), picklists, stages.map((r) => r.data));
    this.fls.clear();
    for (const r of await this.store.all(db, 'FieldPermissions')) {
      const key = String(r.data.Field ?? '').toLowerCase();
      const prev = this.fls.get(key) ?? { read: false, edit: false };
      this.fls.set(key, { read: prev.read || r.data.PermissionsRead === true, edit: prev.edit || r.data.PermissionsEdit === true });
    }
    this.recordTypes.clear();
    for (const r of await this.store.all(db, 'RecordType')) {
      const object = String(r.data.SobjectType).toLowerCase();
      const list = this.recordTypes.get(object) ?? [];
      list.push({
        id: r.id,
        name: String(r.data.Name),
        developerName: String(r.data.DeveloperName),
        active: r.data.IsActive !== false,
        businessProcessId: (r.data.BusinessProcessId as string | null) ?? null,
      });
      this.recordTypes.set(object, list);
    }
    this.processes.clear();
    for (const r of await this.store.all(db, 'BusinessProcess')) {
      this.processes.set(r.id, {
        id: r.id,
        name: String(r.data.Name),
        object: String(r.data.TableEnumOrId),
        active: r.data.IsActive !== false,
        values: (r.data.Values as { fullName: string; default: boolean }[] | undefined) ?? [],
      });
    }
  }

  private build(custom: Record<string, unknown>[], picklists: Map<string, SfPicklistValue[]>, stageRows: Record<string, unknown>[]): void {
    this.stages = stageRows
      .map((s) => ({
        name: String(s.ApiName),
        probability: Number(s.DefaultProbability ?? 0),
        closed: s.IsClosed === true,
        won: s.IsWon === true,
        forecast: String(s.ForecastCategoryName ?? 'Pipeline'),
        active: s.IsActive !== false,
        sort: Number(s.SortOrder ?? 0),
      }))
      .sort((a, b) => a.sort - b.sort);
    this.objects.clear();
    for (const base of STANDARD_OBJECTS) {
      const fields = base.fields.map((field) => {
        const override = picklists.get(`${base.name}.${field.name}`.toLowerCase());
        if (base.name === 'Opportunity' && field.name === 'StageName') {
          return { ...field, picklistValues: this.stages.map((s) => ({ value: s.name, label: s.name, active: s.active, defaultValue: false })) };
        }
        return override ? { ...field, picklistValues: override } : { ...field };
      });
      for (const c of custom) {
        if (String(c.TableEnumOrId).toLowerCase() !== base.name.toLowerCase()) continue;
        const f = customFieldFromMetadata(`${String(c.DeveloperName)}__c`, c.Metadata as CustomFieldMetadata);
        const override = picklists.get(`${base.name}.${f.name}`.toLowerCase());
        fields.push(override ? { ...f, picklistValues: override } : f);
      }
      this.objects.set(base.name.toLowerCase(), { ...base, fields });
    }
  }

  /** An object by API name, case-insensitively; tooling objects only when asked for. */
  object(name: string, tooling = false): SfObjectDef | undefined {
    const def = this.objects.get(name.toLowerCase());
    if (!def || Boolean(def.tooling) !== tooling) return undefined;
    return def;
  }

  allObjects(tooling = false): SfObjectDef[] {
    return [...this.objects.values()].filter((o) => Boolean(o.tooling) === tooling);
  }

  /** Fields the integration user sees: custom fields need field permissions when the strict setting is on. */
  fields(def: SfObjectDef): SfField[] {
    const audit = this.org.settings.auditFieldsOnCreate;
    return def.fields
      .filter((f) => this.visible(def, f))
      .map((f) => {
        if (f.audit && audit && !def.tooling) return { ...f, createable: true };
        if (f.custom && this.org.settings.strictFieldSecurity && !this.fls.get(`${def.name}.${f.name}`.toLowerCase())?.edit) {
          return { ...f, createable: false, updateable: false };
        }
        return f;
      });
  }

  field(def: SfObjectDef, name: string): SfField | undefined {
    const lower = name.toLowerCase();
    return this.fields(def).find((f) => f.name.toLowerCase() === lower);
  }

  /** Any field, visible or not (uniqueness is enforced whatever the caller may see). */
  rawFields(def: SfObjectDef): SfField[] {
    return def.fields;
  }

  private visible(def: SfObjectDef, f: SfField): boolean {
    if (!f.custom || !this.org.settings.strictFieldSecurity || def.tooling) return true;
    return this.fls.get(`${def.name}.${f.name}`.toLowerCase())?.read === true;
  }

  stage(name: string): StageInfo | undefined {
    const lower = name.toLowerCase();
    return this.stages.find((s) => s.name.toLowerCase() === lower);
  }

  recordTypesOf(object: string): RecordTypeInfo[] {
    return this.recordTypes.get(object.toLowerCase()) ?? [];
  }

  recordType(id: string): (RecordTypeInfo & { object: string }) | undefined {
    for (const [object, list] of this.recordTypes) {
      const rt = list.find((r) => r.id === id);
      if (rt) return { ...rt, object };
    }
    return undefined;
  }

  process(id: string): BusinessProcessInfo | undefined {
    return this.processes.get(id);
  }

  describe(def: SfObjectDef, version: string): Record<string, unknown> {
    const base = `/services/data/v${version}/sobjects/${def.name}`;
    const recordTypes = this.recordTypesOf(def.name);
    const infos = [
      ...recordTypes.map((rt) => ({
        active: rt.active,
        available: rt.active,
        defaultRecordTypeMapping: false,
        developerName: rt.developerName,
        master: false,
        name: rt.name,
        recordTypeId: rt.id,
        urls: { layout: `${base}/describe/layouts/${rt.id}` },
      })),
      {
        active: true,
        available: true,
        defaultRecordTypeMapping: true,
        developerName: 'Master',
        master: true,
        name: 'Master',
        recordTypeId: MASTER_RECORD_TYPE_ID,
        urls: { layout: `${base}/describe/layouts/${MASTER_RECORD_TYPE_ID}` },
      },
    ];
    return {
      ...this.globalEntry(def, version),
      fields: this.fields(def).map(({ audit: _audit, ...f }) => ({
        ...f,
        byteLength: f.length * 3,
        digits: f.type === 'int' ? f.precision : 0,
        soapType: soapType(f.type),
        sortable: f.type !== 'textarea' && f.type !== 'base64',
        filterable: f.type !== 'textarea' && f.type !== 'base64',
        groupable: ['string', 'picklist', 'reference', 'id', 'boolean', 'date', 'email', 'phone', 'url', 'int'].includes(f.type),
        nameField: f.name === 'Name',
        autoNumber: false,
        polymorphicForeignKey: f.referenceTo.length > 1,
        defaultValue: f.type === 'boolean' ? false : null,
        dependentPicklist: false,
        htmlFormatted: false,
      })),
      recordTypeInfos: infos,
      childRelationships: [],
      urls: { ...this.globalEntry(def, version).urls as object, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
    };
  }

  globalEntry(def: SfObjectDef, version: string): Record<string, unknown> & { urls: Record<string, string> } {
    const base = `/services/data/v${version}/${def.tooling ? 'tooling/' : ''}sobjects/${def.name}`;
    return {
      name: def.name,
      label: def.label,
      labelPlural: def.labelPlural,
      keyPrefix: def.keyPrefix,
      custom: def.custom,
      customSetting: false,
      createable: def.createable,
      updateable: def.updateable,
      deletable: def.deletable,
      undeletable: def.deletable,
      queryable: def.queryable,
      retrieveable: true,
      searchable: !def.tooling,
      layoutable: !def.tooling,
      triggerable: !def.tooling,
      replicateable: true,
      mergeable: ['Account', 'Contact', 'Lead', 'Case'].includes(def.name),
      feedEnabled: false,
      activateable: false,
      deprecatedAndHidden: false,
      urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
    };
  }
}

function soapType(t: SfFieldType): string {
  switch (t) {
    case 'id':
    case 'reference':
      return 'tns:ID';
    case 'boolean':
      return 'xsd:boolean';
    case 'date':
      return 'xsd:date';
    case 'datetime':
      return 'xsd:dateTime';
    case 'int':
      return 'xsd:int';
    case 'double':
    case 'currency':
    case 'percent':
      return 'xsd:double';
    case 'base64':
      return 'xsd:base64Binary';
    default:
      return 'xsd:string';
  }
}
