import { bulkError, CsvInputError, parseIngestCsv, resultCsv } from './sf-csv';

describe('Bulk 2.0 CSV', () => {
  it('parses the job delimiter and line ending, keeping the header line as uploaded', () => {
    const parsed = parseIngestCsv('Name|Account.Ferry_Key__c\r\n"A|B"|K-1\r\n"Say ""hi"""|#N/A\r\n', 'PIPE', 'CRLF');
    expect(parsed.headerLine).toBe('Name|Account.Ferry_Key__c');
    expect(parsed.header).toEqual(['Name', 'Account.Ferry_Key__c']);
    expect(parsed.rows).toEqual([
      ['A|B', 'K-1'],
      ['Say "hi"', '#N/A'],
    ]);
  });

  it('refuses data whose line ending is not the job\'s, as Salesforce does', () => {
    expect(() => parseIngestCsv('Name\r\nA\r\n', 'COMMA', 'LF')).toThrow(/LineEnding is invalid on user data. Current LineEnding setting is LF/);
    expect(() => parseIngestCsv('Name\nA\n', 'COMMA', 'CRLF')).toThrow(CsvInputError);
    expect(() => parseIngestCsv('Name,Other\nA\n', 'COMMA', 'LF')).toThrow(/could not be read/);
  });

  it('writes result files with quoted sf__ columns, the uploaded header and every value quoted', () => {
    const csv = resultCsv(['sf__Id', 'sf__Created'], 'Name,Description', [{ prefix: ['001', 'true'], values: ['Acme, Inc', 'He said "no"'] }], { delimiter: ',', lineEnding: 'LF' });
    expect(csv).toBe('"sf__Id","sf__Created",Name,Description\n"001","true","Acme, Inc","He said ""no"""\n');
    expect(resultCsv([], 'A;B', [], { delimiter: ';', lineEnding: 'CRLF' })).toBe('A;B\r\n');
  });

  it('formats sf__Error as CODE:message:fields --', () => {
    expect(bulkError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [])).toBe('INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--');
    expect(bulkError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName'])).toBe('REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --');
  });
});
