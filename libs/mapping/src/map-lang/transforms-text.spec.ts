import { TransformError } from './errors';
import { splitName } from './transforms-text';
import { run, value } from './test-support';

describe('text transforms', () => {
  it('trim and squish: whitespace, empty → null, null and numbers untouched', () => {
    expect(value('trim', '  Ana  Díaz \n')).toBe('Ana  Díaz');
    expect(value('trim', '   ')).toBeNull();
    expect(value('trim', null)).toBeNull();
    expect(value('trim', undefined)).toBeUndefined();
    expect(value('trim', 42)).toBe(42);
    expect(value('squish', '  Ana \t Díaz ')).toBe('Ana Díaz');
    expect(value('squish', ' \n ')).toBeNull();
    expect(() => value('trim', ['a', 'b'])).toThrow(/expects text but got a list \["a","b"\]; join several source fields/);
    expect(() => value({ trim: { x: 1 } }, 'a')).toThrow(/trim takes no arguments/);
  });

  it('file-of-text makes text a data: URI of its UTF-8 bytes', () => {
    expect(value('file-of-text', '<p>Çok iyi 🙏</p>')).toBe(`data:text/html;charset=utf-8;base64,${Buffer.from('<p>Çok iyi 🙏</p>', 'utf8').toString('base64')}`);
    expect(Buffer.from((value('file-of-text', 'Ayşe') as string).split(',')[1], 'base64').toString('utf8')).toBe('Ayşe');
  });

  it('lower, upper, title are Unicode-aware', () => {
    expect(value('lower', 'ÇAĞLA')).toBe('çağla');
    expect(value('upper', 'straße')).toBe('STRASSE');
    expect(value('title', "mary-jane O'BRIEN")).toBe("Mary-Jane O'Brien");
    expect(value('title', "DON'T stop élan")).toBe("Don't Stop Élan");
    expect(value('title', null)).toBeNull();
    expect(value('lower', true)).toBe(true);
    expect(() => value('upper', { a: 1 })).toThrow(TransformError);
  });

  it('first-name and last-name split a full name', () => {
    expect(splitName('Ana María Díaz')).toEqual({ first: 'Ana María', last: 'Díaz' });
    expect(splitName('Díaz, Ana')).toEqual({ first: 'Ana', last: 'Díaz' });
    expect(splitName('Cher')).toEqual({ first: null, last: 'Cher' });
    expect(splitName('Ludwig van Beethoven')).toEqual({ first: 'Ludwig', last: 'van Beethoven' });
    expect(splitName('John Smith Jr.')).toEqual({ first: 'John', last: 'Smith Jr.' });
    expect(splitName('Smith, Jr.')).toEqual({ first: 'Smith', last: 'Jr.' });
    expect(value('first-name', '  Ana   María Díaz ')).toBe('Ana María');
    expect(value('last-name', 'Ana María Díaz')).toBe('Díaz');
    expect(value('first-name', 'Cher')).toBeNull();
    expect(value('last-name', null)).toBeNull();
    expect(value('last-name', '  ')).toBeNull();
    expect(() => value('last-name', ['Ana', 'Díaz'])).toThrow(TransformError);
  });

  it('join and concat skip empty parts; coalesce takes the first non-blank', () => {
    expect(value({ join: { with: ', ' } }, ['Main St 1', null, ' ', 'Springfield'])).toBe('Main St 1, Springfield');
    expect(value({ join: { with: '-' } }, [null, ''])).toBeNull();
    expect(value({ join: { with: '-' } }, null)).toBeNull();
    expect(() => value('join', ['a'])).toThrow(/join: Required/);
    expect(value('concat', ['Ana', null, 'Díaz'])).toBe('Ana Díaz');
    expect(value({ concat: { with: '' } }, ['A', 'B', 7])).toBe('AB7');
    expect(value('concat', 'single')).toBe('single');
    expect(() => value('concat', [['nested']])).toThrow(TransformError);
    expect(run('coalesce', [null, '  ', 42, 'x'], 'unknown')).toMatchObject({ result: 42, kind: 'long' });
    // fields of one kind (two date-times) keep it through the coalesce
    expect(run('coalesce', [null, 1_757_478_660_000], 'timestamp')).toMatchObject({ result: 1_757_478_660_000, kind: 'timestamp' });
    expect(value('coalesce', [null, ''])).toBeNull();
    expect(value('coalesce', null)).toBeNull();
    expect(() => value({ coalesce: { first: true } }, [])).toThrow(/coalesce takes no arguments/);
  });

  it('constant and default', () => {
    expect(value({ constant: { value: 'web' } }, null)).toBe('web');
    expect(run({ constant: { value: 3 } }, 'x')).toMatchObject({ result: 3, kind: 'long' });
    expect(value({ default: { value: 'Unknown' } }, '  ')).toBe('Unknown');
    expect(value({ default: { value: 'Unknown' } }, null)).toBe('Unknown');
    expect(value({ default: { value: 'Unknown' } }, 'Acme')).toBe('Acme');
    expect(() => value({ constant: {} }, 'x')).toThrow(/constant: value: expected a text, a number, true\/false or null/);
    expect(() => value({ default: { value: [1] } }, 'x')).toThrow(/default: value:/);
  });

  it('prefix and suffix leave null and blank alone', () => {
    expect(value({ prefix: { text: 'ID-' } }, 42)).toBe('ID-42');
    expect(value({ suffix: { text: ' Ltd' } }, 'Acme')).toBe('Acme Ltd');
    expect(value({ prefix: { text: 'ID-' } }, null)).toBeNull();
    expect(value({ suffix: { text: 'x' } }, '')).toBe('');
    expect(() => value({ prefix: { text: 5 } }, 'a')).toThrow(/prefix: text: Expected string, received number/);
  });

  it('replace replaces every match and refuses a bad regex when compiling', () => {
    expect(value({ replace: { pattern: '[^0-9]', with: '' } }, 'TR-12 34')).toBe('1234');
    expect(value({ replace: { pattern: '(\\w+)@old\\.com', with: '$1@new.com', flags: 'i' } }, 'ANA@OLD.com')).toBe('ANA@new.com');
    expect(value({ replace: { pattern: 'a', with: 'b' } }, null)).toBeNull();
    expect(() => value({ replace: { pattern: '([a-z', with: '' } }, 'x')).toThrow(/transform 1: replace: pattern "\(\[a-z" is not a valid regular expression/);
    expect(() => value({ replace: { pattern: 'a', with: '', flags: 'g' } }, 'x')).toThrow(/flags may only hold/);
  });

  it('truncate counts code points, cuts or rejects', () => {
    const long = '🙂'.repeat(6);
    expect(value({ truncate: { max: 6 } }, long)).toBe(long);
    const cut = run({ truncate: { max: 4 } }, 'abcdef');
    expect(cut.result).toBe('abcd');
    expect(cut.issues).toEqual([{ kind: 'truncated', value: 'abcdef', detail: '6 > 4' }]);
    expect(value({ truncate: { max: 4, ellipsis: true } }, '🙂🙂🙂🙂🙂')).toBe('🙂🙂🙂…');
    expect(value({ truncate: { max: 2 } }, null)).toBeNull();
    expect(value({ truncate: { max: 2 } }, 12345)).toBe('12');
    let error: unknown;
    try {
      value({ truncate: { max: 3, onOverflow: 'reject' } }, 'Díaz-Gómez');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TransformError);
    expect(error).toMatchObject({ code: 'VALUE_TOO_LONG', disposition: 'dead-letter', detail: { max: 3, length: 10 } });
    expect((error as Error).message).toBe(
      'contact.field: "Díaz-Gómez" is 10 characters, more than the 3 allowed; shorten it at the source, or let the truncate transform cut it (onOverflow: truncate)',
    );
    expect(() => value({ truncate: { max: 0 } }, 'x')).toThrow(/max: Number must be greater than 0/);
  });

  it('to-string writes numbers, booleans, dates and timestamps as text', () => {
    expect(run('to-string', 1e21)).toMatchObject({ result: '1000000000000000000000', kind: 'string' });
    expect(value('to-string', false)).toBe('false');
    expect(value('to-string', 19783, 'date')).toBe('2024-03-01');
    expect(value('to-string', 1709285400000, 'timestamp')).toBe('2024-03-01T09:30:00.000Z');
    expect(value('to-string', null)).toBeNull();
    expect(() => value('to-string', { a: 1 })).toThrow(TransformError);
  });

  it('html-to-text keeps paragraph and line breaks, decodes entities, no wrapping', () => {
    const html = '<p>Call <b>Ana</b> &amp; Bob</p><p>Line one<br>Line two</p><h2>Next</h2>' + '<p>' + 'word '.repeat(40) + '</p>';
    const text = value('html-to-text', html) as string;
    expect(text.startsWith('Call Ana & Bob\n\nLine one\nLine two\n\nNext\n\nword word')).toBe(true);
    expect(text.split('\n').at(-1)!.length).toBeGreaterThan(150);
    expect(value('html-to-text', '<p> </p>')).toBeNull();
    expect(value('html-to-text', null)).toBeNull();
    expect(() => value('html-to-text', ['<p>'])).toThrow(TransformError);
  });
});
