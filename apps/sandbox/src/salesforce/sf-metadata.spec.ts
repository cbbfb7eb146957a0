import { customFieldFromMetadata, SfMetadata } from './sf-metadata.service';
import { DEFAULT_SALESFORCE_SETTINGS } from './sf-options';
import type { SfOrg } from './sf-org';
import type { SfStore } from './sf-store';

function metadata(settings: Partial<typeof DEFAULT_SALESFORCE_SETTINGS> = {}): SfMetadata {
  const org = { settings: { ...DEFAULT_SALESFORCE_SETTINGS, ...settings } } as SfOrg;
  return new SfMetadata({} as SfStore, org);
}

const requiredOnCreate = (meta: SfMetadata, object: string) =>
  meta
    .fields(meta.object(object)!)
    .filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate)
    .map((f) => f.name);

describe('describe metadata', () => {
  it('makes exactly the documented fields required on create', () => {
    const meta = metadata();
    expect(requiredOnCreate(meta, 'Lead')).toEqual(['LastName', 'Company']);
    expect(requiredOnCreate(meta, 'Contact')).toEqual(['LastName']);
    expect(requiredOnCreate(meta, 'Account')).toEqual(['Name']);
    expect(requiredOnCreate(meta, 'Opportunity')).toEqual(['Name', 'StageName', 'CloseDate']);
    expect(requiredOnCreate(meta, 'QuoteLineItem')).toEqual(['QuoteId', 'PricebookEntryId', 'Quantity', 'UnitPrice']);
    expect(requiredOnCreate(meta, 'OrderItem')).toEqual(['OrderId', 'PricebookEntryId', 'Quantity', 'UnitPrice']);
    expect(requiredOnCreate(meta, 'Order')).toEqual(['Status', 'EffectiveDate']);
    expect(requiredOnCreate(meta, 'ContentVersion')).toEqual(['PathOnClient', 'VersionData']);
    expect(requiredOnCreate(meta, 'ContentDocumentLink')).toEqual(['ContentDocumentId', 'LinkedEntityId']);
  });

  it('finds objects and fields case-insensitively and keeps tooling objects apart', () => {
    const meta = metadata();
    expect(meta.object('opportunity')!.name).toBe('Opportunity');
    expect(meta.field(meta.object('LEAD')!, 'lastname')!.name).toBe('LastName');
    expect(meta.object('CustomField')).toBeUndefined();
    expect(meta.object('customfield', true)!.name).toBe('CustomField');
    const prefixes = Object.fromEntries(meta.allObjects().map((o) => [o.name, o.keyPrefix]));
    expect(prefixes).toMatchObject({ Account: '001', Contact: '003', Lead: '00Q', Opportunity: '006', Quote: '0Q0', QuoteLineItem: '0QL', Product2: '01t', Pricebook2: '01s', PricebookEntry: '01u', Order: '801', OrderItem: '802', Contract: '800', Task: '00T', Event: '00U', EmailMessage: '02s', ContentVersion: '068', ContentDocument: '069', ContentDocumentLink: '06A', Case: '500', User: '005', RecordType: '012' });
  });

  it('makes audit fields createable only with the org permission, never updateable', () => {
    const off = metadata().field(metadata().object('Account')!, 'CreatedDate')!;
    expect([off.createable, off.updateable]).toEqual([false, false]);
    const meta = metadata({ auditFieldsOnCreate: true });
    const on = meta.field(meta.object('Account')!, 'CreatedById')!;
    expect([on.createable, on.updateable]).toEqual([true, false]);
  });

  it('turns CustomField metadata into describe fields', () => {
    const key = customFieldFromMetadata('Ferry_Key__c', { label: 'Ferry Key', type: 'Text', length: 255, externalId: true, unique: true });
    expect(key).toMatchObject({ type: 'string', length: 255, externalId: true, idLookup: true, unique: true, caseSensitive: false, custom: true, nillable: true });
    const pick = customFieldFromMetadata('Tier__c', { label: 'Tier', type: 'Picklist', valueSet: { restricted: true, valueSetDefinition: { value: [{ fullName: 'Gold', default: true }] } } });
    expect(pick).toMatchObject({ type: 'picklist', restrictedPicklist: true, defaultedOnCreate: true, picklistValues: [{ value: 'Gold', label: 'Gold', active: true, defaultValue: true }] });
    expect(customFieldFromMetadata('Flag__c', { label: 'Flag', type: 'Checkbox' })).toMatchObject({ type: 'boolean', nillable: false, defaultedOnCreate: true });
    expect(customFieldFromMetadata('Amount__c', { label: 'A', type: 'Currency', precision: 16, scale: 2 })).toMatchObject({ type: 'currency', precision: 16, scale: 2 });
  });
});
