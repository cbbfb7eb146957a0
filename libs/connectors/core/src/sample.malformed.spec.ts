import { goodRowsIn, isMalformedRow, rowsFor, shareOut, spreadAmongGood, spreadAmongRows, spreadAtStride, writeWithMalformed, type MalformedPlacement } from './sample.malformed';
import { csvField, semicolonCsvField } from './sample-file.writer';

async function layout(good: number, placement: MalformedPlacement): Promise<string> {
  let out = '';
  await writeWithMalformed(
    good,
    placement,
    async () => {
      out += 'g';
    },
    async () => {
      out += 'B';
    },
  );
  return out;
}

describe('malformed rows among good ones', () => {
  it('spreads them evenly among the good rows', async () => {
    expect(await layout(9, spreadAmongGood(9, 2))).toBe('gggBgggBggg');
  });

  it('places them at a fixed stride', async () => {
    expect(await layout(10, spreadAtStride(10, 2))).toBe('gggBgggBgggg');
  });

  it('spreads them over every row of the file, the first ones before any good row when there are none', async () => {
    expect(await layout(8, spreadAmongRows(8, 2))).toBe('gggBggBggg');
    expect(await layout(0, spreadAmongRows(0, 1))).toBe('B');
  });

  it('puts every n-th row of a periodic file aside, and sizes the file for a number of good rows', () => {
    const plan = { malformedEvery: 4, minOneBad: false };
    expect(Array.from({ length: 8 }, (_, r) => isMalformedRow(plan, r, 8))).toEqual([false, false, false, true, false, false, false, true]);
    expect(goodRowsIn(plan, 8)).toBe(6);
    expect(rowsFor(plan, 6)).toBe(8);
  });
});

describe('shareOut', () => {
  it('gives each its share rounded down and the rest to the one named', () => {
    expect(shareOut(10, [['a', 1], ['b', 2]], 'b')).toEqual({ a: 3, b: 7 });
  });
});

describe('CSV fields', () => {
  it('quotes only what needs it, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('a;b')).toBe('a;b');
    expect(semicolonCsvField('a;b')).toBe('"a;b"');
    expect(semicolonCsvField('a,b')).toBe('a,b');
  });
});
