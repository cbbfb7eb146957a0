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
    '3/15/24',
    '12345678901',
    '123',
    '3/15/2024 13:00 PM',
    '2024-03-01T09:30:00+19:00',
    '32 Mar 2024',
    '1 Foo 2024',
  ])('refuses %s', (text) => {
    const out = parseTimestamp(text);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problem).toMatch(/^which is not a date and time \(expected ISO 8601/);
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

  it('refuses anything else', () => {
    expect(parseBoolean('maybe')).toEqual({ ok: false, problem: 'which is not a yes/no value (expected true/false, yes/no or 1/0)' });
  });
});
