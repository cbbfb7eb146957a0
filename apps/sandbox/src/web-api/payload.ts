import { isGuid } from '@ferry/destinations/dynamics';
import { AttributeMetadata, EntityRegistry, EntityTable, NavigationProperty, PARTICIPATION_TYPES } from '../metadata/entity-metadata';
import { RecordAddress, parseAddress } from './alternate-key';
import { Errors } from './dataverse-http.error';

/** A lookup reference from an @odata.bind value or a Content-ID reference. */
export type BindRef = { kind: 'record'; table: EntityTable; address: RecordAddress } | { kind: 'content-id'; contentId: string };

export interface Bind {
  nav: NavigationProperty;
  ref: BindRef;
}

/** One activity party of an activity's <activity>_activity_parties collection. */
export interface PartyInput {
  bind: Bind;
  mask: number;
  addressused?: string;
}

export interface PayloadLimits {
  /** organization.maxuploadfilesize, on the base64 text. */
  maxUploadFileSize: number;
}

/** A request body checked against the table and split by what create and update may each set. */
export interface PreparedPayload {
  create: Record<string, unknown>;
  update: Record<string, unknown>;
  binds: Bind[];
  /** The activity parties the body sets (replacing any the record had), when it carries the collection. */
  parties?: PartyInput[];
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
function normalize(table: EntityTable, a: AttributeMetadata, value: unknown, limits?: PayloadLimits): unknown {
  if (value === null) return null;
  const edm = EDM_TYPE[a.type] ?? 'Edm.String';
  switch (a.type) {
    case 'string':
    case 'memo':
      if (typeof value !== 'string') throw Errors.cannotConvert(literal(value), edm);
      if (a.uploadLimited && limits && value.length > limits.maxUploadFileSize) throw Errors.fileTooBig();
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
/** Reads `<activity>_activity_parties`: each item binds one party (partyid_<table>) with a participation type. */
function prepareParties(registry: EntityRegistry, name: string, value: unknown): PartyInput[] {
  const partyTable = registry.byLogicalName('activityparty');
  if (!partyTable) throw new Error('activityparty is not declared');
  if (!Array.isArray(value)) throw Errors.badRequest(`The value of '${name}' must be an array of activity parties.`);
  return value.map((item, i) => {
    if (!item || typeof item !== 'object' || Array.isArray(item)) throw Errors.badRequest(`${name}[${i}] must be an activity party object.`);
    let bind: Bind | undefined;
    let mask: number | undefined;
    let addressused: string | undefined;
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
      if (k.endsWith('@odata.bind')) {
        const nav = partyTable.navigation.get(k.slice(0, -'@odata.bind'.length));
        if (!nav || nav.attribute.logicalName !== 'partyid') throw Errors.undeclaredProperty(k.slice(0, -'@odata.bind'.length));
        if (typeof v !== 'string') throw Errors.badRequest(`The value of '${k}' must be a string holding an entity reference.`);
        if (bind) throw Errors.badRequest(`${name}[${i}] binds more than one party.`);
        bind = { nav, ref: parseBindValue(registry, nav, v) };
      } else if (k === 'participationtypemask') {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw Errors.cannotConvert(literal(v), 'Edm.Int32');
        if (!(v in PARTICIPATION_TYPES)) throw Errors.picklistRange();
        mask = v;
      } else if (k === 'addressused') {
        if (typeof v !== 'string') throw Errors.cannotConvert(literal(v), 'Edm.String');
        if (v.length > 320) throw Errors.tooLong('addressused', 'activityparty', 320);
        addressused = v;
      } else if (!k.startsWith('@')) {
        throw Errors.invalidProperty(k, 'activityparty');
      }
    }
    if (!bind) throw Errors.badRequest(`${name}[${i}]: an activity party needs a 'partyid_<table>@odata.bind'.`);
    if (mask === undefined) throw Errors.badRequest(`${name}[${i}]: an activity party needs a 'participationtypemask'.`);
    return { bind, mask, addressused };
  });
}

export function preparePayload(registry: EntityRegistry, table: EntityTable, body: unknown, limits?: PayloadLimits): PreparedPayload {
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
    if (table.meta.activityParties && name === table.meta.activityParties) {
      out.parties = prepareParties(registry, name, value);
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
    const stored = normalize(table, a, value, limits);
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

const given = (v: unknown) => v !== undefined && v !== null;

/**
 * Defaults and checks statecode/statuscode in one set of values: a state without a status gets the state's default
 * status; a status must belong to its state. `forCreate` puts a record without a state in the table's default state.
 * Answers 'needs-current' when only a status is given on an update: the record's current state decides.
 */
export function applyState(table: EntityTable, values: Record<string, unknown>, forCreate: boolean): 'ok' | 'needs-current' {
  const def = table.defaultState;
  if (!def) return 'ok';
  if (given(values.statecode)) {
    const st = table.state(values.statecode as number);
    if (!st) throw Errors.picklistRange();
    if (!given(values.statuscode)) values.statuscode = st.defaultStatus;
    else if (!st.statuses.includes(values.statuscode as number)) throw Errors.invalidState(table.logicalName, values.statecode, values.statuscode);
    return 'ok';
  }
  if (!forCreate) return given(values.statuscode) ? 'needs-current' : 'ok';
  values.statecode = def.value;
  if (!given(values.statuscode)) values.statuscode = def.defaultStatus;
  else if (!def.statuses.includes(values.statuscode as number)) throw Errors.invalidState(table.logicalName, def.value, values.statuscode);
  return 'ok';
}

/** The status a record in `statecode` may take. */
export function checkStatusInState(table: EntityTable, statecode: number, statuscode: number): void {
  const st = table.state(statecode) ?? table.defaultState;
  if (st && !st.statuses.includes(statuscode)) throw Errors.invalidState(table.logicalName, statecode, statuscode);
}
