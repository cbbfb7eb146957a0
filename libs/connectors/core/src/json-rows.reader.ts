import { open } from 'fs/promises';
import { StringDecoder } from 'string_decoder';
import { MAX_ROW_BYTES } from './csv-row.framer';
import type { ExportRow, ExportRowsOptions } from './export-rows.reader';
import { at } from './export-position';
import { JsonAssembler, jsonTokenizer, tokenizerProblem, type JsonToken, type JsonTokenizer } from './json-tokens.loader';
import type { ExportLocation } from './source.connector';

const CHUNK_BYTES = 256 * 1024;
const MAX_RAW = 16 * 1024;

type Reject = Extract<ExportRow, { kind: 'reject' }>;

const enum Phase {
  /** walking down to the array */
  Seeking,
  /** inside the array: each value at its depth is an item */
  Items,
  /** the array has ended; the rest of the document is not read */
  After,
}

/**
 * Streams the items of a JSON export: the array that is the document, or the one under `location.arrayPath`
 * (a property of the top-level object, dotted for deeper ones: "data.contacts"). Items are numbered from 1;
 * an item that is not an object is rejected on its own. Invalid JSON stops the file with one BAD_JSON reject
 * naming the byte offset: after a syntax error nothing further can be trusted.
 */
export async function* readJsonRows(file: string, location: ExportLocation, options: ExportRowsOptions = {}): AsyncGenerator<ExportRow[]> {
  const fromPosition = options.fromPosition ?? 1;
  const path = location.arrayPath ? location.arrayPath.split('.') : [];
  const fh = await open(file, 'r');
  const tokenizer = jsonTokenizer();
  const decoder = new StringDecoder('utf8');
  const assembler = new JsonAssembler();
  let phase = Phase.Seeking as Phase;
  /** containers open around the current token, and in Seeking how many of them are on the path */
  let depth = 0;
  let onPath = 0;
  /** Seeking: the key just read at the depth of the path, and whether it is the next path segment */
  let pendingKey: string | null = null;
  /** Items: the depth of the array, the current item's index and whether it is being skipped */
  let arrayDepth = 0;
  let index = 0;
  let skipping = false;
  const topKeys: string[] = [];
  let fileOffset = 0;
  let firstToken = true;
  const out: ExportRow[] = [];

  const stopWith = (reason: string, line = 0): Reject => ({ kind: 'reject', line, code: 'BAD_JSON', reason: `${at(location, line)}: ${reason}`, raw: null });

  /** Handles one token; returns a reject that stops the file, or null. */
  const token = (t: JsonToken): Reject | null => {
    const opens = t.name === 'startObject' || t.name === 'startArray';
    const closes = t.name === 'endObject' || t.name === 'endArray';
    if (firstToken) {
      firstToken = false;
      if (path.length === 0 && t.name !== 'startArray') {
        return stopWith('the document is not an array of items; if the items sit under a property, name it as the export location\'s arrayPath');
      }
      if (path.length > 0 && t.name !== 'startObject') {
        return stopWith(`the document is not an object, so it has no "${path.join('.')}" property holding the items`);
      }
    }
    if (phase === Phase.Items) {
      if (depth === arrayDepth) {
        if (t.name === 'endArray') {
          depth--;
          phase = Phase.After;
          return null;
        }
        index++;
        skipping = index < fromPosition;
        if (!skipping) assembler.reset();
      }
      if (opens) depth++;
      else if (closes) depth--;
      if (!skipping) {
        assembler.consume(t);
        if (assembler.done) {
          const v = assembler.value;
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push({ kind: 'row', line: index, values: v as Record<string, unknown>, raw: null });
          else {
            out.push({
              kind: 'reject',
              line: index,
              code: 'BAD_JSON',
              reason: `${at(location, index)}: the item is ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}, not an object; it was skipped`,
              raw: truncate(JSON.stringify(v)),
            });
          }
        }
      }
      return null;
    }
    if (phase === Phase.After) return null;
    // Seeking the array.
    if (path.length === 0) {
      depth = 1;
      arrayDepth = 1;
      phase = Phase.Items;
      return null;
    }
    if (t.name === 'keyValue' && depth === onPath + 1) {
      if (depth === 1 && topKeys.length < 20) topKeys.push(t.value as string);
      pendingKey = t.value as string;
      return null;
    }
    const valueOnPath = depth === onPath + 1 && pendingKey === path[onPath];
    if (depth === onPath + 1) pendingKey = null;
    if (valueOnPath) {
      const last = onPath === path.length - 1;
      if (last && t.name === 'startArray') {
        depth++;
        arrayDepth = depth;
        phase = Phase.Items;
        return null;
      }
      if (!last && t.name === 'startObject') {
        depth++;
        onPath++;
        return null;
      }
      return stopWith(`"${path.slice(0, onPath + 1).join('.')}" is ${describe(t)}, not ${last ? 'an array of items' : 'an object'}`);
    }
    if (opens) depth++;
    else if (closes) {
      depth--;
      // Leaving an object on the path without finding the array: look again from the one around it.
      if (depth <= onPath) onPath = Math.max(0, depth - 1);
    }
    return null;
  };

  try {
    let chunkNo = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await fh.read(chunk, 0, CHUNK_BYTES, fileOffset);
      let text = bytesRead > 0 ? decoder.write(chunk.subarray(0, bytesRead)) : decoder.end();
      if (chunkNo === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let tokens: JsonToken[];
      try {
        tokens = bytesRead > 0 ? tokenizer.write(text) : [...tokenizer.write(text), ...tokenizer.end()];
      } catch (e) {
        // The tokens this chunk held before the error are lost with the tokenizer's state: replay the file
        // up to the chunk, then feed the chunk a character at a time, taking its tokens until the error.
        const replayed = await replayToError(file, fileOffset, bytesRead);
        for (const t of replayed.tokens) {
          const stop = token(t);
          if (stop) {
            yield [...out.splice(0), stop];
            return;
          }
        }
        if (firstToken && bytesRead === 0) {
          yield [...out.splice(0), stopWith('the file holds no JSON value')];
          return;
        }
        const where = replayed.error ?? { offset: fileOffset + bytesRead, line: 0, column: 0 };
        const reason =
          `invalid JSON at byte offset ${where.offset}${where.line > 0 ? ` (line ${where.line}, column ${where.column})` : ''}: ${tokenizerProblem(replayed.problem ?? e)}; ` +
          `${phase === Phase.Items ? `items up to ${index - 1} were read, ` : ''}nothing after it can be read, so fix the file and export it again`;
        yield [...out.splice(0), stopWith(reason, phase === Phase.Items ? index : 0)];
        return;
      }
      fileOffset += bytesRead;
      chunkNo++;
      for (let i = 0; i < tokens.length; i++) {
        const stop = token(tokens[i]);
        if (stop) {
          yield [...out.splice(0), stop];
          return;
        }
      }
      if (out.length > 0) yield out.splice(0);
      if (phase === Phase.After || bytesRead === 0) break;
    }
    if (firstToken) {
      yield [stopWith('the file holds no JSON value')];
    } else if (phase === Phase.Seeking) {
      yield [stopWith(`the top-level object has no "${path.join('.')}" array of items (its properties: ${topKeys.join(', ') || 'none'})`)];
    }
  } finally {
    await fh.close();
  }
}

/**
 * Replays the file up to the failing chunk (discarding tokens already handled), then feeds that chunk a
 * character at a time: returns the chunk's tokens before the error and where the tokenizer gave up.
 */
async function replayToError(
  file: string,
  chunkOffset: number,
  chunkBytes: number,
): Promise<{ tokens: JsonToken[]; error: { offset: number; line: number; column: number } | null; problem: unknown }> {
  const fh = await open(file, 'r');
  try {
    const tokenizer: JsonTokenizer = jsonTokenizer();
    const decoder = new StringDecoder('utf8');
    let offset = 0;
    let line = 1;
    let column = 1;
    const track = (s: string) => {
      for (let i = 0; i < s.length; i++) {
        if (s.charCodeAt(i) === 10) {
          line++;
          column = 1;
        } else column++;
      }
    };
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let first = true;
    while (offset < chunkOffset) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK_BYTES, chunkOffset - offset), offset);
      let text = decoder.write(buf.subarray(0, bytesRead));
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
      tokenizer.write(text);
      track(text);
      offset += bytesRead;
    }
    const tokens: JsonToken[] = [];
    const { bytesRead } = await fh.read(buf, 0, chunkBytes, chunkOffset);
    const tail = bytesRead > 0 ? decoder.write(buf.subarray(0, bytesRead)) : decoder.end();
    let i = first && tail.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (i === 1) offset += 3;
    for (; i < tail.length; i++) {
      const cp = tail.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      try {
        for (const t of tokenizer.write(ch)) tokens.push(t);
      } catch (problem) {
        return { tokens, error: { offset, line, column }, problem };
      }
      track(ch);
      offset += Buffer.byteLength(ch);
      if (cp > 0xffff) i++;
    }
    if (bytesRead === 0) {
      try {
        for (const t of tokenizer.end()) tokens.push(t);
      } catch (problem) {
        return { tokens, error: { offset, line, column }, problem };
      }
    }
    return { tokens, error: null, problem: null };
  } finally {
    await fh.close();
  }
}

function describe(t: JsonToken): string {
  switch (t.name) {
    case 'startObject':
      return 'an object';
    case 'startArray':
      return 'an array';
    case 'stringValue':
      return 'a string';
    case 'numberValue':
      return 'a number';
    case 'nullValue':
      return 'null';
    default:
      return 'a boolean';
  }
}

function truncate(s: string | undefined): string | null {
  if (s === undefined) return null;
  return s.length > MAX_RAW ? s.slice(0, MAX_RAW) : s;
}

/**
 * Streams an NDJSON export: one JSON object per line, numbered by physical line. A line that is not valid
 * JSON, or not an object, is one BAD_JSON reject and the next line is read; blank lines are skipped. Lines
 * over 1 MiB are refused like CSV rows.
 */
export async function* readNdjsonRows(file: string, location: ExportLocation, options: ExportRowsOptions = {}): AsyncGenerator<ExportRow[]> {
  const fromPosition = options.fromPosition ?? 1;
  const fh = await open(file, 'r');
  const assembler = new JsonAssembler();
  let carry: Buffer | null = null;
  let position = 0;
  let line = 1;
  let skippingLong = false;
  try {
    for (;;) {
      const batch: ExportRow[] = [];
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await fh.read(chunk, 0, CHUNK_BYTES, position);
      position += bytesRead;
      const eof = bytesRead === 0;
      let data: Buffer = carry ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      carry = null;
      let start = 0;
      if (line === 1 && position === bytesRead && data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) start = 3;
      for (;;) {
        let nl = data.indexOf(10, start);
        if (nl === -1) {
          if (!eof) {
            if (skippingLong) {
              start = data.length;
            } else if (data.length - start > MAX_ROW_BYTES) {
              if (line >= fromPosition) batch.push(tooLong(location, line, data.subarray(start, start + MAX_RAW).toString('utf8')));
              skippingLong = true;
              start = data.length;
            }
            break;
          }
          if (start >= data.length) break;
          nl = data.length;
        }
        const lineNo = line++;
        const wasSkipping = skippingLong;
        skippingLong = false;
        let end = nl;
        if (end > start && data[end - 1] === 13) end--;
        const lineStart = start;
        start = nl + 1;
        if (wasSkipping || lineNo < fromPosition) continue;
        if (end - lineStart > MAX_ROW_BYTES) {
          batch.push(tooLong(location, lineNo, data.subarray(lineStart, lineStart + MAX_RAW).toString('utf8')));
          continue;
        }
        const text = data.toString('utf8', lineStart, end);
        if (text.trim() === '') continue;
        batch.push(ndjsonLine(location, lineNo, text, assembler));
      }
      if (batch.length > 0) yield batch;
      if (eof) break;
      if (start < data.length) carry = Buffer.from(data.subarray(start));
    }
  } finally {
    await fh.close();
  }
}

function tooLong(location: ExportLocation, line: number, raw: string): Reject {
  return { kind: 'reject', line, code: 'ROW_TOO_LONG', reason: `${at(location, line)}: the line is longer than ${MAX_ROW_BYTES / 1024 / 1024} MiB; it was skipped`, raw };
}

function ndjsonLine(location: ExportLocation, line: number, text: string, assembler: JsonAssembler): ExportRow {
  assembler.reset();
  const tokenizer = jsonTokenizer(true);
  let problem: string | null = null;
  try {
    for (const t of tokenizer.write(text)) {
      if (assembler.done) throw new Error('Parser cannot parse input: more than one JSON value on the line');
      assembler.consume(t);
    }
    for (const t of tokenizer.end()) {
      if (assembler.done) throw new Error('Parser cannot parse input: more than one JSON value on the line');
      assembler.consume(t);
    }
  } catch (e) {
    problem = tokenizerProblem(e);
  }
  const v = assembler.value;
  if (problem === null && v !== null && typeof v === 'object' && !Array.isArray(v)) return { kind: 'row', line, values: v as Record<string, unknown>, raw: text };
  const what = problem !== null ? `is not valid JSON (${problem})` : `holds ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}, not an object`;
  return { kind: 'reject', line, code: 'BAD_JSON', reason: `${at(location, line)}: the line ${what}; it was skipped`, raw: text.length > MAX_RAW ? text.slice(0, MAX_RAW) : text };
}
