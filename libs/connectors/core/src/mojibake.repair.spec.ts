import { createCoercer } from './record.coercer';
import { mojibakeOf, repairMojibake } from './mojibake.repair';

describe('repairMojibake', () => {
  it.each([
    ['JosÃ©', 'José'],
    ['MÃ¼ller', 'Müller'],
    ['AyÅŸe YÄ±lmaz', 'Ayşe Yılmaz'],
    ['FranÃ§ois â€“ Â«citÃ©Â»', 'François – «cité»'],
    ['DvoÅ™Ã¡k', 'Dvořák'],
    // Ł and Á end in bytes Windows-1252 leaves undefined: damaged text carries them as C1 controls
    ['\u00C5\u0081ukasz', 'Łukasz'],
    ['\u00C3\u0081gnes', 'Ágnes'],
    ['ZÃƒÂ¼rich', 'Zürich'],
  ])('%j was %j', (damaged, original) => {
    expect(repairMojibake(damaged)).toBe(original);
  });

  it.each(['José', 'Müller', 'plain text', 'Ã la carte', 'Â', 'Ãx', '£100 Â½ price', 'Dvořák', ''])('leaves %j as it is', (text) => {
    expect(repairMojibake(text)).toBeNull();
  });

  it('undoes what one trip through Windows-1252 does, for every name the samples use', () => {
    for (const name of ['José', 'Zoë', 'François', 'Jürgen', 'Ayşe', 'Søren', 'Łukasz', 'Björn', 'Renée', 'Ágnes', 'Íñigo', 'Őri', 'Åberg', 'Yılmaz', '北京', 'naïve café 😀']) {
      expect(mojibakeOf(name)).not.toBe(name);
      expect(repairMojibake(mojibakeOf(name))).toBe(name);
    }
  });
});

describe('a lenient coercer and mojibake', () => {
  const schema = {
    type: 'record',
    name: 'person',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'name', type: ['null', 'string'], default: null },
      { name: 'fee', type: ['null', { type: 'string', 'ferry.kind': 'money' }], default: null },
      { name: 'custom', type: { type: 'map', values: 'string' } },
    ],
  };

  it('repairs text fields and lists each repair on the record, on the general and the compiled path alike', () => {
    const coerce = createCoercer(schema, undefined, { values: 'lenient' });
    // past the rows after which the plan is compiled
    for (let i = 0; i < 100; i++) expect(coerce({ id: `p${i}`, name: 'Ann', fee: '1' })).toEqual({ ok: true, record: { id: `p${i}`, name: 'Ann', fee: '1.00', custom: {} } });
    expect(coerce({ id: 'p-1', name: 'JosÃ© NÃºÃ±ez', fee: '2' })).toEqual({
      ok: true,
      record: { id: 'p-1', name: 'José Núñez', fee: '2.00', custom: {} },
      issues: [{ field: 'name', column: 'name', code: 'REPAIRED_ENCODING', value: 'JosÃ© NÃºÃ±ez', problem: 'which is UTF-8 read as Windows-1252, repaired to "José Núñez"' }],
    });
  });

  it('leaves text as written when strict', () => {
    expect(createCoercer(schema)({ id: 'p', name: 'JosÃ©' })).toEqual({ ok: true, record: { id: 'p', name: 'JosÃ©', fee: null, custom: {} } });
  });
});
