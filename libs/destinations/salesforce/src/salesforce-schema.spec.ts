import type { RoutePlan } from '@ferry/contracts';
import { apiFieldName, planSalesforceSchema } from './salesforce-schema';
import { SObjectModel } from './sobject.model';
import { field } from './testing/fake-org';

const stages = ['Prospecting', 'Qualification', 'Closed Won', 'Closed Lost'].map((value) => ({ value, active: true }));
const models = new Map<string, SObjectModel | null>([
  ['account', new SObjectModel('account', { name: 'Account', fields: [field('Id', 'id'), field('Name', 'string'), field('Ferry_Key__c', 'string', { externalId: true, custom: true })] })],
  ['opportunity', new SObjectModel('opportunity', {
    name: 'Opportunity',
    fields: [
      field('Id', 'id'), field('Name', 'string', { length: 120 }), field('StageName', 'picklist', { picklistValues: stages }), field('RecordTypeId', 'reference', { referenceTo: ['RecordType'] }),
      field('AccountId', 'reference', { referenceTo: ['Account'] }), field('LeadSource', 'picklist', { picklistValues: [{ value: 'Web', active: true }] }), field('Amount', 'currency'),
      field('CreatedDate', 'datetime', { createable: false, updateable: false }),
    ],
    recordTypeInfos: [{ recordTypeId: '012000000000000AAA', developerName: 'Master', master: true }],
  })],
  ['contentdocumentlink', new SObjectModel('contentdocumentlink', { name: 'ContentDocumentLink', fields: [field('Id', 'id')] })],
  ['invoice__c', null],
]);

const plan: RoutePlan = {
  route: 'planports-salesforce', sourceSystem: 'planports', destination: 'salesforce', keyColumn: 'ferry_key__c', mapVersion: 'planports-salesforce@1#x', sourceObjects: ['deals'],
  entities: [
    { entity: 'account', columns: [{ name: 'ferry_key__c', type: 'string' }, { name: 'name', type: 'string', maxLength: 255 }], lookups: [] },
    {
      entity: 'opportunity',
      columns: [
        { name: 'ferry_key__c', type: 'string' }, { name: 'name', type: 'string', maxLength: 200 }, { name: 'amount', type: 'money' }, { name: 'createddate', type: 'datetime' },
        { name: 'leadsource', type: 'string', values: ['Web', 'Trade Show'] }, { name: 'lead_source_system__c', type: 'string', maxLength: 80 },
        { name: 'won_reason__c', type: 'memo' }, { name: 'deal_size__c', type: 'string', values: ['S', 'M'] }, { name: 'stagename', type: 'string' }, { name: 'recordtypeid', type: 'string' },
        { name: 'is_vip__c', type: 'boolean' }, { name: 'nosuchstandard', type: 'string' },
      ],
      lookups: [{ column: 'accountid', targets: ['account'] }, { column: 'partner_account__c', targets: ['account'] }],
      processes: {
        typeColumn: 'recordtypeid', stageColumn: 'stagename',
        types: [{ name: 'New_Business', label: 'New business', stages: [{ name: 'Prospecting', probability: 10, closed: false, won: false }, { name: 'Demo', probability: 40, closed: false, won: false }, { name: 'Closed Won', probability: 100, closed: true, won: true }] }],
      },
    },
    { entity: 'contentdocumentlink', columns: [{ name: 'ferry_key__c', type: 'string' }], lookups: [] },
    { entity: 'invoice__c', columns: [{ name: 'ferry_key__c', type: 'string' }], lookups: [] },
  ],
};

describe('planSalesforceSchema', () => {
  const p = planSalesforceSchema(plan, models, { keyColumn: 'ferry_key__c', processes: new Map() });
  const step = (entity: string, name: string) => p.steps.find((s) => s.entity === entity && s.name === name);

  it('adds the Ferry key where it is missing, as an external ID', () => {
    expect(step('account', 'ferry_key__c')).toBeUndefined();
    expect(step('opportunity', 'ferry_key__c')).toMatchObject({
      kind: 'key', detail: 'external ID Opportunity.Ferry_Key__c Text(255), unique, case-insensitive',
      body: { call: 'customField', fullName: 'Opportunity.Ferry_Key__c', metadata: { type: 'Text', length: 255, externalId: true, unique: true, caseSensitive: false } },
    });
  });

  it('creates missing custom fields typed from the map', () => {
    expect(step('opportunity', 'lead_source_system__c')?.body).toMatchObject({ fullName: 'Opportunity.Lead_Source_System__c', metadata: { type: 'Text', length: 80, label: 'Lead Source System' } });
    expect(step('opportunity', 'won_reason__c')?.body).toMatchObject({ metadata: { type: 'LongTextArea' } });
    expect(step('opportunity', 'is_vip__c')?.body).toMatchObject({ metadata: { type: 'Checkbox', defaultValue: false } });
    expect(step('opportunity', 'deal_size__c')?.detail).toBe('field Opportunity.Deal_Size__c Picklist with 2 values');
    expect(step('opportunity', 'partner_account__c')).toMatchObject({ kind: 'lookup', detail: 'lookup Opportunity.Partner_Account__c → Account', body: { metadata: { type: 'Lookup', referenceTo: 'Account' } } });
  });

  it('adds picklist values a value map sends that the field lacks, stages with their probabilities, then the sales process and record type', () => {
    expect(step('opportunity', 'leadsource')).toMatchObject({ kind: 'option', body: { call: 'picklistValues', valueSet: 'LeadSource', values: [{ fullName: 'Trade Show' }] } });
    expect(step('opportunity', 'stagename')).toMatchObject({ body: { call: 'picklistValues', field: 'StageName', valueSet: 'OpportunityStage', values: [{ fullName: 'Demo', probability: 40, closed: false, won: false }] } });
    expect(step('opportunity', 'process New_Business')?.body).toMatchObject({ call: 'businessProcess', fullName: 'Opportunity.New_Business', metadata: { values: [{ fullName: 'Prospecting' }, { fullName: 'Demo' }, { fullName: 'Closed Won' }] } });
    expect(step('opportunity', 'record type New_Business')?.body).toMatchObject({ call: 'recordType', metadata: { label: 'New business', businessProcess: 'New_Business' } });
  });

  it('refuses what cannot work and says why', () => {
    const reasons = Object.fromEntries(p.refusals.map((r) => [`${r.entity}.${r.name}`, r.reason]));
    expect(reasons['opportunity.nosuchstandard']).toMatch(/only custom \(__c\) fields can be created/);
    expect(reasons['opportunity.name']).toMatch(/holds 120 characters but the map allows 200/);
    expect(reasons['contentdocumentlink.ferry_key__c']).toMatch(/takes no custom fields/);
    expect(reasons['invoice__c.invoice__c']).toMatch(/create the custom object in Setup/);
    expect(p.refusals).toHaveLength(4);
  });

  it('states whether audit fields can be set', () => {
    expect(p.notes).toEqual([expect.stringMatching(/Opportunity\.CreatedDate is not createable here .* original_created_date__c/)]);
    expect(p).toMatchObject({ destination: 'salesforce', waits: [], customTables: { count: 0, limit: null } });
  });

  it('skips a record type (and its process) the org already has', () => {
    const withProcess = planSalesforceSchema(plan, models, { keyColumn: 'ferry_key__c', processes: new Map([['Opportunity', new Map([['new_business', '019000000000001']])]]) });
    expect(withProcess.steps.find((s) => s.name === 'process New_Business')).toBeUndefined();
    expect(withProcess.steps.find((s) => s.name === 'record type New_Business')).toBeDefined();
  });

  it('names fields the way Setup would', () => {
    expect(apiFieldName('lead_source_system__c')).toBe('Lead_Source_System__c');
    expect(apiFieldName('ferry_key__c')).toBe('Ferry_Key__c');
  });
});
