import { explain, isTransient, parseBulkError, recordErrors } from './salesforce.error';

describe('Salesforce errors', () => {
  it('reads errorCode (single calls), statusCode (collections) and OAuth errors', () => {
    expect(recordErrors([{ message: 'Required fields are missing: [LastName]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['LastName'] }])).toEqual([{ code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }]);
    expect(recordErrors([{ statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found', fields: [] }])[0].code).toBe('DUPLICATE_VALUE');
    expect(recordErrors({ error: 'invalid_grant', error_description: 'expired access/refresh token' })[0]).toMatchObject({ code: 'invalid_grant', message: 'expired access/refresh token' });
  });

  it('parses a Bulk sf__Error into code, message and fields', () => {
    expect(parseBulkError('INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:--')).toEqual({ code: 'INVALID_CROSS_REFERENCE_KEY', message: 'invalid cross reference id', fields: [] });
    expect(parseBulkError('STRING_TOO_LONG:Last Name: data value too large:LastName,FirstName --')).toEqual({ code: 'STRING_TOO_LONG', message: 'Last Name: data value too large', fields: ['LastName', 'FirstName'] });
    expect(parseBulkError('something odd')).toMatchObject({ code: 'BULK_ERROR' });
  });

  it.each([
    ['REQUIRED_FIELD_MISSING', /contact\.LastName is required/],
    ['STRING_TOO_LONG', /contact\.LastName is longer than the field allows/],
    ['INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', /restricted picklist does not offer/],
    ['INVALID_CROSS_REFERENCE_KEY', /points at a record that does not exist/],
    ['DUPLICATE_VALUE', /must be unique/],
    ['INACTIVE_OWNER_OR_USER', /inactive: reactivate the user/],
    ['FIELD_INTEGRITY_EXCEPTION', /breaks a Salesforce rule/],
    ['STANDARD_PRICE_NOT_DEFINED', /no Standard Price Book entry/],
    ['INVALID_FIELD', /does not know this field/],
  ])('says what to do about %s, naming the field and keeping the platform text', (code, hint) => {
    const m = explain('contact', { code, message: 'platform says so', fields: ['LastName'] });
    expect(m).toMatch(hint);
    expect(m).toContain(`(${code}: platform says so)`);
  });

  it('keeps an unknown code and its text', () => {
    expect(explain('lead', { code: 'WEIRD', message: 'it broke', fields: [] })).toBe('lead: it broke (WEIRD)');
  });

  it('classes lock, throttling, unavailability and no answer as transient, record faults not', () => {
    expect(isTransient(400, 'UNABLE_TO_LOCK_ROW')).toBe(true);
    expect(isTransient(403, 'REQUEST_LIMIT_EXCEEDED')).toBe(true);
    expect(isTransient(429, 'X')).toBe(true);
    expect(isTransient(503, 'X')).toBe(true);
    expect(isTransient(0, 'ECONNRESET')).toBe(true);
    expect(isTransient(400, 'REQUIRED_FIELD_MISSING')).toBe(false);
    expect(isTransient(404, 'NOT_FOUND')).toBe(false);
  });
});
