import { Inject, Injectable } from '@nestjs/common';
import type { SourceApiSpec, SourceConnector, StreamDefinition } from '@ferry/connectors/core';
import { writePath } from '@ferry/connectors/rest';
import type { SandboxOptions } from '../sandbox.options';
import { SANDBOX_OPTIONS } from '../sandbox.tokens';
import { SourceConnectors } from './source-connectors';
import { SourceErrors } from './source-http.error';
import { SourceRateLimiter } from './source-rate.limiter';
import { SourceRecordStore, SourceRow } from './source-record.store';

export interface SourceApiRequest {
  system: string;
  method: string;
  /** below /sources/<system>/api, still percent-encoded, e.g. `/v1/contacts/C-1` */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

export interface SourceApiAnswer {
  status: number;
  body: unknown;
}

/** An opaque keyset position: the (modified, key) of the last item served. */
export function encodeCursor(modified: number, key: string): string {
  return Buffer.from(JSON.stringify([modified, key]), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): { modified: number; key: string } | null {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && typeof v[1] === 'string') return { modified: v[0] as number, key: v[1] };
  } catch {
    /* not ours */
  }
  return null;
}

/** Reads a modified-since value as the API spec writes it. */
export function parseSince(text: string, format: SourceApiSpec['modifiedSince']['format']): number | null {
  if (format === 'epoch-ms') return /^\d{1,16}$/.test(text) ? Number(text) : null;
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Serves one source system's API as its connector's `SourceApiSpec` describes it: the credential header, page or
 * cursor pagination with a clamped page size, modified-since (at or after), tombstones on request, items in the
 * API's own shape through `connector.toApiItem`, and a token-bucket rate limit per system.
 */
@Injectable()
export class SourceApiService {
  readonly limiter: SourceRateLimiter;

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
    private readonly connectors: SourceConnectors,
    private readonly store: SourceRecordStore,
  ) {
    this.limiter = new SourceRateLimiter(options.source.ratePerSecond, options.source.rateBurst);
  }

  async handle(req: SourceApiRequest): Promise<SourceApiAnswer> {
    const connector = this.connectors.get(req.system);
    const spec = connector.api;
    this.authenticate(connector, req.headers);
    const retryAfter = this.limiter.admit(req.system);
    if (retryAfter > 0) throw SourceErrors.tooManyRequests(retryAfter, this.options.source.ratePerSecond);
    if (req.method !== 'GET') throw SourceErrors.methodNotAllowed(req.method, req.path);

    const path = `/${req.path.replace(/^\/+|\/+$/g, '')}`;
    const served = connector.streams().filter((s): s is StreamDefinition & { api: { path: string } } => !!s.api);
    const norm = (p: string) => `/${p.replace(/^\/+|\/+$/g, '')}`;
    const list = served.find((s) => norm(s.api.path) === path);
    if (list) return { status: 200, body: await this.page(connector, spec, list, req.query) };
    const one = served.find((s) => path.startsWith(`${norm(s.api.path)}/`) && !path.slice(norm(s.api.path).length + 1).includes('/'));
    if (one) {
      const id = decodeURIComponent(path.slice(norm(one.api.path).length + 1));
      const includeDeleted = isTrue(req.query.get(spec.deletes.includeParam));
      const row = await this.store.get(req.system, one.name, id);
      if (!row || (row.deleted && !includeDeleted)) throw SourceErrors.notFound(`${req.system} ${one.name} "${id}" does not exist${row ? ' (deleted)' : ''}`);
      return { status: 200, body: this.item(connector, spec, one, row, includeDeleted) };
    }
    throw SourceErrors.notFound(`${req.system} serves no ${path}; its resources are ${served.map((s) => norm(s.api.path)).join(', ')}`);
  }

  private authenticate(connector: SourceConnector, headers: SourceApiRequest['headers']): void {
    const { header, scheme } = connector.api.auth;
    const raw = headers[header.toLowerCase()];
    const sent = Array.isArray(raw) ? raw[0] : raw;
    const key = this.options.source.apiKey;
    const m = scheme && sent !== undefined ? /^(\S+)\s+(.+)$/.exec(sent) : null;
    const ok = scheme ? !!m && m[1].toLowerCase() === scheme.toLowerCase() && m[2] === key : sent === key;
    if (!ok) {
      const how = scheme ? `${header}: ${scheme} <key>` : `${header}: <key>`;
      throw SourceErrors.unauthorized(
        `${sent === undefined ? 'missing' : 'invalid'} API key: send ${how} with the key the sandbox was given (SANDBOX_SOURCE_API_KEY)`,
      );
    }
  }

  private pageSize(spec: SourceApiSpec, query: URLSearchParams): number {
    const p = spec.pagination;
    const cap = Math.min(p.maxPageSize, this.options.source.maxPageSize ?? Infinity);
    const text = query.get(p.sizeParam);
    if (text === null) return Math.min(cap, this.options.source.defaultPageSize);
    if (!/^\d+$/.test(text) || Number(text) < 1) throw SourceErrors.badRequest(`${p.sizeParam} must be a whole number of at least 1, got "${text}"`);
    return Math.min(cap, Number(text));
  }

  private async page(connector: SourceConnector, spec: SourceApiSpec, def: StreamDefinition, query: URLSearchParams): Promise<Record<string, unknown>> {
    const size = this.pageSize(spec, query);
    const includeDeleted = isTrue(query.get(spec.deletes.includeParam));
    const sinceText = query.get(spec.modifiedSince.param);
    let since: number | undefined;
    if (sinceText !== null) {
      const parsed = parseSince(sinceText, spec.modifiedSince.format);
      if (parsed === null) {
        const want = spec.modifiedSince.format === 'iso' ? 'an ISO 8601 time such as 2024-05-01T12:00:00.000Z' : 'epoch milliseconds';
        throw SourceErrors.badRequest(`${spec.modifiedSince.param} must be ${want}, got "${sinceText}"`);
      }
      since = parsed;
    }
    const body: Record<string, unknown> = {};
    const p = spec.pagination;
    let rows: SourceRow[];
    if (p.style === 'page') {
      const text = query.get(p.pageParam) ?? String(p.firstPage);
      if (!/^\d+$/.test(text) || Number(text) < p.firstPage) throw SourceErrors.badRequest(`${p.pageParam} must be a whole number of at least ${p.firstPage}, got "${text}"`);
      const offset = (Number(text) - p.firstPage) * size;
      rows = await this.store.list(connector.system, def.name, { since, includeDeleted, limit: size, offset });
    } else {
      const text = query.get(p.cursorParam);
      const after = text ? decodeCursor(text) : undefined;
      if (after === null) throw SourceErrors.badRequest(`${p.cursorParam} "${text}" is not a cursor this API issued`);
      const fetched = await this.store.list(connector.system, def.name, { since, includeDeleted, limit: size + 1, after });
      rows = fetched.slice(0, size);
      const last = rows[rows.length - 1];
      writePath(body, p.nextCursorPath, fetched.length > size ? encodeCursor(last.modified_at, last.key) : null);
    }
    writePath(
      body,
      spec.itemsPath,
      rows.map((r) => this.item(connector, spec, def, r, includeDeleted)),
    );
    return body;
  }

  private item(connector: SourceConnector, spec: SourceApiSpec, def: StreamDefinition, row: SourceRow, includeDeleted: boolean): Record<string, unknown> {
    const item = connector.toApiItem(def.name, row.data);
    if (includeDeleted) item[spec.deletes.flagField] = row.deleted;
    return item;
  }
}

function isTrue(v: string | null): boolean {
  return v !== null && /^(true|1)$/i.test(v);
}
