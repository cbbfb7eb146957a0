/**
 * The shape every source CRM implements (one folder per CRM under libs/connectors/). A connector declares its
 * streams (objects, keys, cursors, where each sits in an export drop and in the API), and reads them as an
 * ordered sequence of records, quarantined rows and explicit state checkpoints. The extractor persists a
 * checkpoint only after everything yielded before it is durable, so a restart resumes from the last one.
 */

import type { ValueIssue } from './record.coercer';

export type SourceSystem = 'planports' | 'profi' | 'interactive' | 'leaf360' | 'export';
/** `export` is any CRM's export folder: its streams come from a description a person confirmed, not from a catalog. */
export const SOURCE_SYSTEMS: readonly SourceSystem[] = ['planports', 'profi', 'interactive', 'leaf360', 'export'];

export type ExportFormat = 'csv' | 'xlsx' | 'json' | 'ndjson';

/** Where one object sits in an export drop. */
export interface ExportLocation {
  /** file name relative to the export folder, e.g. `contacts.csv` or `planports-export.xlsx` */
  file: string;
  format: ExportFormat;
  /** XLSX: the worksheet holding the object */
  sheet?: string;
  /** JSON: property of the top-level object holding the array (absent: the document is the array) */
  arrayPath?: string;
  /** header label (as written, case-insensitive) → schema field, where the label is not the field name itself */
  columns?: Record<string, string>;
  /** CSV: the exporter's known encoding; absent, it is detected from the first 64 KiB */
  encoding?: 'utf-8' | 'windows-1252';
  /**
   * field → how its numeric dates are written when day and month could be swapped (`dmy` for 03/07/2021 as
   * 3 July); absent, the first value that can only be read one way decides (discovery reports the column's
   * evidence)
   */
  dateOrders?: Record<string, 'dmy' | 'mdy'>;
}

/** Where one object sits in the source's REST API. */
export interface ApiResource {
  /** path below the API base URL, e.g. `/v1/contacts` */
  path: string;
}

/** One object of a source: also the Avro record `schemas/<system>/<name>.avsc` and the topic's object segment. */
export interface StreamDefinition {
  name: string;
  /** field holding the stable source key */
  key: string;
  /** field holding the last-modified time (timestamp-millis); null when the object has none (delta falls back to content hashes) */
  cursor: string | null;
  /** lookup fields and the object each one references; the resolver waits for these parents */
  references: Array<{ field: string; object: string }>;
  /** absent: the export does not carry this object (e.g. Planports' Excel export has no workflow automations) */
  export?: ExportLocation;
  /** absent: the API does not expose it */
  api?: ApiResource;
  /** one line for `ferry discover` and the docs */
  description: string;
}

/** How the source's REST API is called; the generic poller (libs/connectors/rest) follows it. */
export interface SourceApiSpec {
  /** credential header, e.g. `{ header: 'Authorization', scheme: 'Bearer' }` or `{ header: 'X-Api-Key' }` */
  auth: { header: string; scheme?: string };
  pagination:
    | { style: 'page'; pageParam: string; sizeParam: string; maxPageSize: number; firstPage: 0 | 1 }
    | { style: 'cursor'; cursorParam: string; sizeParam: string; maxPageSize: number; nextCursorPath: string };
  /** query parameter for "modified at or after", and how the time is written */
  modifiedSince: { param: string; format: 'iso' | 'epoch-ms' };
  /** property of the response body holding the page's items */
  itemsPath: string;
  /** how deletions show up: a tombstone flag on items listed with `includeParam=true` */
  deletes: { includeParam: string; flagField: string };
}

/** A row or item as read from a file or page, before it is typed against the stream's schema. */
export interface SourceOrigin {
  file?: string;
  /** 1-based physical line (CSV, NDJSON), row (XLSX) or item index (JSON) */
  line?: number;
  /** API resource and page, e.g. `/v1/contacts?page=3` */
  resource?: string;
}

/** Why a row could not become a record. Codes are stable; the reason is one sentence a person can act on. */
export type RejectCode =
  | 'MISSING_COLUMN'
  | 'DUPLICATE_COLUMN'
  | 'CSV_BAD_QUOTE'
  | 'CSV_FIELD_COUNT'
  | 'ROW_TOO_LONG'
  | 'BAD_ENCODING'
  | 'BAD_JSON'
  | 'BAD_XLSX'
  | 'MISSING_VALUE'
  | 'BAD_DATE'
  | 'BAD_TIMESTAMP'
  | 'BAD_DECIMAL'
  | 'BAD_NUMBER'
  | 'BAD_BOOLEAN'
  | 'BAD_RECORD';

export interface RecordMessage {
  type: 'record';
  stream: string;
  /** typed against schemas/<system>/<stream>.avsc; unknown columns land in `custom` */
  record: Record<string, unknown>;
  origin: SourceOrigin;
  /** API: the source deleted this record (the record carries at least its key) */
  deleted?: boolean;
  /** values left out of the record rather than refusing it (bad optional values, placeholders) */
  issues?: ValueIssue[];
  /** the record's fields in the file's column order (`custom.<label>` for custom columns); one array shared by the file's records */
  columns?: readonly string[];
}

export interface RejectMessage {
  type: 'reject';
  stream: string;
  origin: SourceOrigin;
  code: RejectCode;
  reason: string;
  /** the row as written, when there is one */
  raw: string | null;
}

/** Resume position of one stream: everything before it has been yielded. Opaque to the extractor. */
export interface StateMessage {
  type: 'state';
  stream: string;
  state: StreamState;
}

export type SourceMessage = RecordMessage | RejectMessage | StateMessage;

export interface StreamState {
  /** export: identifies the file version (size and mtime); a different fingerprint restarts the file */
  fingerprint?: string;
  /** export: next physical line / row / item index to read */
  position?: number;
  /** api: modified-since watermark (epoch millis) and the keys already seen at exactly that time */
  watermark?: number;
  seenAtWatermark?: string[];
  /** the stream has been read to its end */
  complete?: boolean;
}

export interface CheckResult {
  ok: boolean;
  /** one line per problem, naming the file, URL or setting */
  problems: string[];
  /** what the export lacks but can be read without (a users file with no active flag is read as all active) */
  warnings?: string[];
}

/** One automation to rebuild by hand in the destination (workflows never migrate as data). */
export interface AutomationDefinition {
  id: string;
  name: string;
  /** e.g. workflow, kanban-rule, sequence, sla-timer */
  kind: string;
  active: boolean;
  trigger: Record<string, unknown>;
  conditions: Array<Record<string, unknown>>;
  actions: Array<Record<string, unknown>>;
  rebuildIn: { dynamics: string; salesforce: string };
}

export interface SampleOptions {
  /** total records across every object */
  records: number;
  seed: number;
  out: string;
  /** export format where the source offers more than one (Planports: xlsx by default, csv for very large samples) */
  format?: ExportFormat;
  /** references that can never resolve (orphans, a parent cycle), as real exports have; default true where supported */
  brokenReferences?: boolean;
  /** whose export to imitate where the source writes several (the export source: zoho, hubspot, salesforce, dynamics, pipedrive) */
  style?: string;
}

/**
 * Streams the export does not carry (no `export` location) are still generated, as NDJSON records in the
 * schema's shape at `<out>/api-only/<stream>.ndjson`, so the source sandbox can serve them from its API.
 */
export const API_ONLY_DIR = 'api-only';

/** What a generated export holds, so tests and benchmarks know what a reader must find. */
/** One value a sample wrote that a lenient reader empties: the row reads as a record whose `issues` name it. */
export interface SampleEmptiedValue {
  stream: string;
  file: string;
  line: number;
  field: string;
  /** the issue's code: the reject the value would have been, MISSING_VALUE for a placeholder */
  code: RejectCode;
}

export interface SampleManifest {
  system: SourceSystem;
  seed: number;
  /** rows written per stream, good and malformed */
  counts: Record<string, number>;
  /**
   * rows a reader must quarantine, per stream: file, line and the expected code. Structural faults (quotes,
   * field counts, bad JSON) and a missing or unparseable required value.
   */
  malformed: Array<{ stream: string; file: string; line: number; code: RejectCode }>;
  /**
   * values a lenient reader must empty while keeping the record (an unparseable or placeholder value in an
   * optional column): file, line, the field emptied and the code of the issue the record lists. Absent when a
   * generator does not list them one by one (the export source's sample counts its mess per column in notes).
   */
  emptied?: SampleEmptiedValue[];
  /** the deliberate mess, for the README and discovery tests (e.g. duplicates, orphans, parent cycle ids) */
  notes: Record<string, unknown>;
}

export interface ReadOptions {
  /** resume here (from the last persisted checkpoint) */
  state?: StreamState;
  /** yield a state message after this many records and rejects; default 1000 */
  stateEvery?: number;
}

export interface SourceConnector {
  readonly system: SourceSystem;
  readonly displayName: string;
  /** every object the source has */
  streams(): StreamDefinition[];
  /** how its REST API is called */
  readonly api: SourceApiSpec;
  /** can this export folder be read? (files present, headers as expected) */
  checkExport(dir: string): Promise<CheckResult>;
  /** streams one object of an export drop */
  readExport(dir: string, stream: string, options?: ReadOptions): AsyncIterable<SourceMessage>;
  /** turns one API item into a record of the stream (flattening the API's own shape) */
  fromApiItem(stream: string, item: Record<string, unknown>): { record: Record<string, unknown> } | { code: RejectCode; reason: string };
  /** turns one record into the item the API returns: the inverse of fromApiItem, used by the source sandbox */
  toApiItem(stream: string, record: Record<string, unknown>): Record<string, unknown>;
  /** writes a deterministic export of every object */
  generate(options: SampleOptions): Promise<SampleManifest>;
  /** the automations a record of an automation stream describes (workflows, Kanban rules, …); [] for other streams */
  automations(stream: string, record: Record<string, unknown>): AutomationDefinition[];
}
