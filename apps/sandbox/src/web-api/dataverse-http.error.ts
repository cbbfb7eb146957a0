/** An error the sandbox answers with Dataverse's status, code and message. */
export class DataverseHttpError extends Error {
  override readonly name = 'DataverseHttpError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Set when the database rejected the statement, which leaves an open transaction unusable. */
    readonly abortsTransaction = false,
  ) {
    super(message);
  }

  body(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** The platform's answers, worded as the platform words them. */
export const Errors = {
  invalidProperty: (property: string, entity: string) =>
    new DataverseHttpError(
      400,
      '0x0',
      `An error occurred while validating input parameters: Microsoft.OData.ODataException: Invalid property '${property}' was found in entity 'Microsoft.Dynamics.CRM.${entity}'.`,
    ),
  unknownQueryProperty: (property: string, entity: string) =>
    new DataverseHttpError(400, '0x80060888', `Could not find a property named '${property}' on type 'Microsoft.Dynamics.CRM.${entity}'.`),
  resourceNotFound: (segment: string) => new DataverseHttpError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`),
  recordNotFound: (entity: string, id: string) => new DataverseHttpError(404, '0x80040217', `${entity} With Id = ${id} Does Not Exist`),
  keyNotFound: (entity: string) =>
    new DataverseHttpError(404, '0x80040217', `A record with the specified key values does not exist in ${entity} entity`),
  bindKeyNotFound: (entity: string) =>
    new DataverseHttpError(404, '0x80060891', `A record with the specified key values does not exist in ${entity} entity`),
  undeclaredProperty: (property: string) =>
    new DataverseHttpError(
      400,
      '0x80048d19',
      `An undeclared property '${property}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
    ),
  invalidKey: (entity: string) =>
    new DataverseHttpError(
      400,
      '0x80060888',
      `The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.${entity}'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.${entity}'.`,
    ),
  dangerousPath: (ch: string) =>
    new DataverseHttpError(400, '0x0', `A potentially dangerous Request.Path value was detected from the client (${ch}).`),
  duplicateKey: (keyName: string, attributes: string[]) =>
    new DataverseHttpError(
      412,
      '0x80060892',
      `Entity Key ${keyName} violated. A record with the same value for ${attributes.join(', ')} already exists. A duplicate record cannot be created.`,
    ),
  duplicateRecord: () => new DataverseHttpError(412, '0x80040237', 'A record with matching key values already exists.'),
  versionMismatch: () =>
    new DataverseHttpError(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided."),
  requiredMissing: (attribute: string, entity: string) =>
    new DataverseHttpError(400, '0x80040200', `Required field missing. Attribute '${attribute}' of entity '${entity}' is SystemRequired.`),
  tooLong: (attribute: string, entity: string, max: number) =>
    new DataverseHttpError(
      400,
      '0x80044331',
      `A validation error occurred. The length of the '${attribute}' attribute of the '${entity}' entity exceeded the maximum allowed length of '${max}'.`,
    ),
  picklistRange: () => new DataverseHttpError(400, '0x8004431A', 'The picklist value is out of the range.'),
  fileTooBig: () => new DataverseHttpError(400, '0x80044a02', 'Attachment file size is too big.'),
  invalidState: (entity: string, statecode: unknown, statuscode: unknown) =>
    new DataverseHttpError(
      400,
      '0x80048408',
      `State code is invalid or state code is valid but status code is invalid for a specific state code. (${entity}: statecode ${String(statecode)}, statuscode ${String(statuscode)})`,
    ),
  ownerDisabled: () => new DataverseHttpError(400, '0x8004022b', 'The specified owner has been disabled.'),
  cannotConvert: (literal: string, edmType: string) =>
    new DataverseHttpError(
      400,
      '0x0',
      `An error occurred while validating input parameters: Microsoft.OData.ODataException: Cannot convert the literal '${literal}' to the expected type '${edmType}'.`,
    ),
  badRequest: (message: string, code = '0x0') => new DataverseHttpError(400, code, message),
  /** Something the platform serves and the sandbox does not emulate: refused loudly rather than answered wrongly. */
  notImplemented: (message: string) => new DataverseHttpError(501, '0x0', message),
  methodNotAllowed: (method: string) => new DataverseHttpError(405, '0x80060888', `The HTTP method '${method}' is not allowed on this resource.`),
  unexpected: () => new DataverseHttpError(500, '0x80040216', 'An unexpected error occurred.'),
};
