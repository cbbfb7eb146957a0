import {
  daysFromCivil,
  isoMillis,
  excelSerialMoment,
  moneyFromNumber,
  parseBoolean,
  parseDate,
  parseMoney,
  parseNumber,
  parsePercent,
  parseTimestamp,
  readMoment,
  fullYear,
  isPlaceholder,
} from './export-values.parser';

const ok = <T>(value: T) => ({ ok: true, value });
const utc = (iso: string) => Date.parse(iso);
const day = (y: number, m: number, d: number) => daysFromCivil(y, m, d);

describe('parseTimestamp', () => {
  it.each([
    ['2024-03-01T09:30:00Z', '2024-03-01T09:30:00.000Z'],
    ['2024-03-01T09:30:00.123456+03:00', '2024-03-01T06:30:00.123Z'],
    ['2024-03-01 09:30', '2024-03-01T09:30:00.000Z'],
    ['2024-03-01T09:30:00-0500', '2024-03-01T14:30:00.000Z'],
    ['2024-03-01T09:30:00+03', '2024-03-01T06:30:00.000Z'],
    ['2024/03/01 09:30:15', '2024-03-01T09:30:15.000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['15.03.2024', '2024-03-15T00:00:00.000Z'],
    ['15.03.2024 14:05', '2024-03-15T14:05:00.000Z'],
    ['1.4.2024 08:00:00 +02:00', '2024-04-01T06:00:00.000Z'],
    ['3/15/2024', '2024-03-15T00:00:00.000Z'],
    ['3/4/2024', '2024-03-04T00:00:00.000Z'],
    ['15/3/2024', '2024-03-15T00:00:00.000Z'],
    ['3/15/2024 2:05 PM', '2024-03-15T14:05:00.000Z'],
    ['3/15/2024 12:05 am', '2024-03-15T00:05:00.000Z'],
    ['Fri, 01 Mar 2024 09:30:00 +0300', '2024-03-01T06:30:00.000Z'],
    ['1 Mar 2024 09:30:00 GMT', '2024-03-01T09:30:00.000Z'],
    ['Fri, 1 March 2024 09:30 EST', '2024-03-01T14:30:00.000Z'],
    ['15 Nov 1994', '1994-11-15T00:00:00.000Z'],
    ['1709285400', '2024-03-01T09:30:00.000Z'],
    ['1709285400123', '2024-03-01T09:30:00.123Z'],
    ['20240301', '2024-03-01T00:00:00.000Z'],
    // month names, in several orders and languages
    ['16 Apr, 2021 00:02:00', '2021-04-16T00:02:00.000Z'],
    ['Apr 16 2021', '2021-04-16T00:00:00.000Z'],
    ['Apr 16, 2021 3:04 PM', '2021-04-16T15:04:00.000Z'],
    ['April 16th, 2021', '2021-04-16T00:00:00.000Z'],
    ['2021 Apr 16', '2021-04-16T00:00:00.000Z'],
    ['16-Apr-2021', '2021-04-16T00:00:00.000Z'],
    ['16-APR-21', '2021-04-16T00:00:00.000Z'],
    ['16. April 2021', '2021-04-16T00:00:00.000Z'],
    ['3. März 2021 14:30', '2021-03-03T14:30:00.000Z'],
    ['Mittwoch, 3. März 2021', '2021-03-03T00:00:00.000Z'],
    ['3 févr. 2021', '2021-02-03T00:00:00.000Z'],
    ['1er août 2021', '2021-08-01T00:00:00.000Z'],
    ['mardi 14 décembre 2021 à 10:15', '2021-12-14T10:15:00.000Z'],
    ['16 de abril de 2021', '2021-04-16T00:00:00.000Z'],
    ['5 ene 2022', '2022-01-05T00:00:00.000Z'],
    ['16 mei 2021', '2021-04-16T00:00:00.000Z'.replace('04', '05')],
    ['3 mrt 2021', '2021-03-03T00:00:00.000Z'],
    ['12 okt. 2020 09:00', '2020-10-12T09:00:00.000Z'],
    ['7 settembre 2020', '2020-09-07T00:00:00.000Z'],
    ['9 de outubro de 2020', '2020-10-09T00:00:00.000Z'],
    // numeric day-month-year with dashes, dots, slashes; two-digit years; 12-hour clocks
    ['03-07-2021 01:09', '2021-07-03T01:09:00.000Z'],
    ['03.07.2021', '2021-07-03T00:00:00.000Z'],
    ['03.07.21', '2021-07-03T00:00:00.000Z'],
    ['31-12-99', '1999-12-31T00:00:00.000Z'],
    ['3/15/24', '2024-03-15T00:00:00.000Z'],
    ['7/3/21 1:05 PM', '2021-07-03T13:05:00.000Z'],
    ['7/3/2021 12:00 a.m.', '2021-07-03T00:00:00.000Z'],
    ['7/3/2021 11:59:59 p.m.', '2021-07-03T23:59:59.000Z'],
    ['2021.07.03', '2021-07-03T00:00:00.000Z'],
    ['2021-7-3', '2021-07-03T00:00:00.000Z'],
    ['03-07-2021 01:09 +02:00', '2021-07-02T23:09:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseTimestamp(text)).toEqual(ok(utc(iso)));
  });

  it.each([
    'yesterday',
    '2024-02-30',
    '2024-13-01',
    '31.02.2024',
    '13/13/2024',
    '2024-03-01T24:00:00Z',
    '2024-03-01T09:61',
    '12345678901',
    '123',
    '3/15/2024 13:00 PM',
    'sometime in May',
    'next Tuesday',
    'May 2021',
    '16 Apr 2021 Apr',
    '03-07/2021',
    '1.5',
    '10:00',
    '2021-07-03-04',
    '2024-03-01T09:30:00+19:00',
    '32 Mar 2024',
    '1 Foo 2024',
  ])('refuses %s', (text) => {
    const out = parseTimestamp(text);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problem).toMatch(/^which is not a date and time \(expected ISO 8601/);
  });
});

describe('readMoment: the day-month order of a numeric date', () => {
  it.each([
    // text, order given, read as, evidence
    ['13/04/2021', undefined, '2021-04-13', 'dmy'],
    ['04/13/2021', undefined, '2021-04-13', 'mdy'],
    ['04/05/2021', undefined, '2021-04-05', 'either'],
    ['04-05-2021', undefined, '2021-05-04', 'either'],
    ['04.05.2021', undefined, '2021-05-04', 'either'],
    ['04/05/2021', 'dmy', '2021-05-04', 'either'],
    ['04-05-2021', 'mdy', '2021-04-05', 'either'],
    ['13/04/2021', 'mdy', '2021-04-13', 'dmy'],
    ['04/13/2021', 'dmy', '2021-04-13', 'mdy'],
    ['2021-04-05', 'dmy', '2021-04-05', null],
    ['5 Apr 2021', 'mdy', '2021-04-05', null],
    ['13/13/2021', undefined, null, null],
  ] as const)('%s (order %s) is %s', (text, order, iso, evidence) => {
    const r = readMoment(text, order);
    expect(r.moment === null ? null : new Date(r.moment.millis).toISOString().slice(0, 10)).toBe(iso);
    expect(r.evidence).toBe(evidence);
  });

  it('puts two-digit years where strptime does', () => {
    expect([0, 24, 68, 69, 99].map(fullYear)).toEqual([2000, 2024, 2068, 1969, 1999]);
  });
});

describe('isoMillis', () => {
  it('reads the common ISO shapes without the general parser, and agrees with Date.parse on them', () => {
    expect(isoMillis('2024-03-01')).toBe(Date.parse('2024-03-01T00:00:00Z'));
    expect(isoMillis('2024-02-29T23:59:59Z')).toBe(Date.parse('2024-02-29T23:59:59Z'));
    expect(isoMillis('2024-03-01T09:30:00.1Z')).toBe(Date.parse('2024-03-01T09:30:00.100Z'));
    expect(isoMillis('2024-03-01 09:30:00.12')).toBe(Date.parse('2024-03-01T09:30:00.120Z'));
    expect(isoMillis('1999-12-31T00:00:00.123456Z')).toBe(Date.parse('1999-12-31T00:00:00.123Z'));
  });

  it('leaves everything else to the general parser', () => {
    for (const text of ['2024-02-30', '2023-02-29T00:00:00Z', '2024-03-01T24:00:00Z', '2024-03-01T09:30:00+03:00', '2024-3-1', '20240301', '2024-03-01T09:30', '2024-03-01T09:30:00.Z']) {
      expect(Number.isNaN(isoMillis(text))).toBe(true);
    }
  });
});

describe('parseDate', () => {
  it('keeps the calendar date as written, whatever the zone', () => {
    expect(parseDate('2024-03-01T23:30:00-05:00')).toEqual(ok(day(2024, 3, 1)));
    expect(parseDate('01.03.2024')).toEqual(ok(day(2024, 3, 1)));
    expect(parseDate('2/29/2024')).toEqual(ok(day(2024, 2, 29)));
    expect(parseDate('1900-01-01')).toEqual(ok(-25567));
  });

  it('takes the UTC date of an epoch value', () => {
    expect(parseDate('1709334000')).toEqual(ok(day(2024, 3, 1)));
  });
});

describe('excelSerialMoment', () => {
  it('reads Excel serial dates in both date systems', () => {
    expect(excelSerialMoment(45352)).toEqual({ days: day(2024, 3, 1), millis: utc('2024-03-01T00:00:00Z') });
    expect(excelSerialMoment(45352.5)?.millis).toBe(utc('2024-03-01T12:00:00Z'));
    expect(excelSerialMoment(43890, true)?.days).toBe(day(2024, 3, 1));
    expect(excelSerialMoment(0)).toBeNull();
    expect(excelSerialMoment(3_000_000)).toBeNull();
  });
});

describe('parseMoney', () => {
  it.each([
    ['1234.5', '1234.50'],
    ['$1,234.50', '1234.50'],
    ['1.234,50 €', '1234.50'],
    ['TRY 1.500,00', '1500.00'],
    ['1.500 TL', '1500.00'],
    ['₺1.500,5', '1500.50'],
    ['(1,200.00)', '-1200.00'],
    ['-€5', '-5.00'],
    ['€-5', '-5.00'],
    ['1,200.00-', '-1200.00'],
    ['US$ 99', '99.00'],
    ['100 USD', '100.00'],
    ['1 234 567,89', '1234567.89'],
    ["1'234.50", '1234.50'],
    ['1,500', '1500.00'],
    ['0.5', '0.50'],
    ['-0', '0.00'],
    ['007', '7.00'],
    ['12.500', '12500.00'],
    ['0.500', '0.50'],
    ['1.234.567', '1234567.00'],
    // locale formats
    ['1.234,56 €', '1234.56'],
    ['$1,234.56', '1234.56'],
    ['1 234,56', '1234.56'],
    ['1\u00a0234,56\u00a0€', '1234.56'],
    ['1\u202f234,56 €', '1234.56'],
    ["CHF 1'234.50", '1234.50'],
    ["Fr. 1'234.50", '1234.50'],
    ['€ 1.234,56', '1234.56'],
    ['-1.234,56 €', '-1234.56'],
    ['£1,234', '1234.00'],
    ['1,234.56 USD', '1234.56'],
    ['R$ 1.234,56', '1234.56'],
    ['kr 1 234,50', '1234.50'],
  ])('reads %s as %s', (text, value) => {
    expect(parseMoney(text)).toEqual(ok(value));
  });

  it.each(['abc', '0.500.000', '1.2.3,4,5', '1,23,456', '$', '--5', '(-5)', '1e5', '12.3.4', '1234.567'])('refuses %s', (text) => {
    expect(parseMoney(text).ok).toBe(false);
  });

  it('keeps amounts to the cent', () => {
    expect(parseMoney('0.125')).toEqual({ ok: false, problem: expect.stringContaining('more than 2 decimal places') });
  });

  it('reads numbers from XLSX and JSON, tolerating float noise but not a third decimal', () => {
    expect(moneyFromNumber(19.99)).toEqual(ok('19.99'));
    expect(moneyFromNumber(0.1 + 0.2)).toEqual(ok('0.30'));
    expect(moneyFromNumber(-1200)).toEqual(ok('-1200.00'));
    expect(moneyFromNumber(1.005).ok).toBe(false);
  });
});

describe('parseNumber', () => {
  it.each([
    ['42', 'int', 42],
    ['-42', 'int', -42],
    ['1,234', 'int', 1234],
    ['1.234', 'int', 1234],
    ['12.00', 'long', 12],
    ['9007199254740991', 'long', 9007199254740991],
    ['1,234.5', 'double', 1234.5],
    ['1.234,5', 'double', 1234.5],
    ['1.5', 'double', 1.5],
    ['1.500', 'double', 1.5],
    ['1,500', 'double', 1500],
    ['12,5', 'double', 12.5],
    ['1.5e3', 'double', 1500],
    ['-2E-2', 'double', -0.02],
    ['.5', 'double', 0.5],
    ['45%', 'double', 0.45],
    ['12.5 %', 'double', 0.125],
    ['-3%', 'double', -0.03],
  ] as const)('reads %s as %s %s', (text, kind, value) => {
    expect(parseNumber(text, kind)).toEqual(ok(value));
  });

  it.each([
    ['abc', 'int', 'which is not a number'],
    ['1.5', 'int', 'which is not a whole number'],
    ['2147483648', 'int', 'which is too large for a 32-bit int'],
    ['9007199254740993', 'long', 'which is too large to hold exactly'],
    ['1e5', 'int', 'which is not a number'],
    ['12 apples', 'double', 'which is not a number'],
    ['x%', 'double', 'which is not a number'],
    ['45%', 'int', 'which is not a number'],
  ] as const)('refuses %s as %s', (text, kind, problem) => {
    const out = parseNumber(text, kind);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problem).toContain(problem);
  });
});

describe('parsePercent', () => {
  it.each([
    ['45%', '45'],
    ['45 %', '45'],
    ['12,50%', '12.5'],
    ['0.45', '0.45'],
    ['100', '100'],
    ['-5%', '-5'],
    ['%7', '7'],
    ['50.0', '50'],
  ])('reads %s as %s', (text, value) => {
    expect(parsePercent(text)).toEqual(ok(value));
  });

  it('refuses text that is not a percentage', () => {
    expect(parsePercent('high').ok).toBe(false);
    expect(parsePercent('%').ok).toBe(false);
  });
});

describe('parseBoolean', () => {
  it.each([
    ['true', true],
    ['Yes', true],
    ['1', true],
    ['FALSE', false],
    ['no', false],
    ['0', false],
  ])('reads %s', (text, value) => {
    expect(parseBoolean(text)).toEqual(ok(value));
  });

  it.each([
    ['Y', true],
    ['n', false],
    ['yes', true],
  ])('reads %s leniently', (text, value) => {
    expect(parseBoolean(text, true)).toEqual(ok(value));
  });

  it('refuses anything else, and Y/N unless lenient', () => {
    expect(parseBoolean('maybe')).toEqual({ ok: false, problem: 'which is not a yes/no value (expected true/false, yes/no or 1/0)' });
    expect(parseBoolean('Y').ok).toBe(false);
    expect(parseBoolean('maybe', true)).toEqual({ ok: false, problem: 'which is not a yes/no value (expected true/false, yes/no, Y/N or 1/0)' });
  });
});

describe('isPlaceholder', () => {
  it.each(['N/A', 'n/a', ' - ', 'null', 'NULL', 'TBD', 'Default Value', '#N/A', '--None--', '0000-00-00', '(blank)', 'unknown'])('%s is a placeholder', (text) => {
    expect(isPlaceholder(text)).toBe(true);
  });

  it.each(['Anna', '0', 'No', 'Default Value for the contact record that goes on', '2021-01-01'])('%s is not', (text) => {
    expect(isPlaceholder(text)).toBe(false);
  });
});
