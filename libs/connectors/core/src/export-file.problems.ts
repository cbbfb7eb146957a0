import { readdir } from 'fs/promises';
import { join } from 'path';
import { at } from './export-position';
import { editDistance } from './edit-distance';
import type { ExportLocation } from './source.connector';

/**
 * The sentences every connector uses for the same problem with an export drop, so the four seed CRMs and the
 * generic export say a missing file, a missing column or an empty file the same way: where, what, and what
 * the person can do about it.
 */

/** The file of a stream as the folder holds it: the name itself, else the one name equal to it without regard to case. */
export type ResolvedExportFile = { found: string } | { found: null; nearMiss: string | null };

const stem = (name: string) => name.toLowerCase().replace(/\.[^.]*$/, '').replace(/[^a-z0-9]/g, '');

/**
 * The name in `names` a person most likely meant by `wanted`: the same letters and digits once the
 * extension, case and punctuation are set aside ("Contacts_.CSV" for contacts.csv), or one edit away from
 * them ("contact.csv"; two for names of eight or more letters). Null when nothing is that close: "notes.csv"
 * is not offered for quotes.csv.
 */
export function nearestName(wanted: string, names: readonly string[]): string | null {
  const target = stem(wanted);
  const max = target.length >= 8 ? 2 : 1;
  let best: { name: string; d: number } | null = null;
  for (const name of names) {
    const d = editDistance(target, stem(name), max);
    if (d <= max && (best === null || d < best.d || (d === best.d && name < best.name))) best = { name, d };
  }
  return best?.name ?? null;
}

/**
 * Finds a stream's file in an export folder: the exact name, else the one file whose name matches without
 * regard to case (`Contacts.csv` for contacts.csv). When there is none, `nearMiss` is the name closest to it.
 */
export async function resolveExportFile(dir: string, file: string): Promise<ResolvedExportFile> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name);
  } catch {
    return { found: null, nearMiss: null };
  }
  if (names.includes(file)) return { found: file };
  const same = names.filter((n) => n.toLowerCase() === file.toLowerCase());
  if (same.length === 1) return { found: same[0] };
  // two files differing only in case (on a case-sensitive disk): neither is taken on a guess
  return { found: null, nearMiss: same.length > 1 ? same.sort()[0] : nearestName(file, names) };
}

/** `contacts.csv is missing from /x (the contact object is read from it); did you mean Contacts.csv?` */
export function missingFileProblem(dir: string, file: string, stream: string, nearMiss: string | null = null, what = `the ${stream} object`): string {
  const hint = nearMiss !== null ? `did you mean ${nearMiss}? Rename it to ${file}` : `put the export's ${file} there, or leave ${stream} out`;
  return `${file} is missing from ${dir} (${what} is read from it); ${hint}`;
}

/** `/x/files is missing: attachments.csv lists files kept there; copy the export's files/ folder too` */
export function missingFilesFolderProblem(dir: string, folder: string, listedIn: string): string {
  return `${join(dir, folder)} is missing: ${listedIn} lists files kept there; copy the export's ${folder}/ folder too`;
}

/** `contacts.csv is empty: it needs a header row naming the contact columns` */
export function emptyFileProblem(where: string, stream: string): string {
  return `${where} is empty: it needs a header row naming the ${stream} columns`;
}

/** `contacts.csv cannot be read: <why>` */
export function unreadableFileProblem(where: string, detail: string): string {
  return `${where} cannot be read: ${detail}`;
}

export interface MissingColumnsArgs {
  location: ExportLocation;
  /** the header's line (CSV) or row (XLSX); 0 for the file as a whole */
  line: number;
  stream: string;
  /** the required fields no column fills */
  fields: readonly string[];
  /** the header's labels as written */
  labels: readonly string[];
  /** per field, what it is needed for ("the key of contact records") */
  why?: (field: string) => string | null;
  /**
   * What the person can do; default: rename a column to a name the connector reads as the field (the field
   * name, or a label its `columns` maps to it). A connector whose columns come from a map says how to map one.
   */
  remedy?: string;
}

/** The names a connector reads as `field`: the labels its location maps to it, then the field name. */
export function namesFor(location: ExportLocation, field: string): string[] {
  const mapped = Object.entries(location.columns ?? {}).filter(([, f]) => f === field).map(([label]) => label);
  return mapped.some((l) => l.toLowerCase() === field.toLowerCase()) ? mapped : [...mapped, field];
}

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(' or ');

/**
 * `contacts.csv line 1: no column for required field id (the key of contact records); the header has Name,
 * E-mail; rename the column that holds it to "Contact ID" or "id"; nothing in this file was read`
 */
export function missingColumnsProblem(args: MissingColumnsArgs): string {
  const { location, line, fields, labels } = args;
  const many = fields.length > 1;
  const named = fields.map((f) => {
    const why = args.why?.(f);
    return why ? `${f} (${why})` : f;
  });
  // JSON items have properties where a table has a header
  const json = location.format === 'json' || location.format === 'ndjson';
  const noun = json ? 'property' : 'column';
  const header = labels.length === 0 ? `the ${json ? 'item' : 'header'} is blank` : `${json ? 'it' : 'the header'} has ${labels.join(', ')}`;
  const remedy =
    args.remedy ??
    (many
      ? `rename the ${json ? 'properties' : 'columns'} that hold them: ${fields.map((f) => `${quoted(namesFor(location, f))} for ${f}`).join(', ')}`
      : `rename the ${noun} that holds it to ${quoted(namesFor(location, fields[0]))}`);
  return `${at(location, line)}: no ${noun} for required field${many ? 's' : ''} ${named.join(', ')}; ${header}; ${remedy}`;
}

/** `users.csv line 1: no "active" column, so every user is read as active; add one if some have left` */
export function assumedColumnWarning(location: ExportLocation, line: number, stream: string, assumed: ReadonlyArray<{ field: string; value: unknown }>): string {
  const fields = assumed.map((a) => `"${a.field}"`).join(' or ');
  const values = [...new Set(assumed.map((a) => String(a.value)))].join(', ');
  const plain = assumed.length === 1 && assumed[0].value === true ? `every ${stream} is read as ${assumed[0].field}` : `${values} is assumed`;
  return `${at(location, line)}: no ${fields} column, so ${plain}; add the column if that is not so`;
}
