import { MapLangError } from './errors';
import { compileExpression, REF_READER } from './expression';
import type { RefReader } from './expression';

const record: Record<string, unknown> = {
  first: 'Ana',
  last: 'Díaz',
  middle: null,
  blank: '   ',
  email: 'Ana.Diaz@WWW.Example.com',
  site: 'https://www.Acme.com.tr:8443/about',
  amount: 1500,
  phone: '+1 (202) 456-1111',
  status: 'Active',
  custom: { 'Loan Type': 'FHA', loan_type: 'fha', nested: { deep: 3 } },
  tags: ['a', 'b'],
};
const scope = (name: string) => record[name];
const ev = (text: string) => compileExpression(text, 'contact.key').evaluate(scope);

function failure(text: string): MapLangError {
  try {
    compileExpression(text, 'contact.key');
  } catch (e) {
    return e as MapLangError;
  }
  throw new Error(`"${text}" compiled`);
}

describe('compileExpression', () => {
  it('literals and paths', () => {
    expect(ev("'it\\'s'")).toBe("it's");
    expect(ev('"tab\\there \\u00e9"')).toBe('tab\there é');
    expect(ev('12.5')).toBe(12.5);
    expect(ev('true')).toBe(true);
    expect(ev('null')).toBeNull();
    expect(ev("custom['Loan Type']")).toBe('FHA');
    expect(ev('custom.loan_type')).toBe('fha');
    expect(ev('custom.nested.deep')).toBe(3);
    expect(ev('custom.missing.deeper')).toBeNull();
    expect(ev('middle.x')).toBeNull();
    expect(ev('tags[1]')).toBe('b');
    expect(ev('nowhere')).toBeNull();
    expect(ev('custom.toString')).toBeNull();
  });

  it('reports the root fields it reads', () => {
    const e = compileExpression("concat(lower(first), ' ', custom['Loan Type'], first) + last", 'k');
    expect(e.fields).toEqual(['first', 'custom', 'last']);
    expect(e.source).toBe("concat(lower(first), ' ', custom['Loan Type'], first) + last");
  });

  it('functions', () => {
    expect(ev("concat(first, ' ', middle, last)")).toBe('Ana Díaz');
    expect(ev('concat(middle, middle)')).toBeNull();
    expect(ev('coalesce(middle, blank, first)')).toBe('Ana');
    expect(ev('empty(blank) and empty(middle) and not empty(first)')).toBe(true);
    expect(ev('present(first)')).toBe(true);
    expect(ev('len(last)')).toBe(4);
    expect(ev('len(middle)')).toBe(0);
    expect(ev('len(tags)')).toBe(2);
    expect(ev("startsWith(phone, '+1') && endsWith(status, 'ive') && contains(email, '@')")).toBe(true);
    expect(ev("startsWith(middle, 'a')")).toBe(false);
    expect(ev("contains(tags, 'b')")).toBe(true);
    expect(ev("normalize('  José   ÁLVAREZ ')")).toBe('jose alvarez');
    expect(ev('digits(phone)')).toBe('12024561111');
    expect(ev("slug(' Smith & Sons, Ltd.  ')")).toBe('smith-sons-ltd');
    expect(ev("slug('Müller/Über GmbH')")).toBe('muller-uber-gmbh');
    expect(ev("slug('*')")).toBe('');
    expect(ev('domain(email)')).toBe('example.com');
    expect(ev('domain(site)')).toBe('acme.com.tr');
    expect(ev("domain('not a host')")).toBeNull();
    expect(ev('substr(last, 0, 2)')).toBe('Dí');
    expect(ev('substr(last, 1)')).toBe('íaz');
    expect(ev('substr(last, -2, 2)')).toBe('az');
    expect(ev('str(amount)')).toBe('1500');
    expect(ev('str(middle)')).toBe('');
    expect(ev('upper(trim(blank))')).toBe('');
    expect(ev('lower(middle)')).toBeNull();
  });

  it('operators', () => {
    expect(ev("status == 'Active'")).toBe(true);
    expect(ev("status == 'active'")).toBe(false);
    expect(ev('middle == null')).toBe(true);
    expect(ev('nowhere == null')).toBe(true);
    expect(ev("middle != 'x'")).toBe(true);
    expect(ev("amount == '1500'")).toBe(false);
    expect(ev('amount > 1000 and amount <= 1500')).toBe(true);
    expect(ev('middle < 5')).toBe(false);
    expect(ev("'b' > 'a'")).toBe(true);
    expect(ev("status in ['Active', 'Pending']")).toBe(true);
    expect(ev("status not in ['Active']")).toBe(false);
    expect(ev("not status in ['Closed']")).toBe(true);
    expect(ev("'a' in tags")).toBe(true);
    expect(ev("first + ' ' + last")).toBe('Ana Díaz');
    expect(ev("middle + 'x'")).toBe('x');
    expect(ev('amount + 1 - 2')).toBe(1499);
    expect(ev('-amount')).toBe(-1500);
    expect(ev('amount + middle')).toBeNull();
    expect(ev('!present(middle) || false')).toBe(true);
    expect(ev("middle or 'x'")).toBe(true);
    expect(ev('first and 0')).toBe(false);
    expect(ev("empty(middle) ? first : 'none'")).toBe('Ana');
    expect(ev("amount > 2000 ? 'big' : amount > 1000 ? 'mid' : 'small'")).toBe('mid');
    expect(ev('(amount + 500) == 2000')).toBe(true);
  });

  it('short-circuits and/or', () => {
    let reads = 0;
    const counting = (name: string) => {
      reads++;
      return record[name];
    };
    compileExpression('false and first', 'k').evaluate(counting);
    compileExpression('true or first', 'k').evaluate(counting);
    expect(reads).toBe(0);
  });

  it('compile errors name the column', () => {
    const e = failure('concat(first, last');
    expect(e).toBeInstanceOf(MapLangError);
    expect(e).toMatchObject({ code: 'MAP_INVALID', disposition: 'fatal', column: 19 });
    expect(e.message).toBe('contact.key: expected "," or ")" at column 19 in "concat(first, last"');
    expect(failure('first == ').message).toBe('contact.key: expected a value at column 10 in "first == "');
    expect(failure('lowercase(first)').message).toMatch(
      /^contact\.key: unknown function "lowercase"; the functions are: coalesce, concat, contains, digits, domain, .* at column 1 in/,
    );
    expect(failure("status = 'x'").message).toBe('contact.key: unexpected "=" (compare with ==) at column 8 in "status = \'x\'"');
    expect(failure("'open").message).toMatch(/unterminated string, expected a closing ' at column 1/);
    expect(failure('substr(first)').message).toMatch(/substr takes 2 to 3 arguments, not 1 at column 1/);
    expect(failure('first last').message).toMatch(/expected an operator or the end but found "last" at column 7/);
    expect(failure("custom[first]").message).toMatch(/expected a quoted field name .* at column 8/);
    expect(failure('').message).toMatch(/the expression is empty/);
    expect(failure('a # b').column).toBe(3);
    expect(failure('12abc').message).toMatch(/"12a" is not a number/);
    expect(failure('"\\q"').message).toMatch(/unknown escape/);
  });

  it('never evaluates text as code', () => {
    expect(failure('constructor.constructor("return process")()').message).toMatch(/expected an operator or the end but found "\("/);
    expect(ev('custom.constructor')).toBeNull();
    expect(ev('custom.__proto__')).toBeNull();
  });

  describe('ref()', () => {
    const users: Record<string, Record<string, unknown>> = { usr_1: { email: 'Ana@Example.com', custom: { Team: 'TR' } } };
    const reads: string[] = [];
    const reader: RefReader = (object, key) => {
      reads.push(`${object}|${key}`);
      return object === 'user' ? (users[key] ?? null) : null;
    };
    const row: Record<string, unknown> = { owner_id: ' usr_1 ', other: 'usr_9', none: null };
    const withRefs = (name: string) => (name === REF_READER ? reader : row[name]);

    it('reads a field of another object\'s record by its key, null when the record or key is missing', () => {
      expect(compileExpression("ref('user', owner_id).email", 'deal.owner').evaluate(withRefs)).toBe('Ana@Example.com');
      expect(compileExpression("lower(ref('user', owner_id).email)", 'deal.owner').evaluate(withRefs)).toBe('ana@example.com');
      expect(compileExpression("ref('user', owner_id).custom['Team']", 'deal.x').evaluate(withRefs)).toBe('TR');
      expect(compileExpression("ref('user', owner_id)['email']", 'deal.x').evaluate(withRefs)).toBe('Ana@Example.com');
      expect(compileExpression("ref('user', other).email", 'deal.owner').evaluate(withRefs)).toBeNull();
      reads.length = 0;
      expect(compileExpression("ref('user', none).email", 'deal.owner').evaluate(withRefs)).toBeNull();
      expect(reads).toEqual([]);
      // without a reader in scope (a dry run), a ref reads nothing
      expect(compileExpression("ref('user', owner_id).email", 'deal.owner').evaluate((n) => row[n])).toBeNull();
    });

    it('lists what it reads: object, field and key, so the interpreter knows what to keep and what to wait for', () => {
      const x = compileExpression("coalesce(ref('contact', contact_id).company_name, ref('user', concat('u', owner_id)).email)", 'deal.x');
      expect(x.refs.map((r) => [r.object, r.field, r.keySource])).toEqual([
        ['contact', 'company_name', 'contact_id'],
        ['user', 'email', "concat('u', owner_id)"],
      ]);
      expect(x.refs[1].key((n) => (n === 'owner_id' ? '7' : null))).toBe('u7');
      expect(x.fields).toEqual(['contact_id', 'owner_id']);
    });

    it('refuses what it cannot know statically, naming the fix', () => {
      expect(failure("ref('user', owner_id)").message).toMatch(/expected a field of the user record after ref\(…\), e.g\. ref\('user', owner_id\)\.name/);
      expect(failure('ref(user, owner_id).email').message).toMatch(/expected the source object as a quoted lower-case name/);
      expect(failure("ref('user', ref('deal', deal_id).owner_id).email").message).toMatch(/ref\(\) cannot take a key that itself uses ref\(\)/);
      expect(failure("ref('user').email").message).toMatch(/expected ","/);
    });
  });
});
