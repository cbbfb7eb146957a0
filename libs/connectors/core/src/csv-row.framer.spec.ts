import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { CsvRowFramer, MAX_ROW_BYTES, type FramedItem } from './csv-row.framer';

type Seen = { line: number; kind: 'row'; text: string; lines: number; quoted: boolean } | { line: number; kind: 'bad'; problem: string; raw: string };

/** Frames `bytes` fed in pieces of `size` (0 for all at once). */
function frame(bytes: Buffer, size = 0, delimiter = ','): Seen[] {
  const framer = new CsvRowFramer(delimiter);
  const seen: Seen[] = [];
  const drain = () => {
    for (let item: FramedItem | null = framer.next(); item !== null; item = framer.next()) {
      seen.push(
        item.kind === 'row'
          ? { line: item.line, kind: 'row', text: item.data.toString('utf8', item.start, item.contentEnd), lines: item.lines, quoted: item.fields !== -1 }
          : { line: item.line, kind: 'bad', problem: item.problem, raw: item.raw.toString('utf8') },
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

describe('CsvRowFramer', () => {
  it('frames rows by the line they start on, spanning lines only inside quotes, and says which rows hold quotes', () => {
    const text = 'a,b\n1,"x\ny"\n\n2,"say ""hi"""\n3,z';
    expect(frame(Buffer.from(text))).toEqual([
      { line: 1, kind: 'row', text: 'a,b', lines: 1, quoted: false },
      { line: 2, kind: 'row', text: '1,"x\ny"', lines: 2, quoted: true },
      { line: 5, kind: 'row', text: '2,"say ""hi"""', lines: 1, quoted: true },
      { line: 6, kind: 'row', text: '3,z', lines: 1, quoted: false },
    ]);
  });

  it('splits on the delimiter it is given and treats commas as text then', () => {
    const seen = frame(Buffer.from('a;b\n"x;y";1,5\n"p,q"x;2\n'), 0, ';');
    expect(seen.map((s) => (s.kind === 'row' ? s.text : s.problem))).toEqual(['a;b', '"x;y";1,5', 'misplaced-quote']);
  });

  it('rejects a misplaced quote on its own line and an unclosed one on the line it opened', () => {
    const text = 'a,b\n1,x"y\n2,"open\n3,c\n4,"d"e\n';
    expect(frame(Buffer.from(text)).map((s) => (s.kind === 'row' ? `${s.line}:${s.text}` : `${s.line}:${s.problem}:${s.raw}`))).toEqual([
      '1:a,b',
      '2:misplaced-quote:1,x"y',
      '3:unclosed-quote:2,"open',
      '4:3,c',
      '5:misplaced-quote:4,"d"e',
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

  it('learns CR-only line ends from the first line and keeps CR inside CRLF files as part of the terminator', () => {
    expect(frame(Buffer.from('a,b\r1,"x\ry"\r2,z\r')).map((s) => s.line)).toEqual([1, 2, 4]);
    expect(frame(Buffer.from('\ufeffa,b\r\n1,"x\r\ny"\r\n2,z')).map((s) => (s.kind === 'row' ? s.text : s.problem))).toEqual(['a,b', '1,"x\r\ny"', '2,z']);
  });

  it('refuses a delimiter it cannot frame with', () => {
    expect(() => new CsvRowFramer('"')).toThrow('CSV delimiter must be one ASCII character');
    expect(() => new CsvRowFramer('ab')).toThrow('CSV delimiter must be one ASCII character');
  });

  const csvDir = join(__dirname, '..', 'fixtures', 'csv');
  it.each(readdirSync(csvDir))('frames fixture %s the same whatever the read size', (name) => {
    const bytes = readFileSync(join(csvDir, name));
    const delimiter = name.includes('semicolon') || name.includes('1252') ? ';' : name.endsWith('.tsv') ? '\t' : name.includes('pipe') ? '|' : ',';
    const whole = frame(bytes, 0, delimiter);
    for (const size of [1, 2, 3, 5, 17, 64]) expect(frame(bytes, size, delimiter)).toEqual(whole);
  });
});
