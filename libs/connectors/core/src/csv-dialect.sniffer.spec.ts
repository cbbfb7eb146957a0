import { detectEncoding, sniffDelimiter, SNIFF_BYTES } from './csv-dialect.sniffer';

const delimiterOf = (text: string, whole = true) => sniffDelimiter(Buffer.from(text), whole).delimiter;

describe('sniffDelimiter', () => {
  it.each([
    ['a,b,c\n1,2,3\n', ','],
    ['a;b;c\n1;2,5;3\n4;5,0;6\n', ';'],
    ['a\tb\tc\n1\t2\t3\n', '\t'],
    ['a|b|c\n1|2|3\n', '|'],
    ['\ufeffName;Amount\n"Smith, J";1,50\n', ';'],
  ])('finds the delimiter of %j', (text, delimiter) => {
    expect(delimiterOf(text)).toBe(delimiter);
  });

  it('ignores candidates inside quotes, across lines too', () => {
    expect(delimiterOf('"a;b,c";"d\n;e";f\n1;2;3\n')).toBe(';');
  });

  it('lets the rows after the header confirm the delimiter', () => {
    // A comma in a header label; the rows agree with the semicolons, and only one of them with the comma.
    const text = 'Name;Title, Role;Amount\nAda;CTO;10\nGrace;Admiral;20\nLinus;Dev, Kernel;30\n';
    expect(sniffDelimiter(Buffer.from(text), true)).toEqual({ delimiter: ';', headerFields: 3, sampled: 3, agreeing: 3 });
  });

  it('prefers the candidate splitting the header into more columns when the rows agree on both', () => {
    expect(delimiterOf('a,b;c,d\n1,2;3,4\n')).toBe(',');
  });

  it('reads a header with no candidate as one column', () => {
    expect(sniffDelimiter(Buffer.from('email\na@example.com\n'), true)).toMatchObject({ delimiter: ',', headerFields: 1 });
    expect(delimiterOf('')).toBe(',');
  });

  it('does not let a row cut off at the end of a partial sample vote', () => {
    expect(sniffDelimiter(Buffer.from('a;b;c\n1;2;3\n4;5'), false)).toMatchObject({ sampled: 1, agreeing: 1 });
  });
});

describe('detectEncoding', () => {
  it('says UTF-8 for ASCII and valid UTF-8, Windows-1252 for bytes UTF-8 does not allow', () => {
    expect(detectEncoding(Buffer.from('plain ascii'), true)).toBe('utf-8');
    expect(detectEncoding(Buffer.from('Müller, Çağla, €'), true)).toBe('utf-8');
    expect(detectEncoding(Buffer.from([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72]), true)).toBe('windows-1252');
    expect(detectEncoding(Buffer.from([0x80, 0x20, 0x35]), true)).toBe('windows-1252');
  });

  it('does not count a character cut in two at the end of a partial sample', () => {
    const sample = Buffer.concat([Buffer.from('x'.repeat(SNIFF_BYTES - 1)), Buffer.from('ü').subarray(0, 1)]);
    expect(detectEncoding(sample, false)).toBe('utf-8');
    expect(detectEncoding(sample, true)).toBe('windows-1252');
  });
});
