import { compile as compileHtml } from 'html-to-text';
import { z } from 'zod';
import { numberText } from '@ferry/connectors/core';
import { show, TransformError } from './errors';
import { define, isBlank, kindOf, NO_ARGS, TransformContext, TransformDefinition } from './transform-types';

/** A structured value where text is expected means the map forgot a `concat`/`join`, so it fails rather than guesses. */
export function notText(name: string, value: unknown, ctx: TransformContext): TransformError {
  return new TransformError(
    'UNEXPECTED_VALUE',
    `${ctx.target}: ${name} expects text but got ${Array.isArray(value) ? 'a list' : typeof value} ${show(value)}; ` +
      'join several source fields with concat, join or coalesce first',
    { transform: name, value: show(value) },
  );
}

/** Scalars as text: numbers without exponent notation, booleans as true/false. */
export function asText(name: string, value: unknown, ctx: TransformContext): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw notText(name, value, ctx);
}

/** A transform of strings that lets numbers and booleans through as they are (there is nothing to trim or case). */
function stringOnly(name: string, doc: string, fn: (s: string) => string | null): TransformDefinition<null | undefined> {
  return define({
    name,
    doc,
    args: NO_ARGS,
    create: () => (value, ctx) => {
      if (value === null || value === undefined) return value;
      if (typeof value === 'string') return fn(value);
      if (typeof value === 'number' || typeof value === 'boolean') return value;
      throw notText(name, value, ctx);
    },
  });
}

const emptyToNull = (s: string): string | null => (s === '' ? null : s);

export const trim = stringOnly('trim', 'Removes leading and trailing whitespace; a value left empty becomes null.', (s) =>
  emptyToNull(s.trim()),
);

export const squish = stringOnly('squish', 'Trims and collapses every run of whitespace inside to one space; empty becomes null.', (s) =>
  emptyToNull(s.replace(/\s+/g, ' ').trim()),
);

export const lower = stringOnly('lower', 'Lower case (Unicode-aware).', (s) => s.toLowerCase());

export const upper = stringOnly('upper', 'Upper case (Unicode-aware).', (s) => s.toUpperCase());

export const fileOfText = stringOnly(
  'file-of-text',
  'The text as a file of its own (a data: URI holding its UTF-8 bytes), for a `file` column written from text: a note kept as a document.',
  (s) => `data:text/html;charset=utf-8;base64,${Buffer.from(s, 'utf8').toString('base64')}`,
);

// A letter starts a word after a space, a hyphen or the start; after an apostrophe only when two or more letters
// follow, so "o'brien" → "O'Brien" but "don't" stays "Don't".
const WORD_START = /(^|[\s\-‐/(])(\p{L})|(['’])(\p{L})(?=\p{L})/gu;

export const title = stringOnly(
  'title',
  'Title case: the first letter of each word upper, the rest lower ("mary-jane o\'brien" → "Mary-Jane O\'Brien").',
  (s) =>
    s
      .toLowerCase()
      .replace(WORD_START, (_m, before: string | undefined, first: string | undefined, apos: string | undefined, afterApos: string | undefined) =>
        first !== undefined ? `${before}${first.toUpperCase()}` : `${apos}${afterApos!.toUpperCase()}`,
      ),
);

const SUFFIXES = new Set(['jr', 'jr.', 'sr', 'sr.', 'ii', 'iii', 'iv', 'v', 'phd', 'ph.d.', 'md', 'm.d.']);
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'du', 'la', 'le', 'dos', 'das', 'ter', 'ten', 'bin', 'ibn', 'al', 'y']);

export interface NameParts {
  first: string | null;
  last: string | null;
}

/**
 * A full name split for CRMs that keep first and last name apart: "Díaz, Ana" is last-comma-first; otherwise
 * the last word is the last name, with a trailing suffix ("Jr.") and lower-case particles before it ("van der")
 * kept with it. One word is a last name, since CRMs require the last name and not the first.
 */
export function splitName(full: string): NameParts {
  const text = full.replace(/\s+/g, ' ').trim();
  if (text === '') return { first: null, last: null };
  const comma = text.indexOf(',');
  if (comma !== -1) {
    const last = text.slice(0, comma).trim();
    const first = text.slice(comma + 1).trim();
    const suffixOnly = SUFFIXES.has(first.toLowerCase());
    if (!suffixOnly) return { first: first || null, last: last || null };
  }
  const words = text.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  if (words.length === 1) return { first: null, last: words[0] };
  let lastStart = words.length - 1;
  if (words.length > 2 && SUFFIXES.has(words[lastStart].toLowerCase())) lastStart--;
  while (lastStart > 1 && PARTICLES.has(words[lastStart - 1])) lastStart--;
  return { first: words.slice(0, lastStart).join(' '), last: words.slice(lastStart).join(' ') };
}

const namePart = (name: string, doc: string, part: keyof NameParts) =>
  define({
    name,
    doc,
    args: NO_ARGS,
    create: () => (value, ctx) => {
      if (value === null || value === undefined) return value;
      return splitName(asText(name, value, ctx))[part];
    },
  });

export const firstName = namePart(
  'first-name',
  'The first name(s) of a full name: "Ana María Díaz" → "Ana María", "Díaz, Ana" → "Ana"; one word → null.',
  'first',
);
export const lastName = namePart(
  'last-name',
  'The last name of a full name: "Ana María Díaz" → "Díaz", "Díaz, Ana" → "Díaz", "Ludwig van Beethoven" → "van Beethoven".',
  'last',
);

/** The non-blank parts of a list (or of a single value) as text, joined; null when none is left. */
function joinParts(name: string, value: unknown, separator: string, ctx: TransformContext): string | null {
  const items = Array.isArray(value) ? value : [value];
  const parts: string[] = [];
  for (const item of items) {
    if (isBlank(item)) continue;
    const s = asText(name, item, ctx).trim();
    if (s !== '') parts.push(s);
  }
  return parts.length === 0 ? null : parts.join(separator);
}

const joinArgs = (separatorRequired: boolean) =>
  z.object({ with: separatorRequired ? z.string() : z.string().default(' ') }).strict();

export const join = define({
  name: 'join',
  doc: 'Joins a list value (several source fields) with `with`, skipping null and blank parts; nothing left → null.',
  args: joinArgs(true),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    ctx.sourceKind = 'string';
    return joinParts('join', value, args.with, ctx);
  },
});

export const concat = define({
  name: 'concat',
  doc: 'Joins a list value (from: [a, b]) with `with` (default one space), skipping null and blank parts; nothing left → null.',
  args: joinArgs(false).default({}),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    ctx.sourceKind = 'string';
    return joinParts('concat', value, args.with, ctx);
  },
});

export const coalesce = define({
  name: 'coalesce',
  doc: 'The first non-blank part of a list value (from: [mobile, phone]); none → null.',
  args: NO_ARGS,
  create: () => (value, ctx) => {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (!isBlank(item)) {
        // A list of fields of one kind arrives with that kind (two date-times); a mixed list takes its item's kind.
        if (Array.isArray(value) && ctx.sourceKind === 'unknown') ctx.sourceKind = kindOf(item);
        return item;
      }
    }
    return null;
  },
});

export const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()], {
  errorMap: () => ({ message: 'expected a text, a number, true/false or null' }),
});

export const constant = define({
  name: 'constant',
  doc: 'Always `value`, whatever the source holds (also for null).',
  args: z.object({ value: scalar }).strict(),
  create: (args) => (_value, ctx) => {
    ctx.sourceKind = kindOf(args.value);
    return args.value;
  },
});

export const defaultValue = define({
  name: 'default',
  doc: 'Replaces null, an empty or blank string with `value`; other values pass unchanged.',
  args: z.object({ value: scalar }).strict(),
  create: (args) => (value, ctx) => {
    if (!isBlank(value)) return value;
    ctx.sourceKind = kindOf(args.value);
    return args.value;
  },
});

const affix = (name: string, doc: string, before: boolean) =>
  define({
    name,
    doc,
    args: z.object({ text: z.string() }).strict(),
    create: (args) => (value, ctx) => {
      if (isBlank(value)) return value;
      ctx.sourceKind = 'string';
      const s = asText(name, value, ctx);
      return before ? args.text + s : s + args.text;
    },
  });

export const prefix = affix('prefix', 'Puts `text` before a non-blank value ("ID-" + 42 → "ID-42"); null and blank pass unchanged.', true);
export const suffix = affix('suffix', 'Puts `text` after a non-blank value; null and blank pass unchanged.', false);

export const replace = define({
  name: 'replace',
  doc: 'Replaces every match of the regular expression `pattern` (JavaScript syntax, optional `flags` i/m/s/u) by `with` ($1 for groups).',
  args: z
    .object({
      pattern: z.string().min(1),
      with: z.string(),
      flags: z
        .string()
        .regex(/^[imsu]*$/, 'flags may only hold i, m, s and u (every match is replaced anyway)')
        .optional(),
    })
    .strict(),
  create: (args) => {
    let re: RegExp;
    try {
      re = new RegExp(args.pattern, `g${args.flags ?? ''}`);
    } catch (e) {
      throw new Error(`pattern ${show(args.pattern)} is not a valid regular expression (${(e as Error).message})`);
    }
    return (value, ctx) => {
      if (value === null || value === undefined) return value;
      ctx.sourceKind = 'string';
      return asText('replace', value, ctx).replace(re, args.with);
    };
  },
});

export const truncate = define({
  name: 'truncate',
  doc: 'Keeps at most `max` characters (Unicode code points); onOverflow reject fails the record instead; ellipsis ends a cut value with "…".',
  args: z
    .object({
      max: z.number().int().positive(),
      onOverflow: z.enum(['truncate', 'reject']).default('truncate'),
      ellipsis: z.boolean().default(false),
    })
    .strict(),
  create: (args) => (value, ctx) => {
    if (value === null || value === undefined) return value;
    const s = asText('truncate', value, ctx);
    // UTF-16 length is an upper bound on code points: most values are decided without splitting them.
    if (s.length <= args.max) return typeof value === 'string' ? value : s;
    const points = Array.from(s);
    if (points.length <= args.max) return s;
    if (args.onOverflow === 'reject') {
      throw new TransformError(
        'VALUE_TOO_LONG',
        `${ctx.target}: ${show(s)} is ${points.length} characters, more than the ${args.max} allowed; shorten it at the source, ` +
          'or let the truncate transform cut it (onOverflow: truncate)',
        { max: args.max, length: points.length },
      );
    }
    ctx.report?.({ kind: 'truncated', value: s, detail: `${points.length} > ${args.max}` });
    ctx.sourceKind = 'string';
    return args.ellipsis ? `${points.slice(0, args.max - 1).join('')}…` : points.slice(0, args.max).join('');
  },
});

const MS_PER_DAY = 86_400_000;

export const toString = define({
  name: 'to-string',
  doc: 'The value as text: numbers without exponent, booleans as true/false, dates as 2024-03-01, timestamps as ISO 8601 UTC.',
  args: NO_ARGS,
  create: () => (value, ctx) => {
    if (value === null || value === undefined) return value;
    const kind = ctx.sourceKind;
    ctx.sourceKind = 'string';
    if (typeof value === 'number' && kind === 'date') return new Date(value * MS_PER_DAY).toISOString().slice(0, 10);
    if (typeof value === 'number' && kind === 'timestamp') return new Date(value).toISOString();
    return asText('to-string', value, ctx);
  },
});

// Compiled once: html-to-text's per-call setup costs more than converting a short note.
const htmlConvert = compileHtml({
  wordwrap: false,
  selectors: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false, leadingLineBreaks: 2 } })),
});

export const htmlToText = define({
  name: 'html-to-text',
  doc: 'Rich text (HTML) as plain text: <br> and <p> become line breaks, entities decoded, links kept as "text [url]"; empty → null.',
  args: NO_ARGS,
  create: () => (value, ctx) => {
    if (value === null || value === undefined) return value;
    const s = asText('html-to-text', value, ctx);
    ctx.sourceKind = 'string';
    return emptyToNull(htmlConvert(s).trim());
  },
});
