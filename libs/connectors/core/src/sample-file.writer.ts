import { createWriteStream, type WriteStream } from 'fs';
import { once } from 'events';
import { finished } from 'stream/promises';
import * as iconv from 'iconv-lite';

/**
 * How sample generators write their files: text buffered into large writes, waiting whenever the disk falls
 * behind, so memory stays flat at any sample size. The bytes do not depend on where the buffer is flushed.
 */
export interface SampleFileOptions {
  /** what ends a row written with `row()`; default `\n` */
  eol?: '\n' | '\r\n';
  /** default utf-8; `windows-1252` as older Windows exporters write (characters outside it become `?`) */
  encoding?: 'utf-8' | 'windows-1252';
  /** characters buffered before a write; default 64 Ki */
  flushChars?: number;
}

export class SampleFileWriter {
  /** the physical line the next row starts on */
  line = 1;
  private buffer = '';
  private readonly out: WriteStream;
  private readonly eol: string;
  private readonly flushChars: number;
  private readonly encode: (text: string) => string | Buffer;

  constructor(path: string, options: SampleFileOptions = {}) {
    this.out = createWriteStream(path);
    this.eol = options.eol ?? '\n';
    this.flushChars = options.flushChars ?? 64 * 1024;
    this.encode = options.encoding === 'windows-1252' ? (text) => iconv.encode(text, 'win1252') : (text) => text;
  }

  /** text as it stands (the caller writes its own line ends) */
  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= this.flushChars) {
      const ok = this.out.write(this.encode(this.buffer));
      this.buffer = '';
      if (!ok) await once(this.out, 'drain');
    }
  }

  /** one row and its line end; `line` moves past every line break inside the row too */
  async row(text: string): Promise<void> {
    this.line++;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.line++;
    await this.write(`${text}${this.eol}`);
  }

  async end(): Promise<void> {
    this.out.end(this.encode(this.buffer));
    this.buffer = '';
    await finished(this.out);
  }

  destroy(): void {
    this.out.destroy();
  }
}

/** Opens a file, hands it to `write`, and closes it (or abandons it when `write` fails). */
export async function withSampleFile<T>(path: string, write: (out: SampleFileWriter) => Promise<T>, options?: SampleFileOptions): Promise<T> {
  const out = new SampleFileWriter(path, options);
  try {
    const result = await write(out);
    await out.end();
    return result;
  } catch (err) {
    out.destroy();
    throw err;
  }
}

const COMMA_QUOTED = /[",\r\n]/;
const SEMICOLON_QUOTED = /[;"\r\n]/;

/** A CSV field as exporters write it: quoted (quotes doubled) only when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return COMMA_QUOTED.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The same for files whose fields are separated by semicolons (European exporters). */
export function semicolonCsvField(value: string): string {
  return SEMICOLON_QUOTED.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
