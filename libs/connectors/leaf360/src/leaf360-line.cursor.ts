import type { FileHandle } from 'fs/promises';

const LF = 10;
const CR = 13;
const BLOCK = 64 * 1024;
/** The most of one rejected line kept as its raw text; the rest is still skipped. */
const MAX_RAW_LINE = 64 * 1024;

export interface PhysicalLine {
  /** the line without its terminator, cut at MAX_RAW_LINE characters' worth of bytes */
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
  private readonly block = Buffer.allocUnsafe(BLOCK);

  constructor(
    private readonly fh: FileHandle,
    public offset: number,
    private readonly crBreaks: boolean,
  ) {}

  /** Byte offset just past the next break from `from`, or null when the file ends first. */
  private async breakAfter(from: number): Promise<number | null> {
    let pos = from;
    for (;;) {
      const { bytesRead } = await this.fh.read(this.block, 0, BLOCK, pos);
      if (bytesRead === 0) return null;
      const buf = this.block;
      if (!this.crBreaks) {
        const i = buf.subarray(0, bytesRead).indexOf(LF);
        if (i !== -1) return pos + i + 1;
        pos += bytesRead;
        continue;
      }
      let deferred = false;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i];
        if (b === LF) return pos + i + 1;
        if (b !== CR) continue;
        if (i + 1 < bytesRead) {
          if (buf[i + 1] !== LF) return pos + i + 1;
        } else if (bytesRead < BLOCK) {
          return pos + i + 1;
        } else {
          // CR at the end of a full block: read again from it to see what follows.
          pos += i;
          deferred = true;
          break;
        }
      }
      if (!deferred) pos += bytesRead;
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
    await this.fh.read(bytes, 0, length, start);
    this.offset = end;
    return { text: bytes.toString('utf8').replace(/\r?\n$|\r$/, ''), next: end, last: next === null };
  }
}
