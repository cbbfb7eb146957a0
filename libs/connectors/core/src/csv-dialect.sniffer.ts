import { isUtf8 } from 'buffer';

export type TextEncoding = 'utf-8' | 'windows-1252';

/** How much of a file's start decides its encoding and delimiter. */
export const SNIFF_BYTES = 64 * 1024;

/** Candidate delimiters, in the order a tie is broken. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

const QUOTE = 34;
const LF = 10;
const CR = 13;
/** Rows after the header that confirm a delimiter. */
const CONFIRM_ROWS = 50;

/**
 * UTF-8 unless the sample holds bytes that are not valid UTF-8: exports from older Windows tools write
 * Windows-1252, where "ü" is one byte that UTF-8 never allows on its own. `whole` says the sample is the
 * entire file; otherwise a character cut in two at the sample's end is not held against it.
 */
export function detectEncoding(sample: Buffer, whole: boolean): TextEncoding {
  let end = sample.length;
  if (!whole) {
    let i = end - 1;
    while (i >= 0 && end - i <= 3 && (sample[i] & 0xc0) === 0x80) i--;
    if (i >= 0 && sample[i] >= 0xc0) end = i;
  }
  return isUtf8(sample.subarray(0, end)) ? 'utf-8' : 'windows-1252';
}

export interface DelimiterGuess {
  delimiter: Delimiter;
  /** values in the header with that delimiter */
  headerFields: number;
  /** rows after the header that were sampled, and how many of them have the header's width */
  sampled: number;
  agreeing: number;
}

/**
 * Picks the delimiter from the start of a file: each candidate is counted outside quotes on the header row,
 * then the rows after it vote by having the same count. The candidate most rows agree with wins; a tie goes
 * to the one splitting the header into more columns, then to the order of DELIMITERS. A header with none of
 * them is a one-column file, read with a comma.
 */
export function sniffDelimiter(sample: Buffer, whole: boolean): DelimiterGuess {
  const codes = DELIMITERS.map((d) => d.charCodeAt(0));
  const rows: number[][] = [];
  let counts = [0, 0, 0, 0];
  let inQuote = false;
  let content = false;
  let i = sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf ? 3 : 0;
  for (; i < sample.length && rows.length <= CONFIRM_ROWS; i++) {
    const c = sample[i];
    if (c === QUOTE) {
      inQuote = !inQuote;
      content = true;
    } else if (inQuote) {
      continue;
    } else if (c === LF || c === CR) {
      if (content) rows.push(counts);
      counts = [0, 0, 0, 0];
      content = false;
    } else {
      const k = codes.indexOf(c);
      if (k !== -1) counts[k]++;
      if (c !== 32) content = true;
    }
  }
  // The last row is complete only when the sample is the whole file.
  if (content && whole && rows.length <= CONFIRM_ROWS) rows.push(counts);
  const header = rows[0] ?? [0, 0, 0, 0];
  const sampled = Math.max(0, rows.length - 1);
  let best: DelimiterGuess = { delimiter: ',', headerFields: 1, sampled, agreeing: 0 };
  for (let k = 0; k < DELIMITERS.length; k++) {
    if (header[k] === 0) continue;
    let agreeing = 0;
    for (let r = 1; r < rows.length; r++) if (rows[r][k] === header[k]) agreeing++;
    const guess: DelimiterGuess = { delimiter: DELIMITERS[k], headerFields: header[k] + 1, sampled, agreeing };
    if (best.headerFields === 1 || agreeing > best.agreeing || (agreeing === best.agreeing && guess.headerFields > best.headerFields)) {
      best = guess;
    }
  }
  return best;
}
