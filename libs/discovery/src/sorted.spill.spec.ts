import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { mergeSorted, SortedSpill } from './sorted.spill';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'spill-spec-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const v of it) out.push(v);
  return out;
}

async function* from(values: string[]) {
  for (const v of values) yield v;
}

describe('SortedSpill', () => {
  it('sorts values across many run files, duplicates kept', async () => {
    const s = new SortedSpill(dir, 'keys', 7);
    const values = Array.from({ length: 100 }, (_, i) => `k${(i * 37) % 50}`);
    for (const v of values) s.add(v);
    expect(s.size).toBe(100);
    expect(s.runCount).toBe(14);
    expect(await collect(SortedSpill.merged([s]))).toEqual([...values].sort());
  });

  it('keeps values with newlines, carriage returns, backslashes and any Unicode intact', async () => {
    const tricky = ['a\nb', 'a\\nb', 'c\r\nd', '\\', '陈美玲', 'é', 'e\u0301', '😀', '', 'z'];
    const s = new SortedSpill(dir, 'text', 3);
    for (const v of tricky) s.add(v);
    expect(await collect(SortedSpill.merged([s]))).toEqual([...tricky].sort());
  });

  it('merges several spills together, and can be read more than once', async () => {
    const a = new SortedSpill(dir, 'a', 2);
    const b = new SortedSpill(dir, 'b', 2);
    for (const v of ['m', 'c', 'x', 'a']) a.add(v);
    for (const v of ['b', 'y', 'c']) b.add(v);
    expect(await collect(SortedSpill.merged([a, b]))).toEqual(['a', 'b', 'c', 'c', 'm', 'x', 'y']);
    expect(await collect(SortedSpill.merged([a]))).toEqual(['a', 'c', 'm', 'x']);
  });

  it('merges in passes when there are more runs than it may open at once', async () => {
    const s = new SortedSpill(dir, 'many', 1);
    const values = Array.from({ length: 40 }, (_, i) => String.fromCharCode(65 + ((i * 7) % 26)) + i);
    for (const v of values) s.add(v);
    expect(await collect(SortedSpill.merged([s], 3))).toEqual([...values].sort());
    // the intermediate runs are gone once read
    expect(readdirSync(dir).filter((f) => f.includes('.m'))).toEqual([]);
  });

  it('moves the last buffer to disk when sealed, refuses values afterwards, and deletes its files when disposed', async () => {
    const s = new SortedSpill(dir, 'sealed', 100);
    s.add('b');
    s.add('a');
    expect(s.runCount).toBe(0);
    s.seal();
    expect(s.runCount).toBe(1);
    expect(() => s.add('c')).toThrow(/already being read/);
    expect(await collect(SortedSpill.merged([s]))).toEqual(['a', 'b']);
    s.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('flushes on size in characters as well as on count', () => {
    const s = new SortedSpill(dir, 'wide', 1000, 10);
    s.add('123456');
    s.add('123456');
    expect(s.runCount).toBe(1);
  });
});

describe('mergeSorted', () => {
  it('merges sorted sources, empty ones included', async () => {
    expect(await collect(mergeSorted([from(['a', 'd']), from([]), from(['b', 'c', 'e']), from(['a'])]))).toEqual(['a', 'a', 'b', 'c', 'd', 'e']);
    expect(await collect(mergeSorted([]))).toEqual([]);
  });
});
