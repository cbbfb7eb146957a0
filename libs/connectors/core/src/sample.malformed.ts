
/**
 * How sample generators size their files and place the rows a reader must quarantine among the good ones.
 * Each connector keeps its own placement (its fixtures pin it); the counting and the interleaving live here.
 */

/** Malformed row `k` (0-based) is written right after `after(k)` good rows; `after` never decreases. */
export interface MalformedPlacement {
  bad: number;
  after(k: number): number;
}

/** Spread evenly through the good rows: malformed row k after good row ⌊(k+1)·good/(bad+1)⌋. */
export const spreadAmongGood = (good: number, bad: number): MalformedPlacement => ({ bad, after: (k) => Math.floor(((k + 1) * good) / (bad + 1)) });

/** At a fixed stride: one after every ⌊good/(bad+1)⌋ good rows (at least one). */
export function spreadAtStride(good: number, bad: number): MalformedPlacement {
  const every = bad > 0 ? Math.max(1, Math.floor(good / (bad + 1))) : 0;
  return { bad, after: (k) => every * (k + 1) };
}

/** Spread evenly over all the file's rows: malformed row k is row ⌊(k+1)·(good+bad)/(bad+1)⌋ (0-based). */
export function spreadAmongRows(good: number, bad: number): MalformedPlacement {
  const total = good + bad;
  return { bad, after: (k) => Math.floor(((k + 1) * total) / (bad + 1)) - k };
}

/**
 * Writes `good` good rows with the placement's malformed rows among them, in file order, and returns how many
 * malformed rows it wrote (a place past the last good row is not reached).
 */
export async function writeWithMalformed(
  good: number,
  placement: MalformedPlacement,
  writeGood: (i: number) => Promise<void>,
  writeBad: (k: number) => Promise<void>,
): Promise<number> {
  let k = 0;
  while (k < placement.bad && placement.after(k) === 0) await writeBad(k++);
  for (let i = 0; i < good; i++) {
    await writeGood(i);
    while (k < placement.bad && placement.after(k) === i + 1) await writeBad(k++);
  }
  return k;
}

/** A file where every `malformedEvery`-th row is malformed (and, with `minOneBad`, a smaller file has one in its middle). */
export interface PeriodicMalformed {
  malformedEvery: number;
  minOneBad: boolean;
}

/** Whether row `r` (0-based, header not counted) of a file of `rows` rows is a malformed one. */
export function isMalformedRow(plan: PeriodicMalformed, r: number, rows: number): boolean {
  const m = plan.malformedEvery;
  if (m <= 0) return false;
  if ((r + 1) % m === 0) return true;
  return plan.minOneBad && rows < m && rows >= 3 && r === rows >> 1;
}

export function goodRowsIn(plan: PeriodicMalformed, rows: number): number {
  const m = plan.malformedEvery;
  if (m <= 0) return rows;
  return rows - Math.floor(rows / m) - (plan.minOneBad && rows < m && rows >= 3 ? 1 : 0);
}

/** The most rows a file can have for `good` good ones: the malformed row that would follow the last good one is written too. */
export function rowsFor(plan: PeriodicMalformed, good: number): number {
  const m = plan.malformedEvery;
  if (m <= 0 || good === 0) return good;
  let rows = good + (m > 1 ? Math.floor(good / (m - 1)) : 0);
  while (goodRowsIn(plan, rows) > good) rows--;
  while (goodRowsIn(plan, rows + 1) === good) rows++;
  return rows;
}

/** Splits `total` over streams by weight, each its whole share rounded down; what is left over goes to `remainderTo`. */
export function shareOut<S extends string>(total: number, weights: ReadonlyArray<readonly [S, number]>, remainderTo: S): Record<S, number> {
  const sum = weights.reduce((n, [, w]) => n + w, 0);
  const out = {} as Record<S, number>;
  let given = 0;
  for (const [s, w] of weights) given += out[s] = Math.floor((total * w) / sum);
  out[remainderTo] += total - given;
  return out;
}
