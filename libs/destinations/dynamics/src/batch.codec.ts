import { randomUUID } from 'crypto';

/**
 * multipart/mixed framing for OData $batch, shared by the client (builds requests, parses responses) and the
 * sandbox (parses requests, builds responses). Bodies are treated as text; parsing accepts CRLF and bare LF.
 */

export type LineEnding = '\r\n' | '\n';

export interface BatchRequestItem {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | object;
  contentId?: string;
}

export interface BatchChangeSet<T> {
  changeSet: T[];
}

export type BatchRequestEntry = BatchRequestItem | BatchChangeSet<BatchRequestItem>;

/** A parsed inner request: header names are lower-cased, the body is raw text ('' when absent). */
export interface ParsedBatchRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  contentId?: string;
}

export type ParsedBatchRequestEntry = ParsedBatchRequest | BatchChangeSet<ParsedBatchRequest>;

export interface BatchResponseItem {
  status: number;
  statusText?: string;
  headers: Record<string, string>;
  body?: string;
  contentId?: string;
}

export type BatchResponseEntry = BatchResponseItem | BatchChangeSet<BatchResponseItem>;

/** A parsed inner response; `changeSet` numbers the change set (0-based) the response came from, if any. */
export interface ParsedBatchResponse extends BatchResponseItem {
  changeSet?: number;
}

export class BatchFormatError extends Error {
  override readonly name = 'BatchFormatError';
}

export function isChangeSet<T>(entry: T | BatchChangeSet<T>): entry is BatchChangeSet<T> {
  return typeof entry === 'object' && entry !== null && Array.isArray((entry as BatchChangeSet<T>).changeSet);
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Unknown';
}

/** The boundary parameter of a multipart Content-Type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*boundary\s*=\s*("([^"]+)"|[^;\s]+)/i.exec(contentType);
  if (!m) return undefined;
  return m[2] ?? m[1];
}

function isMultipart(contentType: string | undefined): boolean {
  return !!contentType && /^\s*multipart\/mixed\b/i.test(contentType);
}

// ---------------------------------------------------------------- building

function bodyText(body: string | object | undefined): string | undefined {
  if (body === undefined) return undefined;
  return typeof body === 'string' ? body : JSON.stringify(body);
}

function headerLines(headers: Record<string, string> | undefined): string[] {
  return Object.entries(headers ?? {}).map(([k, v]) => `${k}: ${v}`);
}

function requestPart(item: BatchRequestItem): string[] {
  const body = bodyText(item.body);
  const headers = { ...item.headers };
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json';
  }
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (item.contentId !== undefined) lines.push(`Content-ID: ${item.contentId}`);
  lines.push('', `${item.method.toUpperCase()} ${item.url} HTTP/1.1`, ...headerLines(headers), '');
  if (body !== undefined) lines.push(body);
  return lines;
}

export function buildBatchRequest(
  entries: BatchRequestEntry[],
  opts: { boundary?: string; lineEnding?: LineEnding } = {},
): { contentType: string; body: string } {
  const eol = opts.lineEnding ?? '\r\n';
  const boundary = opts.boundary ?? `batch_${randomUUID()}`;
  const out: string[] = [];
  for (const entry of entries) {
    out.push(`--${boundary}`);
    if (isChangeSet(entry)) {
      const cs = `changeset_${randomUUID()}`;
      out.push(`Content-Type: multipart/mixed; boundary=${cs}`, '');
      entry.changeSet.forEach((item, i) => {
        out.push(`--${cs}`, ...requestPart({ ...item, contentId: item.contentId ?? String(i + 1) }));
      });
      out.push(`--${cs}--`);
    } else {
      out.push(...requestPart(entry));
    }
  }
  out.push(`--${boundary}--`, '');
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: out.join(eol) };
}

function responsePart(item: BatchResponseItem): string[] {
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (item.contentId !== undefined) lines.push(`Content-ID: ${item.contentId}`);
  lines.push('', `HTTP/1.1 ${item.status} ${item.statusText ?? statusText(item.status)}`, ...headerLines(item.headers), '');
  lines.push(item.body ?? '');
  return lines;
}

export function buildBatchResponse(
  entries: BatchResponseEntry[],
  opts: { boundary?: string } = {},
): { contentType: string; body: string } {
  const boundary = opts.boundary ?? `batchresponse_${randomUUID()}`;
  const out: string[] = [];
  for (const entry of entries) {
    out.push(`--${boundary}`);
    if (isChangeSet(entry)) {
      const cs = `changesetresponse_${randomUUID()}`;
      out.push(`Content-Type: multipart/mixed; boundary=${cs}`, '');
      for (const item of entry.changeSet) out.push(`--${cs}`, ...responsePart(item));
      out.push(`--${cs}--`);
    } else {
      out.push(...responsePart(entry));
    }
  }
  out.push(`--${boundary}--`, '');
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: out.join('\r\n') };
}

// ---------------------------------------------------------------- parsing

interface MimePart {
  headers: Record<string, string>;
  lines: string[];
}

/** Splits the lines of a multipart body into parts; the line break before a delimiter belongs to the delimiter. */
function splitParts(lines: string[], boundary: string): MimePart[] {
  const open = `--${boundary}`;
  const close = `--${boundary}--`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of lines) {
    const t = line.trimEnd();
    if (t === close) {
      if (current) parts.push(current);
      current = undefined;
      closed = true;
      break;
    }
    if (t === open) {
      if (current) parts.push(current);
      current = [];
      continue;
    }
    if (current) current.push(line);
  }
  if (!closed) throw new BatchFormatError(`multipart body does not end with the closing delimiter '${close}'`);
  return parts.map(splitHeaders);
}

function splitHeaders(lines: string[]): MimePart {
  const headers: Record<string, string> = {};
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      i++;
      break;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new BatchFormatError(`malformed header line '${line}'`);
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, lines: lines.slice(i) };
}

/** Joins body lines; trailing blank lines that some writers add before the delimiter are dropped. */
function joinBody(lines: string[]): string {
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  return lines
    .slice(0, end)
    .map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
    .join('\n');
}

function toLines(body: string): string[] {
  return body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function requireBoundary(contentType: string | undefined): string {
  const boundary = boundaryOf(contentType);
  if (!isMultipart(contentType) || !boundary) {
    throw new BatchFormatError(`expected Content-Type multipart/mixed with a boundary, got '${contentType ?? ''}'`);
  }
  return boundary;
}

function parseInnerRequest(part: MimePart): ParsedBatchRequest {
  const ct = part.headers['content-type'];
  if (ct && !/^\s*application\/http\b/i.test(ct)) {
    throw new BatchFormatError(`a batch part must have Content-Type application/http, got '${ct}'`);
  }
  const lines = part.lines;
  let start = 0;
  while (start < lines.length && lines[start].trim() === '') start++;
  const requestLine = lines[start];
  if (!requestLine) throw new BatchFormatError('a batch part holds no request line');
  const tokens = requestLine.trim().split(/\s+/);
  if (tokens.length < 2) throw new BatchFormatError(`malformed request line '${requestLine}'`);
  const hasVersion = /^HTTP\/\d/i.test(tokens[tokens.length - 1]) && tokens.length >= 3;
  const method = tokens[0].toUpperCase();
  const url = tokens.slice(1, hasVersion ? -1 : undefined).join(' ');
  const inner = splitHeaders(lines.slice(start + 1));
  const contentId = part.headers['content-id'] ?? inner.headers['content-id'];
  return { method, url, headers: inner.headers, body: joinBody(inner.lines), ...(contentId !== undefined ? { contentId } : {}) };
}

export function parseBatchRequest(contentType: string | undefined, body: string): ParsedBatchRequestEntry[] {
  const boundary = requireBoundary(contentType);
  return splitParts(toLines(body), boundary).map((part) => {
    const ct = part.headers['content-type'];
    if (isMultipart(ct)) {
      const inner = boundaryOf(ct);
      if (!inner) throw new BatchFormatError('a change set part has no boundary');
      const changeSet = splitParts(part.lines, inner).map((p) => {
        const ctInner = p.headers['content-type'];
        if (isMultipart(ctInner)) throw new BatchFormatError('change sets cannot be nested');
        return parseInnerRequest(p);
      });
      return { changeSet };
    }
    return parseInnerRequest(part);
  });
}

function parseInnerResponse(part: MimePart): BatchResponseItem {
  const lines = part.lines;
  let start = 0;
  while (start < lines.length && lines[start].trim() === '') start++;
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\s*(.*)$/i.exec((lines[start] ?? '').trim());
  if (!m) throw new BatchFormatError(`malformed status line '${lines[start] ?? ''}'`);
  const inner = splitHeaders(lines.slice(start + 1));
  const body = joinBody(inner.lines);
  const contentId = part.headers['content-id'] ?? inner.headers['content-id'];
  return {
    status: Number(m[1]),
    statusText: m[2],
    headers: inner.headers,
    ...(body !== '' ? { body } : {}),
    ...(contentId !== undefined ? { contentId } : {}),
  };
}

/** Parses a $batch response into one flat list, in order; change-set members carry their change set's index. */
export function parseBatchResponse(contentType: string | undefined, body: string): ParsedBatchResponse[] {
  const boundary = requireBoundary(contentType);
  const out: ParsedBatchResponse[] = [];
  let changeSets = 0;
  for (const part of splitParts(toLines(body), boundary)) {
    const ct = part.headers['content-type'];
    if (isMultipart(ct)) {
      const inner = boundaryOf(ct);
      if (!inner) throw new BatchFormatError('a change set response has no boundary');
      const index = changeSets++;
      for (const p of splitParts(part.lines, inner)) out.push({ ...parseInnerResponse(p), changeSet: index });
    } else {
      out.push(parseInnerResponse(part));
    }
  }
  return out;
}
