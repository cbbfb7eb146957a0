import { TransformError } from './errors';
import { run, value } from './test-support';
import { currencyOf, roundDecimal } from './transforms-values';

const day = (iso: string) => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;

describe('date', () => {
  it('reads ISO and export spellings with no formats', () => {
    expect(run({ date: { output: 'date' } }, '2024-03-01')).toMatchObject({ result: day('2024-03-01'), kind: 'date' });
    expect(value({ date: { output: 'date' } }, '01.03.2024')).toBe(day('2024-03-01'));
    expect(value({ date: { output: 'date' } }, '3/1/2024')).toBe(day('2024-03-01'));
    expect(value({ date: { output: 'date', dayFirst: true } }, '3/1/2024')).toBe(day('2024-01-03'));
    expect(value({ date: { output: 'date', dayFirst: true } }, '03-01-2024')).toBe(day('2024-01-03'));
    expect(value({ date: { output: 'date' } }, 'Fri, 01 Mar 2024 09:30:00 +0300')).toBe(day('2024-03-01'));
    expect(run({ date: { output: 'datetime' } }, '2024-03-01T09:30:00+03:00')).toMatchObject({
      result: Date.UTC(2024, 2, 1, 6, 30),
      kind: 'timestamp',
    });
  });

  it('reads wall-clock times in the zone, and takes the date in that zone', () => {
    const istanbul = { date: { output: 'datetime', zone: 'Europe/Istanbul' } };
    expect(value(istanbul, '2024-03-01 09:30')).toBe(Date.UTC(2024, 2, 1, 6, 30));
    expect(value(istanbul, '3/1/2024 9:30 AM')).toBe(Date.UTC(2024, 2, 1, 6, 30));
    expect(value(istanbul, '2024-03-01T09:30:00Z')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(value({ date: { output: 'date', zone: 'Europe/Istanbul' } }, '2024-03-01T22:30:00Z')).toBe(day('2024-03-02'));
    expect(value({ date: { output: 'datetime', zone: 'America/New_York' } }, '2024-07-04')).toBe(Date.UTC(2024, 6, 4, 4));
  });

  it('reads the listed formats only (luxon tokens)', () => {
    const step = { date: { formats: ['dd/MM/yyyy', 'd MMMM yyyy HH:mm'], output: 'datetime' } };
    expect(value(step, '15/03/2024')).toBe(Date.UTC(2024, 2, 15));
    expect(value(step, '5 March 2024 14:05')).toBe(Date.UTC(2024, 2, 5, 14, 5));
    expect(() => value(step, '2024-03-15')).toThrow(
      'contact.field: "2024-03-15" is not a date (expected the formats dd/MM/yyyy, d MMMM yyyy HH:mm); fix the value at the source or list its spelling in the date transform\'s formats',
    );
    expect(() => value(step, '31/02/2024')).toThrow(TransformError);
  });

  it('takes numbers by the source type', () => {
    const d = day('2024-03-01');
    expect(value({ date: { output: 'date' } }, d, 'date')).toBe(d);
    expect(value({ date: { output: 'datetime', zone: 'Europe/Istanbul' } }, d, 'date')).toBe(Date.UTC(2024, 1, 29, 21));
    expect(value({ date: { output: 'date' } }, Date.UTC(2024, 2, 1, 23), 'timestamp')).toBe(d);
    expect(value({ date: { output: 'date', zone: 'Asia/Tokyo' } }, Date.UTC(2024, 2, 1, 23), 'timestamp')).toBe(d + 1);
    expect(value({ date: { output: 'date' } }, 20240301, 'int')).toBe(d);
    expect(value({ date: { output: 'datetime' } }, 1709285400, 'long')).toBe(1709285400000);
    expect(() => value({ date: { output: 'date' } }, 12345, 'int')).toThrow(/a number is read by the source type, here int/);
  });

  it('null and blank pass; bad arguments fail when compiling', () => {
    expect(value({ date: { output: 'date' } }, null)).toBeNull();
    expect(value({ date: { output: 'date' } }, '  ')).toBeNull();
    expect(() => value('date', 'x')).toThrow(/date: Required/);
    expect(() => value({ date: { output: 'date', zone: 'Mars/Olympus' } }, 'x')).toThrow(/zone: "Mars\/Olympus" is not an IANA time zone/);
    expect(() => value({ date: { output: 'date' } }, 'soon')).toThrow(expect.objectContaining({ code: 'UNPARSEABLE_DATE' }));
  });
});

describe('money and currency', () => {
  it('gives exact decimal text for export spellings', () => {
    expect(run('money', '$1,234.50')).toMatchObject({ result: '1234.50', kind: 'decimal' });
    expect(value('money', '1.234,50 €')).toBe('1234.50');
    expect(value('money', '(12.00)')).toBe('-12.00');
    expect(value('money', 'USD 99')).toBe('99.00');
    expect(value('money', '1,5')).toBe('1.50');
    expect(value('money', 0.1 + 0.2, 'double')).toBe('0.30');
    expect(value('money', '350000.0049', 'decimal')).toBe('350000.00');
    expect(value({ money: { decimals: 4 } }, '350000.12345', 'decimal')).toBe('350000.1235');
    expect(value({ money: { decimals: 0 } }, '-2.50')).toBe('-3');
    expect(value('money', null)).toBeNull();
    expect(value('money', ' ')).toBeNull();
  });

  it('reports rounding and refuses what is not money', () => {
    expect(run('money', '1.005', 'decimal').issues).toEqual([{ kind: 'rounded', value: '1.005', detail: 'to 2 decimals' }]);
    expect(() => value('money', 'call us')).toThrow(/"call us", which is not an amount of money \(expected/);
    expect(() => value('money', 'call us')).toThrow(expect.objectContaining({ code: 'UNPARSEABLE_MONEY', disposition: 'dead-letter' }));
    expect(() => value({ money: { currency: 'USD' } }, '1.234,50 €')).toThrow(expect.objectContaining({ code: 'CURRENCY_MISMATCH' }));
    expect(value({ money: { currency: 'CAD' } }, '$5')).toBe('5.00');
    expect(() => value({ money: { currency: 'XYZ' } }, '5')).toThrow(/"XYZ" is not an ISO 4217 currency code/);
  });

  it('rounds half away from zero exactly', () => {
    expect(roundDecimal('9.995', 2)).toEqual({ text: '10.00', rounded: true });
    expect(roundDecimal('-0.004', 2)).toEqual({ text: '0.00', rounded: true });
    expect(roundDecimal('12', 2)).toEqual({ text: '12.00', rounded: false });
  });

  it('currency finds the ISO code in the text', () => {
    expect(currencyOf('USD 99', null)).toBe('USD');
    expect(currencyOf('1.234,50 €', null)).toBe('EUR');
    expect(currencyOf('US$ 5', null)).toBe('USD');
    expect(currencyOf('1.500 TL', null)).toBe('TRY');
    expect(value('currency', '$5')).toBe('USD');
    expect(value({ currency: { dollar: 'CAD' } }, '$5')).toBe('CAD');
    expect(value('currency', '99 eur')).toBe('EUR');
    expect(value({ currency: { default: 'TRY' } }, '99')).toBe('TRY');
    expect(value('currency', '99')).toBeNull();
    expect(value('currency', null)).toBeNull();
    expect(() => value({ currency: { default: 'euro' } }, '1')).toThrow(/not an ISO 4217 currency code/);
  });
});

describe('number, integer, boolean', () => {
  it('number reads grouped and decimal-comma text', () => {
    expect(run('number', '1,234.5')).toMatchObject({ result: 1234.5, kind: 'double' });
    expect(value('number', '1.234,5')).toBe(1234.5);
    expect(value('number', '45%')).toBe(0.45);
    expect(value('number', '1.500', 'decimal')).toBe(1.5);
    expect(value('number', 7, 'int')).toBe(7);
    expect(value('number', null)).toBeNull();
    expect(value('number', '')).toBeNull();
    expect(() => value('number', 'twelve')).toThrow(expect.objectContaining({ code: 'UNPARSEABLE_NUMBER' }));
    expect(() => value('number', true)).toThrow(/which is a yes\/no value/);
  });

  it('integer refuses fractions', () => {
    expect(run('integer', '1,500')).toMatchObject({ result: 1500, kind: 'long' });
    expect(value('integer', '12.00')).toBe(12);
    expect(value('integer', null)).toBeNull();
    expect(() => value('integer', 12.5, 'double')).toThrow(/12.5, which is not a whole number/);
    expect(() => value('integer', '12.5')).toThrow(TransformError);
  });

  it('boolean reads the usual spellings, checkbox x and blank', () => {
    for (const t of ['1', 'Y', 'yes', 'TRUE', 'x', 'X', 'on']) expect(value('boolean', t)).toBe(true);
    for (const f of ['0', 'n', 'No', 'false', 'off', '', '  ']) expect(value('boolean', f)).toBe(false);
    expect(value({ boolean: { blank: null } }, ' ')).toBeNull();
    expect(run('boolean', 1, 'int')).toMatchObject({ result: true, kind: 'boolean' });
    expect(value('boolean', null)).toBeNull();
    expect(() => value('boolean', 'maybe')).toThrow(expect.objectContaining({ code: 'UNPARSEABLE_BOOLEAN' }));
    expect(() => value('boolean', 2, 'int')).toThrow(/2 is not a yes\/no value/);
  });
});

describe('map', () => {
  const stages = { values: { Lead: 'qualify', 'Closed Won': 'close', Unknown: null } };

  it('translates case-insensitively and trimmed by default', () => {
    expect(run({ map: stages }, ' closed won ')).toMatchObject({ result: 'close', kind: 'string', issues: [] });
    expect(value({ map: { values: { '1': 100000001 } } }, 1, 'int')).toBe(100000001);
    expect(value({ map: stages }, 'Unknown')).toBeNull();
    expect(value({ map: stages }, null)).toBeNull();
    expect(value({ map: stages }, '  ')).toBeNull();
  });

  it('reports every unmapped value, then applies the policy', () => {
    expect(run({ map: { ...stages, unmapped: 'keep' } }, 'Lost')).toMatchObject({
      result: 'Lost',
      issues: [{ kind: 'unmapped', value: 'Lost', detail: 'keep' }],
    });
    expect(run({ map: { ...stages, unmapped: 'null' } }, 'Lost').result).toBeNull();
    expect(run({ map: { ...stages, default: 'qualify' } }, 'Lost')).toMatchObject({
      result: 'qualify',
      issues: [{ kind: 'unmapped', value: 'Lost', detail: 'default' }],
    });
    const strict = run({ map: { ...stages, caseInsensitive: false, unmapped: 'keep' } }, 'lead');
    expect(strict.issues).toHaveLength(1);
  });

  it('rejects unmapped values by default, naming some known ones', () => {
    expect(() => value({ map: stages }, 'Lost')).toThrow(
      'contact.field: "Lost" is not among the map\'s values ("lead", "closed won", "unknown"); add it to the map, or set unmapped to default, keep or null',
    );
    expect(() => value({ map: stages }, 'Lost')).toThrow(expect.objectContaining({ code: 'UNMAPPED_VALUE' }));
  });

  it('refuses inconsistent arguments when compiling', () => {
    expect(() => value({ map: { values: {}, unmapped: 'default' } }, 'x')).toThrow(/default: unmapped: default needs a default value/);
    expect(() => value({ map: { values: { A: 1, a: 2 } } }, 'x')).toThrow(/values has "a" twice/);
    expect(() => value({ map: { values: { A: [1] } } }, 'x')).toThrow(/values.A: expected a text/);
  });
});
