const LF = 10;
const CR = 13;
const QUOTE = 34;
const BOM = [0xef, 0xbb, 0xbf];

/** A row longer than this is refused: a quote that never closes would otherwise buffer the rest of the file. */
export const MAX_ROW_BYTES = 1024 * 1024;
/** The most of a refused row kept as its raw text. */
const MAX_RAW_BYTES = 16 * 1024;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
}

export interface FramedRow {
  kind: 'row';
  /** physical line the row starts on */
  line: number;
  /** physical lines it spans */
  lines: number;
  /** the row's bytes are data[start, end), terminator included; data[start, contentEnd) without it */
  data: Buffer;
  start: number;
  end: number;
  contentEnd: number;
  /** values in the row when it was scanned for quotes, -1 when it holds no quote (split it on the delimiter) */
  fields: number;
}

export type FramingProblem = 'misplaced-quote' | 'unclosed-quote' | 'too-long';

export interface FramedReject {
  kind: 'bad';
  line: number;
  problem: FramingProblem;
  detail?: string;
  /** the first line of the row, without its terminator, as bytes (the reader decodes them) */
  raw: Buffer;
}

export type FramedItem = FramedRow | FramedReject;

type Scan =
  | { kind: 'row'; end: number; lines: number; fields: number }
  | { kind: 'bad'; problem: 'misplaced-quote' | 'unclosed-quote'; lines: number; fields: number }
  | { kind: 'more' };

const MORE: Scan = { kind: 'more' };

/**
 * Splits CSV bytes into rows and checks their quoting, so the parser behind it only ever sees well-formed
 * rows. Quote rules are csv-parse's strict ones: a quote opens a value only as its first character, "" inside
 * a quoted value is a quote, and a closing quote is followed by the delimiter or the end of the row. A
 * misplaced quote rejects its line; a quote that runs past its line and then breaks a rule, runs longer than
 * MAX_ROW_BYTES or to the end of the file, or leaves the row the wrong width, rejects only the line it opened
 * on, and framing resumes on the next line. Blank lines are skipped. Lines end in LF or CRLF, or in CR when
 * the first line does. Works on bytes: the delimiter, quote and line breaks are the same single bytes in
 * UTF-8 and Windows-1252, so decoding waits until a row is known to be good.
 */
export class CsvRowFramer {
  private data: Buffer = Buffer.alloc(0);
  private pos = 0;
  private line = 1;
  private eof = false;
  private started = false;
  private skipping = false;
  /** the next quote at or after pos in data, -1 for none, cached: rows without quotes are the common case */
  private quoteAt = -1;
  private quoteFrom = Number.MAX_SAFE_INTEGER;
  /** the byte that ends a line: LF, or CR in a CR-only file */
  private brk = LF;
  private readonly delim: number;
  /** values in the header, the first row; a multi-line row of another width is a runaway quote */
  width: number | null = null;

  constructor(delimiter = ',') {
    if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new Error(`CSV delimiter must be one ASCII character other than a quote or line break, not ${JSON.stringify(delimiter)}`);
    }
    this.delim = delimiter.charCodeAt(0);
  }

  get crOnly(): boolean {
    return this.brk === CR;
  }

  push(chunk: Buffer): void {
    this.data = this.pos < this.data.length ? Buffer.concat([this.data.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    this.quoteFrom = Number.MAX_SAFE_INTEGER;
  }

  end(): void {
    this.eof = true;
  }

  /** The next row or reject, or null when more bytes are needed (or, after end(), when the file is done). */
  next(): FramedItem | null {
    for (;;) {
      const d = this.data;
      if (this.skipping) {
        const b = d.indexOf(this.brk, this.pos);
        if (b === -1) {
          this.pos = d.length;
          return null;
        }
        this.pos = b + 1;
        this.line++;
        this.skipping = false;
      }
      if (!this.started && !this.start()) return null;
      const start = this.pos;
      if (start >= d.length) return null;
      const brk = d.indexOf(this.brk, start);
      if (brk === -1 && !this.eof) {
        if (d.length - start <= MAX_ROW_BYTES) return null;
        this.skipping = true;
        this.pos = d.length;
        return this.reject(start, d.length, 'too-long', `the line is longer than ${MAX_ROW_BYTES / 1024 / 1024} MiB`);
      }
      const lineEnd = brk === -1 ? d.length : brk;
      const end = brk === -1 ? d.length : brk + 1;
      if (lineEnd - start > MAX_ROW_BYTES) {
        return this.runaway(start, lineEnd, end, 'too-long', `the line is longer than ${MAX_ROW_BYTES / 1024 / 1024} MiB`);
      }
      const contentEnd = this.contentEnd(start, lineEnd);
      if (contentEnd === start || this.whitespaceOnly(start, contentEnd)) {
        this.pos = end;
        this.line++;
        continue;
      }
      if (start < this.quoteFrom || (this.quoteAt !== -1 && this.quoteAt < start)) {
        this.quoteAt = d.indexOf(QUOTE, start);
        this.quoteFrom = start;
      }
      const quote = this.quoteAt;
      if (this.width !== null && (quote === -1 || quote >= lineEnd)) {
        return this.row(start, end, contentEnd, 1, -1);
      }
      const scan = this.scan(start);
      if (scan.kind === 'more') {
        if (d.length - start <= MAX_ROW_BYTES) return null;
        return this.runaway(start, lineEnd, end, 'unclosed-quote', `it runs on for more than ${MAX_ROW_BYTES / 1024 / 1024} MiB`);
      }
      if (scan.kind === 'bad') {
        if (scan.lines > 1) return this.runaway(start, lineEnd, end, 'unclosed-quote');
        return this.runaway(start, lineEnd, end, scan.problem);
      }
      if (this.width === null) this.width = scan.fields;
      else if (scan.lines > 1 && scan.fields !== this.width) {
        return this.runaway(
          start,
          lineEnd,
          end,
          'unclosed-quote',
          `the row ran on for ${scan.lines} lines and then had ${scan.fields} values where the header has ${this.width}`,
        );
      }
      const rowEnd = this.terminatorStart(start, scan.end);
      return this.row(start, scan.end, this.contentEnd(start, rowEnd), scan.lines, quote === -1 || quote >= rowEnd ? -1 : scan.fields);
    }
  }

  /** Skips a BOM and learns the line ending from the first line; false until there are bytes enough. */
  private start(): boolean {
    const d = this.data;
    if (d.length < 3 && !this.eof) return false;
    if (d.length >= 3 && d[0] === BOM[0] && d[1] === BOM[1] && d[2] === BOM[2]) this.pos = 3;
    const lf = d.indexOf(LF, this.pos);
    const cr = d.indexOf(CR, this.pos);
    if (lf === -1 && cr === -1 && !this.eof) return false;
    if (cr !== -1 && (lf === -1 || cr < lf)) {
      if (cr + 1 >= d.length && !this.eof) return false;
      if (d[cr + 1] !== LF) this.brk = CR;
    }
    this.started = true;
    return true;
  }

  private whitespaceOnly(start: number, end: number): boolean {
    const d = this.data;
    for (let i = start; i < end; i++) if (d[i] !== 32 && d[i] !== 9) return false;
    return true;
  }

  private contentEnd(start: number, lineEnd: number): number {
    return this.brk === LF && lineEnd > start && this.data[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
  }

  /** Where the terminator of a row ending at `end` starts (end itself when the file ends without one). */
  private terminatorStart(start: number, end: number): number {
    return end > start && this.data[end - 1] === this.brk ? end - 1 : end;
  }

  private row(start: number, end: number, contentEnd: number, lines: number, fields: number): FramedRow {
    const item: FramedRow = { kind: 'row', line: this.line, lines, data: this.data, start, end, contentEnd, fields };
    this.pos = end;
    this.line += end > start && this.data[end - 1] === this.brk ? lines : lines - 1;
    return item;
  }

  /** Rejects the first line of the row at `start` and resumes framing on the line after it. */
  private runaway(start: number, lineEnd: number, end: number, problem: FramingProblem, detail?: string): FramedReject {
    const item = this.reject(start, lineEnd, problem, detail);
    this.pos = end;
    this.line++;
    return item;
  }

  private reject(start: number, lineEnd: number, problem: FramingProblem, detail?: string): FramedReject {
    const contentEnd = Math.min(this.contentEnd(start, lineEnd), start + MAX_RAW_BYTES);
    // A copy: the framer's buffer is reused once the reader moves on.
    return { kind: 'bad', line: this.line, problem, detail, raw: Buffer.from(this.data.subarray(start, contentEnd)) };
  }

  /** Walks one row from `start`, across lines while a quoted value is open. */
  private scan(start: number): Scan {
    const d = this.data;
    const len = d.length;
    const brk = this.brk;
    const delim = this.delim;
    let i = start;
    let state = State.FieldStart;
    let fields = 1;
    let lines = 1;
    for (;;) {
      if (state === State.Quoted) {
        const q = d.indexOf(QUOTE, i);
        const stop = q === -1 ? len : q;
        for (let b = d.indexOf(brk, i); b !== -1 && b < stop; b = d.indexOf(brk, b + 1)) lines++;
        if (stop - start > MAX_ROW_BYTES && lines > 1) return { kind: 'bad', problem: 'unclosed-quote', lines, fields };
        if (q === -1) return this.eof ? { kind: 'bad', problem: 'unclosed-quote', lines, fields } : MORE;
        if (q + 1 >= len) return this.eof ? { kind: 'row', end: len, lines, fields } : MORE;
        const n = d[q + 1];
        if (n === QUOTE) {
          i = q + 2;
          continue;
        }
        if (n === delim) {
          fields++;
          state = State.FieldStart;
          i = q + 2;
          continue;
        }
        if (n === brk) return { kind: 'row', end: q + 2, lines, fields };
        if (n === CR && brk === LF) {
          if (q + 2 >= len) return this.eof ? { kind: 'bad', problem: 'misplaced-quote', lines, fields } : MORE;
          if (d[q + 2] === LF) return { kind: 'row', end: q + 3, lines, fields };
        }
        return { kind: 'bad', problem: 'misplaced-quote', lines, fields };
      }
      if (i >= len) return this.eof ? { kind: 'row', end: len, lines, fields } : MORE;
      const c = d[i];
      if (c === QUOTE) {
        if (state !== State.FieldStart) return { kind: 'bad', problem: 'misplaced-quote', lines, fields };
        state = State.Quoted;
      } else if (c === delim) {
        fields++;
        state = State.FieldStart;
      } else if (c === brk) {
        return { kind: 'row', end: i + 1, lines, fields };
      } else {
        state = State.Unquoted;
      }
      i++;
    }
  }
}
