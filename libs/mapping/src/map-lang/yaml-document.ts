import { Document, isAlias, isMap, isNode, isPair, isScalar, isSeq, LineCounter, Node, parseDocument as parseYaml } from 'yaml';
import { z } from 'zod';
import { FerryError } from '@ferry/common';
import { show } from './errors';

export interface LocatedIssue {
  file: string;
  line: number;
  column: number;
  /** Where in the document, as objects[3].fields.name; empty for the whole document. */
  path: string;
  message: string;
}

const LISTED = 10;

/** A map document that is not valid YAML or not a valid map: the migration stops before reading a record. */
export class MapDocumentError extends FerryError {
  constructor(readonly issues: LocatedIssue[]) {
    const lines = issues.slice(0, LISTED).map((i) => `  ${i.file}:${i.line}:${i.column}  ${i.path || '(document)'}  ${i.message}`);
    if (issues.length > LISTED) lines.push(`  … and ${issues.length - LISTED} more`);
    const file = issues[0]?.file ?? 'map';
    super(
      'MAP_INVALID',
      `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the map document; fix ${issues.length === 1 ? 'it' : 'them'} and run again:\n${lines.join('\n')}`,
      'fatal',
      { issues },
    );
    this.name = 'MapDocumentError';
  }
}

/** A path as a map author reads it: objects[3].fields.name, odd keys quoted as fields["Loan Type"]. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

interface Parsed {
  doc: Document.Parsed;
  lines: LineCounter;
}

function parse(text: string): Parsed {
  const lines = new LineCounter();
  // uniqueKeys rejects duplicate keys; JSON is YAML, so this reads .json maps too.
  const doc = parseYaml(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { doc, lines };
}

function syntaxIssues({ doc, lines }: Parsed, file: string): LocatedIssue[] {
  return doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    const message = e.code === 'DUPLICATE_KEY' ? 'this key appears twice in the same mapping; keep one' : e.message.replace(/\s+/g, ' ').trim();
    return { file, line, column: col, path: '', message };
  });
}

function keyMatches(key: unknown, seg: string | number): boolean {
  const k = isScalar(key) ? key.value : key;
  return String(k) === String(seg);
}

/**
 * The node at `path`, or the nearest existing parent: the offset to point at. A key whose value is empty points
 * at the key; `atKey` points at the key even when the value exists (for unknown keys).
 */
function offsetOf({ doc }: Parsed, path: readonly (string | number)[], atKey = false): number {
  let node: unknown = doc.contents;
  let offset = startOf(doc.contents) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, seg));
      if (!pair) return offset;
      next = pair.value;
      keyNode = pair.key;
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
      if (next === undefined) return offset;
    } else return offset;
    const last = i === path.length - 1;
    const valueStart = isNode(next) && !(isScalar(next) && next.value === null && next.source === '') ? startOf(next) : undefined;
    const keyStart = startOf(keyNode);
    offset = (last && atKey && keyStart !== undefined ? keyStart : valueStart ?? keyStart) ?? offset;
    node = next;
  }
  return offset;
}

function startOf(node: unknown): number | undefined {
  return isNode(node) && (node as Node).range ? (node as Node).range![0] : undefined;
}

function position(parsed: Parsed, offset: number): { line: number; column: number } {
  const { line, col } = parsed.lines.linePos(offset);
  return { line, column: col };
}

function issueMessage(issue: z.ZodIssue, data: unknown): { message: string; extraKeys?: string[] } {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return { message: `required key missing (${issue.expected} expected)` };
      return { message: `expected ${issue.expected}, found ${issue.received} ${show(valueAt(data, issue.path))}` };
    case z.ZodIssueCode.unrecognized_keys:
      return { message: '', extraKeys: issue.keys };
    default:
      return { message: issue.message };
  }
}

/**
 * A union's own issue says only "Invalid input"; the branch that got furthest into the value (an array branch
 * complaining about one element) says what is wrong, so its issues replace the union's.
 */
function furthest(issue: z.ZodIssue): z.ZodIssue[] {
  if (issue.code !== z.ZodIssueCode.invalid_union) return [issue];
  let best: z.ZodIssue[] = [];
  let depth = issue.path.length;
  for (const branch of issue.unionErrors) {
    const deepest = Math.max(...branch.issues.map((i) => i.path.length));
    if (deepest > depth) {
      depth = deepest;
      best = branch.issues;
    }
  }
  return best.length > 0 ? best.flatMap(furthest) : [issue];
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let v = data;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/**
 * Parses YAML (or JSON, which is YAML) keeping node positions; validates with the zod schema; maps every
 * zod issue path back to the line/column of that node (or its nearest existing parent when the key is
 * missing). Throws MapDocumentError listing every problem.
 */
export function parseDocument<T>(text: string, file: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T {
  const parsed = parse(text);
  const syntax = syntaxIssues(parsed, file);
  if (syntax.length > 0) throw new MapDocumentError(syntax);
  const data: unknown = parsed.doc.toJS({ maxAliasCount: 100 });
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issues: LocatedIssue[] = [];
  for (const issue of result.error.issues.flatMap(furthest)) {
    const { message, extraKeys } = issueMessage(issue, data);
    if (extraKeys) {
      for (const key of extraKeys) {
        const path = [...issue.path, key];
        issues.push({
          file,
          ...position(parsed, offsetOf(parsed, path, true)),
          path: formatPath(path),
          message: `unknown key ${show(key)}; check its spelling and where it is indented`,
        });
      }
      continue;
    }
    issues.push({ file, ...position(parsed, offsetOf(parsed, issue.path)), path: formatPath(issue.path), message });
  }
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new MapDocumentError(issues);
}

/** The line and column (1-based) of the node at `path` in a document, or of its nearest existing parent. */
export function locate(text: string, file: string, path: (string | number)[]): { line: number; column: number } {
  const parsed = parse(text);
  const syntax = syntaxIssues(parsed, file);
  if (syntax.length > 0) throw new MapDocumentError(syntax);
  return position(parsed, offsetOf(parsed, path));
}
