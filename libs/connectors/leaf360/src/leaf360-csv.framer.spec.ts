import { readFileSync } from 'fs';
import { join } from 'path';
import { CsvRowFramer, MAX_ROW_BYTES, type FramedItem } from './leaf360-csv.framer';

type Seen = { line: number; kind: 'row'; text: string; lines: number } | { line: number; kind: 'bad'; problem: string; raw: string };

/** Frames `bytes` fed in pieces of `size` (0 for all at once). */
function frame(bytes: Buffer, size = 0): Seen[] {
  const framer = new CsvRowFramer();
  const seen: Seen[] = [];
  const drain = () => {
    for (let item: FramedItem | null = framer.next(); item !== null; item = framer.next()) {
      seen.push(
        item.kind === 'row'
          ? { line: item.line, kind: 'row', text: item.data.toString('utf8', item.start, item.contentEnd), lines: item.lines }
          : { line: item.line, kind: 'bad', problem: item.problem, raw: item.raw },
      );
    }
  };
  const step = size || bytes.length || 1;
  for (let i = 0; i < bytes.length; i += step) {
    framer.push(bytes.subarray(i, i + step));
    drain();
  }
  framer.end();
  drain();
  return seen;
}

const FIXTURES = join(__dirname, '..', 'fixtures');

describe('CsvRowFramer', () => {
  it('frames rows by the line they start on, spanning lines only inside quotes', () => {
    const text = 'a,b\n1,"x\ny"\n\n2,"say ""hi"""\n3,z';
    expect(frame(Buffer.from(text))).toEqual([
      { line: 1, kind: 'row', text: 'a,b', lines: 1 },
      { line: 2, kind: 'row', text: '1,"x\ny"', lines: 2 },
      { line: 5, kind: 'row', text: '2,"say ""hi"""', lines: 1 },
      { line: 6, kind: 'row', text: '3,z', lines: 1 },
    ]);
  });

  it('rejects a misplaced quote on its own line and an unclosed one on the line it opened', () => {
    const text = 'a,b\n1,x"y\n2,"open\n3,c\n4,"d"e\n';
    expect(frame(Buffer.from(text))).toEqual([
      { line: 1, kind: 'row', text: 'a,b', lines: 1 },
      { line: 2, kind: 'bad', problem: 'misplaced-quote', raw: '1,x"y' },
      { line: 3, kind: 'bad', problem: 'unclosed-quote', raw: '2,"open' },
      { line: 4, kind: 'row', text: '3,c', lines: 1 },
      { line: 5, kind: 'bad', problem: 'misplaced-quote', raw: '4,"d"e' },
    ]);
  });

  it('rejects a multi-line row whose width differs from the header as a runaway quote', () => {
    expect(frame(Buffer.from('a,b\n1,"x\n2,y",z\n3,c\n')).map((s) => `${s.line}:${s.kind}`)).toEqual(['1:row', '2:bad', '3:bad', '4:row']);
  });

  it('gives a quote that never closes up after MAX_ROW_BYTES and carries on with the next line', () => {
    const filler = 'x,y\n'.repeat(Math.ceil(MAX_ROW_BYTES / 4) + 10);
    const seen = frame(Buffer.from(`a,b\n1,"open\n${filler}`), 64 * 1024);
    expect(seen[1]).toEqual({ line: 2, kind: 'bad', problem: 'unclosed-quote', raw: '1,"open' });
    expect(seen).toHaveLength(2 + Math.ceil(MAX_ROW_BYTES / 4) + 10);
  });

  it('refuses a line longer than MAX_ROW_BYTES without holding it, then goes on', () => {
    const seen = frame(Buffer.from(`a,b\n${'z'.repeat(MAX_ROW_BYTES + 5)}\n1,2\n`), 64 * 1024);
    expect(seen.map((s) => `${s.line}:${s.kind === 'bad' ? s.problem : s.kind}`)).toEqual(['1:row', '2:too-long', '3:row']);
  });

  it.each([
    'clean/companies.csv',
    'clean/deals.csv',
    'crlf-bom/contacts.csv',
    'malformed/contacts-bad-quote.csv',
    'malformed/contacts-unclosed-quote.csv',
  ])('frames %s the same whatever the read size', (name) => {
    const bytes = readFileSync(join(FIXTURES, name));
    const whole = frame(bytes);
    for (const size of [1, 2, 3, 5, 17, 64]) expect(frame(bytes, size)).toEqual(whole);
  });

  it('reads CRLF, a BOM split across reads and CR-only files', () => {
    expect(frame(Buffer.from('\ufeffa,b\r\n1,"x\r\ny"\r\n'), 1)).toEqual([
      { line: 1, kind: 'row', text: 'a,b', lines: 1 },
      { line: 2, kind: 'row', text: '1,"x\r\ny"', lines: 2 },
    ]);
    expect(frame(Buffer.from('a,b\r1,"x\ry"\r2,z'), 2).map((s) => `${s.line}:${s.kind}`)).toEqual(['1:row', '2:row', '4:row']);
  });
});
