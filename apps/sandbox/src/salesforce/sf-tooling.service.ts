import { Injectable } from '@nestjs/common';
import { canonicalId } from './sf-ids';
import { SfErrors, SfHttpError } from './sf-errors';
import { CUSTOM_FIELD_TYPES, CustomFieldMetadata, customFieldFromMetadata, SfMetadata } from './sf-metadata.service';
import { SfPicklistValue } from './sf-objects';
import { SfRecords } from './sf-records.service';
import { SfStore } from './sf-store';
import { sfDateTime, systemFields } from './sf-values';

function bad(message: string, errorCode = 'FIELD_INTEGRITY_EXCEPTION', fields?: string[]): SfHttpError {
  return new SfHttpError(400, [{ message, errorCode, fields }]);
}

/** Standard value sets Ferry may extend, and the picklist fields each one feeds. */
export const STANDARD_VALUE_SETS: Record<string, string[]> = {
  OpportunityStage: ['Opportunity.StageName'],
  LeadStatus: ['Lead.Status'],
  LeadSource: ['Lead.LeadSource', 'Opportunity.LeadSource', 'Contact.LeadSource'],
  Industry: ['Account.Industry', 'Lead.Industry'],
  AccountType: ['Account.Type'],
  OpportunityType: ['Opportunity.Type'],
  CaseStatus: ['Case.Status'],
  CaseOrigin: ['Case.Origin'],
  CasePriority: ['Case.Priority'],
  CaseType: ['Case.Type'],
  TaskStatus: ['Task.Status'],
  TaskPriority: ['Task.Priority'],
  QuoteStatus: ['Quote.Status'],
  ContractStatus: ['Contract.Status'],
  OrderType: ['Order.Type'],
  ProductFamily: ['Product2.Family'],
  Salutation: ['Contact.Salutation', 'Lead.Salutation'],
};

interface StandardValue {
  fullName: string;
  label?: string;
  default?: boolean;
  probability?: number;
  closed?: boolean;
  won?: boolean;
  forecastCategory?: string;
}

const CREATED = (id: string) => ({ id, success: true, errors: [], warnings: [], infos: [] });

/**
 * The Tooling API calls schema apply needs: custom fields (create, extend picklist values), business processes,
 * and standard value sets (opportunity stages with their probabilities, other standard picklists).
 */
@Injectable()
export class SfToolingService {
  constructor(
    private readonly store: SfStore,
    private readonly meta: SfMetadata,
    private readonly records: SfRecords,
  ) {}

  async createCustomField(body: Record<string, unknown>, userId: string): Promise<ReturnType<typeof CREATED>> {
    const fullName = String(body.FullName ?? '');
    const m = /^([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(fullName);
    if (!m) throw bad(`FullName must be Object.Field__c, got '${fullName}'`, 'INVALID_INPUT');
    const def = this.meta.object(m[1]);
    if (!def) throw bad(`Cannot find object ${m[1]} for custom field ${fullName}`, 'INVALID_TYPE');
    if (!def.customizable) throw bad(`${def.name} cannot hold custom fields (${fullName}); put the field on the parent record or on ContentVersion instead`);
    const name = m[2];
    if (!/^[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)*__c$/.test(name) || name.length > 43) {
      throw bad(`Field name ${name} is invalid: begin with a letter, use letters, digits and single underscores, at most 40 characters, and end with __c`, 'INVALID_INPUT');
    }
    if (def.fields.some((f) => f.name.toLowerCase() === name.toLowerCase())) throw bad(`There is already a field named ${name} on ${def.name}.`, 'DUPLICATE_DEVELOPER_NAME');
    const metadata = this.checkMetadata(fullName, (body.Metadata ?? {}) as CustomFieldMetadata);
    return this.records.single(userId, async (ctx) => {
      const id = await this.store.newId(ctx.db, '00N');
      const now = sfDateTime(ctx.now);
      await this.store.insert(ctx.db, 'CustomField', id, {
        ...systemFields(now, userId),
        DeveloperName: name.replace(/__c$/, ''),
        TableEnumOrId: def.name,
        FullName: `${def.name}.${name}`,
        NamespacePrefix: null,
        Description: metadata.description ?? null,
        InlineHelpText: null,
        Metadata: metadata,
      });
      ctx.touched.add('CustomField');
      return CREATED(id);
    });
  }

  private checkMetadata(fullName: string, m: CustomFieldMetadata): CustomFieldMetadata {
    if (!m.type || !(m.type in CUSTOM_FIELD_TYPES)) throw bad(`${fullName}: Metadata.type must be one of ${Object.keys(CUSTOM_FIELD_TYPES).join(', ')}`, 'INVALID_INPUT');
    if (!m.label) throw bad(`${fullName}: Metadata.label is required`, 'REQUIRED_FIELD_MISSING');
    if (m.type === 'Text' && !(Number.isInteger(m.length) && m.length! >= 1 && m.length! <= 255)) throw bad(`${fullName}: a Text field needs a length from 1 to 255`, 'INVALID_INPUT');
    if (m.type === 'LongTextArea' && !(Number.isInteger(m.length) && m.length! >= 256 && m.length! <= 131072)) {
      throw bad(`${fullName}: a LongTextArea field needs a length from 256 to 131072`, 'INVALID_INPUT');
    }
    if (['Number', 'Currency', 'Percent'].includes(m.type)) {
      const p = m.precision ?? 18;
      const s = m.scale ?? 0;
      if (!Number.isInteger(p) || p < 1 || p > 18 || !Number.isInteger(s) || s < 0 || s > p) throw bad(`${fullName}: precision must be 1 to 18 and scale 0 to precision`, 'INVALID_INPUT');
    }
    if ((m.externalId || m.unique) && !['Text', 'Number', 'Email'].includes(m.type)) {
      throw bad(`${fullName}: only Text, Number and Email fields can be an External ID or unique`, 'INVALID_INPUT');
    }
    if (m.type === 'Picklist') {
      const values = m.valueSet?.valueSetDefinition?.value;
      if (!Array.isArray(values) || values.length === 0) throw bad(`${fullName}: a Picklist needs Metadata.valueSet.valueSetDefinition.value with at least one value`, 'INVALID_INPUT');
      const seen = new Set<string>();
      for (const v of values) {
        if (!v.fullName) throw bad(`${fullName}: every picklist value needs a fullName`, 'INVALID_INPUT');
        if (seen.has(v.fullName.toLowerCase())) throw bad(`${fullName}: duplicate picklist value ${v.fullName}`, 'DUPLICATE_VALUE');
        seen.add(v.fullName.toLowerCase());
      }
    }
    customFieldFromMetadata('Check__c', m);
    return m;
  }

  /** Label, description, a longer length, or more picklist values (added; existing values stay). */
  async updateCustomField(idOrName: string, body: Record<string, unknown>, userId: string): Promise<void> {
    const row = await this.findCustomField(idOrName);
    const patch = (body.Metadata ?? {}) as Partial<CustomFieldMetadata>;
    const current = row.data.Metadata as CustomFieldMetadata;
    if (patch.type && patch.type !== current.type) throw bad(`${String(row.data.FullName)}: changing a field's type is not supported by the sandbox`, 'INVALID_INPUT');
    const next: CustomFieldMetadata = { ...current, ...patch, type: current.type };
    if (patch.valueSet) {
      const values = [...(current.valueSet?.valueSetDefinition?.value ?? [])];
      for (const v of patch.valueSet.valueSetDefinition?.value ?? []) {
        const i = values.findIndex((x) => x.fullName.toLowerCase() === v.fullName.toLowerCase());
        if (i >= 0) values[i] = { ...values[i], ...v };
        else values.push(v);
      }
      next.valueSet = { restricted: patch.valueSet.restricted ?? current.valueSet?.restricted, valueSetDefinition: { value: values } };
    }
    this.checkMetadata(String(row.data.FullName), next);
    await this.records.single(userId, async (ctx) => {
      await this.store.update(ctx.db, 'CustomField', row.id, { ...row.data, Metadata: next, Description: next.description ?? null, LastModifiedDate: sfDateTime(ctx.now) });
      ctx.touched.add('CustomField');
    });
  }

  async getCustomField(idOrName: string, version: string): Promise<Record<string, unknown>> {
    const row = await this.findCustomField(idOrName);
    return { attributes: { type: 'CustomField', url: `/services/data/v${version}/tooling/sobjects/CustomField/${row.id}` }, Id: row.id, ...row.data };
  }

  private async findCustomField(idOrName: string) {
    const id = canonicalId(idOrName);
    const rows = await this.store.all(this.store.pool, 'CustomField');
    const row = rows.find((r) => (id ? r.id === id : String(r.data.FullName).toLowerCase() === idOrName.toLowerCase()));
    if (!row) throw SfErrors.notFound(`No CustomField ${idOrName}`);
    return row;
  }

  async createBusinessProcess(body: Record<string, unknown>, userId: string): Promise<ReturnType<typeof CREATED>> {
    const fullName = String(body.FullName ?? '');
    const m = /^(Opportunity|Lead|Case)\.(.+)$/i.exec(fullName);
    if (!m) throw bad(`FullName must be Opportunity.<Name> (or Lead./Case.), got '${fullName}'`, 'INVALID_INPUT');
    const object = this.meta.object(m[1])!.name;
    const name = m[2];
    const metadata = (body.Metadata ?? {}) as { values?: { fullName: string; default?: boolean }[]; description?: string; isActive?: boolean };
    const values = this.checkProcessValues(object, fullName, metadata.values);
    const existing = (await this.store.all(this.store.pool, 'BusinessProcess')).find(
      (r) => String(r.data.TableEnumOrId) === object && String(r.data.Name).toLowerCase() === name.toLowerCase(),
    );
    if (existing) throw bad(`Business process ${fullName} already exists (${existing.id})`, 'DUPLICATE_DEVELOPER_NAME');
    return this.records.single(userId, async (ctx) => {
      const id = await this.store.newId(ctx.db, '019');
      const now = sfDateTime(ctx.now);
      await this.store.insert(ctx.db, 'BusinessProcess', id, {
        ...systemFields(now, userId),
        Name: name,
        TableEnumOrId: object,
        Description: metadata.description ?? null,
        IsActive: metadata.isActive ?? true,
        Values: values,
      });
      ctx.touched.add('BusinessProcess');
      return CREATED(id);
    });
  }

  async updateBusinessProcess(id: string, body: Record<string, unknown>, userId: string): Promise<void> {
    const cid = canonicalId(id);
    const row = cid ? await this.store.getAs(this.store.pool, 'BusinessProcess', cid) : null;
    if (!row) throw SfErrors.notFound(`No BusinessProcess ${id}`);
    const metadata = (body.Metadata ?? {}) as { values?: { fullName: string; default?: boolean }[]; description?: string; isActive?: boolean };
    const values = metadata.values ? this.checkProcessValues(String(row.data.TableEnumOrId), String(row.data.Name), metadata.values) : row.data.Values;
    await this.records.single(userId, async (ctx) => {
      await this.store.update(ctx.db, 'BusinessProcess', row.id, {
        ...row.data,
        Values: values,
        Description: metadata.description ?? row.data.Description,
        IsActive: metadata.isActive ?? row.data.IsActive,
        LastModifiedDate: sfDateTime(ctx.now),
      });
      ctx.touched.add('BusinessProcess');
    });
  }

  private checkProcessValues(object: string, fullName: string, values: { fullName: string; default?: boolean }[] | undefined) {
    if (!Array.isArray(values) || values.length === 0) throw bad(`${fullName}: Metadata.values must list at least one value`, 'INVALID_INPUT');
    const field = object === 'Opportunity' ? 'StageName' : 'Status';
    const picklist = this.meta.field(this.meta.object(object)!, field)!.picklistValues;
    for (const v of values) {
      if (!picklist.some((p) => p.value.toLowerCase() === String(v.fullName).toLowerCase())) {
        throw bad(`${fullName}: '${v.fullName}' is not a value of ${object}.${field}; add it to the standard value set first`, 'INVALID_INPUT');
      }
    }
    return values.map((v) => ({ fullName: picklist.find((p) => p.value.toLowerCase() === v.fullName.toLowerCase())!.value, default: v.default === true }));
  }

  /** Adds or changes values of a standard value set; values not listed stay as they are. */
  async updateStandardValueSet(name: string, body: Record<string, unknown>, userId: string): Promise<void> {
    const setName = Object.keys(STANDARD_VALUE_SETS).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!setName) throw SfErrors.notFound(`No StandardValueSet ${name}; the sandbox knows ${Object.keys(STANDARD_VALUE_SETS).join(', ')}`);
    const metadata = (body.Metadata ?? {}) as { standardValue?: StandardValue[] };
    const values = metadata.standardValue;
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => !v || typeof v.fullName !== 'string' || !v.fullName)) {
      throw bad(`StandardValueSet ${setName}: Metadata.standardValue must list values with a fullName`, 'INVALID_INPUT');
    }
    if (setName === 'OpportunityStage') {
      for (const v of values) {
        if (v.probability !== undefined && (typeof v.probability !== 'number' || v.probability < 0 || v.probability > 100)) {
          throw bad(`OpportunityStage ${v.fullName}: probability must be 0 to 100`, 'INVALID_INPUT');
        }
        if (v.won && v.closed === false) throw bad(`OpportunityStage ${v.fullName}: a won stage is closed`, 'INVALID_INPUT');
      }
    }
    await this.records.single(userId, async (ctx) => {
      if (setName === 'OpportunityStage') {
        const stages = await this.store.all(ctx.db, 'OpportunityStage');
        let sort = stages.length;
        for (const v of values) {
          const closed = v.closed ?? v.won ?? false;
          const won = v.won ?? false;
          const data = {
            MasterLabel: v.label ?? v.fullName,
            ApiName: v.fullName,
            IsActive: true,
            IsClosed: closed,
            IsWon: won,
            ForecastCategoryName: v.forecastCategory ?? (won ? 'Closed' : closed ? 'Omitted' : 'Pipeline'),
            DefaultProbability: v.probability ?? (won ? 100 : closed ? 0 : 10),
          };
          const prior = stages.find((s) => String(s.data.ApiName).toLowerCase() === v.fullName.toLowerCase());
          const now = sfDateTime(ctx.now);
          if (prior) await this.store.update(ctx.db, 'OpportunityStage', prior.id, { ...prior.data, ...data, LastModifiedDate: now });
          else {
            const id = await this.store.newId(ctx.db, '01J');
            await this.store.insert(ctx.db, 'OpportunityStage', id, {
              ...systemFields(now, userId),
              SortOrder: ++sort,
              ...data,
            });
          }
        }
        ctx.touched.add('OpportunityStage');
        return;
      }
      for (const path of STANDARD_VALUE_SETS[setName]) {
        const [objectName, fieldName] = path.split('.');
        const field = this.meta.field(this.meta.object(objectName)!, fieldName)!;
        const list: SfPicklistValue[] = field.picklistValues.map((p) => ({ ...p }));
        for (const v of values) {
          const i = list.findIndex((p) => p.value.toLowerCase() === v.fullName.toLowerCase());
          const entry = { value: v.fullName, label: v.label ?? v.fullName, active: true, defaultValue: v.default === true };
          if (i >= 0) list[i] = entry;
          else list.push(entry);
        }
        if (values.some((v) => v.default)) for (const p of list) p.defaultValue = values.some((v) => v.default && v.fullName.toLowerCase() === p.value.toLowerCase());
        await this.store.putMeta(ctx.db, `picklist:${path}`, list);
      }
      ctx.touched.add('CustomField');
    });
  }
}
