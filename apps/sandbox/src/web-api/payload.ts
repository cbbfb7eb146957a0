import { isGuid } from '@ferry/destinations/dynamics';
import { AttributeMetadata, EntityRegistry, EntityTable, NavigationProperty } from '../metadata/entity-metadata';
import { RecordAddress, parseAddress } from './alternate-key';
import { Errors } from './dataverse-http.error';

/** A lookup reference from an @odata.bind value or a Content-ID reference. */
export type BindRef = { kind: 'record'; table: EntityTable; address: RecordAddress } | { kind: 'content-id'; contentId: string };

export interface Bind {
  nav: NavigationProperty;
  ref: BindRef;
}

/** A request body checked against the table and split by what create and update may each set. */
export interface PreparedPayload {
  create: Record<string, unknown>;
  update: Record<string, unknown>;
  binds: Bind[];
  /** The primary id column, when the body carried one. */
  id?: string;
}

const IGNORED_ANNOTATIONS = new Set(['@odata.type', '@odata.etag', '@odata.context', '@odata.id', '@odata.editLink']);

const EDM_TYPE: Record<string, string> = {
  string: 'Edm.String',
  memo: 'Edm.String',
  integer: 'Edm.Int32',
  bigint: 'Edm.Int64',
  decimal: 'Edm.Decimal',
  money: 'Edm.Decimal',
  boolean: 'Edm.Boolean',
  datetime: 'Edm.DateTimeOffset',
  dateonly: 'Edm.Date',
  picklist: 'Edm.Int32',
  uniqueidentifier: 'Edm.Guid',
};

/** ISO date-time without milliseconds, in UTC, as the platform returns it. */
export function formatDateTime(value: Date | string): string {
  const d = value instanceof Date ? value : new Date(value);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function literal(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Checks one column value and returns its stored form. */
function normalize(table: EntityTable, a: AttributeMetadata, value: unknown): unknown {
  if (value === null) return null;
  const edm = EDM_TYPE[a.type] ?? 'Edm.String';
  switch (a.type) {
    case 'string':
    case 'memo':
      if (typeof value !== 'string') throw Errors.cannotConvert(literal(value), edm);
      if (a.maxLength !== undefined && value.length > a.maxLength) throw Errors.tooLong(a.logicalName, table.logicalName, a.maxLength);
      return value;
    case 'integer':
    case 'bigint':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw Errors.cannotConvert(literal(value), edm);
      return value;
    case 'decimal':
    case 'money':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw Errors.cannotConvert(literal(value), edm);
      return value;
    case 'picklist':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw Errors.cannotConvert(literal(value), edm);
      if (a.options && !a.options.includes(value)) throw Errors.picklistRange();
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw Errors.cannotConvert(literal(value), edm);
      return value;
    case 'datetime':
      if (typeof value !== 'string' || !(DATE_TIME.test(value) || DATE_ONLY.test(value)) || Number.isNaN(Date.parse(value))) {
        throw Errors.cannotConvert(literal(value), edm);
      }
      return formatDateTime(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
    case 'dateonly':
      if (typeof value !== 'string' || !DATE_ONLY.test(value) || Number.isNaN(Date.parse(value))) throw Errors.cannotConvert(literal(value), edm);
      return value;
    case 'uniqueidentifier':
      if (typeof value !== 'string' || !isGuid(value)) throw Errors.cannotConvert(literal(value), edm);
      return value.toLowerCase();
    case 'lookup':
      throw Errors.badRequest(
        "An error occurred while validating input parameters: Microsoft.OData.ODataException: A 'PrimitiveValue' node with non-null value was found when trying to read the value of a navigation property; however, a 'StartArray' node, a 'StartObject' node, or a 'PrimitiveValue' node with null value was expected.",
      );
  }
}

/** Strips the service root from a bind value: `/accounts(…)`, `accounts(…)`, `http://h/api/data/v9.2/accounts(…)`. */
function bindPath(value: string): string {
  let path = value.trim().replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]+/i, '');
  path = path.replace(/^\/?api\/data\/v\d+(\.\d+)?\//i, '');
  return path.replace(/^\/+/, '');
}

export function parseBindValue(registry: EntityRegistry, nav: NavigationProperty, value: string): BindRef {
  const trimmed = value.trim();
  if (/^\$[^/()]+$/.test(trimmed)) return { kind: 'content-id', contentId: trimmed.slice(1) };
  let path = bindPath(trimmed);
  try {
    path = decodeURIComponent(path);
  } catch {
    // Keep the raw text; the key parser reports what is wrong with it.
  }
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/.exec(path);
  if (!m) throw Errors.badRequest(`The value '${value}' of '${nav.name}@odata.bind' is not a valid entity reference.`);
  const table = registry.bySetName(m[1]);
  if (!table) throw Errors.resourceNotFound(m[1]);
  if (table.logicalName !== nav.target) {
    throw Errors.badRequest(`The navigation property '${nav.name}' expects a reference to '${nav.target}', got one to the entity set '${m[1]}'.`);
  }
  return { kind: 'record', table, address: parseAddress(table, m[2]) };
}

/**
 * Checks a body for create/update: unknown columns and undeclared navigation properties are errors, system and
 * not-valid-for-this-operation columns are dropped silently (as the platform does), values are type-checked.
 */
export function preparePayload(registry: EntityRegistry, table: EntityTable, body: unknown): PreparedPayload {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw Errors.badRequest('An error occurred while validating input parameters: the request body must be a JSON object.');
  }
  const out: PreparedPayload = { create: {}, update: {}, binds: [] };
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const at = name.indexOf('@');
    if (at === 0) {
      if (IGNORED_ANNOTATIONS.has(name) || name.startsWith('@odata.') || name.startsWith('@Microsoft.')) continue;
      throw Errors.invalidProperty(name, table.logicalName);
    }
    if (at > 0) {
      const property = name.slice(0, at);
      const annotation = name.slice(at + 1);
      if (annotation !== 'odata.bind') {
        if (!table.attributes.has(property) && !table.navigation.has(property)) throw Errors.undeclaredProperty(property);
        continue;
      }
      const nav = table.navigation.get(property);
      if (!nav) throw Errors.undeclaredProperty(property);
      if (value === null) {
        out.create[nav.attribute.logicalName] = null;
        out.update[nav.attribute.logicalName] = null;
        continue;
      }
      if (typeof value !== 'string') throw Errors.badRequest(`The value of '${name}' must be a string holding an entity reference.`);
      out.binds.push({ nav, ref: parseBindValue(registry, nav, value) });
      continue;
    }
    const a = table.attributes.get(name);
    if (!a) throw Errors.invalidProperty(name, table.logicalName);
    if (a.system) continue;
    if (a.type === 'lookup' && value === null) {
      out.create[name] = null;
      out.update[name] = null;
      continue;
    }
    const stored = normalize(table, a, value);
    if (a.logicalName === table.primaryId) {
      if (typeof stored === 'string') out.id = stored;
      continue;
    }
    if (a.validForCreate !== false) out.create[name] = stored;
    if (a.validForUpdate !== false) out.update[name] = stored;
  }
  return out;
}

/** The SystemRequired column a create payload lacks, if any. */
export function missingRequired(table: EntityTable, values: Record<string, unknown>): string | undefined {
  return table.systemRequired.find((a) => values[a.logicalName] === undefined || values[a.logicalName] === null || values[a.logicalName] === '')
    ?.logicalName;
}

/** The SystemRequired column an update payload clears, if any. */
export function clearedRequired(table: EntityTable, values: Record<string, unknown>): string | undefined {
  return table.systemRequired.find((a) => a.logicalName in values && (values[a.logicalName] === null || values[a.logicalName] === ''))?.logicalName;
}
