import type { RoutePlan } from '@ferry/contracts';
import type { EntityDescription } from '@ferry/destinations/core';
import { attributeBody, planDataverseSchema } from './dataverse-schema';

const contact: EntityDescription = {
  entity: 'contact', primaryId: 'contactid', primaryName: 'fullname', custom: false,
  columns: [
    { name: 'lastname', type: 'String', maxLength: 50, required: 'recommended' },
    { name: 'birthdate', type: 'DateTime', required: 'none' },
    { name: 'parentcustomerid', type: 'Customer', targets: ['account', 'contact'], required: 'none' },
    { name: 'crm_sourceid', type: 'String', maxLength: 100, required: 'none' },
  ],
  keys: [{ name: 'crm_contact_sourceid_key', columns: ['crm_sourceid'], status: 'Active' }],
};

const plan = (entities: RoutePlan['entities']): RoutePlan => ({
  route: 'profi-dynamics', sourceSystem: 'profi', destination: 'dynamics', keyColumn: 'crm_sourceid', mapVersion: 'profi-dynamics@1#x', sourceObjects: [], entities,
});
const options = { keyColumn: 'crm_sourceid', prefix: 'crm', customTableLimit: null, existingCustomTables: 0 };

describe('Dataverse schema plan', () => {
  it('creates custom columns typed and sized from the map, and nothing the org already has', () => {
    const p = planDataverseSchema(
      plan([{ entity: 'contact', lookups: [{ column: 'parentcustomerid', targets: ['account'] }], columns: [
        { name: 'crm_sourceid', type: 'string', maxLength: 100 },
        { name: 'lastname', type: 'string', maxLength: 50 },
        { name: 'crm_lifecyclestage', type: 'picklist', options: [{ value: 1, label: 'lead' }, { value: 2, label: 'customer' }] },
        { name: 'crm_originalcreatedate', type: 'datetime' },
        { name: 'crm_notes', type: 'string', maxLength: 300 },
      ] }]),
      new Map([['contact', contact]]),
      options,
    );
    expect(p.refusals).toEqual([]);
    expect(p.steps.map((s) => s.detail)).toEqual([
      'column contact.crm_lifecyclestage picklist with 2 options',
      'column contact.crm_originalcreatedate datetime',
      'column contact.crm_notes string(300)',
    ]);
    expect(p.steps[0].body).toMatchObject({ '@odata.type': 'Microsoft.Dynamics.CRM.PicklistAttributeMetadata', SchemaName: 'crm_Lifecyclestage' });
  });

  it('creates a missing custom table with its lookup, columns and alternate key', () => {
    const p = planDataverseSchema(
      plan([{ entity: 'crm_programenrollment', lookups: [{ column: 'crm_contactid', targets: ['contact'] }], columns: [
        { name: 'crm_sourceid', type: 'string', maxLength: 100 },
        { name: 'crm_name', type: 'string', maxLength: 200 },
        { name: 'crm_progress', type: 'decimal' },
        { name: 'statecode', type: 'picklist' },
      ] }]),
      new Map([['crm_programenrollment', null]]),
      options,
    );
    expect(p.refusals).toEqual([]);
    expect(p.steps.map((s) => [s.kind, s.name])).toEqual([
      ['table', 'crm_programenrollment'],
      ['column', 'crm_sourceid'],
      ['column', 'crm_progress'],
      ['lookup', 'crm_contactid'],
      ['key', 'crm_programenrollment_sourceid_key'],
    ]);
    expect(p.steps[3].body).toMatchObject({ ReferencedEntity: 'contact', ReferencingEntity: 'crm_programenrollment' });
    expect(p.customTables).toEqual({ count: 1, limit: null });
  });

  it('refuses type clashes, longer lengths, missing standard columns and tables', () => {
    const p = planDataverseSchema(
      plan([
        { entity: 'contact', lookups: [{ column: 'parentcustomerid', targets: ['crm_household'] }, { column: 'crm_referrer', targets: ['contact', 'lead'] }], columns: [
          { name: 'crm_sourceid', type: 'string' },
          { name: 'lastname', type: 'string', maxLength: 80 },
          { name: 'birthdate', type: 'money' },
          { name: 'nickname', type: 'string' },
        ] },
        { entity: 'invoice', lookups: [], columns: [{ name: 'crm_sourceid', type: 'string' }] },
      ]),
      new Map([['contact', contact], ['invoice', null]]),
      options,
    );
    expect(p.refusals.map((r) => `${r.entity}.${r.name}`)).toEqual([
      'contact.lastname', 'contact.birthdate', 'contact.nickname', 'contact.parentcustomerid', 'invoice.invoice',
    ]);
    // A custom lookup to several tables is created as one multi-table lookup.
    expect(p.steps.find((s) => s.name === 'crm_referrer')).toMatchObject({ kind: 'lookup', detail: 'multi-table lookup contact.crm_referrer → contact | lead' });
    expect(p.refusals[1].reason).toMatch(/DateTime in the org but money in the map/);
  });

  it("refuses more custom tables than the licence allows (Sales Professional's 15)", () => {
    const tables = Array.from({ length: 3 }, (_, i) => ({ entity: `crm_t${i}`, lookups: [], columns: [{ name: 'crm_sourceid', type: 'string' as const }] }));
    const p = planDataverseSchema(plan(tables), new Map(tables.map((t) => [t.entity, null])), { ...options, customTableLimit: 15, existingCustomTables: 13 });
    expect(p.refusals).toEqual([expect.objectContaining({ name: 'custom tables', reason: expect.stringMatching(/making 16 in the org; the licence allows 15/) })]);
  });

  it('waits for a key still being built and refuses one that failed', () => {
    const pending = { ...contact, keys: [{ name: 'crm_contact_sourceid_key', columns: ['crm_sourceid'], status: 'InProgress' as const }] };
    const p = planDataverseSchema(plan([{ entity: 'contact', lookups: [], columns: [{ name: 'crm_sourceid', type: 'string' }] }]), new Map([['contact', pending]]), options);
    expect(p.waits).toEqual([{ entity: 'contact', name: 'crm_contact_sourceid_key', status: 'InProgress' }]);
    const failed = { ...contact, keys: [{ name: 'crm_contact_sourceid_key', columns: ['crm_sourceid'], status: 'Failed' as const }] };
    expect(planDataverseSchema(plan([{ entity: 'contact', lookups: [], columns: [] }]), new Map([['contact', failed]]), options).refusals[0].reason).toMatch(/failed to build/);
  });

  it('writes each column type as the metadata API wants it', () => {
    expect(attributeBody({ name: 'crm_closed', type: 'dateonly' })).toMatchObject({ '@odata.type': 'Microsoft.Dynamics.CRM.DateTimeAttributeMetadata', Format: 'DateOnly' });
    expect(attributeBody({ name: 'crm_amount', type: 'money' })).toMatchObject({ '@odata.type': 'Microsoft.Dynamics.CRM.MoneyAttributeMetadata' });
    expect(attributeBody({ name: 'crm_bio', type: 'memo' })).toMatchObject({ '@odata.type': 'Microsoft.Dynamics.CRM.MemoAttributeMetadata' });
    expect(attributeBody({ name: 'crm_vip', type: 'boolean' })).toMatchObject({ '@odata.type': 'Microsoft.Dynamics.CRM.BooleanAttributeMetadata' });
  });
});
