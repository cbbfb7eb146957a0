import type { ColumnType, PlanColumn, PlanEntity, RoutePlan } from '@ferry/contracts';
import type { SchemaPlan, SchemaRefusal, SchemaStep } from '@ferry/destinations/core';
import type { SObjectModel, SfField } from './sobject.model';

/** Salesforce field types a map column type may land in. */
const COMPATIBLE: Record<ColumnType, string[]> = {
  string: ['string', 'textarea', 'picklist', 'multipicklist', 'combobox', 'email', 'phone', 'url', 'encryptedstring', 'base64', 'reference', 'id'],
  memo: ['textarea', 'string'],
  // a file body: only a standard base64 field holds one (ContentVersion.VersionData)
  file: ['base64'],
  uniqueidentifier: ['string', 'id', 'reference'],
  integer: ['int', 'long', 'double', 'currency', 'percent'],
  bigint: ['long', 'double'],
  double: ['double', 'percent', 'currency'],
  decimal: ['double', 'currency', 'percent'],
  money: ['currency', 'double'],
  boolean: ['boolean'],
  datetime: ['datetime', 'date'],
  dateonly: ['date', 'datetime'],
  picklist: ['picklist', 'multipicklist'],
};

/**
 * Standard objects that take no custom fields (so no Ferry key either): a map writing them cannot upsert by key.
 * Files and notes go through ContentVersion instead.
 */
export const NO_CUSTOM_FIELDS = new Set(['contentdocument', 'contentdocumentlink', 'contentnote', 'recordtype', 'attachment', 'note', 'feeditem', 'pricebook2entry']);

/** Global value sets behind standard picklists (Metadata API StandardValueSet names). */
export const STANDARD_VALUE_SETS: Record<string, string> = {
  'opportunity.stagename': 'OpportunityStage',
  'opportunity.leadsource': 'LeadSource',
  'lead.leadsource': 'LeadSource',
  'contact.leadsource': 'LeadSource',
  'lead.status': 'LeadStatus',
  'case.status': 'CaseStatus',
  'case.origin': 'CaseOrigin',
  'case.priority': 'CasePriority',
  'task.status': 'TaskStatus',
  'task.priority': 'TaskPriority',
  'quote.status': 'QuoteStatus',
  'contract.status': 'ContractStatus',
  'order.status': 'OrderStatus',
  'account.industry': 'Industry',
  'lead.industry': 'Industry',
  'account.type': 'AccountType',
  'opportunity.type': 'OpportunityType',
};

/** `lead_source_system__c` → `Lead_Source_System__c`: how a person would have named it in Setup. */
export function apiFieldName(lower: string): string {
  return lower.replace(/__c$/, '').split('_').map((w) => (w ? w[0].toUpperCase() + w.slice(1) : w)).join('_') + '__c';
}

/** `lead_source_system__c` → "Lead Source System". */
export function fieldLabel(lower: string): string {
  return lower.replace(/__c$/, '').split('_').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join(' ');
}

export type SchemaCall =
  | { call: 'customField'; object: string; fullName: string; metadata: Record<string, unknown> }
  | { call: 'picklistValues'; object: string; field: string; valueSet: string | null; values: { fullName: string; label: string; probability?: number; closed?: boolean; won?: boolean }[] }
  | { call: 'businessProcess'; object: string; fullName: string; metadata: Record<string, unknown> }
  | { call: 'recordType'; object: string; fullName: string; metadata: Record<string, unknown> };

/** The Metadata-style description of a new custom field of a map type. */
export function customFieldMetadata(c: PlanColumn): Record<string, unknown> {
  const label = fieldLabel(c.name).slice(0, 40);
  const picklist = (values: string[]) => ({
    label, type: 'Picklist',
    valueSet: { restricted: false, valueSetDefinition: { sorted: false, value: values.map((v) => ({ fullName: v, label: v, default: false })) } },
  });
  if (c.values?.length && (c.type === 'string' || c.type === 'picklist')) return picklist(c.values);
  switch (c.type) {
    case 'string':
    case 'uniqueidentifier': {
      const length = c.type === 'uniqueidentifier' ? 36 : (c.maxLength ?? 255);
      return length <= 255 ? { label, type: 'Text', length } : { label, type: 'LongTextArea', length: Math.min(131_072, length), visibleLines: 3 };
    }
    case 'memo':
    // Salesforce has no custom file field: a file column can only land in a standard base64 field, so a custom one
    // the plan asks for is kept as its text (the export path or data URI) and the plan says so through the type check
    case 'file':
      return { label, type: 'LongTextArea', length: Math.min(131_072, Math.max(256, c.maxLength ?? 32_768)), visibleLines: 5 };
    case 'integer':
    case 'bigint':
      return { label, type: 'Number', precision: 18, scale: 0 };
    case 'double':
    case 'decimal':
      return { label, type: 'Number', precision: 18, scale: 6 };
    case 'money':
      return { label, type: 'Currency', precision: 16, scale: 2 };
    case 'boolean':
      return { label, type: 'Checkbox', defaultValue: false };
    case 'datetime':
      return { label, type: 'DateTime' };
    case 'dateonly':
      return { label, type: 'Date' };
    case 'picklist':
      return picklist((c.options ?? []).map((o) => o.label));
  }
}

const size = (m: Record<string, unknown>) => (m.length ? `(${String(m.length)})` : m.precision !== undefined ? `(${String(m.precision)},${String(m.scale)})` : '');

export interface SalesforceSchemaOptions {
  keyColumn: string;
  /** sales processes the org has: object API name → lower-case process name → id */
  processes: Map<string, Map<string, string>>;
}

/**
 * What a confirmed map needs from a Salesforce org, against what describe says it has: the Ferry key (an External
 * ID, unique, case-insensitive Text(255)) on every object that takes custom fields, each `__c` column and lookup
 * the map writes, picklist values a value map sends that the field does not offer, and the record types with their
 * sales processes and stages; refused: objects or standard fields the org lacks, type and length clashes.
 */
export function planSalesforceSchema(plan: RoutePlan, described: Map<string, SObjectModel | null>, o: SalesforceSchemaOptions): SchemaPlan {
  const steps: SchemaStep[] = [];
  const refusals: SchemaRefusal[] = [];
  const notes: string[] = [];
  for (const e of plan.entities) {
    const have = described.get(e.entity) ?? null;
    if (!have) {
      refusals.push({ entity: e.entity, name: e.entity, reason: `the org has no object ${e.entity}${e.entity.endsWith('__c') ? ': create the custom object in Setup (Ferry creates fields, not objects)' : ': check the Salesforce edition and enabled features (Quotes, Orders, Contracts), or change the map'}` });
      continue;
    }
    const obj = have.apiName;
    const key = have.field(o.keyColumn);
    if (NO_CUSTOM_FIELDS.has(e.entity)) {
      refusals.push({ entity: e.entity, name: o.keyColumn, reason: `${obj} takes no custom fields, so Ferry cannot write it by key: map files and notes to contentversion instead` });
    } else if (!key) {
      const fullName = `${obj}.${apiFieldName(o.keyColumn)}`;
      steps.push({
        kind: 'key', entity: e.entity, name: o.keyColumn, detail: `external ID ${fullName} Text(255), unique, case-insensitive`,
        body: { call: 'customField', object: obj, fullName, metadata: { label: 'Ferry Key', type: 'Text', length: 255, externalId: true, unique: true, caseSensitive: false } } satisfies SchemaCall,
      });
    } else if (!key.externalId) {
      refusals.push({ entity: e.entity, name: o.keyColumn, reason: `${obj}.${key.name} exists but is not an External ID: mark it External ID and Unique in Setup` });
    }
    for (const c of e.columns) {
      if (c.name === o.keyColumn) continue;
      if (c.name === 'createddate') {
        const f = have.field('createddate');
        notes.push(f?.createable ? `${obj}.CreatedDate is set on insert (the org grants "Set Audit Fields upon Record Creation")` : `${obj}.CreatedDate is not createable here (no "Set Audit Fields upon Record Creation"): Ferry drops it; original_created_date__c keeps the date`);
        continue;
      }
      planColumn(e, obj, c, have.field(c.name), steps, refusals);
    }
    for (const l of e.lookups) {
      const f = have.field(l.column);
      if (!f) {
        if (!l.column.endsWith('__c')) refusals.push({ entity: e.entity, name: l.column, reason: `${obj} has no lookup ${l.column}; only custom (__c) lookups can be created` });
        else if (l.targets.length > 1) refusals.push({ entity: e.entity, name: l.column, reason: `${e.entity}.${l.column} would point at ${l.targets.join(', ')}: custom lookups take one target in Salesforce; split it in the map` });
        else {
          const target = described.get(l.targets[0])?.apiName ?? l.targets[0];
          const fullName = `${obj}.${apiFieldName(l.column)}`;
          const relationshipName = apiFieldName(l.column).replace(/__c$/, '').replace(/_/g, '') + 's';
          steps.push({
            kind: 'lookup', entity: e.entity, name: l.column, detail: `lookup ${fullName} → ${target}`,
            body: { call: 'customField', object: obj, fullName, metadata: { label: fieldLabel(l.column).slice(0, 40), type: 'Lookup', referenceTo: target, relationshipName, relationshipLabel: `${fieldLabel(l.column)} (${obj})`.slice(0, 80), deleteConstraint: 'SetNull' } } satisfies SchemaCall,
          });
        }
        continue;
      }
      const targets = (f.referenceTo ?? []).map((t) => t.toLowerCase());
      if (f.type !== 'reference') refusals.push({ entity: e.entity, name: l.column, reason: `${obj}.${f.name} is a ${f.type} field, not a lookup` });
      else {
        const missing = l.targets.filter((t) => !targets.includes(t));
        if (missing.length) refusals.push({ entity: e.entity, name: l.column, reason: `${obj}.${f.name} cannot point at ${missing.join(', ')} (it takes ${(f.referenceTo ?? []).join(', ')})` });
      }
    }
    if (e.processes) planProcesses(e, have, o, steps, refusals);
  }
  return { destination: 'salesforce', steps, refusals, waits: [], customTables: { count: 0, limit: null }, ...(notes.length ? { notes } : {}) };
}

function planColumn(e: PlanEntity, obj: string, c: PlanColumn, f: SfField | undefined, steps: SchemaStep[], refusals: SchemaRefusal[]): void {
  if (!f) {
    if (!c.name.endsWith('__c')) {
      refusals.push({ entity: e.entity, name: c.name, reason: `${obj} has no field ${c.name}, and only custom (__c) fields can be created: fix the map` });
      return;
    }
    if (c.type === 'picklist' && !c.options?.length && !c.values?.length) {
      refusals.push({ entity: e.entity, name: c.name, reason: `${e.entity}.${c.name} is a picklist with no values: give its field a value map listing them` });
      return;
    }
    const metadata = customFieldMetadata(c);
    const fullName = `${obj}.${apiFieldName(c.name)}`;
    const values = (metadata.valueSet as { valueSetDefinition: { value: unknown[] } } | undefined)?.valueSetDefinition.value.length;
    steps.push({ kind: 'column', entity: e.entity, name: c.name, detail: `field ${fullName} ${String(metadata.type)}${size(metadata)}${values ? ` with ${values} values` : ''}`, body: { call: 'customField', object: obj, fullName, metadata } satisfies SchemaCall });
    return;
  }
  if (!COMPATIBLE[c.type].includes(f.type)) {
    refusals.push({ entity: e.entity, name: c.name, reason: `${obj}.${f.name} is ${f.type} in the org but ${c.type} in the map` });
    return;
  }
  if (c.maxLength && f.length && ['string', 'textarea', 'email', 'phone', 'url'].includes(f.type) && c.maxLength > f.length) {
    refusals.push({ entity: e.entity, name: c.name, reason: `${obj}.${f.name} holds ${f.length} characters but the map allows ${c.maxLength}: lower maxLength (or truncate) in the map` });
    return;
  }
  if ((f.type === 'picklist' || f.type === 'multipicklist') && c.values?.length) {
    const offered = new Set((f.picklistValues ?? []).filter((p) => p.active !== false).map((p) => p.value.toLowerCase()));
    const missing = c.values.filter((v) => !offered.has(v.toLowerCase()));
    if (missing.length) {
      const valueSet = f.custom ? null : (STANDARD_VALUE_SETS[`${e.entity}.${c.name}`] ?? null);
      if (!f.custom && !valueSet) {
        refusals.push({ entity: e.entity, name: c.name, reason: `${obj}.${f.name} does not offer ${missing.map((v) => `"${v}"`).join(', ')}: add them in Setup or map them to offered values` });
        return;
      }
      steps.push({
        kind: 'option', entity: e.entity, name: c.name, detail: `${obj}.${f.name} values ${missing.map((v) => `"${v}"`).join(', ')}`,
        body: { call: 'picklistValues', object: obj, field: f.name, valueSet, values: missing.map((v) => ({ fullName: v, label: v })) } satisfies SchemaCall,
      });
    }
  }
}

/**
 * Record kinds with their own stages (decision 5): the stage values the picklist lacks (with probability, closed,
 * won), then a sales process (BusinessProcess) and a record type per kind the org does not have.
 */
function planProcesses(e: PlanEntity, have: SObjectModel, o: SalesforceSchemaOptions, steps: SchemaStep[], refusals: SchemaRefusal[]): void {
  const p = e.processes!;
  const obj = have.apiName;
  const stage = have.field(p.stageColumn);
  if (!stage || stage.type !== 'picklist') {
    refusals.push({ entity: e.entity, name: p.stageColumn, reason: `${obj} has no picklist ${p.stageColumn} to hold the stages` });
    return;
  }
  if (!have.field(p.typeColumn)) {
    refusals.push({ entity: e.entity, name: p.typeColumn, reason: `${obj} has no ${p.typeColumn}: record types are not enabled for it` });
    return;
  }
  const offered = new Set((stage.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value.toLowerCase()));
  const seen = new Set<string>();
  const missing = p.types.flatMap((t) => t.stages).filter((s) => !offered.has(s.name.toLowerCase()) && !seen.has(s.name.toLowerCase()) && seen.add(s.name.toLowerCase()));
  // A value map on the stage column may have listed some of them already: one step holds them all, with probabilities.
  const earlier = steps.findIndex((s) => s.entity === e.entity && (s.body as SchemaCall).call === 'picklistValues' && (s.body as { field: string }).field === stage.name);
  if (earlier >= 0) {
    const listed = (steps[earlier].body as { values: { fullName: string }[] }).values.filter((v) => !missing.some((m) => m.name.toLowerCase() === v.fullName.toLowerCase()));
    for (const v of listed) missing.push({ name: v.fullName, probability: 0, closed: false, won: false });
    steps.splice(earlier, 1);
  }
  if (missing.length) {
    steps.push({
      kind: 'option', entity: e.entity, name: p.stageColumn, detail: `${obj}.${stage.name} stages ${missing.map((s) => `"${s.name}" (${s.probability}%${s.closed ? (s.won ? ', won' : ', lost') : ''})`).join(', ')}`,
      body: { call: 'picklistValues', object: obj, field: stage.name, valueSet: stage.custom ? null : (STANDARD_VALUE_SETS[`${e.entity}.${p.stageColumn}`] ?? null), values: missing.map((s) => ({ fullName: s.name, label: s.name, probability: s.probability, closed: s.closed, won: s.won })) } satisfies SchemaCall,
    });
  }
  const processes = o.processes.get(obj) ?? new Map<string, string>();
  for (const t of p.types) {
    if (have.recordTypeId(t.name)) continue;
    if (!processes.has(t.name.toLowerCase())) {
      steps.push({
        kind: 'option', entity: e.entity, name: `process ${t.name}`, detail: `sales process ${t.name} with ${t.stages.length} stages`,
        body: { call: 'businessProcess', object: obj, fullName: `${obj}.${t.name}`, metadata: { description: `Created by Ferry: ${t.label}`, isActive: true, values: t.stages.map((s) => ({ fullName: s.name, default: false })) } } satisfies SchemaCall,
      });
    }
    steps.push({
      kind: 'option', entity: e.entity, name: `record type ${t.name}`, detail: `record type ${obj}.${t.name} ("${t.label}") on sales process ${t.name}`,
      body: { call: 'recordType', object: obj, fullName: `${obj}.${t.name}`, metadata: { label: t.label.slice(0, 80), active: true, businessProcess: t.name, description: 'Created by Ferry' } } satisfies SchemaCall,
    });
  }
}
