import { open } from 'fs/promises';
import { basename } from 'path';
import { Parser } from 'csv-parse';
import { CsvRowFramer, MAX_ROW_BYTES, type FramedReject, type FramedRow } from './leaf360-csv.framer';
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
  | 'ROW_TOO_LONG'
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
  /** rows starting before this line are skipped without being parsed (a restarted extractor's checkpoint); default 1 */
  fromLine?: number;
}

const CHUNK_BYTES = 128 * 1024;

interface Plan {
  width: number;
  columns: Array<{ spec: Leaf360ColumnSpec; index: number }>;
  custom: Array<{ name: string; index: number }>;
}

/** A row handed to csv-parse, waiting for its values; or a reject, waiting for the rows before it. */
type Slot = { kind: 'row'; line: number; raw: string; values: string[] | null } | { kind: 'reject'; item: Leaf360RejectItem };

type RowOutcome<R> = { ok: true; record: R } | { ok: false; code: Leaf360RejectCode; problem: string };

/**
 * Streams one Leaf360 export file as records and rejects, in file order. A framer of ours finds where each
 * row starts and ends and refuses rows with broken quoting (a bad quote costs its own line, never the rest of
 * the file); csv-parse splits the rows that pass into values, and the column table turns those into records.
 * One csv-parse instance reads the whole file: it never sees a row it could fail on.
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
  const framer = new CsvRowFramer();
  const slots: Slot[] = [];
  let head = 0;
  let waiting = 0;
  let parser: Parser | null = null;
  let plan: Plan | null = null;
  let framedHeader = false;
  let position = 0;
  let ended = false;
  const fh = await open(file, 'r');

  const takeValues = () => {
    for (let values = parser!.read() as string[] | null; values !== null; values = parser!.read() as string[] | null) {
      while (slots[waiting].kind !== 'row') waiting++;
      (slots[waiting] as Extract<Slot, { kind: 'row' }>).values = values;
      waiting++;
    }
    if (parser!.errored) {
      throw new Error(`leaf360 reader: csv-parse refused a row of ${name} the framer passed: ${parser!.errored.message}`);
    }
  };

  try {
    while (!ended) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await fh.read(chunk, 0, CHUNK_BYTES, position);
      position += bytesRead;
      if (bytesRead > 0) framer.push(bytesRead === CHUNK_BYTES ? chunk : chunk.subarray(0, bytesRead));
      else {
        ended = true;
        framer.end();
      }

      let run: FramedRow | null = null;
      let runEnd = 0;
      // Drained after every write, so csv-parse never holds back a write for want of a reader.
      const flush = () => {
        if (run) {
          parser!.write(run.data.subarray(run.start, runEnd));
          takeValues();
        }
        run = null;
      };
      for (let item = framer.next(); item !== null; item = framer.next()) {
        if (item.kind === 'bad') {
          if (!framedHeader) {
            yield headerReject(name, item);
            return;
          }
          if (item.line >= fromLine) slots.push({ kind: 'reject', item: framedReject(name, item) });
          continue;
        }
        if (framedHeader && item.line < fromLine) continue;
        framedHeader = true;
        parser ??= new Parser({
          relax_column_count: true,
          record_delimiter: framer.crOnly ? ['\r'] : ['\r\n', '\n'],
        });
        // Consecutive rows go to the parser in one write.
        if (run === null || run.data !== item.data || runEnd !== item.start) {
          flush();
          run = item;
        }
        runEnd = item.end;
        slots.push({ kind: 'row', line: item.line, raw: item.data.toString('utf8', item.start, item.contentEnd), values: null });
      }
      flush();
      if (parser && ended) {
        await new Promise<void>((resolve) => parser!.end(() => resolve()));
        takeValues();
      }

      for (; head < slots.length; head++) {
        const slot = slots[head];
        if (slot.kind === 'reject') {
          yield slot.item;
          continue;
        }
        if (slot.values === null) break;
        const values = slot.values;
        if (values.length === 1 && values[0].trim() === '') continue;
        if (plan === null) {
          const header = planHeader(name, object, specs, values);
          if ('code' in header) {
            yield { kind: 'reject', line: slot.line, code: header.code, reason: header.reason, raw: slot.raw };
            return;
          }
          plan = header;
          continue;
        }
        yield rowItem(name, plan, slot.line, slot.raw, values);
      }
      if (head > 4096) {
        // Slots before `waiting` that were not rows are rejects already yielded.
        waiting = Math.max(waiting, head) - head;
        slots.splice(0, head);
        head = 0;
      }
    }
    if (plan === null) {
      yield {
        kind: 'reject',
        line: 1,
        code: 'MISSING_COLUMN',
        reason:
          `${name} is ${position > 0 ? 'blank' : 'empty'}: it needs a header row with at least the columns ` +
          `${specs.filter((s) => s.required).map((s) => `"${s.name}"`).join(', ')}`,
        raw: null,
      };
    }
  } finally {
    parser?.destroy();
    await fh.close();
  }
}

function headerReject(file: string, bad: FramedReject): Leaf360RejectItem {
  return {
    kind: 'reject',
    line: bad.line,
    code: bad.problem === 'too-long' ? 'ROW_TOO_LONG' : 'CSV_BAD_QUOTE',
    reason: `${file} line ${bad.line}: the header row ${bad.problem === 'too-long' ? 'is too long' : 'has a misplaced or unclosed double quote'}, so its columns cannot be read; nothing in this file was read`,
    raw: bad.raw,
  };
}

function framedReject(file: string, bad: FramedReject): Leaf360RejectItem {
  const at = `${file} line ${bad.line}`;
  if (bad.problem === 'too-long') {
    return {
      kind: 'reject',
      line: bad.line,
      code: 'ROW_TOO_LONG',
      reason: `${at}: the line is longer than ${MAX_ROW_BYTES / 1024 / 1024} MiB, which no Leaf360 row is; it was skipped`,
      raw: bad.raw,
    };
  }
  const what =
    bad.problem === 'unclosed-quote'
      ? `a double quote opened on this line is never closed, so the row runs into the lines after it${bad.detail ? ` (${bad.detail})` : ''}`
      : 'a double quote is misplaced (a value holding commas, quotes or line breaks must be wrapped in double quotes, with quotes inside it doubled as "")';
  return {
    kind: 'reject',
    line: bad.line,
    code: 'CSV_BAD_QUOTE',
    reason: `${at}: ${what}; the row was skipped and reading went on with line ${bad.line + 1}`,
    raw: bad.raw,
  };
}

function rowItem(file: string, plan: Plan, line: number, raw: string, values: string[]): Leaf360ReadItem<unknown> {
  if (values.length !== plan.width) {
    return {
      kind: 'reject',
      line,
      code: 'CSV_FIELD_COUNT',
      reason:
        `${file} line ${line}: the row has ${values.length} values but the header has ${plan.width} columns ` +
        '(an unquoted comma inside a value, or a missing or extra delimiter); the row was skipped',
      raw,
    };
  }
  const out = toRecord(plan, values);
  return out.ok
    ? { kind: 'record', line, record: out.record, raw }
    : { kind: 'reject', line, code: out.code, reason: `${file} line ${line}: ${out.problem}`, raw };
}

function planHeader(
  file: string,
  object: Leaf360Object,
  specs: readonly Leaf360ColumnSpec[],
  values: string[],
): Plan | { code: Leaf360RejectCode; reason: string } {
  const names = values.map((f, i) => f.trim() || `column_${i + 1}`);
  const seen = new Map<string, number>();
  for (let i = 0; i < names.length; i++) {
    const key = names[i].toLowerCase();
    const first = seen.get(key);
    if (first !== undefined) {
      return {
        code: 'DUPLICATE_COLUMN',
        reason: `${file}: the header names column "${names[i]}" twice (columns ${first + 1} and ${i + 1}), so its values are ambiguous; rename or remove one; nothing in this file was read`,
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
    width: values.length,
    columns: specs.map((spec) => ({ spec, index: seen.get(spec.name) ?? -1 })),
    custom: names.flatMap((n, index) => (known.has(n.toLowerCase()) ? [] : [{ name: n, index }])),
  };
}

function quoteValue(v: string): string {
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v);
}

function toRecord(plan: Plan, values: string[]): RowOutcome<Record<string, unknown>> {
  const record: Record<string, unknown> = {};
  for (const { spec, index } of plan.columns) {
    if (index < 0) {
      record[spec.name] = null;
      continue;
    }
    const text = values[index].trim();
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
  for (const c of plan.custom) custom[c.name] = values[c.index];
  record.custom = custom;
  return { ok: true, record };
}
