import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

/**
 * An external sort: values are buffered, and each full buffer is sorted and written to a run file; reading
 * merges every run back in order. Memory is one buffer per spill plus one line per open run, whatever the
 * number of values. Order is JavaScript's default string order (UTF-16 code units) everywhere.
 */
export class SortedSpill {
  private buffer: string[] = [];
  private bufferedChars = 0;
  private readonly runs: string[] = [];
  private added = 0;
  private finished = false;

  constructor(
    private readonly dir: string,
    private readonly name: string,
    private readonly maxValues = 50_000,
    private readonly maxChars = 8_000_000,
  ) {}

  /** values added so far */
  get size(): number {
    return this.added;
  }

  /** run files written so far (the last buffer stays in memory until it overflows) */
  get runCount(): number {
    return this.runs.length;
  }

  add(value: string): void {
    if (this.finished) throw new Error(`spill ${this.name} is already being read`);
    this.buffer.push(value);
    this.bufferedChars += value.length;
    this.added++;
    if (this.buffer.length >= this.maxValues || this.bufferedChars >= this.maxChars) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    this.buffer.sort();
    const file = path.join(this.dir, `${this.name}.${this.runs.length}.run`);
    writeRun(file, this.buffer);
    this.runs.push(file);
    this.buffer = [];
    this.bufferedChars = 0;
  }

  /** Writes the last buffer to disk as well, freeing its memory; no more values may be added. */
  seal(): void {
    this.finished = true;
    this.flush();
  }

  /** The sorted sources of this spill: its run files and its last buffer. No more values may be added. */
  sources(): AsyncIterable<string>[] {
    this.finished = true;
    this.buffer.sort();
    const last = this.buffer;
    return [...this.runs.map(readRun), arraySource(last)];
  }

  /** Every value of every given spill, in order (duplicates kept). */
  static merged(spills: SortedSpill[], maxOpen = 64): AsyncIterable<string> {
    const sources = spills.flatMap((s) => s.sources());
    const dir = spills[0]?.dir;
    return mergeMany(sources, maxOpen, dir, spills[0]?.name ?? 'merge');
  }

  /** Deletes the run files. */
  dispose(): void {
    for (const f of this.runs) fs.rmSync(f, { force: true });
    this.runs.length = 0;
    this.buffer = [];
  }
}

const escape = (v: string) => (/[\\\n\r]/.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r') : v);
const unescape = (v: string) => (v.includes('\\') ? v.replace(/\\(\\|n|r)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\')) : v);

function writeRun(file: string, sorted: string[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    // in slices, so one huge string is never built
    for (let i = 0; i < sorted.length; i += 10_000) {
      fs.writeSync(fd, sorted.slice(i, i + 10_000).map(escape).join('\n') + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
}

async function* readRun(file: string): AsyncGenerator<string> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 }), crlfDelay: Infinity });
  for await (const line of lines) yield unescape(line);
}

async function* arraySource(values: string[]): AsyncGenerator<string> {
  for (const v of values) yield v;
}

async function* mergeMany(sources: AsyncIterable<string>[], maxOpen: number, dir: string | undefined, name: string): AsyncGenerator<string> {
  let level = 0;
  // too many runs to hold open at once: merge them in groups into longer runs first
  while (sources.length > maxOpen && dir) {
    const next: AsyncIterable<string>[] = [];
    for (let i = 0; i < sources.length; i += maxOpen) {
      const file = path.join(dir, `${name}.m${level}.${i / maxOpen}.run`);
      const out = fs.createWriteStream(file, { encoding: 'utf8' });
      for await (const v of mergeSorted(sources.slice(i, i + maxOpen))) {
        if (!out.write(`${escape(v)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      next.push(readThenDelete(file));
    }
    sources = next;
    level++;
  }
  yield* mergeSorted(sources);
}

async function* readThenDelete(file: string): AsyncGenerator<string> {
  try {
    yield* readRun(file);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

interface Head {
  value: string;
  it: AsyncIterator<string>;
}

/** k-way merge of sorted sources through a binary heap of their current heads. */
export async function* mergeSorted(sources: AsyncIterable<string>[]): AsyncGenerator<string> {
  const heap: Head[] = [];
  const less = (i: number, j: number) => heap[i].value < heap[j].value;
  const swap = (i: number, j: number) => {
    const t = heap[i];
    heap[i] = heap[j];
    heap[j] = t;
  };
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(i, p)) return;
      swap(i, p);
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  for (const s of sources) {
    const it = s[Symbol.asyncIterator]();
    const first = await it.next();
    if (!first.done) {
      heap.push({ value: first.value, it });
      up(heap.length - 1);
    }
  }
  while (heap.length > 0) {
    const top = heap[0];
    yield top.value;
    const next = await top.it.next();
    if (next.done) {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    } else {
      top.value = next.value;
      down(0);
    }
  }
}
