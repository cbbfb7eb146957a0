import { parseSoql, SoqlError } from './soql';

describe('parseSoql', () => {
  it('reads fields with parent paths, one object, WHERE, ORDER BY, LIMIT and OFFSET', () => {
    const q = parseSoql("SELECT Id, Name, Account.Owner.Email FROM Contact WHERE (LastName = 'O\\'Neil' OR Email LIKE '%@x.com') AND IsDeleted = false ORDER BY Name DESC NULLS FIRST, Id LIMIT 10 OFFSET 5");
    expect(q.fields).toEqual([['Id'], ['Name'], ['Account', 'Owner', 'Email']]);
    expect(q.object).toBe('Contact');
    expect(q.where).toEqual({
      kind: 'and',
      items: [
        {
          kind: 'or',
          items: [
            { kind: 'cmp', path: ['LastName'], op: '=', value: { type: 'string', value: "O'Neil" } },
            { kind: 'cmp', path: ['Email'], op: 'like', value: { type: 'string', value: '%@x.com' } },
          ],
        },
        { kind: 'cmp', path: ['IsDeleted'], op: '=', value: { type: 'boolean', value: false } },
      ],
    });
    expect(q.orderBy).toEqual([
      { path: ['Name'], desc: true, nullsLast: false },
      { path: ['Id'], desc: false, nullsLast: false },
    ]);
    expect(q).toMatchObject({ limit: 10, offset: 5, count: false });
  });

  it('reads COUNT(), IN / NOT IN lists, NULL, numbers, dates, datetimes and date literals', () => {
    const q = parseSoql('select count() from Opportunity where StageName not in (\'A\', \'B\') and Amount >= -1.5 and CloseDate < 2024-02-01 and CreatedDate > 2024-01-01T10:00:00Z and AccountId != null and LastModifiedDate = LAST_N_DAYS:30');
    expect(q.count).toBe(true);
    const items = (q.where as { items: unknown[] }).items;
    expect(items).toEqual([
      { kind: 'in', path: ['StageName'], not: true, values: [{ type: 'string', value: 'A' }, { type: 'string', value: 'B' }] },
      { kind: 'cmp', path: ['Amount'], op: '>=', value: { type: 'number', value: -1.5 } },
      { kind: 'cmp', path: ['CloseDate'], op: '<', value: { type: 'date', value: '2024-02-01' } },
      { kind: 'cmp', path: ['CreatedDate'], op: '>', value: { type: 'datetime', value: '2024-01-01T10:00:00Z' } },
      { kind: 'cmp', path: ['AccountId'], op: '!=', value: { type: 'null' } },
      { kind: 'cmp', path: ['LastModifiedDate'], op: '=', value: { type: 'dateLiteral', name: 'LAST_N_DAYS', n: 30 } },
    ]);
  });

  it.each([
    ['SELECT Name FROM Account GROUP BY Name', /GROUP/],
    ['SELECT Id, (SELECT Id FROM Contacts) FROM Account', /subqueries/],
    ['SELECT MAX(Amount) FROM Opportunity', /not supported/],
    ['SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)', /semi-join/],
    ['SELECT Id FROM Account, Contact', /only one object/],
    ['SELECT Id FROM Account a', /aliases/],
    ['SELECT Id FROM Account WHERE Name = :name', /bind variables/],
    ["SELECT Id FROM Account WHERE Name = 'open", /unterminated/],
    ['SELECT Id FROM Account LIMIT -1', /unexpected character '-'/],
    ['SELECT Id FROM Account LIMIT 1.5', /LIMIT must be a whole number/],
    ['SELECT Id FROM', /end of query/],
    ['', /empty/],
    ["SELECT Id FROM Account WHERE Name = 'a' AND Phone = 'b' OR Site = 'c'", /parentheses/],
  ])('refuses %p', (text, message) => {
    expect(() => parseSoql(text)).toThrow(SoqlError);
    expect(() => parseSoql(text)).toThrow(message);
  });
});
