import type { Readable } from 'stream';
import ExcelJS from 'exceljs';
import type { ExportRow, ExportRowsOptions } from './export-rows.reader';
import { at } from './export-position';
import { excelSerialMoment, numberText } from './export-values.parser';
import { duplicateLabel, headerLabels } from './header.labels';
import type { ExportLocation } from './source.connector';
import { ZipArchive } from './zip-archive.reader';

type Reject = Extract<ExportRow, { kind: 'reject' }>;
const XLSX_BATCH = 512;

/**
 * The parts of exceljs's streaming WorkbookReader used here. Its own parse() reads the archive in one pass
 * and, as exceljs issue #3064 describes, can miss the last entry (often xl/workbook.xml, so every sheet name
 * is lost); the workbook parts are handed to it from the ZIP's central directory instead, in the order it
 * needs them. Its chunks are decoded without regard to split UTF-8 characters, so they arrive as text.
 */
interface WorkbookParts {
  model?: { sheets?: Array<{ name: string; id: number; rId: string }> };
  workbookRels?: Array<{ Id: string; Target: string }>;
  properties?: { model?: { date1904?: boolean } };
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncIterable<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(iterator: AsyncIterable<unknown>, sheetNo: string): Iterable<{ eventType: string; value: AsyncIterable<ExcelJS.Row> }>;
}

/** The sheet names of a workbook, in the workbook's order (what an export with one object per sheet holds). */
export async function xlsxSheetNames(file: string): Promise<string[]> {
  const zip = await ZipArchive.open(file);
  if (!zip.entries.has('xl/workbook.xml')) throw new Error(`${file} is not an XLSX workbook (it has no xl/workbook.xml)`);
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, { entries: 'ignore' }) as unknown as WorkbookParts;
  await workbook._parseWorkbook(await zip.text('xl/workbook.xml'));
  return (workbook.model?.sheets ?? []).map((s) => s.name);
}

/**
 * Streams the rows of one sheet of an XLSX workbook with exceljs's streaming sheet reader, never holding the
 * workbook: the first non-blank row is the header, `line` is the sheet's row number, and cells become plain
 * values (text, numbers, booleans, Dates; rich text joined, hyperlinks as their text, formulas as their
 * result, errors as their code such as "#N/A"). Percent-formatted numbers read as the text Excel shows
 * ("45%"). A missing sheet, or a file that is not a workbook, is one BAD_XLSX reject.
 */
export async function* readXlsxRows(file: string, location: ExportLocation, options: ExportRowsOptions = {}): AsyncGenerator<ExportRow[]> {
  const fromPosition = options.fromPosition ?? 1;
  const wanted = location.sheet;
  if (wanted === undefined || wanted.trim() === '') {
    yield [{ kind: 'reject', line: 0, code: 'BAD_XLSX', reason: `${location.file}: the export location names no sheet to read from the workbook`, raw: null }];
    return;
  }
  let lastRow = 0;
  let sheetStream: Readable | null = null;
  try {
    const zip = await ZipArchive.open(file);
    const workbook = new ExcelJS.stream.xlsx.WorkbookReader(file, {
      worksheets: 'emit',
      sharedStrings: 'cache',
      hyperlinks: 'ignore',
      styles: 'cache',
      entries: 'ignore',
    }) as unknown as WorkbookParts;
    for (const part of ['xl/_rels/workbook.xml.rels', 'xl/workbook.xml']) {
      if (!zip.entries.has(part)) throw new Error(`it has no ${part}`);
    }
    await workbook._parseRels(await zip.text('xl/_rels/workbook.xml.rels'));
    await workbook._parseWorkbook(await zip.text('xl/workbook.xml'));
    if (zip.entries.has('xl/sharedStrings.xml')) for await (const _ of workbook._parseSharedStrings(await zip.text('xl/sharedStrings.xml')));
    if (zip.entries.has('xl/styles.xml')) await workbook._parseStyles(await zip.text('xl/styles.xml'));

    const sheets = workbook.model?.sheets ?? [];
    const sheet = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim().toLowerCase() === wanted.trim().toLowerCase());
    if (!sheet) {
      const names = sheets.length ? sheets.map((s) => `"${s.name}"`).join(', ') : 'none';
      yield [{ kind: 'reject', line: 0, code: 'BAD_XLSX', reason: `${location.file}: the workbook has no sheet named "${wanted}" (its sheets: ${names}); nothing was read`, raw: null }];
      return;
    }
    const target = workbook.workbookRels?.find((r) => r.Id === sheet.rId)?.Target;
    const part = target === undefined ? undefined : target.startsWith('/') ? target.slice(1) : `xl/${target}`;
    const sheetNo = part?.match(/worksheets\/sheet(\d+)\.xml$/)?.[1];
    if (!part || !sheetNo || !zip.entries.has(part)) throw new Error(`sheet "${sheet.name}" points at ${target ?? 'nothing'}, which the archive does not hold`);
    sheetStream = await zip.text(part);
    // exceljs names a sheet reader after the sheetN.xml it reads; the workbook's rels say which one that is.
    const [{ value: rows }] = [...workbook._parseWorksheet(sheetStream, sheetNo)];
    const date1904 = !!workbook.properties?.model?.date1904;
    let labels: string[] | null = null;
    let batch: ExportRow[] = [];
    for await (const row of rows) {
      lastRow = row.number;
      const cells = row.values as unknown[];
      if (labels === null) {
        const header = headerCells(cells);
        if (header.length === 0) continue;
        labels = headerLabels(header);
        const dup = duplicateLabel(labels);
        if (dup) {
          const reason =
            `${at(location, row.number)}: the header names column "${labels[dup.second]}" twice (columns ${dup.first + 1} and ${dup.second + 1}), ` +
            'so its values are ambiguous; rename or remove one; nothing in this sheet was read';
          yield [{ kind: 'reject', line: row.number, code: 'DUPLICATE_COLUMN', reason, raw: labels.join('\t') }];
          return;
        }
        options.onHeader?.(labels, row.number);
        continue;
      }
      if (row.number < fromPosition) continue;
      const values: Record<string, unknown> = {};
      let any = false;
      const last = Math.max(cells.length - 1, labels.length);
      for (let c = 1; c <= last; c++) {
        let v = cells[c];
        if (v !== undefined && v !== null) {
          v = plainValue(v, row, c, date1904);
          if (v !== '' && v !== null) any = true;
        }
        if (c <= labels.length) values[labels[c - 1]] = v ?? null;
        else if (v !== undefined && v !== null && v !== '') values[`column_${c}`] = v;
      }
      if (any) batch.push({ kind: 'row', line: row.number, values, raw: null });
      if (batch.length >= XLSX_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } catch (e) {
    yield [corrupt(location, lastRow, e)];
  } finally {
    (sheetStream as Readable | null)?.destroy();
  }
}

function corrupt(location: ExportLocation, lastRow: number, e: unknown): Reject {
  const message = e instanceof Error ? e.message : String(e);
  return {
    kind: 'reject',
    line: lastRow > 0 ? lastRow + 1 : 0,
    code: 'BAD_XLSX',
    reason:
      `${at(location, lastRow > 0 ? lastRow + 1 : 0)}: the file is not a readable XLSX workbook (${message})` +
      `${lastRow > 0 ? `; rows up to ${lastRow} were read` : ''}; open it in Excel and save it again as .xlsx`,
    raw: null,
  };
}

function headerCells(cells: unknown[]): unknown[] {
  let end = cells.length - 1;
  const text = (v: unknown) => {
    const p = v === undefined || v === null ? '' : plainValue(v, null, 0, false);
    return p === null || p === undefined ? '' : String(p).trim();
  };
  while (end >= 1 && text(cells[end]) === '') end--;
  const out: unknown[] = [];
  for (let c = 1; c <= end; c++) out.push(text(cells[c]));
  return out;
}

interface CellLike {
  numFmt?: string;
}

/** An exceljs cell value as a plain value. `row` and `col` find the cell's number format, when there is one. */
export function plainValue(v: unknown, row: { getCell(c: number): CellLike } | null, col: number, date1904: boolean): unknown {
  if (typeof v === 'number') {
    const fmt = row ? row.getCell(col).numFmt : undefined;
    if (fmt && fmt.replace(/"[^"]*"/g, '').includes('%')) return `${numberText(Number((v * 100).toPrecision(15)))}%`;
    return v;
  }
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.richText)) return (o.richText as Array<{ text?: string }>).map((r) => r.text ?? '').join('');
  if ('formula' in o || 'sharedFormula' in o) {
    const result = o.result;
    if (typeof result === 'number' && row && isDateFormat(row.getCell(col).numFmt)) {
      const m = excelSerialMoment(result, date1904);
      return m ? new Date(m.millis) : result;
    }
    if (result !== null && typeof result === 'object' && 'error' in (result as object)) return (result as { error: string }).error;
    return result === undefined ? null : plainValue(result, row, col, date1904);
  }
  if ('hyperlink' in o) return o.text !== undefined ? plainValue(o.text, null, 0, date1904) : o.hyperlink;
  if ('error' in o) return o.error;
  if ('text' in o) return plainValue(o.text, null, 0, date1904);
  return JSON.stringify(o);
}

/** exceljs's own test, plus upper-case D, Y and H: a number format is a date one when, outside quotes and brackets, it has date or time letters. */
function isDateFormat(fmt: string | undefined): boolean {
  if (!fmt) return false;
  return /[ymdhMsbDYH]/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}
