import * as fs from 'fs';
import * as path from 'path';
import type { DroppedValue, WriteItem, WriteResult } from '@ferry/destinations/core';

/**
 * File columns (`type: file` in the map) travel through Kafka as the file's path inside the export folder, never as
 * its bytes (or, for content the map made from text, as a `data:` URI): the loader reads a file only just before the write that needs it, in groups whose bodies together stay
 * under a byte budget, so a chunk of large attachments never holds more than that budget in memory.
 */
export interface FileGroup {
  items: WriteItem[];
  /** records refused before any write (no such file, a path leaving the export folder) */
  rejected: WriteResult[];
  /** bodies over the destination's limit: the column goes empty and the file is listed in the manifest */
  dropped: Map<string, DroppedValue[]>;
}

export class FileBodies {
  constructor(
    /** the export folder file paths are relative to; null when the source is read through its API */
    private readonly root: string | null,
    /** the destination's limit on one body, on its base64 form; null: no limit */
    private readonly maxBytes: number | null,
    /** bytes of file content read for one write call at most */
    private readonly budgetBytes = 32 * 1024 * 1024,
  ) {}

  /** The items in the order given, split where the next file would take a group over the byte budget. */
  groups(items: WriteItem[], fileColumns: string[]): WriteItem[][] {
    const out: WriteItem[][] = [];
    let current: WriteItem[] = [];
    let bytes = 0;
    for (const item of items) {
      const size = fileColumns.reduce((n, c) => n + this.sizeOf(item.columns[c]?.value), 0);
      if (current.length && bytes + size > this.budgetBytes) {
        out.push(current);
        current = [];
        bytes = 0;
      }
      current.push(item);
      bytes += size;
    }
    if (current.length) out.push(current);
    return out;
  }

  /** Reads the bodies of one group: every file column's path becomes its base64 content. */
  read(entity: string, items: WriteItem[], fileColumns: string[]): FileGroup {
    const group: FileGroup = { items: [], rejected: [], dropped: new Map() };
    next: for (const item of items) {
      const columns = { ...item.columns };
      for (const column of fileColumns) {
        const c = columns[column];
        if (!c || c.value === null || c.value === undefined || c.value === '') continue;
        const rel = String(c.value);
        const where = `${entity} ${item.key}: ${column} names the file "${rel}"`;
        const inline = dataUri(rel);
        if (inline !== null) {
          // Content the map made from text (a note as a document): no file to read, the same size limit.
          if (this.maxBytes !== null && inline.length > this.maxBytes) {
            const drop = { column, fileName: null, bytes: inline.length, limitBytes: this.maxBytes, reason: `the content is ${inline.length} bytes as base64; the destination takes ${this.maxBytes} at most` };
            group.dropped.set(item.key, [...(group.dropped.get(item.key) ?? []), drop]);
            columns[column] = { type: c.type, value: null, omitted: drop };
          } else {
            columns[column] = { type: c.type, value: inline };
          }
          continue;
        }
        if (this.root === null) {
          group.rejected.push({ key: item.key, ok: false, code: 'FILE_UNAVAILABLE', message: `${where}, but file bodies are read from an export folder and this migration reads the source's API; run it from an export (FERRY_EXPORT_DIR) to move files` });
          continue next;
        }
        const file = this.resolve(rel);
        if (!file) {
          group.rejected.push({ key: item.key, ok: false, code: 'FILE_OUTSIDE_EXPORT', message: `${where}, which is not inside the export folder; only files under ${this.root} are read` });
          continue next;
        }
        let bytes: number;
        try {
          bytes = fs.statSync(file).size;
        } catch {
          group.rejected.push({ key: item.key, ok: false, code: 'FILE_NOT_FOUND', message: `${where}, which the export does not hold (${file}); put the file there and redrive the record (ferry dlq redrive)` });
          continue next;
        }
        const encoded = Math.ceil(bytes / 3) * 4;
        if (this.maxBytes !== null && encoded > this.maxBytes) {
          const drop = { column, fileName: path.basename(rel), bytes: encoded, limitBytes: this.maxBytes, reason: `the file is ${encoded} bytes as base64 (${bytes} on disk); the destination takes ${this.maxBytes} at most` };
          group.dropped.set(item.key, [...(group.dropped.get(item.key) ?? []), drop]);
          columns[column] = { type: c.type, value: null, omitted: drop };
          continue;
        }
        columns[column] = { type: c.type, value: fs.readFileSync(file).toString('base64') };
      }
      group.items.push({ ...item, columns });
    }
    return group;
  }

  private sizeOf(value: unknown): number {
    if (typeof value !== 'string' || value === '') return 0;
    const inline = dataUri(value);
    if (inline !== null) return Math.floor((inline.length * 3) / 4);
    if (this.root === null) return 0;
    const file = this.resolve(value);
    if (!file) return 0;
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  }

  /** The absolute path of a file named relative to the export folder; null when it would leave the folder. */
  private resolve(rel: string): string | null {
    const root = path.resolve(this.root!);
    const file = path.resolve(root, rel);
    return file === root || !file.startsWith(root + path.sep) ? null : file;
  }
}

/** The base64 body of a `data:` URI (`data:<type>[;base64],<data>`), or null when the value is a path. */
export function dataUri(value: string): string | null {
  const m = /^data:([^,]*),/.exec(value);
  if (!m) return null;
  const data = value.slice(m[0].length);
  return m[1].split(';').includes('base64') ? data : Buffer.from(decodeURIComponent(data), 'utf8').toString('base64');
}
