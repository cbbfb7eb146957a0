import { run, value } from './test-support';

describe('phone', () => {
  it('gives E.164 for national and international numbers', () => {
    expect(value('phone', '(202) 456-1111')).toBe('+12024561111');
    expect(value('phone', 2024561111, 'long')).toBe('+12024561111');
    expect(value('phone', '+44 20 7946 0958')).toBe('+442079460958');
    expect(value({ phone: { defaultCountry: 'TR' } }, '0212 555 12 34')).toBe('+902125551234');
    expect(value('phone', null)).toBeNull();
    expect(value('phone', ' ')).toBeNull();
  });

  it('reports a dropped extension', () => {
    expect(run('phone', '202-456-1111 x123')).toMatchObject({
      result: '+12024561111',
      issues: [{ kind: 'phone-extension-dropped', detail: '123' }],
    });
  });

  it('invalid numbers are reported, then kept, nulled or rejected', () => {
    expect(run('phone', ' 12 ')).toMatchObject({ result: '12', issues: [{ kind: 'invalid-phone', value: ' 12 ' }] });
    expect(value({ phone: { onInvalid: 'null' } }, 'n/a')).toBeNull();
    expect(() => value({ phone: { onInvalid: 'reject' } }, '555-1234')).toThrow(
      'contact.field: "555-1234" is not a valid phone number (read with default country US); correct it at the source, or set onInvalid to keep or null',
    );
    expect(() => value({ phone: { onInvalid: 'reject' } }, '555-1234')).toThrow(expect.objectContaining({ code: 'INVALID_PHONE' }));
    expect(() => value({ phone: { defaultCountry: 'XX' } }, '1')).toThrow(/"XX" is not an ISO 3166 alpha-2 country code/);
  });
});

describe('email', () => {
  it('trims, lower-cases and unwraps', () => {
    expect(value('email', '  Ana.Diaz@Example.COM ')).toBe('ana.diaz@example.com');
    expect(value('email', 'Ana Díaz <ANA@example.com>')).toBe('ana@example.com');
    expect(value('email', 'mailto:bob@x.co')).toBe('bob@x.co');
    expect(value('email', null)).toBeNull();
  });

  it('invalid addresses are reported and nulled by default', () => {
    for (const bad of ['ana@', 'ana@example', 'a b@x.com', 'ana..d@x.com', 'ana@x.c', '@x.com', 'ana@@x.com']) {
      expect(run('email', bad)).toMatchObject({ result: null, issues: [{ kind: 'invalid-email' }] });
    }
    expect(value({ email: { onInvalid: 'keep' } }, 'ANA@')).toBe('ana@');
    expect(() => value({ email: { onInvalid: 'reject' } }, 'nope')).toThrow(expect.objectContaining({ code: 'INVALID_EMAIL' }));
    expect(() => value({ email: { onInvalid: 'drop' } }, 'x')).toThrow(/onInvalid: Invalid enum value/);
  });
});

describe('url', () => {
  it('adds https to bare domains and keeps http(s)', () => {
    expect(value('url', 'acme.com')).toBe('https://acme.com');
    expect(value('url', 'www.acme.com.tr/about?x=1')).toBe('https://www.acme.com.tr/about?x=1');
    expect(value('url', 'HTTP://acme.com')).toBe('http://acme.com');
    expect(value('url', '//cdn.acme.com/a')).toBe('https://cdn.acme.com/a');
    expect(value('url', null)).toBeNull();
    expect(value('url', '')).toBeNull();
  });

  it('non-addresses are reported, then kept by default', () => {
    expect(run('url', 'n/a')).toMatchObject({ result: 'n/a', issues: [{ kind: 'invalid-url' }] });
    expect(value({ url: { onInvalid: 'null' } }, 'ftp://acme.com')).toBeNull();
    expect(() => value({ url: { onInvalid: 'reject' } }, 'not a site')).toThrow(expect.objectContaining({ code: 'INVALID_URL' }));
  });
});
