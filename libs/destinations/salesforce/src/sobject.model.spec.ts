import { SObjectModel, columnOf, csvCell, wireValue } from './sobject.model';
import { field } from './testing/fake-org';

const opportunity = new SObjectModel('opportunity', {
  name: 'Opportunity',
  fields: [
    field('Id', 'id', { createable: false, updateable: false, nillable: false, defaultedOnCreate: true }),
    field('Name', 'string', { nillable: false, length: 120, nameField: true }),
    field('StageName', 'picklist', { nillable: false, length: 255, restrictedPicklist: true, picklistValues: [{ value: 'Prospecting', active: true }, { value: 'Retired', active: false }, { value: 'Closed Won', active: true }] }),
    field('CloseDate', 'date', { nillable: false }),
    field('AccountId', 'reference', { referenceTo: ['Account'] }),
    field('OwnerId', 'reference', { nillable: false, defaultedOnCreate: true, referenceTo: ['User'] }),
    field('Ferry_Key__c', 'string', { externalId: true, unique: true, custom: true }),
    field('CreatedDate', 'datetime', { createable: false, updateable: false, nillable: false, defaultedOnCreate: true }),
  ],
  recordTypeInfos: [
    { recordTypeId: '012000000000000AAA', developerName: 'Master', master: true, active: true },
    { recordTypeId: '012000000000001AAA', developerName: 'Enterprise', active: true },
    { recordTypeId: '012000000000002AAA', developerName: 'Old', active: false },
  ],
});

describe('SObjectModel (names and describe)', () => {
  it('matches lower-case map names to API names case-insensitively', () => {
    expect(opportunity.field('stagename')?.name).toBe('StageName');
    expect(opportunity.field('ferry_key__c')?.name).toBe('Ferry_Key__c');
    expect(opportunity.field('FERRY_KEY__C')?.name).toBe('Ferry_Key__c');
    expect(opportunity.field('nosuch__c')).toBeUndefined();
  });

  it('finds active record types by DeveloperName only', () => {
    expect(opportunity.recordTypeId('enterprise')).toBe('012000000000001AAA');
    expect(opportunity.recordTypeId('Old')).toBeUndefined();
  });

  it('describes columns: required from createable && !nillable && !defaultedOnCreate, targets, options, keys', () => {
    const d = opportunity.description();
    const col = (n: string) => d.columns.find((c) => c.name === n)!;
    expect(d).toMatchObject({ entity: 'opportunity', primaryId: 'id', primaryName: 'name', custom: false });
    expect(col('name')).toMatchObject({ type: 'string', maxLength: 120, required: 'system' });
    expect(col('closedate').required).toBe('system');
    expect(col('ownerid').required).toBe('none');
    expect(col('id')).toMatchObject({ required: 'none', validForCreate: false, validForUpdate: false });
    expect(col('accountid').targets).toEqual(['account']);
    expect(col('stagename').options).toEqual([{ value: 0, label: 'Prospecting' }, { value: 1, label: 'Closed Won' }]);
    expect(d.keys).toEqual([{ name: 'ferry_key__c', columns: ['ferry_key__c'], status: 'Active' }]);
  });

  it('marks createable-but-not-updateable fields insert-only', () => {
    expect(opportunity.isInsertOnly(field('PathOnClient', 'string', { updateable: false }))).toBe(true);
    expect(opportunity.isInsertOnly(opportunity.field('createddate')!)).toBe(false);
    expect(columnOf(field('VersionData', 'base64', { updateable: false })).validForUpdate).toBe(false);
  });
});

describe('wire forms', () => {
  it('turns Avro values into what the REST API takes', () => {
    expect(wireValue({ type: 'dateonly', value: 19_723 })).toBe('2024-01-01');
    expect(wireValue({ type: 'datetime', value: Date.UTC(2024, 0, 2, 3, 4, 5, 6) })).toBe('2024-01-02T03:04:05.006Z');
    expect(wireValue({ type: 'datetime', value: Date.UTC(2024, 0, 2, 23) }, opportunity.field('closedate'))).toBe('2024-01-02');
    expect(wireValue({ type: 'money', value: '1234.50' })).toBe(1234.5);
    expect(wireValue({ type: 'decimal', value: 0.25 })).toBe(0.25);
    expect(wireValue({ type: 'boolean', value: 'true' })).toBe(true);
    expect(wireValue({ type: 'boolean', value: false })).toBe(false);
    expect(wireValue({ type: 'string', value: null })).toBeNull();
    expect(wireValue({ type: 'picklist', value: 1 }, opportunity.field('stagename'))).toBe('Closed Won');
    expect(wireValue({ type: 'string', value: 'Prospecting' }, opportunity.field('stagename'))).toBe('Prospecting');
  });

  it('writes CSV cells: #N/A clears, empty leaves as is, quotes when needed', () => {
    expect(csvCell(null)).toBe('#N/A');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(12.5)).toBe('12.5');
  });
});
