import type { FileHandle } from 'fs/promises';

const LF = 10;
const CR = 13;
const BLOCK = 16 * 1024;
/** The most of one rejected line kept as its raw text; the rest is still skipped. */
const MAX_RAW_LINE = 64 * 1024;

export interface PhysicalLine {
  /** the line without its terminator, cut at MAX_RAW_LINE bytes */
  text: string;
  /** byte offset where the next line starts */
  next: number;
  /** no terminator: the file ends on this line */
  last: boolean;
}

/**
 * Walks physical lines on the bytes of a file, for the reader to step over a row the CSV parser could not
 * frame. Breaks are counted the way the reader counts them in parsed rows: LF always, and a CR not followed by
 * LF when the file's header ended in CR (CRLF and classic-Mac files).
 */
export class LineCursor {
  private buf = Buffer.allocUnsafe(BLOCK);
  /** file offset of buf[0] */
  private bufStart = 0;
  private bufLen = 0;
  private eof = false;

  constructor(
    private readonly fh: FileHandle,
    public offset: number,
    private readonly crBreaks: boolean,
  ) {
    this.bufStart = offset;
  }

  /** Makes buf hold the byte at `pos` and the one after it when the file has them; false past the end. */
  private async load(pos: number): Promise<boolean> {
    if (pos >= this.bufStart && pos + 1 < this.bufStart + this.bufLen) return true;
    if (this.eof && pos < this.bufStart + this.bufLen) return true;
    const { bytesRead } = await this.fh.read(this.buf, 0, BLOCK, pos);
    this.bufStart = pos;
    this.bufLen = bytesRead;
    this.eof = bytesRead < BLOCK;
    return bytesRead > 0;
  }

  /** Byte offset just past the next break from `from`, or null when the file ends first. */
  private async breakAfter(from: number): Promise<number | null> {
    let pos = from;
    for (;;) {
      if (!(await this.load(pos))) return null;
      const end = this.bufStart + this.bufLen;
      const buf = this.buf;
      if (!this.crBreaks) {
        const i = buf.subarray(0, this.bufLen).indexOf(LF, pos - this.bufStart);
        if (i !== -1) return this.bufStart + i + 1;
        if (this.eof) return null;
        pos = end;
        continue;
      }
      for (let i = pos - this.bufStart; i < this.bufLen; i++) {
        const b = buf[i];
        if (b === LF) return this.bufStart + i + 1;
        if (b === CR && this.crBreaks) {
          if (i + 1 < this.bufLen) {
            if (buf[i + 1] !== LF) return this.bufStart + i + 1;
          } else if (this.eof) {
            return this.bufStart + i + 1;
          } else {
            // CR is the last byte loaded: load again from it to see what follows.
            pos = this.bufStart + i;
            break;
          }
        }
        pos = this.bufStart + i + 1;
      }
      if (pos >= end && this.eof) return null;
    }
  }

  /** Steps over `count` lines; false when the file ended before. */
  async skip(count: number): Promise<boolean> {
    for (let n = 0; n < count; n++) {
      const next = await this.breakAfter(this.offset);
      if (next === null) return false;
      this.offset = next;
    }
    return true;
  }

  /** Reads the line at the cursor and moves past it; null at the end of the file. */
  async take(): Promise<PhysicalLine | null> {
    const start = this.offset;
    const next = await this.breakAfter(start);
    const end = next ?? (await this.fh.stat()).size;
    if (next === null && end <= start) return null;
    const length = Math.min(end - start, MAX_RAW_LINE);
    const bytes = Buffer.allocUnsafe(length);
    const { bytesRead } = await this.fh.read(bytes, 0, length, start);
    this.offset = end;
    return { text: bytes.subarray(0, bytesRead).toString('utf8').replace(/\r?\n$|\r$/, ''), next: end, last: next === null };
  }
}
