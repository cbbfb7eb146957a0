import { FerryError } from '@ferry/common';
import { MapLangError, show } from './errors';
import { NO_ARGS, TransformContext, TransformDefinition, TransformFn } from './transform-types';
import * as contact from './transforms-contact';
import * as text from './transforms-text';
import * as values from './transforms-values';

export { TransformError } from './errors';
export type { TransformContext, TransformDefinition, TransformFn, TransformIssue, ValueKind } from './transform-types';

const ALL: TransformDefinition<any>[] = [
  text.trim,
  text.squish,
  text.lower,
  text.upper,
  text.fileOfText,
  text.title,
  text.firstName,
  text.lastName,
  text.join,
  text.concat,
  text.coalesce,
  text.constant,
  text.defaultValue,
  text.prefix,
  text.suffix,
  text.replace,
  text.truncate,
  text.toString,
  text.htmlToText,
  values.date,
  values.money,
  values.currency,
  values.number,
  values.integer,
  values.boolean,
  values.valueMap,
  contact.phone,
  contact.email,
  contact.url,
];

/** The closed set of transforms a map may name, by name. */
export const TRANSFORMS: ReadonlyMap<string, TransformDefinition<any>> = new Map(ALL.map((t) => [t.name, t]));

/** A chain step as written in YAML: either "trim" or { "truncate": { max: 50 } } (exactly one key). */
export type TransformStep = string | Record<string, unknown>;

function knownNames(): string {
  return [...TRANSFORMS.keys()].sort().join(', ');
}

function stepError(where: string, index: number, message: string, path: (string | number)[] = [index]): MapLangError {
  return new MapLangError(`${where}: transform ${index + 1}: ${message}`, [index], undefined, { argPath: path });
}

function compileStep(step: unknown, index: number, where: string): TransformFn {
  let name: string;
  let raw: unknown;
  if (typeof step === 'string') {
    name = step;
    raw = undefined;
  } else if (step !== null && typeof step === 'object' && !Array.isArray(step)) {
    const keys = Object.keys(step);
    if (keys.length !== 1) {
      throw stepError(
        where,
        index,
        `a step is a transform name ("trim") or one name with its arguments ({ truncate: { max: 50 } }), but this one has ` +
          `${keys.length === 0 ? 'no key' : `the keys ${keys.join(', ')}`}`,
      );
    }
    name = keys[0];
    raw = (step as Record<string, unknown>)[name];
  } else {
    throw stepError(where, index, `${show(step)} is not a transform step; write a transform name or { name: { arguments } }`);
  }
  const def = TRANSFORMS.get(name);
  if (!def) throw stepError(where, index, `unknown transform ${show(name)}; the transforms are: ${knownNames()}`);
  const parsed = def.args.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length > 0 ? ` ${issue.path.join('.')}:` : '';
    const hint = def.args === NO_ARGS ? ` (${name} takes no arguments)` : '';
    throw stepError(where, index, `${name}:${at} ${issue.message}${hint}`, [index, name, ...issue.path]);
  }
  try {
    return def.create(parsed.data);
  } catch (e) {
    if (e instanceof FerryError) throw e;
    throw stepError(where, index, `${name}: ${(e as Error).message}`, [index, name]);
  }
}

/**
 * Validates every step (unknown name → error listing the known names; bad args → the zod issue) and composes
 * them. `where` is prefixed to messages, e.g. "contact.lastname". Throws MapLangError (code MAP_INVALID) with
 * `path` = [index of the bad step]; its detail.argPath goes on into the step's arguments.
 */
export function compileChain(steps: TransformStep[], where: string): TransformFn {
  if (!Array.isArray(steps)) throw new MapLangError(`${where}: transforms must be a list of steps, not ${show(steps)}`);
  const fns = steps.map((step, i) => compileStep(step, i, where));
  if (fns.length === 0) return (value) => value;
  if (fns.length === 1) return fns[0];
  return (value: unknown, ctx: TransformContext) => {
    let v = value;
    for (let i = 0; i < fns.length; i++) v = fns[i](v, ctx);
    return v;
  };
}
