import { buildCsv, joinBulkResults } from './bulk-results';

describe('Bulk API 2.0 CSV', () => {
  it('builds an upload with API-name headers, #N/A for null and blanks for absent values', () => {
    const csv = buildCsv(['Ferry_Key__c', 'LastName', 'Email'], [{ Ferry_Key__c: 'C-1', LastName: 'Lee, Ann', Email: null }, { Ferry_Key__c: 'C-2', LastName: 'Ng' }]);
    expect(csv).toBe('Ferry_Key__c,LastName,Email\nC-1,"Lee, Ann",#N/A\nC-2,Ng,\n');
  });

  it('joins shuffled success, failed and unprocessed rows back to their keys', () => {
    const successful = '"sf__Id","sf__Created","Ferry_Key__c","LastName"\n"003B","false","C-2","Ng"\n"003A","true","C-1","Lee"\n';
    const failed = '"sf__Id","sf__Error","Ferry_Key__c","LastName"\n"","REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --","C-4",""\n"","UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--","C-3","Po"\n';
    const unprocessed = 'Ferry_Key__c,LastName\nC-5,Ox\n';
    const r = joinBulkResults('Ferry_Key__c', { successful, failed, unprocessed });
    expect(r.get('c-1')).toEqual({ ok: true, id: '003A', created: true });
    expect(r.get('c-2')).toEqual({ ok: true, id: '003B', created: false });
    expect(r.get('c-3')).toMatchObject({ ok: false, error: { code: 'UNABLE_TO_LOCK_ROW' } });
    expect(r.get('c-4')).toEqual({ ok: false, error: { code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] } });
    expect(r.get('c-5')).toMatchObject({ ok: false, unprocessed: true, error: { code: 'BULK_UNPROCESSED' } });
    expect(r.size).toBe(5);
  });

  it('finds the key column whatever its case and copes with empty files', () => {
    const r = joinBulkResults('Ferry_Key__c', { successful: 'sf__Id,sf__Created,ferry_key__c\n001X,true,A-1\n', failed: '', unprocessed: undefined });
    expect([...r.keys()]).toEqual(['a-1']);
  });
});
