import { createReadStream } from 'fs';
import { open, type FileHandle } from 'fs/promises';
import { Readable } from 'stream';
import { createInflateRaw } from 'zlib';

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_COMMENT = 0xffff;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeader: number;
}

/**
 * The entries of a ZIP archive, read through its central directory, each opened as its own stream on
 * demand. An XLSX file is a ZIP; reading it this way finds the workbook's parts wherever the writer put them
 * and never waits on a one-pass parse of the whole archive.
 */
export class ZipArchive {
  private constructor(
    private readonly file: string,
    private readonly size: number,
    readonly entries: Map<string, ZipEntry>,
  ) {}

  static async open(file: string): Promise<ZipArchive> {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      const tailLength = Math.min(size, 22 + MAX_COMMENT);
      const tail = await readAt(fh, size - tailLength, tailLength);
      let eocd = -1;
      for (let i = tail.length - 22; i >= 0; i--) {
        if (tail.readUInt32LE(i) === EOCD) {
          eocd = i;
          break;
        }
      }
      if (eocd === -1) throw new Error('not a ZIP archive (no end-of-central-directory record; the file may be cut short)');
      let count = tail.readUInt16LE(eocd + 10);
      let cdSize = tail.readUInt32LE(eocd + 12);
      let cdOffset = tail.readUInt32LE(eocd + 16);
      if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
        const locatorAt = eocd - 20;
        if (locatorAt < 0 || tail.readUInt32LE(locatorAt) !== ZIP64_LOCATOR) throw new Error('ZIP64 archive without its locator record');
        const recordOffset = Number(tail.readBigUInt64LE(locatorAt + 8));
        const record = await readAt(fh, recordOffset, 56);
        if (record.readUInt32LE(0) !== ZIP64_EOCD) throw new Error('ZIP64 end-of-central-directory record missing');
        count = Number(record.readBigUInt64LE(32));
        cdSize = Number(record.readBigUInt64LE(40));
        cdOffset = Number(record.readBigUInt64LE(48));
      }
      if (cdOffset + cdSize > size) throw new Error('the central directory lies beyond the end of the file (the file is cut short)');
      const cd = await readAt(fh, cdOffset, cdSize);
      const entries = new Map<string, ZipEntry>();
      let p = 0;
      for (let n = 0; n < count; n++) {
        if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new Error(`central directory entry ${n + 1} is damaged`);
        const method = cd.readUInt16LE(p + 10);
        let compressedSize = cd.readUInt32LE(p + 20);
        let uncompressed = cd.readUInt32LE(p + 24);
        const nameLength = cd.readUInt16LE(p + 28);
        const extraLength = cd.readUInt16LE(p + 30);
        const commentLength = cd.readUInt16LE(p + 32);
        let localHeader = cd.readUInt32LE(p + 42);
        const name = cd.toString('utf8', p + 46, p + 46 + nameLength);
        // ZIP64 sizes and offset, in that order, for each field that overflowed.
        let e = p + 46 + nameLength;
        const extraEnd = e + extraLength;
        while (e + 4 <= extraEnd) {
          const id = cd.readUInt16LE(e);
          const len = cd.readUInt16LE(e + 2);
          if (id === 0x0001) {
            let q = e + 4;
            if (uncompressed === 0xffffffff) (uncompressed = Number(cd.readBigUInt64LE(q))), (q += 8);
            if (compressedSize === 0xffffffff) (compressedSize = Number(cd.readBigUInt64LE(q))), (q += 8);
            if (localHeader === 0xffffffff) localHeader = Number(cd.readBigUInt64LE(q));
          }
          e += 4 + len;
        }
        entries.set(name, { name, method, compressedSize, size: uncompressed, localHeader });
        p = extraEnd + commentLength;
      }
      return new ZipArchive(file, size, entries);
    } finally {
      await fh.close();
    }
  }

  /** The entry's contents as UTF-8 text chunks (decoded across chunk boundaries), inflated as they are read. */
  async text(name: string): Promise<Readable> {
    const entry = this.entries.get(name);
    if (!entry) throw new Error(`the archive has no ${name}`);
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${name} is compressed with method ${entry.method}, which is not Deflate`);
    const fh = await open(this.file, 'r');
    let header: Buffer;
    try {
      header = await readAt(fh, entry.localHeader, 30);
    } finally {
      await fh.close();
    }
    if (header.readUInt32LE(0) !== LOCAL) throw new Error(`the local header of ${name} is damaged`);
    const start = entry.localHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.size) throw new Error(`${name} runs past the end of the file (the file is cut short)`);
    if (entry.compressedSize === 0) return Readable.from([]);
    const raw = createReadStream(this.file, { start, end: start + entry.compressedSize - 1, highWaterMark: 256 * 1024 });
    if (entry.method === 0) {
      raw.setEncoding('utf8');
      return raw;
    }
    // zlib's default 16 KiB pieces: bigger ones make exceljs's XML pass slower (measured: 32 KiB +4%, 128 KiB 2.4x the CPU).
    const inflate = createInflateRaw();
    raw.on('error', (e) => inflate.destroy(e));
    raw.pipe(inflate);
    inflate.setEncoding('utf8');
    return inflate;
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error('the file ends inside a ZIP record (it is cut short)');
    done += bytesRead;
  }
  return buf;
}
