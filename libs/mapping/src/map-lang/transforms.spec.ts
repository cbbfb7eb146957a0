import { MapLangError } from './errors';
import { compileChain, TRANSFORMS } from './transforms';

const ctx = () => ({ sourceKind: 'string' as const, target: 'contact.lastname' });

describe('compileChain', () => {
  it('composes steps in order and passes the kind along', () => {
    const fn = compileChain(['squish', 'title', { truncate: { max: 5 } }], 'contact.lastname');
    const c: { sourceKind: string; target: string } = ctx();
    expect(fn('  díaz   gómez ', c as never)).toBe('Díaz ');
    const toDays = compileChain(['trim', { date: { output: 'date' } }, 'to-string'], 'x');
    const c2 = ctx();
    expect(toDays(' 2024-03-01 ', c2)).toBe('2024-03-01');
    expect(c2.sourceKind).toBe('string');
    expect(compileChain([], 'x')('as is', ctx())).toBe('as is');
  });

  it('lists the known transforms for an unknown name, with the step index as path', () => {
    let error: MapLangError | undefined;
    try {
      compileChain(['trim', 'lowercase'], 'contact.lastname');
    } catch (e) {
      error = e as MapLangError;
    }
    expect(error).toBeInstanceOf(MapLangError);
    expect(error).toMatchObject({ code: 'MAP_INVALID', disposition: 'fatal', path: [1] });
    expect(error!.message).toMatch(/^contact\.lastname: transform 2: unknown transform "lowercase"; the transforms are: boolean, coalesce, concat, /);
  });

  it('words argument problems with the zod issue and its path', () => {
    let error: MapLangError | undefined;
    try {
      compileChain([{ truncate: { max: 'fifty' } }], 'contact.lastname');
    } catch (e) {
      error = e as MapLangError;
    }
    expect(error!.message).toBe('contact.lastname: transform 1: truncate: max: Expected number, received string');
    expect(error!.path).toEqual([0]);
    expect(error!.detail).toEqual({ argPath: [0, 'truncate', 'max'] });
    expect(() => compileChain([{ truncate: { max: 5, cut: true } }], 'w')).toThrow(/Unrecognized key\(s\) in object: 'cut'/);
    expect(() => compileChain([{ trim: null, lower: null }], 'w')).toThrow(/this one has the keys trim, lower/);
    expect(() => compileChain([{}], 'w')).toThrow(/this one has no key/);
    expect(() => compileChain([7 as never], 'w')).toThrow(/7 is not a transform step/);
    expect(() => compileChain('trim' as never, 'w')).toThrow(/transforms must be a list/);
  });

  it('every transform has a one-line doc and lets null through unless it says otherwise', () => {
    const samples: Record<string, unknown> = {
      join: { with: ' ' },
      constant: { value: 'k' },
      default: { value: 'd' },
      prefix: { text: 'p' },
      suffix: { text: 's' },
      replace: { pattern: 'a', with: 'b' },
      truncate: { max: 3 },
      date: { output: 'date' },
      map: { values: {} },
    };
    for (const [name, def] of TRANSFORMS) {
      expect(def.doc).not.toMatch(/\n/);
      expect(def.doc.length).toBeGreaterThan(10);
      const fn = compileChain([name in samples ? { [name]: samples[name] } : name], 'x');
      const out = fn(null, ctx());
      if (name === 'constant') expect(out).toBe('k');
      else if (name === 'default') expect(out).toBe('d');
      else expect(out).toBeNull();
    }
  });
});
