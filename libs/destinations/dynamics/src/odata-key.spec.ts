import { formatKeySegment, isGuid, KeySyntaxError, odataString, parseKeySegment, recordPath } from './odata-key';

describe('odata keys', () => {
  it('formats and parses single and composite keys', () => {
    const seg = formatKeySegment({ crm_sourceid: "O'Brien 7" });
    expect(seg).toBe("crm_sourceid='O''Brien%207'");
    expect(parseKeySegment(decodeURIComponent(seg))).toEqual({ kind: 'key', values: { crm_sourceid: "O'Brien 7" } });
    expect(parseKeySegment("a='1', b=2")).toEqual({ kind: 'key', values: { a: '1', b: 2 } });
  });

  it('recognises GUIDs and builds record paths', () => {
    const id = '6F1C2A10-0000-4000-8000-000000000001';
    expect(isGuid(id)).toBe(true);
    expect(parseKeySegment(id)).toEqual({ kind: 'id', id: id.toLowerCase() });
    expect(recordPath('accounts', id)).toBe(`accounts(${id.toLowerCase()})`);
    expect(recordPath('accounts', { crm_sourceid: 'X' })).toBe("accounts(crm_sourceid='X')");
    expect(() => recordPath('accounts', 'X')).toThrow(/not a GUID/);
  });

  it('rejects malformed keys', () => {
    for (const bad of ["crm_sourceid='x", 'x', "='a'", "a='1' b='2'", 'a=']) {
      expect(() => parseKeySegment(bad)).toThrow(KeySyntaxError);
    }
  });

  it('escapes string literals', () => {
    expect(odataString("it's")).toBe("'it''s'");
  });
});
