import type { SourceApiSpec } from '@ferry/connectors/core';

/**
 * Interactive's REST API: a bearer token, cursor pages of at most 100 items (`?after=<cursor>&limit=100`, the
 * next cursor at `paging.next.after`, absent on the last page), `updatedAfter=<ISO 8601>` for deltas, and
 * deleted records listed as `archived: true` items when `archived=true` is passed.
 *
 * Every item has the same envelope, whatever the object:
 *   { id, properties: { name: "text", ... }, createdAt, updatedAt, archived, associations?: { ... } }
 * Property values are always strings (or null), as the API returns them; typing is the connector's job.
 */
export const INTERACTIVE_API: SourceApiSpec = {
  auth: { header: 'Authorization', scheme: 'Bearer' },
  pagination: { style: 'cursor', cursorParam: 'after', sizeParam: 'limit', maxPageSize: 100, nextCursorPath: 'paging.next.after' },
  modifiedSince: { param: 'updatedAfter', format: 'iso' },
  itemsPath: 'results',
  deletes: { includeParam: 'archived', flagField: 'archived' },
};

/** The envelope of one API item. */
export interface InteractiveApiItem {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string | null;
  updatedAt: string | null;
  archived: boolean;
  associations?: Record<string, { results: Array<{ id: string; type?: string }> }>;
}
