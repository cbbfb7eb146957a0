/** One error as Salesforce reports it; single calls name the code `errorCode`, collections and bulk `statusCode`. */
export interface SfErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** An error answered to the whole request: `[{"message","errorCode","fields"?}]` with an HTTP status. */
export class SfHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SfErrorItem[],
    readonly headers: Record<string, string> = {},
    /** a body other than the error list (OAuth answers, 300 matches) */
    readonly rawBody?: unknown,
  ) {
    super(errors.map((e) => `${e.errorCode}: ${e.message}`).join('; '));
  }

  body(): unknown {
    return this.rawBody ?? this.errors.map((e) => (e.fields ? { message: e.message, errorCode: e.errorCode, fields: e.fields } : { message: e.message, errorCode: e.errorCode }));
  }
}

/** An error of one record: in a single call it becomes a 400 (or the given status), in a collection one row's result. */
export class SfRecordError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly fields: string[] = [],
    readonly status = 400,
  ) {
    super(message);
  }

  item(): SfErrorItem {
    return { message: this.message, errorCode: this.code, fields: this.fields };
  }

  /** the collections/bulk form */
  statusItem(): { statusCode: string; message: string; fields: string[] } {
    return { statusCode: this.code, message: this.message, fields: this.fields };
  }
}

export const SfErrors = {
  notFound: (message = 'The requested resource does not exist') => new SfHttpError(404, [{ message, errorCode: 'NOT_FOUND' }]),
  malformedQuery: (message: string) => new SfHttpError(400, [{ message, errorCode: 'MALFORMED_QUERY' }]),
  invalidType: (name: string) => new SfHttpError(400, [{ message: `sObject type '${name}' is not supported.`, errorCode: 'INVALID_TYPE' }]),
  jsonParser: (message: string) => new SfHttpError(400, [{ message, errorCode: 'JSON_PARSER_ERROR' }]),
  badRequest: (message: string, errorCode = 'INVALID_INPUT') => new SfHttpError(400, [{ message, errorCode }]),
  methodNotAllowed: (method: string, allowed: string[]) =>
    new SfHttpError(405, [{ message: `HTTP Method '${method}' not allowed. Allowed are ${allowed.join(',')}`, errorCode: 'METHOD_NOT_ALLOWED' }], { Allow: allowed.join(', ') }),
  sessionExpired: () => new SfHttpError(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]),
  requestLimit: () => new SfHttpError(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]),
};

/** Record-level error constructors with Salesforce's messages. */
export const RecErr = {
  noSuchColumn: (field: string, object: string) =>
    new SfRecordError('INVALID_FIELD', `No such column '${field}' on sobject of type ${object}`, [field]),
  notWritable: (field: string) =>
    new SfRecordError(
      'INVALID_FIELD_FOR_INSERT_UPDATE',
      `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
      [field],
    ),
  required: (fields: string[]) => new SfRecordError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${fields.join(', ')}]`, fields),
  tooLong: (label: string, field: string, value: string, max: number) =>
    new SfRecordError('STRING_TOO_LONG', `${label}: data value too large: ${value.length > 40 ? `${value.slice(0, 40)}...` : value} (max length=${max})`, [field]),
  restricted: (label: string, field: string, value: unknown) =>
    new SfRecordError('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${label}: bad value for restricted picklist field: ${String(value)}`, [field]),
  wrongType: (label: string, field: string, value: unknown) =>
    new SfRecordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${label}: value not of required type: ${String(value)}`, [field]),
  email: (label: string, field: string, value: unknown) => new SfRecordError('INVALID_EMAIL_ADDRESS', `${label}: invalid email address: ${String(value)}`, [field]),
  crossRef: (field: string) => new SfRecordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field]),
  malformedId: (label: string, field: string, value: unknown) => new SfRecordError('MALFORMED_ID', `${label}: id value of incorrect type: ${String(value)}`, [field]),
  foreignKey: (value: string, field: string, entity: string) =>
    new SfRecordError('INVALID_FIELD', `Foreign key external ID: ${value} not found for field ${field} in entity ${entity}`, []),
  foreignKeyMany: (value: string, field: string, entity: string) =>
    new SfRecordError('INVALID_FIELD', `Foreign key external ID: ${value} matches multiple records for field ${field} in entity ${entity}`, []),
  duplicate: (field: string, id: string) => new SfRecordError('DUPLICATE_VALUE', `duplicate value found: ${field} duplicates value on record with id: ${id}`, []),
  inactiveOwner: (field: string) => new SfRecordError('INACTIVE_OWNER_OR_USER', 'operation performed with inactive User', [field]),
  integrity: (message: string, fields: string[] = []) => new SfRecordError('FIELD_INTEGRITY_EXCEPTION', message, fields),
  lockRow: () => new SfRecordError('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record', []),
  entityDeleted: () => new SfRecordError('ENTITY_IS_DELETED', 'entity is deleted', [], 404),
  notFoundId: () => new SfRecordError('NOT_FOUND', 'The requested resource does not exist', [], 404),
  malformedRecordId: (id: string) => new SfRecordError('MALFORMED_ID', `malformed id ${id}`, []),
  rolledBack: () =>
    new SfRecordError('ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header', []),
};
