import { createHash } from 'crypto';
import { FerryError, errorMessage } from '@ferry/common';
import type {
  RecordMessage,
  RejectCode,
  RejectMessage,
  SourceApiSpec,
  SourceConnector,
  SourceMessage,
  StreamDefinition,
  StreamState,
} from '@ferry/connectors/core';
import { readPath } from './rest-json.path';
import { DEFAULT_MAX_SEEN_KEYS, PageAnchor, ReadItem, WatermarkTracker } from './rest-poll.tracker';
import { PollAborted, RetryNotice, SourceApiClient } from './source-api.client';
import { SourceApiError } from './source-api.error';

export const DEFAULT_OVERLAP_MS = 2000;

export interface PollStreamOptions {
  /** the API's base URL; the stream's `api.path` is appended (e.g. http://127.0.0.1:8181/sources/leaf360/api) */
  baseUrl: string;
  /** API key or token, sent as the connector's `api.auth` header says */
  credential: string;
  connector: SourceConnector;
  stream: string;
  /** the last state message of an earlier pass (or of this pass, when it was interrupted) */
  state?: StreamState;
  /** items per request; default and cap: the API's maxPageSize */
  pageSize?: number;
  /** how far before the watermark a pass starts, for writes that became visible late; default 2000 ms */
  overlapMs?: number;
  /** stops the pass after the request in flight; nothing is yielded after it */
  signal?: AbortSignal;
  /** retries of one request after 429, 502-504, a reset connection or a timeout; default 5 */
  maxRetries?: number;
  /** backoff when the server sends no Retry-After: base * 2^(attempt-1); default 500 ms */
  backoffBaseMs?: number;
  /** backoff cap and the longest Retry-After honoured; default 60 s */
  maxWaitMs?: number;
  /** per request; default 30 s */
  timeoutMs?: number;
  /** keys kept in `seenAtWatermark`; default 10,000 */
  maxSeenKeys?: number;
  onRetry?: (notice: RetryNotice) => void;
}

/**
 * One poll pass over one stream of a source API: every record modified since the state's watermark (less the
 * overlap), page by page as the connector's `SourceApiSpec` describes, with tombstones. After each page a state
 * message carries the new watermark and the keys at it, so a pass interrupted anywhere resumes without a gap; the
 * last one also says `complete: true` (the pass reached the end; the poller itself ignores the flag). The caller
 * runs the next pass on its own interval.
 *
 * A stream without a cursor field cannot be asked for changes: each pass reads it whole and the state holds no
 * watermark (the extractor compares content hashes instead).
 */
export async function* pollStream(opts: PollStreamOptions): AsyncGenerator<SourceMessage, void, undefined> {
  const { connector, stream } = opts;
  const def = connector.streams().find((s) => s.name === stream);
  if (!def) {
    const names = connector.streams().map((s) => s.name);
    throw new FerryError('USAGE', `${connector.system} has no stream "${stream}": choose one of ${names.join(', ')}`, 'fatal');
  }
  if (!def.api) throw new FerryError('USAGE', `${connector.system} stream "${stream}" is not offered by its API; read it from an export instead`, 'fatal');
  const spec = connector.api;
  const max = spec.pagination.maxPageSize;
  const size = Math.max(1, Math.min(max, Math.floor(opts.pageSize ?? max)));
  const url = `${opts.baseUrl.replace(/\/+$/, '')}/${def.api.path.replace(/^\/+/, '')}`;
  const tracker = new WatermarkTracker(def.cursor ? opts.state : undefined, opts.maxSeenKeys ?? DEFAULT_MAX_SEEN_KEYS);
  const client = new SourceApiClient({
    system: connector.system,
    stream,
    auth: spec.auth,
    credential: opts.credential,
    maxRetries: opts.maxRetries,
    backoffBaseMs: opts.backoffBaseMs,
    maxWaitMs: opts.maxWaitMs,
    timeoutMs: opts.timeoutMs,
    signal: opts.signal,
    onRetry: opts.onRetry,
  });
  const reader = new ItemReader(connector, def, spec, url);
  const since = def.cursor ? tracker.since(opts.overlapMs ?? DEFAULT_OVERLAP_MS) : undefined;
  const baseParams = (from: number | undefined): Record<string, string> => ({
    [spec.pagination.sizeParam]: String(size),
    [spec.deletes.includeParam]: 'true',
    ...(from === undefined ? {} : { [spec.modifiedSince.param]: formatTime(from, spec.modifiedSince.format) }),
  });

  const pagination = spec.pagination;
  const anchor = new PageAnchor(since, size);
  let cursor: string | undefined;
  let previousPage = '';
  for (;;) {
    if (opts.signal?.aborted) return;
    const params =
      pagination.style === 'page'
        ? { ...baseParams(anchor.since), [pagination.pageParam]: String(pagination.firstPage + anchor.pageIndex) }
        : { ...baseParams(since), ...(cursor === undefined ? {} : { [pagination.cursorParam]: cursor }) };
    const resource = `${def.api.path}?${new URLSearchParams(params).toString()}`;
    let body: unknown;
    try {
      body = await client.getJson(url, params);
    } catch (err) {
      if (err instanceof PollAborted) return;
      throw err;
    }
    const items = readPath(body, spec.itemsPath);
    if (!Array.isArray(items)) {
      throw new SourceApiError(
        'SOURCE_API_BAD_RESPONSE',
        `${connector.system} API: GET ${url}?${new URLSearchParams(params).toString()} has no array at "${spec.itemsPath}"; the connector's API spec and the server disagree`,
        url,
        200,
        stream,
      );
    }

    const read: ReadItem[] = [];
    let fresh = 0;
    for (let i = 0; i < items.length; i++) {
      const item = reader.read(items[i], i, resource);
      read.push({ id: item.id, modified: item.modified });
      if (pagination.style === 'page' && anchor.alreadyRead(item.id)) continue;
      fresh++;
      if (item.key !== undefined && item.modified !== undefined && !tracker.admit(item.key, item.modified)) continue;
      yield item.message;
    }

    const fingerprint = pageFingerprint(read);
    if (items.length > 0 && fingerprint === previousPage) {
      throw new SourceApiError(
        'SOURCE_API_BAD_RESPONSE',
        `${connector.system} API: GET ${url} returned the same page twice (${resource}); does it honour "${pagination.style === 'page' ? pagination.pageParam : pagination.cursorParam}"?`,
        url,
        200,
        stream,
      );
    }
    previousPage = fingerprint;

    let last: boolean;
    if (pagination.style === 'page') {
      last = items.length < size;
      anchor.advance(read, fresh);
    } else {
      const next = readPath(body, pagination.nextCursorPath);
      last = items.length === 0 || next === undefined || next === null || next === '';
      cursor = last ? undefined : String(next);
    }
    yield { type: 'state', stream, state: last ? { ...tracker.state(), complete: true } : tracker.state() };
    if (last) return;
  }
}

export function formatTime(ms: number, format: SourceApiSpec['modifiedSince']['format']): string {
  return format === 'iso' ? new Date(ms).toISOString() : String(ms);
}

/** Epoch millis from a record's cursor value (timestamp-millis as a number; tolerates a Date or numeric text). */
export function toMillis(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : undefined;
  if (typeof value === 'string' && /^-?\d{1,16}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function pageFingerprint(read: ReadItem[]): string {
  const h = createHash('sha1');
  for (const r of read) h.update(r.id).update('\n');
  return h.digest('hex');
}

type ReadOutcome =
  | { id: string; key: string; modified: number | undefined; message: RecordMessage }
  | { id: string; key?: undefined; modified?: undefined; message: RejectMessage };

/** Turns API items into record or reject messages through the connector. */
class ItemReader {
  private readonly idPath: string | undefined;
  private readonly timePath: string | undefined;

  constructor(
    private readonly connector: SourceConnector,
    private readonly def: StreamDefinition,
    private readonly spec: SourceApiSpec,
    private readonly url: string,
  ) {
    const marker = 'ferry-key-probe-7f3a';
    const probe = probeItem(connector, def, marker);
    this.idPath = findPath(probe, (v) => v === marker);
    this.timePath = def.cursor ? findPath(probe, (v) => v === PROBE_MS || (typeof v === 'string' && Date.parse(v) === PROBE_MS)) : undefined;
  }

  read(raw: unknown, index: number, resource: string): ReadOutcome {
    const { connector, def } = this;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      return this.reject(raw, `item ${index + 1}`, resource, 'BAD_RECORD', `is ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}, not an object`);
    }
    const item = raw as Record<string, unknown>;
    const flag = item[this.spec.deletes.flagField];
    const deleted = flag === true || flag === 'true';
    const label = `item ${this.itemId(item) ?? `#${index + 1} (no id)`}`;
    let out: ReturnType<SourceConnector['fromApiItem']>;
    try {
      // The connector knows its own tombstone shape, flag included.
      out = connector.fromApiItem(def.name, item);
    } catch (err) {
      out = { code: 'BAD_RECORD', reason: errorMessage(err) };
    }
    if ('code' in out) return this.reject(item, label, resource, out.code, out.reason);
    const record = out.record;
    const keyValue = record[def.key];
    if (keyValue === null || keyValue === undefined || keyValue === '') {
      return this.reject(item, label, resource, 'MISSING_VALUE', `has no ${def.key}`);
    }
    const key = String(keyValue);
    const modified = def.cursor ? (toMillis(record[def.cursor]) ?? this.timeInItem(item)) : undefined;
    const message: RecordMessage = { type: 'record', stream: def.name, record, origin: { resource } };
    if (deleted) message.deleted = true;
    // An item with no time at all (a bare tombstone, a record never stamped) is still emitted, and moves no
    // watermark: the extractor is idempotent, and a record held back is worse than one repeated.
    return { id: `${key}@${modified ?? (deleted ? 'deleted' : 'unstamped')}`, key, modified, message };
  }

  /** The item's own modified time, where the connector's toApiItem puts the cursor (a tombstone record may carry only its key). */
  private timeInItem(item: Record<string, unknown>): number | undefined {
    if (!this.timePath) return undefined;
    const v = readPath(item, this.timePath);
    if (typeof v === 'string' && !/^-?\d+$/.test(v.trim())) {
      const ms = Date.parse(v);
      return Number.isFinite(ms) ? ms : undefined;
    }
    return toMillis(v);
  }

  private reject(raw: unknown, label: string, resource: string, code: RejectCode, reason: string): ReadOutcome {
    const text = JSON.stringify(raw) ?? String(raw);
    const message: RejectMessage = {
      type: 'reject',
      stream: this.def.name,
      origin: { resource },
      code,
      reason: `${this.connector.system} ${this.def.name} ${label} from GET ${this.url} (${resource}) ${reason.replace(/\.$/, '')}`,
      raw: text,
    };
    return { id: `raw:${createHash('sha1').update(text).digest('hex')}`, message };
  }

  private itemId(item: Record<string, unknown>): string | undefined {
    const candidates = [this.idPath ? readPath(item, this.idPath) : undefined, item[this.def.key], item.id, item.Id, item.ID, item._id];
    const v = candidates.find((c) => (typeof c === 'string' && c !== '') || typeof c === 'number');
    return v === undefined ? undefined : String(v);
  }
}

const PROBE_MS = 1_234_567_890_123;

/** An API item made by the connector's own toApiItem from a record holding only a marker key and a known time. */
function probeItem(connector: SourceConnector, def: StreamDefinition, marker: string): unknown {
  try {
    return connector.toApiItem(def.name, def.cursor ? { [def.key]: marker, [def.cursor]: PROBE_MS } : { [def.key]: marker });
  } catch {
    return undefined;
  }
}

/** The dotted path of the first value (up to three levels deep) that satisfies `match`. */
function findPath(at: unknown, match: (v: unknown) => boolean, path: string[] = [], depth = 3): string | undefined {
  if (match(at)) return path.length > 0 ? path.join('.') : undefined;
  if (depth === 0 || at === null || typeof at !== 'object' || Array.isArray(at)) return undefined;
  for (const [k, v] of Object.entries(at)) {
    const found = findPath(v, match, [...path, k], depth - 1);
    if (found) return found;
  }
  return undefined;
}
