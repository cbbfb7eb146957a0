import { z } from 'zod';

export type ValueKind = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'date' | 'timestamp' | 'decimal' | 'unknown';

/** Something a transform noticed about a value without failing the record, for the data-quality report. */
export interface TransformIssue {
  /** 'unmapped', 'invalid-phone', 'invalid-email', 'invalid-url', 'truncated', 'phone-extension-dropped' */
  kind: string;
  value?: unknown;
  detail?: string;
}

export interface TransformContext {
  /**
   * What the incoming value is, from the source's Avro type. A chain updates it as it runs, so after the chain
   * it tells what the result is; pass a fresh context (or reset it) per value.
   */
  sourceKind: ValueKind;
  /** "<entity>.<column>", for messages. */
  target: string;
  report?: (issue: TransformIssue) => void;
}

export type TransformFn = (value: unknown, ctx: TransformContext) => unknown;

export interface TransformDefinition<A = unknown> {
  name: string;
  /** One line, shown by `ferry map show --transforms`. */
  doc: string;
  args: z.ZodType<A, z.ZodTypeDef, unknown>;
  /** May throw a plain Error for arguments zod cannot judge alone (a bad regex, an unknown zone): the chain compiler words it. */
  create(args: A): TransformFn;
}

/** Arguments of a transform that takes none: written as a bare name, or with an empty value. */
export const NO_ARGS = z.null().optional();

export function define<A>(def: TransformDefinition<A>): TransformDefinition<A> {
  return def;
}

export function kindOf(value: unknown): ValueKind {
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'long' : 'double';
    default:
      return 'unknown';
  }
}

/** null, undefined, '' or only whitespace. */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}
