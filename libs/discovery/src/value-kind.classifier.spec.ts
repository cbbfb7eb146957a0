import { classifyText, classifyValue, isEmail, phoneDigits, type ValueKind } from './value-kind.classifier';

describe('classifyText', () => {
  const cases: Array<[string, ValueKind]> = [
    ['true', 'boolean'], ['No', 'boolean'], ['YES', 'boolean'],
    ['0', 'integer'], ['42', 'integer'], ['-17', 'integer'], ['+3', 'integer'],
    ['00123', 'text'], ['02118', 'text'],
    ['1.5', 'decimal'], ['-350000.50', 'decimal'], ['350,000.50', 'decimal'], ['1,200', 'decimal'],
    ['$1,200.00', 'money'], ['-$950', 'money'], ['€ 20', 'money'], ['1200 USD', 'money'], ['10.863 TL', 'money'], ['₺89.966,00', 'money'], ['EUR 99.90', 'money'], ['15 €', 'money'],
    ['15%', 'percent'], ['12.5 %', 'percent'], ['-3%', 'percent'],
    ['2024-02-29', 'date'], ['1/15/2024', 'date'], ['31.12.2023', 'date'],
    ['2023-02-29', 'text'], ['2024-13-01', 'text'],
    ['2024-01-15T09:30:00Z', 'timestamp'], ['2024-02-01T12:00:00.500+05:30', 'timestamp'], ['2024-01-15 09:30', 'timestamp'], ['1/15/2024 9:30 PM', 'timestamp'],
    ['ana.silva@mail.example', 'email'], ['O\'Brien+crm@sub.mail.example', 'email'],
    ['chloe@@mail.example', 'text'], ['ana@mail', 'text'], ['ana.@mail.example', 'text'],
    ['(512) 555-0100', 'phone'], ['+1 303-555-0199', 'phone'], ['555-0114', 'phone'], ['+44 20 7946 0958', 'phone'], ['512.555.0100 ext. 12', 'phone'],
    ['5125550120', 'integer'], ['555-01', 'text'],
    ['https://ana.example/path?q=1', 'url'], ['www.finn.example', 'url'],
    ['kestrel.example', 'domain'], ['sub.kestrel.co', 'domain'],
    ['<p>Called <b>twice</b></p>', 'html'], ['left&nbsp;voicemail', 'html'], ['a < b and c > d', 'text'],
    ['{"event":"created"}', 'json'], ['[1,2]', 'json'], ['{not json}', 'text'],
    ['Kestrel Freight', 'text'], ['L-1001', 'text'],
    // what real exports write
    ['Y', 'boolean'], ['n', 'boolean'],
    ['1.234,56', 'decimal'], ['1 234,56', 'decimal'], ['12,5', 'decimal'], ["1'234", 'decimal'],
    ['1.234,56 €', 'money'], ['$1,234.56', 'money'], ["CHF 1'234.50", 'money'], ['1\u00a0234,56\u00a0€', 'money'],
    ['16 Apr, 2021 00:02:00', 'timestamp'], ['Apr 16 2021', 'date'], ['16. April 2021', 'date'], ['3 févr. 2021', 'date'], ['16 de abril de 2021', 'date'],
    ['03-07-2021 01:09', 'timestamp'], ['03-07-2021', 'date'], ['03.07.21', 'date'], ['7/3/21 1:05 PM', 'timestamp'],
    ['0123456789', 'text'], ['01234', 'text'],
  ];
  it.each(cases)('%s is %s', (text, kind) => {
    expect(classifyText(text)).toBe(kind);
  });
});

describe('classifyValue', () => {
  it('reads numbers under date and timestamp logical types as those, and other numbers by their shape', () => {
    expect(classifyValue(19_737, 'date')).toBe('date');
    expect(classifyValue(1_705_312_200_000, 'timestamp')).toBe('timestamp');
    expect(classifyValue(42, null)).toBe('integer');
    expect(classifyValue(4.2, null)).toBe('decimal');
    expect(classifyValue(Number.NaN, null)).toBe('text');
  });

  it('treats null, undefined and blank text as no value, and trims text', () => {
    expect(classifyValue(null, null)).toBeNull();
    expect(classifyValue(undefined, null)).toBeNull();
    expect(classifyValue('   ', null)).toBeNull();
    expect(classifyValue('  42 ', null)).toBe('integer');
  });

  it('classifies booleans and nested values', () => {
    expect(classifyValue(false, null)).toBe('boolean');
    expect(classifyValue({ a: 1 }, null)).toBe('json');
    expect(classifyValue(['x'], null)).toBe('json');
  });
});

describe('isEmail and phoneDigits', () => {
  it('accepts deliverable addresses only', () => {
    expect(isEmail('a@b.co')).toBe(true);
    expect(isEmail('a b@c.co')).toBe(false);
    expect(isEmail(`${'x'.repeat(250)}@b.co`)).toBe(false);
  });

  it('returns the digits of a number of 7 to 15 digits, without its extension', () => {
    expect(phoneDigits('(512) 555-0100 x 204')).toBe('5125550100');
    expect(phoneDigits('+1 512 555 0100')).toBe('15125550100');
    expect(phoneDigits('555-01')).toBeNull();
    expect(phoneDigits('1234567890123456')).toBeNull();
    expect(phoneDigits('call me')).toBeNull();
  });
});
