import { FieldProfiler, nameWords, PICKLIST_MAX, type FieldSpec } from './field.profiler';

const spec = (name: string, over: Partial<FieldSpec> = {}): FieldSpec => ({ name, custom: false, declared: 'string', logical: null, role: null, ...over });

function profile(name: string, values: unknown[], over: Partial<FieldSpec> = {}, records = values.length) {
  const p = new FieldProfiler(spec(name, over));
  for (const v of values) p.add(v);
  return p.result(records);
}

const repeat = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));

describe('FieldProfiler type inference', () => {
  it.each([
    ['plain text', 'city', ['Austin', 'Boston', 'Denver', 'Austin TX'], 'string'],
    ['integers', 'employees', [1, 20, 300, '4000'], 'integer'],
    ['decimals', 'weight', ['1.5', 2.25, '3'], 'decimal'],
    ['currency-marked values', 'budget', ['$1,200.00', '$950', '1200'], 'money'],
    ['a money name over amounts of two places at most', 'loan_amount', ['350000.00', '1200.50', '800'], 'money'],
    ['percent-marked values', 'discount', ['15%', '10', '2.5%'], 'percent'],
    ['a percent name over numbers within 0..100', 'probability', [0, 40, 100], 'percent'],
    ['booleans', 'vip', ['yes', 'no', true], 'boolean'],
    ['dates', 'closedate', ['2024-01-15', '1/16/2024'], 'date'],
    ['dates mixed with date-times', 'seen', ['2024-01-15', '2024-01-15T10:00:00Z'], 'timestamp'],
    ['emails', 'work_address', ['a@x.example', 'b@x.example', 'not an email'], 'email'],
    ['phones', 'contact_line', ['(512) 555-0100', '+1 303 555 0199'], 'phone'],
    ['bare digits under a phone name', 'mobile', ['5125550100', '3035550199'], 'phone'],
    ['trunk and international prefixes under a phone name', 'phone', ['05338442833', '00964845624880'], 'phone'],
    ['links', 'profile', ['https://a.example', 'www.b.example'], 'url'],
    ['bare domains under a url name', 'domain', ['kestrel.example', 'birchwood.example'], 'url'],
    ['text with markup in one value of twenty', 'notes', [...repeat(19, (i) => `plain note ${i}`), '<p>rich</p>'], 'html'],
    ['JSON documents', 'trigger', ['{"a":1}', '[]'], 'json'],
    ['nested values', 'lines', [[{ sku: 'a' }], { sku: 'b' }], 'json'],
    ['identifiers by name', 'external_id', ['A-1', 'A-2', 'A-2'], 'id'],
    ['a small set of repeated values', 'stage', ['Open', 'Won', 'Open', 'Lost', 'Open', 'Won'], 'picklist'],
    // what real exports write
    ['1 and blank flags', 'do_not_call', ['1', '', '1', null, '1'], 'boolean'],
    ['1/0 flags', 'opted_out', ['1', '0', 0, 1], 'boolean'],
    ['Y/N flags', 'vip', ['Y', 'N', 'y'], 'boolean'],
    ['ZIP codes of five digits', 'zip', ['12345', '90210', '73301'], 'string'],
    ['postal codes with leading zeros', 'Postal Code', ['02134', '10115', '01067'], 'string'],
    ['numbers too long to hold exactly', 'external', ['12345678901234567890', '12345678901234567891'], 'string'],
    ['month-name dates', 'created', ['16 Apr, 2021 00:02:00', 'Apr 17 2021 3:04 PM', '18. April 2021 10:00'], 'timestamp'],
    ['dashed day-month-year', 'closed', ['03-07-2021', '28-02-2021', '01-12-21'], 'date'],
    ['locale money', 'budget', ['1.234,56 €', '$1,234.56', "CHF 1'234.50"], 'money'],
    ['dates with placeholders', 'due', ['2024-01-15', 'N/A', '2024-02-01', 'TBD'], 'date'],
  ])('%s: %s → %s', (_what, name, values, type) => {
    expect(profile(name as string, values as unknown[]).type).toBe(type);
  });

  it('names a never-filled field empty', () => {
    expect(profile('fax', [null, '', '  ']).type).toBe('empty');
  });

  it('takes the key and declared references from the stream, whatever the values', () => {
    expect(profile('contact_id', ['ct_1', 'ct_2'], { role: 'key' }).type).toBe('id');
    expect(profile('company_id', ['co_1', 'co_1'], { role: 'reference' }).type).toBe('reference');
    expect(profile('kind', ['a', 'b', 'c'], { declared: 'enum' }).type).toBe('picklist');
  });

  it('reads numbers under date and timestamp logical types, and shows them as dates', () => {
    const d = profile('birth_date', [19_737, null, 0], { declared: 'date', logical: 'date' });
    expect(d).toMatchObject({ type: 'date', filled: 2, examples: ['2024-01-15', '1970-01-01'] });
    const t = profile('created_at', [1_705_312_200_000], { declared: 'timestamp-millis', logical: 'timestamp' });
    expect(t).toMatchObject({ type: 'timestamp', examples: ['2024-01-15T09:50:00.000Z'] });
  });

  it('calls a custom field of unique tokens an id, but only with enough values to tell', () => {
    const ids = repeat(20, (i) => `LX${1000 + i}`);
    expect(profile('loyalty', ids, { custom: true }).type).toBe('id');
    expect(profile('loyalty', ids.slice(0, 19), { custom: true }).type).toBe('string');
    expect(profile('loyalty', ids, { custom: false }).type).toBe('string');
  });

  it('keeps amounts with more than two places decimal, and percent names outside 0..100 decimal', () => {
    expect(profile('unit_price', ['0.1234', '1.5']).type).toBe('decimal');
    expect(profile('growth_rate', [150, 20.5]).type).toBe('decimal');
  });

  it('calls a field a picklist only when few values each recur', () => {
    expect(profile('note', repeat(20 * (PICKLIST_MAX + 1), (i) => `v${i % (PICKLIST_MAX + 1)}`)).type).toBe('string');
    expect(profile('stage', repeat(40, (i) => `v${i % 20}`)).type).toBe('picklist');
    expect(profile('stage', repeat(39, (i) => `v${i % 20}`)).type).toBe('string');
    expect(profile('product', repeat(100, (i) => `v${i % 30}`)).type).toBe('string');
    expect(profile('product', repeat(300, (i) => `v${i % 30}`)).type).toBe('picklist');
  });
});

describe('nameWords and name hints', () => {
  it('splits snake, kebab, camel and spaced names into lower-case words', () => {
    expect(nameWords('loanAmount')).toEqual(['loan', 'amount']);
    expect(nameWords('Clinic ID')).toEqual(['clinic', 'id']);
    expect(nameWords('progress_percent')).toEqual(['progress', 'percent']);
    expect(nameWords('e-mail')).toEqual(['e', 'mail']);
  });

  it('reads whole words, so a word inside another does not count', () => {
    // "duration" holds "ratio"; "updated_at" holds "date"
    expect(profile('duration_weeks', [4, 8, 26]).type).toBe('integer');
    expect(profile('vat_rate', [0, 10, 20]).type).toBe('percent');
    expect(profile('Clinic ID', ['CLN-IST-01', 'CLN-IST-02', 'CLN-IST-01']).type).toBe('id');
    expect(profile('phoneNumber', ['05338442833']).type).toBe('phone');
    expect(profile('totalAmount', ['12.50', '3']).type).toBe('money');
  });
});

describe('FieldProfiler counts', () => {
  it('counts fill over all records, blanks excluded, and distinct values exactly', () => {
    const p = profile('city', ['Austin', ' Austin ', null, '', 'Boston', undefined], {}, 8);
    expect(p).toMatchObject({ filled: 3, fillRate: 0.375, distinct: 2, distinctExact: true, kinds: { text: 3 } });
  });

  it('counts malformed emails and phones', () => {
    const e = profile('email', ['a@x.example', 'n/a', 'b@@x.example', 'c@x.example']);
    // "n/a" is a placeholder: no value, so neither an address nor a malformed one
    expect(e).toMatchObject({ type: 'email', malformed: 1, placeholders: [{ value: 'n/a', count: 1 }] });
    const ph = profile('phone', ['(512) 555-0100', '5125550101', '05338442833', 'call me', '555-01', '0123']);
    expect(ph).toMatchObject({ type: 'phone', malformed: 3, kinds: { phone: 1, integer: 1, text: 4 } });
    expect(profile('city', ['Austin'])).not.toHaveProperty('malformed');
  });

  it('keeps three distinct examples, shortened', () => {
    const long = 'x'.repeat(100);
    const p = profile('notes', ['a', 'a', long, 'b', 'c']);
    expect(p.examples).toEqual(['a', `${'x'.repeat(39)}…`, 'b']);
  });

  it('lists a picklist values by frequency', () => {
    const p = profile('stage', ['Open', 'Won', 'Open', 'Lost', 'Open', 'Won']);
    expect(p.values).toEqual([{ value: 'Open', count: 3 }, { value: 'Won', count: 2 }, { value: 'Lost', count: 1 }]);
  });

  it('switches distinct counting to the sketch past the cap', () => {
    const p = new FieldProfiler(spec('code'), 100);
    for (let i = 0; i < 1000; i++) p.add(`code-${i}`);
    const r = p.result(1000);
    expect(r.distinctExact).toBe(false);
    expect(Math.abs(r.distinct - 1000) / 1000).toBeLessThan(0.05);
  });
});

describe('FieldProfiler on real exports', () => {
  it('decides a column\'s day-month order from every value, and says so', () => {
    const dm = profile('closed', [...repeat(37, (i) => `${13 + (i % 15)}/04/2021`), ...repeat(5, (i) => `0${i + 1}/05/2021`)]);
    expect(dm.dateOrder).toEqual({ order: 'd/m', decidedBy: 37, ambiguous: 5, contrary: 0 });
    expect(dm.notes).toContain('decided d/m from 37 values; 5 could be either');
    const md = profile('closed', ['04/13/2021', '04/05/2021']);
    expect(md.dateOrder).toMatchObject({ order: 'm/d', decidedBy: 1 });
    expect(profile('closed', ['04/05/2021', '03/02/2021']).dateOrder).toEqual({ order: 'undecided', decidedBy: 0, ambiguous: 2, contrary: 0 });
    expect(profile('closed', ['2021-04-05', '16 Apr 2021'])).not.toHaveProperty('dateOrder');
  });

  it('reports placeholders, and one value filling most of a varied column', () => {
    const names = [...repeat(30, () => 'Acme Default'), ...repeat(12, (i) => `Person ${i}`), 'N/A', '-', '-', 'Default Value'];
    const p = profile('owner_name', names);
    expect(p.placeholders).toEqual([
      { value: 'Acme Default', count: 30, dominant: true },
      { value: '-', count: 2 },
      { value: 'Default Value', count: 1 },
      { value: 'N/A', count: 1 },
    ]);
    expect(p.notes).toEqual(['"Acme Default" fills 71% of a varied column: a placeholder?', 'placeholders: - ×2, Default Value ×1, N/A ×1']);
    expect(p.filled).toBe(42);
    // a picklist's most common value is not a placeholder
    expect(profile('stage', [...repeat(30, () => 'Open'), ...repeat(12, (i) => (i % 2 ? 'Won' : 'Lost'))]).placeholders).toBeUndefined();
  });

  it('notes codes with leading zeros and values the reader left empty, with their lines', () => {
    const p = new FieldProfiler(spec('birthday', { declared: 'date', logical: 'date' }));
    p.add(19_000);
    p.addEmptied({ code: 'BAD_DATE', value: 'sometime', problem: 'which is not a date', line: 12 });
    p.addEmptied({ code: 'BAD_DATE', value: 'soon', problem: 'which is not a date', line: 40 });
    p.addEmptied({ code: 'MISSING_VALUE', value: 'TBD', problem: 'which is a placeholder, not a value', line: 41 });
    const r = p.result(4);
    expect(r.emptied).toEqual({
      count: 2,
      byCode: { BAD_DATE: 2 },
      examples: [
        { line: 12, value: 'sometime', problem: 'which is not a date' },
        { line: 40, value: 'soon', problem: 'which is not a date' },
      ],
    });
    expect(r.placeholders).toEqual([{ value: 'TBD', count: 1 }]);
    expect(r.notes).toContain('2 values did not parse and were left empty (line 12 "sometime", 40 "soon")');
    expect(profile('zip', ['02134', '10115']).notes).toEqual(['1 values with leading zeros, kept as text']);
  });
});
