import { TransformContext, TransformIssue, ValueKind } from './transform-types';
import { compileChain, TransformStep } from './transforms';

/** Runs one step (or a chain) on a value the way the interpreter will, collecting reported issues. */
export function run(steps: TransformStep | TransformStep[], value: unknown, sourceKind: ValueKind = 'string') {
  const fn = compileChain(Array.isArray(steps) ? steps : [steps], 'contact.field');
  const issues: TransformIssue[] = [];
  const ctx: TransformContext = { sourceKind, target: 'contact.field', report: (i) => issues.push(i) };
  const result = fn(value, ctx);
  return { result, kind: ctx.sourceKind, issues };
}

export const value = (steps: TransformStep | TransformStep[], input: unknown, sourceKind: ValueKind = 'string') =>
  run(steps, input, sourceKind).result;
