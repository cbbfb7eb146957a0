import { FerryError } from '@ferry/common';

/** A map document that cannot be used as written. The migration stops before reading a record. */
export class MapLangError extends FerryError {
  constructor(
    message: string,
    /** Where inside the construct being compiled (a chain's step index, an argument's keys), for locating it in the document. */
    readonly path: (string | number)[] = [],
    /** 1-based column inside an expression's text, when the problem is in one. */
    readonly column?: number,
    detail?: Record<string, unknown>,
  ) {
    super('MAP_INVALID', message, 'fatal', detail);
    this.name = 'MapLangError';
  }
}

/** One record's value that a transform cannot turn into what the destination needs: the record is dead-lettered. */
export class TransformError extends FerryError {
  constructor(code: string, message: string, detail?: Record<string, unknown>) {
    super(code, message, 'dead-letter', detail);
    this.name = 'TransformError';
  }
}

const SHOWN = 40;

/** A value as a message shows it: strings quoted and cut to about 40 characters. */
export function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const points = Array.from(value);
    const cut = points.length > SHOWN ? `${points.slice(0, SHOWN).join('')}…` : value;
    return JSON.stringify(cut);
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > SHOWN ? `${text.slice(0, SHOWN)}…` : text;
}
