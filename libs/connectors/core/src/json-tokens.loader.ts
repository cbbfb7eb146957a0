import NodeModule from 'module';

/** One token of stream-json's tokenizer, with values packed (one token per key, string and number). */
export type JsonToken =
  | { name: 'startObject' | 'endObject' | 'startArray' | 'endArray' }
  | { name: 'keyValue' | 'stringValue' | 'numberValue'; value: string }
  | { name: 'nullValue'; value: null }
  | { name: 'trueValue'; value: true }
  | { name: 'falseValue'; value: false }
  | { name: string; value?: unknown };

/**
 * Feeds text to the tokenizer and returns the tokens it could complete; `end()` flushes the rest. Throws
 * stream-json's Error on invalid JSON.
 */
export interface JsonTokenizer {
  write(text: string): JsonToken[];
  end(): JsonToken[];
}

// stream-chain's markers are registered symbols, so they can be named without importing the library.
const NONE = Symbol.for('object-stream.none');
const MANY = Symbol.for('object-stream.many');

type RawTokenizer = (chunk: string | symbol) => unknown;
let jsonParser: ((options: Record<string, unknown>) => RawTokenizer) | null = null;

/**
 * stream-json v3 ships only as ES modules. Node (≥ 20.19) loads those through require(), which is all the
 * compiled code does; Jest's own module registry cannot, so the module is loaded through Node's loader.
 */
function load(): (options: Record<string, unknown>) => RawTokenizer {
  if (jsonParser) return jsonParser;
  const nodeLoad = (NodeModule as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown })._load;
  try {
    const mod = nodeLoad.call(NodeModule, 'stream-json/core/parser.js', module, false) as { jsonParser?: typeof jsonParser };
    if (typeof mod.jsonParser !== 'function') throw new Error('it has no jsonParser export');
    jsonParser = mod.jsonParser;
  } catch (e) {
    throw new Error(`cannot load stream-json's tokenizer (Node ${process.versions.node}; ES modules through require() need Node 20.19 or later): ${(e as Error).message}`);
  }
  return jsonParser;
}

function tokensOf(out: unknown): JsonToken[] {
  if (out === NONE || out === undefined) return [];
  if (out !== null && typeof out === 'object' && (out as Record<symbol, unknown>)[MANY] === 1) return (out as { values: JsonToken[] }).values;
  return [out as JsonToken];
}

/**
 * stream-json's bare tokenizer (no UTF-8 repair stage: the reader decodes bytes itself), packing keys,
 * strings and numbers into one token each. `jsonStreaming` reads successive top-level values (NDJSON).
 */
export function jsonTokenizer(jsonStreaming = false): JsonTokenizer {
  const tok = load()({ packValues: true, streamValues: false, jsonStreaming });
  return {
    write: (text) => tokensOf(tok(text)),
    end: () => tokensOf(tok(NONE)),
  };
}

/** stream-json's message without its generic opening: "expected ','". */
export function tokenizerProblem(e: unknown): string {
  // Not `instanceof Error`: the tokenizer may come from another realm (Node's loader under Jest).
  const message = e !== null && typeof e === 'object' && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : String(e);
  return message.replace(/^Parser cannot parse input: /, '').replace(/^Parser has /, '');
}

/**
 * Builds JavaScript values from tokens. Numbers stay numbers when that loses nothing, and stay their JSON
 * text otherwise ("1.50", a 19-digit id), so no digit of an amount or key is lost to a float.
 */
export class JsonAssembler {
  private stack: Array<Record<string, unknown> | unknown[]> = [];
  private keys: Array<string | null> = [];
  private key: string | null = null;
  /** the finished top-level value, once depth returns to 0 */
  done = false;
  value: unknown = undefined;

  get depth(): number {
    return this.stack.length;
  }

  reset(): void {
    this.stack.length = 0;
    this.keys.length = 0;
    this.key = null;
    this.done = false;
    this.value = undefined;
  }

  consume(t: JsonToken): void {
    switch (t.name) {
      case 'startObject':
        this.open({});
        return;
      case 'startArray':
        this.open([]);
        return;
      case 'endObject':
      case 'endArray': {
        const v = this.stack.pop();
        this.key = this.keys.pop() ?? null;
        this.put(v);
        return;
      }
      case 'keyValue':
        this.key = t.value as string;
        return;
      case 'stringValue':
      case 'nullValue':
      case 'trueValue':
      case 'falseValue':
        this.put(t.value);
        return;
      case 'numberValue':
        this.put(jsonNumber(t.value as string));
        return;
      default:
        return;
    }
  }

  private open(container: Record<string, unknown> | unknown[]): void {
    this.keys.push(this.key);
    this.key = null;
    this.stack.push(container);
  }

  private put(v: unknown): void {
    const top = this.stack[this.stack.length - 1];
    if (top === undefined) {
      this.done = true;
      this.value = v;
    } else if (Array.isArray(top)) top.push(v);
    else if (this.key === '__proto__') Object.defineProperty(top, '__proto__', { value: v, enumerable: true, writable: true, configurable: true });
    else top[this.key as string] = v;
  }
}

export function jsonNumber(text: string): number | string {
  const n = Number(text);
  return String(n) === text ? n : text;
}
