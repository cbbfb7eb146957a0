import type { ValueKind } from './value-kind.classifier';

/** Kinds that say the same thing about which column a value belongs in. */
const GROUP: Record<ValueKind, string> = {
  boolean: 'boolean',
  integer: 'number',
  decimal: 'number',
  money: 'number',
  percent: 'number',
  date: 'date',
  timestamp: 'date',
  email: 'email',
  phone: 'phone',
  url: 'url',
  domain: 'url',
  html: 'text',
  json: 'json',
  text: 'text',
};

export function kindGroup(kind: ValueKind): string {
  return GROUP[kind];
}

export interface ShiftReport {
  rows: number;
  examples: Array<{ line: number | null; direction: 'left' | 'right'; columns: string[] }>;
}

/** Rows judged before the columns' kinds are known well enough: held, then checked. */
const WARMUP = 200;
const EXAMPLES = 10;
/** Cells of a row that must fit a neighbour (and not their own column) for the row to count as shifted. */
const MIN_CELLS = 2;

interface Row {
  line: number | null;
  columns: readonly string[];
  groups: Array<string | null>;
}

/**
 * Flags rows whose values look shifted by one column: the row has the right number of values, but several
 * of them fit the kind of the column beside theirs and not their own (an email under Phone, a date under
 * Name). A column's kind is the group four in five of its values share; a column with no such kind says
 * nothing. The first rows are held until the columns have enough values to judge them.
 */
export class ShiftDetector {
  private readonly held: Row[] = [];
  private seen = 0;
  private readonly report: ShiftReport = { rows: 0, examples: [] };

  /** `dominant(column)`: the group most of the column's values share, or null. */
  constructor(private readonly dominant: (column: string) => string | null) {}

  add(line: number | null, columns: readonly string[], groups: Array<string | null>): void {
    if (++this.seen <= WARMUP) {
      this.held.push({ line, columns, groups });
      if (this.seen === WARMUP) this.flush();
      return;
    }
    this.check({ line, columns, groups });
  }

  result(): ShiftReport {
    this.flush();
    return this.report;
  }

  private flush(): void {
    for (const row of this.held) this.check(row);
    this.held.length = 0;
  }

  private check(row: Row): void {
    const doms = row.columns.map((c) => this.dominant(c));
    let left = 0;
    let right = 0;
    const cells: string[] = [];
    for (let i = 0; i < row.columns.length; i++) {
      const g = row.groups[i];
      if (g === null || doms[i] === null || g === doms[i]) continue;
      // the value fits the column on its left: the row was pushed right, and the other way round
      const fitsLeft = i > 0 && doms[i - 1] === g;
      const fitsRight = i + 1 < doms.length && doms[i + 1] === g;
      if (fitsLeft) right++;
      if (fitsRight) left++;
      if (fitsLeft || fitsRight) cells.push(row.columns[i]);
    }
    const direction = right >= MIN_CELLS && right > left ? 'right' : left >= MIN_CELLS && left > right ? 'left' : null;
    if (direction === null) return;
    this.report.rows++;
    if (this.report.examples.length < EXAMPLES) this.report.examples.push({ line: row.line, direction, columns: cells });
  }
}
