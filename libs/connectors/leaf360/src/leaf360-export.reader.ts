import { open } from 'fs/promises';
import { basename } from 'path';
import { Parser } from 'csv-parse';
import { LineCursor } from './leaf360-line.cursor';
import {
  LEAF360_COLUMNS,
  type Leaf360ColumnSpec,
  type Leaf360Object,
  type Leaf360RecordByObject,
} from './leaf360.records';
import { parseDate, parseMoney, parseTimestamp, type Parsed } from './leaf360-values.parser';

export type Leaf360RejectCode =
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'CSV_BAD_QUOTE'
  | 'CSV_FIELD_COUNT'
  | 'MISSING_VALUE'
  | 'BAD_DATE'
  | 'BAD_DECIMAL';

export interface Leaf360RecordItem<R> {
  kind: 'record';
  /** 1-based physical line where the row starts */
  line: number;
  record: R;
  /** the row as written, without its line terminator (may span lines) */
  raw: string;
}

export interface Leaf360RejectItem {
  kind: 'reject';
  line: number;
  code: Leaf360RejectCode;
  /** one sentence naming file, line and what to fix */
  reason: string;
  raw: string | null;
}

export type Leaf360ReadItem<R> = Leaf360RecordItem<R> | Leaf360RejectItem;

export interface ReadLeaf360Options {
  /** rows starting before this line are skipped (a restarted extractor's checkpoint); default 1 */
  fromLine?: number;
}

/** Reads start small after a restart (the next bad row may be close) and grow to the full chunk. */
const FIRST_CHUNK_BYTES = 16 * 1024;
const CHUNK_BYTES = 128 * 1024;
/** A row longer than this is taken for a quote that never closes (it would otherwise swallow the file). */
const MAX_RECORD_BYTES = 1024 * 1024;
const LF = 10;
const CR = 13;

const QUOTE_ERRORS = new Set([
  'INVALID_OPENING_QUOTE',
  'CSV_INVALID_CLOSING_QUOTE',
  'CSV_QUOTE_NOT_CLOSED',
  'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE',
  'CSV_MAX_RECORD_SIZE',
]);
const RUNAWAY_ERRORS = new Set(['CSV_QUOTE_NOT_CLOSED', 'CSV_MAX_RECORD_SIZE']);

interface ParsedRow {
  record: string[];
  raw: string;
}

interface Plan {
  width: number;
  columns: Array<{ spec: Leaf360ColumnSpec; index: number }>;
  custom: Array<{ name: string; index: number }>;
}

/** Why the current parser was abandoned: the row starting at `line` is rejected and reading resumes after it. */
interface Derail {
  /** first line that may hold the bad row (blank lines before it are stepped over) */
  from: number;
  runaway: boolean;
  detail?: string;
}

type RowOutcome<R> = { ok: true; record: R } | { ok: false; code: Leaf360RejectCode; problem: string };

/**
 * Streams one Leaf360 export file as records and rejects, in file order. csv-parse frames the rows; a row it
 * cannot frame (a stray or unclosed quote) stops that parser, the row's first line is rejected, and a fresh
 * parser starts on the line after it, so one bad quote costs one row instead of the rest of the file.
 */
export function readLeaf360Export<O extends Leaf360Object>(
  file: string,
  object: O,
  opts: ReadLeaf360Options = {},
): AsyncIterable<Leaf360ReadItem<Leaf360RecordByObject[O]>> {
  return readExport(file, object, opts.fromLine ?? 1) as AsyncIterable<Leaf360ReadItem<Leaf360RecordByObject[O]>>;
}

async function* readExport(file: string, object: Leaf360Object, fromLine: number): AsyncGenerator<Leaf360ReadItem<unknown>> {
  const name = basename(file);
  const specs: readonly Leaf360ColumnSpec[] = LEAF360_COLUMNS[object];
  let plan: Plan | null = null;
  let crBreaks = false;
  let segmentStart = 0;
  let linesBeforeSegment = 0;
  let sawAnything = false;
  const fh = await open(file, 'r');

  try {
    for (;;) {
      const parser = new Parser({
        bom: segmentStart === 0,
        raw: true,
        relax_column_count: true,
        skip_empty_lines: true,
        max_record_size: MAX_RECORD_BYTES,
      });
      parser.on('error', () => undefined);
      let position = segmentStart;
      let chunkBytes = FIRST_CHUNK_BYTES;
      let consumed = linesBeforeSegment;
      let derail: Derail | null = null;

      const take = (): ParsedRow[] => {
        const rows: ParsedRow[] = [];
        for (let r = parser.read() as ParsedRow | null; r !== null; r = parser.read() as ParsedRow | null) rows.push(r);
        return rows;
      };
      const failed = (): Derail | null => {
        const err = parser.errored as (Error & { code?: string; raw?: string }) | null;
        if (!err) return null;
        if (!err.code || !QUOTE_ERRORS.has(err.code)) throw err;
        const partial = typeof err.raw === 'string' ? err.raw.replace(/^[\r\n]+/, '') : '';
        return { from: consumed + 1, runaway: RUNAWAY_ERRORS.has(err.code) || /[\r\n]/.test(partial) };
      };

      try {
        let ended = false;
        while (derail === null) {
          // A fresh buffer per chunk: the parser keeps a slice of the previous one for a row cut in two.
          const chunk = Buffer.allocUnsafe(ended ? 0 : chunkBytes);
          const { bytesRead } = ended ? { bytesRead: 0 } : await fh.read(chunk, 0, chunkBytes, position);
          if (bytesRead > 0) {
            sawAnything = true;
            position += bytesRead;
            parser.write(bytesRead === chunkBytes ? chunk : chunk.subarray(0, bytesRead));
            chunkBytes = Math.min(CHUNK_BYTES, chunkBytes * 2);
          } else if (!ended) {
            ended = true;
            if (!parser.errored) await new Promise<void>((resolve) => parser.end(() => resolve()));
          }
          for (const row of take()) {
            const { raw, record: fields } = row;
            let i = 0;
            let lead = 0;
            while (i < raw.length) {
              const c = raw.charCodeAt(i);
              if (c === LF) i++;
              else if (c === CR) i += raw.charCodeAt(i + 1) === LF ? 2 : 1;
              else break;
              lead++;
            }
            if (plan === null) {
              const firstBreak = raw.slice(i).search(/[\r\n]/);
              crBreaks = firstBreak >= 0 && raw.charCodeAt(i + firstBreak) === CR;
            }
            const line = consumed + 1 + lead;
            consumed += countBreaks(raw, crBreaks);
            if (fields.length === 1 && fields[0].trim() === '') continue;
            const text = stripTerminator(i === 0 ? raw : raw.slice(i));

            if (plan === null) {
              const header = planHeader(name, object, specs, fields);
              if ('code' in header) {
                yield { kind: 'reject', line, code: header.code, reason: header.reason, raw: text };
                return;
              }
              plan = header;
              continue;
            }
            if (fields.length !== plan.width) {
              const lines = text.split(/\r\n|\r|\n/).length;
              if (lines > 1) {
                derail = {
                  from: line,
                  runaway: true,
                  detail: `the row ran on for ${lines} lines and then had ${fields.length} values where the header has ${plan.width}`,
                };
                break;
              }
              if (line >= fromLine) {
                yield {
                  kind: 'reject',
                  line,
                  code: 'CSV_FIELD_COUNT',
                  reason:
                    `${name} line ${line}: the row has ${fields.length} values but the header has ${plan.width} columns ` +
                    '(an unquoted comma inside a value, or a missing or extra delimiter); the row was skipped',
                  raw: text,
                };
              }
              continue;
            }
            if (line < fromLine) continue;
            const out = toRecord(plan, fields);
            if (out.ok) yield { kind: 'record', line, record: out.record, raw: text };
            else yield { kind: 'reject', line, code: out.code, reason: `${name} line ${line}: ${out.problem}`, raw: text };
          }
          if (derail === null) derail = failed();
          if (ended && derail === null) break;
        }
      } finally {
        parser.destroy();
      }

      if (derail === null) {
        if (plan === null) {
          yield {
            kind: 'reject',
            line: 1,
            code: 'MISSING_COLUMN',
            reason:
              `${name} is ${sawAnything ? 'blank' : 'empty'}: it needs a header row with at least the columns ` +
              `${specs.filter((s) => s.required).map((s) => `"${s.name}"`).join(', ')}`,
            raw: null,
          };
        }
        return;
      }

      const cursor = new LineCursor(fh, segmentStart, crBreaks);
      let lineNo = derail.from - 1;
      if (!(await cursor.skip(lineNo - linesBeforeSegment))) return;
      let bad = await cursor.take();
      lineNo++;
      while (bad !== null && bad.text.trim() === '' && !bad.last) {
        bad = await cursor.take();
        lineNo++;
      }
      if (bad === null || bad.text.trim() === '') return;
      const raw = lineNo === 1 ? bad.text.replace(/^\uFEFF/, '') : bad.text;
      if (plan === null) {
        yield {
          kind: 'reject',
          line: lineNo,
          code: 'CSV_BAD_QUOTE',
          reason: `${name} line ${lineNo}: the header row has a misplaced or unclosed double quote, so its columns cannot be read; nothing in this file was read`,
          raw,
        };
        return;
      }
      if (lineNo >= fromLine) {
        const what = derail.runaway
          ? `a double quote opened on this line is never closed, so the row runs into the lines after it${derail.detail ? ` (${derail.detail})` : ''}`
          : 'a double quote is misplaced (a value holding commas, quotes or line breaks must be wrapped in double quotes, with quotes inside it doubled as "")';
        yield {
          kind: 'reject',
          line: lineNo,
          code: 'CSV_BAD_QUOTE',
          reason: `${name} line ${lineNo}: ${what}; the row was skipped and reading went on with line ${lineNo + 1}`,
          raw,
        };
      }
      if (bad.last) return;
      segmentStart = bad.next;
      linesBeforeSegment = lineNo;
    }
  } finally {
    await fh.close();
  }
}

/**
 * Physical line breaks in a parsed row's raw text. csv-parse leaves the LF of a CRLF row terminator out of the
 * raw text, so in CR-terminated files a CR that no LF follows is a break of its own.
 */
function countBreaks(raw: string, crBreaks: boolean): number {
  let n = 0;
  for (let i = raw.indexOf('\n'); i !== -1; i = raw.indexOf('\n', i + 1)) n++;
  if (crBreaks) {
    for (let i = raw.indexOf('\r'); i !== -1; i = raw.indexOf('\r', i + 1)) if (raw.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
}

function stripTerminator(s: string): string {
  let end = s.length;
  if (s.charCodeAt(end - 1) === LF) end--;
  if (s.charCodeAt(end - 1) === CR) end--;
  return end === s.length ? s : s.slice(0, end);
}

function planHeader(
  file: string,
  object: Leaf360Object,
  specs: readonly Leaf360ColumnSpec[],
  fields: string[],
): Plan | { code: Leaf360RejectCode; reason: string } {
  const names = fields.map((f, i) => f.trim() || `column_${i + 1}`);
  const seen = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    const key = names[i].toLowerCase();
    if (seen.has(key)) {
      return {
        code: 'DUPLICATE_COLUMN',
        reason: `${file}: the header names column "${names[i]}" twice (columns ${seen.get(key)! + 1} and ${i + 1}), so its values are ambiguous; rename or remove one; nothing in this file was read`,
      };
    }
    seen.set(key, i);
  }
  const missing = specs.filter((s) => s.required && !seen.has(s.name));
  if (missing.length > 0) {
    const cols = missing.map((s) => `"${s.name}"`).join(' and ');
    return {
      code: 'MISSING_COLUMN',
      reason: `${file}: the header has no ${cols} column${missing.length > 1 ? 's' : ''}, which every ${object} row needs (header: ${names.join(', ')}); nothing in this file was read`,
    };
  }
  const known = new Set(specs.map((s) => s.name));
  return {
    width: fields.length,
    columns: specs.map((spec) => ({ spec, index: seen.get(spec.name) ?? -1 })),
    custom: names.flatMap((n, index) => (known.has(n.toLowerCase()) ? [] : [{ name: n, index }])),
  };
}

function quoteValue(v: string): string {
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
}

function toRecord(plan: Plan, fields: string[]): RowOutcome<Record<string, unknown>> {
  const record: Record<string, unknown> = {};
  for (const { spec, index } of plan.columns) {
    if (index < 0) {
      record[spec.name] = null;
      continue;
    }
    const text = fields[index].trim();
    if (text === '') {
      if (spec.required) return { ok: false, code: 'MISSING_VALUE', problem: `required column "${spec.name}" is empty` };
      record[spec.name] = null;
      continue;
    }
    let parsed: Parsed<string | number>;
    switch (spec.kind) {
      case 'string':
      case 'email':
        record[spec.name] = text;
        continue;
      case 'timestamp':
        parsed = parseTimestamp(text);
        break;
      case 'date':
        parsed = parseDate(text);
        break;
      case 'decimal':
        parsed = parseMoney(text);
        break;
    }
    if (!parsed.ok) {
      return {
        ok: false,
        code: spec.kind === 'decimal' ? 'BAD_DECIMAL' : 'BAD_DATE',
        problem: `column "${spec.name}" has ${quoteValue(text)}, ${parsed.problem}`,
      };
    }
    record[spec.name] = parsed.value;
  }
  const custom: Record<string, string> = {};
  for (const c of plan.custom) custom[c.name] = fields[c.index];
  record.custom = custom;
  return { ok: true, record };
}
